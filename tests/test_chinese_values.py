"""Closed sets and yes/no read in a clerk's words (消防, 省级, 是/无) in JSON, records and workbooks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from assess.errors import FactsError, RecordsError
from assess.facts import FIELDS, HAZARD_LABELS, validate
from assess.facts.labels import CLOSED_SETS, code_for, labels_of
from assess.sources import load_records
from tests.strategies import units

UNIT = {"id": "U-1", "name": "甲乡", "type": "township"}


@pytest.mark.parametrize(("word", "code"), [
    ("消防", "fire"), ("防汛", "flood"), ("防汛抗旱", "flood"), ("危化品", "hazardous_chemicals"),
    ("危险化学品", "hazardous_chemicals"), ("地灾", "geologic"), ("地质灾害", "geologic"),
    ("森林防火", "forest_fire"), ("森林防灭火", "forest_fire"), ("交通", "traffic"), ("道路交通", "traffic"),
    ("地震", "earthquake"), ("消防演练", "fire"), (" 地震 ", "earthquake"), ("fire", "fire"),
])
def test_a_drill_kind_in_chinese_or_a_synonym_reads_as_its_code(word: str, code: str) -> None:
    facts = validate({"unit": UNIT, "drills": [{"kind": word}]})
    assert facts.drills is not None and facts.drills[0].kind == code


@pytest.mark.parametrize(("path", "word", "expected"), [
    ("work.plan", "是", True), ("work.plan", "否", False), ("organization.office", "有", True),
    ("organization.office", "无", False), ("supplies.ledger", "没有", False), ("unit.type", "乡镇", "township"),
    ("unit.type", "街道", "street"), ("unit.type", "县直部门", "department"), ("unit.period", "半年", "half-year"),
])
def test_yes_no_and_unit_codes_in_chinese(path: str, word: str, expected: Any) -> None:
    head, tail = path.split(".")
    data: dict[str, Any] = {"unit": dict(UNIT)}
    data.setdefault(head, {})[tail] = word
    facts = validate(data)
    assert getattr(getattr(facts, head), tail) == expected


@pytest.mark.parametrize("word", ["yes", "true", "√", "1"])
def test_json_keeps_its_own_true_and_false_and_refuses_english_words_for_them(word: str) -> None:
    with pytest.raises(FactsError, match="valid boolean"):
        validate({"unit": UNIT, "work": {"plan": word}})


def test_plan_kinds_honour_levels_and_roles_in_chinese() -> None:
    facts = validate({"unit": UNIT, "plans": {"named": [{"title": "防汛预案", "kind": "专项预案"}]},
                      "honors": [{"title": "先进单位", "level": "省级"}, {"title": "表扬", "level": "市"}],
                      "drills": [{"kind": "综合", "role": "配合"}]})
    assert facts.plans is not None and facts.plans.named is not None and facts.plans.named[0].kind == "special"
    assert [h.level for h in facts.honors or ()] == ["provincial", "municipal"]
    assert facts.drills is not None and facts.drills[0].role == "assistant"


def test_the_same_word_is_read_by_the_set_it_is_given_in() -> None:
    # 县 is a unit type (county government) and an honour's level (county level);
    # 部门 a unit type and a kind of plan: each set reads it its own way.
    assert code_for(FIELDS["unit.type"].enum, "县") == "county"
    assert code_for(FIELDS["honors"].item_fields["level"].enum, "县") == "county"
    assert code_for(FIELDS["plans.named"].item_fields["kind"].enum, "部门") == "department"
    assert labels_of(FIELDS["plans.named"].item_fields["kind"].enum)["department"] == "部门预案"
    assert labels_of(FIELDS["unit.type"].enum)["department"] == "县直部门"


def test_no_synonym_names_two_codes_or_shadows_another_codes_label() -> None:
    for labels, synonyms in CLOSED_SETS:
        assert set(synonyms.values()) <= set(labels)
        by_label = {label: code for code, label in labels.items()}
        assert len(by_label) == len(labels)
        for word, code in synonyms.items():
            assert by_label.get(word, code) == code, word


def test_an_unknown_kind_lists_the_chinese_choices_and_says_where_free_text_goes() -> None:
    with pytest.raises(FactsError) as caught:
        validate({"unit": UNIT, "drills": [{"kind": "地震应急疏散"}], "work": {"plan": "对的"}})
    messages = {issue.path: issue.message for issue in caught.value.issues}
    assert "防汛抗旱" in messages["drills[0].kind"] and "消防" in messages["drills[0].kind"]
    assert "goes in title" in messages["drills[0].kind"]
    assert "是" in messages["work.plan"] and "否" in messages["work.plan"]


def test_an_unknown_unit_type_lists_its_choices_without_a_title_hint() -> None:
    with pytest.raises(FactsError) as caught:
        validate({"unit": dict(UNIT, type="村")})
    (issue,) = caught.value.issues
    assert issue.path == "unit.type" and "乡镇" in issue.message and "title" not in issue.message


def _in_chinese(data: dict[str, Any]) -> dict[str, Any]:
    """The unit with every code written as its Chinese label and every flag as 是/否."""
    out = copy.deepcopy(data)

    def walk(obj: dict[str, Any], prefix: str) -> None:
        for key, value in obj.items():
            info = FIELDS.get(prefix + key)
            if info is None:
                continue
            if info.kind == "section" and isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            elif info.kind == "bool" and isinstance(value, bool):
                obj[key] = "是" if value else "否"
            elif info.kind == "enum" and isinstance(value, str):
                obj[key] = labels_of(info.enum)[value]
            elif info.kind == "list" and isinstance(value, list):
                for item in value:
                    for name, sub in info.item_fields.items():
                        if sub.kind == "enum" and isinstance(item.get(name), str):
                            item[name] = labels_of(sub.enum)[item[name]]
    walk(out, "")
    return out


@settings(max_examples=60, deadline=None)
@given(units())
def test_facts_written_in_chinese_read_as_the_same_facts(data: dict[str, Any]) -> None:
    assert validate(_in_chinese(data)) == validate(data)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_records_csv_take_chinese_yes_no_and_honour_levels(tmp_path: Path) -> None:
    text = ('单位编码,年度总结,荣誉\n'
            'U-1,有,"[{""title"": ""先进"", ""level"": ""省级"", ""number"": ""某〔2023〕1号""}]"\n'
            'U-2,无,\n')
    records = load_records([_write(tmp_path, "r.csv", text)])
    assert records.for_unit("U-1")["work.summary"][0] is True
    assert records.for_unit("U-1")["honors"][0] == [{"title": "先进", "level": "provincial", "number": "某〔2023〕1号"}]
    assert records.for_unit("U-2")["work.summary"][0] is False


def test_records_json_and_xlsx_take_chinese_words(tmp_path: Path) -> None:
    from openpyxl import Workbook

    rows = [{"unit.id": "U-1", "年度总结": "否", "honors": [{"title": "先进", "level": "国家级", "number": "x"}]}]
    records = load_records([_write(tmp_path, "r.json", json.dumps(rows, ensure_ascii=False))])
    assert records.for_unit("U-1")["honors"][0][0]["level"] == "national"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位编码", "年度总结", "荣誉"])
    sheet.append(["U-1", "是", json.dumps([{"title": "先进", "level": "县级", "number": "x"}], ensure_ascii=False)])
    book.save(tmp_path / "r.xlsx")
    records = load_records([tmp_path / "r.xlsx"])
    assert records.for_unit("U-1")["work.summary"][0] is True
    assert records.for_unit("U-1")["honors"][0][0]["level"] == "county"


def test_a_records_honour_at_an_unknown_level_names_the_cell_and_the_choices(tmp_path: Path) -> None:
    text = '单位编码,荣誉\nU-1,"[{""title"": ""先进"", ""level"": ""乡级"", ""number"": ""x""}]"\n'
    with pytest.raises(RecordsError) as caught:
        load_records([_write(tmp_path, "r.csv", text)])
    (issue,) = caught.value.issues
    assert issue.path == "row 2, column 荣誉" and "省级" in issue.message


def test_every_hazard_label_reads_back_as_its_code() -> None:
    kinds = FIELDS["drills"].item_fields["kind"].enum
    assert {code_for(kinds, label) for label in HAZARD_LABELS.values()} == set(HAZARD_LABELS)
