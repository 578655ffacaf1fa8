"""The wheel carries the bundled rulesets, and an installed package finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


def test_wheel_carries_the_rulesets_and_finds_them(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                            "-w", str(tmp_path)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("assess-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    bundled = sorted(p.name for p in (ROOT / "rulesets").glob("*.yaml"))
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("assess/_rulesets/")) == bundled
    assert "assess/py.typed" in names
    assert "assess/locale/zh_CN/LC_MESSAGES/assess.mo" in names  # Chinese messages need no build step
    # `assess serve` upgrades its database on start from the migrations, and renders its templates
    assert {"assess/service/migrations/env.py", "assess/service/migrations/versions/0002_sessions.py",
            "assess/service/templates/unit.html.j2"} <= set(names)

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("import assess.ruleset as r; print(r.bundled_dir()); "
             "print(sorted(r.bundled_names())); print(r.load_ruleset('township').id)")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                           env={"PYTHONPATH": str(site), "PATH": "", "ASSESS_CACHE_DIR": str(tmp_path / "cache")})
    assert found.returncode == 0, found.stderr
    # the wheel carries the YAML reader's source, which keys the parsed rulesets' cache
    assert (tmp_path / "cache" / "township.msgpack").is_file()
    where, names_line, ruleset_id = found.stdout.splitlines()
    assert where == str(site / "assess" / "_rulesets")
    assert names_line == repr(sorted(n[:-5] for n in bundled if n.count(".") == 1))
    assert ruleset_id == "township"


def test_durable_rules_is_an_extra_that_the_test_extra_brings() -> None:
    # A machine without a C compiler installs assess (and scores natively); CI, installing
    # the test extra, still tests both engines.
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("durable-rules") for d in project["dependencies"])
    assert any(d.startswith("durable-rules") for d in project["optional-dependencies"]["durable"])
    assert "assess[durable]" in project["optional-dependencies"]["test"]

