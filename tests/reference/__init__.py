"""An independent reference scorer: the rubric semantics of docs/rulesets.md, written plainly.

It shares no code with assess: the ruleset is read with ``yaml.safe_load``, conditions are
evaluated by a small interpreter over Python's ``ast`` and every amount is an exact
:class:`fractions.Fraction`. It trusts its input (the engines under test check rulesets
and facts); it exists so that a differential test can compare the engines' totals,
deductions and grades with an implementation that cannot share their mistakes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from tests.reference.evaluate import evaluate, half_up_cents, required_paths, submitted, to_fraction

__all__ = ["AdjustmentError", "Outcome", "reference_score"]


class AdjustmentError(Exception):
    """An adjustment for a rule that did not deduct (docs: an input error)."""


@dataclass
class Outcome:
    total: Any
    grade: str
    grade_by_score: str
    deductions: dict[str, Any] = field(default_factory=dict)  # rule id -> points after caps
    bonuses: dict[str, Any] = field(default_factory=dict)
    vetoes: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def reference_score(ruleset_text: str, unit: dict[str, Any]) -> Outcome:
    """终评 of a unit's own submission, the office's items not scored (``--allow-missing-records
    skip``): an item the office or the review answers is skipped, since a unit's claim never
    decides it, and an honour without its 文号 does not count."""
    rubric = yaml.safe_load(ruleset_text)
    unit = _documented(unit)
    rules: list[dict[str, Any]] = rubric["rules"]
    adjustments = {a["rule"]: to_fraction(a["points"]) for a in unit.get("adjustments") or []}
    used: set[str] = set()
    raw_deductions: list[tuple[dict[str, Any], Any]] = []
    raw_bonuses: list[tuple[dict[str, Any], Any]] = []
    out = Outcome(total=None, grade="", grade_by_score="")
    for rule in rules:
        kind = rule.get("kind", "deduct")
        if rule.get("source", "unit") != "unit":
            out.skipped.append(rule["id"])
            continue
        if any(not submitted(unit, p) for p in _rule_paths(rule)):
            policy = rule.get("if_missing") or rubric.get("if_missing", "deduct")
            if kind == "deduct" and policy == "deduct":
                raw_deductions.append((rule, to_fraction(rule["points"])))
            else:
                out.skipped.append(rule["id"])
            continue
        when = rule.get("when")
        if when is not None and not evaluate(when, unit):
            continue
        if kind == "veto":
            out.vetoes.append(rule["id"])
        elif kind == "no_excellent":
            out.blocks.append(rule["id"])
        elif kind == "bonus":
            amount = _award(rule["award"], unit)
            if amount > 0:
                raw_bonuses.append((rule, amount))
        else:
            if rule["id"] in adjustments and "range" in rule["deduct"]:
                used.add(rule["id"])
            amount = _deduct(rule["deduct"], unit, adjustments.get(rule["id"]))
            if amount > 0:
                raw_deductions.append((rule, amount))
    unused = set(adjustments) - used
    if unused:
        raise AdjustmentError(sorted(unused))

    room = {c["id"]: to_fraction(c["max"]) for c in rubric["categories"]}
    deducted = to_fraction(0)
    for rule, amount in raw_deductions:
        points = min(amount, to_fraction(rule["points"]), room[rule["category"]])
        room[rule["category"]] -= points
        deducted += points
        out.deductions[rule["id"]] = points
    bonus_room = to_fraction(rubric.get("bonus_cap", 0))
    bonus = to_fraction(0)
    for rule, amount in raw_bonuses:
        points = min(amount, to_fraction(rule["points"]), bonus_room)
        bonus_room -= points
        bonus += points
        out.bonuses[rule["id"]] = points

    out.total = to_fraction(rubric["total"]) - deducted + bonus
    grades = rubric["grades"]
    out.grade_by_score = next(g["name"] for g in grades if out.total >= to_fraction(g["min"]))
    out.grade = out.grade_by_score
    if out.vetoes:
        out.grade = rubric.get("veto_grade") or grades[-1]["name"]
    elif out.blocks and out.grade == grades[0]["name"]:
        out.grade = grades[1]["name"]
    return out


def _documented(unit: dict[str, Any]) -> dict[str, Any]:
    """Honours without their 文号 taken out; an empty list stays: it says "none"."""
    given = unit.get("honors")
    if not given:
        return unit
    honours = [h for h in given if h.get("number")]
    out = {k: v for k, v in unit.items() if k != "honors"}
    if honours:
        out["honors"] = honours
    return out


def _rule_paths(rule: dict[str, Any]) -> list[str]:
    texts = [rule["when"]] if rule.get("when") else []
    form = rule.get("deduct") or rule.get("award") or {}
    for name in ("per", "shortfall", "tiers"):
        if name in form:
            texts.append(form[name]["count" if name == "per" else "value"])
    texts.extend(form.get("graded", {}))
    paths = [p for text in texts for p in required_paths(text)]
    if "honors" in form:
        paths.append("honors")
    return paths


def _deduct(form: dict[str, Any], unit: dict[str, Any], adjustment: Any) -> Any:
    if "fixed" in form:
        return to_fraction(form["fixed"])
    if "per" in form:
        count = evaluate(form["per"]["count"], unit)
        return count * to_fraction(form["per"]["points"]) if count > 0 else 0
    if "graded" in form:
        total = to_fraction(0)
        for text, rate in form["graded"].items():
            count = evaluate(text, unit)
            if count > 0:
                total += count * to_fraction(rate)
        return total
    if "shortfall" in form:
        s = form["shortfall"]
        value = evaluate(s["value"], unit)
        target = to_fraction(s["target"])
        if value >= target:
            return 0
        units = (target - value) / to_fraction(s.get("step", 1))
        if s.get("whole", True):
            units = units.__floor__()
        return half_up_cents(units * to_fraction(s["points"]))
    if "tiers" in form:
        value = evaluate(form["tiers"]["value"], unit)
        for level in form["tiers"]["levels"]:
            if "min" not in level or value >= to_fraction(level["min"]):
                return to_fraction(level["points"])
        raise AssertionError("the last tier has no min")
    r = form["range"]
    return adjustment if adjustment is not None else to_fraction(r["default"])


def _award(form: dict[str, Any], unit: dict[str, Any]) -> Any:
    if "fixed" in form:
        return to_fraction(form["fixed"])
    if "per" in form:
        count = evaluate(form["per"]["count"], unit)
        return count * to_fraction(form["per"]["points"]) if count > 0 else 0
    best: dict[str, Any] = {}
    for honor in unit["honors"]:
        value = to_fraction(form["honors"].get(honor["level"], 0))
        key = honor.get("achievement") or honor["title"]
        best[key] = max(best.get(key, 0), value)
    return sum(best.values(), to_fraction(0))

