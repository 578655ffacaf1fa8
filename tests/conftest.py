from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from assess.cli import run
from assess.ruleset import Ruleset, load_ruleset

ENGINE_FIELDS = {"engine", "engine_version"}
"""What may differ between assessments of the same unit by the two engines."""

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
ROOT = HERE.parent
SAMPLES = ROOT / "samples"


def fixture_ruleset(name: str) -> Path:
    return FIXTURES / "rulesets" / f"{name}.yaml"


def load_cases(name: str) -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / "cases" / f"{name}.yaml").read_text(encoding="utf-8"))


def patched(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Sections merge, lists and scalars replace, None removes the key."""
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = patched(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass
class Result:
    code: int
    out: str
    err: str


def cli(*args: str, stdin: bytes = b"") -> Result:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(args), io.BytesIO(stdin), stdout, stderr)
    return Result(code, stdout.getvalue(), stderr.getvalue())


@pytest.fixture(scope="session")
def forms() -> Ruleset:
    return load_ruleset(fixture_ruleset("forms"))


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    return cli
