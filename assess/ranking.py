"""Ranked tables of assessments, the way an office circulates them (通报).

Units are ranked within the table of the rubric that scored them (one table per
ruleset: 乡镇/街道, 县直部门, 区县/开发区), by total descending. A ruleset may declare
tie-break keys; units equal on the total and on every key share a rank (1, 2, 2, 4)
and are listed by name. A rank is 1 + the number of units strictly better.

In 初评 the total is the floor (the lowest total still possible): units are ranked by
floor, then by ceiling (of two units with the same decided score, the one with more still
to gain first), then by the tie-break keys; a unit whose possible grades span more than one
grade shows 待定 instead of a grade. A unit is not ranked, and is listed under 未参加排名
with the reason, when its period is not the rubric's (a half-year report among annual
ones) or when its year is not the table's (the year most of its units report). The same
unit twice is refused before ranking (see :func:`assess.batch.distinct_units`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assess.errors import AssessError
from assess.facts import PERIOD_LABELS, UNIT_TYPE_LABELS
from assess.i18n import _
from assess.ruleset import Ruleset
from assess.scoring.assessment import Assessment, CategoryScore, Deduction, RulesetRef, UnitRef
from assess.scoring.pillars import pillar_scores
from assess.scoring.totals import Capped, Decision

# Rows are slotted dataclasses, not pydantic models: a province ranks tens of thousands of
# units, and a row costs about 600 bytes this way against 4 KB as a model. Pydantic
# serialises them like models, so the JSON form is the same.


@dataclass(frozen=True, slots=True)
class MainDeduction:
    """One of a unit's largest deductions, for the table's 主要扣分 column."""

    rule: str
    item: str
    points: float


@dataclass(frozen=True, slots=True)
class Row:
    """One ranked unit."""

    rank: int
    unit: UnitRef
    self_score: float | None
    total: float
    categories: tuple[float, ...]
    bonus: float
    grade: str
    vetoed: bool
    blocked: bool
    main_deductions: tuple[MainDeduction, ...]
    ceiling: float = 0.0
    pending: float = 0.0
    grades_possible: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    """Codes of the submission's flags (模板空白, 材料雷同 ...), shown beside the table; not scored."""
    pillars: tuple[float, ...] = ()
    """Scores by 一案三制 and 保障, in the order of the table's ``pillars`` columns."""

    @property
    def open(self) -> bool:
        """More than one grade is still possible (初评): the table shows 待定."""
        return len(self.grades_possible) > 1


@dataclass(frozen=True, slots=True)
class Summary:
    """What ranking needs of one assessment (small, so that workers can send it back):
    its row, not yet ranked, and the key that ranks it."""

    key: tuple[float, ...]
    """Sorts best first: the total (the floor) descending, the ceiling descending, then the
    ruleset's tie-break keys."""
    row: Row
    phase: Literal["provisional", "final"] = "final"


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    max: float


class GradeCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    grade: str
    count: int


class Unranked(BaseModel):
    """A unit scored but left out of a table, and why."""

    model_config = ConfigDict(frozen=True)

    unit: UnitRef
    total: float
    reason: str


class Gap(BaseModel):
    model_config = ConfigDict(frozen=True)

    unit: UnitRef
    self_score: float
    total: float
    diff: float


class Table(BaseModel):
    """One ranked table: the units scored by one ruleset."""

    model_config = ConfigDict(frozen=True)

    title: str
    ruleset: RulesetRef
    unit_types: list[str]
    categories: list[Column]
    tie_break: list[str]
    rows: list[Row]
    pillars: list[Column] = []
    """Subtotal columns by 一案三制 and 保障 (each row's ``pillars``), for renderers that show them."""
    grades: list[GradeCount]
    self_score_threshold: float
    self_score_gaps: list[Gap]
    phase: Literal["provisional", "final"] = "final"
    year: int | None = None
    unranked: list[Unranked] = []


class Ranking(BaseModel):
    """Ranked tables, one per rubric (or one in all with ``by="none"``)."""

    model_config = ConfigDict(frozen=True)

    tables: list[Table]


def _sort_key(a: Assessment | Decision, keys: Sequence[str]) -> tuple[float, ...]:
    """Smaller is better."""
    out = [-a.total, -a.ceiling]
    for key in keys:
        if key == "vetoes":
            out.append(len(a.vetoes))
        elif key == "blocks":
            out.append(len(a.blocks_excellent))
        elif key == "bonus":
            out.append(-a.bonus)
        elif key == "missing":
            out.append(len(a.missing))
        else:
            wanted = key.split(":", 1)[1]
            out.append(-next(c.score for c in a.categories if c.id == wanted))
    return tuple(out)


def main_deductions(a: Assessment | Decision, count: int = 3) -> tuple[MainDeduction, ...]:
    """The largest deductions (ties in rule order)."""
    deductions: Sequence[Deduction | Capped] = a.deductions
    ordered = sorted(enumerate(deductions), key=lambda pair: (-pair[1].points, pair[0]))
    return tuple(MainDeduction(d.rule, d.item, d.points) for _, d in ordered[:count] if d.points > 0)


def summarize(assessment: Assessment | Decision, ruleset: Ruleset) -> Summary:
    """The part of an assessment a ranked table shows (a decision, not yet explained, has it all)."""
    return Summary(_sort_key(assessment, ruleset.spec.tie_break),
                   Row(0, assessment.unit, assessment.self_score,
                       assessment.total, tuple(c.score for c in assessment.categories), assessment.bonus,
                       assessment.grade, bool(assessment.vetoes), bool(assessment.blocks_excellent),
                       main_deductions(assessment), assessment.ceiling, assessment.pending_points,
                       tuple(assessment.grades_possible), tuple(dict.fromkeys(f.code for f in assessment.flags)),
                       tuple(p.score for p in assessment.pillars)),
                   assessment.phase)


class Ranker:
    """Collects assessments (or their summaries) one at a time, so that a caller can
    stream, and ranks them."""

    def __init__(self, by: Literal["type", "none"] = "type", self_score_threshold: float = 5.0) -> None:
        self.by = by
        self.threshold = self_score_threshold
        self._groups: dict[str, tuple[Ruleset, list[Summary]]] = {}

    def add(self, assessment: Assessment, ruleset: Ruleset) -> None:
        self.add_summary(summarize(assessment, ruleset), ruleset)

    def add_summary(self, summary: Summary, ruleset: Ruleset) -> None:
        key = ruleset.sha256 if self.by == "type" else "all"
        group = self._groups.get(key)
        if group is None:
            group = (ruleset, [])
            self._groups[key] = group
        elif group[0].sha256 != ruleset.sha256:
            raise AssessError(_("units were scored under different rulesets ({first} and {second}); "
                                "rank them by type, or score them all under one ruleset").format(
                                    first=group[0].id, second=ruleset.id))
        group[1].append(summary)

    def ranking(self) -> Ranking:
        tables = [self._table(ruleset, entries) for ruleset, entries in self._groups.values()]
        tables.sort(key=lambda t: _TABLE_ORDER.get(t.unit_types[0] if t.unit_types else "", 9))
        return Ranking(tables=tables)

    def _table(self, ruleset: Ruleset, entries: list[Summary]) -> Table:
        entries.sort(key=lambda e: (e.key, e.row.unit.name, e.row.unit.id))
        spec = ruleset.spec
        year = _table_year(entries)
        kept: list[Summary] = []
        unranked: list[Unranked] = []
        for e in entries:
            unit = e.row.unit
            reason = None
            if unit.period is not None and unit.period != spec.period:
                reason = (f"{PERIOD_LABELS.get(unit.period, unit.period)}报告，不与"
                          f"{PERIOD_LABELS.get(spec.period, spec.period)}考核的单位排名")
            elif year is not None and unit.year is not None and unit.year != year:
                reason = f"考核年度为{unit.year}年，本表为{year}年"
            if reason is None:
                kept.append(e)
            else:
                unranked.append(Unranked(unit=unit, total=e.row.total, reason=reason))
        entries = kept
        rows: list[Row] = []
        rank = 0
        previous: tuple[float, ...] | None = None
        for position, e in enumerate(entries, start=1):
            if e.key != previous:
                rank, previous = position, e.key
            rows.append(replace(e.row, rank=rank))
        phases = {e.phase for e in entries}
        entries.clear()
        counts = {g.name: 0 for g in spec.grades}
        for row in rows:
            shown = PENDING_GRADE if row.open else row.grade
            counts[shown] = counts.get(shown, 0) + 1
        present = sorted({r.unit.type for r in rows}, key=lambda t: list(UNIT_TYPE_LABELS).index(t))
        gaps = [Gap(unit=r.unit, self_score=r.self_score, total=r.total, diff=round(r.self_score - r.total, 2))
                for r in rows if r.self_score is not None and abs(r.self_score - r.total) > self.threshold]
        return Table(
            title="、".join(UNIT_TYPE_LABELS[t] for t in present),
            ruleset=RulesetRef(id=spec.id, title=spec.title, version=spec.version, sha256=ruleset.sha256,
                               source=ruleset.name),
            unit_types=present,
            categories=[Column(id=c.id, name=c.name, max=c.max) for c in spec.categories],
            pillars=[Column(id=p.id, name=p.id, max=p.max) for p in pillar_scores(spec, ())],
            tie_break=list(spec.tie_break), rows=rows,
            grades=[GradeCount(grade=g, count=n) for g, n in counts.items()],
            self_score_threshold=self.threshold, self_score_gaps=gaps,
            phase="provisional" if "provisional" in phases else "final", year=year, unranked=unranked)


_TABLE_ORDER = {"township": 0, "street": 0, "department": 1, "county": 2, "devzone": 3, "city": 4}
PENDING_GRADE = "待定"
"""Shown instead of a grade while the grades still possible are more than one (初评)."""


def _table_year(entries: Sequence[Summary]) -> int | None:
    """The year most of a table's units report (the latest among equals)."""
    years = Counter(e.row.unit.year for e in entries if e.row.unit.year is not None)
    if not years:
        return None
    return max(years, key=lambda y: (years[y], y))


class RuleDifference(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    item: str
    category: str | None
    a: float
    """Points the rule added to A's total (a deduction is negative, a bonus positive)."""
    b: float
    effect: float
    """a - b: how far the rule moves A ahead of B (or behind it, when negative)."""


class CategoryDifference(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    max: float
    a: float
    b: float
    diff: float


class Comparison(BaseModel):
    """Why unit A ranks above (or below) unit B under the same ruleset."""

    model_config = ConfigDict(frozen=True)

    ruleset: RulesetRef
    a: UnitRef
    b: UnitRef
    total_a: float
    total_b: float
    diff: float
    grade_a: str
    grade_b: str
    categories: list[CategoryDifference]
    bonus_diff: float
    rules: list[RuleDifference]
    vetoes_a: list[str]
    vetoes_b: list[str]
    blocks_a: list[str]
    blocks_b: list[str]


def compare(a: Assessment, b: Assessment) -> Comparison:
    """The categories and rules that separate two units scored by the same ruleset.

    In 初评 units are ranked by their floor, so a pending item counts as losing its points
    at stake, and a category's score is what it keeps at the floor."""
    if a.ruleset.sha256 != b.ruleset.sha256:
        raise AssessError(_("{a} and {b} were scored under different rulesets ({first} and {second}); "
                            "compare them under one with --ruleset").format(
                                a=a.unit.name, b=b.unit.name, first=a.ruleset.id, second=b.ruleset.id))
    b_categories = {c.id: c for c in b.categories}
    def floor(c: CategoryScore) -> float:
        return round(c.score - c.pending, 2)

    categories = [CategoryDifference(id=c.id, name=c.name, max=c.max, a=floor(c), b=floor(b_categories[c.id]),
                                     diff=round(floor(c) - floor(b_categories[c.id]), 2)) for c in a.categories]
    taken: dict[str, dict[str, float]] = {}
    items: dict[str, tuple[str, str | None]] = {}
    for side, assessment in (("a", a), ("b", b)):
        for d in assessment.deductions:
            taken.setdefault(d.rule, {})[side] = -d.points
            items[d.rule] = (d.item, d.category)
        for bonus in assessment.bonuses:
            taken.setdefault(bonus.rule, {})[side] = bonus.points
            items[bonus.rule] = (bonus.item, None)
        for pending in assessment.pending:
            if pending.kind == "deduct":
                taken.setdefault(pending.rule, {})[side] = -pending.points
                items[pending.rule] = (pending.item, pending.category)
    rules = []
    for rule, sides in taken.items():
        effect = round(sides.get("a", 0.0) - sides.get("b", 0.0), 2)
        if effect:
            item, category = items[rule]
            rules.append(RuleDifference(rule=rule, item=item, category=category, a=sides.get("a", 0.0),
                                        b=sides.get("b", 0.0), effect=effect))
    order = {c.id: i for i, c in enumerate(a.categories)}
    rules.sort(key=lambda r: (-abs(r.effect), order.get(r.category or "", 99), r.rule))
    return Comparison(
        ruleset=a.ruleset, a=a.unit, b=b.unit, total_a=a.total, total_b=b.total,
        diff=round(a.total - b.total, 2), grade_a=a.grade, grade_b=b.grade, categories=categories,
        bonus_diff=round(a.bonus - b.bonus, 2), rules=rules,
        vetoes_a=[v.rule for v in a.vetoes], vetoes_b=[v.rule for v in b.vetoes],
        blocks_a=[v.rule for v in a.blocks_excellent], blocks_b=[v.rule for v in b.blocks_excellent])
