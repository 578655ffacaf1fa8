"""Writing output: the mode colleagues need, only onto regular files, the format from the
file name, and spreadsheet cells that cannot run as formulas."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assess.reports.output import infer_format, neutralise

from .conftest import SAMPLES, cli

ONE = SAMPLES / "seed-08-township.json"  # an annual report: ranked (a half-year one is listed apart)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        assert cli("rank", str(ONE), "-o", str(tmp_path / "r.csv")).code == 0
    finally:
        os.umask(old)
    assert mode(tmp_path / "r.csv") == 0o666 & ~umask


def test_an_overwritten_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert cli("rank", str(ONE), "-o", str(target)).code == 0
    assert mode(target) == 0o640 and target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert cli("rank", str(ONE), "-o", str(link)).code == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_fifo_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = cli("rank", str(ONE), "-o", str(fifo))
    assert result.code == 2 and "not a regular file" in result.err and "Traceback" not in result.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_device_is_refused_and_left_as_it_was() -> None:
    result = cli("rank", str(ONE), "--format", "csv", "-o", os.devnull)
    assert result.code == 2 and "not a regular file" in result.err
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    result = cli("rank", str(ONE), "--format", "csv", "-o", str(tmp_path))
    assert result.code == 2 and "is a folder" in result.err


def test_a_missing_folder_is_a_clear_message(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "r.xlsx"
    result = cli("rank", str(ONE), "-o", str(target))
    assert result.code == 2
    assert "does not exist" in result.err and "internal error" not in result.err and ".tmp" not in result.err


@pytest.mark.parametrize(("name", "expected"), [
    ("结果.xlsx", "xlsx"), ("结果.XLSX", "xlsx"), ("通报.docx", "docx"), ("r.csv", "csv"), ("r.html", "html"),
    ("r.htm", "html"), ("r.json", "json"), ("r.md", "markdown"), ("r.txt", "plain"), ("r.out", "plain"),
])
def test_the_format_follows_the_file_suffix(name: str, expected: str) -> None:
    assert infer_format(None, name) == expected


def test_without_output_or_format_the_table_is_plain() -> None:
    assert infer_format(None, None) == "plain"


@pytest.mark.parametrize(("fmt", "name"), [("csv", "r.xlsx"), ("plain", "r.docx"), ("json", "r.csv")])
def test_a_format_that_clashes_with_the_suffix_is_an_error(tmp_path: Path, fmt: str, name: str) -> None:
    target = tmp_path / name
    result = cli("rank", str(ONE), "--format", fmt, "-o", str(target))
    assert result.code == 2 and "does not match the file name" in result.err
    assert not target.exists()


def test_xlsx_suffix_without_format_writes_a_workbook(tmp_path: Path) -> None:
    target = tmp_path / "结果.xlsx"
    assert cli("rank", str(SAMPLES), "-o", str(target)).code == 0
    assert target.read_bytes()[:2] == b"PK" and load_workbook(target).sheetnames[0] == "乡镇"


@pytest.mark.parametrize("text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_text_that_starts_a_formula_is_neutralised(text: str) -> None:
    assert neutralise(text) == f"'{text}"


@pytest.mark.parametrize("text", ["固军乡", "1+2", "a=b", ""])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


@pytest.fixture
def formula_unit(tmp_path: Path) -> Path:
    data = json.loads(ONE.read_text(encoding="utf-8"))
    data["unit"]["name"] = '=HYPERLINK("http://x.invalid","点我")'
    data["unit"]["id"] = "+seed"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_formula_name_is_inert_in_csv(formula_unit: Path) -> None:
    rows = list(csv.reader(io.StringIO(cli("rank", str(formula_unit), "--format", "csv").out.lstrip("\ufeff"))))
    assert rows[1][3] == "'+seed" and rows[1][4] == "'=HYPERLINK(\"http://x.invalid\",\"点我\")"


def test_a_formula_name_is_text_in_xlsx(formula_unit: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    assert cli("rank", str(formula_unit), "-o", str(target)).code == 0
    book = load_workbook(target)
    sheet = book["乡镇"]
    assert sheet["B5"].value == "'+seed" and sheet["C5"].value.startswith("'=HYPERLINK")
    assert sheet["C5"].data_type == "s"
    assert book["扣分明细"]["B3"].value.startswith("'=")
