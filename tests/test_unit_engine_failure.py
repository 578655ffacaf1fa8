"""An engine failing on one unit is that unit's error: named by file and unit, listed by
``--skip-invalid``, with one process or several; bad thresholds are refused."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from assess import api, batch
from assess.engines import durable
from assess.errors import EngineError

from .conftest import SAMPLES, cli

BROKEN = "seed-07"
BROKEN_FILE = str(SAMPLES / "seed-07-county.json")
CITY_FILE = str(SAMPLES / "seed-05-city.json")  # no bundled table: its own error, not an engine's

# Worker processes are spawned, so the fault is injected where they start: a
# sitecustomize module on their PYTHONPATH.
INJECT = textwrap.dedent(f"""
    import assess.engines.durable as _durable
    from assess.errors import EngineError

    _run = _durable.DurableEngine.run

    def _failing(self, env):
        if env.get("unit.id") == {BROKEN!r}:
            raise EngineError("durable-rules failed: injected fault")
        return _run(self, env)

    _durable.DurableEngine.run = _failing
    _durable.DurableEngine.program_facts_only = False  # it reads unit.id, which no rule reads
""")


@pytest.fixture
def failing_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    run = durable.DurableEngine.run

    def failing(self: durable.DurableEngine, env: Mapping[str, Any]) -> frozenset[str]:
        if env.get("unit.id") == BROKEN:
            raise EngineError("durable-rules failed: injected fault")
        return run(self, env)

    monkeypatch.setattr(durable.DurableEngine, "run", failing)
    # It reads unit.id, which no rule reads: it is given every fact.
    monkeypatch.setattr(durable.DurableEngine, "program_facts_only", False)
    monkeypatch.setattr(batch, "SERIAL_BELOW", 1)  # the samples are few: send them to workers all the same
    (tmp_path / "sitecustomize.py").write_text(INJECT, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))


@pytest.mark.parametrize("jobs", [1, 2])
def test_score_many_gives_the_failing_unit_its_error(failing_engine: None, jobs: int) -> None:
    results = list(api.score_many(api.read_units([SAMPLES]), jobs=jobs, detail="summary"))
    failed = [r for r in results if r.error is not None and r.source != CITY_FILE]
    assert len(results) == 15
    assert [r.source for r in failed] == [BROKEN_FILE]
    error = failed[0].error
    assert isinstance(error, EngineError)
    assert error.render() == f"{BROKEN_FILE}: unit {BROKEN}: durable-rules failed: injected fault"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_rank_skip_invalid_lists_the_unit_the_engine_failed_on(failing_engine: None, jobs: str) -> None:
    result = cli("rank", str(SAMPLES), "--skip-invalid", "--jobs", jobs)
    assert result.code == 0, result.err
    assert f"skipped: {BROKEN_FILE}: unit {BROKEN}: durable-rules failed: injected fault" in result.err
    assert BROKEN not in result.out
    # 乡镇 3 (two half-year reports listed apart), 县直部门 5, 区县 3 less the failed unit, 开发区 1, 地级市 1
    counts = [int(line.split("共 ")[1].split(" ")[0]) for line in result.out.splitlines() if line.startswith("【")]
    assert counts == [3, 5, 2, 1, 1]


def test_rank_without_skip_invalid_stops_naming_the_unit(failing_engine: None) -> None:
    result = cli("rank", str(SAMPLES), "--jobs", "2")
    assert result.code == 2
    assert f"error: {BROKEN_FILE}: unit {BROKEN}: durable-rules failed" in result.err
    assert "1 of 15 units could not be scored" in result.err
    assert result.out == ""


def test_score_names_the_file_and_unit_when_the_engine_fails(failing_engine: None) -> None:
    result = cli("score", BROKEN_FILE)
    assert result.code == 2
    assert f"{BROKEN_FILE}: unit {BROKEN}: durable-rules failed: injected fault" in result.err
    assert "Traceback" not in result.err and result.out == ""


@pytest.mark.parametrize("threshold", ["nan", "inf", "-inf", "-1"])
def test_self_score_threshold_must_be_finite_and_not_negative(threshold: str) -> None:
    result = cli("rank", str(SAMPLES), "--self-score-threshold", threshold)
    assert result.code == 2
    assert "--self-score-threshold" in result.err and result.out == ""


def test_a_batch_smaller_than_the_measured_size_is_scored_without_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker pool was started for a small batch")

    monkeypatch.setattr("assess.workers.Pool", no_pool)
    serial = list(api.score_many(api.read_units([SAMPLES]), jobs=1, detail="summary", engine="native"))
    asked = list(api.score_many(api.read_units([SAMPLES]), jobs=4, detail="summary", engine="native"))
    assert len(asked) == 15 and batch.SERIAL_BELOW > 15
    assert [(r.source, r.summary) for r in asked] == [(r.source, r.summary) for r in serial]
