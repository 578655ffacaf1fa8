"""The words of an assessment: fact labels, values as a person reads them, and evidence as JSON.

Reason templates quote facts through :func:`text`; evidence keeps each value in its JSON
form through :func:`json_value` (floats rounded to hundredths, non-finite as null).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from assess.facts import FIELDS, HAZARD_LABELS, HONOR_LEVEL_LABELS, UNIT_TYPE_LABELS
from assess.points import fmt
from assess.rubric.exact import exact, hundredths
from assess.scoring.assessment import JsonValue

# Reasons are read by people: the label only, never the field path (the JSON keeps paths).
_LABELS = {path: info.label for path, info in FIELDS.items()}


def label(path: str) -> str:
    return _LABELS.get(path, path)


_ENUM_LABELS: dict[str, Mapping[str, str]] = {
    "unit.type": UNIT_TYPE_LABELS,
    "honors.level": HONOR_LEVEL_LABELS,
    "drills.kind": HAZARD_LABELS,
}


def points_text(value: int | None) -> str:
    """Hundredths as points: 450 → 4.5."""
    return "未提交" if value is None else fmt(value / 100)


def text(value: Any, path: str | None = None) -> str:
    if value is None:
        return "未提交"
    kind = value.__class__
    if kind is bool:
        # Templates put a yes/no fact before its verb: 领导小组{...}成立 reads 领导小组已成立.
        return "已" if value else "未"
    if kind is int:
        return str(value)
    if kind is float or kind is Fraction:
        return _hundredths_text(hundredths(exact(value)))
    if kind is str and path in _ENUM_LABELS:
        return _ENUM_LABELS[path].get(value, value)
    if kind is list:
        labels = _ENUM_LABELS.get(path or "", {})
        return "、".join(labels.get(v, str(v)) for v in value) if value else "无"
    return str(value)


def _hundredths_text(value: int) -> str:
    """Hundredths as a decimal with up to two places: -1250 → -12.5."""
    whole, part = divmod(abs(value), 100)
    text = f"{whole}.{part:02d}".rstrip("0").rstrip(".")
    return f"-{text}" if value < 0 else text


PLAIN = (bool, int, str)


def json_number(value: Any) -> JsonValue:
    """A number to two decimals, rounded half up; whole numbers as integers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    whole, part = divmod(hundredths(exact(value)), 100)
    return whole if not part else (whole * 100 + part) / 100


def json_value(value: Any) -> JsonValue:
    kind = value.__class__
    if kind is float or kind is Fraction:
        return json_number(value)
    if kind is bool or kind is int or kind is str or value is None:
        return value  # type: ignore[no-any-return]
    if kind is list:
        return [str(v) for v in value]
    return str(value)
