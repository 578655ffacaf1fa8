"""The three sources of evidence: the unit's extras, the office's records, the team's
review, and the merged view with its precedence review > office > unit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.errors import FactsError, RecordsError, ReviewError
from assess.facts import validate
from assess.sources import (
    OFFICE_FIELDS,
    OFFICE_LABELS,
    OfficeRecords,
    RecordRow,
    load_records,
    merge,
    parse_records,
    parse_review,
)

from .conftest import SAMPLES, cli

UNITS = {
    "U-1": {"unit": {"id": "U-1", "name": "甲乡", "type": "township", "year": 2023},
            "duty": {"absences": 3}, "reporting": {"late": 2}},
    "U-2": {"unit": {"id": "U-2", "name": "乙镇", "type": "township", "year": 2023}},
}
HEADER = "单位编码,单位名称,交办任务,完成任务,年度总结,tasks.assigned"


@pytest.fixture
def units(tmp_path: Path) -> list[str]:
    paths = []
    for unit_id, data in UNITS.items():
        path = tmp_path / f"{unit_id}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
    return paths


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


# ------------------------------------------------------------------ the unit's extras

def test_unit_may_give_self_scores_and_evidence_pointers() -> None:
    facts = validate({**UNITS["U-1"], "self_scores": {"TS-ORG-01": 3, "TS-PLN-02": 1.5},
                      "evidence": [{"path": "plans.filed", "document": "预案备案回执", "number": "某应急〔2023〕4号",
                                    "page": 3},
                                   {"rule": "TS-ORG-01", "note": "见领导小组成立文件"}],
                      "honors": [{"title": "先进单位", "level": "county", "number": "某政〔2023〕1号"}]})
    assert facts.self_scores == {"TS-ORG-01": 3, "TS-PLN-02": 1.5}
    assert facts.evidence is not None and facts.evidence[0].number == "某应急〔2023〕4号"
    assert facts.honors is not None and facts.honors[0].number == "某政〔2023〕1号"


@pytest.mark.parametrize(("pointer", "path", "words"), [
    ({"path": "plans.filed", "rule": "X-1", "document": "d"}, "evidence[0].path", "exactly one"),
    ({"document": "d"}, "evidence[0].path", "exactly one"),
    ({"path": "plans.fild", "document": "d"}, "evidence[0].path", "did you mean 'plans.filed'"),
    ({"rule": "X-1"}, "evidence[0].document", "name the evidence"),
    ({"rule": "X-1", "document": "d", "pages": 2}, "evidence[0].pages", "unknown field"),
])
def test_bad_evidence_pointer_is_an_error_at_its_path(pointer: dict[str, Any], path: str, words: str) -> None:
    with pytest.raises(FactsError) as caught:
        validate({**UNITS["U-1"], "evidence": [pointer]})
    assert any(i.path == path and words in i.message for i in caught.value.issues), caught.value.render()


# ------------------------------------------------------------------ office records

def test_office_labels_are_unique_and_name_office_fields() -> None:
    assert sorted(OFFICE_LABELS.values()) == sorted(OFFICE_FIELDS)


def test_csv_columns_by_path_or_label_typed_by_kind(tmp_path: Path) -> None:
    text = ("unit.id,交办任务,tasks.completed,年度总结,脱岗,荣誉\n"
            'U-1,5,4,是,,"[{""title"": ""先进"", ""level"": ""county"", ""number"": ""某〔2023〕1号""}]"\n'
            "U-2,3,3,否,0,\n")
    records = load_records([write(tmp_path, "r.csv", text)])
    assert {k: v for k, (v, _) in records.for_unit("U-1").items()} == {
        "tasks.assigned": 5, "tasks.completed": 4, "work.summary": True,
        "honors": [{"title": "先进", "level": "county", "number": "某〔2023〕1号"}]}
    # an empty cell is "not recorded", never 0
    assert records.for_unit("U-2")["duty.absences"][0] == 0
    assert "duty.absences" not in records.for_unit("U-1")
    assert records.for_unit("U-1")["tasks.assigned"][1].where().endswith("r.csv, row 2")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_csv_in_bom_utf8_or_gbk_reads_alike(tmp_path: Path, encoding: str) -> None:
    text = "单位编码,单位名称,交办任务,迟报\nU-1,甲乡,5,1\n"
    records = load_records([write(tmp_path, "r.csv", text, encoding)])
    assert {k: v for k, (v, _) in records.for_unit("U-1").items()} == {"tasks.assigned": 5, "reporting.late": 1}


def test_xlsx_every_sheet_is_a_table_and_errors_name_the_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "督办台账"
    first.append(["单位编码", "交办任务", "完成任务"])
    first.append(["U-1", 5, 5])
    second = book.create_sheet("信息报送")
    second.append(["unit.id", "迟报", "瞒报"])
    second.append(["U-1", 1, 0])
    good = tmp_path / "r.xlsx"
    book.save(good)
    records = load_records([good])
    assert {k: v for k, (v, _) in records.for_unit("U-1").items()} == {
        "tasks.assigned": 5, "tasks.completed": 5, "reporting.late": 1, "reporting.concealed": 0}
    second.append(["U-2", "often", 0])
    book.save(good)
    with pytest.raises(RecordsError) as caught:
        load_records([good])
    assert caught.value.source == str(good)
    assert [i.path for i in caught.value.issues] == ["sheet 信息报送, row 3, column 迟报"]


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_and_jsonl_rows(tmp_path: Path, suffix: str) -> None:
    rows = [{"unit.id": "U-1", "迟报": 2, "年度总结": "是"}, {"unit.id": "U-2", "work.summary": False}]
    text = json.dumps(rows, ensure_ascii=False) if suffix == ".json" else "\n".join(
        json.dumps(r, ensure_ascii=False) for r in rows)
    records = load_records([write(tmp_path, "r" + suffix, text)])
    assert records.for_unit("U-1")["reporting.late"][0] == 2
    assert records.for_unit("U-2")["work.summary"][0] is False


def test_a_fact_recorded_in_two_files_is_an_error(tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", "unit.id,迟报\nU-1,1\n")
    b = write(tmp_path, "b.csv", "unit.id,迟报,瞒报\nU-1,2,0\n")
    with pytest.raises(RecordsError, match="recorded twice"):
        load_records([a, b])
    c = write(tmp_path, "c.csv", "unit.id,瞒报\nU-1,0\n")
    assert set(load_records([a, c]).for_unit("U-1")) == {"reporting.late", "reporting.concealed"}


BAD_RECORDS = [
    # (what, csv text, row, column, words)
    ("unknown unit", "unit.id,迟报\nU-1,1\nU-9,1\n", 3, "unit.id", "unknown unit 'U-9'"),
    ("unknown column", "unit.id,迟抱\nU-1,1\n", 1, "迟抱", "did you mean '迟报'"),
    ("unit's own fact", "unit.id,plans.overall\nU-1,是\n", 1, "plans.overall", "do not carry"),
    ("bad count", "unit.id,迟报\nU-1,两次\n", 2, "迟报", "not a whole number"),
    ("negative count", "unit.id,脱岗\nU-1,-1\n", 2, "脱岗", "not a whole number"),
    ("bad flag", "unit.id,年度总结\nU-1,也许\n", 2, "年度总结", "是 or 否"),
    ("bad honours", 'unit.id,荣誉\nU-1,"[{""title"": ""x""}]"\n', 2, "荣誉", "level"),
    ("cross-field", "unit.id,交办任务,完成任务\nU-1,3,5\n", 2, "完成任务", "exceeds assigned"),
    ("duplicate row", "unit.id,迟报\nU-1,1\nU-1,2\n", 3, "unit.id", "already has a row (row 2)"),
    ("no unit id", "unit.id,迟报\n,1\n", 2, "unit.id", "no unit id"),
]


@pytest.mark.parametrize(("what", "text", "row", "column", "words"), BAD_RECORDS, ids=[b[0] for b in BAD_RECORDS])
def test_bad_records_exit_2_naming_file_row_and_column(tmp_path: Path, units: list[str], what: str, text: str,
                                                       row: int, column: str, words: str) -> None:
    records = write(tmp_path, "office.csv", text, "gbk")
    result = cli("rank", *units, "--records", records, "--engine", "native")
    assert result.code == 2, result.out
    assert f"{records}" in result.err and f"row {row}, column {column}: " in result.err, result.err
    assert words in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_records_without_an_id_column_or_in_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(RecordsError, match="no unit id column"):
        parse_records("迟报\n1\n".encode(), "r.csv")
    with pytest.raises(RecordsError, match="unknown records format"):
        parse_records(b"", "r.txt")
    with pytest.raises(RecordsError, match=r"not a readable \.xlsx"):
        parse_records(b"not a zip", "r.xlsx")


# ------------------------------------------------------------------ review

REVIEW = """\
decisions:
  - unit: U-1
    reviewer: 王某
    time: 2024-01-16T10:30:00+08:00
    decision: accepted
    path: plans.overall
  - unit: U-1
    reviewer: 李某
    time: 2024-01-17
    decision: finding
    path: duty.absences
    value: 1
    method: 实地检查
  - unit: U-1
    reviewer: 李某
    time: 2024-01-17 15:00
    decision: points
    rule: TS-RSK-05
    points: 2
    note: 先期处置基本到位
"""


def test_review_reads_the_three_kinds_of_decision() -> None:
    review = parse_review(REVIEW.encode(), "review.yaml")
    kinds = [type(e.decision).__name__ for e in review.entries]
    assert kinds == ["EvidenceDecision", "Finding", "RangePick"]
    assert [e.line for e in review.entries] == [2, 7, 14]
    # a time without a zone is Beijing time
    assert review.entries[2].decision.time.isoformat() == "2024-01-17T15:00:00+08:00"


def test_the_later_decision_on_the_same_thing_stands() -> None:
    text = REVIEW + """\
  - unit: U-1
    reviewer: 王某
    time: 2024-01-20T09:00:00+08:00
    decision: rejected
    path: plans.overall
    note: 预案未经印发
"""
    standing = parse_review(text.encode(), "review.yaml").for_unit("U-1")
    assert [e.decision.decision for e in standing] == ["finding", "points", "rejected"]


BAD_REVIEW = [
    # (what, decision lines, field, words)
    ("rejected without note", "decision: rejected\n    path: plans.filed", "note", "needs a note"),
    ("unknown decision", "decision: maybe\n    path: plans.filed", "decision", "must be one of"),
    ("unknown field", "decision: missing\n    path: plans.filed\n    when: x", "when", "unknown field"),
    ("unknown path", "decision: missing\n    path: plans.fild", "path", "did you mean 'plans.filed'"),
    ("path and rule", "decision: missing\n    path: plans.filed\n    rule: X-1", "path", "exactly one"),
    ("finding bad value", "decision: finding\n    path: duty.absences\n    value: 很多", "value", "whole number"),
    ("finding on identity", "decision: finding\n    path: unit.type\n    value: county", "path", "not the unit's"),
    ("points no note", "decision: points\n    rule: X-1\n    points: 1", "note", "required"),
    ("points too fine", "decision: points\n    rule: X-1\n    points: 1.234\n    note: n", "points", "two decimals"),
]


@pytest.mark.parametrize(("what", "lines", "field", "words"), BAD_REVIEW, ids=[b[0] for b in BAD_REVIEW])
def test_bad_review_entry_exits_2_naming_file_entry_line_and_field(tmp_path: Path, units: list[str], what: str,
                                                                   lines: str, field: str, words: str) -> None:
    text = REVIEW + f"  - unit: U-2\n    reviewer: 张某\n    time: 2024-01-18\n    {lines}\n"
    review = write(tmp_path, "review.yaml", text)
    result = cli("score", units[1], "--review", review, "--engine", "native")
    assert result.code == 2, result.out
    # the line of the field, or of the entry (line 21) when the field is missing
    field_lines = [n for n, line in enumerate(text.splitlines(), start=1)
                   if n > 20 and line.startswith(f"    {field}:")]
    line = field_lines[0] if field_lines else 21
    assert review in result.err and f"line {line}, decisions[3].{field}: " in result.err, result.err
    assert words in result.err


def test_review_errors_for_time_unknown_unit_and_ties(tmp_path: Path, units: list[str]) -> None:
    bad_time = REVIEW.replace("2024-01-17 15:00", "昨天")
    with pytest.raises(ReviewError) as caught:
        parse_review(bad_time.encode(), "r.yaml")
    assert caught.value.issues[0].path == "decisions[2].time" and caught.value.issues[0].line == 16
    tie = REVIEW + REVIEW.split("decisions:\n")[1].split("  - unit: U-1\n    reviewer: 李某")[0]
    with pytest.raises(ReviewError, match="contradict"):
        parse_review(tie.encode(), "r.yaml")
    stray = write(tmp_path, "review.yaml", REVIEW.replace("unit: U-1", "unit: U-7"))
    result = cli("rank", *units, "--review", stray, "--engine", "native")
    assert result.code == 2 and "decisions[0].unit: unknown unit 'U-7'" in result.err, result.err


def test_review_in_json_reads_like_yaml(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(REVIEW)
    for entry in data["decisions"]:
        entry["time"] = str(entry["time"])
    review = parse_review(json.dumps(data).encode(), "review.json")
    assert [e.decision.decision for e in review.entries] == ["accepted", "finding", "points"]


# ------------------------------------------------------------------ the merged view

def records_of(rows: dict[str, dict[str, Any]]) -> OfficeRecords:
    return OfficeRecords(tuple(RecordRow(unit_id, "office.csv", n, values)
                               for n, (unit_id, values) in enumerate(rows.items(), start=2)))


def test_merge_lists_sources_conflicts_and_evidence() -> None:
    unit = validate({**UNITS["U-1"], "adjustments": [{"rule": "TS-RSK-05", "points": 1, "note": "自报"}]})
    records = records_of({"U-1": {"duty.absences": 2, "reporting.late": 2, "tasks.assigned": 4}})
    merged = merge(unit, records, parse_review(REVIEW.encode(), "review.yaml"), "u1.json")
    assert merged.facts.duty is not None and merged.facts.duty.absences == 1
    assert merged.facts.tasks is not None and merged.facts.tasks.assigned == 4
    assert (merged.source_of("duty.absences"), merged.source_of("tasks.assigned"),
            merged.source_of("unit.name"), merged.source_of("reporting.late")) == ("review", "office", None, "office")
    conflicts = {(c.path, c.rule): (c.values, c.winner) for c in merged.conflicts}
    assert conflicts == {
        ("duty.absences", None): ((("unit", 3), ("office", 2), ("review", 1)), "review"),
        ("adjustments", "TS-RSK-05"): ((("unit", 1.0), ("review", 2.0)), "review"),
    }  # reporting.late: office and unit agree, so no conflict
    assert merged.facts.adjustments is not None and merged.facts.adjustments[0].points == 2
    decision = merged.evidence_for(path="plans.overall")
    assert decision is not None and decision.status == "accepted" and decision.reviewer == "王某"
    assert json.loads(json.dumps(merged.to_dict()))["sources"]["duty.absences"]["source"] == "review"


def test_merge_without_other_sources_keeps_the_unit_facts() -> None:
    unit = validate(UNITS["U-1"])
    assert merge(unit).facts is unit
    assert merge(unit, records_of({"U-2": {"duty.absences": 0}})).facts is unit


def test_merged_facts_that_break_the_model_are_a_facts_error() -> None:
    unit = validate({**UNITS["U-1"], "tasks": {"assigned": 2}})
    with pytest.raises(FactsError, match="merged") as caught:
        merge(unit, records_of({"U-1": {"tasks.completed": 3}}), source="u1.json")
    assert caught.value.issues[0].path == "tasks.completed"


PATHS = ["duty.absences", "reporting.missed", "work.materials_late", "incidents.major"]
counts = st.integers(0, 5)
partial = st.dictionaries(st.sampled_from(PATHS), counts)


@settings(max_examples=60, deadline=None)
@given(unit=partial, office=partial, team=partial, other=partial)
def test_precedence_holds_for_any_three_sources(unit: dict[str, int], office: dict[str, int],
                                                team: dict[str, int], other: dict[str, int]) -> None:
    data: dict[str, Any] = {"unit": {"id": "U-1", "name": "甲", "type": "county"}}
    for path, value in unit.items():
        head, tail = path.split(".")
        data.setdefault(head, {})[tail] = value
    decisions = "".join(f"  - {{unit: U-1, reviewer: r, time: 2024-01-01, decision: finding, path: {p}, value: {v}}}\n"
                        for p, v in team.items())
    review = parse_review(("decisions:\n" + decisions if decisions else "decisions: []\n").encode(), "r.yaml")
    records = records_of({"U-2": other, "U-1": office})
    merged = merge(validate(data), records, review)
    dumped = merged.facts.model_dump()
    for path in PATHS:
        head, tail = path.split(".")
        expected = team.get(path, office.get(path, unit.get(path)))
        assert (dumped.get(head) or {}).get(tail) == expected
        source = "review" if path in team else "office" if path in office else "unit" if path in unit else None
        assert merged.source_of(path) == source
    # deterministic, and the other unit's row never leaks in
    assert merge(validate(data), records, review) == merged
    alone = merge(validate(data), records_of({"U-1": office}), review)
    assert alone.facts == merged.facts


# ------------------------------------------------------------------ samples and the CLI

def test_samples_rank_with_the_example_records_and_review() -> None:
    records, review = str(SAMPLES / "office-records-example.csv"), str(SAMPLES / "review-example.yaml")
    result = cli("rank", str(SAMPLES), "--records", records, "--review", review, "--engine", "native",
                 "--format", "json")
    assert result.code == 0, result.err
    # 乡镇, 县直部门, 区县, 开发区 and 地级市: each unit type has its own bundled table
    assert len(json.loads(result.out)["tables"]) == 5
    one = cli("score", str(SAMPLES / "seed-04-department.json"), "--records", records, "--engine", "native")
    # 交办任务5项、完成4项 comes from the office's records, not from the unit's silence
    assert one.code == 0 and "交办任务5项，完成4项，未完成1项，扣1分" in one.out, one.err
    reviewed = cli("score", str(SAMPLES / "seed-04-department.json"), "--records", records, "--review", review,
                   "--engine", "native")
    # ... and the team's rejection of the unit's evidence for the item (review-example.yaml) stands over it
    assert "考核组未采信佐证材料：提供的任务完成说明无督办单位签收，不予认可" in reviewed.out, reviewed.err


@pytest.mark.parametrize("which", ["--records", "--review"])
def test_schema_prints_the_records_and_review_schemas(which: str) -> None:
    result = cli("schema", which)
    assert result.code == 0, result.err
    schema = json.loads(result.out)
    assert schema["$id"].startswith("https://assess.invalid/schema/" + which.strip("-"))


@pytest.mark.parametrize(("text", "words"), [
    ("a: &x 1\nb: *x\n", "anchors and aliases are not allowed"),
    ("decisions: [\n", "invalid YAML"),
    ("- 1\n", "expected a mapping"),
])
def test_review_that_is_not_a_safe_yaml_mapping_is_a_review_error(text: str, words: str) -> None:
    with pytest.raises(ReviewError) as caught:
        parse_review(text.encode(), "r.yaml")
    assert words in caught.value.render() and "ruleset" not in caught.value.render()
