"""A new deduction form is one new module: registered from outside the package, it loads,
scores on both engines, explains itself and states its golden-case obligations, with no
other module changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assess import facts
from assess.errors import RulesetError
from assess.points import cents, fmt
from assess.reports.explain import explain_ruleset
from assess.rubric import forms
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
from assess.ruleset import load_text
from assess.scoring.ledger import score
from assess.tools.golden import obligations


class LadderSpec(FormSpec):
    value: str
    every: int
    points: float


class Ladder(Form):
    """Points for every whole ``every`` of a count: "每脱岗2次扣1分"."""

    name = "ladder"
    kinds = frozenset({"deduct"})
    spec = LadderSpec

    def expressions(self, value: LadderSpec) -> Iterator[Expression]:
        yield Expression(("value",), value.value, "int")

    def compile(self, value: LadderSpec, rule: CompiledRule, build: CheckBuilder) -> Iterator[Check]:
        count = rule.quantity = build.value(("value",))
        every = value.every
        test: Fn = lambda env: count(env) >= every  # noqa: E731 - a one-line check
        yield build.check("match", None, build.guarded(test),
                          build.lowered(build.atom(build.node(("value",)), ">=", every)))

    def amount(self, value: LadderSpec, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        assert rule.quantity is not None
        steps = rule.quantity(context.env) // value.every
        amount = steps * cents(value.points)
        return Amount(amount, {"points": amount, "count": steps}, {"count": float(steps)})

    def most(self, value: LadderSpec, bound: Bound) -> float:
        return bound(value.value)[1] // value.every * value.points

    def words(self, value: LadderSpec, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        return f"{when}{phrase(value.value)}每满{value.every}次扣{fmt(value.points)}分，扣完为止"

    def obligations(self, value: LadderSpec, kind: FormKind) -> list[str]:
        return ["fires", "passes", "several events"]


RULESET = """
id: ladder-test
title: 阶梯扣分测试细则
version: "1"
applies_to: [township]
total: 10
grades:
  - {name: 合格, min: 6}
  - {name: 不合格, min: 0}
categories:
  - {id: duty, name: 应急值守, max: 10}
rules:
  - id: L-1
    category: duty
    pillar: 机制
    item: 值班不脱岗（扣完为止）
    points: 10
    deduct:
      ladder: {value: duty.absences, every: 2, points: 3}
    reason: 值班脱岗{duty.absences}次，扣{points}分
    basis: 测试
"""


@pytest.fixture
def ladder() -> Iterator[None]:
    forms.register(Ladder())
    yield
    del forms.FORMS["ladder"]


def _unit(absences: int) -> facts.UnitFacts:
    return facts.validate({"unit": {"id": "u1", "name": "某乡", "type": "township"},
                           "duty": {"absences": absences}})


@pytest.mark.parametrize("engine", ["durable", "native"])
@pytest.mark.parametrize(("absences", "deducted"), [
    (0, 0.0),    # below one step: passes
    (1, 0.0),    # 1 // 2 = 0 steps: passes
    (2, 3.0),    # 1 step x 3
    (5, 6.0),    # 5 // 2 = 2 steps x 3
    (9, 10.0),   # 4 steps x 3 = 12, cut to the item's 10 points
])
def test_a_form_registered_from_outside_scores_on_both_engines(ladder: None, engine: str, absences: int,
                                                               deducted: float) -> None:
    ruleset = load_text(RULESET, "<ladder>")
    result = score(ruleset, _unit(absences), engine)

    assert result.total == 10 - deducted
    assert [d.points for d in result.deductions] == ([deducted] if deducted else [])
    if deducted:
        assert result.deductions[0].reason == f"值班脱岗{absences}次，扣{absences // 2 * 3}分"


def test_a_registered_form_explains_itself_and_states_its_obligations(ladder: None) -> None:
    ruleset = load_text(RULESET, "<ladder>")

    assert "每满2次扣3分" in explain_ruleset(ruleset)
    assert obligations(ruleset)[0].needed == ["fires", "passes", "several events"]


def test_an_unregistered_form_is_a_load_error_with_a_suggestion() -> None:
    with pytest.raises(RulesetError) as caught:
        load_text(RULESET.replace("ladder:", "ladderr:"), "<ladder>")

    assert "unknown deduction form 'ladderr'" in caught.value.issues[0].message
    assert caught.value.issues[0].rule == "L-1"


def test_a_form_name_is_registered_once(ladder: None) -> None:
    with pytest.raises(RulesetError, match=r"^deduction form 'ladder' is registered twice$"):
        forms.register(Ladder())
    assert isinstance(forms.FORMS["ladder"], Ladder)  # the first stays registered
