"""Hypothesis strategies for unit facts, derived from the facts schema itself.

Units come out complete, partial or nearly empty; values cluster around the thresholds
rubrics use (0-60) with occasional large ones; cross-field rules are repaired after
drawing so that every unit is valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import event
from hypothesis import strategies as st

from assess.facts import FIELDS, MAX_AMOUNT, MAX_COUNT, UNIT_TYPE_LABELS, FieldInfo
from assess.tools.generate import repair as generated_repair

SECTIONS = [p for p, f in FIELDS.items() if f.kind == "section" and "." not in p and p not in ("unit", "source")]
TOP_SCALARS = [p for p, f in FIELDS.items() if "." not in p and f.kind not in ("section", "list")
               and p != "self_score"]
LISTS = ["drills", "honors", "adjustments"]
NESTED_LISTS = ["plans.named", "supplies.items"]

def _at_bound(value: Any) -> Any:
    event("value at a schema bound")
    return value


# The schema's bounds (0 and the largest count or amount it accepts) are drawn on purpose:
# a wrong number hides in the extremes as often as around the thresholds.
counts = st.one_of(st.integers(0, 12), st.integers(0, 60), st.integers(0, 100_000),
                   st.sampled_from([0, MAX_COUNT]).map(_at_bound))


def value_for(info: FieldInfo) -> st.SearchStrategy[Any]:
    if info.kind == "bool":
        return st.booleans()
    if info.kind in ("int", "number") and info.minimum is not None and info.maximum is not None \
            and info.maximum <= 10_000:
        # a year or a percentage: anywhere in its bounds, the bounds included
        low, high = int(info.minimum), int(info.maximum)
        ints = st.integers(low, high)
        return ints if info.kind == "int" else st.one_of(ints, st.floats(low, high).map(lambda x: round(x, 2)))
    if info.kind == "int":
        return counts
    if info.kind == "number":
        return st.one_of(st.integers(0, 500), st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2)),
                         st.sampled_from([0.0, MAX_AMOUNT]).map(_at_bound))
    if info.kind == "enum":
        return st.sampled_from(info.enum)
    if info.kind == "str":
        return st.sampled_from(["甲", "乙", "丙", "防汛", "消防"])
    raise AssertionError(info.kind)


def fields_of(prefix: str) -> list[FieldInfo]:
    return [f for p, f in FIELDS.items() if p.startswith(prefix + ".") and p.count(".") == prefix.count(".") + 1
            and f.kind not in ("section", "list")]


@st.composite
def section(draw: st.DrawFn, name: str, density: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for info in fields_of(name):
        if draw(st.floats(0, 1)) < density:
            out[info.path.rsplit(".", 1)[1]] = draw(value_for(info))
    return out


def item_strategy(info: FieldInfo, required: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: value_for(sub) for name, sub in info.item_fields.items()}
    return st.fixed_dictionaries({k: v for k, v in fields.items() if k in required},
                                 optional={k: v for k, v in fields.items() if k not in required})


REQUIRED_ITEM_FIELDS = {
    "drills": (),
    "honors": ("title", "level"),
    "plans.named": ("title", "kind"),
    "supplies.items": ("name", "quantity"),
}


@st.composite
def units(draw: st.DrawFn, unit_type: str | Sequence[str] | None = None) -> dict[str, Any]:
    """A valid unit of ``unit_type`` (one of them, when a list; any type when None)."""
    density = draw(st.sampled_from([0.0, 0.3, 0.7, 1.0]))
    kinds = sorted(UNIT_TYPE_LABELS) if unit_type is None else [unit_type] if isinstance(unit_type, str) \
        else list(unit_type)
    kind = draw(st.sampled_from(kinds))
    event(f"unit type: {kind}")
    data: dict[str, Any] = {"unit": {"id": draw(st.sampled_from(["u1", "u2", "sid", "id"])),
                                     "name": "某单位", "type": kind, "year": 2026}}
    if draw(st.booleans()):
        data["self_score"] = draw(st.integers(0, 105))
    for name in SECTIONS:
        if draw(st.floats(0, 1)) < max(density, 0.1):
            data[name] = draw(section(name, density))
    for path in TOP_SCALARS:
        if draw(st.floats(0, 1)) < density:
            data[path] = draw(value_for(FIELDS[path]))
    for path in ("drills", "honors"):
        if draw(st.floats(0, 1)) < max(density, 0.2):
            data[path] = draw(st.lists(item_strategy(FIELDS[path], REQUIRED_ITEM_FIELDS[path]), max_size=8))
    for path in NESTED_LISTS:
        head, tail = path.split(".")
        if head in data and draw(st.booleans()):
            data[head][tail] = draw(st.lists(item_strategy(FIELDS[path], REQUIRED_ITEM_FIELDS[path]), max_size=5))
    return repair(data)


def repair(data: dict[str, Any]) -> dict[str, Any]:
    """Make a drawn unit satisfy the cross-field rules: named plans unique and agreeing
    with the counts, then the generator's own repairs."""
    plans = data.get("plans")
    if plans:
        if "named" in plans:
            seen: set[str] = set()
            named = []
            for index, plan in enumerate(plans["named"]):
                plan = dict(plan, title=f"{plan['title']}预案{index}")
                if plan["title"] not in seen:
                    seen.add(plan["title"])
                    named.append(plan)
            plans["named"] = named
            n_special = sum(1 for p in named if p["kind"] == "special")
            if "special" in plans:
                plans["special"] = max(plans["special"], n_special)
            if plans.get("overall") is False and any(p["kind"] == "overall" for p in named):
                plans["overall"] = True
    for drill in data.get("drills", []):
        if "date" in drill:
            drill["date"] = "2026-05-12"
    generated_repair(data)
    return data
