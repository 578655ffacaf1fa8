"""``shortfall``: points per step a value falls short of its target ("覆盖率每少1个百分点扣1分").

A shortfall counted in whole steps drops the part of a step (floor); one counted in
fractions is rounded half up to hundredths of a point. The gap is worked out in exact
fractions (:mod:`assess.rubric.exact`), so 11 of 20 is 55 % and 45 whole points short.
"""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
import math
from collections.abc import Iterator, Mapping
from fractions import Fraction

from assess.i18n import _
from assess.paths import Path
from assess.points import cents, fmt
from assess.rubric.bounds import BoundError
from assess.rubric.exact import LIMIT, Exact, exact, hundredths
from assess.rubric.expr import Fn, Node
from assess.rubric.forms.base import (
    Amount,
    AmountContext,
    Bound,
    CentsFn,
    CheckBuilder,
    Expression,
    Form,
    FormKind,
    FormSpec,
    Limit,
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

    def limit(self, value: ShortfallSpec, nodes: Mapping[Path, Node], bound: Limit) -> Fraction:
        target = Fraction(exact(value.target))
        if abs(target) > LIMIT:
            raise BoundError(_("the target {value} is beyond 2**53 (about 9e15)").format(value=f"{value.target:g}"))
        return (abs(target) + bound(nodes[("value",)]).limit) / exact(value.step) * exact(value.points)

    def compile(self, value: ShortfallSpec, rule: CompiledRule, build: CheckBuilder) -> Iterator[Check]:
        quantity = rule.quantity = build.value(("value",))
        target = exact(value.target)
        yield build.check("match", None, build.guarded(_below(quantity, target)),
                          build.lowered(build.atom(build.node(("value",)), "<", target)))

    def amount(self, value: ShortfallSpec, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        assert rule.quantity is not None
        reached = exact(rule.quantity(context.env))
        gap = exact(value.target) - reached
        units: Fraction | int = Fraction(gap) / exact(value.step)
        if value.whole:
            units = math.floor(units)
        amount = hundredths(units * exact(value.points))
        return Amount(amount, {"points": amount, "value": reached, "shortfall": gap, "target": value.target},
                      {"count": float(units)})

    def cents_function(self, value: ShortfallSpec, kind: FormKind, rule: CompiledRule) -> CentsFn | None:
        if not value.whole:
            return None
        # Whole steps times the points, which have at most two decimals: whole hundredths
        # already, so nothing is left to round.
        quantity, target, step, each = rule.quantity, exact(value.target), exact(value.step), cents(value.points)
        assert quantity is not None
        return lambda matched, context: ((target - exact(quantity(context.env))) // step) * each

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


def _below(quantity: Fn, target: Exact) -> Fn:
    return lambda env: quantity(env) < target
