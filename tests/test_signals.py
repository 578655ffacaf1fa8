"""SIGTERM and SIGINT during `assess rank --jobs N`: a real process, its workers gone afterwards,
no temporary file left, and the exit code a shell expects (128 + the signal)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assess import api, batch, workers

from .conftest import ROOT, SAMPLES, alive, cli

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.fixture(scope="module")
def many_units(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signals") / "units.jsonl"
    base = json.loads((SAMPLES / "seed-08-township.json").read_text(encoding="utf-8"))
    with open(path, "w", encoding="utf-8") as handle:
        for index in range(6000):
            base["unit"]["id"] = f"T-{index:05d}"
            handle.write(json.dumps(base, ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_ends_the_workers_and_leaves_no_files(many_units: Path, tmp_path: Path, signum: int,
                                                       code: int) -> None:
    target = tmp_path / "ranking.csv"
    process = subprocess.Popen(
        [sys.executable, "-m", "assess", "rank", str(many_units), "--jobs", "2", "--engine", "native",
         "--format", "csv", "-o", str(target)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        # two workers (and, where workers are spawned, the resource tracker)
        while time.monotonic() < deadline and len(workers) < 2 and process.poll() is None:
            workers = children_of(process.pid)
            time.sleep(0.1)
        assert len(workers) >= 2, "the workers did not start"
        workers = children_of(process.pid)
        time.sleep(0.5)
        process.send_signal(signum)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, err.decode()
    assert b"Traceback" not in err, err.decode()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "workers or the resource tracker outlived assess"
    assert list(tmp_path.iterdir()) == []


class Stopped(Exception):
    pass


def test_a_signal_held_while_the_workers_start_stops_them(monkeypatch: pytest.MonkeyPatch) -> None:
    if batch.start_method() != "fork" or batch.workers_for(2) < 2:
        pytest.skip("forked workers on two cores")
    started: list[int] = []

    class SignalledWhileStarting(workers.Pool):  # type: ignore[type-arg]
        def start(self) -> None:
            super().start()
            started.extend(self.pids)
            # Held until every worker has started; in a process with another thread (one a
            # test left running) that thread takes it at once: the pool must stop either way.
            os.kill(os.getpid(), signal.SIGTERM)

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    monkeypatch.setattr(workers, "Pool", SignalledWhileStarting)
    monkeypatch.setattr(batch, "SERIAL_BELOW", 200)
    unit = json.loads((SAMPLES / "seed-08-township.json").read_text(encoding="utf-8"))
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(Stopped) as raised:
            list(api.score_many([unit] * 400, engine="native", jobs=2, detail="summary"))
        # the traceback keeps the batch's frame, and with it the pool, alive: the workers
        # are gone because the pool was stopped, not because it was collected
        assert raised.traceback
        assert len(started) == 2
        assert not [pid for pid in started if alive(pid)]
    finally:
        signal.signal(signal.SIGTERM, previous)


def _dies(chunk: list[batch.Unit]) -> list[batch.Outcome]:
    os._exit(3)


def test_a_worker_that_dies_stops_the_batch_with_a_message_not_a_hang(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    if batch.start_method() != "fork" or batch.workers_for(2) < 2:
        pytest.skip("forked workers on two cores, which inherit the failing chunk")
    monkeypatch.setattr(batch, "_score_chunk", _dies)
    monkeypatch.setattr(batch, "SERIAL_BELOW", 200)
    unit = json.loads((SAMPLES / "seed-08-township.json").read_text(encoding="utf-8"))
    units = tmp_path / "units.jsonl"
    units.write_text("\n".join(json.dumps(dict(unit, unit=dict(unit["unit"], id=f"T-{i}")), ensure_ascii=False)
                               for i in range(400)), encoding="utf-8")
    target = tmp_path / "ranking.csv"
    result = cli("rank", str(units), "--jobs", "2", "--engine", "native", "-o", str(target))
    assert result.code == 2
    assert "(exit code 3)" in result.err and "smaller --jobs" in result.err, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert not target.exists()
