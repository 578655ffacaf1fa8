"""Ruleset overlays: a department's own indicators on a common base, checked like any ruleset."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.errors import NoRulesetError, RulesetError
from assess.ruleset import bundled_names, load_ruleset, ruleset_name_for

from .conftest import fixture_ruleset

OVERLAY = """\
id: minimal-own
extends: base.yaml
title: 加个性指标的细则
version: "2"
sectors: [transport]
total: 14
categories:
  - {id: own, name: 个性指标, max: 4}
  - {id: org, max: 10}
remove: [M-B]
rules:
  - id: M-2
    category: org
    pillar: 体制
    item: 专职人员不少于1名
    points: 4
    deduct:
      per: {count: "1 - organization.staff", points: 4}
    reason: 专职人员{organization.staff}名
    basis: 测试
  - id: OWN-1
    category: own
    pillar: 机制
    item: 制定年度执法计划
    points: 4
    when: not enforcement.plan
    deduct: {fixed: 4}
    reason: 未制定年度执法计划
    basis: 测试
"""


def write(tmp_path: Path, overlay: str = OVERLAY, name: str = "own.yaml") -> Path:
    (tmp_path / "base.yaml").write_text(fixture_ruleset("minimal").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / name
    path.write_text(overlay, encoding="utf-8")
    return path


def test_overlay_adds_replaces_and_removes_rules_and_categories(tmp_path: Path) -> None:
    with load_ruleset(write(tmp_path)) as ruleset:
        spec = ruleset.spec
        assert spec.id == "minimal-own" and spec.title == "加个性指标的细则" and spec.total == 14
        assert spec.sectors == ["transport"]
        assert [(c.id, c.name, c.max) for c in spec.categories] == [("org", "体制建设", 10), ("own", "个性指标", 4)]
        # a replaced rule keeps its place; an added one comes after the base's
        assert [r.id for r in spec.rules] == ["M-1", "M-2", "OWN-1"]
        assert spec.rules[1].item == "专职人员不少于1名"
        assert spec.grades == load_ruleset(fixture_ruleset("minimal")).spec.grades  # not given: the base's


def test_overlay_has_its_own_sha256_over_the_resolved_ruleset(tmp_path: Path) -> None:
    path = write(tmp_path)
    with load_ruleset(path) as first:
        # the same resolved ruleset written out in full hashes the same
        base = load_ruleset(fixture_ruleset("minimal"))
        assert first.sha256 != base.sha256
        (tmp_path / "base.yaml").write_text("# a comment changes nothing\n" + (tmp_path / "base.yaml")
                                            .read_text(encoding="utf-8"), encoding="utf-8")
        assert load_ruleset(path).sha256 == first.sha256
        (tmp_path / "base.yaml").write_text((tmp_path / "base.yaml").read_text(encoding="utf-8")
                                            .replace("成立领导小组", "成立应急领导小组"), encoding="utf-8")
        assert load_ruleset(path).sha256 != first.sha256  # a change in the base changes the overlay


def test_overlay_of_an_overlay(tmp_path: Path) -> None:
    write(tmp_path)
    second = write(tmp_path, 'id: second\nextends: own.yaml\ntitle: 第二层\nremove: [OWN-1]\n'
                             'categories:\n  - {id: own, max: 4, capped: true}\n'
                             'rules:\n  - {id: OWN-2, category: own, pillar: 机制, item: 执法三项制度, points: 4,'
                             ' when: not enforcement.three_rules, deduct: {fixed: 4}, reason: 未落实, basis: 测试}\n',
                   name="second.yaml")
    with load_ruleset(second) as ruleset:
        assert [r.id for r in ruleset.spec.rules] == ["M-1", "M-2", "OWN-2"]
        assert ruleset.spec.categories[1].capped and ruleset.spec.sectors == ["transport"]


@pytest.mark.parametrize(("change", "line", "message"), [
    (("remove: [M-B]", "remove: [M-X]"), 10, "the base has no rule 'M-X' to remove"),
    (("remove: [M-B]", "remove: [M-2]"), 10, "rule 'M-2' is both removed and given"),
    (("id: minimal-own", "id: minimal"), 1, "an id of its own"),
    (("extends: base.yaml", "extends: nowhere.yaml"), 2, "no such ruleset file"),
    (("extends: base.yaml", "extends: townshipp"), 2, "did you mean 'township'"),
])
def test_overlay_errors_name_the_overlay_file_and_line(tmp_path: Path, change: tuple[str, str], line: int,
                                                       message: str) -> None:
    path = write(tmp_path, OVERLAY.replace(*change))
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert caught.value.source == str(path)
    [issue] = caught.value.issues
    assert issue.line == line and message in issue.message


def test_resolved_overlay_is_checked_like_any_ruleset(tmp_path: Path) -> None:
    path = write(tmp_path, OVERLAY.replace("max: 4}", "max: 5}").replace("total: 14", "total: 15"))
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    [issue] = caught.value.issues
    assert issue.line == 8 and "add up to 4, less than its maximum 5" in issue.message
    path = write(tmp_path, OVERLAY.replace("    item: 制定年度执法计划", "    item: 制定年度执法计划\n    oops: 1"))
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    [issue] = caught.value.issues
    assert (issue.line, issue.rule, issue.message) == (25, "OWN-1", "unknown key")


def test_a_problem_in_a_value_from_the_base_names_the_base_file(tmp_path: Path) -> None:
    path = write(tmp_path, OVERLAY.replace("remove: [M-B]", "remove: [M-1]"))
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    [issue] = caught.value.issues
    assert "add up to 4, less than its maximum 10" in issue.message
    assert issue.line == 9 and "written in" not in issue.message  # the overlay's {id: org, max: 10}
    path = write(tmp_path, OVERLAY.replace("remove: [M-B]", "remove: [M-1]").replace("  - {id: org, max: 10}\n", ""))
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    [issue] = caught.value.issues
    assert issue.line == 11 and f"(written in {tmp_path / 'base.yaml'})" in issue.message


def test_overlays_that_extend_each_other_are_a_load_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\nextends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: b\nextends: a.yaml\n", encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(tmp_path / "a.yaml")
    assert "cycle" in caught.value.message and caught.value.issues[0].line == 2
    (tmp_path / "c.yaml").write_text("id: c\nextends: c.yaml\n", encoding="utf-8")
    with pytest.raises(RulesetError, match="cycle"):
        load_ruleset(tmp_path / "c.yaml")


def test_overlay_of_a_bundled_ruleset_by_name(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("id: county-mine\nextends: county\ntitle: 某县细则\n", encoding="utf-8")
    with load_ruleset(path) as mine, load_ruleset("county") as county:
        assert mine.id == "county-mine" and mine.sha256 != county.sha256
        assert [r.id for r in mine.spec.rules] == [r.id for r in county.spec.rules]


def test_a_department_is_scored_on_the_overlay_of_its_sector() -> None:
    overlays = {}
    for name in bundled_names():
        with load_ruleset(name) as ruleset:
            for sector in ruleset.spec.sectors:
                assert sector not in overlays, f"{sector} is claimed by {overlays.get(sector)} and {name}"
                overlays[sector] = name
    for sector, name in overlays.items():
        assert ruleset_name_for("department", sector) == name
    unclaimed = next(s for s in ("other", "public_security", "health") if s not in overlays)
    assert ruleset_name_for("department", unclaimed) == "department"
    assert ruleset_name_for("department") == "department"
    assert ruleset_name_for("township", "transport") == "township"


def test_devzone_and_city_use_their_own_table_when_bundled() -> None:
    names = bundled_names()
    assert ruleset_name_for("devzone") == ("devzone" if "devzone" in names else "county")
    if "city" in names:
        assert ruleset_name_for("city") == "city"
    else:
        with pytest.raises(NoRulesetError):
            ruleset_name_for("city")


def test_score_picks_the_bundled_overlay_of_the_departments_sector(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import assess
    from assess import ruleset as ruleset_module

    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "department.yaml").write_text(
        fixture_ruleset("minimal").read_text(encoding="utf-8").replace("id: minimal", "id: department")
        .replace("applies_to: [township]", "applies_to: [department]"), encoding="utf-8")
    (bundled / "department-transport.yaml").write_text(
        OVERLAY.replace("id: minimal-own", "id: department-transport")
        .replace("extends: base.yaml", "extends: department"), encoding="utf-8")
    monkeypatch.setattr(ruleset_module, "BUNDLED_DIRS", (bundled,))
    ruleset_module._sector_overlays.cache_clear()
    try:
        unit = {"unit": {"id": "d", "name": "县交通运输局", "type": "department", "sector": "transport"},
                "enforcement": {"plan": False}}
        scored = assess.score(unit, phase="final", engine="native")
        assert (scored.ruleset.id, scored.ruleset.source) == ("department-transport", "department-transport")
        assert [d.rule for d in scored.deductions] == ["M-1", "M-2", "OWN-1"]
        other = assess.score({**unit, "unit": {**unit["unit"], "sector": "grain"}}, phase="final", engine="native")
        assert other.ruleset.id == "department"
    finally:
        ruleset_module._sector_overlays.cache_clear()
