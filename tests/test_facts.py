"""Reading and validating a unit's facts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assess import facts
from assess.engines.base import flatten
from assess.errors import FactsError

from .conftest import load_cases, patched

MINIMAL = {"unit": {"id": "u1", "name": "固军乡", "type": "township"}}
CASES = load_cases("facts_errors")["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_invalid_facts_name_every_path(case: dict[str, Any]) -> None:
    with pytest.raises(FactsError) as caught:
        facts.validate(patched(MINIMAL, case["facts"]), "unit.json")
    found = [(i.path, i.message) for i in caught.value.issues]
    for path, fragment in case["errors"]:
        assert any(p == path and fragment in m for p, m in found), found
    assert len(found) == len(case["errors"]), found
    assert caught.value.source == "unit.json"


def test_absent_is_not_false_or_zero() -> None:
    unit = facts.validate(patched(MINIMAL, {"organization": {"office": False, "staff": 0}}))
    env = flatten(unit)
    assert env["organization.office"] is False and env["organization.staff"] == 0
    assert "organization.posted" not in env and "plans" not in env


def test_null_means_not_submitted() -> None:
    env = flatten(facts.validate(patched(MINIMAL, {"organization": {"office": None}})))
    assert "organization.office" not in env and env["organization"] is True


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_supported_encodings_read_the_same(encoding: str) -> None:
    text = json.dumps(MINIMAL, ensure_ascii=False)
    assert facts.loads(text.encode(encoding), "x.json").unit.name == "固军乡"


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(FactsError, match="not UTF-8"):
        facts.loads(b'{"unit": "\xff\xfe\x80\x80\x80"}', "x.json")


@pytest.mark.parametrize("text, fragment", [
    ("", "empty file"),
    ("   \n", "empty file"),
    ("[1, 2]", "got a JSON array"),
    ('"text"', "got str"),
    ('{"unit": {"id": "u", "name": "x", "type": "township"},}', "line 1, column"),
    ('{\n  "unit": \n}', "line 3, column 1"),
    ('{"self_score": NaN, "unit": {}}', "NaN is not a number JSON allows"),
    ('{"self_score": Infinity}', "Infinity is not a number JSON allows"),
    ("[" * 100 + "]" * 100, "nested deeper than 64"),
    ("[" * 100000, "invalid JSON"),
])
def test_malformed_json_is_refused_with_a_message(text: str, fragment: str) -> None:
    with pytest.raises(FactsError) as caught:
        facts.loads(text, "x.json")
    assert fragment in caught.value.render()


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FactsError) as caught:
        facts.load(tmp_path / "none.json")
    assert caught.value.source.endswith("none.json") and "no such file" in caught.value.render()


def test_directory_is_not_a_facts_file(tmp_path: Path) -> None:
    with pytest.raises(FactsError, match="is a directory"):
        facts.load(tmp_path)


def test_schema_has_a_versioned_id_and_forbids_unknown_fields() -> None:
    schema = facts.facts_json_schema()
    assert schema["$id"].endswith("/facts/" + facts.FACTS_SCHEMA_VERSION)
    assert schema["additionalProperties"] is False
    assert "organization" in schema["properties"]


def test_every_field_has_a_chinese_label() -> None:
    for path, info in facts.FIELDS.items():
        assert info.label != path.rsplit(".", 1)[-1], path


def test_the_facts_document_shows_the_current_fields() -> None:
    from assess.reports.assessment import facts_reference

    from .conftest import ROOT
    assert facts_reference() in (ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
