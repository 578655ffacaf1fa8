"""初评 and 终评: what is pending, the range of totals, and who is charged for what.

Properties over generated units of every type and the three bundled rulesets, and
hand-worked cases on one sample with illustrative office records.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assess
from assess import facts
from assess.facts import OFFICE_FIELDS
from assess.ruleset import Ruleset, load_ruleset
from assess.scoring.ledger import score
from assess.sources import OfficeRecords, merge, parse_records

from .conftest import SAMPLES, base_rulesets
from .strategies import units

RULESETS = {name: load_ruleset(name) for name in base_rulesets()}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
DROPPABLE = ["work", "organization", "plans", "teams", "supplies", "drills", "duty", "reporting", "warning",
             "hazards", "publicity", "legal", "tasks", "funds", "incidents", "honors", "shelters"]


def _with_documents(data: dict[str, Any]) -> dict[str, Any]:
    """Honours carrying their 文号, so that a generated honour counts once decided."""
    out = copy.deepcopy(data)
    for n, honour in enumerate(out.get("honors") or []):
        honour.setdefault("number", f"某应急〔2026〕{n + 1}号")
    return out


def _office_rules(rs: Ruleset) -> set[str]:
    return {r.id for r in rs.spec.rules if r.source == "office"}


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_the_total_lies_between_floor_and_ceiling_and_final_decides_everything(name: str) -> None:
    rs = RULESETS[name]

    @SETTINGS
    @given(units(list(rs.spec.applies_to)))
    def check(data: dict[str, Any]) -> None:
        unit = facts.validate(_with_documents(data))
        provisional = score(rs, unit, "native", phase="provisional")
        assert provisional.floor <= provisional.total <= provisional.ceiling
        assert provisional.total == provisional.floor
        assert provisional.pending_points == pytest.approx(provisional.ceiling - provisional.floor)
        assert provisional.grades_possible and provisional.grade in provisional.grades_possible
        if not provisional.pending:
            assert provisional.floor == provisional.ceiling
        final = score(rs, unit, "native", phase="final", missing_records="skip")
        assert final.pending == []
        assert final.floor == final.total == final.ceiling
        assert final.grades_possible == [final.grade]

    check()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_whatever_the_missing_facts_turn_out_to_be_the_total_stays_in_the_range(name: str) -> None:
    """Drop some sections of a unit: 初评 of what is left gives [floor, ceiling]; 终评 of the
    whole unit (every pending item decided, one way or the other) lands inside it."""
    rs = RULESETS[name]

    @SETTINGS
    @given(units(list(rs.spec.applies_to)), st.sets(st.sampled_from(DROPPABLE), min_size=1, max_size=6))
    def check(data: dict[str, Any], dropped: set[str]) -> None:
        whole = facts.validate(_with_documents(data))
        partial = facts.validate({k: v for k, v in _with_documents(data).items() if k not in dropped})
        before = score(rs, partial, "native", phase="provisional")
        after = score(rs, whole, "native", phase="final", missing_records="skip")
        decided_elsewhere = {s.rule for s in after.skipped}
        if decided_elsewhere & {p.rule for p in before.pending if p.source == "office"}:
            return  # an office item the final phase did not score is outside the range by policy
        unclaimed = {s.rule for s in before.skipped if s.source == "unit"}
        if unclaimed & {b.rule for b in after.bonuses}:
            return  # a bonus is by application: one the submission did not claim is not invited in 补正
        assert before.floor - 1e-9 <= after.total <= before.ceiling + 1e-9, (dropped, data)
        assert after.grade in before.grades_possible

    check()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_with_nothing_missing_both_phases_agree(name: str) -> None:
    rs = RULESETS[name]

    @SETTINGS
    @given(units(list(rs.spec.applies_to)))
    def check(data: dict[str, Any]) -> None:
        unit = facts.validate(_with_documents(data))
        provisional = score(rs, unit, "native", phase="provisional")
        if provisional.pending:
            return
        final = score(rs, unit, "native", phase="final")
        assert final.model_dump(exclude={"phase"}) == provisional.model_dump(exclude={"phase"})

    check()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_a_unit_is_never_charged_for_the_offices_data(name: str) -> None:
    """Scored through the library as a unit's submission (its own claims of office facts
    included), no office item is ever deducted, vetoed or blocking: it waits for the records."""
    rs = RULESETS[name]
    office = _office_rules(rs)

    @SETTINGS
    @given(units(list(rs.spec.applies_to)), st.sampled_from(["provisional", "final"]))
    def check(data: dict[str, Any], phase: str) -> None:
        a = assess.score(_with_documents(data), rs, engine="native", phase=phase,  # type: ignore[arg-type]
                         missing_records="skip")
        charged = {d.rule for d in a.deductions} | {v.rule for v in a.vetoes} | {b.rule for b in a.blocks_excellent}
        assert not charged & office
        waiting = {p.rule for p in a.pending} | {s.rule for s in a.skipped}
        assert office <= waiting

    check()


@pytest.mark.parametrize("name", sorted(RULESETS))
@pytest.mark.parametrize("phase", ["provisional", "final"])
def test_engines_agree_on_merged_facts_in_both_phases(name: str, phase: str) -> None:
    rs = RULESETS[name]

    @SETTINGS
    @given(units(list(rs.spec.applies_to)), units(list(rs.spec.applies_to)))
    def check(data: dict[str, Any], office_data: dict[str, Any]) -> None:
        unit = facts.validate(_with_documents(data))
        row = {"unit.id": unit.unit.id}
        office_env = assess.engines.flatten(facts.validate(_with_documents(office_data)))
        row.update({p: office_env[p] for p in OFFICE_FIELDS if p in office_env and p != "honors"})
        try:
            records = OfficeRecords(tuple(parse_records(json.dumps([row]).encode(), "records.json")))
            merged = merge(unit, records)
        except assess.AssessError:
            return  # the office's row breaks a cross-field rule with the unit's own facts
        by_engine = [score(rs, merged.facts, engine, phase=phase, provenance=merged,  # type: ignore[arg-type]
                           missing_records="skip").model_dump(exclude={"engine", "engine_version"})
                     for engine in ("durable", "native")]
        assert by_engine[0] == by_engine[1]

    check()


# ---------------------------------------------------------------- one sample, by hand


def _seed(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _records(rows: list[dict[str, Any]]) -> OfficeRecords:
    return OfficeRecords(tuple(parse_records(json.dumps(rows, ensure_ascii=False).encode(), "records.json")))


def test_an_office_record_decides_the_office_item_and_the_unit_claim_does_not() -> None:
    unit = _seed("seed-04-department")
    unit["tasks"] = {"assigned": 5, "completed": 5}  # the unit's own claim: all done
    without = assess.score(unit, phase="provisional")
    assert "DP-RSP-05" in {p.rule for p in without.pending}
    pending = next(p for p in without.pending if p.rule == "DP-RSP-05")
    assert (pending.source, pending.points) == ("office", 4.0)

    # The office's 督办台账: 5 assigned, 4 completed. DP-RSP-05 (department.yaml) deducts 1 per
    # unfinished task, at most its 4 points: 1 unfinished deducts 1, and the office's value wins.
    records = _records([{"unit.id": unit["unit"]["id"], "tasks.assigned": 5, "tasks.completed": 4}])
    decided = assess.score(unit, phase="provisional", records=records)
    tsk = next(d for d in decided.deductions if d.rule == "DP-RSP-05")
    assert (tsk.points, tsk.source) == (1.0, "office")
    conflict = next(c for c in decided.conflicts if c.path == "tasks.completed")
    assert (conflict.values, conflict.winner) == ({"unit": 5, "office": 4}, "office")


def test_final_refuses_without_the_offices_data_and_names_what_to_enter() -> None:
    with pytest.raises(assess.FactsError) as caught:
        assess.score(_seed("seed-08-township"), phase="final")
    paths = {issue.path for issue in caught.value.issues}
    assert {"tasks.assigned", "incidents.major_responsible"} <= paths
    assert all(issue.rule is not None for issue in caught.value.issues)


def test_final_deducts_the_units_unevidenced_items_with_no_evidence_as_the_reason() -> None:
    a = assess.score(_seed("seed-08-township"), phase="final", missing_records="skip")
    missing = [d for d in a.deductions if d.missing]
    assert missing and all("无佐证材料，该项不得分" in d.reason for d in missing)
    assert a.missing_records_policy == "skip"
    township = load_ruleset("township")
    office = {r.id for r in township.spec.rules if r.source == "office"}
    assert office and office <= {s.rule for s in a.skipped}  # seed 08 has no office records at all


def test_an_honour_without_its_document_is_pending_then_not_counted() -> None:
    unit = _seed("seed-08-township")
    unit["honors"] = [{"title": "省级安全社区", "level": "provincial"}]
    provisional = assess.score(unit, phase="provisional")
    bonus = next(p for p in provisional.pending if p.rule == "TS-BON-01")
    assert (bonus.kind, bonus.source, bonus.points) == ("bonus", "unit", 3.0)  # provincial: 3 points
    assert provisional.ceiling - provisional.floor == pytest.approx(provisional.pending_points)
    final = assess.score(unit, phase="final", missing_records="skip")
    assert not final.bonuses

    unit["honors"][0]["number"] = "某应急〔2026〕7号"
    documented = assess.score(unit, phase="final", missing_records="skip")
    assert [(b.rule, b.points) for b in documented.bonuses] == [("TS-BON-01", 3.0)]


def test_a_review_rejection_deducts_with_the_reviewers_note() -> None:
    from assess.sources import parse_review

    unit = _seed("seed-08-township")
    review = parse_review(json.dumps({"decisions": [
        {"unit": unit["unit"]["id"], "reviewer": "张三", "time": "2026-12-01T10:00:00+08:00",
         "rule": "TS-LAW-02", "decision": "rejected", "note": "制度文件为往年印发"}]}).encode(), "review.json")
    a = assess.score(unit, phase="provisional", review=review)
    rejected = next(d for d in a.deductions if d.rule == "TS-LAW-02")
    assert rejected.source == "review"
    assert "制度文件为往年印发" in rejected.reason
    # TS-LAW-02 is worth 2 points (township.yaml): rejected evidence loses them all.
    assert rejected.points == 2.0
