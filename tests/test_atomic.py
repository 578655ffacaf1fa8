"""Output files are written whole or not at all: an error, a full disk or Ctrl-C keeps
the file that was there."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from assess.cli import Terminated
from assess.reports import xlsx as tables

from .conftest import SAMPLES, cli

PREVIOUS = b"the table circulated last week"


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "rank.xlsx"
    path.write_bytes(PREVIOUS)
    return path


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_keeps_the_old_file(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    result = cli("rank", str(SAMPLES), "--format", "xlsx", "-o", str(target))
    assert result.code == 2 and "No space left on device" in result.err
    assert target.read_bytes() == PREVIOUS
    assert leftovers(target.parent) == []


@pytest.mark.parametrize(("signal", "code", "said"), [(KeyboardInterrupt, 130, "interrupted"),
                                                      (Terminated, 143, "terminated")])
def test_ctrl_c_or_sigterm_while_replacing_keeps_the_old_file(target: Path, monkeypatch: pytest.MonkeyPatch,
                                                              signal: type[BaseException], code: int,
                                                              said: str) -> None:
    def interrupted(src: str, dst: str) -> None:
        raise signal

    monkeypatch.setattr("os.replace", interrupted)
    result = cli("rank", str(SAMPLES), "--format", "xlsx", "-o", str(target))
    assert result.code == code and said in result.err
    assert target.read_bytes() == PREVIOUS
    assert leftovers(target.parent) == []


def test_an_error_while_rendering_writes_nothing(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(tables.WorkbookWriter, "finish", broken)
    result = cli("rank", str(SAMPLES), "--format", "xlsx", "-o", str(target))
    assert result.code == 130
    assert target.read_bytes() == PREVIOUS and leftovers(target.parent) == []


def test_success_replaces_the_file_whole(target: Path) -> None:
    assert cli("rank", str(SAMPLES), "--format", "xlsx", "-o", str(target)).code == 0
    assert target.read_bytes().startswith(b"PK")  # a zip: the xlsx container
    assert leftovers(target.parent) == []
