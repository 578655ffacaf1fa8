"""Every ranking format in one place: which module renders it, and with what."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import msgspec

from assess.ranking import Ranking
from assess.reports import ranking as tables
from assess.reports.header import NoticeHeader, Phase, Unranked
from assess.scoring.assessment import Assessment

Track = Callable[[Sequence[Assessment]], Iterable[Assessment]]


class NoticeOptions(msgspec.Struct, frozen=True):
    """What only the Word 通报 uses: its header, the phase and the units left out."""

    header: NoticeHeader = msgspec.field(default_factory=NoticeHeader)
    phase: Phase = "final"
    unranked: Sequence[Unranked] = ()


def render(ranking: Ranking, fmt_name: str, assessments: Sequence[Assessment] = (),
           notice: NoticeOptions | None = None, track: Track | None = None) -> bytes:
    """Any format as bytes (text formats in UTF-8). The renderers of CSV, XLSX, HTML and
    Word are imported only when asked for: they pull in openpyxl, Jinja2, matplotlib.
    ``track`` wraps the assessments where a renderer walks them all (a progress bar)."""

    def csv() -> bytes:
        from assess.reports.csvfile import render_csv
        return render_csv(ranking)

    def xlsx() -> bytes:
        from assess.reports.xlsx import render_xlsx
        return render_xlsx(ranking, assessments, track)

    def html() -> str:
        from assess.reports.htmlpage import render_html
        return render_html(ranking)

    def docx() -> bytes:
        from assess.reports.notice import render_notice
        options = notice or NoticeOptions()
        return render_notice(ranking, assessments, options.header, options.phase, options.unranked)

    renderers: dict[str, Callable[[], str | bytes]] = {
        "plain": lambda: tables.render_text(ranking, "plain"),
        "grid": lambda: tables.render_text(ranking, "grid"),
        "github": lambda: tables.render_text(ranking, "github"),
        "markdown": lambda: tables.render_markdown(ranking),
        "html": html, "csv": csv, "json": lambda: tables.render_json(ranking, assessments),
        "xlsx": xlsx, "docx": docx,
    }
    out = renderers[fmt_name]()
    return out.encode("utf-8") if isinstance(out, str) else out
