"""Readable reports of one assessment, in Chinese: plain text and Markdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tabulate import tabulate

from assess.facts import FLAG_LABELS, PERIOD_LABELS, UNIT_TYPE_LABELS, FieldInfo
from assess.reports.wording import evidence_words, field_label, value_words
from assess.scoring.assessment import Assessment, Deduction, JsonValue

if TYPE_CHECKING:  # imported for annotations only, so that scoring one unit stays quick to start
    from assess.ranking import Comparison
    from assess.tools.golden import Report as GoldenReport
    from assess.tools.rulediff import RulesetDiff

_SOURCE_LABELS = {"unit": "单位自评材料", "office": "考核办记录", "review": "考核组复核"}
CAP_LABELS = {"item": "扣完为止", "category": "本类扣完为止", "bonus_cap": "加分封顶"}


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def evidence_text(evidence: dict[str, JsonValue]) -> str:
    return evidence_words(evidence) or "—"


def unit_line(a: Assessment) -> str:
    parts = [a.unit.id, UNIT_TYPE_LABELS.get(a.unit.type, a.unit.type)]
    if a.unit.year is not None:
        parts.append(f"{a.unit.year}年度")
    if a.unit.period is not None:
        parts.append(PERIOD_LABELS.get(a.unit.period, a.unit.period))
    return f"{a.unit.name}（{'，'.join(parts)}）"


def deduction_points(d: Deduction) -> str:
    text = f"-{fmt(d.points)}"
    notes = []
    if d.capped is not None:
        notes.append(f"应扣{fmt(d.raw)}，{CAP_LABELS[d.capped]}")
    if d.missing:
        notes.append("未提交材料")
    if d.adjusted:
        notes.append("评审调整")
    if d.defaulted:
        notes.append("未调整，按默认值")
    return f"{text}（{'；'.join(notes)}）" if notes else text


def _lines(a: Assessment, heading: Callable[[str], str], table_format: str,
           bullet: str, indent: str, br: str) -> list[str]:
    """Report lines; ``br`` ends a line that must not run into the next (Markdown)."""
    nl = f"{br}\n{indent}"
    phase = "初评" if a.phase == "provisional" else "终评"
    out = [heading(f"应急管理工作年度考核评分报告（{phase}）"), ""]
    out.append(f"单位：{unit_line(a)}{br}")
    out.append(f"细则：{a.ruleset.title}（{a.ruleset.id} 版本 {a.ruleset.version}，"
               f"sha256 {a.ruleset.sha256[:12]}）{br}")
    out.append(f"引擎：{a.engine}{br}")
    if a.pending_points:
        decided = sum(c.deducted for c in a.categories)
        score = (f"最低得分：{fmt(a.floor)} / {fmt(a.max)}（已扣 {fmt(decided)} 分，待定 {fmt(a.pending_points)} 分，"
                 f"最终得分在 {fmt(a.floor)}–{fmt(a.ceiling)} 之间）")
    else:
        score = f"得分：{fmt(a.total)} / {fmt(a.max)}"
    if a.bonus:
        score += f"（含加分 {fmt(a.bonus)}）"
    if len(a.grades_possible) > 1:
        score += f"    等级：待定（可能为{'、'.join(a.grades_possible)}）"
    else:
        score += f"    等级：{a.grade}"
        if a.grade != a.grade_by_score:
            score += f"（按分数为{a.grade_by_score}）"
    out.append(score + br)
    if a.missing_records_policy == "skip":
        out.append(f"说明：考核办数据未录入的项目按约定不评{br}")
    if a.self_score is not None:
        out.append(f"自评分：{fmt(a.self_score)}（与得分相差 {fmt(a.self_score_diff)}）")
    out.append("")
    out.append(heading("分类得分"))
    out.append("")
    if a.pending_points:
        rows = [[c.name, fmt(c.max), fmt(c.deducted), fmt(c.pending), fmt(c.score)] for c in a.categories]
        rows.append(["加分", fmt(a.bonus_cap), "", "", fmt(a.bonus)])
        rows.append(["合计", fmt(a.max), fmt(sum(c.deducted for c in a.categories)),
                     fmt(sum(c.pending for c in a.categories)), fmt(a.ceiling)])
        out.append(tabulate(rows, headers=["类别", "满分", "已扣分", "待定", "最多可得"], tablefmt=table_format,
                            disable_numparse=True, colalign=("left", "right", "right", "right", "right")))
    else:
        rows = [[c.name, fmt(c.max), fmt(c.deducted), fmt(c.score)] for c in a.categories]
        rows.append(["加分", fmt(a.bonus_cap), "", fmt(a.bonus)])
        rows.append(["合计", fmt(a.max), fmt(sum(c.deducted for c in a.categories)), fmt(a.total)])
        out.append(tabulate(rows, headers=["类别", "满分", "扣分", "得分"], tablefmt=table_format,
                            disable_numparse=True, colalign=("left", "right", "right", "right")))
    if a.pillars:
        out.append("")
        out.append(heading("按一案三制汇总"))
        out.append("")
        rows = [[p.id, fmt(p.max), fmt(p.deducted), fmt(p.score)] for p in a.pillars]
        # in 初评 a pillar's score, like a category's, is its maximum less what is decided so far
        headers = ["方面", "满分", "已扣分" if a.pending_points else "扣分", "得分"]
        out.append(tabulate(rows, headers=headers, tablefmt=table_format,
                            disable_numparse=True, colalign=("left", "right", "right", "right")))
    sections: list[tuple[str, list[str]]] = []
    if a.flags:
        sections.append(("审核标记（不计分，请人工核实）", [
            f"{bullet}{FLAG_LABELS.get(f.code, f.code)}：{f.message}" + (f"{nl}原文：“{f.quote}”" if f.quote else "")
            for f in a.flags]))
    if a.vetoes:
        sections.append(("一票否决", [f"{bullet}[{v.rule}] {v.item}：{v.reason}"
                                  f"{nl}核查情况：{evidence_text(v.evidence)}" for v in a.vetoes]))
    if a.blocks_excellent:
        sections.append(("否优项（不得评为最高等次）",
                         [f"{bullet}[{v.rule}] {v.item}：{v.reason}{nl}核查情况：{evidence_text(v.evidence)}"
                          for v in a.blocks_excellent]))
    names = {c.id: c.name for c in a.categories}
    sections.append(("扣分明细", [
        f"{bullet}[{d.rule}] {names.get(d.category, d.category)}·{d.pillar}·{d.item}  {deduction_points(d)}{nl}"
        f"{d.reason}" + (f"（评审说明：{d.note}）" if d.note else "")
        + f"{nl}核查情况：{evidence_text(d.evidence)}"
        for d in a.deductions] or [f"{bullet}无"]))
    for owner, title in (("unit", "待补正（请单位补充佐证材料）"), ("office", "待录入（考核办日常考核数据）"),
                         ("review", "待核查（考核组）")):
        waiting = [p for p in a.pending if p.source == owner]
        if waiting:
            sections.append((title, [
                f"{bullet}[{p.rule}] {p.item}  " + (f"涉及 {fmt(p.points)} 分" if p.kind in ("deduct", "bonus")
                                                    else "涉及等级") + f"{nl}{p.needs}"
                + (f"（核查方式：{p.method}）" if p.method else "") for p in waiting]))
    if a.conflicts:
        sections.append(("各来源不一致的事实", [
            f"{bullet}{c.label}：" + "，".join(f"{_SOURCE_LABELS[k]} {value_words(v)}" for k, v in c.values.items())
            + f"；以{_SOURCE_LABELS[c.winner]}为准" for c in a.conflicts]))
    if a.bonuses:
        sections.append(("加分", [
            f"{bullet}[{b.rule}] {b.item}  +{fmt(b.points)}"
            + (f"（应加{fmt(b.raw)}，{CAP_LABELS[b.capped]}）" if b.capped else "")
            + f"{nl}{b.reason}{nl}核查情况：{evidence_text(b.evidence)}"
            for b in a.bonuses]))
    if a.missing:
        sections.append(("未提交而扣分的材料", [f"{bullet}{field_label(p)}" for p in a.missing]))
    if a.skipped:
        sections.append(("缺少材料未评的项目", [
            f"{bullet}[{s.rule}] {s.item}：{s.reason}" for s in a.skipped]))
    for title, items in sections:
        out.extend(["", heading(title), ""])
        out.extend(items)
    out.extend(["", heading(f"得分点（符合要求的项目 {len(a.passed)} 项）"), ""])
    out.extend(f"{bullet}[{p.rule}] {p.reason}" + (f"{nl}核查情况：{evidence_text(p.evidence)}" if p.evidence else "")
               for p in a.passed)
    return out


def text_report(a: Assessment) -> str:
    return "\n".join(_lines(a, lambda t: f"【{t}】", "simple", "", "    ", "")) + "\n"


def markdown_report(a: Assessment) -> str:
    lines = _lines(a, lambda t: f"## {t}", "github", "- ", "  ", "  ")
    lines[0] = "# 应急管理工作年度考核评分报告"
    return "\n".join(lines) + "\n"


def facts_reference() -> str:
    """The facts fields as a Markdown table (``assess schema --format markdown``)."""
    from assess.facts import FIELDS

    def kind(info: FieldInfo) -> str:
        if info.kind == "enum":
            return " \\| ".join(f"`{v}`" for v in info.enum)
        return info.kind

    lines = ["| path | type | 中文 | better |", "|---|---|---|---|"]
    for path, info in FIELDS.items():
        lines.append(f"| `{path}` | {kind(info)} | {info.label} | {info.better or ''} |")
        for name, sub in info.item_fields.items():
            lines.append(f"| `{path}[].{name}` | {kind(sub)} | {sub.label} | |")
    return "\n".join(lines) + "\n"


def comparison_report(c: Comparison) -> str:
    """Why A ranks above or below B, in Chinese."""
    a, b = c.a.name, c.b.name
    if c.diff > 0:
        verdict = f"{a}比{b}高 {fmt(c.diff)} 分，排名在前"
    elif c.diff < 0:
        verdict = f"{a}比{b}低 {fmt(-c.diff)} 分，排名在后"
    else:
        verdict = f"{a}与{b}得分相同"
    lines = [f"【{a} 与 {b} 比较】", "",
             f"细则：{c.ruleset.title}（{c.ruleset.id} 版本 {c.ruleset.version}）",
             f"得分：{a} {fmt(c.total_a)}（{c.grade_a}），{b} {fmt(c.total_b)}（{c.grade_b}）；{verdict}", ""]
    rows = [[cat.name, fmt(cat.max), fmt(cat.a), fmt(cat.b), _signed(cat.diff)] for cat in c.categories]
    rows.append(["加分", "", "", "", _signed(c.bonus_diff)])
    lines.append(tabulate(rows, headers=["类别", "满分", a, b, "差"], disable_numparse=True,
                          colalign=("left", "right", "right", "right", "right")))
    lines.extend(["", "【决定差距的规则】", ""])
    if c.rules:
        lines.append(tabulate([[r.rule, r.item, _signed(r.a), _signed(r.b), _signed(r.effect)] for r in c.rules],
                              headers=["规则", "考核项目", a, b, "影响"], disable_numparse=True,
                              colalign=("left", "left", "right", "right", "right")))
    else:
        lines.append("无：两个单位在每条规则上得失相同")
    for label, rules_a, rules_b in (("一票否决", c.vetoes_a, c.vetoes_b), ("否优项", c.blocks_a, c.blocks_b)):
        if rules_a or rules_b:
            lines.append(f"{label}：{a} {'、'.join(rules_a) or '无'}；{b} {'、'.join(rules_b) or '无'}")
    return "\n".join(lines) + "\n"


def _signed(value: float) -> str:
    return f"+{fmt(value)}" if value > 0 else fmt(value)


def golden_report(result: GoldenReport, coverage: bool = False) -> str:
    """Golden-case results: a diff for each failing case, and the coverage table if asked."""
    lines = [f"{result.ruleset}: {len(result.results)} cases from {result.source}"]
    for case in result.failures:
        lines.append(f"  FAIL {case.id}")
        lines.extend(f"    {d}" for d in case.differences)
    lines.append(f"  {len(result.results) - len(result.failures)} passed, {len(result.failures)} failed; "
                 f"coverage {result.percent:.1f}% (required {result.threshold:g}%)")
    if coverage:
        rows = [[c.rule, c.kind, ", ".join(c.needed), ", ".join(c.missing) or "✓"] for c in result.coverage]
        lines.append(tabulate(rows, headers=["rule", "kind", "needs a case that", "not yet shown"],
                              disable_numparse=True))
    return "\n".join(lines) + "\n"


def diff_report(d: RulesetDiff, markdown: bool = False) -> str:
    """A ruleset diff in Chinese, as text or Markdown."""
    style = "github" if markdown else "simple"
    head = "## " if markdown else "【"
    tail = "" if markdown else "】"
    lines = [f"{'# ' if markdown else ''}细则变化：{d.old.id} {d.old.version}（{d.old.sha256[:12]}）→ "
             f"{d.new.id} {d.new.version}（{d.new.sha256[:12]}）", ""]
    lines.append(f"{head}规则变化{tail}")
    lines.append("")
    labels = {"added": "新增", "removed": "删除", "changed": "修改", "unchanged": "未改"}
    if d.rules:
        lines.append(tabulate([[c.rule, labels[c.change], "、".join(c.fields), c.item] for c in d.rules],
                              headers=["规则", "变化", "改动字段", "考核项目"], tablefmt=style, disable_numparse=True))
    else:
        lines.append("无")
    if d.settings:
        lines.extend(["", f"其他改动：{'、'.join(d.settings)}"])
    skipped = f"；不适用本细则 {d.not_applicable} 个" if d.not_applicable else ""
    counts = f"{len(d.units)} 个；未变 {d.unchanged} 个{skipped}"
    lines.extend(["", f"{head}得分、等级或排名变化的单位（{counts}）{tail}", ""])
    for u in d.units:
        lines.append(f"{'- ' if markdown else ''}{u.unit.name}：{fmt(u.old_total)} → {fmt(u.new_total)}，"
                     f"{u.old_grade} → {u.new_grade}，排名 {u.old_rank} → {u.new_rank}")
        for e in u.rules:
            note = f"（{e.note}）" if e.note else ""
            lines.append(f"{'  - ' if markdown else '    '}[{e.rule}]（{labels[e.change]}）"
                         f"{_signed(e.old)} → {_signed(e.new)}{note}")
        for other in u.other:
            lines.append(f"{'  - ' if markdown else '    '}{other}")
    return "\n".join(lines) + "\n"

