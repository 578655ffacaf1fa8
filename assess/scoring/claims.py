"""What a bonus would add if the items a unit claimed without their document counted.

An honour with no 文号 does not count, but in 初评 the unit may still supply it: the
points it would add are pending (at stake), so that the highest total still possible is
right. The amount is the rule's own form applied to the facts with the claims put back
(an ``award: per`` counting honours adds its points per honour, ``award: honors`` its
points by level), capped at the rule's points, less what the documented items earned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assess.facts import DOCUMENTED, Adjustment
from assess.rubric.program import CompiledRule
from assess.sources import Merged


class _Claimed:
    """The facts a form reads, with the claims put back; a bonus takes no assessor's pick."""

    def __init__(self, env: Mapping[str, Any]) -> None:
        self.env = env

    def adjustment(self, rule: str) -> Adjustment | None:
        return None


def claimed_paths(rule: CompiledRule, claims: Mapping[str, list[Any]]) -> list[str]:
    """The facts of a bonus rule given only by claims without their document."""
    if rule.spec.kind != "bonus":
        return []
    return [p for p in rule.required if p in claims]


def claimed_extra(rule: CompiledRule, env: Mapping[str, Any], claims: Mapping[str, list[Any]],
                  claimed: list[str], decided: int) -> int:
    """Hundredths the claimed items would add to what the rule decided (``decided``)."""
    use = rule.use
    if use is None:
        return 0
    full = dict(env)
    full.update({p: claims[p] for p in claimed})
    matched = [c for c in rule.checks if c.kind != "missing" and c.native(full)]
    if not matched:
        return 0
    found = use.form.amount(use.value, use.kind, rule, matched, _Claimed(full))
    return min(found.cents, rule.cents) - decided


def undocumented(env: dict[str, Any], provenance: Merged | None) -> dict[str, list[Any]]:
    """Takes out of ``env`` the items a unit claims without their document (an honour with no
    文号) and returns them by path: they are pending in 初评 and do not count in 终评."""
    claims: dict[str, list[Any]] = {}
    for path, field in DOCUMENTED.items():
        items = env.get(path)
        if not items or (provenance is not None and provenance.source_of(path) in ("office", "review")):
            continue
        kept = [item for item in items if item.get(field)]
        if len(kept) < len(items):
            claims[path] = items
            if kept:
                env[path] = kept
            else:
                del env[path]
    return claims
