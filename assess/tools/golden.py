"""Golden cases: units with hand-checked expected results that a ruleset must reproduce,
and how much of the ruleset they exercise.

A ruleset's cases live in a sibling file (``township.yaml`` → ``township.cases.yaml``)::

    coverage: 100            # the least coverage (percent) the cases must reach
    baselines:
      complete: {unit: {...}, organization: {...}, ...}   # a unit that meets every rule
    cases:
      - id: no-leadership-group
        baseline: complete
        facts: {organization: {leadership_group: false}}  # merged onto the baseline
        total: 97
        grade: 优秀
        deducts: [TS-ORG-01]          # exactly the rules that deduct
        vetoes: []                    # optional: exactly these vetoes, 否优项, bonuses
        blocks: []
        bonuses: []

Facts merge onto the baseline section by section; a list replaces the baseline's list
and ``null`` removes a key. Coverage counts, for every rule, a case where it deducts
(awards, vetoes, blocks) and one where it passes; for tiers each deducting tier, and
for per-event and graded rules a case with more than one event.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assess import facts, inputs
from assess.errors import AssessError, Issue, RulesetError
from assess.facts.reading import pydantic_message
from assess.i18n import _, ngettext
from assess.rubric import yamldoc
from assess.ruleset import Ruleset
from assess.scoring.assessment import Assessment
from assess.scoring.ledger import score


class CaseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=120)]
    note: str | None = None
    baseline: str | None = None
    facts: dict[str, Any] = {}
    total: float
    grade: str
    deducts: list[str]
    vetoes: list[str] | None = None
    blocks: list[str] | None = None
    bonuses: list[str] | None = None
    phase: Literal["provisional", "final"] = "final"
    missing_records: Literal["skip"] | None = None
    ceiling: float | None = None
    """The highest total still possible (初评); defaults to ``total``, nothing pending."""
    pending: list[str] | None = None


class CasesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    coverage: Annotated[float, Field(ge=0, le=100)] = 100.0
    baselines: dict[str, dict[str, Any]] = {}
    cases: list[CaseSpec]


def cases_path(ruleset: Ruleset) -> Path:
    """Where a ruleset's cases are: beside its file, ``<name>.cases.yaml``."""
    if ruleset.path is None:
        raise RulesetError(_("a ruleset loaded from text has no cases file beside it"), source=ruleset.source)
    source = ruleset.path
    return source.with_name(source.name.removesuffix(".yaml").removesuffix(".yml") + ".cases.yaml")


def merged(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Sections merge, lists and scalars replace, None removes the key."""
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_cases(path: Path) -> CasesFile:
    """Read a cases file; problems are a RulesetError naming the file and line."""
    try:
        data = inputs.read_input(path, what="golden cases file", limit=inputs.cap("golden cases file"))
    except inputs.InputError as exc:
        missing = isinstance(exc.__cause__, FileNotFoundError)
        message = _("no golden cases file (expected beside the ruleset)") if missing else exc.message
        raise RulesetError(message, source=exc.source) from exc
    doc = yamldoc.load(data, str(path), what="golden cases file")
    try:
        return CasesFile.model_validate(doc.data, strict=True)
    except ValidationError as exc:
        issues = tuple(Issue(".".join(str(p) for p in e["loc"]), pydantic_message(e),
                             line=doc.line(tuple(e["loc"]))) for e in exc.errors(include_url=False))
        raise RulesetError(ngettext("{count} problem in the cases", "{count} problems in the cases", len(issues))
                           .format(count=len(issues)), source=str(path), issues=issues) from exc


class CaseResult(msgspec.Struct):
    id: str
    passed: bool
    differences: list[str]
    assessment: Assessment | None = None


class RuleCoverage(msgspec.Struct):
    rule: str
    kind: str
    needed: list[str]
    seen: set[str] = msgspec.field(default_factory=set)

    @property
    def missing(self) -> list[str]:
        return [n for n in self.needed if n not in self.seen]


class Report(msgspec.Struct):
    """What running a ruleset's golden cases found: each case's result, each rule's coverage,
    and the coverage threshold the run was held to."""

    ruleset: str
    source: str
    results: list[CaseResult]
    coverage: list[RuleCoverage]
    threshold: float

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def percent(self) -> float:
        needed = sum(len(c.needed) for c in self.coverage)
        met = sum(len(c.needed) - len(c.missing) for c in self.coverage)
        return 100.0 if needed == 0 else 100.0 * met / needed


def obligations(ruleset: Ruleset) -> list[RuleCoverage]:
    """What the cases must show for each rule."""
    out = []
    for rule in ruleset.spec.rules:
        use = rule.use
        needed = use.form.obligations(use.value, use.kind) if use is not None else ["fires", "passes"]
        out.append(RuleCoverage(rule.id, rule.kind, needed))
    return out


def _observe(coverage: list[RuleCoverage], a: Assessment) -> None:
    by_rule = {c.rule: c for c in coverage}
    for d in a.deductions:
        if d.missing:
            continue
        seen = by_rule[d.rule].seen
        seen.add("fires" if d.tier is None else f"tier {d.tier}")
        if d.count is not None and d.count > 1:
            seen.add("several events")
    for rule in [*(b.rule for b in a.bonuses), *(v.rule for v in a.vetoes), *(b.rule for b in a.blocks_excellent)]:
        by_rule[rule].seen.add("fires")
    for p in a.passed:
        by_rule[p.rule].seen.add("passes")


def _compare_sets(label: str, expected: list[str] | None, actual: list[str]) -> list[str]:
    if expected is None or sorted(expected) == sorted(actual):
        return []
    extra = sorted(set(actual) - set(expected))
    lacking = sorted(set(expected) - set(actual))
    parts = []
    if lacking:
        parts.append(f"expected but absent: {', '.join(lacking)}")
    if extra:
        parts.append(f"unexpected: {', '.join(extra)}")
    return [f"{label}: {'; '.join(parts)}"]


def run_case(ruleset: Ruleset, spec: CaseSpec, baselines: dict[str, dict[str, Any]], engine: str) -> CaseResult:
    if spec.baseline is not None and spec.baseline not in baselines:
        return CaseResult(spec.id, False, [f"unknown baseline {spec.baseline!r}"])
    data = merged(baselines[spec.baseline] if spec.baseline else {}, spec.facts)
    try:
        a = score(ruleset, facts.validate(data, f"case {spec.id}"), engine, source=f"case {spec.id}",
                  phase=spec.phase, missing_records=spec.missing_records)
    except AssessError as exc:
        return CaseResult(spec.id, False, [f"cannot be scored: {exc.render()}"])
    diffs = []
    if abs(a.total - spec.total) > 0.005:
        diffs.append(f"total: expected {spec.total:g}, got {a.total:g}")
    ceiling = spec.total if spec.ceiling is None else spec.ceiling
    if abs(a.ceiling - ceiling) > 0.005:
        diffs.append(f"ceiling: expected {ceiling:g}, got {a.ceiling:g}")
    if a.grade != spec.grade:
        diffs.append(f"grade: expected {spec.grade}, got {a.grade}")
    diffs += _compare_sets("deducts", spec.deducts, [d.rule for d in a.deductions if d.points > 0 or d.raw > 0])
    diffs += _compare_sets("vetoes", spec.vetoes, [v.rule for v in a.vetoes])
    diffs += _compare_sets("blocks", spec.blocks, [b.rule for b in a.blocks_excellent])
    diffs += _compare_sets("bonuses", spec.bonuses, [b.rule for b in a.bonuses])
    diffs += _compare_sets("pending", spec.pending, [p.rule for p in a.pending])
    return CaseResult(spec.id, not diffs, diffs, a)


def run(ruleset: Ruleset, cases: CasesFile | None = None, engine: str = "durable",
        source: Path | None = None) -> Report:
    """Run a ruleset's golden cases (from its sibling file unless given) and measure coverage."""
    path = source or cases_path(ruleset)
    spec = cases if cases is not None else load_cases(path)
    coverage = obligations(ruleset)
    results = []
    for case in spec.cases:
        result = run_case(ruleset, case, spec.baselines, engine)
        if result.assessment is not None:
            _observe(coverage, result.assessment)
        results.append(result)
    return Report(ruleset.id, str(path), results, coverage, spec.coverage)


CASES_SUFFIX = ".cases.yaml"


def is_cases_file(ref: str | os.PathLike[str]) -> bool:
    return str(ref).endswith(CASES_SUFFIX)


def ruleset_of(cases_file: str | Path) -> Path:
    """The ruleset a cases file belongs to: ``township.cases.yaml`` → ``township.yaml``."""
    path = Path(cases_file)
    return path.with_name(path.name.removesuffix(CASES_SUFFIX) + ".yaml")


def _issues(error: AssessError) -> tuple[Issue, ...]:
    return error.issues or (Issue("", error.message),)


def check_cases(path: Path, ruleset: Ruleset) -> list[Issue]:
    """Problems with a cases file short of running it: baselines and case facts that are
    not valid facts, unknown baselines, and rule ids the ruleset does not have."""
    spec = load_cases(path)
    known = {r.id for r in ruleset.spec.rules}
    issues: list[Issue] = []
    for name, data in spec.baselines.items():
        try:
            facts.validate(data, f"baseline {name}")
        except AssessError as exc:
            issues.extend(Issue(f"baselines.{name}.{i.path}", i.message) for i in _issues(exc))
    for index, case in enumerate(spec.cases):
        where = f"cases[{index}] ({case.id})"
        if case.baseline is not None and case.baseline not in spec.baselines:
            issues.append(Issue(where, _("unknown baseline {name!r}").format(name=case.baseline)))
            continue
        try:
            facts.validate(merged(spec.baselines.get(case.baseline or "", {}), case.facts), where)
        except AssessError as exc:
            issues.extend(Issue(f"{where}.facts.{i.path}", i.message) for i in _issues(exc))
        for label in ("deducts", "vetoes", "blocks", "bonuses"):
            for rule in getattr(case, label) or []:
                if rule not in known:
                    issues.append(Issue(f"{where}.{label}", _("ruleset {ruleset} has no rule {rule!r}").format(
                        ruleset=ruleset.id, rule=rule)))
    return issues
