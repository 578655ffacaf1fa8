"""What an assessor reads instead of code: the facts behind a finding (核查情况) in the
facts' Chinese labels, never a field path or an expression (those stay in the JSON)."""

from __future__ import annotations

from functools import lru_cache

from assess.facts import FIELDS, VALUE_LABELS
from assess.points import fmt
from assess.reports.explain import words
from assess.rubric import expr
from assess.scoring.assessment import JsonValue

UNKNOWN = "未提交"


@lru_cache(maxsize=4096)
def _phrase(label: str) -> tuple[str, bool] | None:
    """The words for an evidence label and whether it is a yes/no fact; None when the
    label is not a condition a person can read (it is then left out)."""
    try:
        node = expr.parse(label, ("bool", "int", "number", "str", "list"))
    except expr.ExprError:
        return None
    return words(node), node.type == "bool"


def value_words(value: JsonValue, yes_no: bool = False) -> str:
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        if yes_no:
            return "已落实" if value else "未落实"
        return "是" if value else "否"
    if isinstance(value, float):
        return fmt(value)
    if isinstance(value, list):
        return "、".join(VALUE_LABELS.get(v, v) for v in value) if value else "无"
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value)
    return str(value)


def evidence_sentences(evidence: dict[str, JsonValue]) -> list[str]:
    """Each fact a finding read, as 「label：value」."""
    out = []
    for label, value in evidence.items():
        found = _phrase(label)
        if found is not None:
            text, yes_no = found
            out.append(f"{text}：{value_words(value, yes_no)}")
    return out


def evidence_words(evidence: dict[str, JsonValue]) -> str:
    return "；".join(evidence_sentences(evidence))


def field_label(path: str) -> str:
    info = FIELDS.get(path)
    return info.label if info is not None else "相关材料"
