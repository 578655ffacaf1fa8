"""Both engines agree with an independent exact-fraction reference scorer (tests/reference)
on random rulesets of every form and random units of every type.

Engine equality alone cannot see arithmetic: the points, caps, bonuses and grades are one
shared ledger. The reference shares nothing with it but the YAML text.
"""

from __future__ import annotations

import json
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import assess
from assess.errors import FactsError
from tests.reference import AdjustmentError, Outcome, reference_score
from tests.reference.evaluate import to_fraction
from tests.reference.rulesets import UNIT_TYPES, as_yaml, range_rules, rulesets

from .conftest import ROOT, SAMPLES
from .strategies import repair, units

PCT_PAIRS = [("plans", "grassroots_with_plans", "grassroots_total"), ("hazards", "rectified", "found"),
             ("tasks", "completed", "assigned"), ("plans", "special_drilled", "special"),
             ("organization", "subunits_with_office", "subunits_total")]
QUICK = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=10_000, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    spec = draw(rulesets())
    text = as_yaml(spec)
    unit = draw(units(UNIT_TYPES))
    # Percentages of small counts land on tier bounds and whole points (11/20, 29/50):
    # draw the parts and wholes the ruleset's pct() reads from there most of the time.
    for section, part, whole in PCT_PAIRS:
        if draw(st.integers(0, 3)):
            if draw(st.booleans()):
                n = draw(st.integers(0, 60))
                k = draw(st.integers(0, n))
            else:  # an exact whole or half percentage, as tier bounds and targets are
                n = draw(st.sampled_from([20, 40, 50, 100]))
                k = draw(st.integers(0, 200)) * n // 200
            unit.setdefault(section, {}).update({whole: n, part: k})
    repair(unit)
    candidates = range_rules(spec)
    if candidates and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(candidates), max_size=2, unique_by=lambda r: r["id"]))
        adjustments = []
        for rule in chosen:
            r = rule["deduct"]["range"]
            low, high = round(r["min"] * 100), round(r["max"] * 100)
            points = draw(st.sampled_from(sorted({low, high, (low + high) // 2}))) / 100
            adjustments.append({"rule": rule["id"], "points": points, "note": "现场核查"})
        # Keep mostly adjustments the rubric accepts (the rule deducts for this unit); one
        # that does not apply stays in now and then, to check both sides refuse it.
        try:
            reference_score(text, {**unit, "adjustments": adjustments})
        except AdjustmentError as exc:
            if draw(st.integers(0, 4)):
                refused = set(exc.args[0])
                adjustments = [a for a in adjustments if a["rule"] not in refused]
        if adjustments:
            unit["adjustments"] = adjustments
            event("adjustments")
    return text, unit


def engine_outcome(ruleset: assess.Ruleset, unit: dict[str, Any], engine: str) -> Outcome | str:
    try:
        a = assess.score(unit, ruleset, engine=engine, phase="final", missing_records="skip")
    except FactsError as exc:
        return f"refused: {exc}"
    return Outcome(total=to_fraction(a.total), grade=a.grade, grade_by_score=a.grade_by_score,
                   deductions={d.rule: to_fraction(d.points) for d in a.deductions},
                   bonuses={b.rule: to_fraction(b.points) for b in a.bonuses},
                   vetoes=[v.rule for v in a.vetoes], blocks=[b.rule for b in a.blocks_excellent],
                   skipped=[s.rule for s in a.skipped])


def expected_outcome(text: str, unit: dict[str, Any]) -> Outcome | str:
    try:
        return reference_score(text, unit)
    except AdjustmentError:
        return "refused"


def check(text: str, unit: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.yaml"
        path.write_text(text, encoding="utf-8")
        ruleset = assess.load_ruleset(path)
    with ruleset:
        expected = expected_outcome(text, unit)
        for engine in ("native", "durable"):
            got = engine_outcome(ruleset, unit, engine)
            if isinstance(expected, str):
                assert isinstance(got, str), f"{engine} accepted an adjustment the rubric refuses"
                continue
            assert not isinstance(got, str), got
            assert got.deductions == expected.deductions, engine
            assert got.bonuses == expected.bonuses, engine
            assert got.total == expected.total, engine
            assert (got.grade, got.grade_by_score) == (expected.grade, expected.grade_by_score), engine
            assert (got.vetoes, got.blocks, got.skipped) == (expected.vetoes, expected.blocks, expected.skipped)


@QUICK
@given(cases())
def test_engines_score_random_rulesets_like_the_reference(case: tuple[str, dict[str, Any]]) -> None:
    check(*case)


@pytest.mark.slow
@LONG
@given(cases())
def test_engines_score_random_rulesets_like_the_reference_long(case: tuple[str, dict[str, Any]]) -> None:
    check(*case)


@pytest.mark.parametrize(("part", "whole", "points", "expected"), [
    # 11/20 is 55 %: 45 whole points below 100 at 0.2 each is 9.0, not 8.8.
    (11, 20, Fraction(1, 5), Fraction(9)),
    # 29/50 is 58 %: 42 points below 100 at 0.5 each is 21, capped at the item's 20.
    (29, 50, Fraction(1, 2), Fraction(20)),
])
def test_whole_point_shortfall_of_an_exact_percentage(part: int, whole: int, points: Fraction,
                                                      expected: Fraction) -> None:
    spec = {"id": "pct", "title": "百分比", "version": "1", "applies_to": ["county"], "total": 20,
            "grades": [{"name": "合格", "min": 10}, {"name": "不合格", "min": 0}],
            "categories": [{"id": "h", "name": "隐患", "max": 20}],
            "rules": [{"id": "H1", "category": "h", "pillar": "机制", "item": "隐患整改率", "points": 20,
                       "deduct": {"shortfall": {"value": "pct(hazards.rectified, hazards.found)",
                                                "target": 100, "points": float(points)}},
                       "reason": "扣{points}分", "basis": "测试"}]}
    unit = {"unit": {"id": "c", "name": "某县", "type": "county", "year": 2026},
            "hazards": {"found": whole, "rectified": part}}
    text = as_yaml(spec)
    reference = reference_score(text, unit)
    assert reference.deductions == {"H1": expected}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pct.yaml"
        path.write_text(text, encoding="utf-8")
        ruleset = assess.load_ruleset(path)
    for engine in ("native", "durable"):
        a = assess.score(unit, ruleset, engine=engine, phase="final", missing_records="skip")
        assert to_fraction(a.deductions[0].points) == expected, engine


# seed 05 is a prefecture-level city, which no bundled ruleset scores (see test_samples.py)
@pytest.mark.parametrize("sample", sorted(p for p in SAMPLES.glob("*.json") if "city" not in p.stem),
                         ids=lambda p: p.stem)
def test_bundled_samples_score_like_the_reference(sample: Path) -> None:
    """The sample scores, checked by the reference rather than against the README."""
    unit = json.loads(sample.read_text(encoding="utf-8"))
    name = assess.ruleset_for_type(unit["unit"]["type"])
    text = (ROOT / "rulesets" / f"{name}.yaml").read_text(encoding="utf-8")
    ruleset = assess.load_ruleset(name)
    expected = reference_score(text, unit)
    for engine in ("native", "durable"):
        got = engine_outcome(ruleset, unit, engine)
        assert not isinstance(got, str), got
        assert (got.deductions, got.bonuses, got.total, got.grade) == \
            (expected.deductions, expected.bonuses, expected.total, expected.grade), engine
