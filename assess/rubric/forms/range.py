"""``range``: a discretionary deduction the assessor picks ("视情况扣1-5分")."""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
from collections.abc import Iterator

from assess.i18n import _
from assess.paths import Path
from assess.points import cents, fmt, num
from assess.rubric.forms.base import Add, Amount, AmountContext, Bound, Form, FormKind, FormSpec, Phrase
from assess.rubric.program import Check, CompiledRule
from assess.rubric.types import Points, Positive


class RangeSpec(FormSpec):
    min: Points
    max: Positive
    default: Points


class Range(Form):
    name = "range"
    kinds = frozenset({"deduct"})
    spec = RangeSpec
    needs_when = True

    def point_values(self, value: RangeSpec) -> Iterator[tuple[Path, float]]:
        for key in ("min", "max", "default"):
            yield (key,), getattr(value, key)

    def check(self, value: RangeSpec, kind: FormKind, points: float, add: Add) -> None:
        if value.max > points:
            add(("max",), _("range maximum {max} exceeds the item's points {points}").format(
                max=num(value.max), points=num(points)))
        if not value.min <= value.default <= value.max:
            add(("default",), _("default {default} is outside the range {min}-{max}").format(
                default=num(value.default), min=num(value.min), max=num(value.max)))
        if value.min > value.max:
            add(("min",), _("range minimum {min} exceeds maximum {max}").format(min=num(value.min), max=num(value.max)))

    def amount(self, value: RangeSpec, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        adjustment = context.adjustment(rule.id)
        if adjustment is not None:
            amount = cents(adjustment.points)
            return Amount(amount, {"points": amount}, {"adjusted": True, "note": adjustment.note})
        amount = cents(value.default)
        return Amount(amount, {"points": amount}, {"defaulted": True})

    def discretion(self, value: RangeSpec) -> tuple[float, float]:
        return value.min, value.max

    def most(self, value: RangeSpec, bound: Bound) -> float:
        return value.max

    def words(self, value: RangeSpec, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        return (f"{when}视情况扣{fmt(value.min)}-{fmt(value.max)}分"
                f"（评审未调整时按{fmt(value.default)}分）")
