"""``assess template``: the intake forms a clerk fills in Excel or WPS.

The unit's form (报送表.xlsx) is generated from the facts catalogue, and, given a
ruleset, asks only the facts that ruleset reads, in the order of its categories. The
office's records form (考核办记录.xlsx) has one row per unit and one column per fact
the office keeps. Both use only standard spreadsheet features (list and whole-number
data validation, hidden columns), so LibreOffice, Excel and WPS keep them; the layout
is the one :mod:`assess.facts.workbook` reads back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from assess.facts import FIELDS, OFFICE_FIELDS, UNIT_TYPE_LABELS, FieldInfo
from assess.facts.labels import labels_of
from assess.facts.workbook import (
    FIRST_ITEM_ROW,
    INSTRUCTIONS,
    LIST_PATH_ROW,
    MARK,
    MARK_CELL,
    PATH_COLUMN,
    TEMPLATE_VERSION,
    VALUE_COLUMN,
    VERSION_CELL,
)
from assess.sources.records import ID_COLUMNS, NAME_COLUMNS

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from assess.ruleset import Ruleset

UNIT_SHEET = "单位信息"
SKIPPED = ("source", "adjustments")
"""Where the facts came from and the assessors' adjustments are not the unit's to fill."""
LIST_ROWS = 200
"""Rows of a list sheet that carry the drop-downs and checks (more may be added by copying)."""
RECORD_ROWS = 1000

_HELP = {
    "bool": "从下拉选择 是 或 否；不清楚就留空（留空是“未报送”，不等于“否”）",
    "int": "填 0 或以上的整数；留空是“未报送”，不等于 0",
    "number": "填 0 或以上的数",
    "enum": "从下拉列表选择",
    "str": "文字",
    "list": "本年没有就选 无；有则在同名工作表一项一行填写，这里留空",
}


def _measure(info: FieldInfo) -> str:
    """The unit of measure shown beside a fact, from its kind and label."""
    if info.kind == "bool":
        return "是/否"
    if "万元" in info.label:
        return "万元"
    if info.kind in ("int", "number"):
        return "人" if "人" in info.label or info.label in ("志愿者",) else "个/次"
    return ""


def _wanted(ruleset: Ruleset | None) -> list[str] | None:
    """The fact paths a ruleset reads, in rule order (its categories' order), or None for all."""
    if ruleset is None:
        return None
    out: list[str] = []
    for rule in ruleset.program.rules:
        for path in rule.reads:
            owner = next((p for p in (path, path.rsplit(".", 1)[0]) if p in FIELDS), None)
            if owner is not None and owner not in out:
                out.append(owner)
    return out


def _layout(wanted: list[str] | None) -> tuple[list[str], list[tuple[str, list[str]]], list[str]]:
    """The unit sheet's paths, each section sheet (title, paths) and the list facts, in order."""
    fillable = [p for p, i in FIELDS.items() if i.kind != "section" and p.split(".")[0] not in SKIPPED]
    unit_rows = [p for p in fillable if p.startswith("unit.")]
    chosen = fillable if wanted is None else [p for p in wanted if p in fillable]
    top = [p for p in chosen if "." not in p and FIELDS[p].kind != "list"]
    unit_rows += top
    sections: dict[str, list[str]] = {}
    lists: list[str] = []
    for path in chosen:
        if path in top or path.startswith("unit."):
            continue
        if FIELDS[path].kind == "list":
            lists.append(path)
            if "." not in path:
                unit_rows.append(path)
                continue
        sections.setdefault(path.split(".")[0], []).append(path)
    return unit_rows, [(FIELDS[s].label, paths) for s, paths in sections.items()], lists


def _validation(info: FieldInfo) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    if info.kind == "list":
        rule = DataValidation(type="list", formula1='"无"', allow_blank=True)
        rule.error = "没有就选 无；有则填在同名工作表里"
    elif info.kind == "bool":
        rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        rule.error = "请从下拉列表选择 是 或 否"
    elif info.kind == "enum":
        rule = DataValidation(type="list", formula1='"' + ",".join(labels_of(info.enum).values()) + '"',
                              allow_blank=True)
        rule.error = "请从下拉列表选择"
    elif info.kind == "int":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        rule.error = "请填 0 或以上的整数"
    elif info.kind == "number":
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        rule.error = "请填 0 或以上的数"
    else:
        return None
    rule.errorTitle = "填写有误"
    rule.showErrorMessage = True
    return rule


def _validate_cells(sheet: Worksheet, info: FieldInfo, cells: str) -> None:
    rule = _validation(info)
    if rule is not None:
        sheet.add_data_validation(rule)
        rule.add(cells)


def _facts_sheet(book: Workbook, title: str, paths: Iterable[str], unit_type: str | None) -> None:
    from openpyxl.styles import Font, PatternFill

    sheet = book.create_sheet(title)
    sheet.append(["项目", "计量", "填报", "填写说明", "fact path"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row, path in enumerate(paths, start=2):
        info = FIELDS[path]
        sheet.cell(row, 1, info.label)
        sheet.cell(row, 2, _measure(info))
        sheet.cell(row, 4, _HELP.get(info.kind, ""))
        sheet.cell(row, PATH_COLUMN, path)
        value = sheet.cell(row, VALUE_COLUMN)
        value.fill = fill
        if path == "unit.type" and unit_type is not None:
            value.value = UNIT_TYPE_LABELS[unit_type]
        _validate_cells(sheet, info, value.coordinate)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 48
    sheet.column_dimensions["E"].hidden = True


def _list_sheet(book: Workbook, path: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    info = FIELDS[path]
    title = info.label if "." not in path else FIELDS[path].label
    sheet = book.create_sheet(title[:31])
    names = list(info.item_fields)
    sheet.append(["序号", *(info.item_fields[n].label for n in names)])
    sheet.append([f"@{path}", *names])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.row_dimensions[LIST_PATH_ROW].hidden = True
    for column, name in enumerate(names, start=2):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 18
        _validate_cells(sheet, info.item_fields[name], f"{letter}{FIRST_ITEM_ROW}:{letter}{FIRST_ITEM_ROW + LIST_ROWS}")
    sheet.freeze_panes = f"B{FIRST_ITEM_ROW}"


def _instructions(book: Workbook, lines: list[str]) -> None:
    sheet = book.active
    assert sheet is not None
    sheet.title = INSTRUCTIONS
    for line in lines:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 100
    sheet[MARK_CELL] = MARK
    sheet[VERSION_CELL] = TEMPLATE_VERSION
    sheet.column_dimensions["E"].hidden = True


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unit_template(ruleset: Ruleset | None = None, unit_type: str | None = None) -> bytes:
    """The unit's intake form (.xlsx bytes): every fillable fact, or only those ``ruleset``
    reads in its categories' order; ``unit_type`` fills in the unit type."""
    from openpyxl import Workbook

    book = Workbook()
    asked = f"本表只列出《{ruleset.program.rubric.spec.title}》用到的项目。" if ruleset is not None else ""
    unit_rows, sections, lists = _layout(_wanted(ruleset))
    _instructions(book, [
        "应急管理工作年度考核 单位报送表",
        "1. 每张工作表是一部分内容：在黄色的“填报”列填写，是/否和类别请从下拉列表选择。",
        "2. 留空表示未报送，不等于“否”或 0；数字请填阿拉伯数字整数，不要写“三个”。",
        "3. 演练、预案清单、荣誉、物资清单每项一行，每行写上序号；演练的具体名称写在“演练名称”里，类型从下拉选择。",
        "4. 不要改动隐藏的列和行，也不要改工作表名称：系统按它们读取。",
        f"5. 填好后保存为 .xlsx 交回。{asked}",
    ])
    _facts_sheet(book, UNIT_SHEET, unit_rows, unit_type)
    for title, paths in sections:
        _facts_sheet(book, title, paths, None)
    for path in lists:
        _list_sheet(book, path)
    return _saved(book)


def records_template() -> bytes:
    """The office's records form (.xlsx bytes): one row per unit, one column per office fact."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "考核办记录"
    id_heading = next(h for h in ID_COLUMNS if not h.isascii())
    name_heading = next(h for h in NAME_COLUMNS if not h.isascii())
    sheet.append([id_heading, name_heading, *(FIELDS[p].label for p in OFFICE_FIELDS)])
    for column, path in enumerate(OFFICE_FIELDS, start=3):
        info = FIELDS[path]
        letter = get_column_letter(column)
        heading = sheet.cell(1, column)
        help_text = _HELP.get(info.kind, "")
        if info.kind == "list":
            help_text = ('一格写一个 JSON 列表，如 [{"title": "先进单位", "level": "省级", '
                         '"number": "某应急〔2024〕12号"}]')
        heading.comment = Comment(help_text, "assess")
        sheet.column_dimensions[letter].width = max(10, 2 * len(info.label) + 2)
        _validate_cells(sheet, info, f"{letter}2:{letter}{RECORD_ROWS + 1}")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    return _saved(book)
