"""Deterministic generated units: for ruleset checks and benchmarks.

Units come in a realistic mix (complete, partial, nearly empty, and with events that
trigger vetoes); numbers cluster around the thresholds rubrics use, including the
constants a given ruleset compares with, so that generated units reach both sides of
each condition. The same seed always gives the same units.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

from assess.facts import FIELDS, FieldInfo

COMMON = (0, 1, 2, 3, 4, 5, 10, 20, 30, 60, 100)
SECTIONS = sorted({p.split(".")[0] for p in FIELDS if "." in p} - {"unit", "source"})
PAIRS = (("hazards", "rectified", "found"), ("plans", "grassroots_with_plans", "grassroots_total"),
         ("plans", "special_drilled", "special"), ("organization", "subunits_with_office", "subunits_total"),
         ("tasks", "completed", "assigned"), ("reporting", "late", "reported"), ("reporting", "false", "reported"),
         ("responsibility", "letters_signed", "subunits"), ("safety", "major_hazards_closed", "major_hazards_found"),
         ("enterprises", "dual_prevention", "total"), ("enterprises", "plans_filed", "total"),
         ("forest_fire", "hotspots_answered", "hotspots"))


class Generator:
    """Makes valid unit facts (as dicts) of one unit type."""

    def __init__(self, unit_type: str, seed: int = 20261129, constants: Iterable[float] = ()) -> None:
        self.unit_type = unit_type
        # Reproducible test data, not secrets.
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        near = {int(c) + d for c in constants for d in (-1, 0, 1) if 0 <= int(c) + d <= 1000}
        self.numbers = sorted(set(COMMON) | near)

    def value(self, info: FieldInfo) -> Any:
        rng = self.rng
        if info.kind == "bool":
            return rng.random() < 0.7
        if info.kind == "int" and info.minimum is not None and info.minimum >= 1990:
            return 2026 - rng.choice((0, 1, 2, 3, 4, 5, 8))  # a year, around the assessment year
        if info.kind == "int":
            if info.better == "less" and rng.random() < 0.6:
                return 0  # most units report no late reports, absences or incidents
            return self._within(info, rng.choice(self.numbers))
        if info.kind == "number":
            return float(self._within(info, rng.choice(self.numbers)))
        if info.kind == "enum":
            return rng.choice(info.enum)
        return "甲"

    @staticmethod
    def _within(info: FieldInfo, number: int) -> int:
        if info.maximum is not None and number > info.maximum:
            return int(info.maximum)
        return number

    def unit(self, index: int) -> dict[str, Any]:
        rng = self.rng
        mix = rng.random()
        density = 1.0 if mix < 0.35 else 0.6 if mix < 0.75 else 0.05 if mix < 0.85 else 0.9
        data: dict[str, Any] = {"unit": {"id": f"gen-{index}", "name": f"单位{index}", "type": self.unit_type,
                                         "year": 2026}}
        if rng.random() < 0.5:
            data["self_score"] = float(rng.randint(40, 105))
        for section in SECTIONS:
            fields = {p.split(".", 1)[1]: f for p, f in FIELDS.items()
                      if p.startswith(section + ".") and p.count(".") == 1 and f.kind not in ("list", "section")}
            if fields and rng.random() < max(density, 0.05):
                data[section] = {name: self.value(f) for name, f in fields.items() if rng.random() < density}
        for path in ("shelters", "drill_participants"):
            if rng.random() < density:
                data[path] = self.value(FIELDS[path])
        if rng.random() < density:
            kinds = FIELDS["drills"].item_fields["kind"].enum
            roles = FIELDS["drills"].item_fields["role"].enum
            data["drills"] = [{"kind": rng.choice(kinds), "participants": rng.choice(self.numbers),
                               "role": rng.choice(roles)}
                              for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 8)))]
        if rng.random() < density / 2:
            levels = FIELDS["honors"].item_fields["level"].enum
            data["honors"] = [{"title": f"荣誉{k}", "level": rng.choice(levels)} for k in range(rng.randint(0, 3))]
        if mix >= 0.85:  # the events that vetoes and 否优项 look for
            major = rng.choice((0, 1))
            data.setdefault("incidents", {})["major"] = major
            data["incidents"]["major_responsible"] = rng.choice((0, major))
            data.setdefault("reporting", {})["concealed"] = rng.choice((0, 1))
        repair(data)
        return data

    def units(self, count: int) -> Iterator[dict[str, Any]]:
        for index in range(count):
            yield self.unit(index)


def repair(data: dict[str, Any]) -> None:
    """Make generated facts satisfy the cross-field rules of the facts schema."""
    for section, part, whole in PAIRS:
        values = data.get(section, {})
        if part in values and whole in values:
            values[part] = min(values[part], values[whole])
    plans = data.get("plans", {})
    if "revised" in plans and all(k in plans for k in ("overall", "special", "department")):
        plans["revised"] = min(plans["revised"], int(plans["overall"]) + plans["special"] + plans["department"])
