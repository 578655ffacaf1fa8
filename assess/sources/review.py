"""The assessment team's review (考核组复核): its decisions, each with a reviewer and a time.

A review file (YAML or JSON) holds ``decisions``, each about one unit:

- ``decision: accepted | missing | rejected`` with a ``path`` (a fact) or a ``rule``
  (a rubric item): the evidence for it was seen and accepted, is missing, or was
  rejected (a rejection needs a ``note`` saying why);
- ``decision: finding`` with a ``path`` and a ``value``: what the team found on site,
  which stands over the unit's claim and the office's records;
- ``decision: points`` with a ``rule`` and ``points``: the deduction picked inside a
  discretionary range (what ``adjustments`` in a facts file say, which are still read).

Every decision has ``unit``, ``reviewer``, ``time`` (ISO 8601; without a zone it is
Beijing time) and an optional ``note`` and ``method`` (查阅资料, 实地检查, 暗访 ...).
When the team decides the same thing for a unit twice, the later decision stands;
two at the same time are an error. Errors name the file, the entry, its line and field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from assess.errors import AssessError, Issue, ReviewError
from assess.facts import FIELDS, MAX_LIST, Note, Points, ShortText, decode, parse_json, read_bytes
from assess.facts.base import cross_error
from assess.facts.reading import pydantic_message
from assess.i18n import N_, _, language, ngettext
from assess.paths import did_you_mean, fields_at, json_path
from assess.rubric import yamldoc
from assess.sources.values import FACT_PATHS, typed

REVIEW_SCHEMA_ID = "https://assess.invalid/schema/review/1.0"
EVIDENCE_STATUSES = ("accepted", "missing", "rejected")
BEIJING = dt.timezone(dt.timedelta(hours=8))
MAX_ISSUES = 50


class _Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)

    unit: ShortText = Field(title="单位编码")
    reviewer: ShortText = Field(title="复核人")
    time: Annotated[dt.datetime, Field(strict=False)] = Field(
        title="时间", description="ISO 8601 date or date and time; without a zone, Beijing time.")
    note: Note | None = Field(default=None, title="说明")
    method: ShortText | None = Field(default=None, title="检查方式", description="查阅资料, 实地检查, 暗访 ...")

    @field_validator("time")
    @classmethod
    def _zoned(cls, value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo is not None else value.replace(tzinfo=BEIJING)


class EvidenceDecision(_Decision):
    """The evidence for a fact or a rubric item was accepted, is missing, or was rejected."""

    decision: Literal["accepted", "missing", "rejected"] = Field(title="复核结论")
    path: ShortText | None = Field(default=None, title="事实路径")
    rule: ShortText | None = Field(default=None, title="规则编号")

    @model_validator(mode="after")
    def _target(self) -> EvidenceDecision:
        if (self.path is None) == (self.rule is None):
            raise cross_error("path", _("give exactly one of path (a fact) or rule (a rubric item)"))
        if self.path is not None and self.path not in FIELDS:
            raise cross_error("path", _("unknown fact path {path!r}").format(path=self.path)
                              + did_you_mean(self.path, FIELDS))
        if self.decision == "rejected" and self.note is None:
            raise cross_error("note", _("a rejection needs a note saying why the evidence was rejected"))
        return self


class Finding(_Decision):
    """What the team found on site: the value of a fact, standing over every other source."""

    decision: Literal["finding"] = Field(title="复核结论")
    path: ShortText = Field(title="事实路径")
    value: Any = Field(title="核实值", description="Typed like the fact; 是/否 is accepted for yes/no.")

    @field_validator("path")
    @classmethod
    def _known(cls, path: str) -> str:
        if path not in FACT_PATHS:
            hint = (_(" (a finding sets a fact a rule reads, not the unit's identity or a section)")
                    if path in FIELDS else did_you_mean(path, FACT_PATHS))
            raise PydanticCustomError("fact_path", "{message}",
                                      {"message": _("unknown fact path {path!r}").format(path=path) + hint})
        return path

    @field_validator("value")
    @classmethod
    def _typed(cls, value: Any, info: ValidationInfo) -> Any:
        path = info.data.get("path")
        if path is None:
            return value  # the path's own error is reported
        try:
            result = typed(FIELDS[path], value)
        except ValueError as exc:
            raise PydanticCustomError("bad_value", "{message}", {"message": str(exc)}) from None
        if result is None:
            raise PydanticCustomError("bad_value", "{message}", {"message": _("a finding needs a value")})
        return result


class RangePick(_Decision):
    """The deduction the team picked inside a discretionary rule's range."""

    decision: Literal["points"] = Field(title="复核结论")
    rule: ShortText = Field(title="规则编号")
    points: Points = Field(title="扣分")
    note: Note = Field(title="说明")


Decision = Annotated[EvidenceDecision | Finding | RangePick, Field(discriminator="decision")]
_TAGS = frozenset({*EVIDENCE_STATUSES, "finding", "points"})


class ReviewFile(BaseModel):
    """A review file: the team's decisions."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, defer_build=True, title="assess review (考核组复核)",
        json_schema_extra={"$id": REVIEW_SCHEMA_ID})

    title: ShortText | None = Field(default=None, title="标题")
    decisions: Annotated[list[Decision], Field(max_length=MAX_LIST)] = Field(title="复核记录")


class ReviewEntry(msgspec.Struct, frozen=True):
    """One decision and where it was written."""

    file: str
    index: int
    line: int | None
    decision: EvidenceDecision | Finding | RangePick

    def where(self) -> str:
        line = _(" (line {line})").format(line=self.line) if self.line is not None else ""
        return f"{self.file}, decisions[{self.index}]{line}"

    @property
    def key(self) -> tuple[str, str, str]:
        """What is decided, for one unit: a later decision on the same key replaces it."""
        d = self.decision
        if isinstance(d, EvidenceDecision):
            return (d.unit, "evidence", f"path:{d.path}" if d.path is not None else f"rule:{d.rule}")
        if isinstance(d, Finding):
            return (d.unit, "finding", d.path)
        return (d.unit, "points", d.rule)


class Review(msgspec.Struct, frozen=True):
    """Every decision of a review file, in file order."""

    entries: tuple[ReviewEntry, ...] = ()

    def for_unit(self, unit_id: str) -> tuple[ReviewEntry, ...]:
        """The decisions standing for one unit: for each thing decided, the latest."""
        standing: dict[tuple[str, str, str], ReviewEntry] = {}
        for entry in self.entries:
            if entry.decision.unit != unit_id:
                continue
            earlier = standing.get(entry.key)
            if earlier is None or entry.decision.time > earlier.decision.time:
                standing[entry.key] = entry
        return tuple(sorted(standing.values(), key=lambda e: e.index))

    def unit_ids(self) -> set[str]:
        return {entry.decision.unit for entry in self.entries}

    def check_units(self, known: Collection[str]) -> None:
        """Raise :class:`ReviewError` for every decision about a unit not among ``known``."""
        issues = [Issue(f"decisions[{e.index}].unit",
                        _("unknown unit {unit!r}").format(unit=e.decision.unit)
                        + did_you_mean(e.decision.unit, known), line=e.line)
                  for e in self.entries if e.decision.unit not in known]
        if issues:
            raise ReviewError(ngettext("{count} decision about a unit that is not being scored",
                                       "{count} decisions about units that are not being scored", len(issues))
                              .format(count=len(issues)),
                              source=self.entries[0].file, issues=tuple(issues[:MAX_ISSUES]))


def load_review(path: str | Path) -> Review:
    """Read a review file (``.json``, else YAML; at most 20 MB)."""
    return parse_review(read_bytes(path, N_("review file")), str(path))


def parse_review(data: bytes, source: str) -> Review:
    """A review from its bytes; ``source`` names it (a ``.json`` name means JSON)."""
    lines: Mapping[tuple[str | int, ...], int] = {}
    try:
        if Path(source).suffix.lower() == ".json":
            document = parse_json(decode(data, source), source)
        else:
            parsed = yamldoc.load(decode(data, source), source, what=N_("review file"))
            document, lines = parsed.data, parsed.lines
    except AssessError as exc:  # the YAML and JSON readers raise the errors of rulesets and facts
        raise ReviewError(exc.message, source=source, issues=exc.issues) from exc
    if not isinstance(document, dict):
        raise ReviewError(_("expected a mapping with a list of decisions"), source=source)
    try:
        review = ReviewFile.model_validate(document)
    except ValidationError as exc:
        issues = tuple(_issue(e, lines) for e in exc.errors(include_url=False))
        raise ReviewError(ngettext("{count} problem in the review", "{count} problems in the review", len(issues))
                          .format(count=len(issues)), source=source,
                          issues=issues[:MAX_ISSUES]) from exc
    entries = tuple(ReviewEntry(source, index, _line(lines, ("decisions", index)), decision)
                    for index, decision in enumerate(review.decisions))
    _check_ties(entries, source)
    return Review(entries)


def _check_ties(entries: Iterable[ReviewEntry], source: str) -> None:
    seen: dict[tuple[tuple[str, str, str], dt.datetime], ReviewEntry] = {}
    issues = []
    for entry in entries:
        first = seen.setdefault((entry.key, entry.decision.time), entry)
        if first is not entry:
            issues.append(Issue(f"decisions[{entry.index}].time",
                                _("decides the same as decisions[{index}] at the same time; "
                                  "which one stands cannot be told").format(index=first.index), line=entry.line))
    if issues:
        raise ReviewError(_("decisions that contradict each other"), source=source, issues=tuple(issues[:MAX_ISSUES]))


def _line(lines: Mapping[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int | None:
    probe = path
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return None


def _issue(error: Mapping[str, Any], lines: Mapping[tuple[str | int, ...], int]) -> Issue:
    loc: list[str | int] = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    if len(loc) > 2 and loc[0] == "decisions" and loc[2] in _TAGS:
        tag = loc.pop(2)
    else:
        tag = None
    ctx = error.get("ctx") or {}
    message = str(ctx["message"]) if ctx.get("message") else pydantic_message(error)
    if error["type"] == "cross_field":
        loc.append(str(ctx["field"]))
    elif error["type"] == "extra_forbidden":
        model: Any = {"finding": Finding, "points": RangePick}.get(str(tag), EvidenceDecision)
        allowed = list(model.model_fields) if tag is not None else fields_at(ReviewFile, loc[:-1])
        message = _("unknown field") + did_you_mean(str(loc[-1]), allowed)
    elif error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc.append("decision")
        message = _("decision must be one of {choices}").format(choices=_decision_choices())
    return Issue(json_path(loc), message, line=_line(lines, tuple(loc)))


_TAG_WORDS = {"accepted": N_("evidence accepted"), "finding": N_("what was found on site"),
              "missing": N_("evidence missing"), "points": N_("deduction picked in a range"),
              "rejected": N_("evidence rejected")}
"""What each decision means, listed beside its code where a Chinese reader is told the choices
(the codes are what the file must say)."""


def _decision_choices() -> str:
    if language() == "zh":
        return "、".join(f"{tag}（{_(_TAG_WORDS[tag])}）" for tag in sorted(_TAGS))
    return ", ".join(sorted(_TAGS))


def review_json_schema() -> dict[str, Any]:
    """The JSON Schema of a review file (``assess schema --review``)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **ReviewFile.model_json_schema()}
