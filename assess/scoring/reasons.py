"""The words of an assessment: fact labels, values as a person reads them, and evidence as JSON.

Reason templates quote facts through :func:`text`; evidence keeps each value in its JSON
form through :func:`json_value` (floats rounded to hundredths, non-finite as null).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from assess.facts import FIELDS, HAZARD_LABELS, HONOR_LEVEL_LABELS, UNIT_TYPE_LABELS
from assess.points import fmt, money
from assess.scoring.assessment import JsonValue

_LABELS = {path: f"{info.label}（{path}）" for path, info in FIELDS.items()}


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
        return "是" if value else "否"
    if kind is int:
        return str(value)
    if kind is float or kind is Decimal:
        text = f"{money(value if kind is Decimal else Decimal(repr(value))):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if kind is str and path in _ENUM_LABELS:
        return _ENUM_LABELS[path].get(value, value)
    if kind is list:
        return "、".join(str(v) for v in value)
    return str(value)


PLAIN = (bool, int, str)


def json_float(value: float) -> JsonValue:
    if not math.isfinite(value):
        return None
    if (value * 100).is_integer():
        rounded = value  # already in hundredths: no rounding to do
    else:
        rounded = float(money(Decimal(repr(value))))
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def json_value(value: Any) -> JsonValue:
    kind = value.__class__
    if kind is float:
        return json_float(value)
    if kind is bool or kind is int or kind is str or value is None:
        return value  # type: ignore[no-any-return]
    if kind is list:
        return [str(v) for v in value]
    return str(value)
