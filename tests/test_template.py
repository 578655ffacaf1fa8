"""`assess template`: the intake forms, filled by their hidden paths and read back."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

from assess import intake_template, load_records, records_template, score
from assess.errors import FactsError
from assess.facts import FIELDS, loads, validate
from assess.facts.labels import labels_of
from assess.facts.workbook import INSTRUCTIONS, VERSION_CELL
from assess.ruleset import load_ruleset
from tests.conftest import cli
from tests.strategies import units

UNIT = {"id": "U-1", "name": "甲乡", "type": "township", "year": 2026}


def _cell_text(info: Any, value: Any) -> Any:
    """A value as a clerk enters it: 是/否 and Chinese labels, numbers as numbers."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if info.kind == "enum":
        return labels_of(info.enum)[value]
    return value


def _get(data: dict[str, Any], path: str) -> Any:
    head, _, tail = path.partition(".")
    inner = data.get(head)
    if not tail:
        return inner
    return inner.get(tail) if isinstance(inner, dict) else None


def fill(form: bytes, data: dict[str, Any]) -> bytes:
    """The form with ``data`` entered by the hidden fact paths, never by row order."""
    book = load_workbook(io.BytesIO(form))
    for sheet in book.worksheets[1:]:  # after the instructions
        marker = sheet.cell(2, 1).value
        if isinstance(marker, str) and marker.startswith("@"):
            path = marker[1:]
            info = FIELDS[path]
            columns = {sheet.cell(2, c).value: c for c in range(2, sheet.max_column + 1)}
            for row, item in enumerate(_get(data, path) or [], start=3):
                sheet.cell(row, 1, row - 2)
                for name, value in item.items():
                    sheet.cell(row, columns[name], _cell_text(info.item_fields[name], value))
            continue
        for row in range(2, sheet.max_row + 1):
            path = sheet.cell(row, 5).value
            if isinstance(path, str):
                value = _get(data, path)
                if FIELDS[path].kind == "list":
                    value = "无" if value == [] else None  # items go on the list's own sheet
                sheet.cell(row, 3, None if value is None else _cell_text(FIELDS[path], value))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FULL_FORM = intake_template()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units(["township", "street", "department", "county", "devzone"]))  # a city needs its own ruleset
def test_a_filled_form_reads_and_scores_as_the_same_json(data: dict[str, Any]) -> None:
    data.pop("adjustments", None)  # the assessors' adjustments are not on the unit's form
    # a section with nothing filled in reads as not submitted, as an empty one scores
    data = {k: v for k, v in data.items() if v != {}}
    facts = loads(fill(FULL_FORM, data), "报送表.xlsx")
    assert facts == validate(data)
    by_form = score(facts, engine="native").model_dump(exclude={"source"})
    assert by_form == score(validate(data), engine="native").model_dump(exclude={"source"})


def _row_of(book: Any, sheet: str, path: str) -> int:
    return next(r for r in range(1, book[sheet].max_row + 1) if book[sheet].cell(r, 5).value == path)


def test_a_bad_cell_is_named_by_file_sheet_and_cell() -> None:
    book = load_workbook(io.BytesIO(fill(FULL_FORM, {"unit": UNIT})))
    row = _row_of(book, "预案", "plans.special")
    book["预案"].cell(row, 3, "三个")
    book["演练"].cell(3, 2, "地震应急疏散")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FactsError) as caught:
        loads(out.getvalue(), "报送表.xlsx")
    assert caught.value.source == "报送表.xlsx"
    assert {i.path for i in caught.value.issues} == {f"预案!C{row}", "演练!B3"}
    assert "'三个' is not a whole number" in caught.value.render()


def test_a_cross_field_problem_is_named_at_the_cell_it_was_read_from() -> None:
    book = load_workbook(io.BytesIO(fill(FULL_FORM, {"unit": UNIT, "tasks": {"assigned": 2, "completed": 3}})))
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FactsError) as caught:
        loads(out.getvalue(), "f.xlsx")
    (issue,) = caught.value.issues
    assert issue.path == f"交办任务!C{_row_of(book, '交办任务', 'tasks.completed')}"


@pytest.mark.parametrize(("mark", "version", "words"), [
    ("assess-template", "0", "template version 0"),
    ("assess-template", None, r"template version \(none\)"),
    ("something else", "1", "not a form made by assess template"),
])
def test_a_form_of_another_version_or_not_a_form_is_refused_with_the_reason(
        mark: str, version: str | None, words: str) -> None:
    book = load_workbook(io.BytesIO(fill(FULL_FORM, {"unit": UNIT})))
    book[INSTRUCTIONS]["E1"] = mark
    book[INSTRUCTIONS][VERSION_CELL] = version
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FactsError, match=words):
        loads(out.getvalue(), "old.xlsx")


def test_a_ruleset_form_asks_only_what_it_reads_in_category_order() -> None:
    ruleset = load_ruleset("township")
    book = load_workbook(io.BytesIO(intake_template("township")))
    asked: set[str] = set()
    for sheet in book.worksheets[1:]:
        marker = sheet.cell(2, 1).value
        if isinstance(marker, str) and marker.startswith("@"):
            asked.add(marker[1:])
        else:
            asked |= {v for r in range(2, sheet.max_row + 1) if isinstance(v := sheet.cell(r, 5).value, str)}
    reads = {p for rule in ruleset.program.rules for p in rule.reads}
    unit_fields = {p for p in FIELDS if p.startswith("unit.")}  # the 单位信息 sheet is always asked
    assert asked - unit_fields == reads - unit_fields
    typed = load_workbook(io.BytesIO(intake_template(unit_type="township")))
    assert typed.sheetnames == book.sheetnames  # the type picks its bundled ruleset
    assert typed["单位信息"].cell(_row_of(typed, "单位信息", "unit.type"), 3).value == "乡镇"
    # township.yaml's first category (责任落实与工作部署) reads work, responsibility, organization
    # and tasks, in its rules' order; its second, organization again
    assert book.sheetnames[:6] == [INSTRUCTIONS, "单位信息", "工作部署", "安全生产责任", "组织机构", "交办任务"]
    assert "应急物资" in book.sheetnames and "宣教培训" in book.sheetnames
    assert "物资清单" not in book.sheetnames  # the township rubric reads no supplies list


def test_the_form_offers_drop_downs_in_chinese_and_whole_number_checks() -> None:
    book = load_workbook(io.BytesIO(FULL_FORM))
    rules = {(r.type, r.formula1) for s in book.worksheets for r in s.data_validations.dataValidation}
    assert ("list", '"是,否"') in rules
    assert ("whole", "0") in rules
    assert any(t == "list" and "防汛抗旱" in (f or "") and "消防" in (f or "") for t, f in rules)
    assert book["单位信息"].column_dimensions["E"].hidden
    assert book["演练"].row_dimensions[2].hidden


def test_cli_template_then_score_and_rank_a_folder_of_returned_forms(tmp_path: Path) -> None:
    form = tmp_path / "报送表.xlsx"
    result = cli("template", "--type", "township", "-o", str(form))
    assert result.code == 0, result.err
    book = load_workbook(form)
    sheet = book["单位信息"]
    sheet.cell(_row_of(book, "单位信息", "unit.id"), 3, "U-1")
    sheet.cell(_row_of(book, "单位信息", "unit.name"), 3, "甲乡")
    book["工作部署"].cell(_row_of(book, "工作部署", "work.plan"), 3, "是")
    folder = tmp_path / "returned"
    folder.mkdir()
    book.save(folder / "甲乡.xlsx")
    scored = cli("score", "--engine", "native", "--format", "json", str(folder / "甲乡.xlsx"))
    assert scored.code == 0, scored.err
    assert '"id": "U-1"' in scored.out
    ranked = cli("rank", "--engine", "native", str(folder))
    assert ranked.code == 0, ranked.err
    assert "甲乡" in ranked.out
    bad = folder / "乙乡.xlsx"
    sheet.cell(_row_of(book, "单位信息", "unit.year"), 3, "去年")
    book.save(bad)
    refused = cli("score", str(bad))
    assert refused.code == 2 and "单位信息!C" in refused.err and "乙乡.xlsx" in refused.err


def test_the_records_form_reads_back_as_office_records(tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(records_template()))
    sheet = book.active
    assert sheet is not None
    headings = [c.value for c in sheet[1]]
    row = {"单位编码": "U-1", "单位名称": "甲乡", "交办任务": 4, "完成任务": 3, "年度总结": "是"}
    sheet.append([row.get(h) for h in headings])
    book.save(tmp_path / "考核办记录.xlsx")
    records = load_records([tmp_path / "考核办记录.xlsx"])
    assert {k: v for k, (v, _) in records.for_unit("U-1").items()} == {
        "tasks.assigned": 4, "tasks.completed": 3, "work.summary": True}


def test_template_refuses_records_with_a_ruleset(tmp_path: Path) -> None:
    result = cli("template", "--records", "--type", "county", "-o", str(tmp_path / "x.xlsx"))
    assert result.code == 2 and not (tmp_path / "x.xlsx").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc) is not installed")
def test_libreoffice_opens_the_form_keeps_its_checks_and_the_result_still_reads(tmp_path: Path) -> None:
    source = tmp_path / "报送表.xlsx"
    source.write_bytes(fill(intake_template("township"), {"unit": UNIT, "work": {"plan": True, "meetings": 3}}))
    for target in ("xlsx", "pdf"):
        out = tmp_path / target
        done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                               "--convert-to", target, "--outdir", str(out), str(source)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert (out / f"报送表.{target}").stat().st_size > 0
    before, after = load_workbook(source), load_workbook(tmp_path / "xlsx" / "报送表.xlsx")
    assert after.sheetnames == before.sheetnames
    for sheet in before.worksheets:
        kept = {(r.type, r.formula1, str(r.sqref)) for r in after[sheet.title].data_validations.dataValidation}
        assert kept == {(r.type, r.formula1, str(r.sqref)) for r in sheet.data_validations.dataValidation}
    assert after["单位信息"].column_dimensions["E"].hidden
    resaved = loads((tmp_path / "xlsx" / "报送表.xlsx").read_bytes(), "报送表.xlsx")
    assert resaved == loads(source.read_bytes(), "报送表.xlsx")


def test_the_api_reads_a_filled_form_by_path_or_bytes(tmp_path: Path) -> None:
    from assess import load_facts, parse_facts

    data = {"unit": UNIT, "work": {"plan": True}, "drills": [{"kind": "fire", "participants": 30}]}
    path = tmp_path / "报送表.xlsx"
    path.write_bytes(fill(FULL_FORM, data))
    assert load_facts(path) == parse_facts(path.read_bytes()) == validate(data)
