"""assess test (golden cases), assess explain and assess diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess.ruleset import bundled_names

from .conftest import FIXTURES, ROOT, SAMPLES, cli

RULESETS = ROOT / "rulesets"


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_golden_cases_pass_with_full_coverage(name: str) -> None:
    result = cli("test", str(RULESETS / f"{name}.yaml"), "--coverage")
    assert result.code == 0, result.out + result.err
    assert "0 failed; coverage 100.0% (required 100%)" in result.out


def mini(tmp_path: Path, cases: str) -> Path:
    ruleset = tmp_path / "mini.yaml"
    ruleset.write_text((FIXTURES / "rulesets" / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "mini.cases.yaml").write_text(cases, encoding="utf-8")
    return ruleset


BASE = """coverage: 100
baselines:
  ok: {unit: {id: u, name: 某乡, type: township}, organization: {leadership_group: true, staff: 2}}
cases:
  - {id: all-met, baseline: ok, total: 10, grade: 合格, deducts: []}
"""


def test_a_failing_case_prints_a_diff_and_exits_1(tmp_path: Path) -> None:
    cases = BASE + ("  - {id: no-staff, baseline: ok, facts: {organization: {staff: 0}}, total: 7, grade: 合格,"
                    " deducts: [M-1]}\n")
    result = cli("test", str(mini(tmp_path, cases)))
    assert result.code == 1
    assert "FAIL no-staff" in result.out
    assert "total: expected 7, got 6" in result.out
    assert "deducts: expected but absent: M-1; unexpected: M-2" in result.out


def test_coverage_below_the_threshold_fails_and_names_what_is_missing(tmp_path: Path) -> None:
    result = cli("test", str(mini(tmp_path, BASE)), "--coverage")
    assert result.code == 1
    assert "coverage 28.6% (required 100%)" in result.out   # 2 of 7: M-1 and M-2 pass; M-B is skipped
    assert "M-2     deduct  fires, passes, several events  fires, several events" in result.out


def test_without_coverage_flag_a_low_coverage_passes(tmp_path: Path) -> None:
    assert cli("test", str(mini(tmp_path, BASE))).code == 0


def test_the_cases_file_may_be_named_instead_of_the_ruleset(tmp_path: Path) -> None:
    ruleset = mini(tmp_path, BASE)
    result = cli("test", str(ruleset), str(ruleset.with_name("mini.cases.yaml")))
    assert result.code == 0 and result.out.count("cases from") == 1


def test_missing_cases_file_is_an_input_error(tmp_path: Path) -> None:
    ruleset = tmp_path / "alone.yaml"
    ruleset.write_text((FIXTURES / "rulesets" / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("test", str(ruleset))
    assert result.code == 2 and "alone.cases.yaml: no golden cases file" in result.err


def test_explain_lists_every_rule_under_its_category() -> None:
    out = cli("explain", "township").out
    assert out.startswith("乡镇（街道）应急管理工作年度考核细则")
    assert all(rule in out for rule in ("TS-RSP-01", "TS-ORG-03", "TS-PLN-05"))
    assert "【一、责任落实与工作部署（12分）】" in out and "【一票否决】" in out
    assert "当考核年度 − 最近修订年份 > 3时，扣2分" in out


def test_explain_names_the_slots_of_a_reason_by_their_labels() -> None:
    out = cli("explain", "township", "TS-RSP-01").out
    assert "全年专题研究应急管理和安全生产工作［专题会议］次，少［数量］次，扣［分数］分" in out
    for rule in ("TS-DRL-01", "TS-PLN-05", "TS-RSP-04"):
        text = cli("explain", "township", rule).out
        assert "{" not in text and "plans." not in text and "drills" not in text, text


def test_explain_one_rule_and_suggest_unknown_ones() -> None:
    out = cli("explain", "township", "TS-ORG-03").out
    assert "扣分方法      按2 − 专职人员计，每个扣1.5分，扣完为止" in out
    missing = cli("explain", "township", "TS-ORG-3")
    assert missing.code == 2 and "did you mean 'TS-ORG-03'" in missing.err


def modified_township(tmp_path: Path) -> Path:
    text = (RULESETS / "township.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2026.1"', 'version: "2027.1"')
    own = 'count(drills, not role == \\"assistant\\")'
    text = text.replace(f'per: {{count: "2 - {own}", points: 2}}', f'per: {{count: "5 - {own}", points: 2}}')
    assert f"5 - {own}" in text
    path = tmp_path / "township-2027.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_diff_names_the_rule_behind_every_changed_unit(tmp_path: Path) -> None:
    result = cli("diff", "township", str(modified_township(tmp_path)), str(SAMPLES), "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [(r["rule"], r["change"], r["fields"]) for r in data["rules"]] == [
        ("TS-DRL-01", "changed", ["deduct.per.count"])]
    township_samples = [json.loads(p.read_text(encoding="utf-8")) for p in SAMPLES.glob("*-township.json")]
    with_four_own_drills = {u["unit"]["name"] for u in township_samples
                            if sum(d.get("role") != "assistant" for d in u.get("drills", [])) == 4}
    assert {u["unit"]["name"] for u in data["units"]} == with_four_own_drills and with_four_own_drills
    for unit in data["units"]:
        assert unit["new_total"] == unit["old_total"] - 2
        assert [(r["rule"], r["old"], r["new"]) for r in unit["rules"]] == [("TS-DRL-01", 0, -2)]
    assert data["not_applicable"] == 10


def test_diff_reports_added_and_removed_rules(tmp_path: Path) -> None:
    text = modified_township(tmp_path).read_text(encoding="utf-8").replace("id: TS-PLN-02", "id: TS-PLN-12")
    path = tmp_path / "renamed.yaml"
    path.write_text(text, encoding="utf-8")
    data = json.loads(cli("diff", "township", str(path), str(SAMPLES), "--format", "json").out)
    changes = {(r["rule"], r["change"]) for r in data["rules"]}
    assert {("TS-PLN-02", "removed"), ("TS-PLN-12", "added"), ("TS-DRL-01", "changed")} <= changes
    text_report = cli("diff", "township", str(path), str(SAMPLES)).out
    assert "TS-PLN-02  删除" in text_report and "TS-PLN-12  新增" in text_report
