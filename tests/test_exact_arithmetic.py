"""Rates and shortfalls are exact: a grade never turns on a binary rounding error.

The fixture ruleset ``exact_rates`` is the example of issue 19; its totals are worked
out by hand in its header. The property test holds ``pct``, ``ratio``, whole-point
shortfalls and tier limits equal to an oracle in :class:`fractions.Fraction`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess import facts
from assess.engines.base import flatten
from assess.rubric import expr
from assess.rubric.exact import sign
from assess.ruleset import Ruleset, load_ruleset, load_text
from assess.scoring.ledger import score

from .conftest import fixture_ruleset

ENGINES = ("native", "durable")


@pytest.fixture(scope="module")
def rates() -> Ruleset:
    return load_ruleset(fixture_ruleset("exact_rates"))


def unit(completed: int, assigned: int, rectified: int, found: int) -> facts.UnitFacts:
    return facts.validate({"unit": {"id": "x", "name": "某镇", "type": "township"},
                           "tasks": {"assigned": assigned, "completed": completed},
                           "hazards": {"found": found, "rectified": rectified},
                           "organization": {"leadership_group": True}})


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("completed, assigned, rectified, found, x1, x2, total, grade", [
    # 11/20 = 55 %: 45 whole points short, 0.2 each = 9.0; 29/50 = 58 %: top tier
    (11, 20, 29, 50, 9.0, 0.0, 92.5, "优秀"),
    # 14/25 = 56 %: 44 whole points short = 8.8; 29/50 still 58 %
    (14, 25, 29, 50, 8.8, 0.0, 92.7, "优秀"),
    # 57/100: below 58 % by one point, tier 2 (5.0); 20/20 complete
    (20, 20, 57, 100, 0.0, 5.0, 96.5, "优秀"),
    # 1/3 = 33.3 %: 66 whole points short = 13.2; 3/10 = 30 % reaches tier 2 exactly
    (1, 3, 3, 10, 13.2, 5.0, 83.3, "良好"),
    # 0/7: 100 points short = 20, the item's points; 2/7 = 28.6 %: tier 3
    (0, 7, 2, 7, 20.0, 10.0, 71.5, "合格"),
])
def test_issue_example_is_scored_exactly(rates: Ruleset, engine: str, completed: int, assigned: int,
                                         rectified: int, found: int, x1: float, x2: float,
                                         total: float, grade: str) -> None:
    result = score(rates, unit(completed, assigned, rectified, found), engine)
    points = {d.rule: d.points for d in result.deductions}
    assert (points.get("X-1", 0.0), points.get("X-2", 0.0)) == (x1, x2)
    assert (result.total, result.grade) == (total, grade)


def oracle_pct(part: int, whole: int) -> Fraction:
    return Fraction(100) if whole == 0 else Fraction(100 * part, whole)


@st.composite
def rate(draw: st.DrawFn) -> tuple[int, int]:
    """A part of a whole: often exactly a whole percentage point (where 11/20 fell short of
    55 in floating point), or one beside it, or anything up to the schema's bound."""
    kind = draw(st.sampled_from(("point", "beside", "any")))
    if kind == "any":
        whole = draw(st.integers(0, facts.MAX_COUNT))
        return draw(st.integers(0, whole)), whole
    # whole = (100 / g) * m and part = j * m give exactly g * j percent
    g = draw(st.sampled_from((1, 2, 4, 5, 10, 20, 25, 50, 100)))
    m = draw(st.integers(1, 10**6))
    j = draw(st.integers(0, 100 // g))
    whole, part = 100 // g * m, j * m
    if kind == "beside":
        part = min(whole, max(0, part + draw(st.sampled_from((-1, 1)))))
    return part, whole


@settings(max_examples=300, deadline=None)
@given(rate(), rate())
def test_rates_shortfalls_and_tiers_equal_a_fraction_oracle(rates: Ruleset, tasks: tuple[int, int],
                                                            hazards: tuple[int, int]) -> None:
    env = flatten(unit(tasks[0], tasks[1], hazards[0], hazards[1]))
    p_tasks = oracle_pct(*tasks)
    p_hazards = oracle_pct(*hazards)
    x1 = min(Fraction(20), math.floor(100 - p_tasks) * Fraction(1, 5))
    x2 = 0 if p_hazards >= 58 else 5 if p_hazards >= 30 else 10
    total = 100 - x1 - x2 + Fraction(3, 2)
    for engine in ENGINES:
        result = score(rates, unit(tasks[0], tasks[1], hazards[0], hazards[1]), engine)
        points = {d.rule: Fraction(str(d.points)) for d in result.deductions}
        assert points.get("X-1", 0) == x1
        assert points.get("X-2", 0) == x2
        assert Fraction(str(result.total)) == total
    for text, expected in ((f"pct({tasks[0]}, {tasks[1]})", p_tasks),
                           ("pct(tasks.completed, tasks.assigned)", p_tasks),
                           ("ratio(hazards.rectified, hazards.found)", p_hazards / 100)):
        assert expr.compile_value(expr.parse(text, "number"))(env) == expected


SMALL_NUMBERS = fixture_ruleset("minimal").read_text(encoding="utf-8").replace(
    "when: not organization.leadership_group",
    "when: organization.staff * 0.00001 < 1 and funds.amount < 0.0000005")


@pytest.mark.parametrize("amount, deducted", [(1e-7, True), (5e-7, False), (4e-6, False), (0.0, True)])
def test_small_constants_and_fractional_facts_score_alike_on_both_engines(amount: float, deducted: bool) -> None:
    # 0.00001 passed `assess check` but failed on durable-rules (error 204) when scoring
    ruleset = load_text(SMALL_NUMBERS, "small.yaml")
    unit = facts.validate({"unit": {"id": "x", "name": "某镇", "type": "township"},
                           "organization": {"staff": 3}, "funds": {"amount": amount}})
    results = [score(ruleset, unit, engine) for engine in ENGINES]
    assert [any(d.rule == "M-1" for d in r.deductions) for r in results] == [deducted, deducted]


@settings(max_examples=300, deadline=None)
@given(rate(), st.fractions(min_value=0, max_value=200, max_denominator=40), st.sampled_from(("pct", "ratio")))
def test_the_sign_of_a_share_against_a_constant_is_the_fractions(parts: tuple[int, int], constant: Fraction,
                                                                 func: str) -> None:
    """durable-rules compares a share with a constant through the sign of their difference,
    worked out in integers (expr.compile_share_sign): it is the exact fraction's sign."""
    env = flatten(unit(parts[0], parts[1], 0, 0))
    node = expr.parse(f"{func}(tasks.completed, tasks.assigned)", "number")
    signed = expr.compile_share_sign(node, constant)
    assert signed is not None
    assert signed(env) == sign(expr.compile_value(node)(env) - constant)
