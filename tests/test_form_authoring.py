"""What each deduction form tells a rubric author, worked out by hand for the rules of
fixtures/rulesets/forms.yaml: how `assess explain` words it, what golden cases must show of
it (`assess test --coverage`), the most it can deduct (`assess lint`'s unreachable and
uncapped findings) and the constants lint generates units around."""

from __future__ import annotations

import math

import pytest

from assess.reports.explain import method
from assess.rubric.program import CompiledRule
from assess.ruleset import Ruleset, load_text
from assess.tools.golden import obligations
from assess.tools.lint import most_deducted

from .conftest import fixture_ruleset

FORMS_TEXT = fixture_ruleset("forms").read_text(encoding="utf-8")
MINIMAL_TEXT = fixture_ruleset("minimal").read_text(encoding="utf-8")

WORDS = {
    "F-FIXED": "当无领导小组时，扣5分",
    "F-PER": "按3 − 专职人员计，每个扣2分，扣完为止",
    "F-RANGE": "当一般事件 > 0时，视情况扣1-5分（评审未调整时按2分）",
    "F-ABS": "按脱岗计，每个扣1分，扣完为止",
    "F-DRILL": "按4 − 演练数计，每个扣2.5分，扣完为止",
    "F-TIER": "按已演练专项预案占专项预案的百分比分档：≥60不扣分；≥40扣2分；≥20扣4分；其余扣6分",
    "F-SHORT": "有预案的基层单位占基层单位数的百分比低于100的，每少1扣0.2分（不足1个计分单位的不计），扣完为止",
    "F-OVR": "当无总体预案时，扣6分",
    "F-GRADED": "迟报每次扣1分，谎报每次扣2分，漏报每次扣3分，瞒报每次扣4分，扣完为止",
    "F-EXACT": "整改隐患占发现隐患的百分比低于100的，每少1扣0.1分（按实际差额计），扣完为止",
    "F-MISS": "当无经费预算时，扣22分",
    "B-HON": "国家级5分，省级3分，市级1分；同一事项按最高级别计一次，最多5分",
    "B-FIX": "当避难场所 ≥ 3时，加1分",
    "V-MAJOR": "当较大及以上事件 > 0时，一票否决（等级为不合格）",
}

# A per deduction counts events, so golden cases must show several; a tier that deducts
# must be seen, a tier of 0 points is passing.
OBLIGATIONS = {
    "F-FIXED": ["fires", "passes"],
    "F-PER": ["fires", "passes", "several events"],
    "F-RANGE": ["fires", "passes"],
    "F-TIER": ["tier 1", "tier 2", "tier 3", "passes"],
    "F-SHORT": ["fires", "passes"],
    "F-GRADED": ["fires", "passes", "several events"],
    "B-HON": ["fires", "passes"],
    "V-MAJOR": ["fires", "passes"],
}

# The most before the item's cap, from the bounds of the facts (counts 0 to 10**9, a
# share of a part in its whole 0 to 100 %).
MOST = {
    "F-FIXED": 5,
    "F-PER": 6,                  # (3 - 0 staff) x 2
    "F-RANGE": 5,                # the range's maximum
    "F-ABS": 1e9,                # 10**9 absences x 1
    "F-DRILL": 10,               # (4 - 0 drills) x 2.5
    "F-TIER": 6,                 # the lowest tier
    "F-SHORT": 20,               # 100 whole points short of 100 % x 0.2
    "F-EXACT": 10,               # 100 points short x 0.1
    "F-GRADED": 1e10,            # 10**9 of each kind x (1 + 2 + 3 + 4)
}


@pytest.fixture
def forms_ruleset() -> Ruleset:
    # per test, like conftest's `forms`, so that mutation testing maps load-time code to each test
    return load_text(FORMS_TEXT, "forms.yaml")


def _rule(ruleset: Ruleset, rule: str) -> CompiledRule:
    return next(r for r in ruleset.program.rules if r.id == rule)


@pytest.mark.parametrize("rule", WORDS)
def test_explain_words_each_form(forms_ruleset: Ruleset, rule: str) -> None:
    assert method(_rule(forms_ruleset, rule).spec) == WORDS[rule]


def test_explain_words_a_per_award_with_its_limit() -> None:
    text = FORMS_TEXT.replace("award: {fixed: 1}", "award: {per: {count: shelters, points: 0.5}}")
    ruleset = load_text(text, "forms.yaml")
    assert method(_rule(ruleset, "B-FIX").spec) == "当避难场所 ≥ 3时，按避难场所，每个加0.5分，最多1分"
    assert {c.rule: c.needed for c in obligations(ruleset)}["B-FIX"] == ["fires", "passes"]


def test_golden_cases_must_show_what_each_form_can_do(forms_ruleset: Ruleset) -> None:
    needed = {c.rule: c.needed for c in obligations(forms_ruleset)}
    assert {rule: needed[rule] for rule in OBLIGATIONS} == OBLIGATIONS


@pytest.mark.parametrize("rule", MOST)
def test_most_a_rule_can_deduct(forms_ruleset: Ruleset, rule: str) -> None:
    assert most_deducted(_rule(forms_ruleset, rule)) == pytest.approx(MOST[rule])


# M-2 of fixtures/rulesets/minimal.yaml (4 points) with another form.
M2 = 'per: {count: "2 - organization.staff", points: 2}'


@pytest.mark.parametrize(("form", "most"), [
    ('per: {count: "-1 - organization.staff", points: 2}', 0),          # never positive
    ("shortfall: {value: organization.staff, target: 2.5, points: 1.5}", 3),               # 2 whole steps
    ("shortfall: {value: organization.staff, target: 2.5, points: 1.5, whole: false}", 3.75),
    ("shortfall: {value: organization.staff, target: 2.5, points: 1.5, step: 0.5}", 7.5),  # 5 steps
    ("shortfall: {value: organization.staff, target: 2.5, points: 1.5, step: 0.5, whole: false}", 7.5),
    ("shortfall: {value: organization.staff, target: -1, points: 1.5}", 0),                # never short
    ('shortfall: {value: "0 - ratio(organization.staff, shelters)", target: 1, points: 1}', math.inf),
    ('graded: {"2 - organization.staff": 1.5, "-1 - organization.staff": 2}', 3),          # 2 x 1.5 + 0
], ids=["per-never-positive", "shortfall-whole", "shortfall-fraction", "shortfall-step", "shortfall-step-fraction",
        "shortfall-never",
        "shortfall-unbounded", "graded-part-never-positive"])
def test_most_at_the_edges_of_each_form(form: str, most: float) -> None:
    assert M2 in MINIMAL_TEXT
    ruleset = load_text(MINIMAL_TEXT.replace(M2, form), "minimal.yaml")
    assert most_deducted(_rule(ruleset, "M-2")) == pytest.approx(most)


def test_lint_generates_units_around_each_tier_bound_and_target(forms_ruleset: Ruleset) -> None:
    def thresholds(rule: str) -> list[float]:
        use = _rule(forms_ruleset, rule).spec.use
        assert use is not None
        return use.form.thresholds(use.value)
    assert thresholds("F-TIER") == [60, 40, 20]
    assert thresholds("F-SHORT") == [100]
    assert thresholds("F-FIXED") == []


def test_golden_cases_must_show_a_tier_of_a_fraction_of_a_point() -> None:
    written = "- {min: 60, points: 0}\n          - {min: 40, points: 2}"
    assert written in FORMS_TEXT
    ruleset = load_text(FORMS_TEXT.replace(written, "- {min: 60, points: 0}\n          - {min: 40, points: 0.5}"),
                        "forms.yaml")
    needed = {c.rule: c.needed for c in obligations(ruleset)}
    assert needed["F-TIER"] == ["tier 1", "tier 2", "tier 3", "passes"]
