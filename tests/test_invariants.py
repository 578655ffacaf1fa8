"""Properties every assessment has, on every bundled ruleset, for generated units."""

from __future__ import annotations

import copy
import json
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assess import facts
from assess.errors import FactsError
from assess.facts import FIELDS
from assess.ruleset import Ruleset, load_ruleset
from assess.scoring.assessment import Assessment
from assess.scoring.ledger import score

from .conftest import base_rulesets, fixture_ruleset
from .strategies import units

RULESETS = {name: load_ruleset(name) for name in base_rulesets()}
RULESETS["forms"] = load_ruleset(fixture_ruleset("forms"))
NAMES = sorted(RULESETS)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def assess(rs: Ruleset, data: dict[str, Any]) -> Assessment:
    """终评 of the facts as given, the office's missing items not scored: every rule decided."""
    return score(rs, facts.validate(data), "native", phase="final", missing_records="skip")


def cents(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("name", NAMES)
def test_ledger_invariants_hold(name: str) -> None:
    rs = RULESETS[name]
    points = {r.id: r.points for r in rs.spec.rules}

    @SETTINGS
    @given(units(list(rs.spec.applies_to)))
    def check(data: dict[str, Any]) -> None:
        a = assess(rs, data)
        for category in a.categories:
            assert 0 <= category.score <= category.max
            assert cents(category.score) == cents(category.max) - cents(category.deducted)
        assert 0 <= a.bonus <= rs.spec.bonus_cap
        assert cents(a.bonus) == sum((cents(b.points) for b in a.bonuses), Decimal(0))
        assert cents(a.total) == sum((cents(c.score) for c in a.categories), Decimal(0)) + cents(a.bonus)
        for d in a.deductions:
            assert 0 <= d.points <= points[d.rule]
            # A cap always takes something off; without one the deduction is what the form asked.
            assert d.points == d.raw if d.capped is None else d.points < d.raw
        for b in a.bonuses:
            assert 0 <= b.points <= points[b.rule]
        if a.vetoes:
            assert a.grade == rs.spec.fail_grade
        elif a.blocks_excellent:
            assert a.grade != rs.spec.top_grade
        else:
            assert a.grade == a.grade_by_score
        outcomes = ([d.rule for d in a.deductions] + [b.rule for b in a.bonuses] + [v.rule for v in a.vetoes]
                    + [b.rule for b in a.blocks_excellent] + [p.rule for p in a.passed]
                    + [s.rule for s in a.skipped])
        assert sorted(outcomes) == sorted(points)

    check()


IMPROVABLE = [p for p, f in FIELDS.items() if f.better in ("true", "more", "less") and f.kind != "list"]


def improve(data: dict[str, Any], path: str, step: int) -> dict[str, Any] | None:
    out = copy.deepcopy(data)
    *parents, leaf = path.split(".")
    node = out
    for part in parents:
        node = node.get(part)
        if not isinstance(node, dict):
            return None
    if leaf not in node:
        return None
    info = FIELDS[path]
    value = node[leaf]
    if info.better == "true":
        if value is True:
            return None
        node[leaf] = True
    elif info.better == "more":
        node[leaf] = value + step
    else:
        if value == 0:
            return None
        node[leaf] = max(0, value - step)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_improving_one_fact_never_lowers_the_total(name: str) -> None:
    rs = RULESETS[name]

    @SETTINGS
    @given(units(list(rs.spec.applies_to)), st.sampled_from(IMPROVABLE), st.sampled_from([1, 2, 5, 30]))
    def check(data: dict[str, Any], path: str, step: int) -> None:
        better = improve(data, path, step)
        assume(better is not None)
        try:
            improved = facts.validate(better)
        except FactsError:
            assume(False)  # the improvement broke a cross-field rule (e.g. more rectified than found)
        before = assess(rs, data)
        after = assess(rs, improved.model_dump(exclude_none=True))
        assert after.total >= before.total, (path, data, [d.rule for d in after.deductions])

    check()


@pytest.mark.parametrize("name", NAMES)
def test_another_drill_or_honour_never_lowers_the_total(name: str) -> None:
    rs = RULESETS[name]

    @SETTINGS
    @given(units(list(rs.spec.applies_to)),
           st.sampled_from(["drills", "honors"]),
           st.sampled_from(FIELDS["drills"].item_fields["kind"].enum),
           st.sampled_from(FIELDS["honors"].item_fields["level"].enum))
    def check(data: dict[str, Any], where: str, kind: str, level: str) -> None:
        assume(where in data)
        better = copy.deepcopy(data)
        better[where].append({"kind": kind, "participants": 50} if where == "drills"
                             else {"title": "新增荣誉", "level": level})
        assert assess(rs, better).total >= assess(rs, data).total

    check()


def shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        items = [shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


@pytest.mark.parametrize("name", NAMES)
def test_list_and_key_order_change_nothing(name: str) -> None:
    rs = RULESETS[name]

    @SETTINGS
    @given(units(list(rs.spec.applies_to)), st.integers(0, 2**32))
    def check(data: dict[str, Any], seed: int) -> None:
        original = assess(rs, data).to_json()
        assert assess(rs, shuffled(data, random.Random(seed))).to_json() == original

    check()


def test_assessment_json_round_trips() -> None:
    rs = RULESETS["forms"]
    a = assess(rs, {"unit": {"id": "u", "name": "某乡", "type": "township"}})
    assert Assessment.model_validate_json(a.to_json()) == a
    assert json.loads(a.to_json())["schema_version"] == "1.2"


@pytest.mark.parametrize("name", NAMES)
def test_assessments_equal_their_revalidated_json(name: str) -> None:
    """The ledger builds its records without validating them; validation must agree."""
    rs = RULESETS[name]

    @SETTINGS
    @given(units(list(rs.spec.applies_to)))
    def check(data: dict[str, Any]) -> None:
        a = assess(rs, data)
        again = Assessment.model_validate_json(a.to_json())
        assert again == a
        assert again.to_json() == a.to_json()

    check()
