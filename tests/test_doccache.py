"""The cache of parsed bundled rulesets: read back only for the same bytes, and never needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from assess.rubric import doccache, yamldoc
from assess.ruleset import bundled_dir, load_ruleset

TOWNSHIP = bundled_dir() / "township.yaml"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(where))
    return where


def test_a_bundled_ruleset_is_cached_and_read_back_the_same(folder: Path) -> None:
    raw = TOWNSHIP.read_bytes()
    parsed = yamldoc.load(raw, "township (bundled)", bundled="township")
    assert (folder / "township.msgpack").is_file()
    cached = yamldoc.load(raw, "township (bundled)", bundled="township")
    assert cached == parsed
    assert list(cached.lines) == list(parsed.lines)
    assert repr(cached.data) == repr(parsed.data)  # ints stay ints, floats floats, key order kept


def test_a_cached_ruleset_scores_as_a_parsed_one(folder: Path) -> None:
    with load_ruleset("township") as parsed, load_ruleset("township") as cached:
        assert (folder / "township.msgpack").is_file()
        assert cached.sha256 == parsed.sha256
        assert cached.program.rubric.spec == parsed.program.rubric.spec


def test_other_bytes_are_parsed_not_served_from_the_cache(folder: Path) -> None:
    raw = TOWNSHIP.read_bytes()
    yamldoc.load(raw, "township (bundled)", bundled="township")
    changed = raw.replace(b"\nrules:", b"\nnote: changed\nrules:", 1)
    assert changed != raw
    doc = yamldoc.load(changed, "township (bundled)", bundled="township")
    assert doc.data["note"] == "changed"
    # and the entry now holds the new bytes' document
    assert yamldoc.load(changed, "township (bundled)", bundled="township").data["note"] == "changed"


def test_an_entry_for_another_version_is_not_served(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = TOWNSHIP.read_bytes()
    parsed = yamldoc.load(raw, "township (bundled)", bundled="township")
    wanted = doccache.key(raw)
    assert wanted is not None
    doccache.write("township", wanted, {"id": "stale"}, {(): 1})
    assert yamldoc.load(raw, "township (bundled)", bundled="township").data["id"] == "stale"  # same key: served
    monkeypatch.setattr(doccache, "__version__", "0.0.0-other")
    assert yamldoc.load(raw, "township (bundled)", bundled="township") == parsed


def test_an_entry_written_under_another_pyyaml_is_not_served(folder: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    raw = TOWNSHIP.read_bytes()
    parsed = yamldoc.load(raw, "township (bundled)", bundled="township")
    wanted = doccache.key(raw)
    assert wanted is not None
    doccache.write("township", wanted, {"id": "stale"}, {(): 1})
    upgraded = tmp_path / "yaml-init.py"
    upgraded.write_text("__version__ = '99.0'\n", encoding="utf-8")
    monkeypatch.setattr(doccache, "_parser", lambda: upgraded)
    assert yamldoc.load(raw, "township (bundled)", bundled="township") == parsed


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\x93\xa3abc\xc0\x90"])
def test_a_corrupt_entry_is_ignored_and_replaced(folder: Path, content: bytes) -> None:
    raw = TOWNSHIP.read_bytes()
    parsed = yamldoc.load(raw, "township (bundled)")
    folder.mkdir()
    (folder / "township.msgpack").write_bytes(content)
    assert yamldoc.load(raw, "township (bundled)", bundled="township") == parsed
    assert doccache.read("township", doccache.key(raw) or "") is not None


def test_a_folder_that_cannot_be_made_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(blocker / "cache"))
    raw = TOWNSHIP.read_bytes()
    assert yamldoc.load(raw, "township (bundled)", bundled="township") == yamldoc.load(raw, "township (bundled)")
    assert blocker.read_text() == "not a folder"


def test_an_empty_setting_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    assert doccache.folder() is None
    yamldoc.load(TOWNSHIP.read_bytes(), "township (bundled)", bundled="township")
    assert list(tmp_path.iterdir()) == []


def test_files_given_by_path_are_not_cached(folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "mine.yaml"
    copy.write_bytes(TOWNSHIP.read_bytes())
    load_ruleset(copy).close()
    assert not folder.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_entry_that_is_not_a_regular_file_is_passed_over(folder: Path) -> None:
    raw = TOWNSHIP.read_bytes()
    parsed = yamldoc.load(raw, "township (bundled)")
    folder.mkdir()
    fifo = folder / "township.msgpack"
    os.mkfifo(fifo)  # read, it would wait for a writer for ever
    assert yamldoc.load(raw, "township (bundled)", bundled="township") == parsed


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG cache folder is where neither keeps it")
def test_without_a_home_there_is_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSESS_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)
    assert doccache.folder() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert doccache.folder() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert doccache.folder() == Path("/somewhere/cache/assess")
