"""Fuzzing through the command line's own entry point: whatever the input, the outcome is
exit 0, 1 or 2 with a message; never a traceback, a hang or a crash.

A few hundred examples per target run with the suite; the long run is opt-in:

    ASSESS_FUZZ_EXAMPLES=10000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import copy
import io
import json
import os
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.cli import run
from assess.facts import FIELDS

from .conftest import FIXTURES, SAMPLES

EXAMPLES = int(os.environ.get("ASSESS_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
QUICK_FUZZ = settings(FUZZ, max_examples=max(EXAMPLES // 5, 10))
"""For targets that run a whole batch or open an office file per example."""
SECONDS_PER_EXAMPLE = 20
MINIMAL = (FIXTURES / "rulesets" / "minimal.yaml").read_text(encoding="utf-8")


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"hung for more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outcome(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with time_limit(SECONDS_PER_EXAMPLE):
        code = run(args, io.BytesIO(stdin), out, err)
    return code, out.getvalue(), err.getvalue()


def assert_clean(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), code
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert err.startswith(("assess:", "Usage:", "Error:")) and err.strip(), err
    else:
        assert out


# ---------------------------------------------------------------- facts

NAMES = sorted({p.rsplit(".", 1)[-1] for p in FIELDS} | {p.split(".")[0] for p in FIELDS} | {"sid", "id", "$s"})
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                    st.sampled_from(["township", "county", "flood", "national", "2026-05-12", "3", "true"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.one_of(st.sampled_from(NAMES), st.text(max_size=8)), inner,
                                                 max_size=6)), max_leaves=30)


@st.composite
def unit_like(draw: st.DrawFn) -> Any:
    """Mostly well-shaped units with wrong, huge, negative or odd values in places."""
    base = json.loads((SAMPLES / draw(st.sampled_from(sorted(p.name for p in SAMPLES.glob("*.json"))))).read_text(
        encoding="utf-8"))
    for _ in range(draw(st.integers(0, 4))):
        section = draw(st.sampled_from(sorted(base)))
        if isinstance(base[section], dict) and base[section] and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(base[section])))
            base[section][key] = draw(json_values)
        else:
            base[section] = draw(json_values)
    return base


@st.composite
def facts_bytes(draw: st.DrawFn) -> bytes:
    shape = draw(st.sampled_from(["unit", "json", "bytes", "array", "empty", "deep"]))
    if shape == "bytes":
        return draw(st.binary(max_size=400))
    if shape == "empty":
        return draw(st.sampled_from([b"", b"   ", b"\xef\xbb\xbf", b"\n"]))
    if shape == "deep":
        depth = draw(st.integers(10, 5000))
        if draw(st.booleans()):
            return ("[" * depth + "]" * depth).encode()
        return ('{"a":' * depth + "1" + "}" * depth).encode()
    value = draw(unit_like()) if shape == "unit" else draw(json_values) if shape == "json" \
        else [draw(unit_like())]
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] if draw(st.booleans()) else text
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    if data and draw(st.booleans()):
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + bytes([draw(st.integers(0, 255))]) + data[position + 1:]
    return data


@FUZZ
@given(facts_bytes(), st.sampled_from(["durable", "native"]), st.sampled_from(["text", "json"]))
def test_score_survives_any_facts(data: bytes, engine: str, fmt: str) -> None:
    assert_clean(*outcome(["score", "-", "--engine", engine, "--format", fmt], data))


@FUZZ
@given(st.lists(facts_bytes(), min_size=1, max_size=4))
def test_rank_survives_any_batch(tmp_path_factory: pytest.TempPathFactory, batch: list[bytes]) -> None:
    folder = tmp_path_factory.mktemp("batch")
    for index, data in enumerate(batch):
        (folder / f"u{index}.json").write_bytes(data)
    (folder / "good.json").write_bytes((SAMPLES / "seed-08-township.json").read_bytes())
    for extra in ([], ["--skip-invalid"]):
        assert_clean(*outcome(["rank", str(folder), "--engine", "native", *extra]))


def test_ten_megabyte_file_is_refused_or_scored_quickly(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    unit = json.loads((SAMPLES / "seed-08-township.json").read_text(encoding="utf-8"))
    unit["source"]["note"] = "x" * 1990
    unit["supplies"]["items"] = [{"name": f"物资{i}", "quantity": i, "unit": "个"} for i in range(10_000)]
    text = json.dumps(unit, ensure_ascii=False)
    big.write_text(text + " " * (10 * 1024 * 1024 - len(text.encode())), encoding="utf-8")
    assert big.stat().st_size >= 10 * 1024 * 1024
    code, out, err = outcome(["score", str(big), "--format", "json"])
    assert_clean(code, out, err)
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (21 * 1024 * 1024))
    code, out, err = outcome(["score", str(huge)])
    assert code == 2 and "larger than 20 MB" in err


# ---------------------------------------------------------------- rulesets

TRICKS = [
    "a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "!!python/object/apply:os.system ['echo pwned']\n",
    "id: x\nid: y\n",
    "id: !!binary aGVsbG8=\n",
    "? [complex, key]\n: value\n",
    "%YAML 1.1\n---\nid: a\n---\nid: b\n",
    "[" * 3000,
    "id: \"\\ud800\"\n",
    "",
]


@st.composite
def ruleset_text(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(TRICKS))
    lines = MINIMAL.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["delete", "duplicate", "replace", "swap"]))
        index = draw(st.integers(0, len(lines) - 1))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        elif ":" in lines[index]:
            key = lines[index].split(":", 1)[0]
            value = draw(st.one_of(st.sampled_from(["", "[]", "{}", "-1", "1e309", "null", "yes", "~", "&x 1",
                                                    "*x", "'a'", "organization.staff < '2'", "not", "count(",
                                                    "100000000000000000000", "!!str 5", "[1, {a: b}]"]),
                                   st.text(max_size=12)))
            lines[index] = f"{key}: {value}"
    return "\n".join(lines) + "\n"


@FUZZ
@given(ruleset_text())
def test_check_and_score_survive_any_ruleset(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("rs") / "fuzzed.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_clean(*outcome(["check", str(path), "--samples", "50"]))
    unit = str(SAMPLES / "seed-08-township.json")
    assert_clean(*outcome(["score", unit, "--ruleset", str(path)]))
    assert_clean(*outcome(["explain", str(path)]))


# ---------------------------------------------------------------- JSONL lines and standard input

@QUICK_FUZZ
@given(st.lists(st.one_of(facts_bytes(), st.sampled_from([b"", b" " * 70, b"{}" * 40])), min_size=1, max_size=5),
       st.booleans())
def test_rank_survives_any_jsonl_lines(tmp_path_factory: pytest.TempPathFactory, lines: list[bytes],
                                       repeat: bool) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "units.jsonl"
    good = json.dumps(json.loads((SAMPLES / "seed-08-township.json").read_text(encoding="utf-8")),
                      ensure_ascii=False).encode("utf-8")
    body = [line.replace(b"\n", b" ") for line in lines] + [good] * (2 if repeat else 1)
    path.write_bytes(b"\n".join(body) + b"\n")
    for extra in ([], ["--skip-invalid"]):
        assert_clean(*outcome(["rank", str(path), "--engine", "native", *extra]))


# ---------------------------------------------------------------- .docx and .xlsx

DOCX_PARTS = ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
              "word/styles.xml", "docProps/core.xml"]
XLSX_PARTS = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
              "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"]
XML_BITS = [b"<?xml version='1.0' encoding='UTF-8'?>", b"<w:document xmlns:w='x'><w:body><w:p>", b"<w:p>",
            b"</w:p>", b"<w:t>\xe6\xbc\x94\xe7\xbb\x83</w:t>", b"</w:body></w:document>",
            b"<!DOCTYPE a [<!ENTITY x 'y'>]>", b"&x;", b"</Types>",
            b"<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'>",
            b"<workbook>", b"<sheetData><row r='1'><c r='A1'><v>1</v></c></row></sheetData>", b"\x00\xff"]


def office_file(kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "docx":
        import docx

        document = docx.Document()
        document.add_paragraph("开展消防演练2次。")
        document.add_table(rows=1, cols=2).rows[0].cells[0].text = "演练"
        document.save(buffer)
    else:
        from openpyxl import Workbook

        book = Workbook()
        assert book.active is not None
        book.active.append(["单位", 1])
        book.save(buffer)
    return buffer.getvalue()


OFFICE = {kind: office_file(kind) for kind in ("docx", "xlsx")}


@st.composite
def office_bytes(draw: st.DrawFn, kind: str) -> bytes:
    """A real file damaged in place, or a zip of the expected parts holding generated XML."""
    if draw(st.booleans()):
        data = bytearray(OFFICE[kind])
        for _ in range(draw(st.integers(0, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data[:draw(st.integers(0, len(data)))]) if draw(st.booleans()) else bytes(data)
    names = DOCX_PARTS if kind == "docx" else XLSX_PARTS
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))) as archive:
        for name in draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True)):
            parts = draw(st.lists(st.one_of(st.sampled_from(XML_BITS), st.binary(max_size=20)), max_size=12))
            archive.writestr(name, b"".join(parts) * draw(st.sampled_from([1, 1, 1, 500])))
    return buffer.getvalue()


@QUICK_FUZZ
@given(office_bytes("docx"), st.sampled_from(["file", "stdin"]))
def test_extract_survives_any_docx(tmp_path_factory: pytest.TempPathFactory, data: bytes, via: str) -> None:
    if via == "stdin":
        assert_clean(*outcome(["extract", "-"], data))
        return
    path = tmp_path_factory.mktemp("docx") / "summary.docx"
    path.write_bytes(data)
    assert_clean(*outcome(["extract", str(path)]))


@QUICK_FUZZ
@given(office_bytes("xlsx"))
def test_a_workbook_opens_or_is_an_input_error(data: bytes) -> None:
    from assess.inputs import InputError, read_workbook

    with time_limit(SECONDS_PER_EXAMPLE):
        try:
            book = read_workbook(io.BytesIO(data))
        except InputError as exc:
            assert exc.message and exc.source == "<stdin>"
            return
    assert book.sheetnames is not None


# ---------------------------------------------------------------- the office's records and the review

RECORDS = (SAMPLES / "office-records-example.csv").read_text(encoding="utf-8-sig").splitlines()
REVIEW = yaml.safe_load((SAMPLES / "review-example.yaml").read_text(encoding="utf-8"))
cells = st.one_of(st.text(max_size=12), st.sampled_from(["", "是", "否", "-1", "1e9", "3.5", "seed-08", "=1+1", "无"]))


@st.composite
def records_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """The example records with cells, headers and rows changed, in one of the four formats."""
    rows = [line.split(",") for line in RECORDS]
    for _ in range(draw(st.integers(0, 6))):
        row = draw(st.integers(0, len(rows) - 1))
        rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(cells)
    if draw(st.booleans()):
        rows = rows[:draw(st.integers(0, len(rows)))] + draw(st.lists(st.lists(cells, max_size=25), max_size=3))
    suffix = draw(st.sampled_from([".csv", ".json", ".jsonl", ".xlsx"]))
    if suffix == ".csv":
        return suffix, "\n".join(",".join(r) for r in rows).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"])),
                                                                  errors="replace")
    if suffix == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = Workbook()
        assert book.active is not None
        for r in rows:
            book.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in r])  # what a sheet can hold
        buffer = io.BytesIO()
        book.save(buffer)
        return suffix, buffer.getvalue()
    header = rows[0] if rows else []
    items = [dict(zip(header, r)) for r in rows[1:]]
    if draw(st.booleans()) and items:
        items[0][draw(st.sampled_from(header or ["x"]))] = draw(json_values)
    if suffix == ".json":
        return suffix, json.dumps(draw(st.sampled_from([items, {"rows": items}, items[:1]])), ensure_ascii=False,
                                  allow_nan=True).encode()
    return suffix, "\n".join(json.dumps(i, ensure_ascii=False, allow_nan=True) for i in items).encode()


@st.composite
def review_file(draw: st.DrawFn) -> bytes:
    """The example review with decisions dropped, repeated or given odd values, or YAML that is not one."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from([b"", b"decisions: [", b"- a\n- b", b"decisions: 3", b"\xff\xfe", b"a: &x [*x]"]))
    review = copy.deepcopy(REVIEW)
    decisions = review["decisions"]
    for _ in range(draw(st.integers(0, 4))):
        decision = decisions[draw(st.integers(0, len(decisions) - 1))]
        decision[draw(st.sampled_from([*sorted(decision), "points", "value", "rule", "extra"]))] = draw(json_values)
    if draw(st.booleans()):
        decisions.extend(draw(st.lists(st.sampled_from(decisions), max_size=3)))
    return yaml.safe_dump(review, allow_unicode=True).encode()


@QUICK_FUZZ
@given(records_file(), review_file())
def test_score_and_rank_survive_any_records_and_review(tmp_path_factory: pytest.TempPathFactory,
                                                       records: tuple[str, bytes], review: bytes) -> None:
    folder = tmp_path_factory.mktemp("sources")
    suffix, data = records
    records_path, review_path = folder / f"records{suffix}", folder / "review.yaml"
    records_path.write_bytes(data)
    review_path.write_bytes(review)
    unit = str(SAMPLES / "seed-08-township.json")
    # the example review picks points for items the example records make deductible
    for sources in (["--records", str(records_path)],
                    ["--records", str(SAMPLES / "office-records-example.csv"), "--review", str(review_path)]):
        assert_clean(*outcome(["score", unit, "--engine", "native", "--phase", "final",
                               "--allow-missing-records", "skip", *sources]))
    assert_clean(*outcome(["rank", str(SAMPLES), "--engine", "native", "--phase", "final", "--records",
                           str(records_path), "--review", str(review_path), "--skip-invalid"]))
