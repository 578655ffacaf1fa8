"""Rankings as terminal tables, Markdown and JSON, and the cells every table format shares.

CSV, XLSX, HTML and the Word 通报 have their own modules; :mod:`assess.reports.publish`
dispatches between them. Writing files is the caller's business (see
:func:`~assess.reports.output.write_atomically`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

from assess.facts import FLAG_LABELS, PERIOD_LABELS, UNIT_TYPE_LABELS
from assess.ranking import PENDING_GRADE, Ranking, Row, Table
from assess.reports.assessment import fmt
from assess.scoring.assessment import Assessment

TEXT_FORMATS = {"plain": "simple", "grid": "grid", "github": "github"}


PHASE_LABELS = {"provisional": "初评", "final": "终评"}


def _provisional(table: Table) -> bool:
    return table.phase == "provisional"


def score_headers(table: Table) -> list[str]:
    """The score columns: in 初评 the lowest and highest totals still possible and the points
    still pending, in 终评 the score."""
    return ["最低得分", "最高得分", "待定分值"] if _provisional(table) else ["得分"]


def score_values(table: Table, row: Row) -> list[float]:
    return [row.total, row.ceiling, row.pending] if _provisional(table) else [row.total]


def pillar_header(name: str) -> str:
    """A subtotal column's name: 预案小计 beside the category 预案管理 says it is a sum of items."""
    return f"{name}小计"


def pillar_headers(table: Table) -> list[str]:
    return [pillar_header(p.name) for p in table.pillars]


def headers(table: Table) -> list[str]:
    return ["排名", "单位", "类型", "自评分", *score_headers(table), *(c.name for c in table.categories),
            *pillar_headers(table), "加分", "等级", "主要扣分"]


def grade_cell(row: Row) -> str:
    if row.open:
        return f"{PENDING_GRADE}（{'/'.join(row.grades_possible)}）"
    if row.vetoed:
        return f"{row.grade}（一票否决）"
    if row.blocked:
        return f"{row.grade}（否优项）"
    return row.grade


def main_deductions_cell(row: Row) -> str:
    """The largest deductions with their whole item text: a cut item misleads the reader."""
    return "；".join(f"{d.item} -{fmt(d.points)}" for d in row.main_deductions)


def period_cell(row: Row) -> str:
    year = f"{row.unit.year}年度" if row.unit.year is not None else ""
    period = PERIOD_LABELS.get(row.unit.period, row.unit.period) if row.unit.period else ""
    return f"{year}{period}" or "—"


def cells(table: Table, row: Row) -> list[Any]:
    return [row.rank, row.unit.name, UNIT_TYPE_LABELS.get(row.unit.type, row.unit.type),
            row.self_score, *score_values(table, row), *row.categories, *row.pillars, row.bonus,
            grade_cell(row), main_deductions_cell(row)]


def text_cells(table: Table, row: Row) -> list[str]:
    return [v if isinstance(v, str) else str(v) if isinstance(v, int) else fmt(v) for v in cells(table, row)]


def distribution(table: Table) -> str:
    return "等级分布：" + "，".join(f"{g.grade} {g.count}" for g in table.grades)


def gaps(table: Table) -> str:
    if not table.self_score_gaps:
        return f"自评分与得分相差超过{fmt(table.self_score_threshold)}分的单位：无"
    listed = "；".join(f"{g.unit.name}（自评 {fmt(g.self_score)}，得分 {fmt(g.total)}，差 {fmt(g.diff)}）"
                      for g in table.self_score_gaps)
    return f"自评分与得分相差超过{fmt(table.self_score_threshold)}分的单位：{listed}"


def flags(table: Table) -> str:
    listed = "；".join(f"{r.unit.name}（{'、'.join(FLAG_LABELS.get(c, c) for c in r.flags)}）"
                      for r in table.rows if r.flags)
    return f"审核标记（不计分，请人工核实）：{listed or '无'}"


def unranked(table: Table) -> str:
    if not table.unranked:
        return "未参加排名的单位：无"
    return "未参加排名的单位：" + "；".join(f"{u.unit.name}（{u.reason}）" for u in table.unranked)


def notes(table: Table) -> list[str]:
    """The lines under a table: grade distribution, self-score gaps, units not ranked, and in
    初评 how the ranks are ordered while ranges are open."""
    out = [distribution(table), gaps(table), unranked(table), flags(table)]
    if _provisional(table):
        out.append("初评排名按最低可能得分排序，相同时按最高可能得分；可能等级不止一个的单位等级记为待定，"
                   "待补正材料和考核办数据录入后确定。")
    return out


def heading(table: Table) -> str:
    r = table.ruleset
    year = f"{table.year}年度" if table.year is not None else ""
    return (f"{table.title}（{year}{PHASE_LABELS[table.phase]}）：{r.title}（{r.id} 版本 {r.version}），"
            f"共 {len(table.rows)} 个单位")


def _aligns(table: Table) -> tuple[str, ...]:
    scores = ("right", "right", "right") if _provisional(table) else ("right",)
    return ("right", "left", "left", "right", *scores, *("right" for _ in table.categories),
            *("right" for _ in table.pillars), "right", "left", "left")


def render_text(ranking: Ranking, style: str) -> str:
    parts = []
    for table in ranking.tables:
        body = tabulate([text_cells(table, r) for r in table.rows], headers=headers(table),
                        tablefmt=TEXT_FORMATS[style], disable_numparse=True, colalign=_aligns(table))
        lines = "\n".join(notes(table))
        parts.append(f"【{heading(table)}】\n\n{body}\n\n{lines}\n")
    return "\n".join(parts)


def render_markdown(ranking: Ranking) -> str:
    parts = ["# 应急管理工作年度考核结果\n"]
    for table in ranking.tables:
        body = tabulate([[c.replace("|", "\\|") for c in text_cells(table, r)] for r in table.rows],
                        headers=headers(table), tablefmt="github", disable_numparse=True,
                        colalign=_aligns(table))
        lines = "\n\n".join(notes(table))
        parts.append(f"## {heading(table)}\n\n{body}\n\n{lines}\n")
    return "\n".join(parts)


def render_json(ranking: Ranking, assessments: Sequence[Assessment]) -> str:
    data = {"tables": ranking.model_dump(mode="json")["tables"],
            "assessments": [a.model_dump(mode="json") for a in assessments]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
