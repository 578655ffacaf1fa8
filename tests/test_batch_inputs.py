"""What a batch does with inputs built to mislead it: duplicate JSON keys, the same unit twice,
and error lists of any length."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.errors import MAX_ISSUES, FactsError
from assess.facts import loads, parse_json

from .conftest import FIXTURES, SAMPLES, cli

# Annual reports only: a half-year report is scored but listed apart, not ranked (ranking.py)
SEEDS = sorted(p for p in SAMPLES.glob("*.json") if json.loads(p.read_text(encoding="utf-8"))["unit"].get("period")
               != "half-year")
QUICK = settings(max_examples=40, deadline=None, database=None)


def paths_in(value: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every object inside a JSON value, by location."""
    found = [loc] if isinstance(value, dict) else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths_in(inner, (*loc, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths_in(inner, (*loc, index))
    return found


def rendered_path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def with_repeated_key(text: str, at: tuple[str | int, ...], key: str) -> str:
    """The JSON text with ``key`` given a second time in the object at ``at`` (re-serialised
    by hand, since a dict cannot hold a key twice)."""
    def dump(value: Any, loc: tuple[str | int, ...]) -> str:
        if isinstance(value, dict):
            members = [f"{json.dumps(k, ensure_ascii=False)}: {dump(v, (*loc, k))}" for k, v in value.items()]
            if loc == at:
                members.append(f"{json.dumps(key, ensure_ascii=False)}: 1")
            return "{" + ", ".join(members) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(dump(v, (*loc, i)) for i, v in enumerate(value)) + "]"
        return json.dumps(value, ensure_ascii=False)
    return dump(json.loads(text), ())


@QUICK
@given(seed=st.sampled_from(SEEDS), pick=st.randoms(use_true_random=False))
def test_a_key_given_twice_anywhere_is_an_error_naming_key_and_path(seed: Path, pick: random.Random) -> None:
    text = seed.read_text(encoding="utf-8")
    data = json.loads(text)

    def at(loc: tuple[str | int, ...]) -> Any:
        node = data
        for part in loc:
            node = node[part]
        return node

    where = pick.choice([loc for loc in paths_in(data) if at(loc)])
    key = pick.choice(sorted(at(where)))
    with pytest.raises(FactsError, match="duplicate key") as caught:
        parse_json(with_repeated_key(text, where, key), "unit.json")
    path = rendered_path((*where, key))
    assert any(i.path == path and repr(key) in i.message for i in caught.value.issues), caught.value.render()


def test_a_second_organization_no_longer_replaces_the_first(tmp_path: Path) -> None:
    text = (SAMPLES / "seed-08-township.json").read_text(encoding="utf-8")
    doubled = text.rstrip().rstrip("}") + ', "organization": {}}'
    path = tmp_path / "unit.json"
    path.write_text(doubled, encoding="utf-8")
    result = cli("score", str(path))
    assert result.code == 2 and "organization" in result.err and "more than once" in result.err


def test_a_repeated_key_in_a_jsonl_line_is_that_lines_error(tmp_path: Path) -> None:
    good = json.dumps(json.loads((SAMPLES / "seed-08-township.json").read_text(encoding="utf-8")),
                      ensure_ascii=False)
    bad = good[:-1] + ', "unit": {"type": "county"}}'
    path = tmp_path / "units.jsonl"
    path.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    result = cli("rank", str(path), "--skip-invalid")
    assert result.code == 0, result.err
    assert f"{path}:2" in result.err and "'unit' appears more than once" in result.err


# ------------------------------------------------------------------ the same unit twice

@settings(max_examples=5, deadline=None, database=None)
@given(chosen=st.lists(st.sampled_from(SEEDS), min_size=1, max_size=6, unique=True),
       twice=st.integers(min_value=0), how=st.sampled_from(["same path", "copy", "jsonl"]),
       jobs=st.sampled_from(["1", "2"]))
def test_the_same_unit_twice_in_a_batch_is_an_error_naming_both(tmp_path_factory: pytest.TempPathFactory,
                                                                chosen: list[Path], twice: int, how: str,
                                                                jobs: str) -> None:
    folder = tmp_path_factory.mktemp("batch")
    again = chosen[twice % len(chosen)]
    args = [str(p) for p in chosen]
    if how == "same path":
        second = str(again)
    elif how == "copy":
        second = str(folder / "again.json")
        shutil.copy(again, second)
    else:
        lines = folder / "more.jsonl"
        lines.write_text(json.dumps(json.loads(again.read_text(encoding="utf-8")), ensure_ascii=False) + "\n",
                         encoding="utf-8")
        second = f"{lines}:1"
        args.append(str(lines))
    if how != "jsonl":
        args.append(second)
    unit_id = json.loads(again.read_text(encoding="utf-8"))["unit"]["id"]

    refused = cli("rank", *args, "--jobs", jobs, "--engine", "native")
    assert refused.code == 2
    assert f"{second}: the same unit (unit.id {unit_id!r})" in refused.err
    assert ("given twice" if how == "same path" else f"also in {again}") in refused.err

    skipped = cli("rank", *args, "--jobs", jobs, "--engine", "native", "--skip-invalid", "--format", "json")
    assert skipped.code == 0, skipped.err
    assert skipped.err.count("the same unit") == 1
    ranked = [row["unit"]["id"] for table in json.loads(skipped.out)["tables"] for row in table["rows"]]
    assert sorted(ranked) == sorted(json.loads(p.read_text(encoding="utf-8"))["unit"]["id"] for p in chosen)


# ------------------------------------------------------------------ capped error lists

@QUICK
@given(unknown=st.integers(min_value=0, max_value=400))
def test_error_lists_keep_the_first_issues_and_count_the_rest(unknown: int) -> None:
    facts = json.loads((SAMPLES / "seed-08-township.json").read_text(encoding="utf-8"))
    for index in range(unknown):
        facts.setdefault("organization", {})[f"unknown_{index}"] = index
    if unknown == 0:
        loads(json.dumps(facts))
        return
    with pytest.raises(FactsError) as caught:
        loads(json.dumps(facts))
    error = caught.value
    assert f"{unknown} " in error.message
    assert len(error.issues) == min(unknown, MAX_ISSUES) + (unknown > MAX_ISSUES)
    if unknown > MAX_ISSUES:
        assert error.omitted == unknown - MAX_ISSUES
        more = unknown - MAX_ISSUES
        assert error.issues[-1].message == f"and {more} more {'problem' if more == 1 else 'problems'} not listed"
    assert len(error.render().splitlines()) <= MAX_ISSUES + 2


def test_a_ruleset_with_many_problems_lists_the_first_in_text_and_json(tmp_path: Path) -> None:
    text = (FIXTURES / "rulesets" / "minimal.yaml").read_text(encoding="utf-8")
    broken = text + "".join(
        f"  - id: X-{i}\n    category: nowhere\n    pillar: 体制\n    item: 坏规则\n    points: 1\n"
        f"    deduct: {{fixed: 1}}\n    reason: 坏\n    basis: 测试\n" for i in range(MAX_ISSUES + 30))
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    as_json = cli("check", str(path), "--format", "json", "--samples", "0")
    findings = json.loads(as_json.out)
    assert len(findings) <= MAX_ISSUES + 1
    assert "more problems not listed" in findings[-1]["message"]
    as_text = cli("check", str(path), "--samples", "0")
    assert "more problems not listed" in as_text.out
    assert len(as_text.out.splitlines()) <= MAX_ISSUES + 3


@pytest.mark.parametrize("value", ["nan", "inf", "NaN", "infinity"])
def test_a_threshold_that_is_not_a_finite_number_is_refused(value: str) -> None:
    result = cli("rank", str(SAMPLES), "--self-score-threshold", value)
    assert result.code == 2 and "--self-score-threshold" in result.err and "finite" in result.err


def test_the_library_refuses_to_rank_one_unit_twice() -> None:
    import assess

    results = list(assess.score_many(assess.read_units([SEEDS[0], SEEDS[1], SEEDS[0]]), engine="native"))
    with pytest.raises(assess.AssessError, match=r"the same unit .* twice"):
        assess.rank(results)
    ranking = assess.rank(assess.distinct_units(results))
    assert sum(len(table.rows) for table in ranking.tables) == 2
