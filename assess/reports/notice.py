"""The 通报: a ranking as the Word document an office circulates.

Red header with the issuing body and 文号, a title naming the year and the phase (初评 or
终评), an opening paragraph with the counts and the grade distribution, one ranked table
per rubric (on landscape pages when wide), charts, the problems found most often across
units, the units not ranked and why, and the issuing body and date at the end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import msgspec
from docx.enum.text import WD_ALIGN_PARAGRAPH

from assess.facts import UNIT_TYPE_LABELS
from assess.points import fmt
from assess.ranking import Ranking, Table
from assess.reports import charts, docxkit
from assess.reports.header import NoticeHeader, Phase, Unranked
from assess.reports.ranking import grade_cell, main_deductions_cell, period_cell, score_headers, score_values
from assess.scoring.assessment import Assessment

PHASE_LABELS: dict[str, str] = {"provisional": "初评", "final": "终评"}
NUMERALS = "一二三四五六七八九十"
WIDE_COLUMNS = 10
"""A table with more columns than this goes on landscape pages."""


class Problem(msgspec.Struct, frozen=True):
    item: str
    units: int
    points: float


def main_problems(assessments: Sequence[Assessment], count: int = 10) -> list[Problem]:
    """The deductions found in the most units, with the points they cost in all."""
    units: Counter[str] = Counter()
    points: dict[str, float] = {}
    for a in assessments:
        for d in a.deductions:
            units[d.item] += 1
            points[d.item] = points.get(d.item, 0.0) + d.points
    ordered = sorted(units, key=lambda item: (-units[item], -points[item], item))
    return [Problem(item, units[item], round(points[item], 2)) for item in ordered[:count]]


def notice_title(header: NoticeHeader, phase: Phase) -> str:
    """The title in two lines broken between words, as 公文 titles are, not where the page ends."""
    year = f"{header.year}年度" if header.year is not None else ""
    return f"关于{year}应急管理工作\n考核结果（{PHASE_LABELS[phase]}）的通报"


def _opening(ranking: Ranking, phase: Phase, header: NoticeHeader, unranked: Sequence[Unranked]) -> str:
    total = sum(len(t.rows) for t in ranking.tables)
    grades: Counter[str] = Counter()
    order: list[str] = []
    for t in ranking.tables:
        for g in t.grades:
            grades[g.grade] += g.count
            if g.grade not in order:
                order.append(g.grade)
    listed = "、".join(f"{g}{grades[g]}个" for g in order if grades[g])
    year = f"{header.year}年度" if header.year is not None else "年度"
    tables = "、".join(t.title for t in ranking.tables)
    left_out = f"；另有{len(unranked)}个单位未能评分，未列入排名" if unranked else ""
    return (f"按照{year}应急管理工作考核安排，考核组对{tables}共{total}个单位的应急管理工作进行了"
            f"{PHASE_LABELS[phase]}。其中{listed}{left_out}。现将{PHASE_LABELS[phase]}结果通报如下。")


def _ranked_rows(table: Table, width: float) -> tuple[list[str], list[list[str]], list[bool], list[float]]:
    scores = score_headers(table)
    head = ["排名", "单位", "类型", "考核期", *scores, *(c.name for c in table.categories), "加分", "等级", "主要扣分"]
    rows = [[str(r.rank), r.unit.name, UNIT_TYPE_LABELS.get(r.unit.type, r.unit.type), period_cell(r),
             *(fmt(v) for v in score_values(table, r)), *(fmt(v) for v in r.categories), fmt(r.bonus),
             grade_cell(r), main_deductions_cell(r)]
            for r in table.rows]
    numeric = [True, False, False, False, *(True for _ in scores), *(True for _ in table.categories), True, False,
               False]
    sizes = docxkit.widths(width, [1.0, 2.8, 1.5, 1.3, *(1.2 for _ in scores), *(1.3 for _ in table.categories),
                                   1.1, 1.8, None])
    return head, rows, numeric, sizes


class _Sections(msgspec.Struct):
    number: int = 0

    def next(self, text: str) -> str:
        self.number += 1
        return f"{NUMERALS[self.number - 1]}、{text}"


def render_notice(ranking: Ranking, assessments: Sequence[Assessment], header: NoticeHeader,
                  phase: Phase = "final", unranked: Sequence[Unranked] = ()) -> bytes:
    document = docxkit.new_document()
    # As large as the 发文机关标志 usually is, but on one line however long the name.
    docxkit.paragraph(document, header.issuer, font=docxkit.TITLE_FONT, size=min(26, 420 / max(len(header.issuer), 1)),
                      bold=True,
                      align=WD_ALIGN_PARAGRAPH.CENTER, colour=docxkit.RED)
    if header.number:
        docxkit.paragraph(document, header.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    docxkit.paragraph(document, "━" * 24, align=WD_ALIGN_PARAGRAPH.CENTER, colour=docxkit.RED, size=12)
    docxkit.paragraph(document)
    docxkit.title(document, notice_title(header, phase))
    docxkit.paragraph(document)
    docxkit.paragraph(document, f"{header.recipients}：", indent=False)
    docxkit.paragraph(document, _opening(ranking, phase, header, unranked))
    sections = _Sections()
    # Wide tables go on landscape pages, all of them in one landscape section with their heading.
    wide = any(len(t.categories) + 8 > WIDE_COLUMNS for t in ranking.tables)
    if wide:
        docxkit.landscape_section(document)
    width = docxkit.LANDSCAPE_WIDTH if wide else docxkit.PORTRAIT_WIDTH
    docxkit.heading(document, sections.next("考核排名"))
    for index, table in enumerate(ranking.tables):
        head, rows, numeric, sizes = _ranked_rows(table, width)
        r = table.ruleset
        caption = f"（{NUMERALS[index]}）{table.title}（{r.title}，共{len(table.rows)}个单位）"
        title = docxkit.paragraph(document, caption, font=docxkit.HEADING_FONT, size=14, indent=False)
        # Each table from a new page; a break of its own would leave a blank page after a full one.
        title.paragraph_format.page_break_before = index > 0
        docxkit.paragraph(document, "等级分布：" + "，".join(f"{g.grade}{g.count}个" for g in table.grades),
                          size=12)
        # The charts above the table: the table may run on (its header repeats), the charts cannot.
        docxkit.picture(document, charts.png(charts.grade_bars(table), charts.category_loss_bars(table),
                                             width=11.0, height=2.3), width - 3)
        docxkit.table(document, head, rows, numeric, sizes, size=8 if wide else 9)
    if wide:
        docxkit.portrait_section(document)
    problems = main_problems(assessments)
    if problems:
        docxkit.heading(document, sections.next("存在的主要问题"))
        docxkit.paragraph(document, "考核中发现的问题按涉及单位数排列如下：")
        for n, p in enumerate(problems, start=1):
            docxkit.paragraph(document, f"{n}. {p.item}（{p.units}个单位，共扣{fmt(p.points)}分）", size=12)
    scored_apart = [(u.unit.name, u.reason) for t in ranking.tables for u in t.unranked]
    if unranked or scored_apart:
        docxkit.heading(document, sections.next("未列入排名的单位"))
        for u in unranked:
            docxkit.paragraph(document, f"{Path(u.source).name}：{u.reason}", size=12)
        for name, reason in scored_apart:  # scored, but of another period or year than its table
            docxkit.paragraph(document, f"{name}：{reason}", size=12)
    docxkit.heading(document, sections.next("有关要求"))
    docxkit.paragraph(document, "各单位要对照考核发现的问题，逐项制定整改措施，明确责任人和完成时限"
                      + (f"，于{header.deadline}前将整改情况报送考核办公室" if header.deadline else "")
                      + "。")
    docxkit.paragraph(document)
    docxkit.paragraph(document, header.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    docxkit.paragraph(document, header.issued(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return docxkit.to_bytes(document)
