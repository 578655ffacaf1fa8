"""The durable-rules engine and the native evaluator give identical assessments."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from assess import facts
from assess.engines import durable
from assess.engines.base import flatten
from assess.ruleset import Ruleset, load_ruleset
from assess.scoring.ledger import score

from .conftest import ENGINE_FIELDS, base_rulesets, fixture_ruleset
from .strategies import units

pytestmark = pytest.mark.skipif(durable.unavailable_reason() is not None,
                                reason=f"durable-rules cannot be imported: {durable.unavailable_reason()}")

RULESETS = {name: load_ruleset(name) for name in base_rulesets()}
RULESETS["forms"] = load_ruleset(fixture_ruleset("forms"))


def _unit_types(rs: Ruleset) -> list[str]:
    return list(rs.spec.applies_to)


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_engines_agree_on_generated_units(name: str) -> None:
    rs = RULESETS[name]
    native, durable_engine = rs.engine("native"), rs.engine("durable")
    checked = [0]

    @settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(units(_unit_types(rs)))
    def agree(data: dict[str, Any]) -> None:
        unit = facts.validate(data)
        env = flatten(unit)
        assert durable_engine.run(env) == native.run(env)
        by_durable = score(rs, unit, "durable")
        by_native = score(rs, unit, "native")
        assert by_durable.model_dump(exclude=ENGINE_FIELDS) == by_native.model_dump(exclude=ENGINE_FIELDS)
        checked[0] += 1

    agree()
    assert checked[0] >= 1000
