"""Bounded reading: every input stops at its cap, says which cap and how to raise it, and
never hangs; office files are checked from their zip directory before they are parsed."""

from __future__ import annotations

import io
import json
import os
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess import inputs
from assess.batch import read_units
from assess.errors import AssessError, FactsError, RulesetError
from assess.extract import read_docx, read_summary
from assess.ruleset import load_ruleset
from assess.tools.golden import load_cases

from .conftest import SAMPLES, cli

SEED = (SAMPLES / "seed-08-township.json").read_bytes()
QUICK = settings(max_examples=40, deadline=None, database=None)


class Endless(io.RawIOBase):
    """A stream that never ends, like /dev/zero: a reader without a cap would never return."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        buffer[:] = b"0" * len(buffer)
        return len(buffer)


def run_within(seconds: float, work: Callable[[], Any]) -> Any:
    """Run ``work`` in a thread; fail if it has not returned (or raised) within ``seconds``."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still reading after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@QUICK
@given(size=st.integers(min_value=0, max_value=300), limit=st.integers(min_value=0, max_value=200))
def test_a_stream_is_read_whole_up_to_its_cap_and_refused_past_it(size: int, limit: int) -> None:
    data = os.urandom(size)
    if size <= limit:
        assert inputs.read_input(io.BytesIO(data), what="facts file", limit=limit) == data
    else:
        with pytest.raises(inputs.InputError, match=r"the cap on a facts file; raise it with .*ASSESS_MAX_FACTS_MB"):
            inputs.read_input(io.BytesIO(data), what="facts file", limit=limit)


@QUICK
@given(size=st.integers(min_value=0, max_value=300), limit=st.integers(min_value=0, max_value=200))
def test_a_regular_file_over_its_cap_is_refused_before_reading(tmp_path_factory: pytest.TempPathFactory,
                                                               size: int, limit: int) -> None:
    path = tmp_path_factory.mktemp("cap") / "unit.json"
    path.write_bytes(b"x" * size)
    if size <= limit:
        assert inputs.read_input(path, what="ruleset file", limit=limit) == b"x" * size
    else:
        with pytest.raises(inputs.InputError, match="ASSESS_MAX_RULESET_MB") as caught:
            inputs.read_input(path, what="ruleset file", limit=limit)
        assert caught.value.source == str(path)


def test_an_endless_stream_stops_at_the_cap() -> None:
    with pytest.raises(inputs.InputError, match="larger than 1 MB"):
        run_within(10, lambda: inputs.read_input(io.BufferedReader(Endless()), what="summary", limit=inputs.MB))


@pytest.mark.parametrize("command", [["score", "-"], ["extract", "-"]])
def test_endless_standard_input_is_refused_with_the_cap_to_raise(command: list[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.cli import run

    monkeypatch.setenv("ASSESS_MAX_FACTS_MB", "1")
    monkeypatch.setenv("ASSESS_MAX_SUMMARY_MB", "1")
    out, err = io.StringIO(), io.StringIO()
    code = run_within(20, lambda: run(command, io.BufferedReader(Endless()), out, err))
    assert code == 2
    assert "larger than 1 MB" in err.getvalue() and "ASSESS_MAX_" in err.getvalue()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("args", [
    ["score", "/dev/zero"],
    ["score", "--ruleset", "/dev/zero", str(SAMPLES / "seed-08-township.json")],
    ["rank", "/dev/zero"],
    ["extract", "/dev/zero"],
])
def test_a_device_is_read_with_the_same_cap(args: list[str]) -> None:
    result = run_within(30, lambda: cli(*args))
    assert result.code == 2 and "larger than" in result.err and "ASSESS_MAX_" in result.err, result.err


def test_a_golden_cases_device_is_capped() -> None:
    with pytest.raises(RulesetError, match=r"golden cases file.*ASSESS_MAX_RULESET_MB"):
        run_within(30, lambda: load_cases(Path("/dev/zero")))


@pytest.fixture
def fifo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    monkeypatch.setenv("ASSESS_PIPE_WAIT", "1")
    path = tmp_path / "unit.json"
    os.mkfifo(path)
    return path


def test_a_fifo_with_no_writer_is_refused_in_seconds(fifo: Path) -> None:
    with pytest.raises(inputs.InputError, match=r"nothing was written to this pipe within 1 s.*ASSESS_PIPE_WAIT"):
        run_within(10, lambda: inputs.read_input(fifo, what="facts file", limit=inputs.MB))


def test_a_fifo_as_a_ruleset_or_unit_with_no_writer_is_an_input_error(fifo: Path) -> None:
    with pytest.raises(RulesetError, match="pipe"):
        run_within(10, lambda: load_ruleset(fifo))
    units = run_within(10, lambda: list(read_units([fifo])))
    assert isinstance(units[0].error, FactsError) and "pipe" in units[0].error.message


@pytest.mark.parametrize("size", [0, 10, 5000, 200_000])
def test_a_fifo_with_a_writer_is_read_whole(fifo: Path, size: int) -> None:
    data = os.urandom(size)

    def write() -> None:
        with open(fifo, "wb") as handle:
            handle.write(data)

    threading.Thread(target=write, daemon=True).start()
    assert run_within(10, lambda: inputs.read_input(fifo, what="facts file", limit=inputs.MB)) == data


def test_an_endless_fifo_stops_at_the_cap(fifo: Path) -> None:
    stop = threading.Event()

    def write() -> None:
        try:
            with open(fifo, "wb") as handle:
                while not stop.is_set():
                    handle.write(b"0" * 65536)
        except BrokenPipeError:
            pass

    threading.Thread(target=write, daemon=True).start()
    try:
        with pytest.raises(inputs.InputError, match="larger than"):
            run_within(10, lambda: inputs.read_input(fifo, what="facts file", limit=inputs.MB))
    finally:
        stop.set()


# ------------------------------------------------------------------ JSONL lines

@QUICK
@given(lengths=st.lists(st.integers(min_value=0, max_value=120), min_size=1, max_size=12),
       limit=st.integers(min_value=1, max_value=100))
def test_each_line_is_capped_and_a_long_line_does_not_stop_the_rest(tmp_path_factory: pytest.TempPathFactory,
                                                                    lengths: list[int], limit: int) -> None:
    path = tmp_path_factory.mktemp("lines") / "units.jsonl"
    path.write_bytes(b"".join(b"x" * n + b"\n" for n in lengths))
    got = list(inputs.read_lines(path, what="JSONL line", limit=limit))
    expected = [(i, n) for i, n in enumerate(lengths, start=1) if n > 0]
    assert [number for number, _ in got] == [number for number, _ in expected]
    for (_, line), (_, n) in zip(got, expected, strict=True):
        if n > limit:
            assert isinstance(line, inputs.InputError) and "JSONL line" in line.message
        else:
            assert line == b"x" * n + b"\n"


def test_a_jsonl_line_over_the_cap_is_that_units_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_MAX_FACTS_MB", "1")
    compact = json.dumps(json.loads(SEED), ensure_ascii=False).encode("utf-8")
    path = tmp_path / "units.jsonl"
    path.write_bytes(compact + b"\n" + b" " * (inputs.MB + 10) + b"{}\n" + compact + b"\n")
    units = list(read_units([path]))
    assert [u.source for u in units] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert units[0].facts is not None and units[2].facts is not None
    assert units[1].error is not None and "ASSESS_MAX_FACTS_MB" in units[1].error.render()


# ------------------------------------------------------------------ office files

def docx_bytes(paragraphs: int = 3) -> bytes:
    import docx

    document = docx.Document()
    for index in range(paragraphs):
        document.add_paragraph(f"第{index}段:开展消防演练1次。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: int = 3) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for index in range(rows):
        sheet.append([f"单位{index}", index])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_entry(base: bytes, name: str, data: bytes) -> bytes:
    buffer = io.BytesIO(base)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("env", "value", "make", "message"), [
    ("ASSESS_MAX_UNPACKED_MB", "2", lambda: with_entry(docx_bytes(), "word/media/a.bin", os.urandom(3 * inputs.MB)),
     r"unpacks to \d MB"),
    ("ASSESS_MAX_ZIP_RATIO", "200", lambda: with_entry(docx_bytes(), "word/media/a.bin", bytes(4 * inputs.MB)),
     "times its packed size"),
    ("ASSESS_MAX_ZIP_ENTRIES", "50", lambda: zip_of({f"part{i}.xml": b"<a/>" for i in range(51)}),
     "51 parts inside"),
    ("ASSESS_MAX_PARAGRAPHS", "100", lambda: docx_bytes(101), "101 paragraphs"),
])
def test_a_docx_over_a_cap_is_refused_before_it_is_parsed(env: str, value: str, make: Callable[[], bytes],
                                                          message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(FactsError, match=f"{message}.*{env}"):
        read_docx(make(), "bomb.docx")


@pytest.mark.parametrize("paragraphs", [1, 50, 100])
def test_a_docx_within_the_caps_is_read(paragraphs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_MAX_PARAGRAPHS", "100")
    assert read_docx(docx_bytes(paragraphs), "ok.docx").count("开展消防演练1次") == paragraphs


@pytest.mark.parametrize(("name", "data", "message"), [
    ("s.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "加密的 .docx"),
    ("s.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "另存为 .docx"),
    ("s.pdf", b"%PDF-1.7\n%...", "PDF文件"),
    ("s.txt", b"%PDF-1.7\n%...", "PDF文件"),
    ("s.docx", b"PK\x03\x04 not really a zip", "damaged or incomplete zip"),
    ("s.docx", b"plain text, not a zip", "damaged or incomplete zip"),
])
def test_unreadable_documents_are_refused_with_what_to_do(tmp_path: Path, name: str, data: bytes,
                                                          message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = cli("extract", str(path))
    assert result.code == 2 and message in result.err and str(path) in result.err, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err


DOCX = docx_bytes(5)


@QUICK
@given(cut=st.integers(min_value=0, max_value=100_000), flip=st.integers(min_value=0, max_value=100_000))
def test_a_damaged_docx_is_a_facts_error_or_text(cut: int, flip: int) -> None:
    data = bytearray(DOCX[:cut % (len(DOCX) + 1)])
    if data:
        data[flip % len(data)] ^= 0xFF
    try:
        assert isinstance(read_summary(bytes(data), "s.docx"), str)
    except FactsError as exc:
        assert exc.source == "s.docx"


def test_a_workbook_within_the_caps_is_read(tmp_path: Path) -> None:
    path = tmp_path / "records.xlsx"
    path.write_bytes(xlsx_bytes(4))
    book = inputs.read_workbook(path)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("单位0", 0) and len(rows) == 4


@pytest.mark.parametrize(("env", "value", "make", "message"), [
    ("ASSESS_MAX_UNPACKED_MB", "2", lambda: with_entry(xlsx_bytes(), "xl/media/a.bin", os.urandom(3 * inputs.MB)),
     r"unpacks to \d MB"),
    ("ASSESS_MAX_ZIP_RATIO", "100", lambda: with_entry(xlsx_bytes(), "xl/media/a.bin", bytes(2 * inputs.MB)),
     "times its packed size"),
    ("ASSESS_MAX_WORKBOOK_MB", "1", lambda: os.urandom(inputs.MB + 1), "the cap on a workbook"),
    ("ASSESS_MAX_ZIP_ENTRIES", "2000", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "encrypted .xlsx"),
    ("ASSESS_MAX_ZIP_ENTRIES", "2000", lambda: xlsx_bytes()[:-40], "damaged or incomplete zip"),
    ("ASSESS_MAX_ZIP_ENTRIES", "2000", lambda: zip_of({"a.txt": b"not a workbook"}), "not a readable .xlsx"),
])
def test_a_workbook_over_a_cap_or_unreadable_is_refused(tmp_path: Path, env: str, value: str,
                                                        make: Callable[[], bytes], message: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(env, value)
    path = tmp_path / "records.xlsx"
    path.write_bytes(make())
    with pytest.raises(inputs.InputError, match=message) as caught:
        inputs.read_workbook(path)
    assert caught.value.source == str(path)
    assert isinstance(caught.value, AssessError)
