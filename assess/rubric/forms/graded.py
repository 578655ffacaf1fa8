"""``graded``: points per event, by the event's kind (迟报1分、谎报2分、漏报3分、瞒报4分 each time)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Annotated

from pydantic import Field

from assess.paths import Path
from assess.points import cents, fmt
from assess.rubric.exact import exact
from assess.rubric.expr import Fn, Node
from assess.rubric.forms.base import (
    Amount,
    AmountContext,
    Bound,
    CheckBuilder,
    Expression,
    Form,
    FormKind,
    Limit,
    Phrase,
)
from assess.rubric.program import Check, CompiledRule, Graded
from assess.rubric.types import Positive

Rates = dict[str, float]


class GradedForm(Form):
    name = "graded"
    kinds = frozenset({"deduct"})
    spec = Annotated[dict[str, Positive], Field(min_length=1, max_length=20)]

    def point_values(self, value: Rates) -> Iterator[tuple[Path, float]]:
        for text, rate in value.items():
            yield (text,), rate

    def expressions(self, value: Rates) -> Iterator[Expression]:
        for text in value:
            yield Expression((text,), text, "int")

    def compile(self, value: Rates, rule: CompiledRule, build: CheckBuilder) -> Iterator[Check]:
        rule.graded = tuple(Graded(text, build.value((text,)), rate) for text, rate in value.items())
        for k, graded in enumerate(rule.graded):
            yield build.check("graded", k, build.guarded(_positive(graded.fn)),
                              build.lowered(build.atom(build.node((graded.text,)), ">", 0)))

    def limit(self, value: Rates, nodes: Mapping[Path, Node], bound: Limit) -> Fraction:
        return sum((bound(nodes[(text,)]).limit * Fraction(exact(rate)) for text, rate in value.items()),
                   Fraction(0))

    def amount(self, value: Rates, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        indexes = {c.index for c in matched}
        amount = 0
        events = 0
        for k, graded in enumerate(rule.graded):
            if k in indexes:
                n = graded.fn(context.env)
                events += n
                amount += n * cents(graded.rate)
        return Amount(amount, {"points": amount, "count": events}, {"count": float(events)})

    def most(self, value: Rates, bound: Bound) -> float:
        return sum(max(0.0, bound(text)[1]) * rate for text, rate in value.items())

    def words(self, value: Rates, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        parts = "，".join(f"{phrase(k)}每次扣{fmt(v)}分" for k, v in value.items())
        return f"{when}{parts}，扣完为止"

    def obligations(self, value: Rates, kind: FormKind) -> list[str]:
        return ["fires", "passes", "several events"]


def _positive(value: Fn) -> Fn:
    return lambda env: value(env) > 0
