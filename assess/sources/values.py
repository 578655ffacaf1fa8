"""Typing one value given by the office or the review team, by the kind of its fact
(the typing itself is :mod:`assess.facts.cells`, shared with the units' workbooks), and
which facts those sources may set.
"""

from __future__ import annotations

from assess.facts import FIELDS
from assess.facts.cells import typed

__all__ = ["FACT_PATHS", "NOT_MERGED", "typed"]


NOT_MERGED = ("unit", "source", "self_score", "adjustments")
"""Top-level facts that only the unit's own file gives: who the unit is, where its file
came from, its self-score, and the assessor's range picks (merged as decisions)."""

FACT_PATHS: tuple[str, ...] = tuple(
    path for path, info in FIELDS.items()
    if info.kind != "section" and path.split(".")[0] not in NOT_MERGED)
"""The fact paths another source may set: every fact a rule reads, a whole list being one fact."""
