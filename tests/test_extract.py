"""Drafting facts from narrative summaries (`assess.extract`, issue 6).

The behaviour cases are short sentences written for these tests
(`fixtures/cases/extract.yaml`); the seed summaries are only used to check that every
draft is valid facts with honest evidence, not for accuracy (that is
`benchmarks/bench_extract.py`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from wcwidth import wcswidth

from assess import facts
from assess.errors import FactsError
from assess.extract import (
    Draft,
    extract,
    read_docx,
    read_summary,
    read_text,
    review_sheet,
    rubric_paths,
    split_summaries,
)

from .conftest import ROOT, load_cases

CASES = load_cases("extract")["cases"]
FAMILY_CASES = load_cases("extract_families")["cases"]
SUBORDINATE_CASES = load_cases("extract_subordinates")["cases"]
# Whole summaries kept in the repository (written for the held-out measurements; the
# seed summaries themselves live outside it and are measured by the benchmark).
SUMMARIES = sorted((ROOT / "benchmarks").glob("extract_holdout*/*.txt"))


def value_at(data: dict[str, Any], path: str) -> Any:
    """The value at ``a.b[2].c``; ``a.b#`` is the length of a list; KeyError when absent."""
    count = path.endswith("#")
    node: Any = data
    for part in [p for p in re.split(r"\.|\[(\d+)\]", path.rstrip("#")) if p]:
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node[part]
    return len(node) if count else node


def is_absent(data: dict[str, Any], path: str) -> bool:
    try:
        value_at(data, path)
    except (KeyError, IndexError):
        return True
    return False


# --------------------------------------------------------------------------- behaviour table


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_extraction_case(case: dict[str, Any]) -> None:
    check_case(case)


@pytest.mark.parametrize("case", FAMILY_CASES, ids=lambda c: c["id"])
def test_each_phrasing_of_a_family_is_read(case: dict[str, Any]) -> None:
    """One of the common ways of writing a fact (fixtures/cases/extract_families.yaml), or a near
    miss the wider patterns must leave alone."""
    check_case(case)


@pytest.mark.parametrize("case", SUBORDINATE_CASES, ids=lambda c: c["id"])
def test_the_units_own_fact_is_told_from_a_subordinates(case: dict[str, Any]) -> None:
    """The unit's own drill, plan, filing or count against one of the bodies below it, or one that mixes
    kinds (fixtures/cases/extract_subordinates.yaml), each family from both sides."""
    check_case(case)


def check_case(case: dict[str, Any]) -> None:
    draft = extract(case["text"], unit_type=case.get("type"))
    facts.validate(draft.facts)
    for path, expected in (case.get("expect") or {}).items():
        try:
            got = value_at(draft.facts, path)
        except (KeyError, IndexError):
            pytest.fail(f"{path} not drafted; facts: {draft.facts}")
        assert got == expected, f"{path}: {got!r} != {expected!r}; facts: {draft.facts}"
    for path in case.get("absent") or []:
        assert is_absent(draft.facts, path), f"{path} should be left out; facts: {draft.facts}"
    for path in case.get("approximate") or []:
        assert draft.evidence[path].approximate, path
    for path in (case.get("expect") or {}):
        if not path.startswith("unit.") and not path.endswith("#") and "[" not in path:
            assert path in draft.evidence, f"no evidence for {path}"


def test_family_cases_have_unique_ids_and_assert_something() -> None:
    for cases in (FAMILY_CASES, SUBORDINATE_CASES):
        ids = [c["id"] for c in cases]
        assert len(ids) == len(set(ids))
        assert all(c.get("expect") or c.get("absent") for c in cases)


def test_cases_table_covers_every_listed_pattern() -> None:
    ids = {c["id"] for c in CASES}
    for needed in ("template-blanks-are-never-values", "wu-yi-li-is-zero-not-one", "repeated-plan-name-counts-once",
                   "liang-ge-yue-is-a-duration", "phone-number-is-not-a-count", "year-is-not-a-count",
                   "jin-qian-is-about-a-thousand", "five-twelve-is-a-date"):
        assert needed in ids


# --------------------------------------------------------------------------- evidence


def test_evidence_quotes_the_input_at_its_offsets_even_with_full_width_text() -> None:
    text = "今年，我镇发放宣传资料１０００余份，坚持２４小时值班。"
    draft = extract(text)
    assert draft.facts["publicity"]["materials"] == 1000
    ev = draft.evidence["publicity.materials"]
    assert text[ev.start:ev.end] == ev.quote and "１０００余份" in ev.quote
    assert ev.approximate and 0 < ev.confidence <= 1
    assert text[draft.evidence["duty.round_the_clock"].start:].startswith("２４小时值班")


def test_evidence_offsets_survive_a_line_broken_mid_word() -> None:
    text = "我局结合行业特点，及时制定了春运、高考运输、防汛、处置低温雨雪冰\n冻灾害等应急预案，确保交通运输安全畅通。"
    draft = extract(text)
    assert draft.facts["plans"]["special"] == 4
    last = draft.evidence["plans.named[3]"]
    assert last.quote == text[last.start:last.end] == "处置低温雨雪冰\n冻灾害"


def test_a_thousands_separator_is_kept_in_the_evidence_quote() -> None:
    text = "全年检查企业2,350家，发现隐患1,204处。"
    draft = extract(text)
    assert draft.facts["hazards"]["sites_checked"] == 2350
    ev = draft.evidence["hazards.found"]
    assert ev.quote == text[ev.start:ev.end] and ev.quote.endswith("1,204处")


@pytest.mark.parametrize("text", ["全年编发应急简报12期。", "编印《应急工作动态》12期。"],
                         ids=["plain", "in-brackets"])
def test_a_filler_before_a_number_does_not_take_its_first_digit(text: str) -> None:
    assert extract(text).facts["reporting"]["briefings"] == 12


def test_exact_numbers_are_not_approximate() -> None:
    draft = extract("全年发放宣传资料1200份。")
    assert not draft.evidence["publicity.materials"].approximate


def test_drill_evidence_is_keyed_by_entry_and_total() -> None:
    draft = extract("全年共举行应急演练3次。其中，5月在中心小学开展地震应急演练，参演师生200人。")
    assert len(draft.facts["drills"]) == 3
    assert {"drills", "drills[0]", "drills[0].participants"} <= set(draft.evidence)
    assert draft.facts["drills"][0] == {"kind": "earthquake", "participants": 200, "title": "地震应急演练"}


# --------------------------------------------------------------------------- the unit


def test_unit_id_is_a_stable_hash_unless_given() -> None:
    text = "我镇坚持24小时值班。"
    assert extract(text).facts["unit"]["id"] == extract(text).facts["unit"]["id"]
    assert extract(text).facts["unit"]["id"] != extract(text + "\n").facts["unit"]["id"]
    assert extract(text, unit_id="u-7").facts["unit"]["id"] == "u-7"


def test_name_and_type_arguments_override_the_text() -> None:
    draft = extract("我镇坚持24小时值班。", unit_type="county", name="某县应急管理局")
    assert draft.facts["unit"]["name"] == "某县应急管理局" and draft.facts["unit"]["type"] == "county"
    assert "unit.type" not in draft.evidence


def test_unknown_unit_type_argument_is_refused() -> None:
    with pytest.raises(FactsError, match="unknown unit type"):
        extract("我镇坚持24小时值班。", unit_type="village")


def test_a_unit_without_a_name_gets_a_placeholder() -> None:
    assert extract("我镇坚持24小时值班。").facts["unit"]["name"] == "某镇"


# --------------------------------------------------------------------------- unsupported


def test_unsupported_lists_rubric_paths_no_sentence_supports() -> None:
    draft = extract("我镇坚持24小时值班。")
    paths = rubric_paths("township")
    assert "duty.round_the_clock" in paths and "duty.round_the_clock" not in draft.unsupported
    assert "organization.leadership_group" in draft.unsupported
    assert "drills" in draft.unsupported
    assert set(draft.unsupported) <= set(paths)


def test_unsupported_follows_the_units_rubric() -> None:
    department = extract("我局坚持24小时值班。").unsupported
    assert "teams.professional" in department and "shelters" not in department


# --------------------------------------------------------------------------- review sheet


def test_review_sheet_lists_values_sentences_and_gaps() -> None:
    text = "今年，我镇成立了以镇长为组长的应急管理领导小组。全年发放宣传资料3000余份。"
    draft = extract(text)
    sheet = review_sheet(draft, text)
    assert sheet.startswith("审核表：某镇（乡镇）")
    assert "organization.leadership_group" in sheet and "领导小组" in sheet
    assert "约3000" in sheet and "【发放宣传资料3000余份】" in sheet
    assert "原文未找到依据的考核事项" in sheet and "organization.office" in sheet


def table_blocks(sheet: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    lines = sheet.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("---") and i > 0:
            block = [lines[i - 1], line]
            for row in lines[i + 1:]:
                if not row.strip():
                    break
                block.append(row)
            blocks.append(block)
    return blocks


@pytest.mark.parametrize("path", SUMMARIES[::5], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_review_sheet_columns_line_up_in_a_terminal(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    blocks = table_blocks(review_sheet(extract(text), text))
    assert len(blocks) == 2
    for block in blocks:
        rule = block[1]
        starts = [m.start() for m in re.finditer(r"-+", rule)]
        for line in block:
            for start in starts[1:]:
                # the display width of everything before a column is the rule's offset
                prefix_width = 0
                for index, ch in enumerate(line):
                    if prefix_width >= start:
                        assert prefix_width == start and line[index - 1] == " ", line
                        break
                    prefix_width += max(wcswidth(ch), 0)


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_in_every_supported_encoding_reads_the_same(encoding: str) -> None:
    text = "第1篇 某镇应急管理工作总结\r\n我镇坚持24小时值班。"
    assert read_text(text.encode(encoding), "a.txt") == text.replace("\r\n", "\n")


def test_undecodable_text_names_the_source() -> None:
    with pytest.raises(FactsError) as caught:
        read_text(b"\xff\xfe\xfd\x80\x81" * 3, "bad.txt")
    assert caught.value.source == "bad.txt"


def test_a_zip_is_not_read_as_text() -> None:
    with pytest.raises(FactsError, match="zip"):
        read_text(b"PK\x03\x04rest", "a.txt")


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("某镇应急管理工作总结")
    document.add_paragraph("我镇坚持24小时值班，全年发放宣传资料800份。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "物资"
    table.cell(0, 1).text = "数量"
    table.cell(1, 0).text = "救生衣"
    table.cell(1, 1).text = "50件"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_tables_are_read_in_order() -> None:
    text = read_docx(make_docx(), "s.docx")
    assert text.splitlines() == ["某镇应急管理工作总结", "我镇坚持24小时值班，全年发放宣传资料800份。", "物资  数量",
                                 "救生衣  50件"]
    assert extract(text).facts["publicity"]["materials"] == 800


def test_read_summary_picks_docx_by_content_or_name() -> None:
    assert "24小时值班" in read_summary(make_docx(), "upload.bin")
    assert read_summary("我镇".encode(), "a.txt") == "我镇"


def test_a_broken_docx_names_the_source() -> None:
    with pytest.raises(FactsError) as caught:
        read_docx(b"PK\x03\x04 not really a zip", "broken.docx")
    assert caught.value.source == "broken.docx" and "docx" in caught.value.message


# --------------------------------------------------------------------------- splitting


def test_split_at_part_headings() -> None:
    text = "第1篇 甲镇总结 100字\n我镇成立了领导小组。\n第2篇 乙局总结\n我局坚持值班。\n"
    assert split_summaries(text) == [("第1篇 甲镇总结 100字", "我镇成立了领导小组。"),
                                     ("第2篇 乙局总结", "我局坚持值班。")]


def test_text_without_headings_is_one_part() -> None:
    assert split_summaries("我镇成立了领导小组。") == [("", "我镇成立了领导小组。")]


def test_text_before_the_first_heading_is_kept() -> None:
    parts = split_summaries("汇编说明\n第一篇 甲镇总结\n正文")
    assert parts == [("", "汇编说明"), ("第一篇 甲镇总结", "正文")]


# --------------------------------------------------------------------------- the seeds


def test_there_are_whole_summaries_to_test_on() -> None:
    assert len(SUMMARIES) >= 20


@pytest.mark.parametrize("path", SUMMARIES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_summary_drafts_valid_facts_with_honest_evidence(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    draft = extract(text)
    assert isinstance(draft, Draft)
    facts.validate(draft.facts, str(path))
    facts.validate(draft.to_facts(path.name))
    for where, ev in draft.evidence.items():
        assert ev.quote and text[ev.start:ev.end] == ev.quote, where
    assert extract(text) == draft  # deterministic
