"""A ruleset with a problem is refused when it loads, naming the line and the rule."""

from __future__ import annotations

from typing import Any

import pytest

from assess.errors import RulesetError
from assess.ruleset import load_ruleset, load_text

from .conftest import fixture_ruleset, load_cases

BASE = fixture_ruleset("minimal").read_text(encoding="utf-8")
CASES = load_cases("ruleset_errors")["cases"]
LOADS = load_cases("ruleset_errors")["loads"]


def edited(case: dict[str, Any]) -> str:
    pairs = case["replace"]
    if isinstance(pairs[0], str):
        pairs = [pairs]
    text = BASE
    for old, new in pairs:
        assert old in text, f"{case['id']}: {old!r} not in the base ruleset"
        text = text.replace(old, new, 1)
    return text


def test_the_base_ruleset_loads() -> None:
    assert load_ruleset(fixture_ruleset("minimal")).id == "minimal"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_load_error(case: dict[str, Any]) -> None:
    with pytest.raises(RulesetError) as caught:
        load_text(edited(case), "broken.yaml")
    error = caught.value
    assert error.source == "broken.yaml"
    rendered = error.render()
    assert case["message"] in rendered, rendered
    matching = [i for i in error.issues if case["message"] in i.render()]
    assert matching, rendered
    issue = matching[0]
    if "line" in case:
        assert issue.line == case["line"], rendered
    if "rule" in case:
        assert issue.rule == case["rule"], rendered
    if "path" in case:
        assert issue.path == case["path"], rendered
    if case.get("exact"):
        assert issue.message == case["message"], rendered


@pytest.mark.parametrize("case", LOADS, ids=lambda c: c["id"])
def test_value_at_the_edge_of_a_load_check_loads(case: dict[str, Any]) -> None:
    assert load_text(edited(case), "edge.yaml").id == "minimal"


def test_every_problem_is_reported_at_once() -> None:
    text = BASE.replace("bonus_cap: 2", "bonus_cp: 2").replace("    reason: 未成立领导小组", "    reson: x")
    with pytest.raises(RulesetError) as caught:
        load_text(text, "broken.yaml")
    issues = caught.value.issues
    assert [(i.line, i.path) for i in issues] == [
        (6, "bonus_cp"), (13, "rules[0].reason"), (20, "rules[0].reson")]


def test_unknown_bundled_name_suggests_one() -> None:
    with pytest.raises(RulesetError, match="did you mean 'township'"):
        load_ruleset("townshp")


def test_missing_file_is_named() -> None:
    with pytest.raises(RulesetError) as caught:
        load_ruleset("nowhere/rubric.yaml")
    assert caught.value.source == "nowhere/rubric.yaml"
    assert "no such ruleset file" in caught.value.render()


def test_sha256_ignores_comments_key_order_and_whitespace() -> None:
    a = load_text(BASE, "a.yaml")
    reordered = BASE.replace('id: minimal\ntitle: 最小细则\n', 'title: 最小细则   # comment\nid:   minimal\n')
    b = load_text("# heading\n" + reordered, "b.yaml")
    assert a.sha256 == b.sha256
    c = load_text(BASE.replace("title: 最小细则", "title: 最小细则二"), "c.yaml")
    assert c.sha256 != a.sha256
