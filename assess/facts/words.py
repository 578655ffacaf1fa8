"""Clerks' words to codes, before the facts model sees them.

A unit names a drill 消防 or 防汛抗旱 and answers 是 or 无; the facts model holds
``fire``, ``flood``, true and false. Every closed-set and yes/no fact the catalogue
lists is translated here from its Chinese label or a common synonym (the tables in
:mod:`assess.facts.labels`), so JSON, workbooks and the office's records accept the
same words. A word that names nothing is left as given for the model to refuse, with
the Chinese choices in its message.
"""

from __future__ import annotations

from typing import Any

from assess.facts.catalogue import FIELDS, FieldInfo
from assess.facts.labels import code_for, yes_no


def to_code(info: FieldInfo, value: Any) -> Any:
    """``value`` as the code or flag of the fact ``info`` when it is a word for one; else unchanged."""
    if not isinstance(value, str):
        return value
    if info.kind == "bool":
        flag = yes_no(value)
        return value if flag is None else flag
    if info.kind == "enum":
        code = code_for(info.enum, value)
        return value if code is None else code
    return value


def in_list(info: FieldInfo, items: Any) -> Any:
    """A list fact's items with their words turned to codes (non-objects left for the model)."""
    if not isinstance(items, list) or not info.item_fields:
        return items
    return [{key: to_code(info.item_fields[key], v) if key in info.item_fields else v for key, v in item.items()}
            if isinstance(item, dict) else item for item in items]


def normalise(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A copy of unit facts (as parsed JSON) with every word for a code replaced by the
    code; unknown keys and values of the wrong shape are kept for the model to name."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        info = FIELDS.get(prefix + key) if isinstance(key, str) else None
        if info is None:
            out[key] = value
        elif info.kind == "section" and isinstance(value, dict):
            out[key] = normalise(value, f"{prefix}{key}.")
        elif info.kind == "list":
            out[key] = in_list(info, value)
        else:
            out[key] = to_code(info, value)
    return out
