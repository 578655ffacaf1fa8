"""A rubric as a readable document, for circulating with the results (assess explain).

Conditions are put into words with the facts' Chinese labels: ``organization.staff < 2``
reads 专职人员 < 2, ``count(drills, kind == "flood")`` reads 演练（演练类型为防汛抗旱）数.
"""

from __future__ import annotations

import re

from tabulate import tabulate

from assess.facts import FIELDS, UNIT_TYPE_LABELS, VALUE_LABELS
from assess.i18n import _
from assess.points import fmt
from assess.rubric import expr
from assess.rubric.spec import RuleSpec
from assess.ruleset import Ruleset

# What a reason template's slots stand for, shown instead of the slot names.
_SLOTS = {"points": "分数", "count": "数量", "value": "数值", "shortfall": "差额"}
_SLOT = re.compile(r"\{([^{}:]+)(?::[^{}]*)?\}")


def template_words(text: str) -> str:
    """A reason template as a reader sees it: each slot named by its label, in brackets."""
    def label(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _SLOTS:
            return f"［{_SLOTS[name]}］"
        try:  # a fact path or an expression over the facts: the load checked it already
            return f"［{words(expr.parse(name, ('int', 'number', 'bool', 'str')))}］"
        except expr.ExprError:
            return f"［{name}］"
    return _SLOT.sub(label, text)


_OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "为", "!=": "不为"}


def words(node: expr.Node) -> str:
    """An expression in words, with fact labels instead of paths."""
    if isinstance(node, expr.Const):
        if isinstance(node.value, bool):
            return "是" if node.value else "否"
        if isinstance(node.value, str):
            return VALUE_LABELS.get(node.value, node.value)
        return fmt(node.value) if isinstance(node.value, float) else str(node.value)
    if isinstance(node, (expr.Ref, expr.ItemRef, expr.ListRef)):
        return node.info.label
    if isinstance(node, expr.ListField):
        return f"{FIELDS[node.list_path].label}{node.info.label}"
    if isinstance(node, expr.Presence):
        return f"{'未提交' if node.negated else '已提交'}{FIELDS[node.path].label}"
    if isinstance(node, expr.Not):
        inner = node.item
        if isinstance(inner, expr.Ref) and inner.type == "bool":
            return f"无{inner.info.label}"
        return f"并非（{words(inner)}）"
    if isinstance(node, expr.BoolOp):
        joiner = "且" if node.op == "and" else "或"
        return joiner.join(f"（{words(i)}）" if isinstance(i, expr.BoolOp) else words(i) for i in node.items)
    if isinstance(node, expr.Compare):
        return f"{words(node.left)} {_OPS[node.op]} {words(node.right)}"
    if isinstance(node, expr.Arith):
        op = {"+": "+", "-": "−", "*": "×"}[node.op]
        return f"{words(node.left)} {op} {words(node.right)}"
    if isinstance(node, expr.Neg):
        return f"−{words(node.item)}"
    if isinstance(node, expr.Call):
        return _call_words(node)
    return node.text


def _call_words(node: expr.Call) -> str:
    args = node.args
    condition = f"（{words(args[1])}）" if len(args) == 2 else ""
    if node.func == "count":
        return f"{words(args[0])}{condition}数"
    if node.func == "sum":
        return f"{words(args[0])}{condition}合计"
    if node.func == "distinct":
        return f"{words(args[0])}{condition}种类数"
    if node.func == "any":
        return f"有{words(args[0])}{condition}"
    if node.func == "all":
        return f"{words(args[0])}均{condition}"
    if node.func == "ratio":
        return f"{words(args[0])}占{words(args[1])}的比例"
    if node.func == "pct":
        return f"{words(args[0])}占{words(args[1])}的百分比"
    listed = "、".join(words(a) for a in args)
    return f"{listed}中{'较小' if node.func == 'min' else '较大'}者"


def _phrase(text: str) -> str:
    return words(expr.parse(text, ("bool", "int", "number", "str")))


def method(rule: RuleSpec) -> str:
    """How the rule deducts or awards, in words."""
    when = f"当{_phrase(rule.when)}时，" if rule.when else ""
    if rule.kind == "veto":
        return f"{when}一票否决（等级为不合格）"
    if rule.kind == "no_excellent":
        return f"{when}不得评为最高等次（否优项）"
    use = rule.use
    assert use is not None
    return use.form.words(use.value, use.kind, rule.points or 0.0, when, _phrase)


def explain_ruleset(ruleset: Ruleset, rule: str | None = None, markdown: bool = False) -> str:
    spec = ruleset.spec
    style = "github" if markdown else "simple"
    missing_policy = {"deduct": "按未完成扣除该项分值", "skip": "该项不评"}
    if rule is not None:
        found = next((r for r in spec.rules if r.id == rule), None)
        if found is None:
            from assess.errors import RulesetError
            from assess.paths import did_you_mean
            raise RulesetError(_("ruleset {ruleset} has no rule {rule!r}").format(ruleset=spec.id, rule=rule)
                               + did_you_mean(rule, [r.id for r in spec.rules]))
        policy = found.if_missing or (spec.if_missing if found.kind == "deduct" else "skip")
        category_name = next((c.name for c in spec.categories if c.id == found.category), "—")
        fields = [("编号", found.id), ("类别", category_name), ("一案三制", found.pillar),
                  ("考核项目", found.item), ("分值", fmt(found.points) if found.points else "—"),
                  ("扣分方法", method(found)), ("扣分说明", template_words(found.reason)),
                  ("达标说明", template_words(found.passed) if found.passed else "—"),
                  ("未提交材料时", missing_policy[policy]),
                  ("依据", found.basis)]
        return tabulate(fields, tablefmt=style, disable_numparse=True) + "\n"
    grades = "；".join(f"{g.name} ≥{fmt(g.min)}" for g in spec.grades)
    lines = [f"{'# ' if markdown else ''}{spec.title}", "",
             f"编号 {spec.id}，版本 {spec.version}，sha256 {ruleset.sha256[:12]}；适用于"
             f"{'、'.join(UNIT_TYPE_LABELS[t] for t in spec.applies_to)}。",
             f"满分 {fmt(spec.total)} 分，加分最多 {fmt(spec.bonus_cap)} 分。等级：{grades}（以上包括本数）；"
             f"一票否决的为{spec.fail_grade}。未提交佐证材料的，默认{missing_policy[spec.if_missing]}。", ""]
    if spec.description:
        lines.extend([spec.description, ""])
    numerals = "一二三四五六七八九十"
    for index, category in enumerate(spec.categories):
        title = f"{numerals[index] if index < 10 else index + 1}、{category.name}（{fmt(category.max)}分）"
        lines.extend([f"## {title}" if markdown else f"【{title}】", ""])
        rows = [[r.id, r.pillar, r.item, fmt(r.points or 0), method(r), r.basis]
                for r in spec.rules if r.category == category.id]
        lines.extend([tabulate(rows, headers=["编号", "一案三制", "考核项目", "分值", "扣分方法", "依据"],
                               tablefmt=style, disable_numparse=True), ""])
    for kind, title in (("bonus", "加分项"), ("veto", "一票否决"), ("no_excellent", "否优项")):
        rows = [[r.id, r.pillar, r.item, method(r), r.basis] for r in spec.rules if r.kind == kind]
        if rows:
            lines.extend([f"## {title}" if markdown else f"【{title}】", ""])
            lines.extend([tabulate(rows, headers=["编号", "一案三制", "项目", "办法", "依据"], tablefmt=style,
                                   disable_numparse=True), ""])
    return "\n".join(lines)
