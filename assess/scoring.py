"""The ledger: an engine's answers turned into points, caps, grade and reasons.

Amounts are computed in decimal arithmetic and rounded once to 0.01 (half up), so that
``0.2 * 7`` is 1.4 and totals add up exactly. Order of work for one unit:

1. each rule: missing facts (deduct or skip), passed, or the amount its form asks for,
   limited to the item's points (扣完为止);
2. each category: deductions in rule order until the category's maximum is used up;
3. bonuses in rule order until the ruleset's bonus cap is used up;
4. total = category scores + bonus; grade by the inclusive lower bounds, then vetoes
   (一票否决: the fail grade) and 否优项 (never the top grade).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from .assessment import (
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
from .engine import ASSESS_VERSION, Engine, flatten
from .errors import EngineError, FactsError, Issue
from .facts import FIELDS, HAZARD_LABELS, HONOR_LEVEL_LABELS, UNIT_TYPE_LABELS, UnitFacts
from .paths import did_you_mean
from .program import CompiledRule, Template
from .ruleset import Ruleset

CENT = Decimal("0.01")
_ZERO = Decimal(0)


def dec(value: float | int | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def number(value: Decimal) -> float:
    return float(money(value))


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
        if rule.deduct is None or rule.deduct.range is None:
            issues.append(Issue(f"adjustments[{index}].rule",
                                f"rule {rule.id} is not discretionary (only range rules take adjustments)"))
            continue
        low, high = rule.deduct.range.min, rule.deduct.range.max
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

    # ------------------------------------------------------------------ per rule

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

    def rule(self, rule: CompiledRule) -> None:
        spec = rule.spec
        evidence = self.evidence(rule)
        if f"r{rule.index}.missing" in self.fired:
            paths = [p for p in rule.required if p not in self.env]
            labels = "、".join(_label(p) for p in paths)
            policy = spec.if_missing or (self.spec.if_missing if spec.kind == "deduct" else "skip")
            if spec.kind == "deduct" and policy == "deduct":
                points = dec(spec.points or 0)
                self.deductions.append(dict(
                    rule=spec.id, category=spec.category, pillar=spec.pillar, item=spec.item,
                    raw=points, reason=f"未提交{labels}，按未完成扣分", evidence=evidence,
                    missing=True))
                self.missing.extend(p for p in paths if p not in self.missing)
            else:
                self.skipped.append(Skipped(rule=spec.id, item=spec.item, paths=paths,
                                            reason=f"未提交{labels}，本项未评"))
            return
        matched = [c for c in rule.checks if c.name in self.fired]
        if not matched:
            self.passed.append(Passed(rule=spec.id, reason=self.pass_reason(rule), evidence=evidence))
            return
        if spec.kind in ("veto", "no_excellent"):
            finding = GradeFinding(rule=spec.id, pillar=spec.pillar, item=spec.item,
                                   reason=self.render(rule.reason, {}), evidence=evidence)
            (self.vetoes if spec.kind == "veto" else self.blocks).append(finding)
            return
        if spec.kind == "bonus":
            amount, variables = self.award(rule)
            self.bonuses.append(dict(rule=spec.id, pillar=spec.pillar, item=spec.item, raw=amount,
                                     reason=self.render(rule.reason, variables), evidence=evidence))
            return
        amount, variables, extra = self.deduction(rule, matched)
        if amount <= 0:
            self.passed.append(Passed(rule=spec.id, reason=self.pass_reason(rule), evidence=evidence))
            return
        self.deductions.append(dict(
            rule=spec.id, category=spec.category, pillar=spec.pillar, item=spec.item, raw=amount,
            reason=self.render(rule.reason, variables), evidence=evidence, **extra))

    def deduction(self, rule: CompiledRule, matched: list[Any]) -> tuple[Decimal, dict[str, Any], dict[str, Any]]:
        d = rule.spec.deduct
        assert d is not None
        env = self.env
        if d.fixed is not None:
            amount = dec(d.fixed)
            return amount, {"points": amount}, {}
        if d.per is not None:
            assert rule.quantity is not None
            count = rule.quantity(env)
            amount = dec(count) * dec(d.per.points)
            return amount, {"points": amount, "count": count}, {"count": count}
        if d.graded is not None:
            fired = {c.index for c in matched}
            total = _ZERO
            count = 0
            for k, graded in enumerate(rule.graded):
                if k in fired:
                    events = graded.fn(env)
                    count += events
                    total += dec(events) * dec(graded.rate)
            return total, {"points": total, "count": count}, {"count": count}
        if d.shortfall is not None:
            assert rule.quantity is not None
            s = d.shortfall
            value = dec(rule.quantity(env))
            gap = dec(s.target) - value
            units = gap / dec(s.step)
            if s.whole:
                units = units.to_integral_value(rounding=ROUND_FLOOR)
            amount = money(units * dec(s.points))
            return amount, {"points": amount, "value": value, "shortfall": money(gap),
                            "target": dec(s.target)}, {"count": float(units)}
        if d.tiers is not None:
            tiers = [c.index for c in matched if c.kind == "tier"]
            if len(tiers) != 1:
                raise EngineError(f"rule {rule.id}: the engine placed the value in {len(tiers)} tiers")
            assert rule.quantity is not None and tiers[0] is not None
            amount = dec(d.tiers.levels[tiers[0]].points)
            return amount, {"points": amount, "value": dec(rule.quantity(env))}, {"tier": tiers[0]}
        assert d.range is not None
        found = self.adjustments.get(rule.id)
        if found is not None:
            self.used_adjustments.add(rule.id)
            adjustment = found[1]
            amount = dec(adjustment.points)
            return amount, {"points": amount}, {"adjusted": True, "note": adjustment.note}
        amount = dec(d.range.default)
        return amount, {"points": amount}, {"defaulted": True}

    def award(self, rule: CompiledRule) -> tuple[Decimal, dict[str, Any]]:
        a = rule.spec.award
        assert a is not None
        if a.fixed is not None:
            amount = dec(a.fixed)
            return amount, {"points": amount}
        assert rule.quantity is not None
        value = rule.quantity(self.env)
        if a.per is not None:
            amount = dec(value) * dec(a.per.points)
            return amount, {"points": amount, "count": value}
        amount = dec(value)
        return amount, {"points": amount}

    # ------------------------------------------------------------------ text

    def evidence(self, rule: CompiledRule) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {}
        for item in rule.evidence:
            if all(p in self.env for p in item.paths):
                out[item.label] = _json_value(item.fn(self.env))
            else:
                out[item.label] = None
        return out

    def pass_reason(self, rule: CompiledRule) -> str:
        if rule.passed is not None:
            return self.render(rule.passed, {})
        return f"{rule.spec.item}：符合要求"

    def render(self, template: Template, variables: Mapping[str, Any]) -> str:
        out: list[str] = []
        for part in template.parts:
            if isinstance(part, str):
                out.append(part)
            elif part.fn is None:
                out.append(_text(variables.get(part.text)))
            elif all(p in self.env for p in part.paths):
                out.append(_text(part.fn(self.env), part.text))
            else:
                out.append("未提交")
        return "".join(out)

    # ------------------------------------------------------------------ totals

    def assemble(self, engine: Engine) -> Assessment:
        spec = self.spec
        rules = {r.id: r for r in spec.rules}
        used: dict[str, Decimal] = {c.id: _ZERO for c in spec.categories}
        maxima = {c.id: dec(c.max) for c in spec.categories}
        deductions: list[Deduction] = []
        for entry in self.deductions:
            raw = money(entry["raw"])
            item_points = dec(rules[entry["rule"]].points or 0)
            capped = None
            points = raw
            if points > item_points:
                points, capped = item_points, "item"
            room = maxima[entry["category"]] - used[entry["category"]]
            if points > room:
                points, capped = room, "category"
            used[entry["category"]] += points
            deductions.append(Deduction(**{**entry, "raw": number(raw), "points": number(points),
                                           "capped": capped}))
        categories = [CategoryScore(id=c.id, name=c.name, max=number(maxima[c.id]),
                                    score=number(maxima[c.id] - used[c.id]),
                                    deducted=number(used[c.id]))
                      for c in spec.categories]
        bonuses: list[Bonus] = []
        bonus_total = _ZERO
        cap = dec(spec.bonus_cap)
        for entry in self.bonuses:
            raw = money(entry["raw"])
            limit = dec(rules[entry["rule"]].points or 0)
            points, capped_b = raw, None
            if points > limit:
                points, capped_b = limit, "item"
            if points > cap - bonus_total:
                points, capped_b = cap - bonus_total, "bonus_cap"
            bonus_total += points
            bonuses.append(Bonus(**{**entry, "raw": number(raw), "points": number(points),
                                    "capped": capped_b}))
        total = sum((maxima[c] - used[c] for c in maxima), _ZERO) + bonus_total
        by_score = next(g.name for g in spec.grades if total >= dec(g.min))
        grade = by_score
        if self.vetoes:
            grade = spec.fail_grade
        elif self.blocks and grade == spec.top_grade:
            grade = spec.grades[1].name
        unit = self.facts.unit
        self_score = self.facts.self_score
        return Assessment(
            unit=UnitRef(id=unit.id, name=unit.name, type=unit.type, year=unit.year,
                         period=unit.period, parent=unit.parent),
            ruleset=RulesetRef(id=spec.id, title=spec.title, version=spec.version,
                               sha256=self.ruleset.sha256, source=self.ruleset.name),
            engine=engine.name,  # type: ignore[arg-type]
            engine_version=engine.version, assess_version=ASSESS_VERSION,
            total=number(total), max=number(dec(spec.total)), bonus=number(bonus_total),
            bonus_cap=number(cap), grade=grade, grade_by_score=by_score,
            categories=categories, deductions=deductions, bonuses=bonuses,
            vetoes=self.vetoes, blocks_excellent=self.blocks, passed=self.passed,
            skipped=self.skipped, missing=self.missing,
            self_score=self_score,
            self_score_diff=None if self_score is None else number(dec(self_score) - total),
        )


def _label(path: str) -> str:
    info = FIELDS.get(path)
    return f"{info.label}（{path}）" if info is not None else path


_ENUM_LABELS: dict[str, Mapping[str, str]] = {
    "unit.type": UNIT_TYPE_LABELS,
    "honors.level": HONOR_LEVEL_LABELS,
    "drills.kind": HAZARD_LABELS,
}


def _text(value: Any, path: str | None = None) -> str:
    if value is None:
        return "未提交"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return _number_text(value)
    if isinstance(value, str) and path in _ENUM_LABELS:
        return _ENUM_LABELS[path].get(value, value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _number_text(value: float | int | Decimal) -> str:
    if isinstance(value, int):
        return str(value)
    rounded = money(dec(value))
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _json_value(value: Any) -> JsonValue:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        rounded = float(money(dec(value)))
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)
