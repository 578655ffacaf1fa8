"""The ruleset file format: a rubric an assessor can read, checked when it loads.

A ruleset is YAML. Its structure is validated by the models below (unknown keys are
errors with a suggestion); :func:`check` then checks what a schema cannot: unique ids,
categories that exist and add up to the total, item points that add up to their
category, deductions that fit their items, and grade bands. Every problem is reported
at once, each naming the rule and the line.
"""

# Annotations are not postponed (no `from __future__ import annotations`): pydantic would
# compile and evaluate each field's annotation text when the models are made, at every start.
import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

import msgspec
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError

from assess.errors import Issue, RulesetError
from assess.facts import Sector, UnitType
from assess.facts.reading import pydantic_message
from assess.i18n import _, comma, ngettext
from assess.paths import Path, did_you_mean, fields_at, json_path
from assess.points import num
from assess.rubric import forms
from assess.rubric.forms.base import Form, FormKind
from assess.rubric.types import Expr, Id, Points, Positive, Text
from assess.rubric.yamldoc import Document

TIE_BREAK_KEYS = ("vetoes", "blocks", "bonus", "missing")
"""Tie-break keys a ruleset may list; ``category:<id>`` ranks by that category's score."""
Pillar = Literal["预案", "体制", "机制", "法制", "保障"]
PILLARS: tuple[Pillar, ...] = get_args(Pillar)
"""一案三制 and 保障, in the order reports list them."""
RuleKind = Literal["deduct", "bonus", "veto", "no_excellent"]
MissingPolicy = Literal["deduct", "skip"]
RuleSource = Literal["unit", "office", "review"]
"""Who answers a rule: the unit's own evidence, the assessing office's records, or the
assessment team's review (on-site checks)."""
DEFAULT_METHODS = ("查阅资料", "实地检查", "日常考核")


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)


class CategorySpec(Spec):
    id: Id
    name: Text
    max: Positive
    capped: bool = False
    """True when the items' points add up to more than ``max`` and the category as a whole
    is 扣完为止; otherwise they must add up to ``max`` exactly."""
    pillar: Pillar | None = None
    """The 一案三制 pillar (or 保障) the category stands for; the ``pillar-mismatch`` lint
    compares it with what its rules read. Without it, the pillar most of its rules carry."""


class GradeSpec(Spec):
    name: Text
    min: Points


class FormUse(msgspec.Struct, frozen=True):
    """A rule's deduction or award: the form and its validated value."""

    form: Form
    value: Any
    kind: FormKind

    @property
    def key(self) -> str:
        """Where the form sits in the rule: ``deduct`` or ``award``."""
        return "deduct" if self.kind == "deduct" else "award"


class RuleSpec(Spec):
    id: Id
    kind: RuleKind = "deduct"
    category: Id | None = None
    pillar: Pillar
    item: Text
    points: Positive | None = None
    when: Expr | None = None
    deduct: Annotated[dict[str, Any], Field(min_length=1)] | None = None
    award: Annotated[dict[str, Any], Field(min_length=1)] | None = None
    reason: Text
    passed: Text | None = None
    basis: Text
    if_missing: MissingPolicy | None = None
    source: RuleSource = "unit"
    method: Text | None = None
    also_charges: Annotated[list[Id], Field(max_length=50)] = []
    """Rules that charge the same shortfall on purpose (the ``double-charge`` lint accepts them)."""
    _use: FormUse | None = PrivateAttr(default=None)

    @property
    def use(self) -> FormUse | None:
        """The rule's deduction or award form with its validated value (None for vetoes
        and 否优项, and before :func:`parse` has validated the forms)."""
        return self._use


class RulesetSpec(Spec):
    id: Id
    title: Text
    version: Annotated[str, Field(min_length=1, max_length=40)]
    description: Text | None = None
    applies_to: Annotated[list[UnitType], Field(min_length=1)]
    sectors: Annotated[list[Sector], Field(max_length=20)] = []
    """For a department overlay: the ``unit.sector`` values it scores (个性指标)."""
    total: Positive
    bonus_cap: Points = 0.0
    if_missing: MissingPolicy = "deduct"
    grades: Annotated[list[GradeSpec], Field(min_length=2, max_length=10)]
    veto_grade: Text | None = None
    categories: Annotated[list[CategorySpec], Field(min_length=1, max_length=50)]
    rules: Annotated[list[RuleSpec], Field(min_length=1, max_length=500)]
    tie_break: list[Annotated[str, Field(min_length=1, max_length=80)]] = []
    period: Literal["annual", "half-year"] = "annual"
    """The period the rubric scores: a submission for another period is scored on request
    but never ranked with this one's."""
    methods: Annotated[list[Text], Field(min_length=1, max_length=20)] = list(DEFAULT_METHODS)
    """How items are checked; a rule's ``method`` is one of these."""

    @property
    def fail_grade(self) -> str:
        return self.veto_grade or self.grades[-1].name

    @property
    def top_grade(self) -> str:
        return self.grades[0].name


class Rubric(msgspec.Struct, frozen=True):
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
        origin = self.doc.origin(path)
        if origin is not None:  # a value an overlay took over from the ruleset it extends
            message = message + _(" (written in {file})").format(file=origin)
        return Issue(json_path(path), message, line=self.doc.line(path), rule=rule)


def parse(doc: Document, source: str) -> Rubric:
    """Validate a ruleset's structure and each rule's form; every problem is reported with its line."""
    if not isinstance(doc.data, dict):
        raise RulesetError(_("a ruleset must be a YAML mapping"), source=source)
    probe = Rubric(RulesetSpec.model_construct(), doc, source)
    try:
        spec = RulesetSpec.model_validate(doc.data, strict=True)
    except ValidationError as exc:
        issues = sorted(_issues(probe, exc, (), RulesetSpec), key=lambda i: (i.line or 0, i.path))
        raise RulesetError(_problems(len(issues)), source=source, issues=tuple(issues)) from exc
    rubric = Rubric(spec, doc, source)
    issues = []
    for index, rule in enumerate(spec.rules):
        kind: FormKind | None = "deduct" if rule.kind == "deduct" else "bonus" if rule.kind == "bonus" else None
        given = rule.deduct if kind == "deduct" else rule.award if kind == "bonus" else None
        if kind is None or given is None:
            continue  # a missing or misplaced form is reported by check()
        try:
            rule._use = _form_use(kind, given)
        except _FormError as exc:
            issues.extend(_issues(rubric, exc.cause, ("rules", index, *exc.path), exc.model)
                          if exc.cause is not None else [rubric.issue(("rules", index, *exc.path), exc.message)])
    if issues:
        raise RulesetError(_problems(len(issues)), source=source, issues=tuple(issues))
    return rubric


def _problems(count: int) -> str:
    return ngettext("{count} problem in the ruleset", "{count} problems in the ruleset", count).format(count=count)


class _FormError(Exception):
    def __init__(self, path: Path, message: str = "", cause: ValidationError | None = None,
                 model: type[BaseModel] | None = None) -> None:
        super().__init__(message)
        self.path, self.message, self.cause, self.model = path, message, cause, model


@functools.cache
def _adapter(form: Form) -> TypeAdapter[Any]:
    """The form's validator, built once: building it costs more than validating a rule's
    value with it, and a ruleset has dozens of rules of a handful of forms."""
    return TypeAdapter(form.spec)


def _form_use(kind: FormKind, given: Mapping[str, Any]) -> FormUse:
    key = "deduct" if kind == "deduct" else "award"
    allowed = forms.names(kind)
    if len(given) != 1:
        raise _FormError((key,), _("give exactly one of {forms} (got {given})").format(
            forms=comma().join(allowed), given=comma().join(map(str, given))))
    name, value = next(iter(given.items()))
    form = forms.FORMS.get(name)
    if form is None or kind not in form.kinds:
        template = (_("unknown deduction form {name!r}{hint}; use one of {forms}") if kind == "deduct"
                    else _("unknown award form {name!r}{hint}; use one of {forms}"))
        raise _FormError((key, name), template.format(name=name, hint=did_you_mean(name, allowed),
                                                      forms=comma().join(allowed)))
    try:
        validated = _adapter(form).validate_python(value, strict=True)
    except ValidationError as exc:
        spec = form.spec if isinstance(form.spec, type) and issubclass(form.spec, BaseModel) else None
        raise _FormError((key, name), cause=exc, model=spec) from exc
    return FormUse(form, validated, kind)


def _issues(rubric: Rubric, exc: ValidationError, prefix: Path, model: type[BaseModel] | None) -> list[Issue]:
    """pydantic's errors as issues at their ruleset paths, in a rubric author's words."""
    issues = []
    for error in exc.errors(include_url=False):
        loc = tuple(p for p in error["loc"]
                    if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
        message = pydantic_message(error).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            allowed = fields_at(model, loc[:-1]) if model is not None else []
            message = _("unknown key") + did_you_mean(str(loc[-1]), allowed)
        elif error["type"] == "string_type" and isinstance(error.get("input"), (int, float)):
            message = _("expected text, got the number {number}; put it in quotes").format(number=error["input"])
        elif error["type"] == "missing":
            message = _("required key is missing")
        issues.append(rubric.issue((*prefix, *loc), message))
    return issues


def check(rubric: Rubric) -> None:
    """Checks across the ruleset; raises one error listing every problem."""
    spec = rubric.spec
    issues: list[Issue] = []

    def add(path: Path, message: str) -> None:
        issues.append(rubric.issue(path, message))

    _unique(rubric, [c.id for c in spec.categories], "categories",
            _("duplicate category id {value!r} (first at {first})"), add)
    _unique(rubric, [r.id for r in spec.rules], "rules", _("duplicate rule id {value!r} (first at {first})"), add)
    _unique(rubric, [g.name for g in spec.grades], "grades",
            _("duplicate grade name {value!r} (first at {first})"), add)
    _check_grades(spec, add)
    for path, value in _point_values(spec):
        if abs(value * 100 - round(value * 100)) > 1e-6:
            add(path, _("{value} has more than two decimals; points are counted in hundredths").format(
                value=f"{value:g}"))

    category_total = sum(c.max for c in spec.categories)
    if abs(category_total - spec.total) > 1e-9:
        add(("categories",), _("category maxima add up to {sum}, not the declared total {total}").format(
            sum=num(category_total), total=num(spec.total)))
    categories = {c.id: c for c in spec.categories}
    options = [*TIE_BREAK_KEYS, *(f"category:{c}" for c in categories)]
    for index, key in enumerate(spec.tie_break):
        if key not in options:
            add(("tie_break", index), _("unknown tie-break key {key!r}{hint}; use {keys} or category:<id>").format(
                key=key, hint=did_you_mean(key, options), keys=comma().join(TIE_BREAK_KEYS)))
    known = {r.id for r in spec.rules}
    for index, rule in enumerate(spec.rules):
        _check_rule(rubric, index, rule, categories, add)
        for a_index, other in enumerate(rule.also_charges):
            if other not in known or other == rule.id:
                add(rubric.rule_path(index, "also_charges", a_index),
                    _("also_charges names {rule!r}, which is not another rule of the ruleset").format(rule=other)
                    + did_you_mean(other, known))
        if rule.method is not None and rule.method not in spec.methods:
            add(rubric.rule_path(index, "method"),
                _("unknown method {method!r}{hint}; the ruleset's methods are {methods}").format(
                    method=rule.method, hint=did_you_mean(rule.method, spec.methods),
                    methods=comma().join(spec.methods)))

    for c_index, category in enumerate(spec.categories):
        members = [r for r in spec.rules if r.kind == "deduct" and r.category == category.id]
        points = sum(r.points or 0 for r in members)
        listed = comma().join(f"{r.id} {num(r.points or 0)}" for r in members) or _("no items")
        if points < category.max - 1e-9:
            add(("categories", c_index, "max"),
                _("items of category {id} ({name}) add up to {sum}, less than its maximum {max}: {items}").format(
                    id=category.id, name=category.name, sum=num(points), max=num(category.max), items=listed))
        elif points > category.max + 1e-9 and not category.capped:
            add(("categories", c_index, "max"),
                _("items of category {id} ({name}) add up to {sum}, more than its maximum {max} ({items}); "
                  "if the category is 扣完为止 as a whole, say so with capped: true").format(
                    id=category.id, name=category.name, sum=num(points), max=num(category.max), items=listed))
    if issues:
        raise RulesetError(_problems(len(issues)), source=rubric.source, issues=tuple(issues))


def _point_values(spec: RulesetSpec) -> list[tuple[Path, float]]:
    """Every number in the ruleset that is an amount of points (not a condition, target,
    step or tier bound)."""
    out: list[tuple[Path, float]] = [(("total",), spec.total), (("bonus_cap",), spec.bonus_cap)]
    out += [(("categories", i, "max"), c.max) for i, c in enumerate(spec.categories)]
    out += [(("grades", i, "min"), g.min) for i, g in enumerate(spec.grades)]
    for i, rule in enumerate(spec.rules):
        if rule.points is not None:
            out.append((("rules", i, "points"), rule.points))
        use = rule.use
        if use is not None:
            at_form: Path = ("rules", i, use.key, use.form.name)
            out += [((*at_form, *at), value) for at, value in use.form.point_values(use.value)]
    return out


def _unique(rubric: Rubric, values: list[str], where: str, duplicate: str, add: Any) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            add((where, index), duplicate.format(value=value, first=f"{where}[{seen[value]}]"))
        else:
            seen[value] = index


def _check_grades(spec: RulesetSpec, add: Any) -> None:
    previous: float | None = None
    for index, grade in enumerate(spec.grades):
        if previous is not None and grade.min >= previous:
            add(("grades", index, "min"),
                _("grade bands are inclusive lower bounds listed from best to worst; "
                  "{grade} ({min}) must be below the band before it ({previous})").format(
                    grade=grade.name, min=num(grade.min), previous=num(previous)))
        previous = grade.min
    if spec.grades[-1].min != 0:
        add(("grades", len(spec.grades) - 1, "min"),
            _("the last grade must start at 0 so that every score has a grade, not at {min}").format(
                min=num(spec.grades[-1].min)))
    if spec.grades[0].min > spec.total + spec.bonus_cap:
        add(("grades", 0, "min"), _("no unit can reach {grade}: it starts at {min}, above the highest "
                                    "possible score").format(grade=spec.grades[0].name, min=num(spec.grades[0].min)))
    if spec.veto_grade is not None and spec.veto_grade not in {g.name for g in spec.grades}:
        add(("veto_grade",), _("veto_grade {grade!r} is not one of the grades").format(grade=spec.veto_grade)
                             + did_you_mean(spec.veto_grade, [g.name for g in spec.grades]))


def _check_rule(rubric: Rubric, index: int, rule: RuleSpec,
                categories: Mapping[str, CategorySpec], add: Any) -> None:
    def at(*rest: str | int) -> Path:
        return rubric.rule_path(index, *rest)

    use = rule.use
    if rule.kind == "deduct":
        if rule.category is None:
            add(at(), _("a deduct rule needs a category"))
        elif rule.category not in categories:
            add(at("category"), _("unknown category {category!r}").format(category=rule.category)
                                + did_you_mean(rule.category, categories))
        if rule.points is None:
            add(at(), _("a deduct rule needs points (the item's value)"))
        if rule.deduct is None:
            add(at(), _("a deduct rule needs a 'deduct' form"))
        if rule.award is not None:
            add(at("award"), _("only bonus rules have an 'award'"))
    elif rule.kind == "bonus":
        if rule.points is None:
            add(at(), _("a bonus rule needs points (the most it can award)"))
        if rule.award is None:
            add(at(), _("a bonus rule needs an 'award' form"))
        if rule.deduct is not None:
            add(at("deduct"), _("a bonus rule awards points; use 'award', not 'deduct'"))
    else:
        label = "veto" if rule.kind == "veto" else "no_excellent"
        if rule.when is None:
            add(at(), _("a {kind} rule needs a 'when' condition").format(kind=label))
        for key in ("points", "deduct", "award"):
            if getattr(rule, key) is not None:
                add(at(key), _("a {kind} rule decides the grade and has no '{key}'").format(kind=label, key=key))
    if use is not None:
        if use.form.needs_when and rule.when is None:
            template = (_("a {form} deduction needs a 'when' condition") if use.kind == "deduct"
                        else _("a {form} award needs a 'when' condition"))
            add(at(), template.format(form=use.form.name))
        if rule.points is not None:
            use.form.check(use.value, use.kind, rule.points,
                           lambda path, message: add(at(use.key, use.form.name, *path), message))
    if rule.kind != "deduct":
        if rule.category is not None and rule.kind != "bonus":
            add(at("category"), _("a {kind} rule belongs to no category").format(kind=rule.kind))
        if rule.if_missing == "deduct":
            add(at("if_missing"), _("a {kind} rule never applies on missing facts; "
                                    "only deduct rules may use if_missing: deduct").format(kind=rule.kind))
        if rule.kind == "bonus" and rule.category is not None:
            add(at("category"), _("bonus points sit on top of the categories; remove 'category'"))


