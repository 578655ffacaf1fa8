"""Totals: caps, bonus, grade, and in 初评 the range of totals and grades still possible.

Deductions are capped at their item's points and then, in rule order, at what is left of
their category (扣完为止); bonuses at their rule's points and then at the ruleset's bonus
cap. Pending rules are not deducted: the *ceiling* is the total if every one of them
passes, the *floor* if every one deducts all its points (within the same caps), and the
grades possible are those the totals in between can get, with vetoes and 否优项 that are
decided or still pending. In 终评 nothing is pending and floor = ceiling = total.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.engines import Engine
from assess.points import cents
from assess.scoring.assessment import (
    ASSESSMENT_SCHEMA_VERSION,
    Assessment,
    Bonus,
    CategoryScore,
    Deduction,
    RulesetRef,
    SubmissionFlag,
    UnitRef,
)
from assess.scoring.pillars import pillar_scores
from assess.scoring.records import record
from assess.version import __version__

if TYPE_CHECKING:
    from assess.rubric.spec import RulesetSpec
    from assess.scoring.ledger import Ledger


def assemble(ledger: Ledger, engine: Engine) -> Assessment:
    spec = ledger.spec
    program = ledger.ruleset.program
    used = dict.fromkeys(program.category_cents, 0)
    deductions: list[Deduction] = []
    for entry in ledger.deductions:
        raw = entry["raw"]
        item_points = program.rule_cents[entry["rule"]]
        capped = None
        points = raw
        if points > item_points:
            points, capped = item_points, "item"
        category = entry["category"]
        room = program.category_cents[category] - used[category]
        if points > room:
            points, capped = room, "category"
        used[category] += points
        entry["points"] = points / 100
        entry["raw"] = raw / 100
        entry["capped"] = capped
        deductions.append(record(Deduction, entry))

    at_stake = dict.fromkeys(program.category_cents, 0)
    bonus_at_stake = 0
    for pending in ledger.pending:
        if pending.kind == "deduct" and pending.category is not None:
            at_stake[pending.category] += cents(pending.points)
        elif pending.kind == "bonus":
            bonus_at_stake += cents(pending.points)
    pending_by_category = {c: min(at_stake[c], program.category_cents[c] - used[c]) for c in used}

    categories = [record(CategoryScore, {"id": c.id, "name": c.name, "max": maximum / 100,
                                         "score": (maximum - used[c.id]) / 100, "deducted": used[c.id] / 100,
                                         "pending": pending_by_category[c.id] / 100})
                  for c, maximum in zip(spec.categories, program.category_cents.values(), strict=True)]
    bonuses: list[Bonus] = []
    bonus_total = 0
    cap = cents(spec.bonus_cap)
    for entry in ledger.bonuses:
        raw = entry["raw"]
        limit = program.rule_cents[entry["rule"]]
        points, capped_b = raw, None
        if points > limit:
            points, capped_b = limit, "item"
        if points > cap - bonus_total:
            points, capped_b = cap - bonus_total, "bonus_cap"
        bonus_total += points
        bonuses.append(record(Bonus, {"rule": entry["rule"], "pillar": entry["pillar"], "item": entry["item"],
                                      "points": points / 100, "raw": raw / 100, "reason": entry["reason"],
                                      "evidence": entry["evidence"], "capped": capped_b,
                                      "source": entry["source"], "status": "bonus"}))
    decided = sum(program.category_cents.values()) - sum(used.values())
    floor = decided - sum(pending_by_category.values()) + bonus_total
    ceiling = decided + min(cap, bonus_total + bonus_at_stake)
    by_score = _grade(program.grade_cents, floor)
    grade = by_score
    if ledger.vetoes:
        grade = spec.fail_grade
    elif ledger.blocks and grade == spec.top_grade:
        grade = spec.grades[1].name
    possible = grades_possible(spec, program.grade_cents, floor, ceiling, ledger)
    unit = ledger.facts.unit
    self_score = ledger.facts.self_score
    return record(Assessment, {
        "schema_version": ASSESSMENT_SCHEMA_VERSION,
        "unit": record(UnitRef, {"id": unit.id, "name": unit.name, "type": unit.type, "year": unit.year,
                                 "period": unit.period, "parent": unit.parent}),
        "ruleset": record(RulesetRef, {"id": spec.id, "title": spec.title, "version": spec.version,
                                       "sha256": ledger.ruleset.sha256, "source": ledger.ruleset.name}),
        "engine": engine.name, "engine_version": engine.version, "assess_version": __version__,
        "phase": ledger.phase, "total": floor / 100, "floor": floor / 100, "ceiling": ceiling / 100,
        "pending_points": (ceiling - floor) / 100, "grades_possible": possible,
        "max": cents(spec.total) / 100, "bonus": bonus_total / 100,
        "bonus_cap": cap / 100, "grade": grade, "grade_by_score": by_score,
        "categories": categories, "pillars": pillar_scores(spec, deductions),
        "deductions": deductions, "bonuses": bonuses,
        "vetoes": ledger.vetoes, "blocks_excellent": ledger.blocks, "passed": ledger.passed,
        "skipped": ledger.skipped, "pending": ledger.pending, "conflicts": ledger.conflicts(),
        "missing_records_policy": ledger.missing_records, "missing": ledger.missing,
        "self_score": self_score,
        "self_score_diff": None if self_score is None else (cents(self_score) - floor) / 100,
        "flags": [record(SubmissionFlag, {"code": f.code, "message": f.message, "quote": f.quote})
                  for f in (ledger.facts.extraction.flags if ledger.facts.extraction else [])],
    })


def _grade(grade_cents: tuple[tuple[str, int], ...], total: int) -> str:
    return next(name for name, minimum in grade_cents if total >= minimum)


def grades_possible(spec: RulesetSpec, grade_cents: tuple[tuple[str, int], ...], floor: int, ceiling: int,
                    ledger: Ledger) -> list[str]:
    """The grades some total in [floor, ceiling] gets, after the vetoes and 否优项 that are
    decided or still pending; best first."""
    if ledger.vetoes:
        return [spec.fail_grade]
    upper = None
    names: set[str] = set()
    for name, minimum in grade_cents:  # best first; a band is [minimum, the band above's minimum)
        if (upper is None or floor < upper) and ceiling >= minimum:
            names.add(name)
        upper = minimum
    pending_kinds = {p.kind for p in ledger.pending}
    top, second = spec.top_grade, spec.grades[1].name
    if top in names and (ledger.blocks or "no_excellent" in pending_kinds):
        names.add(second)
        if ledger.blocks:
            names.discard(top)
    if "veto" in pending_kinds:
        names.add(spec.fail_grade)
    return [g.name for g in spec.grades if g.name in names]
