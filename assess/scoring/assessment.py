"""The assessment: what scoring one unit produces, as plain frozen data.

Every number can be traced: each deduction names its rule, the facts it read (evidence)
and the cap that limited it. ``assess score --format json`` writes this model; its JSON
Schema is ``assess schema --assessment``.
"""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assess.facts import SourceKind

ASSESSMENT_SCHEMA_VERSION = "1.2"

JsonValue = bool | int | float | str | list[str] | None
Phase = Literal["provisional", "final"]
"""初评 (provisional): what the unit has not evidenced is pending; 终评 (final): it is decided."""


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class UnitRef(Record):
    id: str
    name: str
    type: str
    year: int | None = None
    period: str | None = None
    parent: str | None = None


class RulesetRef(Record):
    id: str
    title: str
    version: str
    sha256: str = Field(description="Over the ruleset's canonical form: comments, key order "
                                    "and whitespace do not change it.")
    source: str


class CategoryScore(Record):
    """A category's subtotal: its maximum, the points deducted and the score left."""

    id: str
    name: str
    max: float
    score: float = Field(description="The maximum less the points decided so far.")
    deducted: float
    pending: float = Field(default=0.0, description="Points still at stake in the category (初评).")


class PillarScore(Record):
    """A subtotal by 一案三制 (预案、体制、机制、法制) or 保障: the points of the items labelled
    with it (a capped category counts whole toward one pillar), the points deducted and the score."""

    id: str
    max: float
    deducted: float
    score: float


class Deduction(Record):
    """Points one rule took, why (reason and the facts it read), and the cap that limited it."""

    rule: str
    category: str
    pillar: str
    item: str
    points: float = Field(description="Points taken, after caps.")
    raw: float = Field(description="Points the rule asked for, before caps.")
    reason: str
    evidence: dict[str, JsonValue]
    capped: Literal["item", "category"] | None = Field(
        default=None, description="'item' when the item's own points limited it (扣完为止), "
                                  "'category' when the category maximum did.")
    missing: bool = Field(default=False, description="Deducted because facts were not submitted.")
    adjusted: bool = Field(default=False, description="The assessor chose the points (adjustments).")
    defaulted: bool = Field(default=False, description="A discretionary rule without an "
                                                       "adjustment took the ruleset's default.")
    note: str | None = Field(default=None, description="The assessor's note for an adjustment.")
    count: float | None = Field(default=None, description="Events or missing units counted (per, graded), "
                                                          "or points short (shortfall).")
    tier: int | None = Field(default=None, description="Index of the tier the value fell in (tiers), "
                                                       "0 for the first listed.")
    source: SourceKind = Field(default="unit", description="Whose facts decided it.")
    status: Literal["deducted"] = "deducted"


class Bonus(Record):
    """Points one bonus rule awarded, after its own limit and the ruleset's bonus cap."""

    rule: str
    pillar: str
    item: str
    points: float
    raw: float
    reason: str
    evidence: dict[str, JsonValue]
    capped: Literal["item", "bonus_cap"] | None = None
    source: SourceKind = "unit"
    status: Literal["bonus"] = "bonus"


class GradeFinding(Record):
    """A veto (一票否决) or an item that blocks the top grade (否优项)."""

    rule: str
    pillar: str
    item: str
    reason: str
    evidence: dict[str, JsonValue]
    source: SourceKind = "unit"
    status: Literal["veto", "no_excellent"] = "veto"


class Passed(Record):
    """A rule the unit met, with what met it."""

    rule: str
    reason: str
    evidence: dict[str, JsonValue]
    source: SourceKind = "unit"
    status: Literal["passed"] = "passed"


class Skipped(Record):
    """A rule not evaluated because facts it needs were not submitted (if_missing: skip), or
    because the office's data is missing and ``--allow-missing-records skip`` says so."""

    rule: str
    item: str
    paths: list[str] = Field(description="Facts not submitted that the rule needs.")
    reason: str
    source: SourceKind = "unit"
    status: Literal["skipped"] = "skipped"


class Pending(Record):
    """A rule not yet decided (初评): the evidence or data that would settle it, and the points at stake."""

    rule: str
    item: str
    category: str | None
    pillar: str
    kind: Literal["deduct", "bonus", "veto", "no_excellent"]
    source: SourceKind = Field(description="Who must supply what settles it: 'unit' (待补正), "
                                           "'office' (待录入) or 'review' (待核查).")
    points: float = Field(description="Points at stake: the most it can deduct, or award.")
    paths: list[str] = Field(description="Facts still missing (for machines).")
    needs: str = Field(description="What would settle it, in words for a person.")
    method: str | None = Field(default=None, description="How the item is checked (查阅资料, 实地检查, 日常考核).")
    status: Literal["pending"] = "pending"


class Conflict(Record):
    """A fact on which the sources disagree: each source's value and which one stands."""

    path: str
    label: str
    values: dict[str, JsonValue]
    winner: SourceKind


class SubmissionFlag(Record):
    """Something about the submission a person must look at (template blanks, 材料雷同 ...); never scored."""

    code: str
    message: str
    quote: str | None = None


class Assessment(Record):
    """One unit scored under one ruleset."""

    schema_version: str = ASSESSMENT_SCHEMA_VERSION
    unit: UnitRef
    ruleset: RulesetRef
    engine: Literal["durable", "native"]
    engine_version: str = Field(description="The engine and its version, e.g. 'durable-rules 2.0.28'.")
    assess_version: str
    phase: Phase = Field(default="final", description="初评 (provisional) or 终评 (final).")
    total: float = Field(description="Sum of category scores plus the capped bonus; in 初评 the lowest "
                                     "total still possible (the floor).")
    floor: float = Field(default=0.0, description="The lowest total still possible.")
    ceiling: float = Field(default=0.0, description="The highest total still possible.")
    pending_points: float = Field(default=0.0, description="ceiling - floor: points not yet decided.")
    grades_possible: list[str] = Field(default_factory=list,
                                       description="Grades still possible, best first (one in 终评).")
    max: float = Field(description="The ruleset's base total (usually 100).")
    bonus: float = Field(description="Bonus points counted, after the bonus cap.")
    bonus_cap: float
    grade: str = Field(description="The grade; in 初评 the grade at the floor (see grades_possible).")
    grade_by_score: str = Field(description="The grade the total alone would give.")
    categories: list[CategoryScore]
    pillars: list[PillarScore] = Field(default_factory=list,
                                       description="Subtotals by 一案三制 and 保障, beside the categories.")
    deductions: list[Deduction]
    bonuses: list[Bonus]
    vetoes: list[GradeFinding]
    blocks_excellent: list[GradeFinding]
    passed: list[Passed]
    skipped: list[Skipped]
    pending: list[Pending] = Field(default_factory=list, description="Rules not yet decided (初评).")
    conflicts: list[Conflict] = Field(default_factory=list,
                                      description="Facts on which the unit, the office and the review disagree.")
    missing_records_policy: Literal["skip"] | None = Field(
        default=None, description="Set when 终评 scored without some office data (--allow-missing-records).")
    missing: list[str] = Field(description="Paths not submitted that cost points.")
    self_score: float | None = None
    self_score_diff: float | None = Field(default=None, description="self_score minus total.")
    flags: list[SubmissionFlag] = Field(default_factory=list,
                                        description="The submission's flags, carried from its facts; not scored.")

    def to_json(self) -> str:
        """The documented JSON form; byte-identical for identical inputs."""
        return self.model_dump_json(indent=2) + "\n"


def assessment_json_schema() -> dict[str, Any]:
    """The JSON Schema of an assessment, with ``$id`` carrying the schema version."""
    schema = Assessment.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://assess.invalid/schema/assessment/{ASSESSMENT_SCHEMA_VERSION}",
            **schema}
