"""``per``: points for each counted event or shortfall ("每少一次演练扣2分", "每项加1分")."""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
from collections.abc import Iterator, Mapping
from fractions import Fraction

from assess.paths import Path
from assess.points import cents, fmt
from assess.rubric.exact import exact
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


class PerSpec(FormSpec):
    count: Expr
    points: Positive


class Per(Form):
    name = "per"
    kinds = frozenset({"deduct", "bonus"})
    spec = PerSpec

    def point_values(self, value: PerSpec) -> Iterator[tuple[Path, float]]:
        yield ("points",), value.points

    def expressions(self, value: PerSpec) -> Iterator[Expression]:
        yield Expression(("count",), value.count, "int")

    def compile(self, value: PerSpec, rule: CompiledRule, build: CheckBuilder) -> Iterator[Check]:
        node = build.node(("count",))
        count = rule.quantity = build.value(("count",))
        yield build.check("match", None, build.guarded(_positive(count)), build.lowered(build.atom(node, ">", 0)))

    def limit(self, value: PerSpec, nodes: Mapping[Path, Node], bound: Limit) -> Fraction:
        return bound(nodes[("count",)]).limit * Fraction(exact(value.points))

    def amount(self, value: PerSpec, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        assert rule.quantity is not None
        count = rule.quantity(context.env)
        amount = count * cents(value.points)
        return Amount(amount, {"points": amount, "count": count},
                      {"count": float(count)} if kind == "deduct" else {})

    def cents_function(self, value: PerSpec, kind: FormKind, rule: CompiledRule) -> CentsFn:
        count, each = rule.quantity, cents(value.points)
        assert count is not None
        return lambda matched, context: count(context.env) * each

    def most(self, value: PerSpec, bound: Bound) -> float:
        return max(0.0, bound(value.count)[1]) * value.points

    def words(self, value: PerSpec, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        if kind == "deduct":
            return f"{when}按{phrase(value.count)}计，每个扣{fmt(value.points)}分，扣完为止"
        return f"{when}按{phrase(value.count)}，每个加{fmt(value.points)}分，最多{fmt(points)}分"

    def obligations(self, value: PerSpec, kind: FormKind) -> list[str]:
        return ["fires", "passes", "several events"] if kind == "deduct" else ["fires", "passes"]


def _positive(value: Fn) -> Fn:
    return lambda env: value(env) > 0
