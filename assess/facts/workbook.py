"""Reading a unit's facts from a filled ``assess template`` workbook (报送表.xlsx).

The template's layout is fixed here and written by :mod:`assess.tools.template`: a
facts sheet has one fact a row, its value in column C and its fact path in hidden
column E, so reading never depends on row order or on the labels a clerk may retype;
a list sheet (演练, 荣誉 …) has one item a row under a heading row whose hidden row 2
names the item fields. The instructions sheet carries the template version in a hidden
cell. Every problem names the file, sheet and cell (``预案!C7``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from assess import inputs
from assess.errors import MAX_ISSUES, FactsError, Issue
from assess.facts.catalogue import FIELDS
from assess.facts.cells import typed
from assess.facts.labels import yes_no
from assess.facts.model import UnitFacts
from assess.i18n import _, ngettext

TEMPLATE_VERSION = "1"
"""Bumped whenever the layout changes in a way an older reader would misread."""
READABLE_VERSIONS = frozenset({"1"})

INSTRUCTIONS = "填表说明"
VERSION_CELL = "E2"
"""Hidden, on the instructions sheet: ``E1`` says what the workbook is, ``E2`` its version."""
MARK = "assess-template"
MARK_CELL = "E1"

VALUE_COLUMN = 3   # C: what the clerk fills in
PATH_COLUMN = 5    # E, hidden: the fact path of the row
LIST_PATH_ROW = 2  # hidden: the item field of each column of a list sheet
FIRST_ITEM_ROW = 3

ZIP_MAGIC = b"PK\x03\x04"
_NONE = "#none"
"""Where the list facts a form answers 无 are kept while reading."""


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` is a zip archive (an .xlsx), not JSON text."""
    return data.startswith(ZIP_MAGIC)


def loads_workbook(data: bytes, source: str) -> UnitFacts:
    """A unit's facts from the bytes of a filled template."""
    import zipfile  # here, not at the top: reading a JSON unit should not load it

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:  # the zip directory is checked against the caps before openpyxl inflates anything
        inputs.check_office_zip(data, what=".xlsx", source=source).close()
    except inputs.InputError as exc:
        raise FactsError(exc.message, source=source) from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise FactsError(_("not a readable .xlsx workbook ({kind})").format(kind=type(exc).__name__),
                         source=source) from exc
    try:
        _check_version(book, source)
        nested, cells, issues = _collect(book)
    finally:
        book.close()
    if issues:
        raise FactsError(ngettext("{count} problem in the form", "{count} problems in the form", len(issues))
                         .format(count=len(issues)), source=source,
                         issues=tuple(issues[:MAX_ISSUES]), omitted=max(0, len(issues) - MAX_ISSUES))
    from assess.facts.reading import validate

    try:
        return validate(nested, source)
    except FactsError as exc:
        placed = tuple(Issue(_cell_of(issue.path, cells), issue.message) for issue in exc.issues)
        raise FactsError(exc.message, source=source, issues=placed, omitted=exc.omitted) from exc


def _check_version(book: Any, source: str) -> None:
    if INSTRUCTIONS not in book.sheetnames or book[INSTRUCTIONS][MARK_CELL].value != MARK:
        raise FactsError(_("not a form made by assess template (its instructions sheet {sheet} is missing or "
                           "changed); fill a form made by assess template").format(sheet=INSTRUCTIONS),
                         source=source)
    version = str(book[INSTRUCTIONS][VERSION_CELL].value or "").strip()
    if version not in READABLE_VERSIONS:
        raise FactsError(_("made from template version {version}, and this assess reads version {readable}: copy "
                           "the answers into a new form (assess template)").format(
                               version=version or "(none)", readable=", ".join(sorted(READABLE_VERSIONS))),
                         source=source)


def _set(nested: dict[str, Any], path: str, value: Any) -> None:
    head, _, tail = path.partition(".")
    if tail:
        nested.setdefault(head, {})[tail] = value
    else:
        nested[head] = value


def _collect(book: Any) -> tuple[dict[str, Any], dict[str, str], list[Issue]]:
    """The facts nested as JSON, each JSON path's cell, and the cells that could not be typed."""
    nested: dict[str, Any] = {}
    cells: dict[str, str] = {}
    issues: list[Issue] = []
    lists: list[tuple[Any, str]] = []
    for sheet in book.worksheets:
        if sheet.title == INSTRUCTIONS:
            continue
        marker = sheet.cell(LIST_PATH_ROW, 1).value
        if isinstance(marker, str) and marker.startswith("@"):
            lists.append((sheet, marker[1:]))
        else:
            _read_facts(sheet, nested, cells, issues)
    for sheet, path in lists:  # after the facts sheets, where 无 may have been said
        _read_list(sheet, path, nested, cells, issues)
    said_none = nested.pop(_NONE, set())
    for path in said_none - {listed for _sheet, listed in lists}:
        _set(nested, path, [])
    return nested, cells, issues


def _text(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _read_facts(sheet: Any, nested: dict[str, Any], cells: dict[str, str], issues: list[Issue]) -> None:
    for row in range(1, sheet.max_row + 1):
        path = sheet.cell(row, PATH_COLUMN).value
        if not isinstance(path, str) or path not in FIELDS:
            continue
        raw = sheet.cell(row, VALUE_COLUMN).value
        where = f"{sheet.title}!C{row}"
        cells[path] = where
        if FIELDS[path].kind == "list":
            # 无 here says the unit had none (an empty list), which a blank list sheet cannot say
            if _text(raw) and (not isinstance(raw, str) or yes_no(raw, cell=True) is not False):
                issues.append(Issue(where, _("{value!r}: write 无 when there were none, or leave it empty")
                                    .format(value=raw)))
            elif _text(raw):
                nested.setdefault(_NONE, set()).add(path)
            continue
        try:
            value = typed(FIELDS[path], raw)
        except ValueError as exc:
            issues.append(Issue(where, str(exc)))
            continue
        if value is not None:
            _set(nested, path, value)


def _columns(sheet: Any) -> Iterator[tuple[int, str]]:
    for column in range(2, sheet.max_column + 1):
        name = sheet.cell(LIST_PATH_ROW, column).value
        if isinstance(name, str) and name:
            yield column, name


def _read_list(sheet: Any, path: str, nested: dict[str, Any], cells: dict[str, str], issues: list[Issue]) -> None:
    info = FIELDS.get(path)
    if info is None or info.kind != "list":
        issues.append(Issue(f"{sheet.title}!A{LIST_PATH_ROW}",
                            _("this sheet's hidden row was changed; fill a new form (assess template)")))
        return
    from openpyxl.utils import get_column_letter

    columns = [(c, n) for c, n in _columns(sheet) if n in info.item_fields]
    cells[path + "#none"] = cells.get(path, sheet.title)
    cells[path] = sheet.title
    items: list[dict[str, Any]] = []
    for row in range(FIRST_ITEM_ROW, sheet.max_row + 1):
        raw = {name: sheet.cell(row, column).value for column, name in columns}
        # a row is an item when anything is filled in, its 序号 alone included (a drill
        # the unit held and can say nothing more about still counts)
        if not _text(sheet.cell(row, 1).value) and not any(_text(v) for v in raw.values()):
            continue
        item: dict[str, Any] = {}
        index = len(items)
        for column, name in columns:
            where = f"{sheet.title}!{get_column_letter(column)}{row}"
            cells[f"{path}[{index}].{name}"] = where
            try:
                value = typed(info.item_fields[name], raw[name])
            except ValueError as exc:
                issues.append(Issue(where, str(exc)))
                continue
            if value is not None:
                item[name] = value
        cells[f"{path}[{index}]"] = f"{sheet.title}!{row}:{row}"
        items.append(item)
    said_none = path in nested.get(_NONE, set())
    if items and said_none:
        issues.append(Issue(cells.get(path + "#none", sheet.title),
                            _("says 无 but sheet {sheet} lists {count} item(s)").format(
                                sheet=sheet.title, count=len(items))))
    elif items or said_none:
        _set(nested, path, items)


def _cell_of(json_path: str, cells: dict[str, str]) -> str:
    """The cell (or row) a JSON path was read from; the path itself when it came from none."""
    probe = json_path
    while probe:
        if probe in cells:
            return cells[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return json_path
