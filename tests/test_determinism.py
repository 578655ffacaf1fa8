"""Byte-identical output whatever the hash seed or engine."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT, SAMPLES

SAMPLE = str(SAMPLES / "seed-08-township.json")


def assess_json(seed: str, engine: str) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run([sys.executable, "-m", "assess", "score", SAMPLE, "--format", "json",
                           "--engine", engine], capture_output=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("engine", ["durable", "native"])
def test_same_bytes_across_hash_seeds(engine: str) -> None:
    outputs = {assess_json(seed, engine) for seed in ("0", "1", "12345")}
    assert len(outputs) == 1


def test_same_bytes_across_engines() -> None:
    def engine_free(data: bytes) -> bytes:
        return b"\n".join(line for line in data.splitlines() if not line.lstrip().startswith(b'"engine'))
    assert engine_free(assess_json("0", "durable")) == engine_free(assess_json("0", "native"))
