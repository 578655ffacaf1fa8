"""Scores worked out by hand, independent of the program's own output."""

from __future__ import annotations

import textwrap

import pytest

from assess import facts
from assess.ruleset import load_text
from assess.scoring.ledger import score

ENGINES = ["durable", "native"]

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
@pytest.mark.parametrize(("shelters", "bonus", "total"), [
    (0, None, 80),       # no shelter: no bonus, 100 - 20
    (1, 0.5, 80.5),      # 1 x 0.5
    (3, 1.5, 81.5),      # 3 x 0.5
    (5, 2, 82),          # 5 x 0.5 = 2.5, held to the item's 2 points
])
def test_per_award_gives_its_points_for_each_counted_item(engine: str, shelters: int, bonus: float | None,
                                                          total: float) -> None:
    rs = load_text(PER_BONUS, "probe.yaml")
    unit = facts.validate({"unit": {"id": "u", "name": "某乡", "type": "township"},
                           "organization": {"staff": 0}, "shelters": shelters})
    result = score(rs, unit, engine)
    assert [b.points for b in result.bonuses] == ([] if bonus is None else [bonus])
    assert result.total == total
