"""Deterministic generated units for benchmarks: complete, partial, empty and veto cases."""

from __future__ import annotations

import random
from typing import Any

from assess.facts import FIELDS

KINDS = FIELDS["drills"].item_fields["kind"].enum
LEVELS = FIELDS["honors"].item_fields["level"].enum
SECTIONS = sorted({p.split(".")[0] for p in FIELDS if "." in p} - {"unit", "source"})


def _value(rng: random.Random, kind: str, enum: tuple[str, ...]) -> Any:
    if kind == "bool":
        return rng.random() < 0.8
    if kind == "int":
        return rng.choice([0, 1, 2, 3, 5, 10, 30, 60, 120])
    if kind == "number":
        return round(rng.uniform(0, 200), 1)
    if kind == "enum":
        return rng.choice(enum)
    return "甲"


def unit(rng: random.Random, index: int, unit_type: str) -> dict[str, Any]:
    mix = rng.random()
    density = 1.0 if mix < 0.4 else 0.5 if mix < 0.8 else 0.0 if mix < 0.9 else 0.9
    data: dict[str, Any] = {"unit": {"id": f"bench-{index}", "name": f"单位{index}", "type": unit_type,
                                     "year": 2026}}
    for section in SECTIONS:
        fields = {p.split(".", 1)[1]: f for p, f in FIELDS.items()
                  if p.startswith(section + ".") and p.count(".") == 1 and f.kind not in ("list", "section")}
        if not fields or rng.random() > max(density, 0.05):
            continue
        data[section] = {name: _value(rng, f.kind, f.enum) for name, f in fields.items() if rng.random() < density}
    if rng.random() < density:
        data["drills"] = [{"kind": rng.choice(KINDS), "participants": rng.randint(10, 300)}
                          for _ in range(rng.randint(0, 8))]
    if rng.random() < density / 2:
        data["honors"] = [{"title": f"荣誉{k}", "level": rng.choice(LEVELS)} for k in range(rng.randint(1, 3))]
    if rng.random() < density:
        data["shelters"] = rng.randint(0, 5)
    if mix >= 0.9:  # veto cases
        data.setdefault("incidents", {})["major"] = 1
    _repair(data)
    return data


def _repair(data: dict[str, Any]) -> None:
    pairs = [("hazards", "rectified", "found"), ("plans", "grassroots_with_plans", "grassroots_total"),
             ("plans", "special_drilled", "special"), ("organization", "subunits_with_office", "subunits_total"),
             ("tasks", "completed", "assigned"), ("reporting", "late", "reported"),
             ("reporting", "false", "reported")]
    for section, part, whole in pairs:
        values = data.get(section, {})
        if part in values and whole in values:
            values[part] = min(values[part], values[whole])
    plans = data.get("plans", {})
    if "revised" in plans and all(k in plans for k in ("overall", "special", "department")):
        plans["revised"] = min(plans["revised"], int(plans["overall"]) + plans["special"] + plans["department"])


def units(n: int, unit_type: str, seed: int = 20261129) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [unit(rng, i, unit_type) for i in range(n)]
