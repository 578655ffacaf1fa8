"""Subtotals by 一案三制 (预案、体制、机制、法制) and 保障, beside the categories.

An item's points count toward the pillar its rule is labelled with. A category that is
扣完为止 as a whole (``capped``) has more item points than its maximum, so it counts
whole toward one pillar: the one it declares, or the one most of its item points carry;
its deductions count there too. Pillar maxima thus add up to the ruleset's total, and
no pillar loses more than its maximum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from assess.points import cents
from assess.rubric.spec import PILLARS, RulesetSpec
from assess.scoring.assessment import PillarScore
from assess.scoring.records import record


def category_pillars(spec: RulesetSpec) -> dict[str, str]:
    """The pillar a capped category counts toward as a whole."""
    out: dict[str, str] = {}
    for category in spec.categories:
        if not category.capped:
            continue
        weights: Counter[str] = Counter()
        for rule in spec.rules:
            if rule.kind == "deduct" and rule.category == category.id:
                weights[rule.pillar] += cents(rule.points or 0)
        # ties go to the pillar listed first, so the choice does not depend on rule order
        ranked = sorted(weights, key=lambda p: (-weights[p], PILLARS.index(p)))
        chosen = category.pillar or (ranked[0] if ranked else None)
        if chosen is not None:
            out[category.id] = chosen
    return out


def pillar_scores(spec: RulesetSpec, deductions: Iterable[tuple[str, str, int]]) -> list[PillarScore]:
    """Pillar subtotals from the deductions as (category, pillar, points in hundredths after caps)."""
    whole, maximum = pillar_layout(spec)
    deducted: Counter[str] = Counter()
    for category_id, pillar, points in deductions:
        deducted[whole.get(category_id, pillar)] += points
    return [record(PillarScore, {"id": p, "max": maximum[p] / 100, "deducted": deducted[p] / 100,
                                 "score": (maximum[p] - deducted[p]) / 100})
            for p in PILLARS if maximum[p]]


_LAYOUTS: dict[int, tuple[RulesetSpec, dict[str, str], Counter[str]]] = {}


def pillar_layout(spec: RulesetSpec) -> tuple[dict[str, str], Counter[str]]:
    """The pillar of each capped category and each pillar's maximum, worked out once per ruleset
    (every unit it scores asks; the spec is frozen, and kept here so that its id is not reused)."""
    found = _LAYOUTS.get(id(spec))
    if found is not None and found[0] is spec:
        return found[1], found[2]
    whole = category_pillars(spec)
    maximum: Counter[str] = Counter()
    for category in spec.categories:
        if category.id in whole:
            maximum[whole[category.id]] += cents(category.max)
    for rule in spec.rules:
        if rule.kind == "deduct" and rule.category not in whole:
            maximum[rule.pillar] += cents(rule.points or 0)
    _LAYOUTS[id(spec)] = (spec, whole, maximum)
    return whole, maximum
