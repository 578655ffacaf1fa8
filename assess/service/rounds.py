"""A round's work over the database, scored by the library.

The service does no scoring of its own: a round's submissions, office rows and standing
decisions are turned into the library's facts, :class:`~assess.OfficeRecords` and
:class:`~assess.Review`, and scored with :func:`assess.score` in the round's phase (初评
while open, 终评 once closed). Scores are kept in memory per round and state, so that the
ranking page does not score every unit on every view.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
from pydantic_core import to_jsonable_python
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from assess import (
    AssessError,
    Assessment,
    FactsError,
    Issue,
    OfficeRecords,
    Phase,
    Review,
    Ruleset,
    bundled_rulesets,
    load_ruleset,
    parse_facts,
    ruleset_for_type,
)
from assess import score as score_unit
from assess.service import db
from assess.sources import RecordRow, parse_records, parse_review

MAX_CACHED_ROUNDS = 8


class ServiceError(Exception):
    """A request the service refuses, with its HTTP status and a message a person reads."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    """The item changed since the reviewer saw it, or the round is closed."""

    status = 409

    def __init__(self, message: str, current: db.Decision | None = None) -> None:
        super().__init__(message)
        self.current = current


class Scored(msgspec.Struct, frozen=True):
    """A round's units scored in its phase: the assessments and the units that failed."""

    phase: Phase
    results: tuple[tuple[Assessment, Ruleset], ...]
    errors: tuple[tuple[str, AssessError], ...]

    def assessment(self, unit_id: str) -> Assessment | None:
        return next((a for a, _ in self.results if a.unit.id == unit_id), None)


def phase_of(round_: db.Round) -> Phase:
    return "final" if round_.phase == "closed" else "provisional"


def summary(assessment: Assessment) -> dict[str, Any]:
    """What a decision's history shows of the unit's score before and after."""
    return {"total": assessment.total, "floor": assessment.floor, "ceiling": assessment.ceiling,
            "pending": assessment.pending_points, "grade": grade_shown(assessment)}


def grade_shown(assessment: Assessment) -> str:
    return "待定" if len(assessment.grades_possible) > 1 else assessment.grade


def slot_of(kind: str, rule: str | None, path: str | None) -> str:
    """The library's review key (:attr:`assess.sources.ReviewEntry.key`) as one string."""
    if kind == "finding":
        return f"finding:{path}"
    if kind == "points":
        return f"points:{rule}"
    return f"evidence:rule:{rule}" if rule is not None else f"evidence:path:{path}"


def as_request_error(exc: AssessError) -> AssessError:
    """The library's refusal of a decision, its paths named by the decision's own fields:
    the review and the adjustments it was turned into are the service's, not the reviewer's."""
    issues = []
    for issue in exc.issues:
        path = re.sub(r"^decisions\[\d+\]\.?", "", issue.path)
        path = re.sub(r"^adjustments\[\d+\]\.points$", "value", path)
        path = re.sub(r"^adjustments\[\d+\]\.rule$", "rule", path)
        issues.append(Issue(path or "decision", issue.message, rule=issue.rule))
    return AssessError("复核结论不能采用", source="<decision>", issues=tuple(issues))


class Rulesets:
    """The bundled rulesets, each loaded once and shared between requests (a loaded
    :class:`Ruleset` is immutable and thread-safe)."""

    def __init__(self) -> None:
        self._loaded: dict[str, Ruleset] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Ruleset:
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = load_ruleset(name)
            return self._loaded[name]

    def close(self) -> None:
        with self._lock:
            for ruleset in self._loaded.values():
                ruleset.close()
            self._loaded.clear()


class Workbench:
    """The round operations the API and the pages share."""

    def __init__(self, rulesets: Rulesets, engine: str = "native") -> None:
        self.rulesets = rulesets
        self.engine = engine
        self._cache: dict[tuple[int, tuple[Any, ...]], Scored] = {}
        self._lock = threading.Lock()

    # reading ------------------------------------------------------------------------

    def round(self, session: DbSession, round_id: int) -> db.Round:
        found = session.get(db.Round, round_id)
        if found is None:
            raise NotFound(f"没有编号为 {round_id} 的考核批次")
        return found

    def submission(self, session: DbSession, round_id: int, unit_id: str) -> db.Submission:
        found = session.scalar(select(db.Submission).where(db.Submission.round_id == round_id,
                                                           db.Submission.unit_id == unit_id))
        if found is None:
            raise NotFound(f"本批次没有单位 {unit_id}")
        return found

    def decisions(self, session: DbSession, round_id: int, unit_id: str | None = None) -> list[db.Decision]:
        query = select(db.Decision).where(db.Decision.round_id == round_id)
        if unit_id is not None:
            query = query.where(db.Decision.unit_id == unit_id)
        return list(session.scalars(query.order_by(db.Decision.id)))

    @staticmethod
    def standing(decisions: Iterable[db.Decision]) -> dict[tuple[str, str], db.Decision]:
        """The latest decision of each (unit, slot): what the review holds now."""
        latest: dict[tuple[str, str], db.Decision] = {}
        for d in decisions:
            key = (d.unit_id, d.slot)
            if key not in latest or d.seq > latest[key].seq:
                latest[key] = d
        return latest

    def _stamp(self, session: DbSession, round_: db.Round) -> tuple[Any, ...]:
        """Changes whenever anything the round's scores rest on changes."""
        decisions = session.execute(select(func.count(db.Decision.id), func.max(db.Decision.id))
                                    .where(db.Decision.round_id == round_.id)).one()
        units = session.execute(select(func.count(db.Submission.id), func.max(db.Submission.uploaded_at))
                                .where(db.Submission.round_id == round_.id)).one()
        rows = session.execute(select(func.count(db.RecordRow.id), func.max(db.RecordRow.uploaded_at))
                               .where(db.RecordRow.round_id == round_.id)).one()
        return (round_.phase, *decisions, *units, *rows)

    # scoring --------------------------------------------------------------------------

    def score_round(self, session: DbSession, round_: db.Round, phase: Phase | None = None) -> Scored:
        """Every unit of the round scored in ``phase`` (the round's own by default)."""
        phase = phase or phase_of(round_)
        key = (round_.id, (phase, *self._stamp(session, round_)))
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        submissions = list(session.scalars(select(db.Submission).where(db.Submission.round_id == round_.id)
                                           .order_by(db.Submission.unit_id)))
        records = self._records(session, round_.id)
        review = self._review(self.standing(self.decisions(session, round_.id)).values())
        results: list[tuple[Assessment, Ruleset]] = []
        errors: list[tuple[str, AssessError]] = []
        for submission in submissions:
            try:
                results.append(self._score(submission, records, review, phase))
            except AssessError as exc:
                errors.append((submission.unit_id, exc))
        scored = Scored(phase, tuple(results), tuple(errors))
        with self._lock:
            if len(self._cache) >= MAX_CACHED_ROUNDS:
                self._cache.clear()
            self._cache[key] = scored
        return scored

    def score_one(self, session: DbSession, round_: db.Round, unit_id: str,
                  extra: db.Decision | None = None) -> Assessment:
        """One unit scored with its standing decisions (and ``extra`` over them)."""
        submission = self.submission(session, round_.id, unit_id)
        standing = self.standing(self.decisions(session, round_.id, unit_id))
        if extra is not None:
            standing[(extra.unit_id, extra.slot)] = extra
        review = self._review(standing.values())
        records = self._records(session, round_.id, unit_id)
        return self._score(submission, records, review, phase_of(round_))[0]

    def _score(self, submission: db.Submission, records: OfficeRecords, review: Review,
               phase: Phase) -> tuple[Assessment, Ruleset]:
        facts = parse_facts(submission.facts, submission.unit_id)
        ruleset = self.rulesets.get(ruleset_for_type(facts.unit.type, facts.unit.sector))
        return score_unit(facts, ruleset, engine=self.engine, source=submission.unit_id, phase=phase,
                          records=records, review=review), ruleset

    @staticmethod
    def _records(session: DbSession, round_id: int, unit_id: str | None = None) -> OfficeRecords:
        query = select(db.RecordRow).where(db.RecordRow.round_id == round_id)
        if unit_id is not None:
            query = query.where(db.RecordRow.unit_id == unit_id)
        return OfficeRecords(tuple(RecordRow(r.unit_id, r.file, r.row, r.values)
                                   for r in session.scalars(query.order_by(db.RecordRow.id))))

    @staticmethod
    def _review(decisions: Iterable[db.Decision]) -> Review:
        """The standing decisions as the library's review (one per slot, so no two tie)."""
        entries = []
        for d in sorted(decisions, key=lambda d: d.id or 0):
            entry: dict[str, Any] = {"unit": d.unit_id, "reviewer": d.reviewer, "decision": d.kind,
                                     "time": db.aware(d.created_at).isoformat()}
            for name, value in (("rule", d.rule), ("path", d.path), ("note", d.note), ("method", d.method)):
                if value is not None:
                    entry[name] = value
            if d.kind == "finding":
                entry["value"] = d.value
            elif d.kind == "points":
                entry["points"] = d.value
            entries.append(entry)
        return parse_review(json.dumps({"decisions": entries}, ensure_ascii=False).encode(), "复核记录.json")

    # writing --------------------------------------------------------------------------

    def create_round(self, session: DbSession, year: int, name: str, rulesets: Sequence[str] | None) -> db.Round:
        known = bundled_rulesets()
        chosen = list(rulesets) if rulesets else known
        unknown = [r for r in chosen if r not in known]
        if unknown:
            raise AssessError(f"没有这些细则：{'、'.join(unknown)}（可选：{'、'.join(known)}）")
        round_ = db.Round(year=year, name=name, rulesets=chosen, phase="open")
        session.add(round_)
        session.commit()
        return round_

    def submit(self, session: DbSession, round_: db.Round, data: dict[str, Any] | bytes, who: str,
               source: str = "<submission>") -> db.Submission:
        """Add or replace a unit's facts; invalid facts raise :class:`FactsError` with their paths."""
        self._open(round_)
        facts = parse_facts(data, source)
        name = ruleset_for_type(facts.unit.type, facts.unit.sector)
        if name not in round_.rulesets:
            raise FactsError(f"本批次不按 {name} 细则考核（本批次细则：{'、'.join(round_.rulesets)}）", source=source)
        if facts.unit.year is not None and facts.unit.year != round_.year:
            raise FactsError(f"单位年度 {facts.unit.year} 与本批次年度 {round_.year} 不符", source=source)
        dump = facts.model_dump(mode="json", exclude_unset=True)
        existing = session.scalar(select(db.Submission).where(db.Submission.round_id == round_.id,
                                                              db.Submission.unit_id == facts.unit.id))
        if existing is None:
            existing = db.Submission(round_id=round_.id, unit_id=facts.unit.id)
            session.add(existing)
        existing.unit_name = facts.unit.name
        existing.facts = dump
        existing.uploaded_by = who
        existing.uploaded_at = db.now()
        session.commit()
        return existing

    def add_records(self, session: DbSession, round_: db.Round, data: bytes, filename: str, who: str) -> int:
        """Read an office records file with the library and keep its rows (a unit's new row
        replaces its old one). Returns the number of rows."""
        self._open(round_)
        rows = parse_records(data, filename)
        for row in rows:
            existing = session.scalar(select(db.RecordRow).where(db.RecordRow.round_id == round_.id,
                                                                 db.RecordRow.unit_id == row.unit_id))
            if existing is None:
                existing = db.RecordRow(round_id=round_.id, unit_id=row.unit_id)
                session.add(existing)
            existing.values = to_jsonable_python(dict(row.values))
            existing.file = filename
            existing.row = row.row
            existing.uploaded_by = who
            existing.uploaded_at = db.now()
        session.commit()
        return len(rows)

    def decide(self, session: DbSession, round_: db.Round, unit_id: str, who: str, *, kind: str,
               base: int, rule: str | None = None, path: str | None = None, value: Any = None,
               note: str | None = None, method: str | None = None) -> db.Decision:
        """Record one decision taken from version ``base`` of its item.

        Refused with :class:`Conflict` when the item has moved past ``base`` (another
        reviewer decided it meanwhile) or the round is closed; with :class:`AssessError`
        when the library refuses the decision (a rejection without a note, a value of the
        wrong type, a pick outside the rule's range)."""
        self._open(round_)
        slot = slot_of(kind, rule, path)
        current = session.scalar(select(db.Decision).where(
            db.Decision.round_id == round_.id, db.Decision.unit_id == unit_id, db.Decision.slot == slot)
            .order_by(db.Decision.seq.desc()).limit(1))
        seq = current.seq if current is not None else 0
        if seq != base:
            raise Conflict("该项已被他人修改，请查看最新结果后再决定", current)
        before = self.score_one(session, round_, unit_id)
        decision = db.Decision(round_id=round_.id, unit_id=unit_id, slot=slot, seq=seq + 1, based_on=base,
                               kind=kind, rule=rule, path=path, value=value, note=note or None,
                               method=method or None, reviewer=who, created_at=db.now())
        try:
            after = self.score_one(session, round_, unit_id, extra=decision)
        except AssessError as exc:
            raise as_request_error(exc) from exc
        decision.before, decision.after = summary(before), summary(after)
        session.add(decision)
        try:
            session.commit()
        except IntegrityError as exc:  # the same version written by another reviewer at the same moment
            session.rollback()
            raise Conflict("该项已被他人修改，请查看最新结果后再决定") from exc
        return decision

    def close(self, session: DbSession, round_: db.Round) -> Scored:
        """Close the round to 终评: refused, with what is missing, while any unit cannot be
        scored as final (the library refuses missing office data)."""
        self._open(round_)
        final = self.score_round(session, round_, "final")
        if final.errors:
            lines = "；".join(f"{unit}：{error.render()}" for unit, error in final.errors)
            raise Conflict(f"不能转入终评：{lines}")
        if not final.results:
            raise Conflict("不能转入终评：本批次还没有单位")
        round_.phase = "closed"
        round_.closed_at = db.now()
        session.commit()
        return final

    @staticmethod
    def _open(round_: db.Round) -> None:
        if round_.phase != "open":
            raise Conflict("本批次已转入终评，不再接受修改")
