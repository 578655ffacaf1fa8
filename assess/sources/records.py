"""The assessing office's records (考核办日常考核记录): one table, many units.

A table has one row per unit, keyed by ``unit.id`` (or 单位编码), and one column per
fact the office keeps, named by its fact path (``tasks.assigned``) or by its Chinese
label (交办任务). An empty cell means the office has no record of that fact, never
0 or 否. Honours are a JSON list in one cell (title, level, 文号 as ``number``), so
the same table reads alike from CSV, XLSX and JSON.

Read from CSV (UTF-8 with or without BOM, GBK/GB18030), XLSX (every worksheet is a
table of this form) or JSON (a list of row objects) / JSONL (one row object a line).
Every problem is a :class:`RecordsError` naming the file, sheet, row and column; all
of a file's problems are listed at once.
"""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from assess import inputs
from assess.errors import AssessError, Issue, RecordsError
from assess.facts import FIELDS, OFFICE_FIELDS, decode, parse_json, read_bytes, validate
from assess.i18n import _, comma, ngettext
from assess.paths import did_you_mean
from assess.sources.values import typed

OFFICE_LABELS: dict[str, str] = {FIELDS[path].label: path for path in OFFICE_FIELDS}
"""Each office fact's Chinese label (as a column heading) → its fact path."""

ID_COLUMNS = frozenset({"unit.id", "单位编码"})
NAME_COLUMNS = frozenset({"unit.name", "单位名称"})
"""A name column helps the people who keep the table; it is accepted and not read."""

MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_ISSUES = 50


class RecordRow(msgspec.Struct, frozen=True):
    """One unit's row: where it is, and the facts it records (empty cells left out)."""

    unit_id: str
    file: str
    row: int
    values: Mapping[str, Any]
    sheet: str | None = None

    def where(self) -> str:
        """``file, sheet S, row N``: for messages and the merged view."""
        return f"{self.file}{comma()}{_place(self.sheet, self.row)}"


class OfficeRecords(msgspec.Struct, frozen=True):
    """Every row of every records file, at most one per unit and fact."""

    rows: tuple[RecordRow, ...] = ()

    def for_unit(self, unit_id: str) -> dict[str, tuple[Any, RecordRow]]:
        """The office's facts of one unit: path → (value, the row it came from)."""
        found: dict[str, tuple[Any, RecordRow]] = {}
        for row in self.rows:
            if row.unit_id == unit_id:
                found.update((path, (value, row)) for path, value in row.values.items())
        return found

    def unit_ids(self) -> set[str]:
        return {row.unit_id for row in self.rows}

    def check_units(self, known: Collection[str]) -> None:
        """Raise :class:`RecordsError` for every row whose unit is not among ``known``
        (the units being scored together)."""
        issues = [Issue(_place(row.sheet, row.row, "unit.id"),
                        _("unknown unit {unit!r}").format(unit=row.unit_id) + did_you_mean(row.unit_id, known))
                  for row in self.rows if row.unit_id not in known]
        if issues:
            raise RecordsError(ngettext("{count} row for a unit that is not being scored",
                                        "{count} rows for units that are not being scored", len(issues))
                               .format(count=len(issues)),
                               source=", ".join(sorted({row.file for row in self.rows if row.unit_id not in known})),
                               issues=tuple(issues[:MAX_ISSUES]))


def _place(sheet: str | None, row: int, column: str | None = None) -> str:
    parts = [_("sheet {sheet}").format(sheet=sheet)] if sheet is not None else []
    parts.append(_("row {row}").format(row=row))
    if column is not None:
        parts.append(_("column {column}").format(column=column))
    return comma().join(parts)


def load_records(paths: Iterable[str | Path]) -> OfficeRecords:
    """Read records files (at most 20 MB each). A unit may appear in several files (say
    one ledger per file) as long as no fact of it is recorded twice."""
    rows: list[RecordRow] = []
    for path in paths:
        rows.extend(parse_records(read_bytes(path, "records file"), str(path)))
    seen: dict[tuple[str, str], RecordRow] = {}
    issues: list[Issue] = []
    for row in rows:
        for fact in row.values:
            first = seen.setdefault((row.unit_id, fact), row)
            if first is not row and first.file != row.file:
                issues.append(Issue(row.where() + comma() + _("column {column}").format(column=fact),
                                    _("unit {unit!r} already has this fact at {where}").format(
                                        unit=row.unit_id, where=first.where())))
    if issues:
        raise RecordsError(_("a fact recorded twice for one unit"), source=rows[0].file if rows else None,
                           issues=tuple(issues[:MAX_ISSUES]))
    return OfficeRecords(tuple(rows))


def parse_records(data: bytes, source: str) -> list[RecordRow]:
    """The rows of one records file; its format is told by the name (``.csv``,
    ``.xlsx``, ``.json``, ``.jsonl``)."""
    suffix = Path(source).suffix.lower()
    tables: list[tuple[str | None, Iterator[RawRow]]]
    if suffix == ".csv":
        tables = [(None, _csv_rows(data, source))]
    elif suffix in (".xlsx", ".xlsm"):
        tables = list(_xlsx_tables(data, source))
    elif suffix == ".json":
        tables = [(None, _json_rows(parse_json(decode(data, source), source), source))]
    elif suffix == ".jsonl":
        tables = [(None, _jsonl_rows(decode(data, source), source))]
    else:
        raise RecordsError(_("unknown records format {suffix!r}: use .csv, .xlsx, .json or .jsonl").format(
            suffix=suffix or _("(no suffix)")), source=source)
    rows: list[RecordRow] = []
    issues: list[Issue] = []
    for sheet, table in tables:
        rows.extend(_Table(source, sheet, issues).read(table))
    if issues:
        raise RecordsError(ngettext("{count} problem in the office records", "{count} problems in the office records",
                                    len(issues)).format(count=len(issues)), source=source,
                           issues=tuple(issues[:MAX_ISSUES]))
    return rows


RawRow = tuple[int, dict[str, Any]]
"""A row number and its cells by column heading, before the headings are resolved. A
table with a heading row yields it first as a row of empty cells, so that a bad heading
is named at its own row."""


class _Table:
    """Resolves the headings of one table and types its cells, collecting issues."""

    def __init__(self, file: str, sheet: str | None, issues: list[Issue]) -> None:
        self.file = file
        self.sheet = sheet
        self.issues = issues

    def fail(self, row: int, column: str | None, message: str) -> None:
        self.issues.append(Issue(_place(self.sheet, row, column), message))

    def column(self, heading: str, row: int) -> str | None:
        """The fact path a heading names, or None (with an issue) when it names none."""
        if heading in ID_COLUMNS or heading in NAME_COLUMNS:
            return heading
        if heading in OFFICE_FIELDS:
            return heading
        if heading in OFFICE_LABELS:
            return OFFICE_LABELS[heading]
        if heading in FIELDS:
            self.fail(row, heading, _("the office records do not carry this fact (it is the unit's to submit)"))
        else:
            self.fail(row, heading, _("unknown column") + _closest(heading))
        return None

    def read(self, rows: Iterator[RawRow]) -> list[RecordRow]:
        out: list[RecordRow] = []
        resolved: dict[str, str | None] = {}
        first_row: dict[str, int] = {}
        try:
            for number, cells in rows:
                if number > MAX_ROWS + 1:
                    self.fail(number, None, _("more than {count} rows").format(count=MAX_ROWS))
                    break
                for heading in cells:
                    if heading not in resolved:
                        resolved[heading] = self.column(heading, number)
                record = self.row(number, cells, resolved)
                if record is None:
                    continue
                if record.unit_id in first_row:
                    self.fail(number, "unit.id", _("unit {unit!r} already has a row (row {row})").format(
                        unit=record.unit_id, row=first_row[record.unit_id]))
                    continue
                first_row[record.unit_id] = number
                out.append(record)
        except _Unreadable as exc:
            self.fail(exc.row, None, exc.message)
        return out

    def row(self, number: int, cells: dict[str, Any], resolved: dict[str, str | None]) -> RecordRow | None:
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in cells.values()):
            return None
        ids = [h for h in cells if resolved.get(h) in ID_COLUMNS]
        raw_id = cells[ids[0]] if ids else None
        unit_id = str(raw_id).strip() if raw_id is not None else ""
        if not unit_id:
            self.fail(number, "unit.id", _("no unit id: every row names its unit (unit.id or 单位编码)"))
            return None
        values: dict[str, Any] = {}
        columns: dict[str, str] = {}
        for heading, raw in cells.items():
            path = resolved.get(heading)
            if path is None or path in ID_COLUMNS or path in NAME_COLUMNS:
                continue
            if path in columns:
                self.fail(number, heading, _("the same fact as column {column}").format(column=columns[path]))
                continue
            columns[path] = heading
            try:
                value = typed(FIELDS[path], raw)
            except ValueError as exc:
                self.fail(number, heading, _("bad value: {reason}").format(reason=exc))
                continue
            if value is not None:
                values[path] = value
        if not self.valid(number, unit_id, values, columns):
            return None
        return RecordRow(unit_id, self.file, number, values, self.sheet)

    def valid(self, number: int, unit_id: str, values: dict[str, Any], columns: dict[str, str]) -> bool:
        """Whether the row's facts satisfy the facts model on their own (ranges, honours'
        fields, completed ≤ assigned ...); the facts of the whole unit are checked again
        once merged."""
        nested: dict[str, Any] = {"unit": {"id": unit_id, "name": unit_id, "type": "county"}}
        for path, value in values.items():
            head, _dot, tail = path.partition(".")
            if tail:
                nested.setdefault(head, {})[tail] = value
            else:
                nested[head] = value
        try:
            validate(nested, self.file)
        except AssessError as exc:
            for issue in exc.issues:
                plain = issue.path.split("[")[0]
                owner = next((p for p in sorted(columns, key=len, reverse=True)
                              if plain == p or plain.startswith(p + ".")), None)
                detail = f" ({issue.path})" if owner is None or issue.path != owner else ""
                self.fail(number, columns.get(owner or ""),
                          _("bad value: {reason}").format(reason=issue.message) + detail)
            return False
        return True


def _closest(heading: str) -> str:
    # Labels are two to seven characters, where one wrong character already halves
    # difflib's ratio; a lower cutoff than for field names still finds 迟报 for 迟抱.
    matches = difflib.get_close_matches(heading, [*OFFICE_FIELDS, *OFFICE_LABELS], n=1, cutoff=0.5)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


class _Unreadable(Exception):
    """A table that cannot be read past this row (a malformed CSV line, a broken sheet)."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


def _headings(values: Sequence[Any], row: int, source: str) -> list[str]:
    headings = ["" if v is None else str(v).strip() for v in values]
    while headings and not headings[-1]:
        headings.pop()
    if len(headings) > MAX_COLUMNS:
        raise RecordsError(_("more than {count} columns").format(count=MAX_COLUMNS), source=source)
    blank = [i + 1 for i, h in enumerate(headings) if not h]
    if blank:
        raise RecordsError(_("a column without a heading"), source=source,
                           issues=(Issue(_place(None, row, f"#{blank[0]}"), _("every column needs a heading")),))
    dup = next((h for h in headings if headings.count(h) > 1), None)
    if dup is not None:
        raise RecordsError(_("a heading used twice"), source=source,
                           issues=(Issue(_place(None, row, dup), _("two columns have this heading")),))
    if not ID_COLUMNS & set(headings):
        raise RecordsError(_("no unit id column"), source=source,
                           issues=(Issue(_place(None, row), _("one column must be unit.id (or 单位编码)")),))
    return headings


def _cells(headings: list[str], values: Sequence[Any], row: int) -> dict[str, Any]:
    extra = [v for v in values[len(headings):] if v is not None and str(v).strip()]
    if extra:
        raise _Unreadable(row, _("more cells ({cells}) than headings ({headings})").format(
            cells=len(values), headings=len(headings)))
    return {h: (values[i] if i < len(values) else None) for i, h in enumerate(headings)}


def _csv_rows(data: bytes, source: str) -> Iterator[RawRow]:
    text = decode(data, source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    headings: list[str] | None = None
    start = 1
    try:
        for values in reader:
            if headings is None:
                headings = _headings(values, start, source)
                yield start, dict.fromkeys(headings)
            else:
                yield start, _cells(headings, values, start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _Unreadable(start, _("malformed CSV: {reason}").format(reason=exc)) from exc
    if headings is None:
        raise RecordsError(_("empty records file: expected a heading row"), source=source)


def _xlsx_tables(data: bytes, source: str) -> Iterator[tuple[str | None, Iterator[RawRow]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:  # the zip directory is checked against the caps before openpyxl inflates anything
        inputs.check_office_zip(data, what=".xlsx", source=source)
    except inputs.InputError as exc:
        raise RecordsError(exc.message, source=source) from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise RecordsError(_("not a readable XLSX workbook ({reason})").format(reason=type(exc).__name__),
                           source=source) from exc
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            first = next(rows, None)
            if first is None or all(v is None for v in first):
                continue  # an empty sheet is not a table
            try:
                headings = _headings(first, 1, source)
            except RecordsError as exc:
                raise RecordsError(_("sheet {sheet}: {message}").format(sheet=sheet.title, message=exc.message),
                                   source=source, issues=exc.issues) from exc
            yield sheet.title, _sheet_rows(headings, rows)
    finally:
        book.close()


def _sheet_rows(headings: list[str], rows: Iterator[tuple[Any, ...]]) -> Iterator[RawRow]:
    yield 1, dict.fromkeys(headings)
    for number, values in enumerate(rows, start=2):
        cells = _cells(headings, values, number)
        for heading, value in cells.items():
            if value is not None and not isinstance(value, (str, int, float, bool)):
                raise _Unreadable(number, _("column {column}: a {kind} cell; enter a number, 是/否 or text").format(
                    column=heading, kind=type(value).__name__))
        yield number, cells


def _object_row(value: Any, number: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Unreadable(number, _("expected an object of column: value"))
    return {str(k).strip(): v for k, v in value.items()}


def _json_rows(document: Any, source: str) -> Iterator[RawRow]:
    if not isinstance(document, list):
        raise RecordsError(_("expected a JSON list of rows (one object per unit)"), source=source)
    for number, value in enumerate(document, start=1):
        yield number, _object_row(value, number)


def _jsonl_rows(text: str, source: str) -> Iterator[RawRow]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, _object_row(parse_json(line, f"{source}:{number}"), number)


def records_json_schema() -> dict[str, Any]:
    """The JSON Schema of one row of office records (a JSON list item or JSONL line).
    CSV and XLSX tables take the same columns; a column may be headed by its 中文 label."""
    kinds: dict[str, dict[str, Any]] = {"bool": {"type": "boolean"}, "int": {"type": "integer", "minimum": 0},
             "number": {"type": "number", "minimum": 0}, "list": {"type": "array"}}
    properties: dict[str, Any] = {
        "unit.id": {"type": "string", "title": "单位编码", "minLength": 1},
        "unit.name": {"type": "string", "title": "单位名称", "description": "Accepted and not read."},
    }
    for path in OFFICE_FIELDS:
        info = FIELDS[path]
        entry: dict[str, Any] = {**kinds[info.kind], "title": info.label, "x-label": info.label}
        if path == "honors":
            entry["items"] = {"type": "object", "required": ["title", "level"],
                              "properties": {name: {"title": sub.label} for name, sub in info.item_fields.items()}}
        properties[path] = {"anyOf": [entry, {"type": "null"}], "title": info.label}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://assess.invalid/schema/records/1.0",
        "title": "assess office records row (考核办日常考核记录)",
        "description": "One unit's row. Columns are fact paths or their Chinese labels; "
                       "an empty cell or null means the office has no record of that fact.",
        "type": "object",
        "required": ["unit.id"],
        "properties": properties,
        "additionalProperties": False,
    }
