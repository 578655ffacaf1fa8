"""Scores worked out by hand, independent of the program's own output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from assess import facts
from assess.ruleset import load_ruleset, load_text
from assess.scoring.ledger import score

ENGINES = ["durable", "native"]
ROOT = Path(__file__).parent.parent

PER_BONUS = textwrap.dedent("""\
    id: probe
    title: 探测
    version: "1"
    applies_to: [township]
    total: 100
    bonus_cap: 3
    grades: [{name: 优秀, min: 90}, {name: 合格, min: 60}, {name: 不合格, min: 0}]
    categories:
      - {id: c, name: 类别, max: 100, capped: true}
    rules:
      - id: R1
        category: c
        pillar: 体制
        item: 专职人员
        points: 100
        when: organization.staff < 1
        deduct: {fixed: 20}
        reason: 无专职人员
        basis: 测试
      - id: B1
        kind: bonus
        pillar: 保障
        item: 避难场所每处加0.5分
        points: 2
        award: {per: {count: shelters, points: 0.5}}
        reason: 建成避难场所{count}处
        basis: 测试
    """)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("shelters", "bonus", "capped", "total"), [
    (0, None, None, 80),      # no shelter: no bonus, 100 - 20
    (1, 0.5, None, 80.5),     # 1 x 0.5
    (3, 1.5, None, 81.5),     # 3 x 0.5
    (4, 2, None, 82),         # 4 x 0.5 = 2, exactly the item's 2 points: nothing held back
    (5, 2, "item", 82),       # 5 x 0.5 = 2.5, held to the item's 2 points
])
def test_per_award_gives_its_points_for_each_counted_item(engine: str, shelters: int, bonus: float | None,
                                                          capped: str | None, total: float) -> None:
    rs = load_text(PER_BONUS, "probe.yaml")
    unit = facts.validate({"unit": {"id": "u", "name": "某乡", "type": "township"},
                           "organization": {"staff": 0}, "shelters": shelters})
    result = score(rs, unit, engine)
    assert [(b.points, b.capped) for b in result.bonuses] == ([] if bonus is None else [(bonus, capped)])
    assert result.total == total
    assert result.pending == [] and result.ceiling == total  # every fact is in: nothing left open


# 终评 with the office's records not in (missing_records="skip"): rules the office answers
# are skipped; a fact the unit did not submit deducts the rule's full points (if_missing:
# deduct), except rules marked if_missing: skip. Worked out by hand from the 2026.1 bundled
# rulesets, kept as they were in tests/fixtures/rulesets/v2026.1/ so that these figures stay
# checkable after the bundled rubrics were rewritten on current practice.
SAMPLES = {
    # 固军乡 (township). 工作部署 6: DEP-01 plan not submitted 2, DEP-02 meetings 4 (DEP-03
    # office). 体制建设 10: ORG-01 principal_leads missing 3, ORG-02 office submitted 0,
    # ORG-03 staff 4, ORG-04 posted 1, ORG-05 subunits 2, ORG-06 in appraisal 0. 预案体系
    # 20: PLN-01 3, PLN-02 5 - 4 special = 1 x 1 = 1, PLN-03 3, PLN-04 2, PLN-05 2, PLN-06
    # no drills 6, PLN-07 special_drilled missing 3 (PLN-08 office). 隐患与值守 9: HAZ-01
    # inspections 3, HAZ-02 found missing 4, HAZ-03 system 0, HAZ-04 round_the_clock
    # missing 2, HAZ-05 log 0 (HAZ-06 office). 应急保障 7: SUP-01 40 members >= 30 0,
    # SUP-02 2, SUP-03 1, SUP-04/05 0, SUP-06 funds 2, SUP-07 shelters 2. 宣教培训 15:
    # 3 + 3 + 2 + 4 + 3. 材料 0: all office. 100 - 67 = 33, 不合格.
    ("township", "seed-01-township"): (33, "不合格", {
        "TS-DEP-01": 2, "TS-DEP-02": 4, "TS-ORG-01": 3, "TS-ORG-03": 4, "TS-ORG-04": 1, "TS-ORG-05": 2,
        "TS-PLN-01": 3, "TS-PLN-02": 1, "TS-PLN-03": 3, "TS-PLN-04": 2, "TS-PLN-05": 2, "TS-PLN-06": 6,
        "TS-PLN-07": 3, "TS-HAZ-01": 3, "TS-HAZ-02": 4, "TS-HAZ-04": 2, "TS-SUP-02": 2, "TS-SUP-03": 1,
        "TS-SUP-06": 2, "TS-SUP-07": 2, "TS-TRN-01": 3, "TS-TRN-02": 3, "TS-TRN-03": 2, "TS-TRN-04": 4,
        "TS-TRN-05": 3}),
    # 县粮食局 (department). 组织领导 7: ORG-01 0, ORG-02 office 2, ORG-03 staff 2, ORG-04
    # plan 1, ORG-05 meetings 2. 预案管理 11: PLN-01 2 plans 0, PLN-02 2, PLN-03 2, PLN-04
    # no drills 4, PLN-05 3. 值守 2: DUT-01..03 kept 0, DUT-06 briefings missing 2 (DUT-04,
    # 05, 07 office). 交办任务 0: all office. 风险防控 10: 3 + 4 + 3. 应急保障 7: SUP-01 0,
    # SUP-02 trainings 2, SUP-03 custodian missing 2, SUP-04 1, SUP-05 2. 宣教培训 6.8:
    # TRN-01 2, TRN-02 2 - 1 events = 1, TRN-03 500 - 300 materials = 2 whole steps of
    # 100 x 0.4 = 0.8, TRN-04 2, TRN-05 3 - 2 regulations = 1. 100 - 43.8 = 56.2, 不合格.
    ("department", "seed-04-department"): (56.2, "不合格", {
        "DP-ORG-02": 2, "DP-ORG-03": 2, "DP-ORG-04": 1, "DP-ORG-05": 2, "DP-PLN-02": 2, "DP-PLN-03": 2,
        "DP-PLN-04": 4, "DP-PLN-05": 3, "DP-DUT-06": 2, "DP-HAZ-01": 3, "DP-HAZ-02": 4, "DP-HAZ-03": 3,
        "DP-SUP-02": 2, "DP-SUP-03": 2, "DP-SUP-04": 1, "DP-SUP-05": 2, "DP-TRN-01": 2, "DP-TRN-02": 1,
        "DP-TRN-03": 0.8, "DP-TRN-04": 2, "DP-TRN-05": 1}),
    # 某区 (county). 组织部署 5: DEP-01 2, DEP-02 3 (DEP-03..05 office). 体制建设 10: ORG-01
    # 3, ORG-02 office 0, ORG-03 2, ORG-04 2, ORG-05 3. 预案体系 20: 3 + 4 + 4 + 2 + 2 + 3 +
    # 2. 值守 6: DUT-01 3, DUT-02 1, DUT-05 briefings 2 (DUT-03, 04, 06 office). 风险防控
    # 9: HAZ-01 3, HAZ-02 2, HAZ-03 4, HAZ-04 14 of 14 rectified 0. 应急保障 15: 3 + 2 + 2
    # + 2 + 3 + 3. 宣教培训 10: TRN-01 2, TRN-02 4 - 0 events = 4 x 0.5 = 2 (the one event
    # stands under 近几年, 2b), TRN-03 3, TRN-04 3. 100 - 75 = 25, 不合格.
    ("county", "seed-07-county"): (25.0, "不合格", {
        "CT-DEP-01": 2, "CT-DEP-02": 3, "CT-ORG-01": 3, "CT-ORG-03": 2, "CT-ORG-04": 2, "CT-ORG-05": 3,
        "CT-PLN-01": 3, "CT-PLN-02": 4, "CT-PLN-03": 4, "CT-PLN-04": 2, "CT-PLN-05": 2, "CT-PLN-06": 3,
        "CT-PLN-07": 2, "CT-DUT-01": 3, "CT-DUT-02": 1, "CT-DUT-05": 2, "CT-HAZ-01": 3, "CT-HAZ-02": 2,
        "CT-HAZ-03": 4, "CT-SUP-01": 3, "CT-SUP-02": 2, "CT-SUP-03": 2, "CT-SUP-04": 2, "CT-SUP-05": 3,
        "CT-SUP-06": 3, "CT-TRN-01": 2, "CT-TRN-02": 2, "CT-TRN-03": 3, "CT-TRN-04": 3}),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("rubric", "sample"), list(SAMPLES), ids=lambda v: v)
def test_sample_scores_as_worked_out_by_hand(engine: str, rubric: str, sample: str) -> None:
    total, grade, deductions = SAMPLES[rubric, sample]
    rs = load_ruleset(ROOT / "tests" / "fixtures" / "rulesets" / "v2026.1" / f"{rubric}.yaml")
    unit = facts.validate(json.loads((ROOT / "samples" / f"{sample}.json").read_text(encoding="utf-8")))
    result = score(rs, unit, engine, phase="final", missing_records="skip")
    assert {d.rule: d.points for d in result.deductions} == pytest.approx(deductions)
    assert result.total == pytest.approx(total)
    assert result.grade == grade


CAPS = textwrap.dedent("""\
    id: probe
    title: 探测
    version: "1"
    applies_to: [township]
    total: 100
    grades: [{name: 合格, min: 60}, {name: 不合格, min: 0}]
    categories:
      - {id: c, name: 类别, max: 10, capped: true}
      - {id: d, name: 其他, max: 90}
    rules:
      - id: R1
        category: c
        pillar: 体制
        item: 专职人员
        points: 4
        deduct: {per: {count: 2 - organization.staff, points: 3}}
        reason: 专职人员不足
        basis: 测试
      - id: R2
        category: c
        pillar: 体制
        item: 领导小组
        points: 8
        when: not organization.leadership_group
        deduct: {fixed: 8}
        reason: 未成立领导小组
        basis: 测试
      - id: R3
        category: d
        pillar: 保障
        item: 其他
        points: 90
        when: not organization.office
        deduct: {fixed: 1}
        reason: 未设应急办
        basis: 测试
    """)


@pytest.mark.parametrize(("staff", "expected"), [
    # R1: (2 - 0) x 3 = 6, held to its 4 points; R2: 8, of which 10 - 4 = 6 are left in c.
    (0, [("R1", 6, 4, "item"), ("R2", 8, 6, "category"), ("R3", 1, 1, None)]),
    # R1: (2 - 1) x 3 = 3 within its 4; R2: 8, 10 - 3 = 7 left in c.
    (1, [("R1", 3, 3, None), ("R2", 8, 7, "category"), ("R3", 1, 1, None)]),
])
def test_deductions_show_the_amount_asked_what_the_caps_left_and_which_cap(
        staff: int, expected: list[tuple[str, float, float, str | None]]) -> None:
    rs = load_text(CAPS, "probe.yaml")
    unit = facts.validate({"unit": {"id": "u", "name": "某乡", "type": "township"},
                           "organization": {"staff": staff, "leadership_group": False, "office": False}})
    result = score(rs, unit, "native")
    assert [(d.rule, d.raw, d.points, d.capped) for d in result.deductions] == expected
    assert result.total == 100 - sum(points for _, _, points, _ in expected)
