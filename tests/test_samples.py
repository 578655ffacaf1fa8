"""The 15 seed samples and hand-written units of every type score completely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess import facts
from assess.ruleset import load_ruleset, ruleset_name_for
from assess.scoring.ledger import score

from .conftest import ENGINE_FIELDS, SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))


def test_there_are_15_samples_one_per_seed_part() -> None:
    parts = sorted(facts.load(p).source.part for p in SAMPLE_FILES)  # type: ignore[union-attr]
    assert parts == list(range(1, 16))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("phase", ["provisional", "final"])
def test_sample_scores_completely_on_both_engines(path: Path, phase: str) -> None:
    unit = facts.load(path)
    assert path.stem.endswith(unit.unit.type)
    ref = ruleset_name_for(unit.unit.type)
    with load_ruleset(ref) as rs:
        by_durable = score(rs, unit, "durable", phase=phase, missing_records="skip")  # type: ignore[arg-type]
        by_native = score(rs, unit, "native", phase=phase, missing_records="skip")  # type: ignore[arg-type]
    assert by_durable.model_dump(exclude=ENGINE_FIELDS) == by_native.model_dump(exclude=ENGINE_FIELDS)
    outcomes = ([d.rule for d in by_native.deductions] + [b.rule for b in by_native.bonuses]
                + [v.rule for v in by_native.vetoes] + [b.rule for b in by_native.blocks_excellent]
                + [p.rule for p in by_native.passed] + [s.rule for s in by_native.skipped]
                + [p.rule for p in by_native.pending if p.kind != "bonus" or p.rule not in
                   {b.rule for b in by_native.bonuses} | {q.rule for q in by_native.passed}])
    assert sorted(outcomes) == sorted(r.id for r in rs.spec.rules)
    if phase == "provisional":
        assert not any(d.missing for d in by_native.deductions)
    for deduction in by_native.deductions:
        if deduction.missing:
            assert "无佐证材料，该项不得分" in deduction.reason
            assert None in deduction.evidence.values()


HAND_WRITTEN = {
    "township": {"unit": {"id": "t", "name": "甲乡", "type": "township"},
                 "organization": {"leadership_group": True, "principal_leads": True, "office": True, "staff": 1}},
    "street": {"unit": {"id": "s", "name": "乙街道", "type": "street"},
               "drills": [{"kind": "fire", "participants": 80}]},
    "department": {"unit": {"id": "d", "name": "县交通局", "type": "department"},
                   "tasks": {"assigned": 5, "completed": 4}},
    "county": {"unit": {"id": "c", "name": "某县应急管理局", "type": "county"},
               "organization": {"subunits_total": 12, "subunits_with_office": 12}},
    "devzone": {"unit": {"id": "z", "name": "高新区管委会", "type": "devzone"},
                "reporting": {"reported": 3, "late": 1, "false": 0, "missed": 0, "concealed": 0}},
}


@pytest.mark.parametrize("unit_type", sorted(HAND_WRITTEN))
def test_each_unit_type_is_scored_by_its_ruleset(unit_type: str) -> None:
    unit = facts.validate(HAND_WRITTEN[unit_type])
    name = ruleset_name_for(unit_type)
    with load_ruleset(name) as rs:
        result = score(rs, unit, "durable")
    assert result.ruleset.id == {"township": "township", "street": "township", "department": "department",
                                 "county": "county", "devzone": "devzone"}[unit_type]
    assert 0 <= result.total <= result.max + result.bonus_cap
    assert json.loads(result.to_json())["unit"]["type"] == unit_type


def test_every_bundled_ruleset_uses_its_unit_types_only() -> None:
    for unit_type in HAND_WRITTEN:
        with load_ruleset(ruleset_name_for(unit_type)) as rs:
            assert unit_type in rs.spec.applies_to
