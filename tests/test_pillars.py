"""Subtotals by 一案三制 and 保障 beside the categories: on the assessment, in its report and
as ranking columns."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

import assess
from assess.ruleset import load_ruleset

from .conftest import fixture_ruleset

UNIT = {"unit": {"id": "u", "name": "某乡", "type": "township"}}

RULESET = """\
id: pillars
title: 分方面细则
version: "1"
applies_to: [township]
total: 20
grades:
  - {name: 合格, min: 6}
  - {name: 不合格, min: 0}
categories:
  - {id: org, name: 体制建设, max: 10}
  - {id: publicity, name: 宣教培训, max: 10, capped: true}
rules:
  - {id: O-1, category: org, pillar: 体制, item: 成立领导小组, points: 6,
     when: not organization.leadership_group, deduct: {fixed: 6}, reason: 未成立, basis: 测试}
  - {id: O-2, category: org, pillar: 预案, item: 总体预案, points: 4,
     when: not plans.overall, deduct: {fixed: 4}, reason: 无总体预案, basis: 测试}
  - {id: P-1, category: publicity, pillar: 保障, item: 宣传活动（扣完为止）, points: 8,
     when: publicity.events == 0, deduct: {fixed: 8}, reason: 无宣传活动, basis: 测试}
  - {id: P-2, category: publicity, pillar: 法制, item: 应对法宣传（扣完为止）, points: 4,
     when: not publicity.law_publicity, deduct: {fixed: 4}, reason: 未宣传, basis: 测试}
"""


@pytest.fixture
def ruleset(tmp_path: Path) -> assess.Ruleset:
    path = tmp_path / "pillars.yaml"
    path.write_text(RULESET, encoding="utf-8")
    return load_ruleset(path)


def test_pillars_take_their_items_points_and_a_capped_category_whole(ruleset: assess.Ruleset) -> None:
    a = assess.score({**UNIT, "organization": {"leadership_group": False}, "plans": {"overall": True},
                      "publicity": {"events": 0, "law_publicity": False}}, ruleset=ruleset)
    # 宣教培训 is 扣完为止 as a whole (12 item points for 10): it counts toward 保障, which
    # most of its item points carry, so 法制 shows nothing for a leaflet count.
    assert [(p.id, p.max, p.deducted, p.score) for p in a.pillars] == [
        ("预案", 4, 0, 4), ("体制", 6, 6, 0), ("保障", 10, 10, 0)]


def test_a_category_may_name_its_pillar(ruleset: assess.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "declared.yaml"
    path.write_text(RULESET.replace("max: 10, capped: true}", "max: 10, capped: true, pillar: 机制}"),
                    encoding="utf-8")
    a = assess.score(UNIT, ruleset=load_ruleset(path))
    assert [(p.id, p.max) for p in a.pillars] == [("预案", 4), ("体制", 6), ("机制", 10)]


@pytest.mark.parametrize("facts", [UNIT, {**UNIT, "organization": {"leadership_group": True, "staff": 0}}])
def test_pillar_subtotals_add_up_to_the_category_subtotals(facts: dict[str, object]) -> None:
    with load_ruleset(fixture_ruleset("minimal")) as rs:
        a = assess.score(facts, ruleset=rs)
    assert sum(p.max for p in a.pillars) == a.max
    assert sum(p.score for p in a.pillars) == sum(c.score for c in a.categories)
    assert sum(p.deducted for p in a.pillars) == sum(c.deducted for c in a.categories)


def test_report_shows_the_pillar_table(ruleset: assess.Ruleset) -> None:
    a = assess.score({**UNIT, "organization": {"leadership_group": False}}, ruleset=ruleset)
    text = assess.render_assessment(a, "text")
    assert "按一案三制汇总" in text
    lines = [line for line in text.split("按一案三制汇总】")[1].split("【")[0].splitlines() if line.strip()]
    assert lines[0].split() == ["方面", "满分", "已扣分", "得分"]  # 初评: what is decided so far
    assert [line.split() for line in lines[2:]] == [["预案", "4", "0", "4"], ["体制", "6", "6", "0"],
                                                    ["保障", "10", "0", "10"]]


def test_ranking_rows_carry_pillar_scores_in_the_tables_column_order(ruleset: assess.Ruleset) -> None:
    units = [{"unit": {"id": f"u{i}", "name": f"乡{i}", "type": "township"},
              "organization": {"leadership_group": bool(i)}} for i in range(2)]
    ranking = assess.rank([(assess.score(u, ruleset=ruleset, phase="final"), ruleset) for u in units])
    [table] = ranking.tables
    assert [c.id for c in table.pillars] == ["预案", "体制", "保障"]
    assert {r.unit.id: r.pillars[1] for r in table.rows} == {"u0": 0, "u1": 6}


def _table(data: bytes, fmt: str) -> list[list[str]]:
    """The header and rows of the one ranked table, as a reader of each format sees them."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
        start = next(i for i, r in enumerate(rows) if r[0] == "排名")
        return rows[start:start + 3]
    text = data.decode("utf-8")
    if fmt == "html":
        return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
                for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", text, re.S)]
    lines = [line for line in text.splitlines() if line.startswith("|") and not line.startswith("|--")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines]


@pytest.mark.parametrize("fmt", ["markdown", "csv", "xlsx", "html"])
def test_ranked_tables_show_the_pillar_subtotals_beside_the_categories(ruleset: assess.Ruleset, fmt: str) -> None:
    units = [{"unit": {"id": f"u{i}", "name": f"乡{i}", "type": "township"},
              "organization": {"leadership_group": bool(i)}, "plans": {"overall": True},
              "publicity": {"events": 3, "law_publicity": True}} for i in range(2)]
    ranking = assess.rank([(assess.score(u, ruleset=ruleset, phase="final"), ruleset) for u in units])
    data = assess.render_ranking(ranking, fmt)
    head, *rows = _table(data.encode("utf-8") if isinstance(data, str) else data, fmt)
    subtotals = ["预案小计", "体制小计", "保障小计"]
    at = head.index("预案小计")
    assert head[at - 1] == "宣教培训" and head[at:at + 3] == subtotals  # right after the categories
    # 乡1 lost nothing; 乡0 lost the 6 points of its leadership group, all of them 体制
    by_name = {r[head.index("单位")]: [float(v) for v in r[at:at + 3]] for r in rows[:2]}
    assert by_name == {"乡1": [4, 6, 10], "乡0": [4, 0, 10]}
