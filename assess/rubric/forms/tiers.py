"""``tiers``: points by the band a value falls in (≥60% 不扣分, 40-60% 扣1分, 其余扣3分).

Bands are inclusive lower bounds listed from the highest down; the last band takes every
value below the others. Each band that deducts is one check, so the engines place the
value in exactly one band.
"""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Annotated, Any

from pydantic import Field

from assess.errors import EngineError
from assess.i18n import _
from assess.paths import Path
from assess.points import cents, fmt, num
from assess.rubric.bounds import BoundError
from assess.rubric.exact import LIMIT, Exact, exact
from assess.rubric.expr import Fn, Node
from assess.rubric.forms.base import (
    Add,
    Amount,
    AmountContext,
    Bound,
    CheckBuilder,
    Expression,
    Form,
    FormKind,
    FormSpec,
    Limit,
    Phrase,
)
from assess.rubric.program import Check, CompiledRule
from assess.rubric.types import Expr, Points


class TierSpec(FormSpec):
    min: float | None = None
    points: Points


class TiersSpec(FormSpec):
    value: Expr
    levels: Annotated[list[TierSpec], Field(min_length=2, max_length=20)]


class Tiers(Form):
    name = "tiers"
    kinds = frozenset({"deduct"})
    spec = TiersSpec

    def point_values(self, value: TiersSpec) -> Iterator[tuple[Path, float]]:
        for n, level in enumerate(value.levels):
            yield ("levels", n, "points"), level.points

    def check(self, value: TiersSpec, kind: FormKind, points: float, add: Add) -> None:
        levels = value.levels
        previous: float | None = None
        for index, level in enumerate(levels):
            last = index == len(levels) - 1
            if level.points > points:
                add(("levels", index, "points"),
                    _("tier deduction {value} exceeds the item's points {points}").format(
                        value=num(level.points), points=num(points)))
            if last:
                if level.min is not None:
                    add(("levels", index, "min"), _("the last tier takes every value below the others; "
                                                    "leave out its min"))
            elif level.min is None:
                add(("levels", index), _("every tier but the last needs a min (inclusive lower bound)"))
            elif previous is not None and level.min >= previous:
                add(("levels", index, "min"),
                    _("tiers are listed from the highest min down; {min} is not below {previous}").format(
                        min=num(level.min), previous=num(previous)))
            if level.min is not None:
                previous = level.min
        deductions = [level.points for level in levels]
        if deductions != sorted(deductions):
            add(("levels",), _("a lower tier must never deduct less than a higher one"))

    def expressions(self, value: TiersSpec) -> Iterator[Expression]:
        yield Expression(("value",), value.value, "number")

    def compile(self, value: TiersSpec, rule: CompiledRule, build: CheckBuilder) -> Iterator[Check]:
        quantity = rule.quantity = build.value(("value",))
        node = build.node(("value",))
        upper: Exact | None = None
        for k, level in enumerate(value.levels):
            lower = None if level.min is None else exact(level.min)
            if level.points > 0:
                yield build.check("tier", k, build.guarded(_in_band(quantity, lower, upper)),
                                  build.lowered(*([build.atom(node, ">=", lower)] if lower is not None else []),
                                                *([build.atom(node, "<", upper)] if upper is not None else [])))
            upper = lower

    def limit(self, value: TiersSpec, nodes: Mapping[Path, Node], bound: Limit) -> Fraction:
        for level in value.levels:
            if level.min is not None and abs(Fraction(exact(level.min))) > LIMIT:
                raise BoundError(_("the tier limit {value} is beyond 2**53 (about 9e15)").format(
                    value=f"{level.min:g}"))
        return Fraction(max(exact(level.points) for level in value.levels))

    def amount(self, value: TiersSpec, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        tiers = [c.index for c in matched if c.kind == "tier"]
        if len(tiers) != 1 or tiers[0] is None:
            raise EngineError(f"rule {rule.id}: the engine placed the value in {len(tiers)} tiers")
        assert rule.quantity is not None
        amount = cents(value.levels[tiers[0]].points)
        return Amount(amount, {"points": amount, "value": rule.quantity(context.env)}, {"tier": tiers[0]})

    def most(self, value: TiersSpec, bound: Bound) -> float:
        return max(level.points for level in value.levels)

    def words(self, value: TiersSpec, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        bands = "；".join(f"{'≥' + fmt(level.min) if level.min is not None else '其余'}"
                         f"{'不扣分' if not level.points else '扣' + fmt(level.points) + '分'}"
                         for level in value.levels)
        return f"{when}按{phrase(value.value)}分档：{bands}"

    def obligations(self, value: TiersSpec, kind: FormKind) -> list[str]:
        return [*(f"tier {k}" for k, level in enumerate(value.levels) if level.points > 0), "passes"]

    def thresholds(self, value: TiersSpec) -> list[float]:
        return [level.min for level in value.levels if level.min is not None]


def _in_band(value: Fn, lower: Exact | None, upper: Exact | None) -> Fn:
    def test(env: Mapping[str, Any]) -> bool:
        v = value(env)
        return (lower is None or v >= lower) and (upper is None or v < upper)
    return test
