"""`assess check`: every lint has a ruleset that triggers it; the bundled rulesets are clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess.tools.lint import check

from .conftest import FIXTURES, ROOT, cli

LINT = FIXTURES / "lint"
TRIGGERS = sorted(p for p in LINT.glob("*.yaml") if p.stem != "clean")


ON_REQUEST = {"unread-field"}
"""Lints that run only when asked (``assess check --unread``); they list one finding per field."""


@pytest.mark.parametrize("path", TRIGGERS, ids=lambda p: p.stem)
def test_fixture_triggers_its_warning_and_nothing_else(path: Path) -> None:
    code = path.stem.removesuffix("-proven")
    findings = check(path, unread=code in ON_REQUEST)
    if code in ON_REQUEST:
        assert check(path) == []
        assert {f.code for f in findings} == {code}, [f.render() for f in findings]
    else:
        assert [f.code for f in findings] == [code], [f.render() for f in findings]
    finding = findings[0]
    assert finding.severity == "warning" and finding.source == str(path) and finding.line is not None
    expected_rule = path.read_text(encoding="utf-8").splitlines()[0].split("(rule ")[1].rstrip(").")
    assert finding.rule == (None if expected_rule == "-" else expected_rule)


def test_unread_lists_the_facts_no_rule_reads() -> None:
    messages = [f.message for f in check(LINT / "unread-field.yaml", unread=True)]
    assert "no rule reads organization.office (应急办)" in messages
    assert "no rule reads drills (演练)" in messages
    # read by the ruleset, or not a fact a unit is asked for
    assert not any(m.startswith(("no rule reads organization.staff ", "no rule reads organization.leadership_group ",
                                 "no rule reads unit.", "no rule reads adjustments"))
                   for m in messages)
    result = cli("check", "--unread", str(LINT / "unread-field.yaml"))
    assert result.code == 0 and "warning[unread-field]" in result.out and "organization.office" in result.out


def test_also_charges_says_a_double_charge_is_meant(tmp_path: Path) -> None:
    text = (LINT / "double-charge.yaml").read_text(encoding="utf-8")
    meant = tmp_path / "meant.yaml"
    meant.write_text(text.replace("    when: organization.staff == 0\n",
                                  "    when: organization.staff == 0\n    also_charges: [OK-2]\n"), encoding="utf-8")
    assert check(meant) == []
    meant.write_text(text.replace("    when: organization.staff == 0\n",
                                  "    when: organization.staff == 0\n    also_charges: [OK-9]\n"), encoding="utf-8")
    [finding] = check(meant)
    assert finding.severity == "error" and finding.rule == "L-1" and "'OK-9'" in finding.message


def test_a_clean_ruleset_has_no_findings() -> None:
    assert check(LINT / "clean.yaml") == []


def test_bundled_rulesets_are_clean() -> None:
    result = cli("check", *sorted(str(p) for p in (ROOT / "rulesets").glob("*.yaml")))
    assert result.code == 0, result.out
    assert "0 error(s), 0 warning(s)" in result.out


def test_load_errors_are_findings_with_line_and_rule(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text((FIXTURES / "rulesets" / "minimal.yaml").read_text(encoding="utf-8")
                      .replace("organization.leadership_group", "organization.leadership_grup"), encoding="utf-8")
    result = cli("check", str(broken), "--format", "json")
    assert result.code == 1
    [finding] = json.loads(result.out)
    assert finding["severity"] == "error" and finding["rule"] == "M-1" and finding["line"] == 18
    assert "did you mean 'organization.leadership_group'" in finding["message"]


def test_warnings_alone_exit_0() -> None:
    result = cli("check", str(LINT / "always-true.yaml"))
    assert result.code == 0 and "warning[always-true] rule L-1" in result.out


def test_cases_file_is_checked_against_its_ruleset(tmp_path: Path) -> None:
    (tmp_path / "mini.yaml").write_text((FIXTURES / "rulesets" / "minimal.yaml").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    (tmp_path / "mini.cases.yaml").write_text(
        "baselines:\n  ok: {unit: {id: u, name: 某乡, type: township}, organization: {staff: 2}}\n"
        "cases:\n"
        "  - {id: a, baseline: ok, facts: {organization: {staf: 1}}, total: 1, grade: 合格, deducts: [M-9]}\n"
        "  - {id: b, baseline: none, total: 1, grade: 合格, deducts: []}\n", encoding="utf-8")
    findings = [f.message for f in check(tmp_path / "mini.cases.yaml")]
    assert any("organization.staf" in m and "did you mean 'staff'" in m for m in findings)
    assert any("has no rule 'M-9'" in m for m in findings)
    assert any("unknown baseline 'none'" in m for m in findings)
