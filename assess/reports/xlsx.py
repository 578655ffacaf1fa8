"""A ranking as a workbook a clerk can print and circulate unchanged.

One sheet per table: title rows above the table, the unit's id and period, the whole
主要扣分 text wrapped, A4 landscape fitted to one page wide with the header row repeated
on every page, frozen panes and number formats; then a 扣分明细 sheet with one row per
deduction. openpyxl's write-only mode streams the rows, so memory stays bounded however
many units there are. Text cells are neutralised against formula injection.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from wcwidth import wcswidth

from assess.facts import UNIT_TYPE_LABELS
from assess.ranking import Ranking, Table
from assess.reports.output import neutralise
from assess.reports.ranking import (
    distribution,
    grade_cell,
    heading,
    main_deductions_cell,
    notes,
    period_cell,
    pillar_headers,
    score_headers,
    score_values,
)
from assess.reports.wording import evidence_words
from assess.scoring.assessment import Assessment

TITLE = "应急管理工作年度考核结果"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_SCORE = "0.00"
# Named styles, registered once: setting a font, border and alignment cell by cell costs
# openpyxl a hash of each style object per cell, most of the time of a large workbook.
TEXT, SCORE, RANK, HEAD = "正文", "分数", "排名", "表头"


def _styles(book: Workbook) -> None:
    for name, number_format, font, alignment in (
            (TEXT, "General", Font(), _WRAP), (SCORE, _SCORE, Font(), _WRAP), (RANK, "0", Font(), _WRAP),
            (HEAD, "General", Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True))):
        book.add_named_style(NamedStyle(name=name, number_format=number_format, font=font, alignment=alignment,
                                        border=_BORDER))


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "表"
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:26]}{n}", n + 1
    used.add(candidate)
    return candidate


class _Sheet:
    """A write-only sheet set up for printing: titles, one header row, then body rows."""

    def __init__(self, book: Workbook, name: str, titles: Sequence[str], head: Sequence[str],
                 widths: Sequence[float], freeze_column: int) -> None:
        self.sheet: WriteOnlyWorksheet = book.create_sheet(name)
        self.widths = list(widths)
        self.rows = 0
        sheet = self.sheet
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        header_row = len(titles) + 1
        sheet.freeze_panes = f"{get_column_letter(freeze_column + 1)}{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        for index, text in enumerate(titles):
            cell = WriteOnlyCell(sheet, value=neutralise(text))
            cell.font = Font(bold=True, size=16 if index == 0 else 11)
            self._append([cell], [])
        self._append([self._cell(h, HEAD) for h in head], head)

    def _append(self, cells: list[Any], texts: Sequence[Any]) -> None:
        """Append a row as tall as its longest wrapped text: neither Excel nor LibreOffice
        fits the height of a row written without one, so a clerk would see one line."""
        self.rows += 1
        lines = max((_lines(str(t), w) for t, w in zip(texts, self.widths, strict=False) if isinstance(t, str)),
                    default=1)
        if lines > 1:
            # The stubs omit it, but write-only sheets write row_dimensions as rows stream out.
            self.sheet.row_dimensions[self.rows].height = 15 * lines  # type: ignore[attr-defined]
        self.sheet.append(cells)

    def _cell(self, value: Any, style: str) -> Any:
        cell = WriteOnlyCell(self.sheet, value=neutralise(value) if isinstance(value, str) else value)
        cell.style = style
        return cell

    def row(self, values: Sequence[Any], styles: Sequence[str]) -> None:
        self._append([self._cell(v, s) for v, s in zip(values, styles, strict=True)], values)

    def notes(self, lines: Iterable[str]) -> None:
        self._append([], [])
        for line in lines:
            self._append([WriteOnlyCell(self.sheet, value=neutralise(line))], [])


def _lines(text: str, width: float) -> int:
    """Lines a text wraps to in a column this wide (in characters of Latin width)."""
    room = max(int(width * 0.85), 1)  # LibreOffice's and Excel's fonts run wider than wcwidth counts
    return sum(max(-(-max(wcswidth(part), len(part)) // room), 1) for part in text.split("\n"))


def _text_width(texts: Iterable[str], least: float, most: float) -> float:
    return min(max([least, *(wcswidth(t) + 2 for t in texts)]), most)


def _table_sheet(book: Workbook, table: Table, used: set[str]) -> None:
    categories = [c.name for c in table.categories]
    scores = score_headers(table)
    pillars = pillar_headers(table)
    head = ["排名", "单位编码", "单位", "类型", "考核期", "自评分", *scores, *categories, *pillars, "加分", "等级",
            "主要扣分"]
    names = [r.unit.name for r in table.rows]
    widths = [5, _text_width((r.unit.id for r in table.rows), 8, 16), _text_width(names, 10, 30), 9, 10, 7,
              *(7 for _ in scores), *(8 for _ in categories), *(8 for _ in pillars), 6,
              _text_width((grade_cell(r) for r in table.rows), 8, 16), 48]
    sheet = _Sheet(book, _sheet_name(table.title, used), [TITLE, heading(table), distribution(table)], head,
                   widths, freeze_column=3)
    styles = [RANK, TEXT, TEXT, TEXT, TEXT, SCORE, *(SCORE for _ in scores), *(SCORE for _ in categories),
              *(SCORE for _ in pillars), SCORE, TEXT, TEXT]
    for row in table.rows:
        sheet.row([row.rank, row.unit.id, row.unit.name, UNIT_TYPE_LABELS.get(row.unit.type, row.unit.type),
                   period_cell(row), row.self_score, *score_values(table, row), *row.categories, *row.pillars,
                   row.bonus, grade_cell(row), main_deductions_cell(row)], styles)
    sheet.notes(notes(table)[1:])  # the distribution is in the title rows


def _deduction_rows(assessments: Iterable[Assessment]) -> Iterator[list[Any]]:
    for a in assessments:
        names = {c.id: c.name for c in a.categories}
        for d in a.deductions:
            yield [a.unit.id, a.unit.name, a.ruleset.title, names.get(d.category, d.category), d.pillar, d.item,
                   d.points, d.reason + (f"（评审说明：{d.note}）" if d.note else ""), evidence_words(d.evidence)]


class WorkbookWriter:
    """The workbook written while units are scored: each assessment's deductions go to the
    扣分明细 sheet as it arrives (write-only sheets stream to temporary files), so only the
    ranked rows stay in memory however many units there are; :meth:`finish` adds the
    ranked tables and puts their sheets first. Used as a context manager, a workbook not
    finished is discarded on leaving (see :meth:`discard`)."""

    _DETAIL_STYLES = (TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, SCORE, TEXT, TEXT)

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self.finished = False
        _styles(self.book)
        self.used: set[str] = set()
        head = ["单位编码", "单位", "细则", "类别", "一案三制", "考核项目", "扣分", "扣分说明", "核查情况"]
        self.detail = _Sheet(self.book, _sheet_name("扣分明细", self.used), [f"{TITLE}：扣分明细"], head,
                             [12, 20, 20, 12, 8, 40, 6, 36, 36], freeze_column=2)

    def add(self, assessment: Assessment) -> None:
        for values in _deduction_rows((assessment,)):
            self.detail.row(values, self._DETAIL_STYLES)

    def finish(self, ranking: Ranking) -> bytes:
        for table in ranking.tables:
            _table_sheet(self.book, table, self.used)
        self.book.move_sheet(self.detail.sheet.title, len(ranking.tables))
        buffer = io.BytesIO()
        self.book.save(buffer)  # deletes the streamed sheet's temporary file
        self.finished = True
        return buffer.getvalue()

    def discard(self) -> None:
        """Drop the workbook unfinished (the batch failed): the streamed sheet is closed and its
        temporary file deleted now. Left alone, openpyxl would delete the file only when the
        process ends, and the sheet's writer, collected open, reports an error of its own."""
        if self.finished:
            return
        self.finished = True
        sheet = self.detail.sheet
        if not sheet.closed:
            sheet.close()
        # What saving the book does with the file; openpyxl has no public call for it, and a
        # later openpyxl without this writer leaves the file to its own clean-up at exit.
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            writer.cleanup()

    def __enter__(self) -> WorkbookWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: object) -> None:
        self.discard()


def render_xlsx(ranking: Ranking, assessments: Sequence[Assessment],
                track: Callable[[Sequence[Assessment]], Iterable[Assessment]] | None = None) -> bytes:
    """``track`` wraps the assessments while their deductions are written (a progress bar)."""
    writer = WorkbookWriter()
    for assessment in track(assessments) if track is not None else assessments:
        writer.add(assessment)
    return writer.finish(ranking)
