"""The merged view of one unit: its facts after the office's records and the review.

Precedence is review > office > unit: the later and more direct source stands. The
view keeps, for every fact that has a value, the source it came from; every fact on
which sources disagree, with each source's value and the winner; the team's evidence
decisions per fact and rule; and what the unit said of itself (self-scores, evidence
pointers), for the ledger and the reports to use. ``to_dict`` is its JSON form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from pydantic import BaseModel

from assess.facts import EvidenceRef, SourceKind, UnitFacts, validate
from assess.sources.values import FACT_PATHS

if TYPE_CHECKING:  # a unit scored on its own facts loads neither reader
    from assess.sources.records import OfficeRecords
    from assess.sources.review import Review

PRECEDENCE: tuple[SourceKind, ...] = ("review", "office", "unit")
"""Who stands when sources disagree, first to last."""


class FactSource(msgspec.Struct, frozen=True):
    """Where one fact's value came from: the source and the place in it."""

    path: str
    source: SourceKind
    where: str


class Conflict(msgspec.Struct, frozen=True):
    """Sources that gave different values for one fact (or one range pick, ``rule`` set)."""

    path: str
    values: tuple[tuple[SourceKind, Any], ...]
    winner: SourceKind
    rule: str | None = None


class EvidenceStatus(msgspec.Struct, frozen=True):
    """The team's standing decision on the evidence for a fact (``path``) or a rule."""

    status: Literal["accepted", "missing", "rejected"]
    reviewer: str
    time: str
    where: str
    path: str | None = None
    rule: str | None = None
    note: str | None = None
    method: str | None = None


class Merged(msgspec.Struct, frozen=True, dict=True):
    """One unit's facts from all three sources, with provenance."""

    facts: UnitFacts
    sources: tuple[FactSource, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    evidence: tuple[EvidenceStatus, ...] = ()
    pointers: tuple[EvidenceRef, ...] = ()
    self_scores: Mapping[str, float] = msgspec.field(default_factory=dict)

    def source_of(self, path: str) -> SourceKind | None:
        """The source of a fact's value, or None when no source gave one."""
        return self._source_by_path.get(path)

    @cached_property
    def _source_by_path(self) -> dict[str, SourceKind]:
        # Scoring asks for every fact each rule reads: one look-up, not a scan of the sources.
        found: dict[str, SourceKind] = {}
        for s in self.sources:
            found.setdefault(s.path, s.source)
        return found

    def evidence_for(self, *, path: str | None = None, rule: str | None = None) -> EvidenceStatus | None:
        """The team's standing decision on the evidence for a fact or a rule, if any."""
        return next((e for e in self.evidence if (path is not None and e.path == path)
                     or (rule is not None and e.rule == rule)), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.facts.unit.id,
            "facts": self.facts.model_dump(mode="json", exclude_none=True),
            "sources": {s.path: {"source": s.source, "where": s.where} for s in self.sources},
            "conflicts": [{"path": c.path, **({"rule": c.rule} if c.rule else {}),
                           "values": {source: value for source, value in c.values}, "winner": c.winner}
                          for c in self.conflicts],
            "evidence": [{k: v for k, v in msgspec.structs.asdict(e).items() if v is not None} for e in self.evidence],
            "pointers": [p.model_dump(mode="json", exclude_none=True) for p in self.pointers],
            "self_scores": dict(self.self_scores),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _leaves(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fact paths with a value in a facts dump (a list is one fact)."""
    out: dict[str, Any] = {}
    for path in FACT_PATHS:
        head, _, tail = path.partition(".")
        value = data.get(head)
        if tail and isinstance(value, dict):
            value = value.get(tail)
        elif tail:
            value = None
        if value is not None:
            out[path] = value
    return out


def _given(unit: UnitFacts) -> tuple[str, ...]:
    """The fact paths the unit gave a value for: :func:`_leaves` of its dump, read directly."""
    values = unit.__dict__
    out: list[str] = []
    for head, path, tails in _PATHS_BY_HEAD:
        value = values.get(head)
        if value is None:
            continue
        if path is not None:
            out.append(path)
        if tails and isinstance(value, BaseModel):
            section = value.__dict__
            out.extend(p for tail, p in tails if section.get(tail) is not None)
    return tuple(out) if _IN_ORDER else tuple(sorted(out, key=_PATH_ORDER.__getitem__))


def _by_head() -> tuple[tuple[str, str | None, tuple[tuple[str, str], ...]], ...]:
    heads: dict[str, tuple[list[str | None], list[tuple[str, str]]]] = {}
    for path in FACT_PATHS:
        head, _, tail = path.partition(".")
        whole, tails = heads.setdefault(head, ([None], []))
        if tail:
            tails.append((tail, path))
        else:
            whole[0] = path
    return tuple((head, whole[0], tuple(tails)) for head, (whole, tails) in heads.items())


_PATHS_BY_HEAD = _by_head()
_PATH_ORDER = {path: index for index, path in enumerate(FACT_PATHS)}
_IN_ORDER = [p for _, whole, tails in _PATHS_BY_HEAD for p in ([whole] if whole else []) + [p for _, p in tails]] \
    == list(FACT_PATHS)
"""Whether the paths grouped by their head keep FACT_PATHS' order (then nothing is sorted)."""


def merge(unit: UnitFacts, records: OfficeRecords | None = None, review: Review | None = None,
          source: str = "<facts>") -> Merged:
    """The merged view of ``unit``: its own facts, the office's row for its ``unit.id``
    and the team's decisions about it, review > office > unit.

    Raises :class:`FactsError` (naming ``source``) when the merged facts break the facts
    model, such as an office count of completed tasks above the unit's assigned tasks.
    """
    unit_id = unit.unit.id
    office = records.for_unit(unit_id) if records is not None else {}
    decisions = review.for_unit(unit_id) if review is not None else ()
    if not office and not decisions:
        # A unit alone (what ranking merges every unit into): every fact it gave is its own.
        return Merged(unit, tuple(FactSource(path, "unit", source) for path in _given(unit)),
                      (), (), tuple(unit.evidence or ()), dict(unit.self_scores or {}))
    dump = unit.model_dump(exclude_none=True)
    given: dict[SourceKind, dict[str, tuple[Any, str]]] = {
        "unit": {path: (value, source) for path, value in _leaves(dump).items()},
        "office": {path: (value, row.where()) for path, (value, row) in office.items()},
        "review": {},
    }
    if decisions:  # the review's reader is loaded only when a review is given
        from assess.sources.review import EvidenceDecision, Finding, RangePick
    picks: dict[str, tuple[float, str, str]] = {}
    evidence: list[EvidenceStatus] = []
    for entry in decisions:
        d = entry.decision
        if isinstance(d, Finding):
            given["review"][d.path] = (d.value, entry.where())
        elif isinstance(d, RangePick):
            picks[d.rule] = (d.points, d.note, entry.where())
        elif isinstance(d, EvidenceDecision):
            evidence.append(EvidenceStatus(d.decision, d.reviewer, d.time.isoformat(), entry.where(),
                                           d.path, d.rule, d.note, d.method))

    sources: list[FactSource] = []
    conflicts: list[Conflict] = []
    for path in FACT_PATHS:
        present = [(kind, given[kind][path]) for kind in PRECEDENCE if path in given[kind]]
        if not present:
            continue
        winner, (value, where) = present[0]
        sources.append(FactSource(path, winner, where))
        if any(other != value for _, (other, _) in present[1:]):
            conflicts.append(Conflict(path, tuple((kind, v) for kind, (v, _) in reversed(present)), winner))
        if winner != "unit":
            _set(dump, path, value)

    adjustments = {a.rule: a for a in unit.adjustments or []}
    for rule, (points, note, _) in picks.items():
        claimed = adjustments.get(rule)
        if claimed is not None and claimed.points != points:
            conflicts.append(Conflict("adjustments", (("unit", claimed.points), ("review", points)), "review", rule))
        dump.setdefault("adjustments", [])
        dump["adjustments"] = [a for a in dump["adjustments"] if a["rule"] != rule]
        dump["adjustments"].append({"rule": rule, "points": points, "note": note})

    facts = unit if not (given["office"] or given["review"] or picks) else validate(
        dump, f"{source} (merged with the office records and the review)")
    return Merged(facts, tuple(sources), tuple(conflicts), tuple(evidence),
                  tuple(unit.evidence or ()), dict(unit.self_scores or {}))


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    head, _, tail = path.partition(".")
    if tail:
        data.setdefault(head, {})[tail] = value
    else:
        data[head] = value
