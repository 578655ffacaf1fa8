"""Both engines score every valid unit, and identically, up to the schema's bounds.

Units here are drawn from the extremes the facts schema allows: counts of 0, 1 and the
bound (10^9), amounts from the smallest double above zero to 10^12, lists empty or at
their bound (10,000 items), so rates run from 1/10^9 to 1. durable-rules once refused
such units (its parser reads ``4e-06`` as an error) while the native engine scored them.
The long run (``--run-slow``) draws 100,000 units.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess import facts
from assess.engines import durable
from assess.facts import FIELDS, MAX_AMOUNT, MAX_COUNT, MAX_LIST, FieldInfo
from assess.ruleset import Ruleset, load_ruleset, ruleset_name_for
from assess.scoring.ledger import score

from .conftest import ENGINE_FIELDS, SAMPLES, base_rulesets, cli
from .strategies import REQUIRED_ITEM_FIELDS, SECTIONS, TOP_SCALARS, fields_of, repair

pytestmark = pytest.mark.skipif(durable.unavailable_reason() is not None,
                                reason=f"durable-rules cannot be imported: {durable.unavailable_reason()}")

RULESETS = {name: load_ruleset(name) for name in base_rulesets()}
TYPES = {name: sorted(t for t in ("township", "street", "department", "county", "devzone", "city")
                      if ruleset_name_for(t) == name) for name in RULESETS}

def extreme(rng: random.Random, info: FieldInfo) -> Any:
    if info.kind in ("int", "number"):
        whole = info.kind == "int"
        bound = info.maximum if info.maximum is not None else (MAX_COUNT if whole else MAX_AMOUNT)
        low = info.minimum or 0  # a year's floor is 1990, not 0
        if whole:
            least, most = int(low), int(bound)
            return rng.choice((least, least + 1, least + 2, most - 1, most, rng.randint(least, most)))
        return rng.choice((low, low + 5e-324, low + 1e-7, low + 4e-6, low + 0.1, float(bound), rng.uniform(low, bound)))
    if info.kind == "bool":
        return rng.random() < 0.5
    if info.kind == "enum":
        return rng.choice(info.enum)
    return rng.choice(("甲", "乙", "防汛"))


def items(rng: random.Random, path: str, rare: int) -> list[dict[str, Any]]:
    """A short list, or one time in ``rare`` a list at the schema's bound."""
    required = REQUIRED_ITEM_FIELDS[path]

    def item() -> dict[str, Any]:
        return {name: extreme(rng, sub) for name, sub in FIELDS[path].item_fields.items()
                if name in required or rng.random() < 0.5}
    if rng.randrange(rare) == 0:
        return [item()] * MAX_LIST
    return [item() for _ in range(rng.randint(0, 4))]


def extreme_unit(rng: random.Random, unit_type: str, rare: int) -> dict[str, Any]:
    """A valid unit whose values are the schema's extremes (plain random draws, so that
    the long run can make 100,000 in seconds; the normal suite seeds it from hypothesis)."""
    density = rng.choice((0.3, 0.7, 1.0))
    data: dict[str, Any] = {"unit": {"id": "u", "name": "某单位", "type": unit_type, "year": 2026}}
    for name in SECTIONS:
        if rng.random() < density:
            data[name] = {info.path.rsplit(".", 1)[1]: extreme(rng, info) for info in fields_of(name)
                          if rng.random() < density}
    for path in TOP_SCALARS:
        if rng.random() < density:
            data[path] = extreme(rng, FIELDS[path])
    for path in ("drills", "honors", "plans.named", "supplies.items"):
        head, _, tail = path.partition(".")
        if not tail and rng.random() < density:
            data[head] = items(rng, path, rare)
        elif tail and head in data and rng.random() < 0.5:
            data[head][tail] = items(rng, path, rare)
    return repair(data)


def agree(ruleset: Ruleset, data: dict[str, Any]) -> None:
    unit = facts.validate(data)  # the strategy draws only valid units: an error here is a failure
    by_durable = score(ruleset, unit, "durable")
    by_native = score(ruleset, unit, "native")
    assert by_durable.model_dump(exclude=ENGINE_FIELDS) == by_native.model_dump(exclude=ENGINE_FIELDS)


def run(name: str, examples: int) -> int:
    ruleset = RULESETS[name]
    checked = [0]

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(TYPES[name]), st.randoms(use_true_random=False))
    def check(unit_type: str, rng: random.Random) -> None:
        agree(ruleset, extreme_unit(rng, unit_type, rare=50))
        checked[0] += 1

    check()
    return checked[0]


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_engines_agree_at_the_schemas_extremes(name: str) -> None:
    assert run(name, 100) >= 100


@pytest.mark.slow
def test_engines_agree_on_100000_extreme_units() -> None:
    total = int(os.environ.get("ASSESS_EXTREME_UNITS", "100000"))
    rng = random.Random(18)
    names = sorted(RULESETS)
    started = time.perf_counter()
    for index in range(total):
        name = names[index % len(names)]
        # lists at their bound cost a hundred times more to score: one list in 400 here
        agree(RULESETS[name], extreme_unit(rng, rng.choice(TYPES[name]), rare=400))
    elapsed = time.perf_counter() - started
    print(f"\nextreme units: {total} scored by both engines, 0 disagreements, no error, {elapsed:.0f} s")


@pytest.mark.parametrize("engine", ["durable", "native"])
def test_a_county_with_25_million_hazards_and_1_rectified_is_scored(tmp_path: Any, engine: str) -> None:
    data = facts.load(SAMPLES / "seed-05-city.json").model_dump(exclude_none=True, mode="json")
    data["hazards"] = {"found": 25_000_000, "rectified": 1}  # 4e-06 %: once error 204 in durable-rules
    path = tmp_path / "county.json"
    path.write_text(facts.UnitFacts.model_validate(data).model_dump_json(exclude_none=True), encoding="utf-8")
    result = cli("score", str(path), "--engine", engine, "--format", "json")
    assert result.code == 0, result.err
    assert '"hazards.rectified": 1' in result.out.replace("\n", "").replace("  ", "")
