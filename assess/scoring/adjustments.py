"""The assessor's picks for a unit's discretionary rules, and which of them a rule took."""

from __future__ import annotations

from assess.facts import Adjustment


class Adjustments:
    """A unit's adjustments by rule; every one must be taken by a rule that deducted, or
    scoring names it (an adjustment for a rule that did not deduct is a mistake)."""

    __slots__ = ("_picks", "_used")

    def __init__(self, adjustments: list[Adjustment] | None) -> None:
        self._picks = {a.rule: (i, a) for i, a in enumerate(adjustments or [])}
        self._used: set[str] = set()

    def take(self, rule: str) -> Adjustment | None:
        """The pick for a discretionary rule, marked as used (a form asks)."""
        found = self._picks.get(rule)
        if found is None:
            return None
        self._used.add(rule)
        return found[1]

    def unused(self) -> list[tuple[int, str]]:
        """The adjustments no rule took: their index in the facts and their rule, in order."""
        if len(self._used) == len(self._picks):
            return []
        return sorted((i, r) for r, (i, _) in self._picks.items() if r not in self._used)
