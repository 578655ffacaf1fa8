"""The review sheet (审核表): every drafted value next to the sentence it came from, then the gaps."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from tabulate import tabulate

from assess.extract.results import Draft
from assess.facts import FIELDS, FLAG_LABELS, HAZARD_LABELS, HONOR_LEVEL_LABELS, UNIT_TYPE_LABELS


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    out: list[str] = []
    used = 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            return "".join(out) + "…"
        out.append(ch)
        used += w
    return "".join(out)


def _sentence_around(text: str, start: int, end: int, width: int = 64) -> str:
    """The sentence holding ``text[start:end]``, the span marked 【】 and the rest clipped."""
    left = max(text.rfind(ch, 0, start) for ch in "。！？；;\n") + 1
    rights = [i for i in (text.find(ch, end) for ch in "。！？；;\n") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    before, quote, after = text[left:start].strip(), text[start:end], text[end:right].strip()
    quote = _clip(quote, width * 2 // 3) if _width(quote) > width * 2 // 3 else quote
    room = max(0, width - _width(quote) - 2)
    if _width(before) > room // 2:
        before = "…" + _clip(before[::-1], room // 2)[::-1].lstrip("…")
    after = _clip(after, max(2, room - _width(before)))
    return f"{before}【{quote}】{after}".replace("\n", " ")


_PLAN_KIND_LABELS = {"overall": "总体预案", "special": "专项预案", "department": "部门预案", "grassroots": "基层预案"}


def _show(path: str, value: Any) -> str:
    """A drafted value as the review sheet shows it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if path == "unit.type":
        return UNIT_TYPE_LABELS.get(str(value), str(value))
    if not isinstance(value, dict):
        return str(value)
    if path.startswith("drills["):
        parts = [HAZARD_LABELS.get(str(value.get("kind")), "类型未述")]
        if "date" in value:
            parts.append(str(value["date"]))
        if "participants" in value:
            parts.append(f"{value['participants']}人")
        if value.get("role") == "assistant":
            parts.append(f"配合{value.get('organizer', '')}")
        return "，".join(parts)
    if path.startswith("plans.named["):
        return f"{value.get('title', '')}（{_PLAN_KIND_LABELS.get(str(value.get('kind')), '')}）"
    if path.startswith("supplies.items["):
        return f"{value.get('name', '')} {value.get('quantity', '')}{value.get('unit') or ''}"
    if path.startswith("honors["):
        return f"{value.get('title', '')}（{HONOR_LEVEL_LABELS.get(str(value.get('level')), '')}）"
    return "，".join(f"{k}={v}" for k, v in value.items())


def _value_at(facts: dict[str, Any], path: str) -> Any:
    node: Any = facts
    for part in [p for p in re.split(r"\.|\[(\d+)\]", path) if p]:
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def _label(path: str) -> str:
    base = re.sub(r"\[\d+\]", "", path)
    if base in FIELDS:
        return FIELDS[base].label
    head, _, leaf = base.rpartition(".")
    if head in FIELDS and leaf in FIELDS[head].item_fields:
        return FIELDS[head].item_fields[leaf].label
    return FIELDS[base.split(".")[0]].label if base.split(".")[0] in FIELDS else path


def review_sheet(draft: Draft, text: str) -> str:
    """A review sheet (审核表) in Chinese: every drafted value with its sentence, then the gaps."""
    unit = draft.facts.get("unit", {})
    lines = [f"审核表：{unit.get('name', '')}（{UNIT_TYPE_LABELS.get(unit.get('type', ''), unit.get('type', ''))}）"
             f"  单位编码 {unit.get('id', '')}",
             "以下各项由 assess extract 从工作总结中自动抽取，请对照原文逐项核对；",
             "值前的“约”表示原文为约数（余、多、近、约）。",
             ""]
    rows: list[list[str]] = []
    for path, ev in draft.evidence.items():
        if path == "drills":
            drills = draft.facts.get("drills", [])
            value = f"共{len(drills)}次（其中{sum(1 for d in drills if 'kind' in d)}次写明类型）"
        else:
            value = _show(path, _value_at(draft.facts, path))
        if ev.approximate:
            value = f"约{value}"
        rows.append([path, _label(path), _clip(value, 36), f"{ev.confidence:.2f}",
                     _sentence_around(text, ev.start, ev.end)])
    if rows:
        lines.append(tabulate(rows, headers=["字段", "名称", "值", "置信度", "依据原文"], tablefmt="simple",
                              disable_numparse=True))
    else:
        lines.append("（未抽取到任何事实）")
    lines.append("")
    if draft.flags:
        lines.append(f"审核标记（{len(draft.flags)}项，不计分，请人工核实）：")
        for flag in draft.flags:
            lines.append(f"  {FLAG_LABELS.get(flag['code'], flag['code'])}：{flag['message']}")
            if flag.get("quote"):
                lines.append(f"    原文：“{_clip(str(flag['quote']).replace(chr(10), ' '), 120)}”")
        lines.append("")
    if draft.unsupported:
        lines.append(f"原文未找到依据的考核事项（{len(draft.unsupported)}项，请向单位索取佐证材料）：")
        gaps = [[path, _label(path)] for path in draft.unsupported]
        lines.append(tabulate(gaps, headers=["字段", "名称"], tablefmt="simple", disable_numparse=True))
    else:
        lines.append("考核细则所需事项均已找到依据。")
    return "\n".join(lines) + "\n"
