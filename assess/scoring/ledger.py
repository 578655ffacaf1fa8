"""The ledger: an engine's answers turned into outcomes per rule, in a phase of the assessment.

Points are counted in integer hundredths (:mod:`assess.points`). Order of work for one unit:

1. each rule: *pending* (初评: the facts that settle it are not in yet), *deducted* for
   missing evidence (终评), *skipped*, *passed*, or the amount its form asks for; a review
   decision (evidence missing or rejected) stands over the facts;
2. the totals (:mod:`assess.scoring.totals`): item and category caps (扣完为止), the bonus
   cap, vetoes and 否优项, and in 初评 the lowest and highest totals still possible.

Who answers a rule is declared by the ruleset (``source``): the unit, the assessing office
(its records) or the assessment team (its review). Where the facts came from is told by a
:class:`Provenance` (the merged view of the three sources); without one, every fact is
taken as given by its owner. A unit is never charged for the office's missing data: in
初评 it is pending (待录入), and 终评 refuses to score without it unless the caller names
the policy (``missing_records="skip"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from assess.engines import Engine, flatten
from assess.errors import EngineError, FactsError, Issue
from assess.facts import FIELDS, Adjustment, SourceKind, UnitFacts
from assess.i18n import _, ngettext
from assess.paths import did_you_mean
from assess.rubric.program import Check, CompiledRule, Template
from assess.ruleset import Ruleset
from assess.scoring import fast, reasons
from assess.scoring.adjustments import Adjustments
from assess.scoring.assessment import (
    Assessment,
    Conflict,
    GradeFinding,
    JsonValue,
    Passed,
    Pending,
    Phase,
    Skipped,
)
from assess.scoring.claims import claimed_extra, claimed_paths, undocumented
from assess.scoring.records import record
from assess.scoring.totals import Decision, assemble, decision
from assess.sources import EvidenceStatus, Merged

Provenance = Merged
"""Where each fact came from and what the review decided: the merged view of the three sources."""

MissingRecords = Literal["skip"]


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
                                _("ruleset {ruleset} has no rule {rule!r}").format(
                                    ruleset=ruleset.id, rule=adjustment.rule) + did_you_mean(adjustment.rule, rules)))
            continue
        use = rule.use
        bounds = use.form.discretion(use.value) if use is not None else None
        if bounds is None:
            issues.append(Issue(f"adjustments[{index}].rule",
                                _("rule {rule} is not discretionary (only range rules take adjustments)").format(
                                    rule=rule.id)))
            continue
        low, high = bounds
        if not low <= adjustment.points <= high:
            issues.append(Issue(f"adjustments[{index}].points",
                                _("{points} is outside rule {rule}'s range {low}-{high}").format(
                                    points=f"{adjustment.points:g}", rule=rule.id, low=f"{low:g}", high=f"{high:g}")))
    if issues:
        raise FactsError(ngettext("{count} problem with adjustments under ruleset {ruleset}",
                                  "{count} problems with adjustments under ruleset {ruleset}", len(issues)).format(
                                      count=len(issues), ruleset=ruleset.id),
                         source=source, issues=tuple(issues))


def score(ruleset: Ruleset, facts: UnitFacts, engine: str = "durable", source: str = "<facts>", *,
          phase: Phase = "provisional", provenance: Provenance | None = None,
          missing_records: MissingRecords | None = None) -> Assessment:
    """Score one unit's facts in a phase; raises FactsError for adjustments that do not fit
    and, in 终评, for office or review data still missing (unless ``missing_records``)."""
    _admit(ruleset, facts, source)
    return _assessment(ruleset, facts, ruleset.engine(engine), source, phase, provenance, missing_records)


def _assessment(ruleset: Ruleset, facts: UnitFacts, chosen: Engine, source: str, phase: Phase,
                provenance: Provenance | None, missing_records: MissingRecords | None,
                fired: frozenset[str] | None = None) -> Assessment:
    """The full assessment of an admitted unit (``fired``: the engine's answers, when known)."""
    try:
        if fast.explains(facts, provenance):
            # Most units: each rule's outcome shared between units reading the same values.
            env, claims, answers, values = fast.read_explained(ruleset, chosen, facts, provenance, fired)
            ledger = Ledger(ruleset, facts, env, answers, source, phase, provenance, missing_records, claims)
            found = fast.explain(ledger, chosen, values)
            if found is not None:
                return found
        env, claims = _flat(facts, provenance)
        answers = fired if fired is not None else chosen.run(env)
        return Ledger(ruleset, facts, env, answers, source, phase, provenance, missing_records, claims).build(chosen)
    except EngineError as exc:
        raise _unit_error(exc, facts, source) from exc


def decide(ruleset: Ruleset, facts: UnitFacts, engine: str = "durable", source: str = "<facts>", *,
           phase: Phase = "provisional", provenance: Provenance | None = None,
           missing_records: MissingRecords | None = None) -> Decision:
    """Decide and total one unit as :func:`score` does, with the same errors; reasons,
    evidence and per-rule records are built only when its assessment is asked for."""
    _admit(ruleset, facts, source)
    chosen = ruleset.engine(engine)

    def explainer(fired: frozenset[str] | None) -> Callable[[], Assessment]:
        def explained() -> Assessment:
            return _assessment(ruleset, facts, chosen, source, phase, provenance, missing_records, fired)
        return explained

    try:
        # The facts deciding reads (see assess.scoring.fast); explaining reads more.
        quick = fast.decide(ruleset, facts, chosen, phase, provenance, missing_records, explainer)
        if quick is not None:
            return quick
        env, claims = _flat(facts, provenance)
        fired = chosen.run(env)
        ledger = Ledger(ruleset, facts, env, fired, source, phase, provenance, missing_records, claims,
                        explain=False)
        ledger.decide()
    except EngineError as exc:
        raise _unit_error(exc, facts, source) from exc
    return decision(ledger, explainer(fired))


def _flat(facts: UnitFacts, provenance: Provenance | None) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The flat facts of an admitted unit and the claims taken out of them."""
    env = flatten(facts)
    return env, undocumented(env, provenance)


def _admit(ruleset: Ruleset, facts: UnitFacts, source: str) -> None:
    """The checks before scoring: the kind of unit, the adjustments."""
    if facts.unit.type not in ruleset.spec.applies_to:
        kinds = ", ".join(ruleset.spec.applies_to)
        raise FactsError(_("ruleset {ruleset} does not score this kind of unit").format(ruleset=ruleset.id),
                         source=source,
                         issues=(Issue("unit.type", _("{type!r}; ruleset {ruleset} applies to {kinds}").format(
                             type=facts.unit.type, ruleset=ruleset.id, kinds=kinds)),))
    check_adjustments(ruleset, facts, source)


def _unit_error(exc: EngineError, facts: UnitFacts, source: str) -> EngineError:
    """An engine's failure named by file and unit, so that a batch can report it as that unit's error."""
    return EngineError(f"unit {facts.unit.id}: {exc.message}", source=source)


class Ledger:
    def __init__(self, ruleset: Ruleset, facts: UnitFacts, env: Mapping[str, Any], fired: frozenset[str],
                 source: str, phase: Phase = "final", provenance: Provenance | None = None,
                 missing_records: MissingRecords | None = None, claims: Mapping[str, list[Any]] | None = None,
                 *, explain: bool = True) -> None:
        self.ruleset = ruleset
        self.spec = ruleset.spec
        self.facts = facts
        self.env = env
        self.fired = fired
        self.source = source
        self.phase = phase
        self.provenance = provenance
        self.missing_records = missing_records
        self.claims = claims or {}
        self.adjustments = Adjustments(facts.adjustments)
        self.deductions: list[dict[str, Any]] = []
        self.bonuses: list[dict[str, Any]] = []
        self.vetoes: list[GradeFinding] = []
        self.blocks: list[GradeFinding] = []
        self.passed: list[Passed] = []
        self.skipped: list[Skipped] = []
        self.pending: list[Pending] = []
        self.missing: list[str] = []
        self.unrecorded: list[Issue] = []
        self.stakes: list[tuple[str, str | None, int]] = []
        """Per pending rule: its kind, its category and the points at stake in hundredths."""
        # Most units come alone, with no office record or review decision: then every rule is
        # decided by its own source and no evidence was refused, with no look-up per fact.
        self.others = provenance is not None and any(s.source != "unit" for s in provenance.sources)
        self.refusals = provenance is not None and any(e.status in ("missing", "rejected")
                                                       for e in provenance.evidence)
        self.explain = explain
        """False to decide and total only: no reasons, evidence or records of passed,
        skipped and pending rules (the totals and the errors are the same)."""

    def build(self, engine: Engine) -> Assessment:
        self.decide()
        return assemble(self, engine)

    def decide(self) -> None:
        """Every rule's outcome; raises FactsError for missing office data (终评) and for
        adjustments that did not apply, as scoring does."""
        for rule in self.ruleset.program.rules:
            self.rule(rule)
        if self.unrecorded:
            raise FactsError(ngettext("终评 needs the office's records (or the review) for every unit: {count} fact "
                                      "still to enter; give it with --records/--review, or score with "
                                      "--allow-missing-records skip",
                                      "终评 needs the office's records (or the review) for every unit: {count} facts "
                                      "still to enter; give them with --records/--review, or score with "
                                      "--allow-missing-records skip", len(self.unrecorded)).format(
                                          count=len(self.unrecorded)), source=self.source,
                             issues=tuple(self.unrecorded))
        unused = self.adjustments.unused()
        if unused:
            issues = tuple(Issue(f"adjustments[{i}].rule",
                                 _("rule {rule} did not deduct for this unit (its condition is not met "
                                   "or its facts are missing); remove the adjustment").format(rule=r))
                           for i, r in unused)
            raise FactsError(_("adjustments that do not apply"), source=self.source, issues=issues)

    # ------------------------------------------------------------------ per rule

    def rule(self, rule: CompiledRule) -> None:
        spec = rule.spec
        explain = self.explain
        evidence = self.evidence(rule) if explain else _UNEXPLAINED
        source = self.decided_by(rule)
        decision = self.decision(rule)
        if decision is not None and spec.kind == "deduct":
            note = f"：{decision.note}" if decision.note else ""
            reason = "" if not explain else (f"考核组未采信佐证材料{note}" if decision.status == "rejected"
                                             else f"考核组核查无佐证材料，该项不得分{note}")
            self.deductions.append(self._deduction(rule, rule.cents, reason, evidence, "review", missing=True))
            return
        unsettled = self.unsettled(rule)
        if unsettled and spec.kind == "bonus" and all(p in self.claims for p in unsettled):
            # Every item of the list was claimed without its document (an honour with no 文号).
            if self.phase == "provisional":
                self.claimed_bonus(rule)
            elif explain:
                self.skip(rule, unsettled, "未提供" + "、".join(f"{_plain(p)}的文件文号" for p in unsettled)
                          + "，不予认定", "unit")
            return
        if unsettled:
            self.unsettled_rule(rule, unsettled, evidence)
            return
        matched = [c for c in rule.checks if c.name in self.fired]
        if not matched:
            if explain:
                self.passed.append(record(Passed, {"rule": spec.id, "reason": self.pass_reason(rule),
                                                   "evidence": evidence, "source": source, "status": "passed"}))
            self.claimed_bonus(rule)
            return
        kind = spec.kind
        if kind == "veto" or kind == "no_excellent":
            finding = record(GradeFinding, {"rule": spec.id, "pillar": spec.pillar, "item": spec.item,
                                            "reason": self.render(rule.reason, {}) if explain else "",
                                            "evidence": evidence, "source": source, "status": kind})
            (self.vetoes if kind == "veto" else self.blocks).append(finding)
            return
        use = rule.use
        assert use is not None  # only vetoes and 否优项 have no form, and they returned above
        found = use.form.amount(use.value, use.kind, rule, matched, self)
        reason = self.render(rule.reason, found.variables) if explain else ""
        if kind == "bonus":
            self.bonuses.append({"rule": spec.id, "pillar": spec.pillar, "item": spec.item, "raw": found.cents,
                                 "reason": reason, "evidence": evidence, "source": source})
            self.claimed_bonus(rule, found.cents)
            return
        if found.cents <= 0:
            if not explain:
                return
            self.passed.append(record(Passed, {"rule": spec.id, "reason": self.pass_reason(rule),
                                               "evidence": evidence, "source": source, "status": "passed"}))
            return
        self.deductions.append(self._deduction(rule, found.cents, reason, evidence, source, **found.extra))

    def unsettled(self, rule: CompiledRule) -> list[str]:
        """Facts the rule needs that its owner has not supplied: not submitted at all, or (for a
        rule the office or the review answers) given only by the unit's own claim."""
        env = self.env
        paths = [p for p in rule.required if p not in env] if rule.missing_check in self.fired else []
        owner = rule.spec.source
        if owner != "unit" and self.provenance is not None:
            # Only the unit's own claim is untrusted: the office's records stand for a review item
            # too (review > office > unit), e.g. the event count that opens a handling review.
            trusted = ("office", "review")
            paths += [p for p in rule.required if p in env and p not in paths
                      and self.provenance.source_of(p) not in trusted]
        return paths

    def unsettled_rule(self, rule: CompiledRule, paths: list[str], evidence: dict[str, JsonValue]) -> None:
        spec = rule.spec
        owner = spec.source
        labels = "、".join(_plain(p) for p in paths) if self.explain else ""
        policy = spec.if_missing or (self.spec.if_missing if spec.kind == "deduct" else "skip")
        if owner == "unit" and (policy == "skip" or spec.kind != "deduct"):
            self.skip(rule, paths, f"未提交{labels}，本项未评", owner)
            return
        if self.phase == "provisional":
            self.pend(rule, paths, owner)
            return
        if owner == "unit":
            reason = f"未提交{labels}，无佐证材料，该项不得分" if self.explain else ""
            self.deductions.append(self._deduction(rule, rule.cents, reason, evidence, "unit", missing=True))
            self.missing.extend(p for p in paths if p not in self.missing)
            return
        if self.missing_records == "skip":
            whose = "考核办未录入" if owner == "office" else "考核组未核查"
            self.skip(rule, paths, f"{whose}{labels}，按约定本项不评", owner)
            return
        needs = (_("rule {rule} ({item}) needs the office records for {fact}") if owner == "office"
                 else _("rule {rule} ({item}) needs the review for {fact}"))
        self.unrecorded.extend(Issue(p, needs.format(rule=spec.id, item=spec.item, fact=_plain(p)),
                                     rule=spec.id) for p in paths)

    def pend(self, rule: CompiledRule, paths: list[str], owner: SourceKind, points: int | None = None,
             needs: str | None = None) -> None:
        spec = rule.spec
        stake = rule.cents if points is None else points
        self.stakes.append((spec.kind, spec.category, stake))
        if not self.explain:
            return
        what = {"unit": "请补充佐证材料：", "office": "考核办待录入：", "review": "考核组待核查："}[owner]
        self.pending.append(record(Pending, {
            "rule": spec.id, "item": spec.item, "category": spec.category, "pillar": spec.pillar,
            "kind": spec.kind, "source": owner, "points": stake / 100,
            "paths": paths, "needs": needs or what + "、".join(_plain(p) for p in paths),
            "method": spec.method, "status": "pending"}))

    def skip(self, rule: CompiledRule, paths: list[str], reason: str, owner: SourceKind) -> None:
        if not self.explain:
            return
        self.skipped.append(record(Skipped, {"rule": rule.spec.id, "item": rule.spec.item, "paths": paths,
                                             "reason": reason, "source": owner, "status": "skipped"}))

    def claimed_bonus(self, rule: CompiledRule, decided: int = 0) -> None:
        """A bonus some of whose claims lack their document: pending in 初评 for what they would add."""
        claimed = claimed_paths(rule, self.claims)
        if not claimed or self.phase != "provisional":
            return
        extra = claimed_extra(rule, self.env, self.claims, claimed, decided)
        if extra > 0:
            self.pend(rule, claimed, "unit", extra,
                      "请补充佐证材料：" + "、".join(f"{_plain(p)}的文件文号" for p in claimed))

    def decided_by(self, rule: CompiledRule) -> SourceKind:
        """Whose facts decide the rule: the most direct source among the facts it reads."""
        if self.provenance is None or not self.others:
            return rule.spec.source
        found = {self.provenance.source_of(p) for p in rule.reads}
        return "review" if "review" in found else "office" if "office" in found else rule.spec.source

    def decision(self, rule: CompiledRule) -> EvidenceStatus | None:
        """A review decision that the evidence for the rule, or a fact it reads, is missing or rejected."""
        if self.provenance is None or not self.refusals:
            return None
        for found in (self.provenance.evidence_for(rule=rule.spec.id),
                      *(self.provenance.evidence_for(path=p) for p in rule.reads)):
            if found is not None and found.status in ("missing", "rejected"):
                return found
        return None

    @staticmethod
    def _deduction(rule: CompiledRule, raw: int, reason: str, evidence: dict[str, JsonValue], source: SourceKind,
                   *, missing: bool = False, adjusted: bool = False, defaulted: bool = False,
                   note: str | None = None, count: float | None = None, tier: int | None = None) -> dict[str, Any]:
        spec = rule.spec
        return {"rule": spec.id, "category": spec.category, "pillar": spec.pillar, "item": spec.item,
                "points": 0.0, "raw": raw, "reason": reason, "evidence": evidence, "capped": None,
                "missing": missing, "adjusted": adjusted, "defaulted": defaulted, "note": note,
                "count": count, "tier": tier, "source": source, "status": "deducted"}

    def adjustment(self, rule: str) -> Adjustment | None:
        """The assessor's pick for a discretionary rule, marked as used."""
        return self.adjustments.take(rule)

    def conflicts(self) -> list[Conflict]:
        if self.provenance is None:
            return []
        return [record(Conflict, {"path": c.path,
                                  "label": f"{c.rule}评审扣分" if c.rule is not None else _plain(c.path),
                                  "values": {k: reasons.json_value(v) if v is not None else None for k, v in c.values},
                                  "winner": c.winner})
                for c in self.provenance.conflicts]

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
            out[label] = value if value is None or value.__class__ in reasons.PLAIN else reasons.json_value(value)
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
                out.append(reasons.points_text(value) if part.text == "points" else reasons.text(value))
            elif all(p in env for p in part.paths):
                out.append(reasons.text(part.fn(env), part.text))
            else:
                out.append("未提交")
        return "".join(out)


_UNEXPLAINED: dict[str, JsonValue] = {}
"""The evidence of a rule decided without its explanation (never filled in)."""


def _plain(path: str) -> str:
    info = FIELDS.get(path)
    return info.label if info is not None else path


__all__ = ["Check", "Decision", "Ledger", "Provenance", "check_adjustments", "decide", "score"]
