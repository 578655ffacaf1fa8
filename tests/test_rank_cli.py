"""`assess rank` and `assess compare` on the samples: every format opens, bad input is listed."""

from __future__ import annotations

import csv
import gc
import io
import json
import multiprocessing
import os
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assess import batch as batch_module

from .conftest import SAMPLES, cli

SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.json"))
TITLES = ("乡镇（初评）", "县直部门（初评）", "区县政府/应急办（初评）", "开发区（2024年度初评）",
          "地级市（2023年度初评）")
SIZES = [3, 5, 3, 1, 1]  # a table per unit type; seeds 01 and 13 are half-year reports, not ranked


def test_rank_samples_ranks_annual_reports_in_a_table_per_unit_type_and_lists_half_year_ones_apart() -> None:
    result = cli("rank", str(SAMPLES))
    assert result.code == 0, result.err
    headings = [line for line in result.out.splitlines() if line.startswith("【")]
    assert [h[1:].split("：", 1)[0] for h in headings] == list(TITLES)
    assert [int(h.split("共 ")[1].split(" ")[0]) for h in headings] == SIZES
    assert result.out.count("等级分布：") == 5
    township = result.out.split("【县直部门")[0]
    ranked_rows = [line for line in township.splitlines() if line.strip()[:1].isdigit()]
    assert not any("固军乡" in line or "第13篇" in line for line in ranked_rows)
    assert "未参加排名的单位：固军乡（半年报告，不与全年考核的单位排名）；某镇（第13篇）（半年报告" in township


def test_rank_lists_each_units_flags_under_its_table() -> None:
    out = cli("rank", str(SAMPLES)).out
    flag_lines = [line for line in out.splitlines() if line.startswith("审核标记")]
    assert len(flag_lines) == 5
    assert "某区（第7篇）（模板空白、否决事项空白）" in out
    assert "某镇（第15篇）（模板空白、网站水印、材料雷同）" in out


def test_grid_columns_line_up_with_chinese_text() -> None:
    from wcwidth import wcswidth
    out = cli("rank", str(SAMPLES), "--format", "grid").out
    for table in out.split("【")[1:]:
        lines = [line for line in table.splitlines() if line.startswith(("|", "+"))]
        assert len({wcswidth(line) for line in lines}) == 1
        separators = {tuple(wcswidth(line[:i]) for i, ch in enumerate(line) if ch in "|+")
                      for line in lines}
        assert len(separators) == 1


def test_csv_is_one_rectangular_table_with_a_bom(tmp_path: Path) -> None:
    target = tmp_path / "rank.csv"
    assert cli("rank", str(SAMPLES), "--format", "csv", "-o", str(target)).code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:11] == ["表", "细则", "排名", "单位编码", "单位", "类型", "考核期", "自评分",
                           "最低得分", "最高得分", "待定分值"]
    assert header[-3:] == ["加分", "等级", "主要扣分"]
    assert len(body) == 13 and {len(r) for r in rows} == {len(header)}  # the half-year reports apart
    assert [t for t in dict.fromkeys(r[0] for r in body)] == ["乡镇", "县直部门", "区县政府/应急办", "开发区", "地级市"]
    assert len({r[3] for r in body}) == 13


def test_main_deductions_keep_the_whole_item_in_every_format(tmp_path: Path) -> None:
    item = "结合“5·12”防灾减灾日、安全生产月等开展应急知识集中宣传不少于3次，每少1次扣1分"
    assert item in cli("rank", str(SAMPLES), "--format", "csv").out
    assert item in cli("rank", str(SAMPLES), "--format", "markdown").out
    target = tmp_path / "rank.xlsx"
    assert cli("rank", str(SAMPLES), "-o", str(target)).code == 0
    values = [c for row in load_workbook(target)["乡镇"].iter_rows(values_only=True) for c in row]
    assert any(isinstance(v, str) and item in v for v in values)
    assert not any(isinstance(v, str) and "…" in v for v in values)


def test_xlsx_has_a_sheet_per_table_and_a_deduction_sheet(tmp_path: Path) -> None:
    target = tmp_path / "rank.xlsx"
    result = cli("rank", str(SAMPLES), "--format", "xlsx", "-o", str(target))
    assert result.code == 0, result.err
    book = load_workbook(target)
    assert book.sheetnames == ["乡镇", "县直部门", "区县政府应急办", "开发区", "地级市", "扣分明细"]
    sheet = book["乡镇"]
    assert sheet["A1"].value == "应急管理工作年度考核结果" and sheet["A1"].font.bold
    assert sheet["A2"].value.startswith("乡镇（初评）：") and sheet["A3"].value.startswith("等级分布")
    assert [c.value for c in sheet[4]][:9] == ["排名", "单位编码", "单位", "类型", "考核期", "自评分",
                                               "最低得分", "最高得分", "待定分值"]
    assert sheet["A4"].font.bold and [c.value for c in sheet[4]][-1] == "主要扣分"
    assert sheet.freeze_panes == "D5" and sheet.print_title_rows == "$4:$4"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert isinstance(sheet["G5"].value, (int, float)) and sheet["G5"].number_format == "0.00"
    assert sheet["B5"].value.startswith("seed-") and sheet["Q5"].alignment.wrap_text
    assert sheet.row_dimensions[5].height > 15           # the wrapped 主要扣分 shows whole
    assert sheet.column_dimensions["C"].width >= 14      # 某镇（第15篇） fits
    detail = book["扣分明细"]
    assert [c.value for c in detail[2]] == [
        "单位编码", "单位", "细则", "类别", "一案三制", "考核项目", "扣分", "扣分说明", "核查情况"]
    assert detail.max_row > 10 and isinstance(detail["G3"].value, (int, float))
    checked = [row[8] for row in detail.iter_rows(min_row=3, values_only=True)]
    assert all("." not in (c or "") and "(" not in (c or "") for c in checked)  # no field paths or calls


def test_xlsx_needs_an_output_file() -> None:
    result = cli("rank", str(SAMPLES), "--format", "xlsx")
    assert result.code == 2 and "give -o FILE.xlsx" in result.err
    result = cli("rank", str(SAMPLES), "--format", "docx")
    assert result.code == 2 and "give -o FILE.docx" in result.err


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tables += tag == "table"
        self._in_cell = tag in ("td", "th")

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells.append(data)


def test_html_parses_with_a_table_per_unit_type(tmp_path: Path) -> None:
    target = tmp_path / "rank.html"
    assert cli("rank", str(SAMPLES), "--format", "html", "-o", str(target)).code == 0
    parser = _Cells()
    parser.feed(target.read_text(encoding="utf-8"))
    assert parser.tables == 5
    assert "天仙镇" in parser.cells and "中牟县应急管理办公室" in parser.cells


def test_json_has_rows_and_full_assessments() -> None:
    data = json.loads(cli("rank", str(SAMPLES), "--format", "json").out)
    assert [len(t["rows"]) for t in data["tables"]] == SIZES
    assert len(data["assessments"]) == 15  # every sample scored
    assert {u["unit"]["name"] for t in data["tables"] for u in t["unranked"]} == {"固军乡", "某镇（第13篇）"}
    ranked = {r["unit"]["id"] for t in data["tables"] for r in t["rows"]}
    unranked = {u["unit"]["id"] for t in data["tables"] for u in t["unranked"]}
    assert {a["unit"]["id"] for a in data["assessments"]} == ranked | unranked


@pytest.mark.parametrize("fmt", ["markdown", "github", "plain"])
def test_text_formats_list_every_unit(fmt: str) -> None:
    out = cli("rank", str(SAMPLES), "--format", fmt).out
    names = [json.loads(p.read_text(encoding="utf-8"))["unit"]["name"] for p in sorted(SAMPLES.glob("*.json"))]
    assert len(names) == 15
    rows = [line for line in out.splitlines() if line.lstrip("| ")[:1].isdigit()]
    for name in names:
        assert name in out, name
        assert sum(name in row for row in rows) <= 1, name  # ranked at most once


def test_jsonl_input(tmp_path: Path) -> None:
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False)
             for p in sorted(SAMPLES.glob("*.json"))]
    batch = tmp_path / "units.jsonl"
    batch.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    assert cli("rank", str(batch), "--format", "csv").out == cli("rank", str(SAMPLES), "--format", "csv").out


def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "units"
    shutil.copytree(SAMPLES, folder)
    (folder / "bad-json.json").write_text('{"unit": ', encoding="utf-8")
    (folder / "bad-field.json").write_text('{"unit": {"id": "x", "name": "某乡", "type": "township"}, "drils": []}',
                                           encoding="utf-8")
    return folder


def test_every_bad_file_is_listed_and_nothing_written(tmp_path: Path) -> None:
    target = tmp_path / "rank.csv"
    target.write_text("the previous table", encoding="utf-8")
    result = cli("rank", str(bad_folder(tmp_path)), "--format", "csv", "-o", str(target))
    assert result.code == 2
    assert "bad-json.json: invalid JSON at line 1, column 10" in result.err
    assert "bad-field.json: 1 problem in the facts" in result.err
    assert "drils: unknown field (did you mean 'drills'?)" in result.err
    assert "2 of 17 units could not be scored; nothing was written" in result.err
    assert target.read_text(encoding="utf-8") == "the previous table"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rank.csv")]


def test_skip_invalid_ranks_the_rest_and_lists_the_skipped(tmp_path: Path) -> None:
    result = cli("rank", str(bad_folder(tmp_path)), "--skip-invalid")
    assert result.code == 0
    assert result.err.count("assess: skipped:") == 2
    assert result.out.count("等级分布：") == 5


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    result = cli("rank", str(tmp_path / "nowhere.json"), str(tmp_path))
    assert result.code == 2
    assert "nowhere.json: no such file" in result.err and "no *.json or *.xlsx files in this folder" in result.err


def test_by_none_with_different_rulesets_is_refused() -> None:
    result = cli("rank", str(SAMPLES), "--by", "none")
    assert result.code == 2 and "different rulesets" in result.err


def test_compare_explains_the_gap() -> None:
    a, b = SAMPLES / "seed-08-township.json", SAMPLES / "seed-01-township.json"
    total_a = json.loads(cli("score", str(a), "--format", "json").out)["total"]
    total_b = json.loads(cli("score", str(b), "--format", "json").out)["total"]
    result = json.loads(cli("compare", str(a), str(b), "--format", "json").out)
    assert result["diff"] == pytest.approx(total_a - total_b)
    assert sum(r["effect"] for r in result["rules"]) == pytest.approx(total_a - total_b)
    assert sum(c["diff"] for c in result["categories"]) + result["bonus_diff"] == pytest.approx(total_a - total_b)
    text = cli("compare", str(a), str(b)).out
    assert f"比固军乡高 {total_a - total_b:g} 分，排名在前" in text
    assert result["rules"][0]["rule"] in text


def test_compare_across_rubrics_needs_one_ruleset() -> None:
    result = cli("compare", str(SAMPLES / "seed-08-township.json"), str(SAMPLES / "seed-03-department.json"))
    assert result.code == 2 and "different rulesets" in result.err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_a_terminal_only(tmp_path: Path) -> None:
    from assess.cli import run

    unit = json.loads((SAMPLES / "seed-08-township.json").read_text(encoding="utf-8"))
    batch = tmp_path / "many.jsonl"
    batch.write_text("\n".join(json.dumps(dict(unit, unit=dict(unit["unit"], id=f"u{i}")), ensure_ascii=False)
                               for i in range(250)), encoding="utf-8")
    terminal, out = _Terminal(), io.StringIO()
    assert run(["rank", str(batch), "--engine", "native"], io.BytesIO(), out, terminal) == 0
    shown = terminal.getvalue()
    assert "assess: 评分:" in shown and "0/250" in shown      # the total is known before scoring
    assert "250/250" in shown and "个/s" in shown and "<" in shown  # count, rate and time left
    assert cli("rank", str(batch), "--engine", "native").err == ""


_score_chunk = batch_module._score_chunk


def _counted_chunk(chunk: list[batch_module.Unit]) -> list[batch_module.Outcome]:
    """A worker's chunk, its size written down."""
    with open(os.environ["ASSESS_TEST_CHUNKS"], "a", encoding="utf-8") as out:
        out.write(f"{len(chunk)}\n")
    return _score_chunk(chunk)


def sample_copies(rounds: int) -> list[dict[str, Any]]:
    """The samples ``rounds`` times over, each copy with a unit id of its own."""
    units = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.json"))]
    return [dict(unit, unit=dict(unit["unit"], id=f"{unit['unit']['id']}-{i}")) for i in range(rounds)
            for unit in units]


@pytest.mark.parametrize("machine", ["free", "busy"])
def test_jobs_spread_over_processes_give_the_same_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        machine: str) -> None:
    if batch_module.start_method() != "fork" or batch_module.workers_for(2) < 2:
        pytest.skip("the workers' chunks are counted by this module's function, in forked workers on two cores")
    monkeypatch.setattr(batch_module, "SERIAL_BELOW", 200)  # so that these 1,201 units do go to workers
    monkeypatch.setattr(batch_module, "_score_chunk", _counted_chunk)
    chunks = tmp_path / "chunks.txt"
    monkeypatch.setenv("ASSESS_TEST_CHUNKS", str(chunks))
    # The workers kept to the end, or left after the probe and the rest scored here.
    monkeypatch.setattr(batch_module, "WORKERS_PAY_ABOVE", 0.0 if machine == "free" else float("inf"))
    # 1,200 units: the probes' chunks and several more per worker
    lines = [json.dumps(unit, ensure_ascii=False) for unit in sample_copies(80)]
    lines.insert(300, '{"unit": {"id": "bad"}}')
    batch = tmp_path / "units.jsonl"
    batch.write_text("\n".join(lines), encoding="utf-8")
    serial = cli("rank", str(batch), "--format", "csv", "--engine", "native", "--skip-invalid")
    assert not chunks.exists()
    parallel = cli("rank", str(batch), "--format", "csv", "--engine", "native", "--skip-invalid", "--jobs", "2")
    assert serial.code == parallel.code == 0
    assert parallel.out == serial.out
    assert parallel.err == serial.err and "units.jsonl:301" in parallel.err
    sent = [int(n) for n in chunks.read_text(encoding="utf-8").split()]
    in_workers = sum(sent)
    if machine == "free":  # all but the units scored here first, to warm up and to time them
        assert in_workers == len(lines) - batch_module.WARM - batch_module.ALONE
    else:  # the probe's rounds only
        assert sent == [batch_module.PROBE] * 4 * batch_module.PROBES


def test_readme_shows_the_current_ranking_of_the_samples() -> None:
    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ assess rank samples/\n", 1)[1].split("```", 1)[0]
    assert shown == cli("rank", str(SAMPLES)).out


@pytest.mark.parametrize("detail", ["summary", "assessment"])
def test_spawned_workers_score_as_one_process_does(monkeypatch: pytest.MonkeyPatch, detail: str) -> None:
    # Where workers cannot be forked (macOS, Windows) each loads its own rulesets.
    if batch_module.workers_for(2) < 2:
        pytest.skip("two workers need two cores")
    from assess import api, workers

    started: list[str] = []

    class Recorded(workers.Pool):  # type: ignore[type-arg]
        def __init__(self, count: int, context: multiprocessing.context.BaseContext, *args: object) -> None:
            started.append(f"{count} {context.get_start_method()}")
            super().__init__(count, context, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "Pool", Recorded)
    monkeypatch.setattr(batch_module, "start_method", lambda: "spawn")
    monkeypatch.setattr(batch_module, "SERIAL_BELOW", 200)
    monkeypatch.setattr(batch_module, "WORKERS_PAY_ABOVE", 0.0)  # the workers kept whatever the probe says
    batch = sample_copies(40)
    batch.insert(250, {"unit": {"id": "bad"}})

    def scored(jobs: int) -> list[tuple[str, object, str | None]]:
        return [(s.source, s.summary if detail == "summary" else s.assessment, s.error and s.error.render())
                for s in api.score_many(batch, engine="native", jobs=jobs, detail=detail)]  # type: ignore[arg-type]

    serial, spread = scored(1), scored(2)
    assert started == ["2 spawn"]
    assert len(spread) == len(batch) and spread == serial
    assert sum(error is not None for _, _, error in spread) == 1


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_rank_to_a_workbook_that_fails_leaves_no_temporary_sheet(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # The deductions sheet streams to a temporary file as units are scored; the batch fails
    # only once every unit is read (the invalid one is named then).
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    bad = tmp_path / "bad.json"
    bad.write_text('{"unit": {"id": "x"}}', encoding="utf-8")
    target = tmp_path / "ranking.xlsx"
    result = cli("rank", str(SAMPLES), str(bad), "-o", str(target))
    assert result.code == 2 and "bad.json" in result.err
    gc.collect()  # an open sheet collected now would fail the test with an unraisable error
    assert list(temporary.iterdir()) == []
    assert not target.exists()
