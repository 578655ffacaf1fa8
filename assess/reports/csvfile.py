"""A ranking as one rectangular CSV table (UTF-8 with a BOM, so that Excel and WPS read
the Chinese text): one header row, one row per unit, the table and rubric in columns
rather than title lines, so that pandas or an Excel filter reads it as it is."""

from __future__ import annotations

import csv
import io

from assess.facts import UNIT_TYPE_LABELS
from assess.ranking import Ranking
from assess.reports.output import neutralise
from assess.reports.ranking import (
    grade_cell,
    main_deductions_cell,
    period_cell,
    pillar_header,
    score_headers,
    score_values,
)


def category_names(ranking: Ranking) -> list[str]:
    """Every table's category names in first-seen order: rubrics name theirs differently,
    so a unit has no value under another rubric's categories."""
    return list(dict.fromkeys(c.name for t in ranking.tables for c in t.categories))


def pillar_names(ranking: Ranking) -> list[str]:
    return list(dict.fromkeys(p.name for t in ranking.tables for p in t.pillars))


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_csv(ranking: Ranking) -> bytes:
    names = category_names(ranking)
    pillars = pillar_names(ranking)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # one rectangular table: the score columns of the phase the ranking is in
    first = ranking.tables[0] if ranking.tables else None
    scores = score_headers(first) if first is not None else ["得分"]
    writer.writerow(["表", "细则", "排名", "单位编码", "单位", "类型", "考核期", "自评分", *scores, *names,
                     *(pillar_header(p) for p in pillars), "加分", "等级", "主要扣分"])
    for table in ranking.tables:
        rubric = f"{table.ruleset.title}（{table.ruleset.id} 版本 {table.ruleset.version}）"
        for row in table.rows:
            scores_by_name = dict(zip((c.name for c in table.categories), row.categories, strict=True))
            by_pillar = dict(zip((p.name for p in table.pillars), row.pillars, strict=True))
            writer.writerow([
                neutralise(table.title), neutralise(rubric), row.rank, neutralise(row.unit.id),
                neutralise(row.unit.name), UNIT_TYPE_LABELS.get(row.unit.type, row.unit.type), period_cell(row),
                number(row.self_score), *(number(v) for v in score_values(table, row)),
                *(number(scores_by_name.get(n)) for n in names), *(number(by_pillar.get(p)) for p in pillars),
                number(row.bonus), grade_cell(row), neutralise(main_deductions_cell(row))])
    return buffer.getvalue().encode("utf-8-sig")
