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
from assess.scoring.assessment import Deduction, PillarScore
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


def pillar_scores(spec: RulesetSpec, deductions: Iterable[Deduction]) -> list[PillarScore]:
    whole = category_pillars(spec)
    maximum: Counter[str] = Counter()
    for category in spec.categories:
        if category.id in whole:
            maximum[whole[category.id]] += cents(category.max)
    for rule in spec.rules:
        if rule.kind == "deduct" and rule.category not in whole:
            maximum[rule.pillar] += cents(rule.points or 0)
    deducted: Counter[str] = Counter()
    for d in deductions:
        deducted[whole.get(d.category, d.pillar)] += cents(d.points)
    return [record(PillarScore, {"id": p, "max": maximum[p] / 100, "deducted": deducted[p] / 100,
                                 "score": (maximum[p] - deducted[p]) / 100})
            for p in PILLARS if maximum[p]]
