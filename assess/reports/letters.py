"""Letters to each unit, as Word documents.

* 反馈意见 (the final phase): the score and grade, each deduction with its item, points,
  reason and what was checked (核查情况), what was done well, and what to fix by when.
* 补正通知 (the provisional phase): per item, the evidence the unit is to supply, the
  points at stake and the deadline; built from the assessment's ``pending`` records whose
  source is the unit (see :class:`PendingItem`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH

from assess.points import fmt
from assess.reports import charts, docxkit
from assess.reports.header import NoticeHeader
from assess.reports.wording import evidence_words
from assess.scoring.assessment import Assessment, UnitRef


class PendingItem(Protocol):
    """What a 补正通知 reads of one undecided rule (the phases contract's ``pending`` record)."""

    @property
    def item(self) -> str: ...
    @property
    def points(self) -> float: ...
    @property
    def needs(self) -> str: ...
    @property
    def method(self) -> str | None: ...
    @property
    def source(self) -> str: ...


def file_name(unit: UnitRef, kind: str) -> str:
    """A file name a shared folder accepts on any system: id, name and kind of letter."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", f"{unit.id}-{unit.name}-{kind}").strip(" .")
    return f"{safe[:120]}.docx"


def _salutation(document: DocumentObject, unit: UnitRef) -> None:
    docxkit.paragraph(document, f"{unit.name}：", indent=False)


def _year(unit: UnitRef, header: NoticeHeader) -> str:
    year = unit.year if unit.year is not None else header.year
    return f"{year}年度" if year is not None else ""


def _averages(assessments: Iterable[Assessment]) -> dict[str, list[float]]:
    """Per ruleset (by its hash), the average score of each category."""
    sums: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for a in assessments:
        key = a.ruleset.sha256
        current = sums.setdefault(key, [0.0] * len(a.categories))
        for i, c in enumerate(a.categories):
            current[i] += c.score
        counts[key] = counts.get(key, 0) + 1
    return {k: [round(v / counts[k], 2) for v in values] for k, values in sums.items()}


def write_feedback(document: DocumentObject, a: Assessment, header: NoticeHeader,
                   average: Sequence[float] | None) -> None:
    """Append one unit's 反馈意见 (final phase)."""
    unit = a.unit
    docxkit.title(document, f"{_year(unit, header)}应急管理工作考核反馈意见")
    docxkit.paragraph(document, f"（{unit.name}）", align=WD_ALIGN_PARAGRAPH.CENTER)
    docxkit.paragraph(document)
    _salutation(document, unit)
    summary = f"经考核，你单位{_year(unit, header)}应急管理工作得分{fmt(a.total)}分（满分{fmt(a.max)}分"
    summary += f"，含加分{fmt(a.bonus)}分）" if a.bonus else "）"
    summary += f"，等级为{a.grade}"
    if a.grade != a.grade_by_score:
        reason = "一票否决" if a.vetoes else "存在否优项"
        summary += f"（按分数为{a.grade_by_score}，因{reason}）"
    docxkit.paragraph(document, summary + "。现将考核情况反馈如下。")
    docxkit.heading(document, "一、各类别得分")
    rows = [[c.name, fmt(c.max), fmt(c.deducted), fmt(c.score)] for c in a.categories]
    docxkit.table(document, ["类别", "满分", "扣分", "得分"], rows, [False, True, True, True],
                  docxkit.widths(docxkit.PORTRAIT_WIDTH, [None, 2.5, 2.5, 2.5]), size=10)
    if average is not None:
        bars = charts.Bars(f"{unit.name}：各类别得分与同类单位平均", [c.name for c in a.categories],
                           [c.score for c in a.categories], "本单位", average, "同类单位平均")
        docxkit.picture(document, charts.png(bars), 15)
    docxkit.heading(document, "二、扣分情况")
    if a.deductions or a.vetoes or a.blocks_excellent:
        names = {c.id: c.name for c in a.categories}
        table_rows = [[names.get(d.category, d.category), d.item, fmt(d.points),
                       d.reason + (f"（评审说明：{d.note}）" if d.note else ""), evidence_words(d.evidence) or "—"]
                      for d in a.deductions]
        table_rows += [["一票否决", v.item, "—", v.reason, evidence_words(v.evidence) or "—"] for v in a.vetoes]
        table_rows += [["否优项", v.item, "—", v.reason, evidence_words(v.evidence) or "—"]
                       for v in a.blocks_excellent]
        docxkit.table(document, ["类别", "考核项目", "扣分", "扣分原因", "核查情况"], table_rows,
                      [False, False, True, False, False],
                      docxkit.widths(docxkit.PORTRAIT_WIDTH, [2.0, None, 1.1, 3.6, 3.4]), size=9)
    else:
        docxkit.paragraph(document, "无扣分项目。")
    docxkit.heading(document, "三、做得好的方面")
    good = [b.reason for b in a.bonuses] + [p.reason for p in a.passed]
    if good:
        for text in good:
            docxkit.paragraph(document, f"{text}。", size=12)
    else:
        docxkit.paragraph(document, "无。")
    docxkit.heading(document, "四、整改要求")
    by = f"于{header.deadline}前" if header.deadline else "在规定时限内"
    docxkit.paragraph(document, f"请你单位针对上述扣分问题逐项整改，{by}将整改情况书面报送考核办公室。"
                      "需整改的事项：")
    for n, item in enumerate(dict.fromkeys(d.item for d in a.deductions), start=1):
        docxkit.paragraph(document, f"{n}. {item}", size=12)
    _signature(document, header)


def write_supplement(document: DocumentObject, unit: UnitRef, pending: Sequence[PendingItem],
                     header: NoticeHeader) -> None:
    """Append one unit's 补正通知 (provisional phase): what the unit itself must supply."""
    own = [p for p in pending if p.source == "unit"]
    docxkit.title(document, f"{_year(unit, header)}应急管理工作考核补正通知")
    docxkit.paragraph(document, f"（{unit.name}）", align=WD_ALIGN_PARAGRAPH.CENTER)
    docxkit.paragraph(document)
    _salutation(document, unit)
    grouped: dict[str, list[PendingItem]] = {}
    for p in own:
        grouped.setdefault(p.item, []).append(p)
    by = f"于{header.deadline}前" if header.deadline else "在规定时限内"
    stake = sum(p.points for p in own)
    docxkit.paragraph(document, f"经初评，你单位有{len(grouped)}项考核内容缺少佐证材料，涉及分值{fmt(stake)}分。"
                      f"请{by}补充报送下列材料；逾期未报送的，终评时该项不得分。")
    rows = [[item, "；".join(dict.fromkeys(p.needs for p in group)), fmt(sum(p.points for p in group)),
             "、".join(dict.fromkeys(p.method for p in group if p.method)) or "—"]
            for item, group in grouped.items()]
    if rows:
        docxkit.table(document, ["考核项目", "需补充的材料", "涉及分值", "核查方式"], rows,
                      [False, False, True, False], docxkit.widths(docxkit.PORTRAIT_WIDTH, [None, 5.0, 1.8, 2.2]),
                      size=10)
    else:
        docxkit.paragraph(document, "无需补正的材料。")
    _signature(document, header)


def _signature(document: DocumentObject, header: NoticeHeader) -> None:
    docxkit.paragraph(document)
    docxkit.paragraph(document, header.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    docxkit.paragraph(document, header.issued(), align=WD_ALIGN_PARAGRAPH.RIGHT)


def feedback_letters(assessments: Sequence[Assessment], header: NoticeHeader,
                     combined: bool = False) -> list[tuple[str, bytes]]:
    """(file name, .docx bytes) per unit, and the combined file last when asked for: a
    补正通知 for a unit scored in 初评, a 反馈意见 for one scored in 终评."""
    averages = _averages(assessments)
    out: list[tuple[str, bytes]] = []
    together = docxkit.new_document() if combined else None
    kinds: set[str] = set()

    def write(document: DocumentObject, a: Assessment) -> str:
        if a.phase == "provisional":
            write_supplement(document, a.unit, a.pending, header)
            return "补正通知"
        write_feedback(document, a, header, averages.get(a.ruleset.sha256))
        return "反馈意见"

    for index, a in enumerate(assessments):
        document = docxkit.new_document()
        kind = write(document, a)
        kinds.add(kind)
        out.append((file_name(a.unit, kind), docxkit.to_bytes(document)))
        if together is not None:
            if index:
                docxkit.page_break(together)
            write(together, a)
    if together is not None:
        out.append((f"{'、'.join(sorted(kinds)) or '反馈意见'}汇总.docx", docxkit.to_bytes(together)))
    return out

