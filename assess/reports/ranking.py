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

from assess.facts import PERIOD_LABELS, UNIT_TYPE_LABELS
from assess.ranking import Ranking, Row, Table
from assess.reports.assessment import fmt
from assess.scoring.assessment import Assessment

TEXT_FORMATS = {"plain": "simple", "grid": "grid", "github": "github"}


def headers(table: Table) -> list[str]:
    return ["排名", "单位", "类型", "自评分", "得分", *(c.name for c in table.categories), "加分", "等级", "主要扣分"]


def grade_cell(row: Row) -> str:
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
            row.self_score, row.total, *row.categories, row.bonus, grade_cell(row), main_deductions_cell(row)]


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


def heading(table: Table) -> str:
    r = table.ruleset
    return f"{table.title}：{r.title}（{r.id} 版本 {r.version}），共 {len(table.rows)} 个单位"


def _aligns(table: Table) -> tuple[str, ...]:
    return ("right", "left", "left", "right", "right", *("right" for _ in table.categories),
            "right", "left", "left")


def render_text(ranking: Ranking, style: str) -> str:
    parts = []
    for table in ranking.tables:
        body = tabulate([text_cells(table, r) for r in table.rows], headers=headers(table),
                        tablefmt=TEXT_FORMATS[style], disable_numparse=True, colalign=_aligns(table))
        parts.append(f"【{heading(table)}】\n\n{body}\n\n{distribution(table)}\n{gaps(table)}\n")
    return "\n".join(parts)


def render_markdown(ranking: Ranking) -> str:
    parts = ["# 应急管理工作年度考核结果\n"]
    for table in ranking.tables:
        body = tabulate([[c.replace("|", "\\|") for c in text_cells(table, r)] for r in table.rows],
                        headers=headers(table), tablefmt="github", disable_numparse=True,
                        colalign=_aligns(table))
        parts.append(f"## {heading(table)}\n\n{body}\n\n{distribution(table)}\n\n{gaps(table)}\n")
    return "\n".join(parts)


def render_json(ranking: Ranking, assessments: Sequence[Assessment]) -> str:
    data = {"tables": ranking.model_dump(mode="json")["tables"],
            "assessments": [a.model_dump(mode="json") for a in assessments]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
