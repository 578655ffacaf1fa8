"""``fixed``: a set amount when the rule's condition holds ("未成立领导小组扣5分", "+1 分")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field

from assess.i18n import _
from assess.paths import Path
from assess.points import cents, fmt, num
from assess.rubric.forms.base import Add, Amount, AmountContext, Bound, CentsFn, Form, FormKind, Phrase
from assess.rubric.program import Check, CompiledRule


class Fixed(Form):
    name = "fixed"
    kinds = frozenset({"deduct", "bonus"})
    spec = Annotated[float, Field(gt=0, le=1000)]
    needs_when = True

    def point_values(self, value: float) -> Iterator[tuple[Path, float]]:
        yield (), value

    def check(self, value: float, kind: FormKind, points: float, add: Add) -> None:
        if value > points:
            add((), (_("fixed deduction {value} exceeds the item's points {points}") if kind == "deduct"
                     else _("award {value} exceeds the rule's points {points}")).format(value=num(value),
                                                                                       points=num(points)))

    def amount(self, value: float, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        amount = cents(value)
        return Amount(amount, {"points": amount})

    def cents_function(self, value: float, kind: FormKind, rule: CompiledRule) -> CentsFn:
        amount = cents(value)
        return lambda matched, context: amount

    def most(self, value: float, bound: Bound) -> float:
        return value

    def words(self, value: Any, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        return f"{when}{'扣' if kind == 'deduct' else '加'}{fmt(value)}分"
