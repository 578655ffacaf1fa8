"""初评 and 终评 of one small rubric whose items are answered by the unit, the office and the
review, worked out by hand: what is pending and for how much, who decided what, what is
skipped or refused, and the words a person reads. Fast enough for the mutation selection
(tests/test_phases.py reaches the same paths with property runs too slow to repeat per mutant).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from pydantic import BaseModel

import assess
from assess.engines import flatten
from assess.engines.durable import DurableEngine
from assess.engines.native import NativeEngine
from assess.errors import EngineError
from assess.i18n import set_language
from assess.ruleset import Ruleset, load_text
from assess.scoring import fast
from assess.scoring.assessment import (
    ASSESSMENT_SCHEMA_VERSION,
    Assessment,
    Bonus,
    CategoryScore,
    Conflict,
    Deduction,
    GradeFinding,
    Passed,
    Pending,
    Skipped,
)
from assess.scoring.ledger import Ledger, decide, score
from assess.sources import OfficeRecords, Review, parse_records, parse_review

from .conftest import load_cases, patched

RUBRIC = textwrap.dedent("""\
    id: sources
    title: 来源测试
    version: "1"
    applies_to: [township, street]
    total: 100
    bonus_cap: 4
    grades: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 合格, min: 60}, {name: 不合格, min: 0}]
    categories:
      - {id: org, name: 体制建设, max: 10, capped: true}
      - {id: work, name: 日常工作, max: 8}
      - {id: plan, name: 预案体系, max: 82}
    rules:
      - id: U-LEAD
        category: org
        pillar: 体制
        item: 成立应急管理领导小组
        points: 4
        when: not organization.leadership_group
        deduct: {fixed: 4}
        reason: 未成立应急管理领导小组
        basis: 测试
      - id: U-FUND
        method: 查阅资料
        category: org
        pillar: 保障
        item: 应急经费列入预算
        points: 8
        when: not funds.budgeted
        deduct: {fixed: 8}
        reason: 应急经费未列入预算
        basis: 测试
      - id: U-SHEL
        category: work
        pillar: 保障
        item: 建成避难场所
        points: 2
        if_missing: skip
        when: shelters < 1
        deduct: {fixed: 2}
        reason: 未建成避难场所（{unit.type}）
        basis: 测试
      - id: U-PLAN
        category: plan
        pillar: 预案
        item: 制定总体应急预案
        points: 82
        if_missing: skip
        when: not plans.overall
        deduct: {fixed: 82}
        reason: 未制定总体应急预案
        basis: 测试
      - id: O-TASK
        source: office
        method: 日常考核
        category: work
        pillar: 机制
        item: 完成交办任务
        points: 3
        deduct: {per: {count: tasks.assigned - tasks.completed, points: 1}}
        reason: 未完成交办任务{count}项，扣{points}分
        basis: 测试
      - id: R-ABS
        source: review
        method: 实地检查
        category: work
        pillar: 机制
        item: 值班人员在岗
        points: 3
        deduct: {per: {count: duty.absences, points: 1}}
        reason: 脱岗{count}次，扣{points}分
        basis: 测试
      - id: B-HON
        kind: bonus
        pillar: 机制
        item: 获得表彰
        points: 5
        award: {honors: {provincial: 3, municipal: 1, county: 0.01}}
        reason: 获得表彰，加{points}分
        basis: 测试
      - id: V-MAJ
        source: office
        kind: veto
        pillar: 机制
        item: 发生较大及以上责任事故
        when: incidents.major_responsible > 0
        reason: 发生较大及以上责任事故{incidents.major_responsible}起
        basis: 测试
      - id: N-MISS
        source: office
        kind: no_excellent
        pillar: 机制
        item: 漏报信息
        when: reporting.missed > 0
        reason: 漏报{reporting.missed}次
        basis: 测试
    """)

FORMS = load_cases("forms")
UNIT = {"id": "S-1", "name": "某乡", "type": "township", "year": 2026}
HONOUR = {"title": "省级先进集体", "level": "provincial"}


@pytest.fixture(scope="module")
def rubric() -> Ruleset:
    return load_text(RUBRIC, "sources.yaml")


@pytest.fixture
def chinese() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("en")


def alone() -> dict[str, Any]:
    """A unit that has no leading group, has not sent its funds, shelters, tasks or duty facts,
    and claims a provincial honour without the document's 文号."""
    return {"unit": UNIT, "organization": {"leadership_group": False}, "honors": [HONOUR]}


def records(**values: Any) -> OfficeRecords:
    rows = [{"unit.id": "S-1", **values}]
    return OfficeRecords(tuple(parse_records(json.dumps(rows, ensure_ascii=False).encode(), "records.json")))


def review(*decisions: dict[str, Any]) -> Review:
    signed = [{"unit": "S-1", "reviewer": "张三", "time": "2026-12-01T10:00:00+08:00", **d} for d in decisions]
    return parse_review(json.dumps({"decisions": signed}, ensure_ascii=False).encode(), "review.json")


def pending(rule: str, item: str, category: str | None, pillar: str, kind: str, source: str, points: float,
            paths: list[str], needs: str, method: str | None = None) -> dict[str, Any]:
    return {"rule": rule, "item": item, "category": category, "pillar": pillar, "kind": kind, "source": source,
            "points": points, "paths": paths, "needs": needs, "method": method, "status": "pending"}


# 初评 of the unit alone. Decided: U-LEAD 4 (体制建设); U-SHEL and U-PLAN skipped (if_missing:
# skip). Pending: U-FUND 8 in 体制建设, of which 10 - 4 = 6 are left; O-TASK 3 and R-ABS 3 in
# 日常工作 (8 points); the honour's 3 points; the veto and the 否优项, which put 不合格 and 良好
# among the grades possible. Floor 100 - 4 - 6 - 6 = 84 (良好), ceiling 100 - 4 + 3 = 99 (优秀),
# 15 points pending.
PROVISIONAL_PENDING = [
    pending("U-FUND", "应急经费列入预算", "org", "保障", "deduct", "unit", 8.0, ["funds.budgeted"],
            "请补充佐证材料：经费预算", "查阅资料"),
    pending("O-TASK", "完成交办任务", "work", "机制", "deduct", "office", 3.0, ["tasks.assigned", "tasks.completed"],
            "考核办待录入：交办任务、完成任务", "日常考核"),
    pending("R-ABS", "值班人员在岗", "work", "机制", "deduct", "review", 3.0, ["duty.absences"],
            "考核组待核查：脱岗", "实地检查"),
    pending("B-HON", "获得表彰", None, "机制", "bonus", "unit", 3.0, ["honors"], "请补充佐证材料：荣誉的文件文号"),
    pending("V-MAJ", "发生较大及以上责任事故", None, "机制", "veto", "office", 0.0,
            ["incidents.major_responsible"], "考核办待录入：较大及以上责任事故"),
    pending("N-MISS", "漏报信息", None, "机制", "no_excellent", "office", 0.0, ["reporting.missed"],
            "考核办待录入：漏报"),
]
PROVISIONAL_CATEGORIES = [
    {"id": "org", "name": "体制建设", "max": 10.0, "score": 6.0, "deducted": 4.0, "pending": 6.0},
    {"id": "work", "name": "日常工作", "max": 8.0, "score": 8.0, "deducted": 0.0, "pending": 6.0},
    {"id": "plan", "name": "预案体系", "max": 82.0, "score": 82.0, "deducted": 0.0, "pending": 0.0},
]

# 体制建设 is capped (扣完为止) and most of its item points are 保障's (U-FUND 8 against U-LEAD's
# 4 for 体制): its 10 points and U-LEAD's deduction count toward 保障, with U-SHEL's 2.
PROVISIONAL_PILLARS = [
    {"id": "预案", "max": 82.0, "deducted": 0.0, "score": 82.0},
    {"id": "机制", "max": 6.0, "deducted": 0.0, "score": 6.0},
    {"id": "保障", "max": 12.0, "deducted": 4.0, "score": 8.0},
]


def test_provisional_lists_what_each_source_still_owes_and_the_totals_still_possible(rubric: Ruleset) -> None:
    a = assess.score(alone(), rubric, engine="native")

    assert [p.model_dump() for p in a.pending] == PROVISIONAL_PENDING
    assert (a.total, a.floor, a.ceiling, a.pending_points) == (84, 84, 99, 15)
    assert (a.grade, a.grade_by_score, a.grades_possible) == ("良好", "良好", ["优秀", "良好", "不合格"])
    assert [c.model_dump() for c in a.categories] == PROVISIONAL_CATEGORIES
    assert [p.model_dump() for p in a.pillars] == PROVISIONAL_PILLARS
    assert [(d.rule, d.raw, d.points, d.source) for d in a.deductions] == [("U-LEAD", 4, 4, "unit")]
    assert [s.model_dump() for s in a.skipped] == [
        {"rule": "U-SHEL", "item": "建成避难场所", "paths": ["shelters"], "reason": "未提交避难场所，本项未评",
         "source": "unit", "status": "skipped"},
        {"rule": "U-PLAN", "item": "制定总体应急预案", "paths": ["plans.overall"], "reason": "未提交总体预案，本项未评",
         "source": "unit", "status": "skipped"}]
    assert a.bonuses == [] and a.missing == [] and a.vetoes == [] and a.blocks_excellent == []


def test_provisional_bonus_pending_is_what_the_undocumented_claims_would_add(rubric: Ruleset) -> None:
    """A documented municipal honour earns 1 now; an undocumented provincial one would add 3
    more. Floor 100 - 16 + 1 = 85, ceiling 100 - 4 + 4 = 100 (the bonus cap is 4)."""
    documented = {"title": "市级先进集体", "level": "municipal", "number": "某应急〔2026〕2号"}
    unit = {**alone(), "honors": [documented, HONOUR]}
    a = assess.score(unit, rubric, engine="native")

    assert [(b.rule, b.raw, b.points) for b in a.bonuses] == [("B-HON", 1, 1)]
    assert [(p.rule, p.points, p.source, p.needs) for p in a.pending if p.kind == "bonus"] == [
        ("B-HON", 3.0, "unit", "请补充佐证材料：荣誉的文件文号")]
    assert (a.total, a.ceiling, a.pending_points, a.bonus) == (85, 100, 15, 1)

    final = assess.score(unit, rubric, engine="native", phase="final", missing_records="skip")
    assert [(b.rule, b.points) for b in final.bonuses] == [("B-HON", 1)]
    assert (final.total, final.ceiling, final.pending) == (91, 91, [])  # 100 - 4 - 6 + 1


@pytest.mark.parametrize(("level", "pending"), [
    ("county", [("B-HON", 0.01)]),   # the smallest amount there is: one hundredth
    ("national", []),                # a level B-HON does not list would add nothing
])
def test_provisional_bonus_pending_only_for_what_a_claim_would_add(rubric: Ruleset, level: str,
                                                                   pending: list[tuple[str, float]]) -> None:
    unit = {**alone(), "honors": [{"title": "先进集体", "level": level}]}
    a = assess.score(unit, rubric, engine="native")
    assert [(p.rule, p.points) for p in a.pending if p.kind == "bonus"] == pending


def test_decide_totals_the_unit_as_score_does_and_explains_on_demand(rubric: Ruleset) -> None:
    merged = assess.merge_sources(alone())
    d = decide(rubric, merged.facts, "native", phase="provisional", provenance=merged)

    assert (d.phase, d.total, d.ceiling, d.pending_points, d.bonus) == ("provisional", 84, 99, 15, 0)
    assert (d.grade, d.grades_possible) == ("良好", ["优秀", "良好", "不合格"])
    assert [c.model_dump() for c in d.categories] == PROVISIONAL_CATEGORIES
    assert [p.model_dump() for p in d.pillars] == PROVISIONAL_PILLARS
    assert [(c.rule, c.item, c.points) for c in d.deductions] == [("U-LEAD", "成立应急管理领导小组", 4)]
    assert (d.unit.id, d.vetoes, d.blocks_excellent, d.missing) == ("S-1", [], [], [])
    full = d.assessment()
    assert [p.model_dump() for p in full.pending] == PROVISIONAL_PENDING
    assert full.deductions[0].reason == "未成立应急管理领导小组"
    assert full.skipped[0].reason == "未提交避难场所，本项未评"


def test_decide_refuses_an_adjustment_that_does_not_fit_as_score_does(rubric: Ruleset) -> None:
    merged = assess.merge_sources({**alone(), "adjustments": [{"rule": "U-LEAD", "points": 1, "note": "x"}]})
    with pytest.raises(assess.FactsError) as caught:
        decide(rubric, merged.facts, "native", source="s.json")
    assert caught.value.render() == (
        "s.json: 1 problem with adjustments under ruleset sources\n"
        "  adjustments[0].rule: rule U-LEAD is not discretionary (only range rules take adjustments)")


# 终评 with the office's records and the team's review. The office: 5 tasks assigned, 3 done
# (the unit claimed 5), no major accident, 1 missed report. The review: 2 absences found, the
# leading group's evidence rejected, the budget's evidence missing. 体制建设: U-LEAD 4 (review),
# U-FUND 8 of which 10 - 4 = 6 are left (review); 日常工作: U-SHEL 2 (no shelter), O-TASK 5 - 3
# = 2 x 1 (office), R-ABS 2 x 1 (review); the documented honour adds 3. 100 - 10 - 6 + 3 = 87.
CHECKED = {"unit": UNIT, "organization": {"leadership_group": True}, "funds": {"budgeted": True}, "shelters": 0,
           "plans": {"overall": True}, "tasks": {"assigned": 5, "completed": 5},
           "honors": [{**HONOUR, "number": "某应急〔2026〕1号"}]}


def office_and_review() -> dict[str, Any]:
    return {"records": records(**{"tasks.assigned": 5, "tasks.completed": 3, "incidents.major_responsible": 0,
                                  "reporting.missed": 1}),
            "review": review({"decision": "finding", "path": "duty.absences", "value": 2},
                             {"decision": "rejected", "rule": "U-LEAD", "note": "文件为往年印发"},
                             {"decision": "missing", "path": "funds.budgeted"})}


def test_final_with_the_offices_records_and_the_review(rubric: Ruleset) -> None:
    a = assess.score(CHECKED, rubric, engine="native", phase="final", **office_and_review())

    assert [(d.rule, d.raw, d.points, d.capped, d.source, d.missing, d.reason) for d in a.deductions] == [
        ("U-LEAD", 4, 4, None, "review", True, "考核组未采信佐证材料：文件为往年印发"),
        ("U-FUND", 8, 6, "category", "review", True, "考核组核查无佐证材料，该项不得分"),
        ("U-SHEL", 2, 2, None, "unit", False, "未建成避难场所（乡镇）"),
        ("O-TASK", 2, 2, None, "office", False, "未完成交办任务2项，扣2分"),
        ("R-ABS", 2, 2, None, "review", False, "脱岗2次，扣2分")]
    assert [(b.rule, b.points, b.source) for b in a.bonuses] == [("B-HON", 3, "unit")]
    assert (a.total, a.floor, a.ceiling, a.grade, a.grades_possible) == (87, 87, 87, "良好", ["良好"])
    assert [p.model_dump() for p in a.passed] == [
        {"rule": "U-PLAN", "reason": "制定总体应急预案：符合要求", "evidence": {"plans.overall": True},
         "source": "unit", "status": "passed"},
        {"rule": "V-MAJ", "reason": "发生较大及以上责任事故：符合要求",
         "evidence": {"incidents.major_responsible": 0}, "source": "office", "status": "passed"}]
    assert [b.model_dump() for b in a.blocks_excellent] == [
        {"rule": "N-MISS", "pillar": "机制", "item": "漏报信息", "reason": "漏报1次",
         "evidence": {"reporting.missed": 1}, "source": "office", "status": "no_excellent"}]
    assert [c.model_dump() for c in a.conflicts] == [
        {"path": "tasks.completed", "label": "完成任务", "values": {"unit": 5, "office": 3}, "winner": "office"}]
    assert a.pending == [] and a.skipped == [] and a.missing == []


def test_final_with_a_blocked_top_grade_keeps_the_second(rubric: Ruleset) -> None:
    """Everything met but one missed report: 100 points, 良好 instead of 优秀."""
    unit = {"unit": UNIT, "organization": {"leadership_group": True}, "funds": {"budgeted": True}, "shelters": 1,
            "plans": {"overall": True}}
    a = assess.score(unit, rubric, engine="native", phase="final",
                     records=records(**{"tasks.assigned": 2, "tasks.completed": 2,
                                        "incidents.major_responsible": 0, "reporting.missed": 1,
                                        "duty.absences": 0}))
    assert (a.total, a.grade, a.grade_by_score, a.grades_possible) == (100, "良好", "优秀", ["良好"])
    assert [b.rule for b in a.blocks_excellent] == ["N-MISS"]


# 终评 of the unit alone, the missing records skipped by request: the office's and the
# review's items are not scored; the budget the unit did not send deducts its 8 points, of
# which 10 - 4 = 6 are left in 体制建设; the undocumented honour does not count. 100 - 10 = 90.
def test_final_skipping_the_missing_records_says_whose_data_is_missing(rubric: Ruleset) -> None:
    a = assess.score(alone(), rubric, engine="native", phase="final", missing_records="skip")

    assert [(s.rule, s.paths, s.source, s.reason) for s in a.skipped] == [
        ("U-SHEL", ["shelters"], "unit", "未提交避难场所，本项未评"),
        ("U-PLAN", ["plans.overall"], "unit", "未提交总体预案，本项未评"),
        ("O-TASK", ["tasks.assigned", "tasks.completed"], "office", "考核办未录入交办任务、完成任务，按约定本项不评"),
        ("R-ABS", ["duty.absences"], "review", "考核组未核查脱岗，按约定本项不评"),
        ("B-HON", ["honors"], "unit", "未提供荣誉的文件文号，不予认定"),
        ("V-MAJ", ["incidents.major_responsible"], "office", "考核办未录入较大及以上责任事故，按约定本项不评"),
        ("N-MISS", ["reporting.missed"], "office", "考核办未录入漏报，按约定本项不评")]
    assert [(d.rule, d.raw, d.points, d.capped, d.source, d.missing, d.reason) for d in a.deductions] == [
        ("U-LEAD", 4, 4, None, "unit", False, "未成立应急管理领导小组"),
        ("U-FUND", 8, 6, "category", "unit", True, "未提交经费预算，无佐证材料，该项不得分")]
    assert a.deductions[1].evidence == {"funds.budgeted": None}
    assert (a.missing, a.missing_records_policy) == (["funds.budgeted"], "skip")
    assert (a.total, a.grade, a.pending, a.bonuses) == (90, "优秀", [], [])


REFUSAL = ("<facts>: 终评 needs the office's records (or the review) for every unit: 5 facts still to enter; "
           "give them with --records/--review, or score with --allow-missing-records skip\n"
           "  rule O-TASK, tasks.assigned: rule O-TASK (完成交办任务) needs the office records for 交办任务\n"
           "  rule O-TASK, tasks.completed: rule O-TASK (完成交办任务) needs the office records for 完成任务\n"
           "  rule R-ABS, duty.absences: rule R-ABS (值班人员在岗) needs the review for 脱岗\n"
           "  rule V-MAJ, incidents.major_responsible: rule V-MAJ (发生较大及以上责任事故) needs the office "
           "records for 较大及以上责任事故\n"
           "  rule N-MISS, reporting.missed: rule N-MISS (漏报信息) needs the office records for 漏报")


def test_final_refuses_without_the_offices_records_and_lists_every_fact_to_enter(rubric: Ruleset) -> None:
    with pytest.raises(assess.FactsError) as caught:
        assess.score(alone(), rubric, engine="native", phase="final")
    assert caught.value.render() == REFUSAL


def test_final_refusal_for_one_fact_in_chinese(rubric: Ruleset, chinese: None) -> None:
    with pytest.raises(assess.FactsError) as caught:
        assess.score(alone(), rubric, engine="native", phase="final",
                     records=records(**{"tasks.assigned": 2, "tasks.completed": 2,
                                        "incidents.major_responsible": 0, "reporting.missed": 0}))
    assert caught.value.render() == (
        "<facts>: 终评需要每个单位的考核办记录（或考核组复核）：还有 1 项待录入；请用 --records/--review 提供，"
        "或用 --allow-missing-records skip 评分\n"
        "  规则R-ABS、duty.absences：规则 R-ABS（值班人员在岗）需要考核组复核的脱岗")


def test_final_refusal_for_one_fact_in_english(rubric: Ruleset) -> None:
    with pytest.raises(assess.FactsError) as caught:
        assess.score(alone(), rubric, engine="native", phase="final",
                     records=records(**{"tasks.assigned": 2, "tasks.completed": 2,
                                        "incidents.major_responsible": 0, "reporting.missed": 0}))
    assert caught.value.message == (
        "终评 needs the office's records (or the review) for every unit: 1 fact still to enter; "
        "give it with --records/--review, or score with --allow-missing-records skip")


def bad_adjustments(forms: Ruleset) -> assess.FactsError:
    unit = {"unit": UNIT, "incidents": {"general": 1},
            "adjustments": [{"rule": "F-RANG", "points": 3, "note": "处置迟缓"},
                            {"rule": "F-FIXED", "points": 3, "note": "处置迟缓"},
                            {"rule": "F-RANGE", "points": 5.5, "note": "处置迟缓"}]}
    with pytest.raises(assess.FactsError) as caught:
        assess.score(unit, forms, engine="native", source="unit.json", phase="final")
    return caught.value


def test_adjustments_that_do_not_fit_the_rubric_are_each_named(forms: Ruleset) -> None:
    assert bad_adjustments(forms).render() == (
        "unit.json: 3 problems with adjustments under ruleset forms\n"
        "  adjustments[0].rule: ruleset forms has no rule 'F-RANG' (did you mean 'F-RANGE'?)\n"
        "  adjustments[1].rule: rule F-FIXED is not discretionary (only range rules take adjustments)\n"
        "  adjustments[2].points: 5.5 is outside rule F-RANGE's range 1-5")


def test_adjustments_that_do_not_fit_the_rubric_in_chinese(forms: Ruleset, chinese: None) -> None:
    assert bad_adjustments(forms).render() == (
        "unit.json: 按考核细则 forms，扣分调整有 3 处问题\n"
        "  adjustments[0].rule：考核细则 forms 中没有规则 'F-RANG'（是不是要写 'F-RANGE'？）\n"
        "  adjustments[1].rule：规则 F-FIXED 不是幅度扣分（只有幅度扣分规则可以调整）\n"
        "  adjustments[2].points：5.5 不在规则 F-RANGE 的幅度 1-5 之内")


def test_one_adjustment_that_does_not_fit(forms: Ruleset) -> None:
    unit = {"unit": UNIT, "adjustments": [{"rule": "F-RANGE", "points": 0.5, "note": "处置得当"}]}
    with pytest.raises(assess.FactsError) as caught:
        assess.score(unit, forms, engine="native")
    assert caught.value.render() == ("<facts>: 1 problem with adjustments under ruleset forms\n"
                                     "  adjustments[0].points: 0.5 is outside rule F-RANGE's range 1-5")


def test_an_adjustment_of_a_rule_that_did_not_deduct_is_refused(forms: Ruleset, chinese: None) -> None:
    """F-RANGE deducts only after a general incident: with none, the assessor's pick is refused."""
    unit = {"unit": UNIT, "incidents": {"general": 0},
            "adjustments": [{"rule": "F-RANGE", "points": 2, "note": "处置迟缓"}]}
    with pytest.raises(assess.FactsError) as caught:
        assess.score(unit, forms, engine="native", phase="final")
    assert caught.value.render() == (
        "<facts>: 有不适用的扣分调整\n"
        "  adjustments[0].rule：规则 F-RANGE 对该单位没有扣分（条件不成立或缺少数据）；请删去该调整")
    set_language("en")
    with pytest.raises(assess.FactsError) as caught:
        assess.score(unit, forms, engine="native", phase="final")
    assert caught.value.render() == (
        "<facts>: adjustments that do not apply\n"
        "  adjustments[0].rule: rule F-RANGE did not deduct for this unit (its condition is not met or its facts "
        "are missing); remove the adjustment")


def test_a_unit_of_a_kind_the_rubric_does_not_score_is_refused(rubric: Ruleset) -> None:
    with pytest.raises(assess.FactsError) as caught:
        assess.score({"unit": {**UNIT, "type": "county"}}, rubric, engine="native", source="u.json")
    assert caught.value.render() == ("u.json: ruleset sources does not score this kind of unit\n"
                                     "  unit.type: 'county'; ruleset sources applies to township, street")


def test_an_engine_failure_names_the_unit(rubric: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(self: NativeEngine, env: Mapping[str, Any]) -> frozenset[str]:
        raise EngineError("injected fault")

    def failing_decision(*args: Any) -> None:
        raise EngineError("injected fault")

    monkeypatch.setattr(NativeEngine, "run", failing)
    # score and decide answer the native engine's checks through the compiled evaluator (scoring/fast)
    monkeypatch.setattr(fast, "explain", failing_decision)
    with pytest.raises(EngineError) as caught:
        assess.score(alone(), rubric, engine="native", source="s.json")
    assert caught.value.render() == "s.json: unit S-1: injected fault"
    monkeypatch.setattr(fast, "decide", failing_decision)
    merged = assess.merge_sources(alone())
    with pytest.raises(EngineError) as caught:
        decide(rubric, merged.facts, "native", source="s.json", provenance=merged)
    assert caught.value.render() == "s.json: unit S-1: injected fault"


def test_an_engine_failure_while_explaining_a_decided_unit_names_the_unit(
        rubric: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    """The assessment is built when it is asked for, after the unit was decided; a failure
    then is the unit's, named as when scoring."""
    def failing(*args: Any) -> None:
        raise EngineError("injected fault")

    d = decide(rubric, assess.facts.validate(alone()), "native", source="s.json")
    monkeypatch.setattr(fast, "explain", failing)
    assert d.total == 84
    with pytest.raises(EngineError) as caught:
        d.assessment()
    assert caught.value.render() == "s.json: unit S-1: injected fault"


@pytest.mark.parametrize("office", [False, True])
def test_explaining_a_decided_unit_reuses_the_engines_answers(rubric: Ruleset, monkeypatch: pytest.MonkeyPatch,
                                                              office: bool) -> None:
    """durable-rules is asked once per unit, whether the fast path or the ledger decided it
    (the office's records send the unit to the ledger)."""
    asked: list[int] = []
    run = DurableEngine.run

    def counted(self: DurableEngine, env: Mapping[str, Any]) -> frozenset[str]:
        asked.append(1)
        return run(self, env)

    monkeypatch.setattr(DurableEngine, "run", counted)
    extra = {"records": records(**{"tasks.assigned": 1, "tasks.completed": 1})} if office else {}
    merged = assess.merge_sources(alone(), **extra)
    d = decide(rubric, merged.facts, "durable", provenance=merged)
    assert d.assessment().total == d.total == (87 if office else 84)
    assert len(asked) == 1


def test_the_reviews_pick_in_a_range_stands_over_the_units_and_is_listed_as_a_conflict(forms: Ruleset) -> None:
    """F-RANGE (1-5 after a general incident): the unit wrote 4, the team picked 2."""
    unit = {"unit": UNIT, "incidents": {"general": 1},
            "adjustments": [{"rule": "F-RANGE", "points": 4, "note": "处置迟缓"}]}
    a = assess.score(unit, forms, engine="native", phase="final",
                     review=review({"decision": "points", "rule": "F-RANGE", "points": 2, "note": "处置基本得当"}))
    ranged = next(d for d in a.deductions if d.rule == "F-RANGE")
    assert (ranged.points, ranged.adjusted, ranged.note) == (2, True, "处置基本得当")
    assert [c.model_dump() for c in a.conflicts] == [
        {"path": "adjustments", "label": "F-RANGE评审扣分", "values": {"unit": 4, "review": 2}, "winner": "review"}]


def test_decide_in_final_reads_the_office_and_the_review_as_score_does(rubric: Ruleset) -> None:
    """The unit of test_final_with_the_offices_records_and_the_review: 87, 良好. Its 否优项 is
    named without its reason, which the full assessment gives."""
    merged = assess.merge_sources(CHECKED, **office_and_review())
    d = decide(rubric, merged.facts, "native", phase="final", provenance=merged)
    assert (d.phase, d.total, d.ceiling, d.bonus, d.grade) == ("final", 87, 87, 3, "良好")
    assert [(b.rule, b.item, b.reason, b.evidence) for b in d.blocks_excellent] == [("N-MISS", "漏报信息", "", {})]
    assert [(c.rule, c.points) for c in d.deductions] == [
        ("U-LEAD", 4), ("U-FUND", 6), ("U-SHEL", 2), ("O-TASK", 2), ("R-ABS", 2)]
    full = d.assessment()
    assert (full.total, full.phase) == (87, "final")
    assert [b.reason for b in full.blocks_excellent] == ["漏报1次"]
    assert [(x.rule, x.source, x.reason) for x in full.deductions[:2]] == [
        ("U-LEAD", "review", "考核组未采信佐证材料：文件为往年印发"),
        ("U-FUND", "review", "考核组核查无佐证材料，该项不得分")]


def test_decide_skips_the_missing_records_when_asked_as_score_does(rubric: Ruleset) -> None:
    """The unit of test_final_skipping_the_missing_records_says_whose_data_is_missing: 90."""
    merged = assess.merge_sources(alone())
    d = decide(rubric, merged.facts, "native", phase="final", provenance=merged, missing_records="skip")
    assert (d.total, d.grade, d.missing) == (90, "优秀", ["funds.budgeted"])
    full = d.assessment()
    assert (full.total, full.missing_records_policy) == (90, "skip")
    assert [s.rule for s in full.skipped] == ["U-SHEL", "U-PLAN", "O-TASK", "R-ABS", "B-HON", "V-MAJ", "N-MISS"]


def test_decide_refuses_without_the_offices_records_naming_the_file(rubric: Ruleset) -> None:
    merged = assess.merge_sources(alone())
    with pytest.raises(assess.FactsError) as caught:
        decide(rubric, merged.facts, "native", source="s.json", phase="final", provenance=merged)
    assert caught.value.source == "s.json"
    assert caught.value.render() == REFUSAL.replace("<facts>", "s.json")
    with pytest.raises(assess.FactsError) as caught:
        decide(rubric, merged.facts, "native", phase="final", provenance=merged)
    assert caught.value.render() == REFUSAL


def test_decide_by_default_is_provisional_on_the_durable_engine(rubric: Ruleset) -> None:
    merged = assess.merge_sources(alone())
    d = decide(rubric, merged.facts, provenance=merged)
    assert (d.phase, d.total, d.ceiling) == ("provisional", 84, 99)
    assert d.assessment().engine == "durable"


def test_an_honour_the_team_found_on_site_needs_no_document(rubric: Ruleset) -> None:
    """A finding is the team's own record: its honour counts in 终评 without a 文号 (3 points),
    where the unit's own undocumented claim does not."""
    found = review({"decision": "finding", "path": "honors", "value": [HONOUR]})
    unit = {**CHECKED, "honors": None}
    a = assess.score(unit, rubric, engine="native", phase="final", records=office_and_review()["records"],
                     review=found, missing_records="skip")
    assert [(b.rule, b.points, b.source) for b in a.bonuses] == [("B-HON", 3, "review")]
    merged = assess.merge_sources(unit, office_and_review()["records"], found)
    d = decide(rubric, merged.facts, "native", phase="final", provenance=merged, missing_records="skip")
    assert d.bonus == 3


def test_the_assessment_names_the_unit_the_rubric_the_engine_and_the_self_score_gap(rubric: Ruleset) -> None:
    """The unit of test_final_with_a_blocked_top_grade_keeps_the_second (100 points) scored
    itself 98.5: 1.5 below the assessment. Its drafted facts carry one flag for a person."""
    flag = {"code": "template_blank", "message": "模板空白未填", "quote": "（此处填写）"}
    unit = {"unit": {**UNIT, "period": "annual", "parent": "某县"}, "organization": {"leadership_group": True},
            "funds": {"budgeted": True}, "shelters": 1, "plans": {"overall": True}, "self_score": 98.5,
            "extraction": {"tool": "assess extract", "flags": [flag]}}
    a = assess.score(unit, rubric, engine="native", phase="final",
                     records=records(**{"tasks.assigned": 2, "tasks.completed": 2, "incidents.major_responsible": 0,
                                        "reporting.missed": 1, "duty.absences": 0}))
    assert a.unit.model_dump() == {"id": "S-1", "name": "某乡", "type": "township", "year": 2026,
                                   "period": "annual", "parent": "某县"}
    assert a.ruleset.model_dump() == {"id": "sources", "title": "来源测试", "version": "1",
                                      "sha256": rubric.sha256, "source": "sources"}
    assert (a.engine, a.engine_version, a.assess_version) == (
        "native", f"native {assess.__version__}", assess.__version__)
    assert (a.max, a.bonus_cap, a.total, a.self_score, a.self_score_diff) == (100, 4, 100, 98.5, -1.5)
    assert [f.model_dump() for f in a.flags] == [flag]
    merged = assess.merge_sources(unit, records(**{"tasks.assigned": 2, "tasks.completed": 2,
                                                   "incidents.major_responsible": 0, "reporting.missed": 1,
                                                   "duty.absences": 0}))
    d = decide(rubric, merged.facts, "native", phase="final", provenance=merged)
    assert (d.unit, d.self_score, d.flags, d.pending_points) == (a.unit, 98.5, a.flags, 0)


RECORDS: dict[str, type[BaseModel]] = {
    "deductions": Deduction, "bonuses": Bonus, "vetoes": GradeFinding, "blocks_excellent": GradeFinding,
    "passed": Passed, "skipped": Skipped, "pending": Pending, "conflicts": Conflict,
    "categories": CategoryScore}


STATUS = {"deductions": "deducted", "bonuses": "bonus", "vetoes": "veto", "blocks_excellent": "no_excellent",
          "passed": "passed", "skipped": "skipped", "pending": "pending"}


def test_json_lists_every_records_fields_in_their_declared_order(rubric: Ruleset, forms: Ruleset) -> None:
    """The JSON of an assessment is byte-identical from run to run and release to release:
    a record's fields come in the order its model declares them, whichever way the ledger
    reached it (here and in every forms case)."""
    provisional = assess.score(alone(), rubric, engine="native")
    final = assess.score(CHECKED, rubric, engine="native", phase="final", **office_and_review())
    assessed = [provisional, final] + [
        assess.score(patched(FORMS["baseline"], case["patch"]), forms, engine="native", phase="final")
        for case in FORMS["cases"] if "error" not in case]
    seen = set()
    for a in assessed:
        document = json.loads(a.model_dump_json())
        assert list(document) == list(Assessment.model_fields)
        assert document["schema_version"] == ASSESSMENT_SCHEMA_VERSION
        for key, model in RECORDS.items():
            for item in document[key]:
                assert list(item) == list(model.model_fields), key
                assert item.get("status", STATUS.get(key)) == STATUS.get(key), key
                seen.add(key)
    assert seen == set(RECORDS)
    document = json.loads(final.model_dump_json())
    assert document["deductions"][0] == {
        "rule": "U-LEAD", "category": "org", "pillar": "体制", "item": "成立应急管理领导小组", "points": 4.0,
        "raw": 4.0, "reason": "考核组未采信佐证材料：文件为往年印发",
        "evidence": {"organization.leadership_group": True}, "capped": None, "missing": True, "adjusted": False,
        "defaulted": False, "note": None, "count": None, "tier": None, "source": "review", "status": "deducted"}


def test_a_passed_or_grade_reason_has_no_form_variable_to_quote(rubric: Ruleset) -> None:
    """A rule that passed, and a 否优项, deduct nothing: a form variable in their text reads
    未提交 rather than failing the unit."""
    text = RUBRIC.replace("    reason: 未成立应急管理领导小组\n",
                          "    reason: 未成立应急管理领导小组\n    passed: 已成立应急管理领导小组，扣{points}分\n")
    text = text.replace("reason: 漏报{reporting.missed}次\n", "reason: 漏报{reporting.missed}次，共{count}次\n")
    unit = {"unit": UNIT, "organization": {"leadership_group": True}}
    a = assess.score(unit, load_text(text, "passed.yaml"), engine="native", records=records(**{"reporting.missed": 1}))
    assert [p.reason for p in a.passed if p.rule == "U-LEAD"] == ["已成立应急管理领导小组，扣未提交分"]
    assert [b.reason for b in a.blocks_excellent] == ["漏报1次，共未提交次"]


def test_an_honour_in_the_offices_records_needs_no_document(rubric: Ruleset) -> None:
    """The office's records are its own register of honours: 3 points in 终评 without a 文号."""
    office = records(**{"honors": [HONOUR], "tasks.assigned": 1, "tasks.completed": 1,
                        "incidents.major_responsible": 0, "reporting.missed": 0})
    a = assess.score({**CHECKED, "honors": None}, rubric, engine="native", phase="final", records=office,
                     missing_records="skip")
    assert [(b.rule, b.points, b.source) for b in a.bonuses] == [("B-HON", 3, "office")]


def test_a_reason_quoting_a_fact_not_submitted_says_so(rubric: Ruleset) -> None:
    """U-LEAD's condition does not need the staff count its reason quotes."""
    text = RUBRIC.replace("    reason: 未成立应急管理领导小组\n",
                          "    reason: 未成立应急管理领导小组（专职人员{organization.staff}名）\n")
    a = assess.score(alone(), load_text(text, "staff.yaml"), engine="native")
    assert [(d.rule, d.reason) for d in a.deductions] == [("U-LEAD", "未成立应急管理领导小组（专职人员未提交名）")]


@pytest.mark.parametrize("engine", ["native", "durable"])
def test_units_alike_in_a_rules_condition_each_get_the_facts_its_reason_quotes(engine: str) -> None:
    """Outcomes are shared between units reading the same values (scoring/fast): the facts a
    reason quotes are among them, though the condition does not read them."""
    text = RUBRIC.replace("    reason: 未成立应急管理领导小组\n",
                          "    reason: 未成立应急管理领导小组（专职人员{organization.staff}名）\n")
    staff = load_text(text, "staff.yaml")
    reasons = [[d.reason for d in assess.score({**alone(), "organization": {"leadership_group": False, "staff": n}},
                                               staff, engine=engine).deductions if d.rule == "U-LEAD"]
               for n in (1, 2, 1)]
    assert reasons == [["未成立应急管理领导小组（专职人员1名）"], ["未成立应急管理领导小组（专职人员2名）"],
                       ["未成立应急管理领导小组（专职人员1名）"]]


@pytest.mark.parametrize(("decision", "deducted"), [
    ({"decision": "missing", "path": "funds.budgeted"}, ("U-FUND", 8, "考核组核查无佐证材料，该项不得分")),
    ({"decision": "rejected", "rule": "U-LEAD", "note": "无印发文件"},
     ("U-LEAD", 4, "考核组未采信佐证材料：无印发文件")),
])
def test_one_refusal_by_the_review_deducts_the_item(rubric: Ruleset, decision: dict[str, Any],
                                                    deducted: tuple[str, float, str]) -> None:
    office = records(**{"tasks.assigned": 1, "tasks.completed": 1, "incidents.major_responsible": 0,
                        "reporting.missed": 0, "duty.absences": 0})
    a = assess.score({**CHECKED, "shelters": 1}, rubric, engine="native", phase="final", records=office,
                     review=review(decision))
    assert [(d.rule, d.points, d.reason) for d in a.deductions] == [deducted]


def test_a_unit_item_the_team_checked_on_site_is_decided_by_the_review(rubric: Ruleset) -> None:
    """The unit sent nothing but its name; the team found no shelter: U-SHEL deducts 2, on the
    team's word."""
    a = assess.score({"unit": UNIT}, rubric, engine="native",
                     review=review({"decision": "finding", "path": "shelters", "value": 0}))
    assert [(d.rule, d.points, d.source) for d in a.deductions] == [("U-SHEL", 2, "review")]


def test_a_ledger_made_by_hand_scores_the_final_phase(rubric: Ruleset) -> None:
    facts = assess.merge_sources(CHECKED).facts
    engine = rubric.engine("native")
    env = flatten(facts)
    a = Ledger(rubric, facts, env, engine.run(env), "s.json", missing_records="skip").build(engine)
    assert (a.phase, a.pending) == ("final", [])
    assert [s.rule for s in a.skipped] == ["R-ABS", "V-MAJ", "N-MISS"]  # facts nobody sent, skipped as asked


def test_provisional_does_not_take_the_units_word_for_the_offices_item(rubric: Ruleset) -> None:
    """The unit says all 5 tasks are done; the task register is the office's: O-TASK stays
    pending for both counts, 3 points at stake."""
    a = assess.score({**alone(), "tasks": {"assigned": 5, "completed": 5}}, rubric, engine="native")
    assert [(p.rule, p.paths, p.source, p.points) for p in a.pending if p.rule == "O-TASK"] == [
        ("O-TASK", ["tasks.assigned", "tasks.completed"], "office", 3.0)]


@pytest.mark.parametrize(("patch", "rule", "evidence"), [
    # 3 drills of the 4 required: the count the reason quotes
    ({"drills": [{"kind": "flood"}, {"kind": "fire"}, {"kind": "geologic"}]}, "F-DRILL", {"count(drills)": 3}),
    # no drills sent: the count cannot be taken
    ({"drills": None}, "F-DRILL", {"count(drills)": None}),
    # 5 of 7 hazards rectified: 71.43 %, and the two counts
    ({"hazards": {"found": 7, "rectified": 5}}, "F-EXACT",
     {"pct(hazards.rectified, hazards.found)": 71.43, "hazards.rectified": 5, "hazards.found": 7}),
])
def test_evidence_gives_the_values_the_reason_computes(forms: Ruleset, patch: dict[str, Any], rule: str,
                                                       evidence: dict[str, Any]) -> None:
    a = assess.score(patched(FORMS["baseline"], patch), forms, engine="native", phase="final")
    assert [d.evidence for d in a.deductions if d.rule == rule] == [evidence]


def test_score_by_default_is_provisional_on_the_durable_engine(rubric: Ruleset) -> None:
    merged = assess.merge_sources(alone())
    a = score(rubric, merged.facts, provenance=merged)
    assert (a.engine, a.phase, a.total, a.ceiling) == ("durable", "provisional", 84, 99)
    with pytest.raises(assess.FactsError) as caught:
        score(rubric, merged.facts, phase="final", provenance=merged)
    assert caught.value.render() == REFUSAL


@pytest.mark.parametrize("points", [1, 5])
def test_an_adjustment_may_pick_either_end_of_the_range(forms: Ruleset, points: float) -> None:
    """F-RANGE deducts 1-5 after a general incident, both ends included."""
    unit = {"unit": UNIT, "incidents": {"general": 1},
            "adjustments": [{"rule": "F-RANGE", "points": points, "note": "处置情况"}]}
    a = assess.score(unit, forms, engine="native", phase="final")
    assert [(d.rule, d.points, d.adjusted) for d in a.deductions if d.rule == "F-RANGE"] == [("F-RANGE", points, True)]


def test_an_adjustment_of_a_veto_is_refused(forms: Ruleset) -> None:
    unit = {"unit": UNIT, "adjustments": [{"rule": "V-MAJOR", "points": 1, "note": "处置情况"}]}
    with pytest.raises(assess.FactsError) as caught:
        assess.score(unit, forms, engine="native")
    assert [i.render() for i in caught.value.issues] == [
        "adjustments[0].rule: rule V-MAJOR is not discretionary (only range rules take adjustments)"]


B_PROV = """\
  - id: B-PROV
    kind: bonus
    pillar: 机制
    item: 获得省级表彰
    points: 2
    award: {honors: {provincial: 2}}
    reason: 获得省级表彰，加{points}分
    basis: 测试
"""


def test_pending_bonuses_add_up_to_the_bonus_cap(rubric: Ruleset) -> None:
    """A second bonus for the same undocumented provincial honour: 3 + 2 = 5 pending, of which
    the bonus cap lets 4 count. Ceiling 100 - 4 + 4 = 100; floor 84 as before."""
    a = assess.score(alone(), load_text(RUBRIC + B_PROV, "two.yaml"), engine="native")
    assert [(p.rule, p.points) for p in a.pending if p.kind == "bonus"] == [("B-HON", 3), ("B-PROV", 2)]
    assert (a.total, a.ceiling, a.pending_points) == (84, 100, 16)



@pytest.mark.parametrize(("patch", "bonuses"), [
    # B-FIX gives its 1 point, exactly the item's points: nothing held back
    ({"shelters": 3}, [("B-FIX", 1, 1, None)]),
    # B-HON 3 (provincial) and B-FIX 1 fill the bonus cap of 4 exactly: nothing held back
    ({"shelters": 3, "honors": [{"title": "省级先进", "level": "provincial", "number": "某应急〔2026〕4号"}]},
     [("B-HON", 3, 3, None), ("B-FIX", 1, 1, None)]),
    # B-HON 5 (national) and B-FIX 1 against a bonus cap of 4: 4 and 0
    ({"shelters": 3, "honors": [{"title": "全国先进", "level": "national", "number": "某应急〔2026〕5号"}]},
     [("B-HON", 5, 4, "bonus_cap"), ("B-FIX", 1, 0, "bonus_cap")]),
])
def test_bonuses_say_which_cap_held_them_back(forms: Ruleset, patch: dict[str, Any],
                                              bonuses: list[tuple[str, float, float, str | None]]) -> None:
    a = assess.score(patched(FORMS["baseline"], patch), forms, engine="native", phase="final")
    assert [(b.rule, b.raw, b.points, b.capped) for b in a.bonuses] == bonuses


MET = {"unit": UNIT, "organization": {"leadership_group": True}, "funds": {"budgeted": True}, "shelters": 1,
       "plans": {"overall": True}}
IN_ORDER = {"tasks.assigned": 2, "tasks.completed": 2, "incidents.major_responsible": 0, "reporting.missed": 0}


@pytest.mark.parametrize(("unit", "office", "totals", "possible"), [
    # Everything of the unit's own met; the office's and the team's items pending: O-TASK 3 and
    # R-ABS 3 at stake, the veto and the 否优项 open. 94-100: 优秀, or 良好 by the 否优项, or 不合格.
    (MET, None, (94, 100), ["优秀", "良好", "不合格"]),
    # U-LEAD deducts 4, U-FUND's 8 pending with 6 left in 体制建设, everything else decided:
    # the floor 90 is 优秀's own lower bound, so 良好 is out of reach. 90-96.
    ({**MET, "organization": {"leadership_group": False}, "funds": None}, {**IN_ORDER, "duty.absences": 0},
     (90, 96), ["优秀"]),
    # U-LEAD 4 and U-FUND 8 deduct the whole 10 of 体制建设; R-ABS's 3 pending: the ceiling 90
    # just reaches 优秀. 87-90.
    ({**MET, "organization": {"leadership_group": False}, "funds": {"budgeted": False}}, IN_ORDER,
     (87, 90), ["优秀", "良好"]),
])
def test_grades_possible_at_the_edges_of_the_bands(rubric: Ruleset, unit: dict[str, Any],
                                                   office: dict[str, Any] | None, totals: tuple[float, float],
                                                   possible: list[str]) -> None:
    a = assess.score(unit, rubric, engine="native", records=None if office is None else records(**office))
    assert ((a.floor, a.ceiling), a.grades_possible) == (totals, possible)


B_COUNT = """\
  - id: B-COUNT
    kind: bonus
    pillar: 机制
    item: 每项表彰加0.5分
    points: 2
    award: {per: {count: count(honors), points: 0.5}}
    reason: 表彰{count}项，加{points}分
    basis: 测试
"""


def test_honours_that_all_carry_their_document_leave_nothing_pending(rubric: Ruleset) -> None:
    """One documented municipal honour: B-HON 1 and B-COUNT 1 x 0.5 decided, no bonus pending."""
    documented = {"title": "市级先进集体", "level": "municipal", "number": "某应急〔2026〕2号"}
    a = assess.score({**alone(), "honors": [documented]}, load_text(RUBRIC + B_COUNT, "count.yaml"), engine="native")
    assert [(b.rule, b.points) for b in a.bonuses] == [("B-HON", 1), ("B-COUNT", 0.5)]
    assert [p.rule for p in a.pending if p.kind == "bonus"] == []


PER_HONOUR = textwrap.dedent("""\
    id: per-honour
    title: 按项加分
    version: "1"
    applies_to: [township]
    total: 100
    bonus_cap: 5
    grades: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 合格, min: 60}, {name: 不合格, min: 0}]
    categories:
      - {id: work, name: 日常工作, max: 100}
    rules:
      - id: U-LEAD
        category: work
        pillar: 体制
        item: 成立应急管理领导小组
        points: 100
        when: not organization.leadership_group
        deduct: {fixed: 100}
        reason: 未成立应急管理领导小组
        basis: 测试
      - id: B-EACH
        kind: bonus
        pillar: 机制
        item: 每项表彰加分
        points: 2
        award: {per: {count: count(honors), points: 0.5}}
        reason: 获得表彰{count}项，加{points}分
        basis: 测试
      - id: B-ANY
        kind: bonus
        pillar: 机制
        item: 获得表彰
        points: 1
        when: count(honors) > 0
        award: {fixed: 1}
        reason: 获得表彰，加1分
        basis: 测试
      - id: B-TWO
        kind: bonus
        pillar: 机制
        item: 获得两项以上表彰
        points: 1
        when: count(honors) >= 2
        award: {fixed: 1}
        reason: 获得两项以上表彰，加1分
        basis: 测试
    """)


@pytest.mark.parametrize("engine", ["native", "durable"])
@pytest.mark.parametrize(("documented", "undocumented", "earned", "pending"), [
    # one claim alone: 0.5 per honour, B-ANY's 1 point; not B-TWO, whose two honours it does not make
    (0, 1, [], [("B-EACH", 0.5), ("B-ANY", 1.0)]),
    # one honour with its 文号 earns 0.5 (per) and 1 (fixed); the other, without, would add
    # one more 0.5 per honour, not 1.5 (its count is 2, not 2 points), nothing to the fixed 1,
    # and B-TWO's 1 point, the two honours making its condition
    (1, 1, [("B-EACH", 0.5), ("B-ANY", 1.0)], [("B-EACH", 0.5), ("B-TWO", 1.0)]),
    # no honour documented: the per bonus would give 1.0 for two, the fixed bonuses their 1 point
    (0, 2, [], [("B-EACH", 1.0), ("B-ANY", 1.0), ("B-TWO", 1.0)]),
    # five claimed, none documented: 2.5 by count, held to the rule's 2 points
    (0, 5, [], [("B-EACH", 2.0), ("B-ANY", 1.0), ("B-TWO", 1.0)]),
    # two documented earn all three; nothing is pending
    (2, 0, [("B-EACH", 1.0), ("B-ANY", 1.0), ("B-TWO", 1.0)], []),
])
def test_provisional_pending_bonus_is_the_rules_own_amount_for_the_claims(
        engine: str, documented: int, undocumented: int, earned: list[tuple[str, float]],
        pending: list[tuple[str, float]]) -> None:
    rubric = load_text(PER_HONOUR, "per-honour.yaml")
    honours = ([{"title": f"先进{i}", "level": "county", "number": f"某〔2026〕{i}号"} for i in range(documented)]
               + [{"title": f"表彰{i}", "level": "county"} for i in range(undocumented)])
    unit = {"unit": UNIT, "organization": {"leadership_group": True}, "honors": honours}
    total = 100 + sum(points for _, points in earned)
    ceiling = total + sum(points for _, points in pending)
    d = decide(rubric, assess.facts.validate(unit), engine=engine)
    assert (d.total, d.ceiling) == (total, ceiling)
    for a in (assess.score(unit, rubric, engine=engine), d.assessment()):
        assert [(b.rule, b.points) for b in a.bonuses] == earned
        assert [(p.rule, p.points) for p in a.pending] == pending
        assert (a.total, a.ceiling) == (total, ceiling)


def test_decide_with_the_offices_records_in_provisional_keeps_the_units_claim_pending(rubric: Ruleset) -> None:
    """The unit alone() with the office's records (1 task of 1 done, no accident, no missed
    report): U-LEAD 4 deducted; pending U-FUND 6 (10 - 4 left in 体制建设), R-ABS 3 and the
    claimed provincial honour's 3. Floor 100 - 4 - 6 - 3 = 87, ceiling 100 - 4 + 3 = 99."""
    office = records(**{"tasks.assigned": 1, "tasks.completed": 1, "incidents.major_responsible": 0,
                        "reporting.missed": 0})
    merged = assess.merge_sources(alone(), records=office)
    d = decide(rubric, merged.facts, "native", provenance=merged)
    assert (d.total, d.ceiling, d.pending_points, d.bonus) == (87, 99, 12, 0)
    assert (d.grade, d.grades_possible) == ("良好", ["优秀", "良好"])
    full = d.assessment()
    assert [(p.rule, p.points) for p in full.pending] == [("U-FUND", 8), ("R-ABS", 3), ("B-HON", 3)]
    assert (full.total, full.ceiling) == (87, 99)


@pytest.mark.parametrize("phase", ["provisional", "final"])
def test_decide_counts_an_honour_in_the_offices_records_without_a_document(rubric: Ruleset, phase: str) -> None:
    """As test_an_honour_in_the_offices_records_needs_no_document, through decide(): CHECKED
    without its own honours, the office's tasks 1 of 1: U-SHEL 2 deducted, B-HON 3 from the
    office, and R-ABS (the review's) skipped in 终评 (100 - 2 + 3 = 101) or pending 3 in 初评
    (its floor 101 - 3 = 98)."""
    office = records(**{"honors": [HONOUR], "tasks.assigned": 1, "tasks.completed": 1,
                        "incidents.major_responsible": 0, "reporting.missed": 0})
    merged = assess.merge_sources({**CHECKED, "honors": None}, records=office)
    d = decide(rubric, merged.facts, "native", phase=phase, provenance=merged, missing_records="skip")
    assert (d.total, d.bonus) == (101 if phase == "final" else 98, 3)
    full = d.assessment()
    assert [(b.rule, b.points, b.source) for b in full.bonuses] == [("B-HON", 3, "office")]
    assert [p.rule for p in full.pending] == ([] if phase == "final" else ["R-ABS"])


TWO_RANGES = textwrap.dedent("""\
    id: two-ranges
    title: 两项酌情扣分
    version: "1"
    applies_to: [township]
    total: 100
    grades: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 合格, min: 60}, {name: 不合格, min: 0}]
    categories:
      - {id: work, name: 日常工作, max: 100}
    rules:
      - id: R-GEN
        category: work
        pillar: 机制
        item: 一般事件处置得当
        points: 5
        when: incidents.general > 0
        deduct: {range: {min: 1, max: 5, default: 2}}
        reason: 一般事件处置不当，扣{points}分
        basis: 测试
      - id: R-MAJ
        category: work
        pillar: 机制
        item: 较大事件处置得当
        points: 5
        when: incidents.major > 0
        deduct: {range: {min: 1, max: 5, default: 2}}
        reason: 较大事件处置不当，扣{points}分
        basis: 测试
      - id: R-BASE
        category: work
        pillar: 体制
        item: 其余工作
        points: 90
        when: not organization.leadership_group
        deduct: {fixed: 90}
        reason: 未成立领导小组
        basis: 测试
    """)
TWO_PICKS = [{"rule": "R-GEN", "points": 3, "note": "处置迟缓"}, {"rule": "R-MAJ", "points": 1, "note": "处置较好"}]


@pytest.mark.parametrize("engine", ["native", "durable"])
def test_two_adjustments_each_taken_by_its_own_rule(engine: str) -> None:
    """Both incidents happened: the picks stand, 3 and 1, and 100 - 4 = 96."""
    rubric = load_text(TWO_RANGES, "two-ranges.yaml")
    unit = {"unit": UNIT, "organization": {"leadership_group": True}, "incidents": {"general": 1, "major": 1},
            "adjustments": TWO_PICKS}
    decided = decide(rubric, assess.facts.validate(unit), engine=engine)
    assert decided.total == 96
    for a in (assess.score(unit, rubric, engine=engine), decided.assessment()):
        assert [(d.rule, d.points, d.adjusted) for d in a.deductions] == [("R-GEN", 3, True), ("R-MAJ", 1, True)]
        assert a.total == 96


@pytest.mark.parametrize("engine", ["native", "durable"])
def test_of_two_adjustments_only_the_one_whose_rule_did_not_deduct_is_refused(engine: str) -> None:
    """No major incident: R-MAJ did not deduct, so its pick (the second) is refused, and only it."""
    rubric = load_text(TWO_RANGES, "two-ranges.yaml")
    unit = {"unit": UNIT, "organization": {"leadership_group": True}, "incidents": {"general": 1, "major": 0},
            "adjustments": TWO_PICKS}
    refusal = ("<facts>: adjustments that do not apply\n"
               "  adjustments[1].rule: rule R-MAJ did not deduct for this unit (its condition is not met or its "
               "facts are missing); remove the adjustment")
    for run in (lambda: assess.score(unit, rubric, engine=engine),
                lambda: decide(rubric, assess.facts.validate(unit), engine=engine)):
        with pytest.raises(assess.FactsError) as caught:
            run()
        assert caught.value.render() == refusal
