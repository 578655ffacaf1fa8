"""Deciding and totalling a unit, and its full assessment, with what units share worked out once.

:func:`assess.scoring.ledger.decide` asks :func:`decide` first. It decides every rule as
the :class:`~assess.scoring.ledger.Ledger` does with ``explain=False`` (the same order,
outcomes, amounts, stakes and grade findings), from a plan made once per ruleset and
engine: per rule what its spec says, read once, and with the native engine the rule's
compiled evaluator (:mod:`assess.engines.compiled`), which answers the rule's checks
without the engine's set of names. Other engines answer as usual and their answers are
read per rule. The totals are worked out as :mod:`assess.scoring.totals` works them out, in
hundredths: each deduction and bonus capped as it is decided (the caps go in rule order).
The decision's subtotal records (a category's, a pillar's), its grades possible and the
facts missing are built when first read; those many units share are made once. With the
compiled evaluator, a rule's verdict is looked up by the values of the facts it reads, taken
straight from the models (:class:`~assess.engines.compiled.Slots`) and the lists read alone;
the flat facts the rules read are read only for a verdict not yet worked out.

:func:`assess.scoring.ledger.score` (and a decision's assessment, asked for) asks
:func:`explain`: the ledger's own outcome of each rule (its records, reasons and evidence),
worked out once per set of values of the facts the rule reads and shared by the units with
the same. Both rest on one fact: what a rule does to a unit depends only on those values
(and on the phase, the policy, whether the unit came merged and, with an engine other than
the compiled evaluator, that engine's answers for the rule, all in the key). A rule reading
a list is worked out for every unit. Shared records are frozen; a caller must not change
the lists and dicts inside them either.

Only what is common is taken here: a unit with no office record or review decision
among its sources (what ``assess rank`` and ``score_many`` merge a unit alone into), and,
for sharing, no assessor's adjustment (a form may read it). Any other unit, and a unit the
ledger would refuse (office data missing in 终评, adjustments that do not apply), returns
None and the ledger decides or explains it, so that its errors are the ledger's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary, ref

import msgspec

from assess.engines import Engine, flatten
from assess.engines.compiled import Reader, RuleEval, Slots, compile_rule, needed_paths
from assess.facts import DOCUMENTED, FIELDS, Adjustment, UnitFacts
from assess.points import cents
from assess.rubric.forms.base import CentsFn
from assess.rubric.program import Check, CompiledRule, Evidence
from assess.rubric.spec import PILLARS, FormUse
from assess.ruleset import Ruleset
from assess.scoring.adjustments import Adjustments
from assess.scoring.assessment import (
    Assessment,
    Bonus,
    CategoryScore,
    Deduction,
    GradeFinding,
    JsonValue,
    Phase,
    PillarScore,
    RulesetRef,
)
from assess.scoring.claims import claimed_extra, claimed_paths, undocumented
from assess.scoring.pillars import pillar_layout
from assess.scoring.records import record
from assess.scoring.totals import (
    Capped,
    Decision,
    Subtotals,
    assessment_record,
    bonus_record,
    deduction_record,
    flags,
    grades_possible,
    stakes_by_category,
    unit_ref,
)
from assess.sources import Merged

if TYPE_CHECKING:
    from assess.scoring.ledger import Ledger

_UNEXPLAINED: dict[str, JsonValue] = {}
_SHARED_MAX = 10_000
"""Subtotal records kept for sharing, at most (then forgotten and made again)."""
_VERDICTS_MAX = 4_096
"""Verdicts kept per rule, at most: about 130 bytes each, 0.5 MB a rule."""
_OUTCOMES_MAX = 1_024
"""Outcomes kept per rule, at most: about 1.2 KB each with their records, 1.2 MB a rule (a
township unit's rules had 1,890 outcomes in all after 2,000 generated units, at most 623 for
one rule)."""


class _Rule(msgspec.Struct, frozen=True):
    """One rule as deciding needs it, read once from its spec."""

    rule: CompiledRule
    id: str
    kind: str
    category: str | None
    item: str
    owner: str
    required: tuple[str, ...]
    cents: int
    skips: bool
    """A missing fact of the unit's own skips the rule (rather than deduct it)."""
    quiet: bool
    """The unit's own rule that a missing fact skips: nothing to do (unless a claim is pending)."""
    answered: bool
    """Facts the office or the review answers (a unit's own claim of them settles nothing)."""
    bonus: bool
    use: FormUse | None
    evaluate: RuleEval | None
    """The compiled evaluator (native engine), or None to read the engine's answers."""
    missing: str
    checks: tuple[Check, ...]
    finding: GradeFinding | None
    """A veto's or 否优项's finding, unexplained: the same for every unit it holds for."""
    amount: CentsFn | None
    """The form's amount in hundredths alone, where the form offers it."""
    slot: int
    """A deduction's category, a bonus's nothing: the index of its category (-1 for none)."""
    pillar: int
    """The index of the pillar a deduction counts toward."""
    capped: dict[int, Capped]
    """The rule's deduction after its caps, by points: made once, shared between units (a
    rule's points after caps are few)."""
    names: frozenset[str]
    """The names of the rule's checks, the missing check's too: what an engine answers."""


class _Plan:
    def __init__(self, ruleset: Ruleset, compiled: bool) -> None:
        spec = ruleset.spec
        program = ruleset.program
        whole, maximum = pillar_layout(spec)
        self.pillar_max = tuple((p, maximum[p]) for p in PILLARS if maximum[p])
        pillars: list[str] = [p for p, _ in self.pillar_max]
        slots = {c: index for index, c in enumerate(program.category_cents)}
        rules = []
        for rule in program.rules:
            s = rule.spec
            policy = s.if_missing or (spec.if_missing if s.kind == "deduct" else "skip")
            finding = None
            if s.kind in ("veto", "no_excellent"):
                finding = record(GradeFinding, {"rule": s.id, "pillar": s.pillar, "item": s.item, "reason": "",
                                                "evidence": _UNEXPLAINED, "source": s.source, "status": s.kind})
            pillar = whole.get(s.category, s.pillar) if s.category is not None else s.pillar
            if pillar not in pillars:  # counted, never shown: a pillar with no points to lose
                pillars.append(pillar)
            rules.append(_Rule(rule, s.id, s.kind, s.category, s.item, s.source, rule.required,
                               rule.cents, policy == "skip" or s.kind != "deduct",
                               s.source == "unit" and (policy == "skip" or s.kind != "deduct"),
                               s.source != "unit" and bool(rule.required), s.kind == "bonus", rule.use,
                               compile_rule(rule) if compiled else None, rule.missing_check,
                               tuple(c for c in rule.checks if c.kind != "missing"), finding,
                               rule.use.form.cents_function(rule.use.value, rule.use.kind, rule)
                               if rule.use is not None else None,
                               slots[s.category] if s.category is not None else -1, pillars.index(pillar), {},
                               frozenset(c.name for c in rule.checks)))
        self.rules = tuple(rules)
        reads = [[*r.required, *r.rule.reads] for r in rules]
        deciding = [_step(r, read) for r, read in zip(rules, reads, strict=True)]
        self.slots = Slots(p for _, single, _, _, _ in deciding for p in single or ()) if compiled else None
        """With the compiled evaluator, the values the verdicts are keyed by, read from the models."""
        self.keyed = tuple(_keyed(step, self.slots) for step in deciding)
        """Per rule, how :func:`decide` keys its verdicts (see :data:`_Keyed`)."""
        self.unkeyed = tuple((r, _fresh, None) for r in rules)
        """The same for a unit whose every rule is worked out alone (one with adjustments)."""
        self.lists = Reader([*DOCUMENTED, *_alone_read(deciding, reads)], views=True)
        """The facts of the rules that read lists or facts not in the catalogue, and the
        documented lists: read alone, for their keys and verdicts."""
        self.verdicts: dict[tuple[Phase, str | None, bool, bool], tuple[dict[Any, Verdict], ...]] = {}
        """Per phase, missing-records policy, whether the unit came merged and whether it has claims
        without their document in 初评: per rule, its verdicts by the values of the facts it reads."""
        self.walks: dict[tuple[Phase, str | None, bool, bool], tuple[tuple[_Walk, ...], tuple[_Walk, ...]]] = {}
        """The same: :attr:`keyed` and :attr:`unkeyed`, each rule with its verdicts (see :meth:`with_verdicts`)."""
        whole_reads = [[*r.required, *r.rule.reads, *_worded(r.rule)] for r in rules]
        steps = [_step(r, read) for r, read in zip(rules, whole_reads, strict=True)]
        # Explaining keys each rule's outcome as deciding keys its verdict, by the facts that
        # settle its outcome and its words; its lists are dumps, as the evidence shows them.
        self.whole_slots = Slots(p for _, single, _, _, _ in steps for p in single or ()) if compiled else None
        self.explaining = tuple(_keyed(step, self.whole_slots) for step in steps)
        """Per rule, how :func:`explain` keys its outcomes (see :data:`_Keyed`)."""
        self.whole_lists = Reader([*DOCUMENTED, *_alone_read(steps, whole_reads)])
        """What :attr:`lists` is to deciding, for explaining."""
        self.pillars = len(pillars)
        self.pillar_of = {r.id: r.pillar for r in rules}
        """The index of the pillar each rule's deduction counts toward, by rule."""
        self.reader = Reader([*needed_paths(ruleset.program), *DOCUMENTED])
        self.whole_reader = Reader([*needed_paths(ruleset.program), *DOCUMENTED,
                                    *(p for rule in program.rules for p in _worded(rule))])
        self.outcomes: dict[tuple[Phase, str | None, bool], tuple[dict[Any, _Outcome], ...]] = {}
        """Per phase, missing-records policy and whether the unit came with a provenance: per rule,
        its outcomes by the values of the facts it reads (see :func:`explain`)."""
        self.ruleset_ref = record(RulesetRef, {"id": spec.id, "title": spec.title, "version": spec.version,
                                               "sha256": ruleset.sha256, "source": ruleset.name})
        self.spec = spec
        self.categories = tuple((c.id, c.name, cents) for c, cents in
                                zip(spec.categories, program.category_cents.values(), strict=True))
        self.category_cents = program.category_cents
        self.room = list(program.category_cents.values())
        self.most = sum(self.room)
        self.bonus_cap = cents(spec.bonus_cap)
        self.grade_cents = program.grade_cents
        # Frozen records the same for many units (a category's and a pillar's subtotal) are
        # made once and shared; bounded, since a category's subtotals are few.
        self._shared: dict[tuple[Any, ...], Any] = {}
        self._possible: dict[tuple[int, int, bool, bool], list[str]] = {}

    def with_verdicts(self, selector: tuple[Phase, str | None, bool, bool]) -> tuple[tuple[_Walk, ...],
                                                                                 tuple[_Walk, ...]]:
        """:attr:`keyed` and :attr:`unkeyed`, each rule with its verdicts under ``selector``
        (made here), as :func:`decide` walks them."""
        verdicts = self.verdicts[selector] = tuple({} for _ in self.rules)
        return (tuple((*step, known) for step, known in zip(self.keyed, verdicts, strict=True)),
                tuple((*step, known) for step, known in zip(self.unkeyed, verdicts, strict=True)))

    def bounds(self, out: _Decided) -> _Bounds:
        """Floor, ceiling, bonus and grades in hundredths, as :func:`assess.scoring.totals.tally`
        works them out from the capped amounts."""
        room = out.room
        stakes = out.stakes
        decided = sum(room)
        at_stake: dict[str, int] | None = None
        pending = bonus_at_stake = 0
        if stakes:
            at_stake, bonus_at_stake = stakes_by_category(self.category_cents, stakes)
            pending = sum(min(at_stake[cid], left) for (cid, _, _), left in zip(self.categories, room, strict=True))
        cap = self.bonus_cap
        bonus = cap - out.bonus_room
        floor = decided - pending + bonus
        ceiling = decided + min(cap, bonus + bonus_at_stake)
        spec = self.spec
        by_score = ""
        for name, minimum in self.grade_cents:  # best first; the last one's minimum is 0
            if floor >= minimum:
                by_score = name
                break
        grade = by_score
        if out.vetoes:
            grade = spec.fail_grade
        elif out.blocks and grade == spec.top_grade:
            grade = spec.grades[1].name
        return _Bounds(floor, ceiling, bonus, grade, by_score, at_stake)

    def possible(self, out: _Decided, bounds: _Bounds) -> list[str]:
        """The grades still possible."""
        floor, ceiling, stakes = bounds.floor, bounds.ceiling, out.stakes
        if stakes:
            return grades_possible(self.spec, self.grade_cents, floor, ceiling, bool(out.vetoes), bool(out.blocks),
                                   stakes)
        # Nothing pending: the same few lists for every unit.
        key = (floor, ceiling, bool(out.vetoes), bool(out.blocks))
        known = self._possible.get(key)
        if known is None:
            if len(self._possible) > _SHARED_MAX:
                self._possible.clear()
            known = self._possible[key] = grades_possible(self.spec, self.grade_cents, floor, ceiling,
                                                          bool(out.vetoes), bool(out.blocks), stakes)
        return known

    def records(self, out: _Decided, at_stake: dict[str, int] | None) -> tuple[list[CategoryScore],
                                                                              list[PillarScore]]:
        """The subtotals' records, as :func:`assess.scoring.totals.tally` makes them: frozen, and
        shared between units with the same (a category's subtotals are few)."""
        shared = self._shared
        if len(shared) > _SHARED_MAX:
            shared.clear()
        room = out.room
        categories: list[CategoryScore] = []
        for index, (cid, name, most) in enumerate(self.categories):
            left = room[index]
            spent = most - left
            held = min(at_stake[cid], left) if at_stake is not None else 0
            key: tuple[Any, ...] = (index, spent, held)
            found = shared.get(key)
            if found is None:
                found = shared[key] = record(CategoryScore, {
                    "id": cid, "name": name, "max": most / 100, "score": left / 100,
                    "deducted": spent / 100, "pending": held / 100})
            categories.append(found)
        pillars: list[PillarScore] = []
        by_pillar = out.by_pillar
        if by_pillar is None:  # decided: the deductions after their caps, summed by pillar here
            by_pillar = [0] * self.pillars
            pillar_of = self.pillar_of
            for deducted in out.capped:
                by_pillar[pillar_of[deducted.rule]] += deducted.cents
        for index, (p, most) in enumerate(self.pillar_max):
            spent = by_pillar[index]
            key = (p, spent)
            found = shared.get(key)
            if found is None:
                found = shared[key] = record(PillarScore, {"id": p, "max": most / 100, "deducted": spent / 100,
                                                           "score": (most - spent) / 100})
            pillars.append(found)
        return categories, pillars

    def total(self, out: _Decided, facts: UnitFacts, phase: Phase, explained: Callable[[], Assessment]) -> Decision:
        """The decision :func:`assess.scoring.totals.decision` makes of the subtotals, which it
        builds when first asked for."""
        found = self.bounds(out)
        floor, ceiling = found.floor, found.ceiling

        def subtotals() -> Subtotals:
            categories, pillars = self.records(out, found.at_stake)
            missing = list(dict.fromkeys(p for paths in out.missing for p in paths))
            return Subtotals(unit_ref(facts), self.possible(out, found), categories, pillars, missing, flags(facts))
        return Decision(phase, floor / 100, ceiling / 100, (ceiling - floor) / 100, found.bonus / 100, found.grade,
                        out.capped, out.vetoes, out.blocks, facts.self_score, subtotals, explained)

    def assessment(self, ledger: Ledger, engine: Engine, out: _Decided, deductions: list[Deduction],
                   bonuses: list[Bonus]) -> Assessment:
        """:func:`assess.scoring.totals.assemble` over the decided ledger, its deductions and
        bonuses capped (``out``: what is left of each category and under the bonus cap)."""
        found = self.bounds(out)
        categories, pillars = self.records(out, found.at_stake)
        return assessment_record(ledger, engine, self.ruleset_ref, found.floor, found.ceiling, found.bonus,
                                 found.grade, found.by_score, self.possible(out, found), categories, pillars,
                                 deductions, bonuses)


class _Bounds(msgspec.Struct, frozen=True):
    """A unit's totals in hundredths and its grades, and what its pending deductions hold per
    category (None when nothing is pending)."""

    floor: int
    ceiling: int
    bonus: int
    grade: str
    by_score: str
    at_stake: dict[str, int] | None


def _worded(rule: CompiledRule) -> list[str]:
    """The facts a rule's reason, passed text and evidence read."""
    paths = [p for template in (rule.reason, rule.passed) if template is not None
             for part in template.parts if not isinstance(part, str) for p in part.reads]
    for label, _, needs, direct in rule.evidence_plan:
        paths.extend(needs)
        if direct:
            paths.append(label)
    return paths


_Step = tuple[_Rule, tuple[str, ...] | None, str | None, tuple[str, ...], tuple[Evidence, ...] | None]


def _step(r: _Rule, read: list[str]) -> _Step:
    """What sharing reads of a rule: the rule; the single-valued facts whose values settle what
    it does to a unit (None when a fact is not in the catalogue: then it is never shared); the
    only one, when it is one; the lists it reads; and what it makes of them (its list terms;
    None when it reads a list otherwise, and is shared only by units that did not submit it).
    See :func:`_listed`."""
    paths = tuple(dict.fromkeys(read))
    if any(p not in FIELDS or FIELDS[p].kind not in _SHARED_KINDS for p in paths):
        return r, None, None, (), None
    listed = tuple(p for p in paths if FIELDS[p].kind == "list")
    single = tuple(p for p in paths if p not in listed)
    return r, single, single[0] if len(single) == 1 else None, listed, r.rule.list_terms


def _alone_read(steps: list[_Step], reads: list[list[str]]) -> list[str]:
    """What is read alone, with the documented lists, beside the :class:`Slots` read (``reads``:
    per rule, what it reads): the lists a rule reads and what their terms read, and all that a
    rule worked out for each unit reads. A rule's verdict or outcome to work out then needs no
    other facts."""
    paths: list[str] = []
    for (_, single, _, listed, terms), read in zip(steps, reads, strict=True):
        paths += read if single is None else [*listed, *(p for term in terms or () for p in term.paths)]
    return paths


_Keyed = tuple[_Rule, Callable[[Any], Any], Callable[[Any], Mapping[str, Any]] | None]
"""How :func:`decide` keys a rule's verdicts: the rule; the key of the values it reads (from the
:class:`Slots` read followed by the lists read alone and the claims, or from an engine's flat
facts, the claims and the engine's answers), :data:`_FRESH` when it is worked out for each
unit; and, with the compiled evaluator, the flat facts it reads, from the same (None: the
flat facts the rules read, read whole)."""


_Walk = tuple[_Rule, Callable[[Any], Any], Callable[[Any], Mapping[str, Any]] | None, dict[Any, "Verdict"]]
"""A rule as :func:`decide` walks it: :data:`_Keyed` and the rule's verdicts by key."""


def _keyed(step: _Step, slots: Slots | None) -> _Keyed:
    """How :func:`decide` keys a rule's verdicts (see :data:`_Keyed`)."""
    r, single, path, listed, terms = step
    if slots is None:
        if single is None:
            return r, _fresh, None
        names = r.names
        if not single:
            at: Callable[[Mapping[str, Any]], Any] = _nothing_read
        elif path is not None:
            def at(env: Mapping[str, Any]) -> Any:
                return env.get(path)
        else:
            def at(env: Mapping[str, Any]) -> Any:
                return tuple(map(env.get, single))

        def answered(values: tuple[Mapping[str, Any], Mapping[str, list[Any]], frozenset[str]]) -> Any:
            env, claims, fired = values
            key = at(env)
            if listed:
                key = _listed(key, env, claims, listed, terms)
            return key if key is _FRESH else (key, fired & names)
        return r, answered, None
    if single is None:
        return r, _fresh, _lists_read
    base = slots.key(single) if single else _nothing_read
    flat = slots.facts(single)
    if not listed:
        return r, base, flat

    def with_lists(values: list[Any]) -> Any:
        return _listed(base(values), values[-2], values[-1], listed, terms)

    def with_lists_read(values: list[Any]) -> Mapping[str, Any]:
        read, lists = flat(values), values[-2]
        read.update({p: lists[p] for p in listed if p in lists})
        return read
    return r, with_lists, with_lists_read


def _lists_read(values: list[Any]) -> Mapping[str, Any]:
    return values[-2]  # type: ignore[no-any-return]


def _nothing_read(values: Any) -> tuple[()]:
    return ()


def _fresh(values: Any) -> object:
    return _FRESH


_FRESH = object()
"""A rule's key when it is worked out for the unit alone."""


def _listed(key: Any, env: Mapping[str, Any], claims: Mapping[str, list[Any]], listed: tuple[str, ...],
            terms: tuple[Evidence, ...] | None) -> Any:
    """The key of a rule reading lists: beside its single values, which lists were submitted and
    the value of each call reading them (all a rule can make of a list, see
    ``CompiledRule.list_terms``); :data:`_FRESH` for a list claimed without its document, or a
    submitted list the rule reads otherwise."""
    if any(p in claims for p in listed):
        return _FRESH
    if terms is None:
        return _FRESH if any(p in env for p in listed) else key
    return key, tuple([p in env for p in listed]), tuple([
        term.fn(env) if all(p in env for p in term.paths) else None for term in terms])


_SHARED_KINDS = frozenset({"bool", "int", "number", "str", "enum", "section", "list"})


_PLANS: WeakKeyDictionary[Engine, _Plan] = WeakKeyDictionary()


_last: tuple[ref[Engine], _Plan] | None = None
"""The engine last asked about and its plan: a batch asks about one, and finding it in the
weak dictionary costs as much as deciding three rules. One tuple, replaced whole, so that
threads read an engine and its own plan."""


def _plan(ruleset: Ruleset, engine: Engine) -> _Plan:
    # One plan per engine object: a ruleset makes each of its engines once.
    global _last
    last = _last
    if last is not None and last[0]() is engine:
        return last[1]
    plan = _PLANS.get(engine)
    if plan is None:
        plan = _PLANS[engine] = _Plan(ruleset, engine.name == "native")
    _last = (ref(engine), plan)
    return plan


def program_facts_only(engine: Engine) -> bool:
    """Whether the engine reads no fact but those its program names
    (:func:`~assess.engines.compiled.needed_paths`): its class says so with
    ``program_facts_only = True`` (the native engine, durable-rules)."""
    return getattr(engine, "program_facts_only", False) is True


def engine_facts(engine: Engine, reader: Reader, facts: UnitFacts) -> dict[str, Any]:
    """The flat facts an engine is given. With an engine that says it reads only the facts its
    program names (see :func:`program_facts_only`; the native engine, durable-rules), those
    ``reader`` reads: the facts the program's rules and terms read, and for explaining their
    words, with the documented lists (an honour's 文号), each as
    :func:`~assess.engines.base.flatten` has it; another engine is given them all, as the
    :class:`~assess.engines.Engine` protocol promises (a wrapped engine may read any fact)."""
    return reader.read(facts) if program_facts_only(engine) else flatten(facts)


def read_explained(ruleset: Ruleset, engine: Engine, facts: UnitFacts, provenance: Merged | None,
                   fired: frozenset[str] | None) -> tuple[dict[str, Any], dict[str, list[Any]], frozenset[str], Any]:
    """What :func:`explain` starts from: the flat facts for the ledger, the claims taken out of
    them, the engine's answers (none from the compiled evaluator; ``fired`` when known) and the
    values :func:`explain`'s keys read. With the compiled evaluator the flat facts are the lists
    alone, and each rule is given its own as it is worked out."""
    plan = _plan(ruleset, engine)
    env, claims, answers, values = _read_for_keys(facts, provenance, engine, fired, plan.whole_slots,
                                                  plan.whole_lists, plan.whole_reader)
    return env, claims, answers if answers is not None else frozenset(), values


def _read_for_keys(facts: UnitFacts, provenance: Merged | None, engine: Engine, fired: frozenset[str] | None,
                   slots: Slots | None, lists: Reader,
                   whole: Reader) -> tuple[dict[str, Any], dict[str, list[Any]], frozenset[str] | None, Any]:
    """What a walk of keyed rules (:data:`_Keyed`) starts from: the flat facts, the claims taken
    out of them, the engine's answers and the values the keys read. With the compiled evaluator
    (``slots``), the flat facts are the lists read alone, there are no answers, and the values
    are the :class:`Slots` read followed by those lists and the claims; with another engine,
    the flat facts are read whole (:func:`engine_facts`) and the engine answers (``fired`` when
    known)."""
    if slots is None:
        env = engine_facts(engine, whole, facts)
        claims = undocumented(env, provenance)
        answers = fired if fired is not None else engine.run(env)
        return env, claims, answers, (env, claims, answers)
    read = lists.read(facts)
    claims = undocumented(read, provenance)
    values = slots.read(facts)
    values += (read, claims)  # for the keys of the rules reading lists
    return read, claims, None, values


class _Decided(msgspec.Struct):
    """A unit's outcomes, in hundredths and capped as they are decided (in rule order, as
    :func:`assess.scoring.totals.tally` caps them): what the totals read."""

    adjustments: Adjustments
    env: Mapping[str, Any]
    room: list[int]
    """What is left to deduct per category (扣完为止)."""
    by_pillar: list[int] | None
    """What the deductions took per pillar (None: summed from :attr:`capped` when asked for)."""
    bonus_room: int
    """What is left under the bonus cap."""
    capped: list[Capped] = msgspec.field(default_factory=list)
    vetoes: list[GradeFinding] = msgspec.field(default_factory=list)
    blocks: list[GradeFinding] = msgspec.field(default_factory=list)
    missing: list[dict[str, None]] = msgspec.field(default_factory=list)
    """The unit's facts missing, as the rules found them (each rule's as a dict's keys, in order)."""
    stakes: list[tuple[str, str | None, int]] = msgspec.field(default_factory=list)

    def adjustment(self, rule: str) -> Adjustment | None:
        """The assessor's pick for a discretionary rule, marked as used (a form asks)."""
        return self.adjustments.take(rule)


def decide(ruleset: Ruleset, facts: UnitFacts, engine: Engine, phase: Phase, provenance: Merged | None,
           missing_records: str | None,
           explained: Callable[[frozenset[str] | None], Callable[[], Assessment]]) -> Decision | None:
    """The unit decided and totalled; None when the ledger must decide it (see the module's
    docstring). ``explained`` makes the full assessment's builder from the engine's answers
    (None when the compiled evaluator answered and the engine was not asked).

    What a rule does to the totals (its verdict) depends only on the values of the facts it
    reads, the phase, the policy and whether the unit came merged: for a rule reading no list
    the unit submitted, it is worked out once per set of values and shared by every unit with
    the same (with an engine other than the compiled evaluator, the engine's answers for the
    rule are part of the key); not for a unit with an assessor's adjustments, which a form may
    read. With the compiled evaluator, the values are read straight from the models
    (:class:`~assess.engines.compiled.Slots`), and the flat facts only when a verdict is to be
    worked out; the lists a rule reads are read alone for its key."""
    if not _alone(provenance):
        return None
    plan = _plan(ruleset, engine)
    read_, claims, fired, values = _read_for_keys(facts, provenance, engine, None, plan.slots, plan.lists,
                                                  plan.reader)
    env: dict[str, Any] | None = read_ if fired is not None else None  # compiled: the lists alone
    provisional = phase == "provisional"
    pending = bool(claims) and provisional
    # Merged, a unit's own claim of a fact the office or the review answers settles nothing.
    untrusted = provenance is not None
    selector = (phase, missing_records, untrusted, pending)
    walks = plan.walks.get(selector)
    if walks is None:
        walks = plan.walks[selector] = plan.with_verdicts(selector)
    adjustments = facts.adjustments
    out = _Decided(Adjustments(adjustments) if adjustments else _NO_ADJUSTMENTS, env if env is not None else _NO_ENV,
                   plan.room.copy(), None, plan.bonus_cap)
    stakes = out.stakes
    room, capped, missing = out.room, out.capped, out.missing
    for r, key_of, facts_of, known in walks[1] if adjustments else walks[0]:
        verdict = known.get(key_of(values))
        if verdict is _NONE_DONE:
            continue
        if verdict is None:
            # A verdict to work out: the flat facts the rule reads.
            if env is not None:
                facts_read: Mapping[str, Any] = env
            elif facts_of is not None:
                facts_read = facts_of(values)
            else:
                facts_read = env = plan.reader.read(facts)
                undocumented(env, provenance)
            out.env = facts_read  # what a form reads
            verdict = _verdict(r, _matched(r, facts_read, fired), facts_read, claims, out, provisional, pending,
                               untrusted, missing_records)
            if verdict is None:
                return None  # the ledger names the office's data still to enter
            key = key_of(values)
            if key is not _FRESH:
                if len(known) > _VERDICTS_MAX:
                    known.clear()
                known[key] = verdict
        what = verdict[0]
        if what == _NOTHING:
            continue
        if what == _DEDUCT:
            # Capped at the item's points already; then at what is left of the category (扣完为止).
            take = verdict[1]
            slot = r.slot
            left = room[slot]
            if take <= left:
                room[slot] = left - take
                capped.append(verdict[3])
            else:
                room[slot] = 0
                capped.append(_capped(r, left))
            missing.append(verdict[2])  # most often empty: skipped when the decision is read
        elif what == _STAKE:
            stakes.append(verdict[1])
        elif what == _AWARD:
            take = verdict[1]
            out.bonus_room -= take if take <= out.bonus_room else out.bonus_room
        elif what == _FINDING:
            (out.vetoes if r.kind == "veto" else out.blocks).append(r.finding)  # type: ignore[arg-type]
    if adjustments and out.adjustments.unused():
        return None  # the ledger names the adjustments that did not apply
    return plan.total(out, facts, phase, explained(fired))


def _matched(r: _Rule, env: Mapping[str, Any], fired: frozenset[str] | None) -> tuple[Check, ...] | None:
    """The rule's checks that hold, from the compiled evaluator or the engine's answers."""
    if fired is None:
        return r.evaluate(env)  # type: ignore[misc]
    if r.missing in fired:
        return None
    return tuple([c for c in r.checks if c.name in fired])


_NO_ADJUSTMENTS = Adjustments(None)
"""A unit with none: nothing a form can take, nothing left unused."""
_NO_ENV: Mapping[str, Any] = {}


_NOTHING, _DEDUCT, _STAKE, _AWARD, _FINDING = range(5)
Verdict = tuple[Any, ...]
"""What a rule does to a unit's totals: (_NOTHING,), (_DEDUCT, hundredths within the rule's
points, the facts missing as a dict's keys, its :class:`Capped` record), (_STAKE, the pending
stake), (_AWARD, hundredths within the rule's points) or (_FINDING,) (its veto or 否优项)."""
_NONE_DONE: Verdict = (_NOTHING,)
_NO_PATHS: dict[str, None] = {}


def _verdict(r: _Rule, matched: tuple[Check, ...] | None, env: Mapping[str, Any], claims: Mapping[str, list[Any]],
             out: _Decided, provisional: bool, pending: bool, untrusted: bool,
             missing_records: str | None) -> Verdict | None:
    """The rule's verdict, as the :class:`~assess.scoring.ledger.Ledger` decides it with
    ``explain=False``; None when the ledger must decide the unit. A bonus's claims without their
    document are added to the pending stakes here (only a rule reading a list has any)."""
    if matched is None or (untrusted and r.answered):
        if r.quiet and not (pending and r.bonus):
            return _NONE_DONE
        paths = [p for p in r.required if p not in env] if matched is None else []
        if untrusted and r.owner != "unit":
            paths += [p for p in r.required if p in env and p not in paths]
        if r.bonus and all(p in claims for p in paths):
            if provisional:
                _claimed_bonus(r.rule, env, claims, out)
            return _NONE_DONE
        if r.owner == "unit" and r.skips:
            return _NONE_DONE
        if provisional:
            return _STAKE, (r.kind, r.category, r.cents)
        if r.owner == "unit":
            return _deducted(r, r.cents, dict.fromkeys(paths))
        if missing_records == "skip":
            return _NONE_DONE
        return None
    if not matched:
        if pending:
            _claimed_bonus(r.rule, env, claims, out)
        return _NONE_DONE
    if r.finding is not None:
        return (_FINDING,)
    if r.amount is not None:
        cents = r.amount(matched, out)
    else:
        use = r.use
        assert use is not None  # only vetoes and 否优项 have no form
        cents = use.form.amount(use.value, use.kind, r.rule, list(matched), out).cents
    if r.bonus:
        if pending:
            _claimed_bonus(r.rule, env, claims, out, cents)
        return _AWARD, cents if cents <= r.cents else r.cents
    return _deducted(r, cents, _NO_PATHS) if cents > 0 else _NONE_DONE


def _deducted(r: _Rule, raw: int, missing: dict[str, None]) -> Verdict:
    """A deduction's verdict: capped at its item's points, with the record of that many."""
    take = raw if raw <= r.cents else r.cents
    return _DEDUCT, take, missing, _capped(r, take)


def _capped(r: _Rule, points: int) -> Capped:
    """The rule's deduction of that many points after caps: made once, shared between units."""
    found = r.capped.get(points)
    if found is None:
        found = r.capped[points] = Capped(r.id, r.item, points)
    return found


def _claimed_bonus(rule: CompiledRule, env: Mapping[str, Any], claims: Mapping[str, list[Any]], out: _Decided,
                   decided: int = 0) -> None:
    """As :meth:`Ledger.claimed_bonus <assess.scoring.ledger.Ledger.claimed_bonus>`: a bonus some
    of whose claims lack their document is pending in 初评 for what they would add."""
    claimed = claimed_paths(rule, claims)
    if not claimed:
        return
    extra = claimed_extra(rule, env, claims, claimed, decided)
    if extra > 0:
        out.stakes.append((rule.spec.kind, rule.spec.category, extra))


def explains(facts: UnitFacts, provenance: Merged | None) -> bool:
    """Whether :func:`explain` takes the unit: the unit's facts alone (no office record or
    review decision among its sources) and no assessor's adjustments."""
    return not facts.adjustments and _alone(provenance)


def _alone(provenance: Merged | None) -> bool:
    """No office record or review decision among the unit's sources."""
    return provenance is None or (all(s.source == "unit" for s in provenance.sources)
                                  and not any(e.status in ("missing", "rejected") for e in provenance.evidence))


class _Made:
    """One deduction or bonus of a rule's outcome: its entry, the points it asks for within the
    rule's own points, and its records (made once: by points after caps)."""

    __slots__ = ("cut", "entry", "pillar", "slot", "take", "whole")

    def __init__(self, entry: dict[str, Any], r: _Rule, bonus: bool) -> None:
        self.entry = entry
        raw = entry["raw"]
        self.take = raw if raw <= r.cents else r.cents
        self.slot = r.slot
        self.pillar = r.pillar
        self.whole = self.made(self.take, "item" if raw > r.cents else None, bonus)
        """The record when nothing but the rule's own points limits it."""
        self.cut: dict[int, Any] = {}
        """The records limited by the category (a bonus: the bonus cap), by points."""

    def made(self, points: int, capped: str | None, bonus: bool) -> Any:
        return (bonus_record if bonus else deduction_record)(self.entry, points, capped)


class _Outcome(msgspec.Struct, frozen=True):
    """What one rule added to the ledger for a unit, the same for every unit whose facts the rule
    reads are equal (the records are frozen, the entries never changed once made)."""

    deductions: tuple[_Made, ...]
    bonuses: tuple[_Made, ...]
    adds: tuple[tuple[int, tuple[Any, ...]], ...]
    """The other records, per list of :func:`_lists` (by index) that has some."""
    missing: dict[str, None]
    """The facts missing, as a dict's keys (in order)."""
    single: tuple[int, Any] | None
    """The list (by index) and the record, when the outcome is one record of :func:`_lists` alone
    (a rule passed or skipped, most outcomes)."""


def _lists(ledger: Ledger) -> tuple[list[Any], ...]:
    return ledger.vetoes, ledger.blocks, ledger.passed, ledger.skipped, ledger.pending, ledger.stakes


def _ask(ledger: Ledger, r: _Rule, native: bool) -> None:
    """The ledger's own outcome of the rule, added to its lists."""
    if native:
        matched = r.evaluate(ledger.env) if r.evaluate is not None else None
        ledger.fired = frozenset([r.missing] if matched is None else [c.name for c in matched])
    ledger.rule(r.rule)


def _worked_out(ledger: Ledger, r: _Rule, native: bool) -> _Outcome:
    """The ledger's own outcome of the rule, taken apart into an :class:`_Outcome` (the ledger's
    lists are left as they were)."""
    deductions, bonuses, missing = ledger.deductions, ledger.bonuses, ledger.missing
    vetoes, blocks, passed, skipped, pending, stakes = _lists(ledger)
    ledger.deductions, ledger.bonuses, ledger.missing = [], [], []
    ledger.vetoes, ledger.blocks, ledger.passed, ledger.skipped, ledger.pending, ledger.stakes = \
        [], [], [], [], [], []
    try:
        _ask(ledger, r, native)
        adds = tuple((index, tuple(items)) for index, items in enumerate(_lists(ledger)) if items)
        alone = not ledger.deductions and not ledger.bonuses and not ledger.missing
        return _Outcome(tuple(_Made(entry, r, False) for entry in ledger.deductions),
                        tuple(_Made(entry, r, True) for entry in ledger.bonuses), adds, dict.fromkeys(ledger.missing),
                        (adds[0][0], adds[0][1][0]) if alone and len(adds) == 1 and len(adds[0][1]) == 1 else None)
    finally:
        ledger.deductions, ledger.bonuses, ledger.missing = deductions, bonuses, missing
        ledger.vetoes, ledger.blocks, ledger.passed, ledger.skipped, ledger.pending, ledger.stakes = \
            vetoes, blocks, passed, skipped, pending, stakes


def explain(ledger: Ledger, engine: Engine, values: Any) -> Assessment | None:
    """The full assessment of a unit :func:`explains` takes, as
    :meth:`Ledger.build <assess.scoring.ledger.Ledger.build>` makes it, for a ledger made over
    :func:`read_explained`'s facts and ``values``; None when the ledger must refuse the unit
    (office data to enter).

    A rule's outcome (its records, reasons and evidence included) depends only on the values
    of the facts it reads, the phase, the policy and whether the unit came merged: the ledger
    works it out once per set of values, and every unit with the same shares it (for an engine
    other than the compiled evaluator, the engine's answers for the rule are part of the key).
    A rule reading a list the unit submitted is worked out for each unit. Deductions and bonuses are capped as
    they come, in rule order (as :func:`assess.scoring.totals.tally` caps them), and their
    records shared by points after caps.
    """
    plan = _plan(ledger.ruleset, engine)
    native = engine.name == "native"
    selector = (ledger.phase, ledger.missing_records, ledger.provenance is None)
    outcomes = plan.outcomes.get(selector)
    if outcomes is None:
        outcomes = plan.outcomes[selector] = tuple({} for _ in plan.rules)
    lists = _lists(ledger)
    missing: dict[str, None] = {}
    room = plan.room.copy()
    by_pillar = [0] * plan.pillars
    bonus_room = plan.bonus_cap
    deductions: list[Deduction] = []
    bonuses: list[Bonus] = []
    own, own_bonuses, own_missing = ledger.deductions, ledger.bonuses, ledger.missing
    for (r, key_of, facts_of), known in zip(plan.explaining, outcomes, strict=True):
        key = key_of(values)
        if key is _FRESH:
            # Worked out for this unit alone: its records go straight to the ledger's lists.
            if facts_of is not None:
                ledger.env = facts_of(values)
            before, before_bonuses, before_missing = len(own), len(own_bonuses), len(own_missing)
            _ask(ledger, r, native)
            if ledger.unrecorded:
                return None
            made = tuple(_Made(entry, r, False) for entry in own[before:])
            made_bonuses = tuple(_Made(entry, r, True) for entry in own_bonuses[before_bonuses:])
            missing.update(dict.fromkeys(own_missing[before_missing:]))
        else:
            outcome = known.get(key)
            if outcome is None:
                if facts_of is not None:
                    ledger.env = facts_of(values)
                outcome = _worked_out(ledger, r, native)
                if ledger.unrecorded:
                    return None
                if len(known) > _OUTCOMES_MAX:
                    known.clear()
                known[key] = outcome
            single = outcome.single
            if single is not None:
                lists[single[0]].append(single[1])
                continue
            for index, items in outcome.adds:
                lists[index].extend(items)
            if outcome.missing:
                missing.update(outcome.missing)
            made, made_bonuses = outcome.deductions, outcome.bonuses
        for d in made:
            take, slot = d.take, d.slot
            left = room[slot]
            if take <= left:
                room[slot] = left - take
                by_pillar[d.pillar] += take
                deductions.append(d.whole)
                continue
            room[slot] = 0
            by_pillar[d.pillar] += left
            cut = d.cut.get(left)
            if cut is None:
                cut = d.cut[left] = d.made(left, "category", False)
            deductions.append(cut)
        for b in made_bonuses:
            take = b.take
            if take <= bonus_room:
                bonus_room -= take
                bonuses.append(b.whole)
                continue
            cut = b.cut.get(bonus_room)
            if cut is None:
                cut = b.cut[bonus_room] = b.made(bonus_room, "bonus_cap", True)
            bonuses.append(cut)
            bonus_room = 0
    ledger.missing = list(missing)
    out = _Decided(ledger.adjustments, ledger.env, room, by_pillar, bonus_room, vetoes=ledger.vetoes,
                   blocks=ledger.blocks, stakes=ledger.stakes)
    return plan.assessment(ledger, engine, out, deductions, bonuses)
