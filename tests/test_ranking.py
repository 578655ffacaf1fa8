"""Ranked tables: order, shared ranks, tie-breaks, grade counts and self-score gaps."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess import facts, rank
from assess.errors import AssessError
from assess.ranking import Ranking, compare
from assess.ruleset import Ruleset, load_ruleset, load_text
from assess.scoring.assessment import Assessment, UnitRef
from assess.scoring.ledger import score

from .conftest import fixture_ruleset, load_cases, patched

CASES = load_cases("forms")


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(fixture_ruleset("forms"))


def assessed(rs: Ruleset, name: str, patch: dict[str, Any] | None = None,
             self_score: float | None = None) -> Assessment:
    data = patched(CASES["baseline"], patch or {})
    data["unit"] = {"id": name, "name": name, "type": "township"}
    if self_score is not None:
        data["self_score"] = self_score
    # 终评: a fact not submitted is deducted as unevidenced, as these hand-worked totals take it
    return score(rs, facts.validate(data), "native", phase="final")


def fake(rs: Ruleset, name: str, total: float) -> Assessment:
    base = assessed(rs, "x")
    return base.model_copy(update={"total": total, "unit": UnitRef(id=name, name=name, type="township")})


def ranks(ranking: Ranking) -> list[tuple[int, str, float]]:
    return [(r.rank, r.unit.name, r.total) for t in ranking.tables for r in t.rows]


def test_ties_share_a_rank_and_are_ordered_by_name(ruleset: Ruleset) -> None:
    units = [fake(ruleset, n, t) for n, t in [("丁", 80), ("乙", 90), ("丙", 90), ("甲", 95), ("戊", 70)]]
    result = rank((u, ruleset) for u in units)
    assert ranks(result) == [(1, "甲", 95), (2, "丙", 90), (2, "乙", 90), (4, "丁", 80), (5, "戊", 70)]


TOTALS = st.lists(st.sampled_from([60.0, 72.5, 80.0, 88.0, 90.0, 95.5, 100.0]), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None, database=None)
@given(TOTALS, st.randoms(use_true_random=False))
def test_rank_properties(totals: list[float], rng: random.Random) -> None:
    rs = load_ruleset(fixture_ruleset("forms"))
    units = [fake(rs, f"单位{i:02d}", t) for i, t in enumerate(totals)]
    rows = rank((u, rs) for u in units).tables[0].rows
    assert [r.total for r in rows] == sorted(totals, reverse=True)
    for row in rows:
        assert row.rank == 1 + sum(1 for t in totals if t > row.total)
    shuffled = units[:]
    rng.shuffle(shuffled)
    assert rank((u, rs) for u in shuffled) == rank((u, rs) for u in units)


def test_ruleset_tie_break_keys_apply_in_order(ruleset: Ruleset) -> None:
    text = fixture_ruleset("forms").read_text(encoding="utf-8")
    with load_text(text.replace("bonus_cap: 4", "bonus_cap: 4\ntie_break: [vetoes, category:plan]"),
                   "tb.yaml") as tb:
        vetoed = assessed(tb, "甲", {"incidents": {"major": 1}, "organization": {"staff": 1}})   # 96, veto
        weaker_plan = assessed(tb, "乙", {"drills": [{"kind": "flood"}] * 4, "plans": {"special_drilled": 1}})  # 96
        stronger_plan = assessed(tb, "丙", {"organization": {"staff": 1}})  # 96, plan 30
        result = rank((u, tb) for u in (vetoed, weaker_plan, stronger_plan))
    assert [u.total for u in (vetoed, weaker_plan, stronger_plan)] == [96, 96, 96]
    assert ranks(result) == [(1, "丙", 96), (2, "乙", 96), (3, "甲", 96)]


def test_unknown_tie_break_key_is_a_load_error() -> None:
    text = fixture_ruleset("forms").read_text(encoding="utf-8")
    with pytest.raises(AssessError, match="unknown tie-break key 'category:plans' \\(did you mean 'category:plan'"):
        load_text(text.replace("bonus_cap: 4", "bonus_cap: 4\ntie_break: [category:plans]"), "tb.yaml")


def test_grade_distribution_and_self_score_gaps(ruleset: Ruleset) -> None:
    units = [assessed(ruleset, "甲", self_score=100),
             assessed(ruleset, "乙", {"funds": None}, self_score=95),        # 78 合格, 17 apart
             assessed(ruleset, "丙", {"incidents": {"major": 1}})]           # 100 but vetoed
    table = rank((u, ruleset) for u in units).tables[0]
    assert [(g.grade, g.count) for g in table.grades] == [("优秀", 1), ("良好", 0), ("合格", 1), ("不合格", 1)]
    assert [(g.unit.name, g.diff) for g in table.self_score_gaps] == [("乙", 17)]
    vetoed = next(r for r in table.rows if r.unit.name == "丙")
    assert vetoed.vetoed and vetoed.grade == "不合格"


def test_main_deductions_are_the_largest_three(ruleset: Ruleset) -> None:
    unit = assessed(ruleset, "甲", {"organization": {"leadership_group": False, "staff": 2}, "funds": None,
                                    "drills": []})
    row = rank([(unit, ruleset)]).tables[0].rows[0]
    assert [(d.rule, d.points) for d in row.main_deductions] == [("F-MISS", 22), ("F-DRILL", 8), ("F-FIXED", 5)]


def test_mixing_rulesets_in_one_table_is_refused(ruleset: Ruleset) -> None:
    other = load_ruleset("township")
    township_unit = score(other, facts.validate({"unit": {"id": "t", "name": "乙乡", "type": "township"}}), "native")
    with pytest.raises(AssessError, match="different rulesets"):
        rank([(assessed(ruleset, "甲"), ruleset), (township_unit, other)], by="none")
    assert len(rank([(assessed(ruleset, "甲"), ruleset), (township_unit, other)]).tables) == 2


def test_compare_names_the_rules_that_decide(ruleset: Ruleset) -> None:
    a = assessed(ruleset, "甲", {"organization": {"staff": 1}})                       # F-PER -4
    honour = {"title": "省级先进", "level": "provincial", "number": "某应急〔2026〕3号"}
    b = assessed(ruleset, "乙", {"funds": None, "honors": [honour]})  # -22 +3
    result = compare(a, b)
    assert (result.a.name, result.b.name, result.ruleset.id) == ("甲", "乙", ruleset.id)
    assert (result.total_a, result.total_b, result.diff) == (96, 81, 15)
    assert (result.grade_a, result.grade_b, result.bonus_diff) == ("优秀", "良好", -3)
    # 甲 keeps every category but 体制建设 (20 - 4); 乙 loses 22 of 其他's 32
    assert [c.model_dump() for c in result.categories] == [
        {"id": "org", "name": "体制建设", "max": 20, "a": 16, "b": 20, "diff": -4},
        {"id": "plan", "name": "预案体系", "max": 30, "a": 30, "b": 30, "diff": 0},
        {"id": "mech", "name": "运行机制", "max": 10, "a": 10, "b": 10, "diff": 0},
        {"id": "cap", "name": "封顶测试", "max": 8, "a": 8, "b": 8, "diff": 0},
        {"id": "rest", "name": "其他", "max": 32, "a": 32, "b": 10, "diff": 22}]
    # largest effect first; a deduction counts against its side, a bonus for it
    assert [r.model_dump() for r in result.rules] == [
        {"rule": "F-MISS", "item": "应急经费列入预算", "category": "rest", "a": 0, "b": -22, "effect": 22},
        {"rule": "F-PER", "item": "配备专职人员不少于3名", "category": "org", "a": -4, "b": 0, "effect": -4},
        {"rule": "B-HON", "item": "获得表彰或经验推广", "category": None, "a": 0, "b": 3, "effect": -3}]
    assert compare(a, a).rules == [] and compare(a, a).diff == 0


def test_compare_refuses_units_scored_under_different_rulesets(ruleset: Ruleset) -> None:
    other = load_ruleset("township")
    township_unit = score(other, facts.validate({"unit": {"id": "t", "name": "乙乡", "type": "township"}}), "native")
    with pytest.raises(AssessError) as caught:
        compare(assessed(ruleset, "甲"), township_unit)
    assert caught.value.message == (f"甲 and 乙乡 were scored under different rulesets ({ruleset.id} and township); "
                                    "compare them under one with --ruleset")
