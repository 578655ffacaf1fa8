"""Every deduction form, scored by hand (fixtures/cases/forms.yaml) on both engines."""

from __future__ import annotations

from typing import Any

import pytest

from assess import facts
from assess.engines.durable import DurableEngine
from assess.errors import EngineError, FactsError
from assess.ruleset import Ruleset, load_ruleset, load_text
from assess.scoring.ledger import score

from .conftest import fixture_ruleset, load_cases, patched

CASES = load_cases("forms")
ENGINES = ["durable", "native"]
HONOURS = "honors: {national: 5, provincial: 3, municipal: 1}"  # B-HON's award in the forms fixture


def forms_edited(written: str, instead: str) -> Ruleset:
    """The forms fixture with one passage of its YAML, which must be there, written otherwise."""
    text = fixture_ruleset("forms").read_text(encoding="utf-8")
    assert written in text
    return load_text(text.replace(written, instead), "forms.yaml")


def _facts(case: dict[str, Any]) -> facts.UnitFacts:
    return facts.validate(patched(CASES["baseline"], case["patch"]))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", [c for c in CASES["cases"] if "error" not in c], ids=lambda c: c["id"])
def test_form_scores_as_computed_by_hand(forms: Ruleset, case: dict[str, Any], engine: str) -> None:
    result = score(forms, _facts(case), engine, phase="final")

    assert result.total == pytest.approx(case["total"], abs=1e-9)
    assert result.grade == case["grade"]
    assert result.grade_by_score == case.get("grade_by_score", case["grade"])
    assert {d.rule: d.points for d in result.deductions} == pytest.approx(case["deductions"])
    assert {d.rule: d.capped for d in result.deductions if d.capped} == case.get("capped", {})
    assert {b.rule: b.points for b in result.bonuses} == pytest.approx(case.get("bonuses", {}))
    assert [v.rule for v in result.vetoes] == case.get("vetoes", [])
    assert [b.rule for b in result.blocks_excellent] == case.get("blocks_excellent", [])
    assert [s.rule for s in result.skipped] == case.get("skipped", [])
    assert result.missing == case.get("missing", [])
    assert sorted(d.rule for d in result.deductions if d.defaulted) == case.get("defaulted", [])
    assert sorted(d.rule for d in result.deductions if d.adjusted) == case.get("adjusted", [])
    # what the reader and the JSON see besides the points: the reason's variables, the
    # events or units counted, the tier, the assessor's note
    outcomes = {**{d.rule: d for d in result.deductions}, **{b.rule: b for b in result.bonuses}}
    assert {r: outcomes[r].reason for r in case.get("reasons", {})} == case.get("reasons", {})
    deducted = {d.rule: d for d in result.deductions}
    assert {r: deducted[r].count for r in case.get("counts", {})} == case.get("counts", {})
    assert {r: deducted[r].tier for r in case.get("tiers", {})} == case.get("tiers", {})
    assert {d.rule: d.note for d in result.deductions if d.note} == case.get("notes", {})
    assert {r: outcomes[r].evidence for r in case.get("evidence", {})} == case.get("evidence", {})


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", [c for c in CASES["cases"] if "error" in c], ids=lambda c: c["id"])
def test_bad_adjustment_is_an_input_error(forms: Ruleset, case: dict[str, Any], engine: str) -> None:
    with pytest.raises(FactsError) as caught:
        score(forms, _facts(case), engine, source="unit.json", phase="final")
    assert case["error"] in caught.value.render()
    assert caught.value.source == "unit.json"


def test_every_rule_lands_in_exactly_one_outcome(forms: Ruleset) -> None:
    for case in CASES["cases"]:
        if "error" in case:
            continue
        result = score(forms, _facts(case), "native", phase="final")
        outcomes = ([d.rule for d in result.deductions] + [b.rule for b in result.bonuses]
                    + [v.rule for v in result.vetoes] + [b.rule for b in result.blocks_excellent]
                    + [p.rule for p in result.passed] + [s.rule for s in result.skipped])
        assert sorted(outcomes) == sorted(r.id for r in forms.spec.rules), case["id"]


def test_reason_quotes_the_facts_and_the_computed_variables(forms: Ruleset) -> None:
    unit = facts.validate(patched(CASES["baseline"], {"organization": {"staff": 1}}))
    deduction = next(d for d in score(forms, unit, "native", phase="final").deductions if d.rule == "F-PER")
    assert deduction.reason == "专职人员1名，少2名，扣4分"
    assert deduction.evidence == {"organization.staff": 1}


def test_missing_deduction_names_what_was_not_submitted(forms: Ruleset) -> None:
    unit = facts.validate(patched(CASES["baseline"], {"funds": None}))
    deduction = next(d for d in score(forms, unit, "native", phase="final").deductions if d.rule == "F-MISS")
    assert deduction.missing is True
    # the fact's Chinese label in the reason, its path only in the evidence (for machines)
    assert deduction.reason == "未提交经费预算，无佐证材料，该项不得分"
    assert deduction.evidence == {"funds.budgeted": None}


def test_passed_rule_says_what_met_it(forms: Ruleset) -> None:
    result = score(forms, facts.validate(CASES["baseline"]), "native", phase="final")
    passed = {p.rule: p for p in result.passed}
    assert passed["F-FIXED"].reason == "已成立应急管理领导小组"
    assert passed["F-FIXED"].evidence == {"organization.leadership_group": True}
    assert passed["V-MAJOR"].reason == "未发生较大及以上事故"


def test_self_score_difference_is_reported(forms: Ruleset) -> None:
    unit = facts.validate(patched(CASES["baseline"], {"self_score": 98.5, "organization": {"staff": 1}}))
    result = score(forms, unit, "native", phase="final")
    assert result.total == 96
    assert result.self_score_diff == 2.5


def test_unit_type_outside_the_ruleset_is_refused(forms: Ruleset) -> None:
    with load_ruleset(fixture_ruleset("forms")) as rs:
        unit = facts.validate({"unit": {"id": "x", "name": "某局", "type": "department"}})
        assert score(rs, unit, "native").unit.type == "department"
    township_only = forms.spec.model_copy(update={"applies_to": ["township"]})
    forms_township = Ruleset(forms.program, forms.sha256, "forms")
    forms_township.spec = township_only
    with pytest.raises(FactsError, match="applies to township"):
        score(forms_township, unit, "native")


@pytest.mark.parametrize("engine", ENGINES)
def test_honour_evidence_lists_the_levels_from_the_highest_down(engine: str) -> None:
    unit = facts.validate(patched(CASES["baseline"], {"honors": [
        {"title": "省级先进集体", "level": "provincial", "number": "某应急〔2026〕1号"},
        {"title": "市级平安单位", "level": "municipal", "number": "某应急〔2026〕4号"}]}))
    with forms_edited(HONOURS, "honors: {municipal: 0.5, national: 5, provincial: 2.5}") as ruleset:
        bonus = next(b for b in score(ruleset, unit, engine, phase="final").bonuses if b.rule == "B-HON")
    assert bonus.points == 3          # 2.5 + 0.5
    assert bonus.evidence == {"honors": ["市级平安单位（市级）", "省级先进集体（省级）"],
                              "honor_points(national=5, provincial=2.5, municipal=0.5)": 3}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("drilled", "points", "tier"), [(3, 0.5, 0), (2, 1, 1), (1, 4, 2), (0, 6, 3)])
def test_every_tier_deducts_even_the_top_one_and_a_fraction_of_a_point(
        engine: str, drilled: int, points: float, tier: int) -> None:
    unit = facts.validate(patched(CASES["baseline"], {"plans": {"special": 5, "special_drilled": drilled}}))
    with forms_edited("- {min: 60, points: 0}\n          - {min: 40, points: 2}",
                      "- {min: 60, points: 0.5}\n          - {min: 40, points: 1}") as ruleset:
        result = score(ruleset, unit, engine, phase="final")
    # 60 % and above 0.5; 40 % to 60 % 1; 20 % to 40 % 4; below 20 % 6
    assert [(d.rule, d.points, d.tier) for d in result.deductions] == [("F-TIER", points, tier)]
    assert result.total == 100 - points


@pytest.mark.parametrize("extra_tiers", [1, 2])
def test_an_engine_placing_a_value_in_several_tiers_is_an_engine_error(
        forms: Ruleset, monkeypatch: pytest.MonkeyPatch, extra_tiers: int) -> None:
    rule = next(r for r in forms.program.rules if r.id == "F-TIER")
    tiers = [c.name for c in rule.checks if c.kind == "tier"]   # the tiers that deduct: 1, 2 and 3
    run = DurableEngine.run

    def confused(self: DurableEngine, env: Any) -> frozenset[str]:
        return run(self, env) | frozenset(tiers[:extra_tiers])

    unit = facts.validate(patched(CASES["baseline"], {"plans": {"special": 5, "special_drilled": 0}}))
    score(forms, unit, "durable", phase="final")  # the same facts answered right first: nothing of it is kept
    monkeypatch.setattr(DurableEngine, "run", confused)
    with pytest.raises(EngineError, match=f"rule F-TIER: the engine placed the value in {extra_tiers + 1} tiers"):
        score(forms, unit, "durable", phase="final")


@pytest.mark.parametrize("engine", ENGINES)
def test_two_honours_rules_each_count_by_their_own_levels(engine: str) -> None:
    before = "  - id: B-FIX\n"
    unit = facts.validate(patched(CASES["baseline"], {"honors": [
        {"title": "省级先进集体", "level": "provincial", "number": "某应急〔2026〕1号"}]}))
    with forms_edited(before, "  - id: B-NAT\n    kind: bonus\n    pillar: 机制\n    item: 国家级表彰\n"
                              "    points: 1\n    award:\n      honors: {national: 1}\n"
                              "    reason: 获得国家级表彰\n    basis: 测试\n" + before) as ruleset:
        result = score(ruleset, unit, engine, phase="final")
    # a provincial honour: B-HON's 3 points; B-NAT lists only national honours and passes
    assert {b.rule: b.points for b in result.bonuses} == {"B-HON": 3}
    assert "B-NAT" in [p.rule for p in result.passed]


@pytest.mark.parametrize("engine", ENGINES)
def test_honour_evidence_keeps_what_the_rules_condition_read(engine: str) -> None:
    award = "    award:\n      " + HONOURS
    unit = facts.validate(patched(CASES["baseline"], {"honors": [
        {"title": "省级先进集体", "level": "provincial", "number": "某应急〔2026〕1号"}]}))
    with forms_edited(award, "    when: organization.leadership_group\n" + award) as ruleset:
        bonus = next(b for b in score(ruleset, unit, engine, phase="final").bonuses if b.rule == "B-HON")
    assert bonus.evidence == {"organization.leadership_group": True, "honors": ["省级先进集体（省级）"],
                              "honor_points(national=5, provincial=3, municipal=1)": 3}


@pytest.mark.parametrize("engine", ENGINES)
def test_an_honour_worth_one_hundredth_of_a_point_counts(engine: str) -> None:
    unit = facts.validate(patched(CASES["baseline"], {"honors": [
        {"title": "市级平安单位", "level": "municipal", "number": "某应急〔2026〕4号"}]}))
    with forms_edited(HONOURS, "honors: {national: 5, provincial: 3, municipal: 0.01}") as ruleset:
        result = score(ruleset, unit, engine, phase="final")
    assert {b.rule: b.points for b in result.bonuses} == {"B-HON": 0.01}
    assert result.total == 100.01
