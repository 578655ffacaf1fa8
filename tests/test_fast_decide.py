"""Deciding and totalling without the records (assess.scoring.fast, assess.engines.compiled)
gives what the full assessment gives: the same totals and grades, the same refusals, and an
explanation byte for byte the assessment ``score`` builds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from assess import facts
from assess.engines import durable
from assess.engines.base import flatten, flatten_dict
from assess.engines.compiled import Reader, Slots, compile_program, needed_paths
from assess.errors import AssessError
from assess.rubric import expr
from assess.ruleset import Ruleset, load_ruleset
from assess.scoring import fast
from assess.scoring.claims import undocumented
from assess.scoring.ledger import Ledger, decide, score
from assess.scoring.totals import Decision
from assess.sources import merge
from assess.sources.merge import FactSource, _leaves
from assess.tools.generate import Generator

from .conftest import base_rulesets, fixture_ruleset
from .strategies import units

RULESETS = {name: load_ruleset(name) for name in base_rulesets()}
RULESETS["forms"] = load_ruleset(fixture_ruleset("forms"))
ENGINES = ["native"] + ([] if durable.unavailable_reason() is not None else ["durable"])


def _outcome(fn: Any) -> Any:
    try:
        return fn()
    except AssessError as exc:
        return f"{type(exc).__name__}: {exc.message} {exc.issues}"


def _as_decided(full: Any) -> tuple[Any, ...]:
    return (full.unit, full.phase, full.total, full.ceiling, full.pending_points, full.bonus, full.grade,
            full.grades_possible, full.categories, full.pillars,
            [(d.rule, d.item, round(d.points * 100)) for d in full.deductions],
            [v.rule for v in full.vetoes], [b.rule for b in full.blocks_excellent], full.missing,
            full.self_score, full.flags)


def _decided(found: Decision) -> tuple[Any, ...]:
    return (found.unit, found.phase, found.total, found.ceiling, found.pending_points, found.bonus, found.grade,
            found.grades_possible, found.categories, found.pillars,
            [(d.rule, d.item, d.cents) for d in found.deductions],
            [v.rule for v in found.vetoes], [b.rule for b in found.blocks_excellent], found.missing,
            found.self_score, found.flags)


def _cases(unit: facts.UnitFacts) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each engine, phase and missing-records policy, with no provenance and merged alone."""
    for provenance in (None, merge(unit)):
        for engine in ENGINES:
            for phase, policy in (("provisional", None), ("final", "skip"), ("final", None)):
                yield engine, {"phase": phase, "provenance": provenance, "missing_records": policy}


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_a_decision_totals_and_explains_as_the_full_assessment(name: str) -> None:
    rs = RULESETS[name]
    checked = [0]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(units(list(rs.spec.applies_to)))
    def agree(data: dict[str, Any]) -> None:
        unit = facts.validate(data)
        for engine, kwargs in _cases(unit):
            full = _outcome(lambda: score(rs, unit, engine, **kwargs))
            found = _outcome(lambda: decide(rs, unit, engine, **kwargs))
            if isinstance(full, str) or isinstance(found, str):
                assert found == full
                continue
            assert _decided(found) == _as_decided(full)
            assert found.assessment().model_dump_json() == full.model_dump_json()
        checked[0] += 1

    agree()
    assert checked[0] >= 60


def _ledgers_own(rs: Ruleset, unit: facts.UnitFacts, engine: str, **kwargs: Any) -> Any:
    """The assessment as the ledger makes it alone: every fact flattened, the engine asked,
    every rule worked out for this unit, nothing shared with another."""
    provenance = kwargs["provenance"]
    env = flatten(unit)
    claims = undocumented(env, provenance)
    chosen = rs.engine(engine)
    return Ledger(rs, unit, env, chosen.run(env), "<facts>", kwargs["phase"], provenance, kwargs["missing_records"],
                  claims).build(chosen)


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_outcomes_shared_between_units_are_each_units_own(name: str) -> None:
    """score shares each rule's outcome between units reading the same values (scoring/fast):
    unit after unit, in one process, what it gives is what the ledger makes for that unit alone."""
    rs = RULESETS[name]
    checked = [0]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(units(list(rs.spec.applies_to)))
    def agree(data: dict[str, Any]) -> None:
        unit = facts.validate(data)
        for engine, kwargs in _cases(unit):
            shared = _outcome(lambda: score(rs, unit, engine, **kwargs))
            own = _outcome(lambda: _ledgers_own(rs, unit, engine, **kwargs))
            if isinstance(shared, str) or isinstance(own, str):
                assert isinstance(shared, str) and isinstance(own, str)
                continue
            assert shared.model_dump_json() == own.model_dump_json()
        checked[0] += 1

    agree()
    assert checked[0] >= 60


def test_what_is_kept_for_sharing_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the most outcomes or verdicts a rule keeps, they are forgotten and worked out again:
    memory stays bounded over any number of units, and every unit is still its own."""
    monkeypatch.setattr(fast, "_OUTCOMES_MAX", 2)
    monkeypatch.setattr(fast, "_VERDICTS_MAX", 2)
    rs = load_ruleset("township")  # its own engines, so its own plans
    kwargs: dict[str, Any] = {"phase": "final", "provenance": None, "missing_records": "skip"}
    for data in Generator("township", 7).units(40):
        unit = facts.validate(data)
        assert score(rs, unit, "native", **kwargs).model_dump_json() == \
            _ledgers_own(rs, unit, "native", **kwargs).model_dump_json()
        assert _decided(decide(rs, unit, "native", **kwargs)) == _as_decided(_ledgers_own(rs, unit, "native", **kwargs))
    plan = fast._plan(rs, rs.engine("native"))
    kept = [len(known) for per in (*plan.outcomes.values(), *plan.verdicts.values()) for known in per]
    assert kept and max(kept) <= 3
    rs.close()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_the_compiled_evaluator_answers_as_the_native_engine(name: str) -> None:
    rs = RULESETS[name]
    native = rs.engine("native")
    evaluators = compile_program(rs.program)

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(units(list(rs.spec.applies_to)))
    def agree(data: dict[str, Any]) -> None:
        env = flatten(facts.validate(data))
        fired = native.run(env)
        for rule, evaluate in zip(rs.program.rules, evaluators, strict=True):
            matched = evaluate(env)
            if matched is None:
                assert rule.missing_check in fired
            else:
                assert {c.name for c in matched} == {c.name for c in rule.checks if c.name in fired}

    agree()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_the_reader_gives_the_flat_facts_a_program_reads(name: str) -> None:
    rs: Ruleset = RULESETS[name]
    paths = needed_paths(rs.program)
    reader = Reader(paths)

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(units(list(rs.spec.applies_to)))
    def agree(data: dict[str, Any]) -> None:
        unit = facts.validate(data)
        whole, read = flatten(unit), reader.read(unit)
        assert {k: whole[k] for k in read} == read
        assert {p for p in paths if p in whole} <= read.keys()

    agree()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_the_slots_hold_the_values_the_flat_facts_have(name: str) -> None:
    rs: Ruleset = RULESETS[name]
    single = [p for p in needed_paths(rs.program)
              if p in facts.FIELDS and facts.FIELDS[p].kind not in ("list", "section")]
    sections = sorted({p.rsplit(".", 1)[0] for p in single if "." in p})
    slots = Slots([*single, *sections])
    one = {p: slots.key([p]) for p in [*single, *sections]}
    together = slots.key(single)

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(units(list(rs.spec.applies_to)))
    def agree(data: dict[str, Any]) -> None:
        unit = facts.validate(data)
        whole, values = flatten(unit), slots.read(unit)
        for path, key in one.items():
            assert key(values) == whole.get(path), path
        assert together(values) == tuple(whole.get(p) for p in single)

    agree()


@pytest.mark.parametrize("name", sorted(n for n, rs in RULESETS.items() if any(r.list_terms for r in rs.program.rules)))
def test_list_terms_over_the_models_own_fields_are_their_values_over_dumps(name: str) -> None:
    rs: Ruleset = RULESETS[name]
    terms = [t for rule in rs.program.rules for t in rule.list_terms or ()]
    lists = sorted({p for t in terms for p in t.paths})
    views, dumps = Reader([*lists, *facts.DOCUMENTED], views=True), Reader([*lists, *facts.DOCUMENTED])

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(units(list(rs.spec.applies_to)))
    def agree(data: dict[str, Any]) -> None:
        unit = facts.validate(data)
        viewed, dumped = views.read(unit), dumps.read(unit)
        assert viewed.keys() == dumped.keys()
        for term in terms:
            if all(p in dumped for p in term.paths):
                assert term.fn(viewed) == term.fn(dumped), term.label

    agree()


def test_a_list_item_with_a_field_unset_is_left_out_of_a_sum_over_the_models() -> None:
    unit = facts.validate({"unit": {"id": "u", "name": "某乡镇", "type": "township", "year": 2026},
                           "drills": [{"participants": 30}, {"title": "防汛演练"}, {"participants": 12}]})
    total = expr.compile_value(expr.parse("sum(drills.participants)", "int"))
    kinds = expr.compile_value(expr.parse("distinct(drills.title)", "int"))
    viewed = Reader(["drills"], views=True).read(unit)
    assert viewed["drills"][1]["participants"] is None  # the model's own field, unset
    assert total(viewed) == total(flatten(unit)) == 42
    assert kinds(viewed) == kinds(flatten(unit)) == 1


def test_deciding_with_rulesets_in_turn_keeps_each_ones_plan() -> None:
    township, city = RULESETS["township"], RULESETS["city"]
    units_of = {rs.id: [facts.validate(d) for d in Generator(rs.spec.applies_to[0], 3).units(20)]
                for rs in (township, city)}
    for _round in range(2):
        for rs in (township, city, township):
            for unit in units_of[rs.id]:
                found, full = decide(rs, unit, "native", phase="final", missing_records="skip"), \
                    score(rs, unit, "native", phase="final", missing_records="skip")
                assert (found.total, found.grade, found.categories) == (full.total, full.grade, full.categories)


class _Spy:
    """An engine that answers nothing and keeps the flat facts it was given."""

    name = "spy"
    version = "spy 1"

    def __init__(self) -> None:
        self.given: list[dict[str, Any]] = []

    def run(self, env: Any) -> frozenset[str]:
        self.given.append(dict(env))
        return frozenset()

    def close(self) -> None:
        pass


class _ProgramFactsSpy(_Spy):
    program_facts_only = True


@pytest.mark.parametrize(("spy", "every_fact"), [(_Spy, True), (_ProgramFactsSpy, False)])
def test_an_engine_is_given_every_fact_unless_it_reads_only_its_programs(spy: type[_Spy],
                                                                         every_fact: bool) -> None:
    rs = RULESETS["township"]
    unit = facts.load(Path(__file__).parent.parent / "samples" / "seed-08-township.json")
    engine = spy()
    found = fast.decide(rs, unit, engine, "provisional", None, None, lambda fired: lambda: score(rs, unit, "native"))
    assert found is not None and len(engine.given) == 1
    unread = {path for path in flatten(unit) if path not in needed_paths(rs.program)}
    assert "unit.name" in unread  # a fact no rule reads
    assert (unread <= engine.given[0].keys()) is every_fact
    assert not every_fact or engine.given[0] == flatten(unit)
    assert every_fact or set(engine.given[0]) <= set(needed_paths(rs.program)) | set(facts.DOCUMENTED) | {
        p.rsplit(".", 1)[0] for p in needed_paths(rs.program) if "." in p}


def _walked(unit: facts.UnitFacts) -> dict[str, Any]:
    """flatten as it was: a walk of model_dump(exclude_none=True)."""
    env: dict[str, Any] = {}
    flatten_dict(unit.model_dump(exclude_none=True), "", env)
    return env


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(units())
def test_flatten_reads_the_models_as_their_dump(data: dict[str, Any]) -> None:
    unit = facts.validate(data)
    env = flatten(unit)
    walked = _walked(unit)
    assert list(env.items()) == list(walked.items())


def test_flatten_keeps_the_extraction_evidence_keyed_by_path() -> None:
    unit = facts.loads((Path(__file__).resolve().parent.parent / "samples" / "seed-06-department.json")
                       .read_bytes(), "seed-06")
    assert list(flatten(unit).items()) == list(_walked(unit).items())
    assert "extraction.evidence.work.plan.quote" in flatten(unit)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(units())
def test_a_unit_merged_alone_is_the_source_of_every_fact_it_gave(data: dict[str, Any]) -> None:
    unit = facts.validate(data)
    merged = merge(unit, source="u.json")
    assert merged.facts is unit and not merged.conflicts and not merged.evidence
    assert merged.sources == tuple(FactSource(path, "unit", "u.json")
                                   for path in _leaves(unit.model_dump(exclude_none=True)))
