"""The ledger: an engine's answers turned into points, caps, grade and reasons.

Points are counted in integer hundredths (rubric points have at most two decimals,
checked when a ruleset loads), so ``0.2 * 7`` is 1.4 and totals add up exactly; a
shortfall counted in fractions is computed in decimal arithmetic and rounded half up
to 0.01. Order of work for one unit:

1. each rule: missing facts (deduct or skip), passed, or the amount its form asks for,
   limited to the item's points (扣完为止);
2. each category: deductions in rule order until the category's maximum is used up;
3. bonuses in rule order until the ruleset's bonus cap is used up;
4. total = category scores + bonus; grade by the inclusive lower bounds, then vetoes
   (一票否决: the fail grade) and 否优项 (never the top grade).

The result records are built from values the ledger has already typed, without a
second validation pass (see :func:`_record`); a test holds every assessment equal to
its own re-validated JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from assess.engines import Engine, flatten
from assess.errors import FactsError, Issue
from assess.facts import FIELDS, HAZARD_LABELS, HONOR_LEVEL_LABELS, UNIT_TYPE_LABELS, Adjustment, UnitFacts
from assess.paths import did_you_mean
from assess.points import cents, fmt, money
from assess.rubric.program import CompiledRule, Template
from assess.ruleset import Ruleset
from assess.scoring.assessment import (
    ASSESSMENT_SCHEMA_VERSION,
    Assessment,
    Bonus,
    CategoryScore,
    Deduction,
    GradeFinding,
    JsonValue,
    Passed,
    RulesetRef,
    Skipped,
    UnitRef,
)
from assess.version import __version__

Model = TypeVar("Model", bound=BaseModel)
_set = object.__setattr__


def _record(cls: type[Model], values: dict[str, Any]) -> Model:
    """A result record from values the ledger already produced in the declared types.

    Validating them again would cost more than the scoring itself (pydantic checks
    every nested record); ``values`` must name every field, in declaration order.
    """
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    # Records are frozen, so one set of field names can serve every record of a class.
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = set(cls.model_fields)
    _set(obj, "__pydantic_fields_set__", fields)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


_FIELDS: dict[type[BaseModel], set[str]] = {}


def check_adjustments(ruleset: Ruleset, facts: UnitFacts, source: str) -> None:
    """Adjustments must name a discretionary rule of this ruleset and stay in its range."""
    if not facts.adjustments:
        return
    rules = {r.id: r for r in ruleset.spec.rules}
    issues: list[Issue] = []
    for index, adjustment in enumerate(facts.adjustments):
        rule = rules.get(adjustment.rule)
        if rule is None:
            issues.append(Issue(f"adjustments[{index}].rule",
                                f"ruleset {ruleset.id} has no rule {adjustment.rule!r}"
                                + did_you_mean(adjustment.rule, rules)))
            continue
        use = rule.use
        bounds = use.form.discretion(use.value) if use is not None else None
        if bounds is None:
            issues.append(Issue(f"adjustments[{index}].rule",
                                f"rule {rule.id} is not discretionary (only range rules take adjustments)"))
            continue
        low, high = bounds
        if not low <= adjustment.points <= high:
            issues.append(Issue(f"adjustments[{index}].points",
                                f"{adjustment.points:g} is outside rule {rule.id}'s range {low:g}-{high:g}"))
    if issues:
        raise FactsError(f"{len(issues)} problem(s) with adjustments under ruleset {ruleset.id}",
                         source=source, issues=tuple(issues))


def score(ruleset: Ruleset, facts: UnitFacts, engine: str = "durable",
          source: str = "<facts>") -> Assessment:
    """Score one unit's facts; raises FactsError for adjustments that do not fit."""
    if facts.unit.type not in ruleset.spec.applies_to:
        kinds = ", ".join(ruleset.spec.applies_to)
        raise FactsError(f"ruleset {ruleset.id} does not score this kind of unit", source=source,
                         issues=(Issue("unit.type", f"{facts.unit.type!r}; ruleset {ruleset.id} "
                                                    f"applies to {kinds}"),))
    check_adjustments(ruleset, facts, source)
    env = flatten(facts)
    chosen = ruleset.engine(engine)
    fired = chosen.run(env)
    return Ledger(ruleset, facts, env, fired, source).build(chosen)


class Ledger:
    def __init__(self, ruleset: Ruleset, facts: UnitFacts, env: Mapping[str, Any],
                 fired: frozenset[str], source: str) -> None:
        self.ruleset = ruleset
        self.spec = ruleset.spec
        self.facts = facts
        self.env = env
        self.fired = fired
        self.source = source
        self.adjustments = {a.rule: (i, a) for i, a in enumerate(facts.adjustments or [])}
        self.used_adjustments: set[str] = set()
        self.deductions: list[dict[str, Any]] = []
        self.bonuses: list[dict[str, Any]] = []
        self.vetoes: list[GradeFinding] = []
        self.blocks: list[GradeFinding] = []
        self.passed: list[Passed] = []
        self.skipped: list[Skipped] = []
        self.missing: list[str] = []

    def build(self, engine: Engine) -> Assessment:
        for rule in self.ruleset.program.rules:
            self.rule(rule)
        unused = [(i, r) for r, (i, _) in self.adjustments.items() if r not in self.used_adjustments]
        if unused:
            issues = tuple(Issue(f"adjustments[{i}].rule",
                                 f"rule {r} did not deduct for this unit (its condition is not met "
                                 "or its facts are missing); remove the adjustment")
                           for i, r in sorted(unused))
            raise FactsError("adjustments that do not apply", source=self.source, issues=issues)
        return self.assemble(engine)

    # ------------------------------------------------------------------ per rule

    def rule(self, rule: CompiledRule) -> None:
        spec = rule.spec
        fired = self.fired
        evidence = self.evidence(rule)
        if rule.missing_check in fired:
            env = self.env
            paths = [p for p in rule.required if p not in env]
            labels = "、".join(_label(p) for p in paths)
            if spec.kind == "deduct" and (spec.if_missing or self.spec.if_missing) == "deduct":
                self.deductions.append(self._deduction(rule, rule.cents, f"未提交{labels}，按未完成扣分", evidence,
                                                       missing=True))
                self.missing.extend(p for p in paths if p not in self.missing)
            else:
                self.skipped.append(_record(Skipped, {"rule": spec.id, "item": spec.item, "paths": paths,
                                                      "reason": f"未提交{labels}，本项未评"}))
            return
        matched = [c for c in rule.checks if c.name in fired]
        if not matched:
            self.passed.append(_record(Passed, {"rule": spec.id, "reason": self.pass_reason(rule),
                                                "evidence": evidence}))
            return
        kind = spec.kind
        if kind == "veto" or kind == "no_excellent":
            finding = _record(GradeFinding, {"rule": spec.id, "pillar": spec.pillar, "item": spec.item,
                                             "reason": self.render(rule.reason, {}), "evidence": evidence})
            (self.vetoes if kind == "veto" else self.blocks).append(finding)
            return
        use = spec.use
        assert use is not None  # only vetoes and 否优项 have no form, and they returned above
        found = use.form.amount(use.value, use.kind, rule, matched, self)
        reason = self.render(rule.reason, found.variables)
        if kind == "bonus":
            self.bonuses.append({"rule": spec.id, "pillar": spec.pillar, "item": spec.item, "raw": found.cents,
                                 "reason": reason, "evidence": evidence})
            return
        if found.cents <= 0:
            self.passed.append(_record(Passed, {"rule": spec.id, "reason": self.pass_reason(rule),
                                                "evidence": evidence}))
            return
        self.deductions.append(self._deduction(rule, found.cents, reason, evidence, **found.extra))

    @staticmethod
    def _deduction(rule: CompiledRule, raw: int, reason: str, evidence: dict[str, JsonValue], *,
                   missing: bool = False, adjusted: bool = False, defaulted: bool = False,
                   note: str | None = None, count: float | None = None, tier: int | None = None) -> dict[str, Any]:
        spec = rule.spec
        return {"rule": spec.id, "category": spec.category, "pillar": spec.pillar, "item": spec.item,
                "points": 0.0, "raw": raw, "reason": reason, "evidence": evidence, "capped": None,
                "missing": missing, "adjusted": adjusted, "defaulted": defaulted, "note": note,
                "count": count, "tier": tier}

    def adjustment(self, rule: str) -> Adjustment | None:
        """The assessor's pick for a discretionary rule, marked as used."""
        found = self.adjustments.get(rule)
        if found is None:
            return None
        self.used_adjustments.add(rule)
        return found[1]

    # ------------------------------------------------------------------ text

    def evidence(self, rule: CompiledRule) -> dict[str, JsonValue]:
        env = self.env
        out: dict[str, JsonValue] = {}
        for label, fn, paths, direct in rule.evidence_plan:
            if direct:
                value = env.get(label)
            elif all(p in env for p in paths):
                value = fn(env)
            else:
                value = None
            out[label] = value if value is None or value.__class__ in _PLAIN else _json_value(value)
        return out

    def pass_reason(self, rule: CompiledRule) -> str:
        if rule.passed is not None:
            return self.render(rule.passed, {})
        return f"{rule.spec.item}：符合要求"

    def render(self, template: Template, variables: Mapping[str, Any]) -> str:
        env = self.env
        out: list[str] = []
        for part in template.parts:
            if isinstance(part, str):
                out.append(part)
            elif part.fn is None:
                value = variables.get(part.text)
                out.append(_points_text(value) if part.text == "points" else _text(value))
            elif all(p in env for p in part.paths):
                out.append(_text(part.fn(env), part.text))
            else:
                out.append("未提交")
        return "".join(out)

    # ------------------------------------------------------------------ totals

    def assemble(self, engine: Engine) -> Assessment:
        spec = self.spec
        program = self.ruleset.program
        used = dict.fromkeys(program.category_cents, 0)
        deductions: list[Deduction] = []
        for entry in self.deductions:
            raw = entry["raw"]
            item_points = program.rule_cents[entry["rule"]]
            capped = None
            points = raw
            if points > item_points:
                points, capped = item_points, "item"
            category = entry["category"]
            room = program.category_cents[category] - used[category]
            if points > room:
                points, capped = room, "category"
            used[category] += points
            entry["points"] = points / 100
            entry["raw"] = raw / 100
            entry["capped"] = capped
            deductions.append(_record(Deduction, entry))
        categories = [_record(CategoryScore, {"id": c.id, "name": c.name, "max": maximum / 100,
                                              "score": (maximum - used[c.id]) / 100,
                                              "deducted": used[c.id] / 100})
                      for c, maximum in zip(spec.categories, program.category_cents.values(), strict=True)]
        bonuses: list[Bonus] = []
        bonus_total = 0
        cap = cents(spec.bonus_cap)
        for entry in self.bonuses:
            raw = entry["raw"]
            limit = program.rule_cents[entry["rule"]]
            points, capped_b = raw, None
            if points > limit:
                points, capped_b = limit, "item"
            if points > cap - bonus_total:
                points, capped_b = cap - bonus_total, "bonus_cap"
            bonus_total += points
            bonuses.append(_record(Bonus, {"rule": entry["rule"], "pillar": entry["pillar"], "item": entry["item"],
                                           "points": points / 100, "raw": raw / 100, "reason": entry["reason"],
                                           "evidence": entry["evidence"], "capped": capped_b}))
        total = sum(program.category_cents.values()) - sum(used.values()) + bonus_total
        by_score = next(name for name, minimum in program.grade_cents if total >= minimum)
        grade = by_score
        if self.vetoes:
            grade = spec.fail_grade
        elif self.blocks and grade == spec.top_grade:
            grade = spec.grades[1].name
        unit = self.facts.unit
        self_score = self.facts.self_score
        return _record(Assessment, {
            "schema_version": ASSESSMENT_SCHEMA_VERSION,
            "unit": _record(UnitRef, {"id": unit.id, "name": unit.name, "type": unit.type, "year": unit.year,
                                      "period": unit.period, "parent": unit.parent}),
            "ruleset": _record(RulesetRef, {"id": spec.id, "title": spec.title, "version": spec.version,
                                            "sha256": self.ruleset.sha256, "source": self.ruleset.name}),
            "engine": engine.name, "engine_version": engine.version, "assess_version": __version__,
            "total": total / 100, "max": cents(spec.total) / 100, "bonus": bonus_total / 100,
            "bonus_cap": cap / 100, "grade": grade, "grade_by_score": by_score,
            "categories": categories, "deductions": deductions, "bonuses": bonuses,
            "vetoes": self.vetoes, "blocks_excellent": self.blocks, "passed": self.passed,
            "skipped": self.skipped, "missing": self.missing,
            "self_score": self_score,
            "self_score_diff": None if self_score is None else (cents(self_score) - total) / 100,
        })


# Reasons are read by people: the label only, never the field path (the JSON keeps paths).
_LABELS = {path: info.label for path, info in FIELDS.items()}


def _label(path: str) -> str:
    return _LABELS.get(path, path)


_ENUM_LABELS: dict[str, Mapping[str, str]] = {
    "unit.type": UNIT_TYPE_LABELS,
    "honors.level": HONOR_LEVEL_LABELS,
    "drills.kind": HAZARD_LABELS,
}


def _points_text(value: int | None) -> str:
    """Hundredths as points: 450 → 4.5."""
    return "未提交" if value is None else fmt(value / 100)


def _text(value: Any, path: str | None = None) -> str:
    if value is None:
        return "未提交"
    kind = value.__class__
    if kind is bool:
        # Templates put a yes/no fact before its verb: 领导小组{...}成立 reads 领导小组已成立.
        return "已" if value else "未"
    if kind is int:
        return str(value)
    if kind is float or kind is Decimal:
        text = f"{money(value if kind is Decimal else Decimal(repr(value))):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if kind is str and path in _ENUM_LABELS:
        return _ENUM_LABELS[path].get(value, value)
    if kind is list:
        labels = _ENUM_LABELS.get(path or "", {})
        return "、".join(labels.get(v, str(v)) for v in value) if value else "无"
    return str(value)


_PLAIN = (bool, int, str)


def _json_float(value: float) -> JsonValue:
    if not math.isfinite(value):
        return None
    if (value * 100).is_integer():
        rounded = value  # already in hundredths: no rounding to do
    else:
        rounded = float(money(Decimal(repr(value))))
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def _json_value(value: Any) -> JsonValue:
    kind = value.__class__
    if kind is float:
        return _json_float(value)
    if kind is bool or kind is int or kind is str or value is None:
        return value  # type: ignore[no-any-return]
    if kind is list:
        return [str(v) for v in value]
    return str(value)
