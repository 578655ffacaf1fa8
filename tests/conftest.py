from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from assess.cli import run
from assess.ruleset import Ruleset, load_ruleset
from assess.tools.golden import merged

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


patched = merged
"""Facts patched the way golden cases are: sections merge, lists replace, None removes."""


@dataclass
class Result:
    code: int
    out: str
    err: str


def alive(pid: int) -> bool:
    """Whether the process is running (not gone, not a zombie): read from /proc."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cli(*args: str, stdin: bytes = b"") -> Result:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(args), io.BytesIO(stdin), stdout, stderr)
    return Result(code, stdout.getvalue(), stderr.getvalue())


@pytest.fixture
def forms() -> Iterator[Ruleset]:
    # Loaded for each test (about 30 ms): mutation testing (benchmarks/mutation.sh) then
    # runs each form's load-time code (its compile) against every test that relies on it,
    # not only against the first test that happened to load the ruleset.
    with load_ruleset(fixture_ruleset("forms")) as ruleset:
        yield ruleset


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    return cli


def base_rulesets() -> list[str]:
    """The bundled rulesets without the department overlays: the property tests run on these
    (an overlay is the department's common items plus a few of its own, each checked by its
    golden cases and tests/test_overlay.py), so the suite's time does not grow with overlays."""
    from assess.ruleset import bundled_names

    return [name for name in bundled_names() if "-" not in name]


_CACHE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    # The bundled rulesets' parse cache (assess/rubric/doccache.py) is kept in the run's own
    # folder, not the user's: set before collection, where test modules load rulesets, and
    # inherited by the commands the tests start.
    config.stash[_CACHE] = os.environ["ASSESS_CACHE_DIR"] = tempfile.mkdtemp(prefix="assess-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash[_CACHE], ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the long tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    opt_in = pytest.mark.skip(reason="long run: opt in with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(opt_in)
