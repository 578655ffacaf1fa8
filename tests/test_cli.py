"""The command line: formats, standard input, exit codes, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assess.engines import durable
from assess.scoring.assessment import Assessment

from .conftest import ROOT, cli, fixture_ruleset

FORMS = str(fixture_ruleset("forms"))
UNIT = {"unit": {"id": "T-1", "name": "测试乡", "type": "township", "year": 2026},
        "organization": {"leadership_group": False, "staff": 1}}


@pytest.fixture
def unit_file(tmp_path: Path) -> Path:
    path = tmp_path / "unit.json"
    path.write_text(json.dumps(UNIT, ensure_ascii=False), encoding="utf-8")
    return path


def test_score_text_report_in_chinese(unit_file: Path) -> None:
    result = cli("score", str(unit_file), "--ruleset", FORMS)
    assert result.code == 0, result.err
    assert "单位：测试乡（T-1，乡镇，2026年度）" in result.out
    assert "[F-FIXED] 体制建设·体制·成立应急管理领导小组  -5" in result.out
    assert "专职人员1名，少2名，扣4分" in result.out
    assert "核查情况：专职人员：1" in result.out and "organization.staff" not in result.out
    assert result.err == ""


def test_score_json_is_the_documented_assessment(unit_file: Path) -> None:
    result = cli("score", str(unit_file), "--ruleset", FORMS, "--format", "json", "--engine", "native")
    assessment = Assessment.model_validate_json(result.out)
    assert assessment.engine == "native"
    assert assessment.ruleset.id == "forms"
    assert {d.rule for d in assessment.deductions} >= {"F-FIXED", "F-PER"}


def test_engines_print_the_same_report(unit_file: Path) -> None:
    durable_out = cli("score", str(unit_file), "--ruleset", FORMS, "--format", "json").out
    native_out = cli("score", str(unit_file), "--ruleset", FORMS, "--format", "json", "--engine", "native").out
    def without_engine(out: str) -> dict[str, object]:
        data = json.loads(out)
        return {k: v for k, v in data.items() if k not in ("engine", "engine_version")}
    assert without_engine(durable_out) == without_engine(native_out)
    assert json.loads(durable_out)["engine_version"].startswith("durable-rules 2.0")


def test_score_markdown(unit_file: Path) -> None:
    result = cli("score", str(unit_file), "--ruleset", FORMS, "--format", "markdown")
    assert result.out.startswith("# 应急管理工作年度考核评分报告")
    assert "| 类别 " in result.out


def test_score_reads_standard_input_in_gbk() -> None:
    data = json.dumps(UNIT, ensure_ascii=False).encode("gbk")
    result = cli("score", "-", "--ruleset", FORMS, stdin=data)
    assert result.code == 0, result.err
    assert "测试乡" in result.out


@pytest.mark.parametrize("args, stdin, fragments", [
    (["score", "nowhere.json"], b"", ["nowhere.json: no such file"]),
    (["extract", "nowhere.txt"], b"", ["nowhere.txt: no such file"]),
    (["score", "-"], b'{"unit": }', ["<stdin>: invalid JSON at line 1, column 10"]),
    (["score", "-"], b'{"unit": {"id": "u", "name": "x", "type": "township"}, "organisation": {}, '
                     b'"duty": {"absences": -2}}',
     ["2 problems in the facts", "organisation: unknown field (did you mean 'organization'?)",
      "duty.absences: Input should be greater than or equal to 0"]),
    (["score", "-", "--ruleset", "townshp"], b'{"unit": {"id": "u", "name": "x", "type": "township"}}',
     ["unknown ruleset 'townshp'", "did you mean 'township'"]),
    (["score", "-", "--ruleset", "missing.yaml"], b'{"unit": {"id": "u", "name": "x", "type": "township"}}',
     ["missing.yaml: no such ruleset file"]),
    (["score", "-", "--engine", "drools"], b"", ["Invalid value for '--engine'"]),
    (["score", "-", "--format", "pdf"], b"", ["Invalid value for '--format'"]),
    (["score"], b"", ["Missing argument 'UNIT.json|UNIT.xlsx'"]),
    (["scor"], b"", ["No such command 'scor'"]),
])
def test_bad_input_is_one_clear_message_and_exit_2(args: list[str], stdin: bytes, fragments: list[str]) -> None:
    result = cli(*args, stdin=stdin)
    assert result.code == 2
    assert result.out == ""
    for fragment in fragments:
        assert fragment in result.err
    assert "Traceback" not in result.err


def test_schema_prints_the_facts_schema() -> None:
    result = cli("schema")
    assert result.code == 0
    assert json.loads(result.out)["title"] == "assess unit facts"


def test_schema_of_the_assessment() -> None:
    schema = json.loads(cli("schema", "--assessment").out)
    assert "deductions" in schema["properties"]


def test_schema_as_markdown_table() -> None:
    out = cli("schema", "--format", "markdown").out
    assert "| `organization.staff` | int | 专职人员 | more |" in out


def test_rulesets_lists_the_bundled_ones() -> None:
    result = cli("rulesets", "--format", "json")
    names = {r["name"] for r in json.loads(result.out)}
    assert {"township"} <= names
    assert "适用单位" in cli("rulesets").out


def test_help_exits_0() -> None:
    result = cli("--help")
    assert result.code == 0 and "score" in result.out


def test_durable_unavailable_falls_back_with_a_notice(unit_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(durable, "_IMPORT_ERROR", "ImportError: no module named durable_rules_engine")
    result = cli("score", str(unit_file), "--ruleset", FORMS, "--format", "json")
    assert result.code == 0
    assert json.loads(result.out)["engine"] == "native"
    assert result.err.count("\n") == 1 and "durable-rules is not available" in result.err


def test_installed_entry_point_exit_codes(unit_file: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "assess", "score", str(unit_file), "--ruleset", FORMS],
                        capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and "测试乡" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "assess", "score", "nowhere.json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "no such file" in bad.stderr
