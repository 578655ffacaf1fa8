"""Issue 13: samples that cite their sentences, flags as data, and a reader that refuses what it cannot read."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assess import facts
from assess.errors import FactsError
from assess.extract import extract, read_summary, shared_passages, split_summaries, text_flags
from assess.reports.assessment import text_report
from assess.ruleset import load_ruleset, ruleset_name_for
from assess.scoring.ledger import score

from .conftest import SAMPLES, cli

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_67ae6ff1425d4ff0.txt"
SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))


def seed_parts() -> dict[int, str]:
    text = SEEDS.read_text(encoding="utf-8")
    parts: dict[int, str] = {}
    for heading, body in split_summaries(text):
        match = re.match(r"第(\d+)篇", heading)
        if match:
            parts[int(match.group(1))] = f"{heading}\n{body}"
    return parts


def cited_paths(data: dict[str, Any], prefix: str = "") -> list[str]:
    """Every value a sample states, as the evidence keys that must cite it."""
    out: list[str] = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        if path in ("source", "extraction", "unit.id", "unit.name", "unit.type"):
            continue
        if isinstance(value, dict):
            out.extend(cited_paths(value, f"{path}."))
        elif isinstance(value, list):
            out.extend(f"{path}[{i}]" for i in range(len(value)))
        else:
            out.append(path)
    return out


@pytest.mark.skipif(not SEEDS.exists(), reason="the shared seed texts are not on this machine")
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_every_sample_value_cites_a_sentence_of_its_seed(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    text = seed_parts()[data["source"]["part"]]
    evidence = data["extraction"]["evidence"]
    for cited in cited_paths(data):
        assert cited in evidence, f"{path.name}: {cited} cites no sentence"
    for key, ev in evidence.items():
        assert text[ev["start"]:ev["end"]] == ev["quote"], f"{path.name}: {key} quotes text not at its offsets"
    for flag in data["extraction"].get("flags", []):
        assert flag.get("quote") is None or flag["quote"] in text


def test_seed_05_is_a_city_and_is_scored_on_the_city_table() -> None:
    unit = facts.load(SAMPLES / "seed-05-city.json")
    assert unit.unit.type == "city"
    assert ruleset_name_for("city") == "city"


def test_no_sample_counts_a_drill_stated_under_recent_years() -> None:
    seed_13 = facts.load(SAMPLES / "seed-13-township.json")
    seed_05 = facts.load(SAMPLES / "seed-05-city.json")
    seed_11 = facts.load(SAMPLES / "seed-11-county.json")
    assert seed_13.drills is None  # 近年来…共组织演练防火演练2次…
    assert seed_05.drills is None  # 共250余次应急演练: the whole city's
    assert seed_11.plans is not None and seed_11.plans.special is None and seed_11.plans.revised == 6


FLAG_CASES = [
    ("____年青石镇应急管理工作总结\n全年组织演练2次。", "township", None, "template_blank"),
    ("东湖街道2025年上半年应急管理工作总结\n上半年组织演练1次。", "street", "half-year", "half_year"),
    ("某镇工作总结\n我市全年组织演练。全市开展检查。我市召开会议。全市培训。", "township", None, "type_mismatch"),
    ("某局2025年工作总结\n全年培训2次。（本文来源：公文范文网 www.example.com）", "department", None, "content_site"),
    ("某区2025年工作总结\n今年共上报__起较大突发事件。", "county", None, "veto_blank"),
]


@pytest.mark.parametrize(("text", "unit_type", "period", "code"), FLAG_CASES, ids=[c[3] for c in FLAG_CASES])
def test_a_summary_raises_its_flag_with_the_sentence_quoted(text: str, unit_type: str, period: str | None,
                                                          code: str) -> None:
    found = {f["code"]: f for f in text_flags(text, unit_type, period)}
    assert code in found
    assert found[code]["quote"] in text and found[code]["message"]


def test_a_clean_annual_summary_raises_no_flag() -> None:
    text = "青石镇2025年应急管理工作总结\n全镇全年组织演练2次。我镇召开专题会议3次。"
    assert text_flags(text, "township", "annual") == []


def test_shared_passages_quote_what_two_texts_share_and_spare_the_third() -> None:
    common = ("我镇成立了以镇长任组长的应急管理领导小组，应急办公室设在党政办，由党政办主任兼任应急办主任，"
              "负责日常工作，建立了值班台账和物资台账。")
    texts = [("甲镇", "甲镇总结。" + common + "甲镇全年演练2次。"),
             ("乙镇", "乙镇总结，内容不同。" + common),
             ("丙镇", "丙镇全年组织演练三次，培训两次，宣传活动一次，未发生较大及以上突发事件。")]
    flags = shared_passages(texts)
    assert [len(f) for f in flags] == [1, 1, 0]
    assert "乙镇" in flags[0][0]["message"] and common[:30] in flags[0][0]["quote"]


def test_extract_split_flags_the_summaries_that_copy_each_other(tmp_path: Path) -> None:
    common = ("我镇成立了以镇长任组长的应急管理领导小组，应急办公室设在党政办，由党政办主任兼任应急办主任，"
              "负责日常工作，建立了值班台账和物资台账。")
    path = tmp_path / "batch.txt"
    path.write_text(f"第1篇\n青石镇2025年应急管理工作总结\n{common}\n第2篇\n柳河镇2025年应急管理工作总结\n{common}\n",
                    encoding="utf-8")
    result = cli("extract", str(path), "--split")
    assert result.code == 0, result.err
    drafts = [json.loads(line) for line in result.out.splitlines()]
    codes = [[f["code"] for f in d["extraction"].get("flags", [])] for d in drafts]
    assert codes == [["shared_passage"], ["shared_passage"]]
    assert [d["unit"]["name"] for d in drafts] == ["青石镇", "柳河镇"]


@pytest.mark.parametrize(("name", "data", "words"), [
    ("总结.pdf", b"%PDF-1.7\n...", "PDF"),
    ("总结.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, ".doc"),
    ("summary.bin", b"%PDF-1.4 renamed", "PDF"),
])
def test_a_pdf_or_doc_is_refused_with_how_to_convert(name: str, data: bytes, words: str) -> None:
    with pytest.raises(FactsError, match=words) as caught:
        read_summary(data, name)
    assert ".docx" in caught.value.message and ".txt" in caught.value.message


def test_extract_of_a_pdf_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "总结.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    result = cli("extract", str(path))
    assert result.code == 2 and "PDF" in result.err and result.out == ""


@pytest.mark.parametrize("lead", ["", "\n\n", "附件2\n\n", "第3篇\n", "附件：\n第3篇\n\n"])
def test_unit_name_type_and_year_are_found_past_blank_and_attachment_lines(lead: str) -> None:
    draft = extract(lead + "高新区管委会2025年度应急管理工作总结\n今年组织演练2次。")
    assert draft.facts["unit"]["type"] == "devzone"
    assert draft.facts["unit"]["year"] == 2025


def test_a_title_split_over_two_lines_is_one_title() -> None:
    draft = extract("附件2\n\n青石镇\n2025年度应急管理工作总结\n全镇全年组织演练2次。")
    assert draft.facts["unit"]["name"] == "青石镇"
    assert draft.facts["unit"]["year"] == 2025


@pytest.mark.parametrize(("text", "titles"), [
    ("第1篇\n青石镇2025年应急管理工作总结\n正文一。\n第2篇\n柳河镇2025年应急管理工作总结\n正文二。",
     ["青石镇", "柳河镇"]),
    ("甲镇2025年应急管理工作总结\n正文一。\n\n附件2\n乙镇2025年应急管理工作总结\n正文二。\n五、下一步工作总结\n",
     ["甲镇", "乙镇"]),
    ("甲镇2025年应急管理工作总结\n正文一。\n五、下一步工作总结\n正文。", ["甲镇"]),
])
def test_split_at_headings_on_their_own_line_or_at_title_lines(text: str, titles: list[str]) -> None:
    parts = split_summaries(text)
    assert [next(t for t in titles if t in f"{h}\n{b}") for h, b in parts] == titles
    assert all(sum(t in f"{h}\n{b}" for t in titles) == 1 for h, b in parts)


def test_flags_are_carried_onto_the_assessment_and_shown_in_its_report() -> None:
    unit = facts.load(SAMPLES / "seed-07-county.json")
    with load_ruleset("county") as rs:
        result = score(rs, unit, "native")
    assert [f.code for f in result.flags] == ["template_blank", "veto_blank"]
    report = text_report(result)
    assert "审核标记" in report and "否决事项空白" in report and "上报__起较大突发事件" in report


def test_flags_do_not_change_the_score() -> None:
    data = json.loads((SAMPLES / "seed-07-county.json").read_text(encoding="utf-8"))
    without = json.loads(json.dumps(data))
    without["extraction"].pop("flags")
    with load_ruleset("county") as rs:
        flagged = score(rs, facts.validate(data), "native")
        plain = score(rs, facts.validate(without), "native")
    assert flagged.total == plain.total and flagged.deductions == plain.deductions


def test_the_review_sheet_lists_the_flags_and_an_assisted_drill(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("____年青石镇应急管理工作总结\n9月，配合县应急管理局开展地震应急疏散演练。\n", encoding="utf-8")
    result = cli("extract", str(path), "--report")
    assert result.code == 0, result.err
    assert "审核标记（1项" in result.out and "模板空白" in result.out
    assert "配合县应急管理局" in result.out
