"""Totals: caps, bonus, grade, and in 初评 the range of totals and grades still possible.

Deductions are capped at their item's points and then, in rule order, at what is left of
their category (扣完为止); bonuses at their rule's points and then at the ruleset's bonus
cap. Pending rules are not deducted: the *ceiling* is the total if every one of them
passes, the *floor* if every one deducts all its points (within the same caps), and the
grades possible are those the totals in between can get, with vetoes and 否优项 that are
decided or still pending. In 终评 nothing is pending and floor = ceiling = total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from assess.engines import Engine
from assess.points import cents
from assess.scoring.assessment import (
    ASSESSMENT_SCHEMA_VERSION,
    Assessment,
    Bonus,
    CategoryScore,
    Deduction,
    GradeFinding,
    Phase,
    PillarScore,
    RulesetRef,
    SubmissionFlag,
    UnitRef,
)
from assess.scoring.pillars import pillar_scores
from assess.scoring.records import record
from assess.version import __version__

if TYPE_CHECKING:
    from assess.facts import UnitFacts
    from assess.rubric.spec import RulesetSpec
    from assess.scoring.ledger import Ledger


class Capped(msgspec.Struct, frozen=True):
    """One deduction after its caps, in hundredths: what ranking's 主要扣分 shows."""

    rule: str
    item: str
    cents: int

    @property
    def points(self) -> float:
        return self.cents / 100


class Tally(msgspec.Struct, frozen=True):
    """The decided totals of one unit, in hundredths, before any record is built."""

    used: dict[str, int]
    """Points deducted per category, after the caps."""
    deducted: list[tuple[int, int, str | None]]
    """Per deduction of the ledger, in order: points after caps, before caps, the cap that limited it."""
    pending_by_category: dict[str, int]
    bonuses: list[tuple[int, int, str | None]]
    bonus_total: int
    floor: int
    ceiling: int
    grade: str
    grade_by_score: str
    possible: list[str]


def tally(ledger: Ledger) -> Tally:
    """Caps, bonus, floor and ceiling and the grades, from the ledger's amounts alone."""
    spec = ledger.spec
    program = ledger.ruleset.program
    category_cents = program.category_cents
    rule_cents = program.rule_cents
    used = dict.fromkeys(category_cents, 0)
    deducted: list[tuple[int, int, str | None]] = []
    for entry in ledger.deductions:
        raw = entry["raw"]
        item_points = rule_cents[entry["rule"]]
        capped = None
        points = raw
        if points > item_points:
            points, capped = item_points, "item"
        category = entry["category"]
        room = category_cents[category] - used[category]
        if points > room:
            points, capped = room, "category"
        used[category] += points
        deducted.append((points, raw, capped))

    at_stake, bonus_at_stake = stakes_by_category(category_cents, ledger.stakes)
    pending_by_category = {c: min(at_stake[c], category_cents[c] - used[c]) for c in used}

    bonuses: list[tuple[int, int, str | None]] = []
    bonus_total = 0
    cap = cents(spec.bonus_cap)
    for entry in ledger.bonuses:
        raw = entry["raw"]
        limit = rule_cents[entry["rule"]]
        points, capped_b = raw, None
        if points > limit:
            points, capped_b = limit, "item"
        if points > cap - bonus_total:
            points, capped_b = cap - bonus_total, "bonus_cap"
        bonus_total += points
        bonuses.append((points, raw, capped_b))
    decided = sum(category_cents.values()) - sum(used.values())
    floor = decided - sum(pending_by_category.values()) + bonus_total
    ceiling = decided + min(cap, bonus_total + bonus_at_stake)
    by_score = _grade(program.grade_cents, floor)
    grade = by_score
    if ledger.vetoes:
        grade = spec.fail_grade
    elif ledger.blocks and grade == spec.top_grade:
        grade = spec.grades[1].name
    possible = grades_possible(spec, program.grade_cents, floor, ceiling, bool(ledger.vetoes), bool(ledger.blocks),
                               ledger.stakes)
    return Tally(used, deducted, pending_by_category, bonuses, bonus_total, floor, ceiling, grade, by_score, possible)


class Subtotals(msgspec.Struct, frozen=True):
    """What a :class:`Decision` builds when it is first asked for: the unit's record, the
    grades still possible and the subtotals' records."""

    unit: UnitRef
    grades_possible: list[str]
    categories: list[CategoryScore]
    pillars: list[PillarScore]
    missing: list[str]
    flags: list[SubmissionFlag]


class Decision(msgspec.Struct, frozen=True):
    """One unit decided and totalled, without reasons, evidence or per-rule records: what
    ranking reads, under the names an :class:`Assessment` gives it. The totals and the grade
    are decided at once; the unit's record, the grades possible, the subtotals' records and
    the facts missing are built when one of them is first read (:class:`Subtotals`, or the
    function that builds them). :meth:`assessment` builds the full assessment (the same
    totals, with every record) when it is asked for."""

    phase: Phase
    total: float
    ceiling: float
    pending_points: float
    bonus: float
    grade: str
    deductions: list[Capped]
    vetoes: list[GradeFinding]
    blocks_excellent: list[GradeFinding]
    self_score: float | None
    _subtotals: Subtotals | Callable[[], Subtotals]
    explained: Callable[[], Assessment]

    def _built(self) -> Subtotals:
        found = self._subtotals
        if not isinstance(found, Subtotals):
            found = found()
            msgspec.structs.force_setattr(self, "_subtotals", found)  # built once, then kept
        return found

    @property
    def unit(self) -> UnitRef:
        return self._built().unit

    @property
    def grades_possible(self) -> list[str]:
        return self._built().grades_possible

    @property
    def categories(self) -> list[CategoryScore]:
        return self._built().categories

    @property
    def pillars(self) -> list[PillarScore]:
        return self._built().pillars

    @property
    def missing(self) -> list[str]:
        return self._built().missing

    @property
    def flags(self) -> list[SubmissionFlag]:
        return self._built().flags

    def assessment(self) -> Assessment:
        """The full assessment: reasons, evidence and every rule's record."""
        return self.explained()


def decision(ledger: Ledger, explained: Callable[[], Assessment]) -> Decision:
    """The decided ledger's totals, with ``explained`` to build its full assessment."""
    spec = ledger.spec
    program = ledger.ruleset.program
    found = tally(ledger)
    used = found.used
    floor, ceiling = found.floor, found.ceiling
    pending = found.pending_by_category
    subtotals = Subtotals(
        unit_ref(ledger.facts), found.possible,
        [record(CategoryScore, {"id": c.id, "name": c.name, "max": maximum / 100,
                                "score": (maximum - used[c.id]) / 100, "deducted": used[c.id] / 100,
                                "pending": pending[c.id] / 100})
         for c, maximum in zip(spec.categories, program.category_cents.values(), strict=True)],
        pillar_scores(spec, [(entry["category"], entry["pillar"], points)
                             for entry, (points, _, _) in zip(ledger.deductions, found.deducted, strict=True)]),
        ledger.missing, flags(ledger.facts))
    return Decision(
        ledger.phase, floor / 100, ceiling / 100, (ceiling - floor) / 100, found.bonus_total / 100, found.grade,
        [Capped(entry["rule"], entry["item"], points)
         for entry, (points, _, _) in zip(ledger.deductions, found.deducted, strict=True)],
        ledger.vetoes, ledger.blocks, ledger.facts.self_score, subtotals, explained)


def unit_ref(facts: UnitFacts) -> UnitRef:
    unit = facts.unit
    return record(UnitRef, {"id": unit.id, "name": unit.name, "type": unit.type, "year": unit.year,
                            "period": unit.period, "parent": unit.parent})


def flags(facts: UnitFacts) -> list[SubmissionFlag]:
    """The submission's flags, carried from its facts."""
    return [record(SubmissionFlag, {"code": f.code, "message": f.message, "quote": f.quote})
            for f in facts.extraction.flags] if facts.extraction else []


def assemble(ledger: Ledger, engine: Engine) -> Assessment:
    spec = ledger.spec
    program = ledger.ruleset.program
    found = tally(ledger)
    used = found.used
    deductions = [deduction_record(entry, points, capped)
                  for entry, (points, _, capped) in zip(ledger.deductions, found.deducted, strict=True)]
    categories = [record(CategoryScore, {"id": c.id, "name": c.name, "max": maximum / 100,
                                         "score": (maximum - used[c.id]) / 100, "deducted": used[c.id] / 100,
                                         "pending": found.pending_by_category[c.id] / 100})
                  for c, maximum in zip(spec.categories, program.category_cents.values(), strict=True)]
    bonuses = [bonus_record(entry, points, capped_b)
               for entry, (points, _, capped_b) in zip(ledger.bonuses, found.bonuses, strict=True)]
    return assessment_record(
        ledger, engine, record(RulesetRef, {"id": spec.id, "title": spec.title, "version": spec.version,
                                            "sha256": ledger.ruleset.sha256, "source": ledger.ruleset.name}),
        found.floor, found.ceiling, found.bonus_total, found.grade, found.grade_by_score, found.possible, categories,
        pillar_scores(spec, [(entry["category"], entry["pillar"], points) for entry, (points, _, _)
                             in zip(ledger.deductions, found.deducted, strict=True)]),
        deductions, bonuses)


def deduction_record(entry: dict[str, Any], points: int, capped: str | None) -> Deduction:
    """A ledger's deduction entry (its points in hundredths) as its record, after the caps."""
    return record(Deduction, {**entry, "points": points / 100, "raw": entry["raw"] / 100, "capped": capped})


def bonus_record(entry: dict[str, Any], points: int, capped: str | None) -> Bonus:
    """A ledger's bonus entry (its points in hundredths) as its record, after the caps."""
    return record(Bonus, {"rule": entry["rule"], "pillar": entry["pillar"], "item": entry["item"],
                          "points": points / 100, "raw": entry["raw"] / 100, "reason": entry["reason"],
                          "evidence": entry["evidence"], "capped": capped, "source": entry["source"],
                          "status": "bonus"})


def assessment_record(ledger: Ledger, engine: Engine, ruleset: RulesetRef, floor: int, ceiling: int, bonus: int,
                      grade: str, by_score: str, possible: list[str], categories: list[CategoryScore],
                      pillars: list[PillarScore], deductions: list[Deduction], bonuses: list[Bonus]) -> Assessment:
    """The assessment of a decided ledger from its totals (in hundredths) and records."""
    spec = ledger.spec
    self_score = ledger.facts.self_score
    return record(Assessment, {
        "schema_version": ASSESSMENT_SCHEMA_VERSION, "unit": unit_ref(ledger.facts), "ruleset": ruleset,
        "engine": engine.name, "engine_version": engine.version, "assess_version": __version__,
        "phase": ledger.phase, "total": floor / 100, "floor": floor / 100, "ceiling": ceiling / 100,
        "pending_points": (ceiling - floor) / 100, "grades_possible": possible,
        "max": cents(spec.total) / 100, "bonus": bonus / 100,
        "bonus_cap": cents(spec.bonus_cap) / 100, "grade": grade, "grade_by_score": by_score,
        "categories": categories, "pillars": pillars, "deductions": deductions, "bonuses": bonuses,
        "vetoes": ledger.vetoes, "blocks_excellent": ledger.blocks, "passed": ledger.passed,
        "skipped": ledger.skipped, "pending": ledger.pending, "conflicts": ledger.conflicts(),
        "missing_records_policy": ledger.missing_records, "missing": ledger.missing,
        "self_score": self_score,
        "self_score_diff": None if self_score is None else (cents(self_score) - floor) / 100,
        "flags": flags(ledger.facts),
    })


def _grade(grade_cents: tuple[tuple[str, int], ...], total: int) -> str:
    return next(name for name, minimum in grade_cents if total >= minimum)


def stakes_by_category(category_cents: Mapping[str, int],
                       stakes: Iterable[tuple[str, str | None, int]]) -> tuple[dict[str, int], int]:
    """The hundredths pending deductions hold per category, and pending bonuses in all."""
    at_stake = dict.fromkeys(category_cents, 0)
    bonus_at_stake = 0
    for kind, category, stake in stakes:
        if kind == "deduct" and category is not None:
            at_stake[category] += stake
        elif kind == "bonus":
            bonus_at_stake += stake
    return at_stake, bonus_at_stake


def grades_possible(spec: RulesetSpec, grade_cents: tuple[tuple[str, int], ...], floor: int, ceiling: int,
                    vetoed: bool, blocked: bool, stakes: Iterable[tuple[str, str | None, int]]) -> list[str]:
    """The grades some total in [floor, ceiling] gets, after the vetoes and 否优项 that are
    decided or still pending (``stakes``: per pending rule its kind); best first."""
    if vetoed:
        return [spec.fail_grade]
    upper = None
    names: set[str] = set()
    for name, minimum in grade_cents:  # best first; a band is [minimum, the band above's minimum)
        if (upper is None or floor < upper) and ceiling >= minimum:
            names.add(name)
        upper = minimum
    pending_kinds = {kind for kind, _, _ in stakes}
    top, second = spec.top_grade, spec.grades[1].name
    if top in names and (blocked or "no_excellent" in pending_kinds):
        names.add(second)
        if blocked:
            names.discard(top)
    if "veto" in pending_kinds:
        names.add(spec.fail_grade)
    return [g.name for g in spec.grades if g.name in names]
