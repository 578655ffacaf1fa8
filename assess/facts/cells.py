"""Typing one cell: a value typed by a person into a spreadsheet, as the facts model wants it.

A cell arrives as text (or as whatever the spreadsheet typed it); the value is turned
into what the facts model expects, or a ValueError says why not in words the person
who typed it can act on. Yes/no and closed sets take the clerks' words of
:mod:`assess.facts.labels` (是/否, 消防, 省级). Range and cross-field checks are left to
the facts model, which sees the whole unit.
"""

from __future__ import annotations

import json
import math
from typing import Any

from assess.facts.catalogue import FieldInfo
from assess.facts.labels import choices, code_for, yes_no
from assess.facts.words import in_list
from assess.i18n import N_, _


def typed(info: FieldInfo, raw: Any) -> Any:
    """``raw`` (text, or a number or flag a spreadsheet or JSON already typed) as the
    value of the fact ``info``; None for an empty cell (not recorded)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        return _from_text(info, raw.strip())
    return _from_value(info, raw)


def _from_text(info: FieldInfo, text: str) -> Any:
    if info.kind == "bool":
        flag = yes_no(text, cell=True)
        if flag is None:
            raise ValueError(_("{text!r} is not yes or no (write 是 or 否)").format(text=text))
        return flag
    if info.kind == "int":
        if text.isascii() and text.isdigit():
            return int(text)
        raise ValueError(_("{text!r} is not a whole number of 0 or more").format(text=text))
    if info.kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError(_("{text!r} is not a number").format(text=text)) from None
        return _from_value(info, number)
    if info.kind == "list":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(_("not a JSON list ({reason} at character {at})").format(reason=exc.msg, at=exc.pos)
                             ) from None
        return _from_value(info, parsed)
    if info.kind == "enum":
        code = code_for(info.enum, text)
        if code is None:
            raise ValueError(_("{text!r} is not one of {choices}").format(text=text, choices=choices(info.enum)))
        return code
    return text


def _from_value(info: FieldInfo, value: Any) -> Any:
    kind = info.kind
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
    elif isinstance(value, bool):
        pass  # a flag is never a count, a number or a list
    elif kind == "int" and isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(_("{value} is not a whole number").format(value=f"{value:g}"))
        if value < 0:
            raise ValueError(_("{value} is less than 0").format(value=f"{value:g}"))
        return int(value)
    elif kind == "number" and isinstance(value, (int, float)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(_("{value!r} is not a finite number of 0 or more").format(value=value))
        return value
    elif kind == "list" and isinstance(value, list):
        return in_list(info, value)
    elif kind in ("str", "enum") and isinstance(value, str):
        return _from_text(info, value)
    elif kind in ("str", "enum") and isinstance(value, (int, float)):
        return _from_text(info, f"{value:g}")
    expected = {"bool": N_("yes or no"), "int": N_("a whole number"), "number": N_("a number"),
                "list": N_("a JSON list"), "str": N_("text"), "enum": N_("one of {choices}")}.get(kind, kind)
    raise ValueError(_("{value} is not {expected}").format(
        value=json.dumps(value, ensure_ascii=False, default=str)[:60],
        expected=_(expected).format(choices=choices(info.enum))))

