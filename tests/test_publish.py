"""The documents an office circulates, opened the way a person's software opens them:
the Word 通报 and letters with python-docx, the HTML page parsed, the header config read."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

import assess
from assess.points import fmt
from assess.reports import docxkit
from assess.reports.header import NoticeHeader, load_header
from assess.reports.letters import write_supplement
from assess.scoring.assessment import UnitRef

from .conftest import SAMPLES, cli

HEADER = ("--issuer", "中牟县应急管理工作考核领导小组办公室", "--year", "2026", "--number", "中应急考〔2026〕3号",
          "--date", "2026年12月20日", "--deadline", "2027年1月31日")
CODE = re.compile(r"[a-z_]+\.(?!json\b)[a-z_]+|\b(?:pct|count|distinct|ratio)\(")
"""A field path or a function call of the condition language: never in text a person reads."""


def texts(document: Document) -> list[str]:
    """Every paragraph and table cell, in order."""
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        out.extend(cell.text for row in table.rows for cell in row.cells)
    return out


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory) -> Document:
    folder = tmp_path_factory.mktemp("notice")
    units = folder / "units"
    units.mkdir()
    for path in SAMPLES.glob("*.json"):
        (units / path.name).write_bytes(path.read_bytes())
    (units / "broken.json").write_text('{"unit": {"id": "x"}}', encoding="utf-8")
    target = folder / "通报.docx"
    result = cli("rank", str(units), "--engine", "native", "--skip-invalid", "--phase", "final",
                 "--records", str(SAMPLES / "office-records-example.csv"), "-o", str(target), *HEADER)
    assert result.code == 0, result.err
    return Document(str(target))


def test_the_notice_has_the_header_title_and_phase(notice: Document) -> None:
    paragraphs = [p.text for p in notice.paragraphs if p.text]
    assert paragraphs[:4] == ["中牟县应急管理工作考核领导小组办公室", "中应急考〔2026〕3号", "━" * 24,
                              "关于2026年度应急管理工作\n考核结果（终评）的通报"]
    assert paragraphs[-2:] == ["中牟县应急管理工作考核领导小组办公室", "2026年12月20日"]


def test_the_opening_gives_the_counts_and_grades(notice: Document) -> None:
    opening = next(p.text for p in notice.paragraphs if p.text.startswith("按照"))
    # 15 samples and a broken file: 13 ranked (the two half-year reports are listed apart), the
    # broken file not scored
    assert "共13个单位" in opening and "不合格13个" in opening and "另有1个单位未能评分" in opening


def test_one_ranked_table_per_rubric_on_landscape_pages(notice: Document) -> None:
    ranked = [t for t in notice.tables if t.rows[0].cells[0].text == "排名"]
    assert len(ranked) == 5 and [len(t.rows) for t in ranked] == [4, 6, 4, 2, 2]  # with the header row
    for table in ranked:
        header = table.rows[0]._tr
        assert header.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None  # repeats on each page
        assert table.rows[0].cells[-1].text == "主要扣分"
    assert any(s.orientation == WD_ORIENT.LANDSCAPE for s in notice.sections)
    assert notice.sections[-1].orientation == WD_ORIENT.PORTRAIT


def test_the_notice_has_charts_problems_and_unranked_units(notice: Document) -> None:
    assert len(notice.inline_shapes) == 5  # grade distribution and category losses side by side per table
    headings = [p.text for p in notice.paragraphs if re.match("[一二三四五]、", p.text)]
    assert headings == ["一、考核排名", "二、存在的主要问题", "三、未列入排名的单位", "四、有关要求"]
    problems = [p.text for p in notice.paragraphs if re.match(r"\d+\. ", p.text)]
    assert 1 <= len(problems) <= 10 and "个单位，共扣" in problems[0]
    assert any(p.text.startswith("broken.json：报送数据不符合填报要求") for p in notice.paragraphs)


def test_the_notice_shows_no_code(notice: Document) -> None:
    assert not [t for t in texts(notice) if CODE.search(t)]


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("letters") / "反馈"
    result = cli("letters", str(SAMPLES), "--engine", "native", "-o", str(folder), "--combined", "--phase", "final",
                 "--records", str(SAMPLES / "office-records-example.csv"), *HEADER)
    assert result.code == 0, result.err
    return folder


def test_in_the_provisional_phase_each_unit_gets_a_notice_of_what_to_supply(tmp_path: Path) -> None:
    folder = tmp_path / "补正"
    result = cli("letters", str(SAMPLES / "seed-08-township.json"), "--engine", "native", "-o", str(folder),
                 *HEADER)
    assert result.code == 0, result.err
    letter = Document(str(folder / "seed-08-某乡（第8篇）-补正通知.docx"))
    text = "\n".join(texts(letter))
    assessment = assess.score(assess.load_facts(SAMPLES / "seed-08-township.json"), engine="native")
    own = [p for p in assessment.pending if p.source == "unit"]
    assert own and all(p.item in text for p in own)  # every item the unit is to evidence
    assert not [p for p in assessment.pending if p.source == "office" and p.item in text]  # not the office's data
    assert not [t for t in texts(letter) if CODE.search(t)]


def test_one_letter_per_unit_and_a_combined_file(letters: Path) -> None:
    names = sorted(p.name for p in letters.iterdir())
    # 15 scored samples and the combined file
    assert len(names) == 16 and "反馈意见汇总.docx" in names
    assert "seed-01-固军乡-反馈意见.docx" in names
    combined = Document(str(letters / "反馈意见汇总.docx"))
    assert sum(p.text.endswith("年度应急管理工作考核反馈意见") for p in combined.paragraphs) == 15


def test_a_letter_gives_score_deductions_strengths_and_deadline(letters: Path) -> None:
    letter = Document(str(letters / "seed-01-固军乡-反馈意见.docx"))
    lines = [p.text for p in letter.paragraphs]
    assert "固军乡：" in lines
    records = assess.load_records([SAMPLES / "office-records-example.csv"])
    scored = assess.score(assess.load_facts(SAMPLES / "seed-01-township.json"), engine="native", phase="final",
                          records=records)
    assert any(t.startswith(f"经考核，你单位2026年度应急管理工作得分{fmt(scored.total)}分（满分100分），等级为不合格")
               for t in lines)
    assert [t for t in lines if re.match("[一二三四]、", t)] == ["一、各类别得分", "二、扣分情况", "三、做得好的方面",
                                                                "四、整改要求"]
    deductions = next(t for t in letter.tables if t.rows[0].cells[0].text == "类别" and len(t.columns) == 5)
    assert [c.text for c in deductions.rows[0].cells] == ["类别", "考核项目", "扣分", "扣分原因", "核查情况"]
    assert len(deductions.rows) > 10
    assert any("于2027年1月31日前" in t for t in lines)
    assert "已设立应急管理办公室（站）。" in lines  # a passed item among what was done well (township.yaml)
    assert len(letter.inline_shapes) == 1
    assert not [t for t in texts(letter) if CODE.search(t)]


def test_letters_refuse_a_file_as_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "x.docx"
    target.write_bytes(b"keep")
    result = cli("letters", str(SAMPLES / "seed-01-township.json"), "-o", str(target))
    assert result.code == 2 and "not a folder" in result.err and target.read_bytes() == b"keep"


@dataclass(frozen=True)
class Pending:
    """Shaped like the phases contract's pending record (only the fields a 补正通知 reads)."""

    item: str
    points: float
    needs: str
    method: str | None
    source: str


def test_a_supplement_notice_lists_what_the_unit_must_supply_per_item() -> None:
    pending = [Pending("应急预案修订", 2, "应急预案修订情况", "查阅资料", "unit"),
               Pending("应急预案修订", 1, "修订后预案的印发文件", "查阅资料", "unit"),
               Pending("应急值守", 3, "值班记录", "实地检查", "unit"),
               Pending("隐患整改", 4, "隐患整改台账", None, "office")]
    document = docxkit.new_document()
    unit = UnitRef(id="u1", name="固军乡", type="township", year=2026)
    write_supplement(document, unit, pending, NoticeHeader(deadline="2027年1月10日"))
    lines = [p.text for p in document.paragraphs]
    assert "2026年度应急管理工作考核补正通知" in lines
    assert any("有2项考核内容缺少佐证材料，涉及分值6分" in t and "于2027年1月10日前" in t for t in lines)
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows == [["考核项目", "需补充的材料", "涉及分值", "核查方式"],
                    ["应急预案修订", "应急预案修订情况；修订后预案的印发文件", "3", "查阅资料"],
                    ["应急值守", "值班记录", "3", "实地检查"]]  # office data is not the unit's to supply


def test_the_header_config_and_options(tmp_path: Path) -> None:
    config = tmp_path / "header.yaml"
    config.write_text("issuer: 某县应急管理局\nyear: 2026\nnumber: 某应急〔2026〕1号\n", encoding="utf-8")
    header = load_header(config, number="某应急〔2026〕9号", date=None)
    assert (header.issuer, header.year, header.number) == ("某县应急管理局", 2026, "某应急〔2026〕9号")


@pytest.mark.parametrize(("text", "message"), [("issuer: [a\n", "cannot read"), ("- a\n", "must be a mapping"),
                                               ("isuer: x\n", "unknown keys isuer"), ("year: soon\n", "whole number")])
def test_a_bad_header_config_is_named(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "header.yaml"
    config.write_text(text, encoding="utf-8")
    result = cli("rank", str(SAMPLES / "seed-01-township.json"), "-o", str(tmp_path / "r.docx"),
                 "--header-config", str(config))
    assert result.code == 2 and message in result.err and str(config) in result.err


@pytest.fixture(scope="module")
def page() -> str:
    return cli("rank", str(SAMPLES), "--engine", "native", "--format", "html").out


def test_the_html_page_fetches_nothing(page: str) -> None:
    # Only references inside the page (#id, used by the SVG) are allowed.
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)|url\((?!#)|@import|<script|<link""", page, re.IGNORECASE)


def test_the_html_page_has_charts_and_print_styles(page: str) -> None:
    assert page.count("<svg") == 5 * 2 + 13  # two per table, one per ranked unit
    assert "@media print" in page and "@page" in page and "<text" not in page  # chart text drawn as outlines


def test_the_html_escapes_unit_names(tmp_path: Path) -> None:
    data = json.loads((SAMPLES / "seed-01-township.json").read_text(encoding="utf-8"))
    data["unit"]["name"] = "--><script>alert(1)</script><!--"  # also in the chart SVG, as a comment
    path = tmp_path / "u.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = cli("rank", str(path), "--format", "html").out
    assert "<script>" not in out and "&lt;script&gt;" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_covers_writing_the_workbook(tmp_path: Path) -> None:
    from assess.cli import run

    terminal = _Terminal()
    assert run(["rank", str(SAMPLES), "--engine", "native", "-o", str(tmp_path / "r.xlsx")], io.BytesIO(),
               io.StringIO(), terminal) == 0
    # The 扣分明细 sheet is written while the units are scored, so one bar covers both.
    assert "评分、写入" in terminal.getvalue() and "15/15" in terminal.getvalue()
