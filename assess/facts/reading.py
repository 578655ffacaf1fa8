"""Reading facts: bytes to text, text to JSON, JSON to validated :class:`UnitFacts`.

Errors name the source and the JSON path; nothing is read past the size and depth
limits, and an unknown field is an error with a suggestion, never ignored.
"""

from __future__ import annotations

import functools
import json
import typing
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel, ValidationError

from assess import inputs
from assess.errors import MAX_ISSUES, FactsError, Issue
from assess.facts.base import MAX_DEPTH
from assess.facts.catalogue import FIELDS
from assess.facts.labels import choices, labels_of
from assess.facts.model import UnitFacts
from assess.facts.words import normalise
from assess.facts.workbook import is_workbook, loads_workbook
from assess.i18n import N_, _, ngettext
from assess.paths import did_you_mean, fields_at, json_path, model_in


def decode(data: bytes, source: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FactsError(_("invalid UTF-16 at byte {at}").format(at=exc.start), source=source) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise FactsError(
                _("not UTF-8 (invalid byte at offset {at}) and not GBK/GB18030").format(at=utf8_error.start),
                source=source) from utf8_error
        if any(0x80 <= ord(ch) < 0xA0 or 0xE000 <= ord(ch) < 0xF900 for ch in text):
            raise FactsError(
                _("not UTF-8 (invalid byte at offset {at}) and not plausible GBK").format(at=utf8_error.start),
                source=source) from utf8_error
        return text


def _reject_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


class _Repeated(dict[str, Any]):
    """A JSON object that had a key more than once (the keys are kept to name them)."""

    repeated: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    marked = _Repeated(obj)
    marked.repeated = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return marked


def _repeated_keys(value: Any, source: str) -> None:
    """Raise naming every key given twice in one object, with its JSON path."""
    issues: list[Issue] = []
    count = 0
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        current, loc = stack.pop()
        if isinstance(current, _Repeated):
            for key in current.repeated:
                count += 1
                if len(issues) < MAX_ISSUES:
                    issues.append(Issue(json_path((*loc, key)), _("key {key!r} appears more than once in this "
                                                                   "object; only one may be given").format(key=key)))
        if isinstance(current, dict):
            stack.extend((v, (*loc, k)) for k, v in reversed(current.items()))
        elif isinstance(current, list):
            stack.extend((v, (*loc, i)) for i, v in reversed(list(enumerate(current))))
    if count:
        raise FactsError(ngettext("{count} duplicate key in the JSON", "{count} duplicate keys in the JSON", count)
                         .format(count=count), source=source, issues=tuple(issues),
                         omitted=count - len(issues))


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text, naming line and column on error; NaN and Infinity are errors, and so is
    a key given twice in one object (JSON would silently keep the last)."""
    if not text.strip():
        raise FactsError(_("empty file: expected a JSON object"), source=source)
    try:
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise FactsError(_("invalid JSON at line {line}, column {column}: {reason}").format(
            line=exc.lineno, column=exc.colno, reason=exc.msg), source=source) from exc
    except ValueError as exc:
        raise FactsError(_("invalid JSON: {reason}").format(reason=exc), source=source) from exc
    except RecursionError as exc:
        raise FactsError(_("invalid JSON: nested too deeply"), source=source) from exc
    if _depth(value) > MAX_DEPTH:
        raise FactsError(_("JSON nested deeper than {count} levels").format(count=MAX_DEPTH), source=source)
    if _has_repeats(value):
        _repeated_keys(value, source)
    return value


def _has_repeats(value: Any) -> bool:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, _Repeated):
            return True
        if isinstance(current, dict):
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))
    return False


def _depth(value: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return deepest


def _refuse_many_unknown_fields(data: dict[str, Any], source: str) -> None:
    """Count unknown keys before validating: past :data:`MAX_ISSUES` of them the facts are
    refused here, in one pass, instead of making (and suggesting a spelling for) an error
    object per key."""
    count = 0
    first: list[Issue] = []
    stack: list[tuple[dict[str, Any], tuple[str | int, ...], type[BaseModel]]] = [(data, (), UnitFacts)]
    while stack:
        obj, loc, model = stack.pop()
        for key, value in obj.items():
            known, inner, keyed = _field_shape(model, key)
            if not known:
                count += 1
                if len(first) < MAX_ISSUES:
                    first.append(Issue(json_path((*loc, key)),
                                       _("unknown field") + did_you_mean(key, model.model_fields)))
            elif inner is not None:
                stack.extend(_nested(value, inner, keyed, (*loc, key)))
    if count > MAX_ISSUES:
        raise FactsError(_("{count} unknown fields in the facts").format(count=count), source=source,
                         issues=tuple(first),
                         omitted=count - len(first))


@functools.lru_cache(maxsize=1024)
def _field_shape(model: type[BaseModel], key: str) -> tuple[bool, type[BaseModel] | None, bool]:
    """Whether a model has that field, the model inside it, and whether it maps keys to that model."""
    field = model.model_fields.get(key)
    if field is None:
        return False, None, False
    return True, model_in(field.annotation), _is_mapping(field.annotation)


def _nested(value: Any, model: type[BaseModel], keyed: bool, loc: tuple[str | int, ...]
            ) -> Iterator[tuple[dict[str, Any], tuple[str | int, ...], type[BaseModel]]]:
    """The objects inside ``value`` that ``model`` validates."""
    if isinstance(value, dict):
        if keyed:
            yield from ((v, (*loc, k), model) for k, v in value.items() if isinstance(v, dict))
        else:
            yield value, loc, model
    elif isinstance(value, list):
        yield from ((v, (*loc, i), model) for i, v in enumerate(value) if isinstance(v, dict))


def _is_mapping(annotation: Any) -> bool:
    if typing.get_origin(annotation) is dict:
        return True
    return any(_is_mapping(arg) for arg in typing.get_args(annotation))


PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": N_("Field required"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "finite_number": N_("Input should be a finite number"),
    "string_type": N_("Input should be a valid string"),
    "list_type": N_("Input should be a valid list"),
    "model_type": N_("Input should be an object of named fields"),
    "model_attributes_type": N_("Input should be an object of named fields"),
    "dict_type": N_("Input should be an object of named fields"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "less_than": N_("Input should be less than {lt}"),
    "string_too_short": N_("String should not be empty"),
    "string_too_long": N_("String should have at most {max_length} characters"),
    "too_long": N_("List should have at most {max_length} items, not {actual_length}"),
    "too_short": N_("List should have at least {min_length} items, not {actual_length}"),
    "string_pattern_mismatch": N_("Input is not in the expected form (a date is YYYY, YYYY-MM or YYYY-MM-DD)"),
    # a review decision's time
    "datetime_type": N_("Input should be a valid datetime"),
    "datetime_parsing": N_("Input should be a valid datetime, {error}"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime or date, {error}"),
}
"""pydantic's messages by error type (never by their English text), translated at use."""


def pydantic_message(error: Mapping[str, Any]) -> str:
    """pydantic's message for one error, in the reader's language (its English when the type is not in the table)."""
    template = PYDANTIC_MESSAGES.get(str(error["type"]))
    if template is None:
        return str(error["msg"])
    try:
        return _(template).format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return str(error["msg"])


def _issue_from_error(error: Mapping[str, Any]) -> Issue:
    loc: list[str | int] = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    ctx = error.get("ctx") or {}
    if error["type"] == "cross_field":
        loc.extend(int(p) if p.isdigit() else p for p in str(ctx["field"]).split("."))
        return Issue(json_path(loc), str(ctx["message"]))
    if error["type"] == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), fields_at(UnitFacts, loc[:-1]))
        return Issue(json_path(loc), _("unknown field") + hint)
    message = pydantic_message(error)
    if error["type"].endswith("_type") and "input" in error:
        message = _("{message}, got {kind} {value}").format(
            message=message, kind=_(_json_kind(error["input"])),
            value=json.dumps(error["input"], ensure_ascii=False)[:60])
    if error["type"] == "enum" or error["type"] == "literal_error":
        given = error.get("input")
        expected = ctx.get("expected", "")
        if isinstance(given, str):
            options = [o.strip().strip("'") for o in str(expected).replace(" or ", ",").split(",")]
            message = (_("{given!r} is not one of {choices} (or their codes {codes})").format(
                given=given, choices=choices(options), codes=expected)
                + did_you_mean(given, [*options, *labels_of(options).values()]) + _free_text(loc))
    if error["type"] == "bool_type" and isinstance(error.get("input"), str):
        message += _(" (write 是 or 否)")
    return Issue(json_path(loc), message)


def _free_text(loc: list[str | int]) -> str:
    """Where a clerk's own words for an item go, when a list item has a title: the hint
    that turns a refused 地震应急疏散演练 kind into a title."""
    if len(loc) < 3 or not isinstance(loc[-2], int):
        return ""
    owner = FIELDS.get(".".join(str(p) for p in loc[:-2]))
    if owner is None or "title" not in owner.item_fields or loc[-1] == "title":
        return ""
    return _("; the item's own name or description goes in title")


def _json_kind(value: Any) -> str:
    if value is None:
        return N_("null")
    if isinstance(value, bool):
        return N_("boolean")
    if isinstance(value, (int, float)):
        return N_("number")
    if isinstance(value, str):
        return N_("string")
    return N_("array") if isinstance(value, list) else N_("object")


def validate(data: Any, source: str = "<facts>") -> UnitFacts:
    """Validate already-parsed facts (a dict), reporting every problem with its JSON path."""
    if not isinstance(data, dict):
        kind = _("a JSON array") if isinstance(data, list) else type(data).__name__
        raise FactsError(_("expected a JSON object of unit facts, got {kind}").format(kind=kind), source=source)
    _refuse_many_unknown_fields(data, source)
    try:
        return UnitFacts.model_validate(normalise(data), strict=True)
    except ValidationError as exc:
        count = exc.error_count()
        issues = tuple(_issue_from_error(e) for e in exc.errors(include_url=False)[:MAX_ISSUES])
        raise FactsError(ngettext("{count} problem in the facts", "{count} problems in the facts", count)
                         .format(count=count), source=source,
                         issues=issues, omitted=count - len(issues)) from exc
    except RecursionError as exc:
        raise FactsError(_("facts nested too deeply"), source=source) from exc


def loads(data: bytes | str, source: str = "<facts>") -> UnitFacts:
    """Read facts from JSON bytes (any supported encoding) or text, or from the bytes of a
    filled ``assess template`` workbook."""
    if isinstance(data, bytes):
        if is_workbook(data):  # a filled 报送表.xlsx
            return loads_workbook(data, source)
        limit = inputs.cap("facts file")
        if len(data) > limit:
            raise FactsError(inputs.too_large("facts file", limit), source=source)
        data = decode(data, source)
    return validate(parse_json(data, source), source)


def read_bytes(source: str | Path | BinaryIO, what: str = "facts file") -> bytes:
    """A whole input (a path, ``"-"`` or a binary stream) within the cap on its kind; errors name it."""
    try:
        return inputs.read_input(source, what=what, limit=inputs.cap(what))
    except inputs.InputError as exc:
        raise FactsError(exc.message, source=exc.source) from exc


def load(path: str | Path) -> UnitFacts:
    """Read one facts file."""
    return loads(read_bytes(path), str(path))
