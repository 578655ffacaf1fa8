"""The ruleset file format: a rubric an assessor can read, checked when it loads.

A ruleset is YAML. Its structure is validated by the models below (unknown keys are
errors with a suggestion); :func:`check` then checks what a schema cannot: unique ids,
categories that exist and add up to the total, item points that add up to their
category, deductions that fit their items, and grade bands. Every problem is reported
at once, each naming the rule and the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assess.errors import Issue, RulesetError
from assess.facts import HonorLevel, UnitType
from assess.paths import Path, did_you_mean, fields_at, json_path
from assess.rubric.yamldoc import Document

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
Points = Annotated[float, Field(ge=0, le=1000)]
Positive = Annotated[float, Field(gt=0, le=1000)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Expr = Annotated[str, Field(min_length=1, max_length=2000)]

TIE_BREAK_KEYS = ("vetoes", "blocks", "bonus", "missing")
"""Tie-break keys a ruleset may list; ``category:<id>`` ranks by that category's score."""
Pillar = Literal["预案", "体制", "机制", "法制", "保障"]
RuleKind = Literal["deduct", "bonus", "veto", "no_excellent"]
MissingPolicy = Literal["deduct", "skip"]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class CategorySpec(Spec):
    id: Id
    name: Text
    max: Positive
    capped: bool = False
    """True when the items' points add up to more than ``max`` and the category as a whole
    is 扣完为止; otherwise they must add up to ``max`` exactly."""


class GradeSpec(Spec):
    name: Text
    min: Points


class PerSpec(Spec):
    count: Expr
    points: Positive


class ShortfallSpec(Spec):
    value: Expr
    target: float
    points: Positive
    step: Positive = 1.0
    whole: bool = True


class TierSpec(Spec):
    min: float | None = None
    points: Points


class TiersSpec(Spec):
    value: Expr
    levels: Annotated[list[TierSpec], Field(min_length=2, max_length=20)]


class RangeSpec(Spec):
    min: Points
    max: Positive
    default: Points


def _exactly_one(model: BaseModel, forms: tuple[str, ...]) -> None:
    given = [name for name in forms if getattr(model, name) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {', '.join(forms)}"
                         + (f" (got {', '.join(given)})" if given else ""))


DEDUCT_FORMS = ("fixed", "per", "graded", "shortfall", "tiers", "range")
AWARD_FORMS = ("fixed", "per", "honors")


class DeductSpec(Spec):
    fixed: Positive | None = None
    per: PerSpec | None = None
    graded: Annotated[dict[str, Positive], Field(min_length=1, max_length=20)] | None = None
    shortfall: ShortfallSpec | None = None
    tiers: TiersSpec | None = None
    range: RangeSpec | None = None

    @model_validator(mode="after")
    def _one_form(self) -> DeductSpec:
        _exactly_one(self, DEDUCT_FORMS)
        return self

    @property
    def form(self) -> str:
        return next(name for name in DEDUCT_FORMS if getattr(self, name) is not None)


class AwardSpec(Spec):
    fixed: Positive | None = None
    per: PerSpec | None = None
    honors: Annotated[dict[HonorLevel, Positive], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> AwardSpec:
        _exactly_one(self, AWARD_FORMS)
        return self

    @property
    def form(self) -> str:
        return next(name for name in AWARD_FORMS if getattr(self, name) is not None)


class RuleSpec(Spec):
    id: Id
    kind: RuleKind = "deduct"
    category: Id | None = None
    pillar: Pillar
    item: Text
    points: Positive | None = None
    when: Expr | None = None
    deduct: DeductSpec | None = None
    award: AwardSpec | None = None
    reason: Text
    passed: Text | None = None
    basis: Text
    if_missing: MissingPolicy | None = None


class RulesetSpec(Spec):
    id: Id
    title: Text
    version: Annotated[str, Field(min_length=1, max_length=40)]
    description: Text | None = None
    applies_to: Annotated[list[UnitType], Field(min_length=1)]
    total: Positive
    bonus_cap: Points = 0.0
    if_missing: MissingPolicy = "deduct"
    grades: Annotated[list[GradeSpec], Field(min_length=2, max_length=10)]
    veto_grade: Text | None = None
    categories: Annotated[list[CategorySpec], Field(min_length=1, max_length=50)]
    rules: Annotated[list[RuleSpec], Field(min_length=1, max_length=500)]
    tie_break: list[Annotated[str, Field(min_length=1, max_length=80)]] = []

    @property
    def fail_grade(self) -> str:
        return self.veto_grade or self.grades[-1].name

    @property
    def top_grade(self) -> str:
        return self.grades[0].name


@dataclass(frozen=True)
class Rubric:
    """A structurally valid ruleset and the document it came from (for line numbers)."""

    spec: RulesetSpec
    doc: Document
    source: str

    def rule_path(self, index: int, *rest: str | int) -> Path:
        return ("rules", index, *rest)

    def issue(self, path: Path, message: str) -> Issue:
        rule = None
        if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
            rules = self.doc.data.get("rules") if isinstance(self.doc.data, dict) else None
            if isinstance(rules, list) and path[1] < len(rules) and isinstance(rules[path[1]], dict):
                rule_id = rules[path[1]].get("id")
                rule = str(rule_id) if rule_id is not None else None
        return Issue(json_path(path), message, line=self.doc.line(path), rule=rule)


def parse(doc: Document, source: str) -> Rubric:
    """Validate a ruleset's structure; every problem is reported with its line."""
    if not isinstance(doc.data, dict):
        raise RulesetError("a ruleset must be a YAML mapping", source=source)
    probe = Rubric(RulesetSpec.model_construct(), doc, source)
    try:
        spec = RulesetSpec.model_validate(doc.data, strict=True)
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"]
                        if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key" + did_you_mean(str(loc[-1]), fields_at(RulesetSpec, loc[:-1]))
            elif error["type"] == "string_type" and isinstance(error.get("input"), (int, float)):
                message = f"expected text, got the number {error['input']}; put it in quotes"
            elif error["type"] == "missing":
                message = "required key is missing"
            issues.append(probe.issue(loc, message))
        issues.sort(key=lambda i: (i.line or 0, i.path))
        raise RulesetError(f"{len(issues)} problem(s) in the ruleset", source=source,
                           issues=tuple(issues)) from exc
    return Rubric(spec, doc, source)


def check(rubric: Rubric) -> None:
    """Checks across the ruleset; raises one error listing every problem."""
    spec = rubric.spec
    issues: list[Issue] = []

    def add(path: Path, message: str) -> None:
        issues.append(rubric.issue(path, message))

    _unique(rubric, [c.id for c in spec.categories], "categories", "category id", add)
    _unique(rubric, [r.id for r in spec.rules], "rules", "rule id", add)
    _unique(rubric, [g.name for g in spec.grades], "grades", "grade name", add)
    _check_grades(spec, add)
    for path, value in _point_values(spec):
        if abs(value * 100 - round(value * 100)) > 1e-6:
            add(path, f"{value:g} has more than two decimals; points are counted in hundredths")

    category_total = sum(c.max for c in spec.categories)
    if abs(category_total - spec.total) > 1e-9:
        add(("categories",), f"category maxima add up to {_num(category_total)}, "
                             f"not the declared total {_num(spec.total)}")
    categories = {c.id: c for c in spec.categories}
    options = [*TIE_BREAK_KEYS, *(f"category:{c}" for c in categories)]
    for index, key in enumerate(spec.tie_break):
        if key not in options:
            add(("tie_break", index), f"unknown tie-break key {key!r}{did_you_mean(key, options)}; "
                                      f"use {', '.join(TIE_BREAK_KEYS)} or category:<id>")
    for index, rule in enumerate(spec.rules):
        _check_rule(rubric, index, rule, categories, add)

    for c_index, category in enumerate(spec.categories):
        members = [r for r in spec.rules if r.kind == "deduct" and r.category == category.id]
        points = sum(r.points or 0 for r in members)
        listed = ", ".join(f"{r.id} {_num(r.points or 0)}" for r in members) or "no items"
        if points < category.max - 1e-9:
            add(("categories", c_index, "max"),
                f"items of category {category.id} ({category.name}) add up to {_num(points)}, "
                f"less than its maximum {_num(category.max)}: {listed}")
        elif points > category.max + 1e-9 and not category.capped:
            add(("categories", c_index, "max"),
                f"items of category {category.id} ({category.name}) add up to {_num(points)}, "
                f"more than its maximum {_num(category.max)} ({listed}); if the category is "
                "扣完为止 as a whole, say so with capped: true")
    if issues:
        raise RulesetError(f"{len(issues)} problem(s) in the ruleset", source=rubric.source,
                           issues=tuple(issues))


def _point_values(spec: RulesetSpec) -> list[tuple[Path, float]]:
    """Every number in the ruleset that is an amount of points (not a condition, target,
    step or tier bound)."""
    out: list[tuple[Path, float]] = [(("total",), spec.total), (("bonus_cap",), spec.bonus_cap)]
    out += [(("categories", i, "max"), c.max) for i, c in enumerate(spec.categories)]
    out += [(("grades", i, "min"), g.min) for i, g in enumerate(spec.grades)]
    for i, rule in enumerate(spec.rules):
        if rule.points is not None:
            out.append((("rules", i, "points"), rule.points))
        d, a = rule.deduct, rule.award
        if d is not None:
            at: Path = ("rules", i, "deduct")
            if d.fixed is not None:
                out.append(((*at, "fixed"), d.fixed))
            if d.per is not None:
                out.append(((*at, "per", "points"), d.per.points))
            if d.shortfall is not None:
                out.append(((*at, "shortfall", "points"), d.shortfall.points))
            if d.range is not None:
                out += [((*at, "range", k), getattr(d.range, k)) for k in ("min", "max", "default")]
            out += [((*at, "graded", k), v) for k, v in (d.graded or {}).items()]
            if d.tiers is not None:
                out += [((*at, "tiers", "levels", n, "points"), level.points)
                        for n, level in enumerate(d.tiers.levels)]
        if a is not None:
            at = ("rules", i, "award")
            if a.fixed is not None:
                out.append(((*at, "fixed"), a.fixed))
            if a.per is not None:
                out.append(((*at, "per", "points"), a.per.points))
            out += [((*at, "honors", k), v) for k, v in (a.honors or {}).items()]
    return out


def _unique(rubric: Rubric, values: list[str], where: str, what: str, add: Any) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            add((where, index), f"duplicate {what} {value!r} (first at {where}[{seen[value]}])")
        else:
            seen[value] = index


def _check_grades(spec: RulesetSpec, add: Any) -> None:
    previous: float | None = None
    for index, grade in enumerate(spec.grades):
        if previous is not None and grade.min >= previous:
            add(("grades", index, "min"),
                f"grade bands are inclusive lower bounds listed from best to worst; "
                f"{grade.name} ({_num(grade.min)}) must be below the band before it ({_num(previous)})")
        previous = grade.min
    if spec.grades[-1].min != 0:
        add(("grades", len(spec.grades) - 1, "min"),
            f"the last grade must start at 0 so that every score has a grade, "
            f"not at {_num(spec.grades[-1].min)}")
    if spec.grades[0].min > spec.total + spec.bonus_cap:
        add(("grades", 0, "min"), f"no unit can reach {spec.grades[0].name}: it starts at "
                                  f"{_num(spec.grades[0].min)}, above the highest possible score")
    if spec.veto_grade is not None and spec.veto_grade not in {g.name for g in spec.grades}:
        add(("veto_grade",), f"veto_grade {spec.veto_grade!r} is not one of the grades"
                             + did_you_mean(spec.veto_grade, [g.name for g in spec.grades]))


def _check_rule(rubric: Rubric, index: int, rule: RuleSpec,
                categories: Mapping[str, CategorySpec], add: Any) -> None:
    def at(*rest: str | int) -> Path:
        return rubric.rule_path(index, *rest)

    if rule.kind == "deduct":
        if rule.category is None:
            add(at(), "a deduct rule needs a category")
        elif rule.category not in categories:
            add(at("category"), f"unknown category {rule.category!r}"
                                + did_you_mean(rule.category, categories))
        if rule.points is None:
            add(at(), "a deduct rule needs points (the item's value)")
        if rule.deduct is None:
            add(at(), "a deduct rule needs a 'deduct' form")
        if rule.award is not None:
            add(at("award"), "only bonus rules have an 'award'")
        if rule.deduct is not None and rule.points is not None:
            _check_deduct(rule.deduct, rule.points, at, add)
            if rule.deduct.form in ("fixed", "range") and rule.when is None:
                add(at(), f"a {rule.deduct.form} deduction needs a 'when' condition")
    elif rule.kind == "bonus":
        if rule.points is None:
            add(at(), "a bonus rule needs points (the most it can award)")
        if rule.award is None:
            add(at(), "a bonus rule needs an 'award' form")
        if rule.deduct is not None:
            add(at("deduct"), "a bonus rule awards points; use 'award', not 'deduct'")
        if rule.award is not None and rule.award.form == "fixed" and rule.when is None:
            add(at(), "a fixed award needs a 'when' condition")
        if rule.award is not None and rule.award.fixed is not None and rule.points is not None \
                and rule.award.fixed > rule.points:
            add(at("award", "fixed"), f"award {_num(rule.award.fixed)} exceeds the rule's points {_num(rule.points)}")
    else:
        label = "veto" if rule.kind == "veto" else "no_excellent"
        if rule.when is None:
            add(at(), f"a {label} rule needs a 'when' condition")
        for key in ("points", "deduct", "award"):
            if getattr(rule, key) is not None:
                add(at(key), f"a {label} rule decides the grade and has no '{key}'")
    if rule.kind != "deduct":
        if rule.category is not None and rule.kind != "bonus":
            add(at("category"), f"a {rule.kind} rule belongs to no category")
        if rule.if_missing == "deduct":
            add(at("if_missing"), f"a {rule.kind} rule never applies on missing facts; "
                                  "only deduct rules may use if_missing: deduct")
        if rule.kind == "bonus" and rule.category is not None:
            add(at("category"), "bonus points sit on top of the categories; remove 'category'")


def _check_deduct(deduct: DeductSpec, points: float, at: Any, add: Any) -> None:
    if deduct.fixed is not None and deduct.fixed > points:
        add(at("deduct", "fixed"),
            f"fixed deduction {_num(deduct.fixed)} exceeds the item's points {_num(points)}")
    if deduct.range is not None:
        r = deduct.range
        if r.max > points:
            add(at("deduct", "range", "max"),
                f"range maximum {_num(r.max)} exceeds the item's points {_num(points)}")
        if not r.min <= r.default <= r.max:
            add(at("deduct", "range", "default"),
                f"default {_num(r.default)} is outside the range {_num(r.min)}-{_num(r.max)}")
        if r.min > r.max:
            add(at("deduct", "range", "min"), f"range minimum {_num(r.min)} exceeds maximum {_num(r.max)}")
    if deduct.tiers is not None:
        levels = deduct.tiers.levels
        previous: float | None = None
        for level_index, level in enumerate(levels):
            last = level_index == len(levels) - 1
            if level.points > points:
                add(at("deduct", "tiers", "levels", level_index, "points"),
                    f"tier deduction {_num(level.points)} exceeds the item's points {_num(points)}")
            if last:
                if level.min is not None:
                    add(at("deduct", "tiers", "levels", level_index, "min"),
                        "the last tier takes every value below the others; leave out its min")
            elif level.min is None:
                add(at("deduct", "tiers", "levels", level_index),
                    "every tier but the last needs a min (inclusive lower bound)")
            elif previous is not None and level.min >= previous:
                add(at("deduct", "tiers", "levels", level_index, "min"),
                    f"tiers are listed from the highest min down; {_num(level.min)} is not below {_num(previous)}")
            if level.min is not None:
                previous = level.min
        deductions = [level.points for level in levels]
        if deductions != sorted(deductions):
            add(at("deduct", "tiers", "levels"),
                "a lower tier must never deduct less than a higher one")


def _num(value: float) -> str:
    return f"{value:g}"
