"""``shortfall``: points per step a value falls short of its target ("覆盖率每少1个百分点扣1分").

A shortfall counted in whole steps drops the part of a step (floor); one counted in
fractions is rounded half up to hundredths of a point. The gap is worked out in decimal
arithmetic, so 100 - 55 is 45 and not 44.99999.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal

from assess.paths import Path
from assess.points import fmt, money
from assess.rubric.expr import Fn
from assess.rubric.forms.base import (
    Amount,
    AmountContext,
    Bound,
    CheckBuilder,
    Expression,
    Form,
    FormKind,
    FormSpec,
    Phrase,
)
from assess.rubric.program import Check, CompiledRule
from assess.rubric.types import Expr, Positive


class ShortfallSpec(FormSpec):
    value: Expr
    target: float
    points: Positive
    step: Positive = 1.0
    whole: bool = True


class Shortfall(Form):
    name = "shortfall"
    kinds = frozenset({"deduct"})
    spec = ShortfallSpec

    def point_values(self, value: ShortfallSpec) -> Iterator[tuple[Path, float]]:
        yield ("points",), value.points

    def expressions(self, value: ShortfallSpec) -> Iterator[Expression]:
        yield Expression(("value",), value.value, "number")

    def compile(self, value: ShortfallSpec, rule: CompiledRule, build: CheckBuilder) -> Iterator[Check]:
        quantity = rule.quantity = build.value(("value",))
        yield build.check("match", None, build.guarded(_below(quantity, value.target)),
                          build.lowered(build.atom(build.operand(build.node(("value",))), "<", value.target)))

    def amount(self, value: ShortfallSpec, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        assert rule.quantity is not None
        reached = Decimal(repr(float(rule.quantity(context.env))))
        gap = Decimal(repr(value.target)) - reached
        units = gap / Decimal(repr(value.step))
        if value.whole:
            units = units.to_integral_value(rounding=ROUND_FLOOR)
        amount = int(money(units * Decimal(repr(value.points))) * 100)
        return Amount(amount, {"points": amount, "value": reached, "shortfall": money(gap),
                               "target": value.target}, {"count": float(units)})

    def most(self, value: ShortfallSpec, bound: Bound) -> float:
        gap = value.target - bound(value.value)[0]
        units = math.floor(gap / value.step) if value.whole and not math.isinf(gap) else gap / value.step
        return max(0.0, units * value.points)

    def words(self, value: ShortfallSpec, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        unit = "（不足1个计分单位的不计）" if value.whole else "（按实际差额计）"
        return (f"{when}{phrase(value.value)}低于{fmt(value.target)}的，每少{fmt(value.step)}"
                f"扣{fmt(value.points)}分{unit}，扣完为止")

    def thresholds(self, value: ShortfallSpec) -> list[float]:
        return [value.target]


def _below(quantity: Fn, target: float) -> Fn:
    return lambda env: quantity(env) < target
