"""Charts for the published reports, drawn by matplotlib: PNG for Word, SVG for HTML.

The SVG carries its text as outlines (``svg.fonttype: path``), so a browser needs no
Chinese font and the page fetches nothing; a fixed hash salt and no date keep the output
identical from run to run. matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from assess.ranking import Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# The first font found wins; Noto Sans CJK comes with Debian's fonts-noto-cjk.
_CHINESE = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei",
            "Microsoft YaHei"]
_FONTS = [*_CHINESE, "DejaVu Sans"]
# How the files of those fonts are named, to find them when matplotlib's list lacks them.
_CHINESE_FILES = ("notosanscjk", "sourcehansans", "wqy-zenhei", "simhei", "msyh")
_COLOUR = "#3c6e9f"
_OTHER = "#d98c3a"


class Bars(msgspec.Struct, frozen=True):
    """One bar chart: labels, values and, optionally, a second series beside them."""

    title: str
    labels: Sequence[str]
    values: Sequence[float]
    value_label: str
    second: Sequence[float] | None = None
    second_label: str = ""


def grade_bars(table: Table) -> Bars:
    return Bars(f"{table.title}：等级分布", [g.grade for g in table.grades], [g.count for g in table.grades], "单位数")


def category_loss_bars(table: Table) -> Bars:
    """Average points lost per category across the table's units."""
    count = max(len(table.rows), 1)
    lost = [round(sum(c.max - r.categories[i] for r in table.rows) / count, 2)
            for i, c in enumerate(table.categories)]
    return Bars(f"{table.title}：各类别平均失分", [c.name for c in table.categories], lost, "平均失分")


def unit_vs_average_bars(table: Table, index: int) -> Bars:
    """One unit's category scores against the table's average."""
    row = table.rows[index]
    count = max(len(table.rows), 1)
    average = [round(sum(r.categories[i] for r in table.rows) / count, 2) for i in range(len(table.categories))]
    return Bars(f"{row.unit.name}：各类别得分与平均", [c.name for c in table.categories], list(row.categories),
                "本单位", average, "本表平均")


def _draw(charts: Sequence[Bars], width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=150, layout="constrained")
    for index, bars in enumerate(charts, start=1):
        _bars(figure.add_subplot(1, len(charts), index), bars)
    return figure


def _bars(axes: Axes, bars: Bars) -> None:
    positions = list(range(len(bars.labels)))
    if bars.second is None:
        drawn = axes.bar(positions, bars.values, color=_COLOUR, width=0.6)
        axes.bar_label(drawn, labels=[f"{v:g}" for v in bars.values], fontsize=8)
    else:
        left = [p - 0.2 for p in positions]
        right = [p + 0.2 for p in positions]
        axes.bar(left, bars.values, width=0.4, color=_COLOUR, label=bars.value_label)
        axes.bar(right, bars.second, width=0.4, color=_OTHER, label=bars.second_label)
        axes.legend(fontsize=8, frameon=False)
    axes.set_xticks(positions, [_wrap(label) for label in bars.labels], fontsize=8)
    axes.set_ylabel(bars.value_label if bars.second is None else "得分", fontsize=8)
    axes.set_title(bars.title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="y", labelsize=8)


def _wrap(label: str, width: int = 5) -> str:
    """Long Chinese category names broken into lines so that the ticks do not collide."""
    return "\n".join(label[i:i + width] for i in range(0, len(label), width))


@cache  # once a process: the fonts added stay in matplotlib's list
def _chinese_font_known() -> None:
    """matplotlib keeps its list of the system's fonts in a per-user cache and never rebuilds
    it: made before a Chinese font was installed, it lists none, and every character would be
    drawn as an empty box. The Chinese fonts installed since are added to the list in memory."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if any(font.name in _CHINESE for font in manager.ttflist):
        return
    for path in font_manager.findSystemFonts():
        if any(mark in Path(path).name.lower() for mark in _CHINESE_FILES):
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read is not a font to use
                continue


def _render(charts: Sequence[Bars], kind: str, width: float, height: float) -> bytes:
    import matplotlib

    _chinese_font_known()
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": _FONTS, "svg.fonttype": "path",
                                "svg.hashsalt": "assess", "axes.unicode_minus": False}):
        figure = _draw(charts, width, height)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=kind, metadata={"Date": None} if kind == "svg" else {"Software": None})
    return buffer.getvalue()


def png(*charts: Bars, width: float = 6.0, height: float = 2.6) -> bytes:
    """The charts side by side in one picture."""
    return _render(charts, "png", width, height)


def svg(bars: Bars, width: float = 6.0, height: float = 2.6) -> str:
    """Inline SVG without the XML declaration, to sit inside an HTML page."""
    text = _render([bars], "svg", width, height).decode("utf-8")
    return text[text.index("<svg"):]
