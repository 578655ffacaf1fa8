"""The condition language: what expressions mean, and that both engines agree on them."""

from __future__ import annotations

import textwrap
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess import facts
from assess.engines import durable
from assess.engines.base import flatten
from assess.rubric import expr
from assess.ruleset import load_text
from assess.scoring.ledger import score

from .conftest import ENGINE_FIELDS, load_cases
from .strategies import units

TABLE = load_cases("expressions")
ENV = flatten(facts.validate(TABLE["facts"]))


@pytest.mark.parametrize("text, expected", TABLE["cases"], ids=[c[0] for c in TABLE["cases"]])
def test_expression_value(text: str, expected: Any) -> None:
    node = expr.parse(text, ("bool", "int", "number", "str"))
    value = expr.compile_value(node)(ENV)
    if isinstance(expected, float):  # a decimal in the table stands for its exact value
        # exact, never a float: a whole value is an int, any other a Fraction
        assert value == Fraction(repr(expected))
        assert type(value) is (int if expected.is_integer() else Fraction)
    else:
        assert value == expected and type(value) is type(expected)


def test_required_paths_leave_out_presence_tests() -> None:
    node = expr.parse("missing(duty) or organization.staff < count(drills)", "bool")
    assert expr.required_paths(node) == ["organization.staff", "drills"]
    assert expr.read_paths(node) == ["organization.staff", "drills", "duty"]


def test_parse_normalises_whitespace_and_line_breaks() -> None:
    assert expr.parse("count(drills,\n   kind == 'flood')  >=  1", "bool").text == \
        "count(drills, kind == 'flood') >= 1"


# Random conditions, scored by both engines --------------------------------------------

ATOMS = [
    "organization.leadership_group", "organization.office", "plans.overall", "duty.round_the_clock",
    "organization.staff < 2", "organization.staff >= 3", "plans.special > plans.special_drilled",
    "count(drills) < 4", "count(drills, kind == 'flood') == 0", "sum(drills.participants) >= 100",
    "pct(hazards.rectified, hazards.found) < 80", "any(honors, level == 'national')",
    "all(drills, participants >= 30)", "missing(duty)", "submitted(supplies.ledger)",
    "unit.type == 'township'", "teams.members - 30 < 0", "max(teams.members, 10) == 10",
    "incidents.general != 0", "2 * reporting.late + reporting.missed > 1",
]


def conditions() -> st.SearchStrategy[str]:
    atom = st.sampled_from(ATOMS)
    return st.recursive(atom, lambda inner: st.one_of(
        inner.map(lambda a: f"not ({a})"),
        st.tuples(inner, inner).map(lambda ab: f"({ab[0]}) and ({ab[1]})"),
        st.tuples(inner, inner).map(lambda ab: f"({ab[0]}) or ({ab[1]})"),
    ), max_leaves=6)


def one_rule(condition: str) -> str:
    return textwrap.dedent("""\
        id: random
        title: 随机条件
        version: "1"
        applies_to: [township]
        total: 10
        grades: [{name: 合格, min: 6}, {name: 不合格, min: 0}]
        categories: [{id: c, name: 类别, max: 10}]
        rules:
          - id: R
            category: c
            pillar: 机制
            item: 随机条件
            points: 10
            when: %s
            deduct: {fixed: 10}
            reason: 条件成立
            basis: 测试
        """) % repr(condition)


@pytest.mark.skipif(durable.unavailable_reason() is not None, reason="durable-rules cannot be imported")
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(conditions(), units("township"))
def test_engines_agree_on_random_conditions(condition: str, data: dict[str, Any]) -> None:
    with load_text(one_rule(condition), "random.yaml") as rs:
        unit = facts.validate(data)
        by_durable = score(rs, unit, "durable")
        by_native = score(rs, unit, "native")
        assert by_durable.model_dump(exclude=ENGINE_FIELDS) == by_native.model_dump(exclude=ENGINE_FIELDS)
