"""Random rulesets as YAML text: every deduction and award form, caps, tiers whose bounds
sit where percentages of small counts land, vetoes and 否优项.

Expressions come from fixed pools that type-check against the facts schema, so every
drawn ruleset loads; what varies is the form, its numbers, the caps and the grades.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

UNIT_TYPES = ["township", "street", "department", "county", "devzone"]

COUNTS = [
    "organization.staff", "3 - organization.staff", "4 - count(drills)", "duty.absences",
    'count(drills, kind == "flood")', "reporting.late + reporting.false", "2 * work.materials_late",
    'count(honors, level == "county")', "distinct(drills.kind)", "max(0, 5 - teams.trainings)",
    "min(3, hazards.found - hazards.rectified)", 'count(drills, participants >= 50 and kind != "fire")',
    "incidents.deaths - incidents.death_limit", "count(plans.named)", "-reporting.missed",
]
GRADED_KEYS = ["reporting.late", "reporting.false", "reporting.missed", "reporting.concealed",
               "duty.absences", "incidents.general", "work.materials_late"]
PERCENTAGES = [
    "pct(plans.grassroots_with_plans, plans.grassroots_total)", "pct(hazards.rectified, hazards.found)",
    "pct(tasks.completed, tasks.assigned)", "pct(plans.special_drilled, plans.special)",
    "100 * ratio(organization.subunits_with_office, organization.subunits_total)",
]
# Sums of amounts (sum(supplies.items.quantity)) can pass 2**53 and are refused when a ruleset
# loads (assess.rubric.bounds), so the values drawn here are ones a ruleset may compute.
VALUES = [*PERCENTAGES, "funds.amount", "organization.staff",
          "count(drills)", "sum(drills.participants)"]
CONDITIONS = [
    "not organization.leadership_group", "organization.staff < 2", "incidents.general > 0",
    "0 < duty.absences <= 3", 'any(honors, level == "national")', "all(drills, participants >= 30)",
    "submitted(plans.filed)", "missing(duty)", 'unit.type == "street"', "funds.budgeted and funds.amount < 10.5",
    "not (plans.overall or plans.filed)", 'count(drills, kind == "flood") < 1',
    "incidents.deaths > incidents.death_limit", "pct(hazards.rectified, hazards.found) < 80",
    "incidents.major >= 1", "funds.amount >= 100.5",
]
POINTS = [0.5, 1, 1.5, 2, 2.25, 3, 4, 5, 6, 8, 10]
RATES = [0.01, 0.1, 0.2, 0.25, 0.5, 1, 1.5, 2, 3]
BOUNDS = [0, 20, 29, 40, 50, 55, 57, 57.5, 58, 60, 66.67, 75, 80, 90, 95, 100]

maybe_when = st.one_of(st.none(), st.sampled_from(CONDITIONS))
# Percentages most of the time: whole points below a target and tier bounds are where a
# rounding of the percentage changes the score.
values = st.one_of(st.sampled_from(PERCENTAGES), st.sampled_from(VALUES))


@st.composite
def deduct_rule(draw: st.DrawFn, rule_id: str, category: str) -> dict[str, Any]:
    points = draw(st.sampled_from(POINTS))
    form = draw(st.sampled_from(["fixed", "per", "graded", "shortfall", "tiers", "range"]))
    when = draw(maybe_when)
    deduct: dict[str, Any]
    if form == "fixed":
        when = when or draw(st.sampled_from(CONDITIONS))
        deduct = {"fixed": draw(st.sampled_from([p for p in POINTS if p <= points]))}
    elif form == "per":
        deduct = {"per": {"count": draw(st.sampled_from(COUNTS)), "points": draw(st.sampled_from(RATES))}}
    elif form == "graded":
        keys = draw(st.lists(st.sampled_from(GRADED_KEYS), min_size=1, max_size=4, unique=True))
        deduct = {"graded": {k: draw(st.sampled_from(RATES)) for k in keys}}
    elif form == "shortfall":
        deduct = {"shortfall": {"value": draw(values),
                                "target": draw(st.sampled_from([100, 100, 90, 60, 95.5, 10])),
                                "points": draw(st.sampled_from(RATES)),
                                "step": draw(st.sampled_from([1, 1, 5, 0.5, 2.5])),
                                "whole": draw(st.booleans())}}
    elif form == "tiers":
        mins = sorted(draw(st.lists(st.sampled_from(BOUNDS), min_size=1, max_size=4, unique=True)), reverse=True)
        steps = sorted(draw(st.lists(st.sampled_from([0, *[p for p in POINTS if p <= points]]),
                                     min_size=len(mins) + 1, max_size=len(mins) + 1)))
        levels: list[dict[str, Any]] = [{"min": m, "points": p} for m, p in zip(mins, steps, strict=False)]
        levels.append({"points": steps[-1]})
        deduct = {"tiers": {"value": draw(values), "levels": levels}}
    else:
        when = when or draw(st.sampled_from(CONDITIONS))
        high = draw(st.sampled_from([p for p in POINTS if p <= points]))
        low = draw(st.sampled_from([0, *[p for p in POINTS if p <= high]]))
        default = draw(st.sampled_from([p for p in [0, *POINTS] if low <= p <= high]))
        deduct = {"range": {"min": low, "max": high, "default": default}}
    rule: dict[str, Any] = {"id": rule_id, "category": category, "pillar": "体制", "item": f"考核事项{rule_id}",
                            "points": points, "deduct": deduct, "reason": "扣{points}分", "basis": "测试"}
    if when is not None:
        rule["when"] = when
    if draw(st.integers(0, 3)) == 0:
        rule["if_missing"] = draw(st.sampled_from(["deduct", "skip"]))
    return rule


@st.composite
def bonus_rule(draw: st.DrawFn, rule_id: str) -> dict[str, Any]:
    points = draw(st.sampled_from([0.5, 1, 2, 3]))
    form = draw(st.sampled_from(["fixed", "per", "honors"]))
    rule: dict[str, Any] = {"id": rule_id, "kind": "bonus", "pillar": "保障", "item": f"加分{rule_id}",
                            "points": points, "reason": "加{points}分", "basis": "测试"}
    when = draw(maybe_when)
    if form == "fixed":
        rule["award"] = {"fixed": draw(st.sampled_from([p for p in [0.25, 0.5, 1, 2, 3] if p <= points]))}
        when = when or draw(st.sampled_from(CONDITIONS))
    elif form == "per":
        rule["award"] = {"per": {"count": draw(st.sampled_from(COUNTS)), "points": draw(st.sampled_from(RATES))}}
    else:
        levels = draw(st.lists(st.sampled_from(["national", "provincial", "municipal", "county"]),
                               min_size=1, max_size=4, unique=True))
        rule["award"] = {"honors": {level: draw(st.sampled_from([0.25, 0.5, 1, 2, 3, 5])) for level in levels}}
    if when is not None:
        rule["when"] = when
    return rule


@st.composite
def rulesets(draw: st.DrawFn) -> dict[str, Any]:
    """A ruleset as a dict (dump it with :func:`as_yaml`); its rule order is drawn too."""
    categories = []
    rules: list[dict[str, Any]] = []
    for c in range(draw(st.integers(1, 3))):
        members = [draw(deduct_rule(f"D{c}-{k}", f"c{c}")) for k in range(draw(st.integers(1, 4)))]
        points = sum(r["points"] for r in members)
        capped = len(members) > 1 and draw(st.booleans())
        maximum = points
        if capped:
            maximum = draw(st.sampled_from([m for m in POINTS if m < points] or [points]))
        categories.append({"id": f"c{c}", "name": f"类别{c}", "max": maximum, "capped": capped})
        rules.extend(members)
    rules.extend(draw(bonus_rule(f"B{k}")) for k in range(draw(st.integers(0, 3))))
    for k in range(draw(st.integers(0, 2))):
        rules.append({"id": f"V{k}", "kind": draw(st.sampled_from(["veto", "no_excellent"])), "pillar": "法制",
                      "item": f"否决{k}", "when": draw(st.sampled_from(CONDITIONS)), "reason": "否决",
                      "basis": "测试"})
    rules = draw(st.permutations(rules))
    total = sum(c["max"] for c in categories)
    bonus_cap = draw(st.sampled_from([0, 0.5, 1, 2.5, 5]))
    cents = round(total * 100)
    cuts = sorted(draw(st.lists(st.integers(1, cents), min_size=1, max_size=4, unique=True)), reverse=True)
    names = ["优秀", "良好", "合格", "基本合格", "不合格"]
    grades = [{"name": names[i], "min": cut / 100} for i, cut in enumerate(cuts)]
    grades.append({"name": names[-1], "min": 0})
    spec: dict[str, Any] = {"id": "random", "title": "随机细则", "version": "1", "applies_to": UNIT_TYPES,
                            "total": total, "bonus_cap": bonus_cap,
                            "if_missing": draw(st.sampled_from(["deduct", "skip"])), "grades": grades,
                            "categories": categories, "rules": list(rules)}
    if draw(st.booleans()):
        spec["veto_grade"] = grades[-2]["name"]
    return spec


def as_yaml(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)


def range_rules(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in spec["rules"] if "range" in r.get("deduct", {})]
