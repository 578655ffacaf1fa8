"""Checks that a rubric says what it means: load errors, and warnings found by analysis
and by scoring generated units.

Warnings (codes):
- ``unreachable-points``: the rule's deductions can never reach the item's points;
- ``uncapped-excess``: they can exceed the item's points, and the item text does not
  say 扣完为止 (the excess is cut silently);
- ``unreachable-grade``: no unit can get this grade;
- ``never-true`` / ``always-true``: the condition is constant, proven from its form or
  seen on every generated unit;
- ``moot-by-veto``: whenever the rule applies, a veto fails the unit anyway;
- ``template-unread``: a reason template quotes a fact the rule does not read;
- the fairness lints of :mod:`assess.tools.fairness`: ``double-charge``, ``misfortune``,
  ``cycle-mismatch``, ``pillar-mismatch`` and, on request, ``unread-field``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Literal

import msgspec
from msgspec.structs import asdict

from assess.engines import flatten
from assess.engines.native import NativeEngine
from assess.errors import Issue, RulesetError, worded
from assess.facts import MAX_AMOUNT, MAX_COUNT, MAX_LIST, validate
from assess.i18n import N_, _, comma
from assess.rubric import expr
from assess.rubric.program import CompiledRule, LConst, Placeholder
from assess.ruleset import Ruleset, load_ruleset
from assess.tools import fairness, golden
from assess.tools.generate import PAIRS, Generator

Severity = Literal["error", "warning"]
SEVERITY_WORDS: dict[str, str] = {"error": N_("error"), "warning": N_("warning")}
"""Each severity as a reader reads it (the codes stay as they are: a program matches them)."""
SAMPLE_UNITS = 3000
INF = math.inf


class Finding(msgspec.Struct, frozen=True):
    """One thing the ruleset linter found: how serious, its code, the message, and where."""

    severity: Severity
    code: str
    message: str
    source: str
    line: int | None = None
    rule: str | None = None

    def render(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        rule = " " + _("rule {rule}").format(rule=self.rule) + ":" if self.rule else ""
        return f"{where}: {_(SEVERITY_WORDS[self.severity])}[{self.code}]{rule} {worded(self.message)}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def check(ref: str | os.PathLike[str], samples: int = SAMPLE_UNITS, unread: bool = False) -> list[Finding]:
    """Every load error of a ruleset, or, when it loads, every warning (with ``unread``,
    also the facts no rule reads). Given a golden cases file (``NAME.cases.yaml``), its
    problems short of running it."""
    if golden.is_cases_file(ref):
        return _check_cases(Path(ref))
    try:
        ruleset = load_ruleset(ref)
    except RulesetError as exc:
        source = exc.source or str(ref)
        if not exc.issues:
            return [Finding("error", "load", exc.message, source)]
        return [Finding("error", "load", i.message if not i.path else f"{i.path}: {i.message}", source,
                        i.line, i.rule) for i in exc.issues]
    with ruleset:
        return lint(ruleset, samples, unread)


def _check_cases(path: Path) -> list[Finding]:
    errors = check(golden.ruleset_of(path))
    if any(f.severity == "error" for f in errors):
        return [Finding("error", "cases", _("its ruleset {ruleset} does not load").format(
            ruleset=golden.ruleset_of(path)), str(path))]
    try:
        with load_ruleset(golden.ruleset_of(path)) as ruleset:
            issues = golden.check_cases(path, ruleset)
    except RulesetError as exc:
        return [Finding("error", "cases", i.render() if i.path else exc.message, str(path), i.line)
                for i in (exc.issues or (Issue("", exc.message),))]
    return [Finding("error", "cases", i.render(), str(path)) for i in issues]


def lint(ruleset: Ruleset, samples: int = SAMPLE_UNITS, unread: bool = False) -> list[Finding]:
    """Warnings about a ruleset that loads; ``samples`` generated units look for
    conditions that never or always hold, and for a shortfall two rules charge."""
    findings: list[Finding] = []
    for rule in ruleset.program.rules:
        findings.extend(_points(ruleset, rule))
        findings.extend(_templates(ruleset, rule))
    findings.extend(_grades(ruleset))
    findings.extend(_sampled(ruleset, samples))
    units = Generator(ruleset.spec.applies_to[0], constants=_constants(ruleset)).units(
        min(samples, fairness.DOUBLE_CHARGE_UNITS))
    findings.extend(fairness.findings(ruleset, _warn, units, unread))
    order = {r.id: i for i, r in enumerate(ruleset.spec.rules)}
    findings.sort(key=lambda f: (order.get(f.rule or "", -1), f.code))
    return findings


def _warn(ruleset: Ruleset, code: str, message: str, rule: CompiledRule | None = None,
          path: tuple[str | int, ...] = ()) -> Finding:
    at = ("rules", rule.index, *path) if rule is not None else path
    doc = ruleset.program.rubric.doc
    return Finding("warning", code, message, doc.origin(at) or ruleset.source, doc.line(at),
                   rule.id if rule is not None else None)


# ---------------------------------------------------------------- value ranges


Interval = tuple[float, float]
_BOUNDED_PARTS = {(f"{section}.{part}", f"{section}.{whole}") for section, part, whole in PAIRS}


def interval(node: expr.Node) -> Interval:
    """The values a numeric expression can take over valid facts (a safe over-estimate)."""
    if isinstance(node, expr.Const):
        return (float(node.value), float(node.value))
    if isinstance(node, expr.Ref):
        info = node.info
        low = float(info.minimum) if info.minimum is not None else 0.0
        high = float(info.maximum) if info.maximum is not None else \
            float(MAX_COUNT) if info.kind == "int" else MAX_AMOUNT
        return (low, high)
    if isinstance(node, expr.Neg):
        low, high = interval(node.item)
        return (-high, -low)
    if isinstance(node, expr.Arith):
        a, b = interval(node.left), interval(node.right)
        if node.op == "+":
            return (a[0] + b[0], a[1] + b[1])
        if node.op == "-":
            return (a[0] - b[1], a[1] - b[0])
        products = [x * y for x in a for y in b if not (math.isinf(x) or math.isinf(y)) or (x and y)]
        return (min(products), max(products))
    if isinstance(node, expr.Call):
        return _call_interval(node)
    return (-INF, INF)


def _call_interval(node: expr.Call) -> Interval:
    if node.func == "count":
        return (0.0, float(MAX_LIST))
    if node.func == "distinct":
        field = node.args[0]
        enum = field.info.enum if isinstance(field, expr.ListField) else ()
        return (0.0, float(len(enum) or MAX_LIST))
    if node.func == "sum":
        return (0.0, INF)
    if node.func in ("ratio", "pct"):
        scale = 100.0 if node.func == "pct" else 1.0
        part, whole = node.args
        bounded = isinstance(part, expr.Ref) and isinstance(whole, expr.Ref) and \
            (part.path, whole.path) in _BOUNDED_PARTS
        return (0.0, scale if bounded else INF)
    parts = [interval(a) for a in node.args]
    if node.func == "min":
        return (min(p[0] for p in parts), min(p[1] for p in parts))
    return (max(p[0] for p in parts), max(p[1] for p in parts))


def _parse(text: str) -> expr.Node:
    return expr.parse(text, ("int", "number"))


def most_deducted(rule: CompiledRule) -> float:
    """The largest deduction the rule's form can ask for (before the item cap)."""
    use = rule.spec.use
    assert use is not None
    return use.form.most(use.value, lambda text: interval(_parse(text)))


def _points(ruleset: Ruleset, rule: CompiledRule) -> list[Finding]:
    spec = rule.spec
    if spec.kind != "deduct" or spec.points is None:
        return []
    most = most_deducted(rule)
    if most < spec.points - 1e-9:
        return [_warn(ruleset, "unreachable-points",
                      _("its deductions can never reach the item's {points} points (at most {most})").format(
                          points=f"{spec.points:g}", most=f"{most:g}"),
                      rule, ("deduct",))]
    if most > spec.points + 1e-9 and "扣完为止" not in spec.item:
        shown = _("without limit") if math.isinf(most) else _("up to {most}").format(most=f"{most:g}")
        return [_warn(ruleset, "uncapped-excess",
                      _("its deductions can exceed the item's {points} points ({shown}) and are cut "
                        "there; say 扣完为止 in the item text so units know").format(points=f"{spec.points:g}",
                                                                                  shown=shown), rule, ("item",))]
    return []


def _templates(ruleset: Ruleset, rule: CompiledRule) -> list[Finding]:
    out = []
    for key, template in (("reason", rule.reason), ("passed", rule.passed)):
        if template is None:
            continue
        for part in template.parts:
            if isinstance(part, Placeholder) and part.fn is not None:
                unread = [p for p in part.paths if p not in rule.reads]
                if unread:
                    out.append(_warn(ruleset, "template-unread",
                                     _("the {key} quotes {placeholder}, but the rule does not read {paths}").format(
                                         key=key, placeholder=f"{{{part.text}}}", paths=comma().join(unread)),
                                     rule, (key,)))
    return out


# ---------------------------------------------------------------- grades


def _grades(ruleset: Ruleset) -> list[Finding]:
    spec = ruleset.spec
    program = ruleset.program
    lost_by_category: dict[str, float] = {c.id: 0.0 for c in spec.categories}
    for rule in program.rules:
        if rule.spec.kind == "deduct" and rule.spec.category is not None and rule.spec.points is not None:
            lost_by_category[rule.spec.category] += min(rule.spec.points, most_deducted(rule))
    lowest = spec.total - sum(min(c.max, lost_by_category[c.id]) for c in spec.categories)
    bonus_possible = any(r.spec.kind == "bonus" for r in program.rules) and spec.bonus_cap > 0
    highest = spec.total + (spec.bonus_cap if bonus_possible else 0.0)
    has_veto = any(r.spec.kind == "veto" for r in program.rules)
    has_block = any(r.spec.kind == "no_excellent" for r in program.rules)
    out = []
    upper = INF
    for index, grade in enumerate(spec.grades):
        reachable_by_score = grade.min <= highest and upper > lowest
        reachable = reachable_by_score or (has_veto and grade.name == spec.fail_grade) or \
            (has_block and index == 1 and spec.grades[0].min <= highest)
        if not reachable:
            out.append(_warn(ruleset, "unreachable-grade",
                             _("no unit can get {grade}: scores run from {lowest} to {highest}").format(
                                 grade=grade.name, lowest=f"{lowest:g}", highest=f"{highest:g}"),
                             None, ("grades", index)))
        upper = grade.min
    return out


# ---------------------------------------------------------------- generated units


def _constants(ruleset: Ruleset) -> list[float]:
    found: list[float] = []
    for rule in ruleset.spec.rules:
        texts = [rule.when] if rule.when else []
        use = rule.use
        if use is not None and use.kind == "deduct":
            texts += [e.text for e in use.form.expressions(use.value)]
            found += use.form.thresholds(use.value)
        for text in texts:
            for node in expr.walk(expr.parse(text, ("bool", "int", "number"))):
                if isinstance(node, expr.Const) and isinstance(node.value, (int, float)) \
                        and not isinstance(node.value, bool):
                    found.append(float(node.value))
    return found


def _sampled(ruleset: Ruleset, samples: int) -> list[Finding]:
    program = ruleset.program
    engine = NativeEngine(program)
    fired = {r.index: 0 for r in program.rules}
    evaluated = {r.index: 0 for r in program.rules}
    alone = {r.index: 0 for r in program.rules}  # fired without any veto
    vetoes = [r for r in program.rules if r.spec.kind == "veto"]
    unit_type = ruleset.spec.applies_to[0]
    generator = Generator(unit_type, constants=_constants(ruleset))
    for data in generator.units(samples):
        env = flatten(validate(data))
        answers = engine.run(env)
        vetoed = any(any(c.name in answers for c in v.checks if c.kind != "missing") for v in vetoes)
        for rule in program.rules:
            if f"r{rule.index}.missing" in answers:
                continue
            evaluated[rule.index] += 1
            if any(c.name in answers for c in rule.checks):
                fired[rule.index] += 1
                if not vetoed:
                    alone[rule.index] += 1
    out = []
    for rule in program.rules:
        i = rule.index
        proven = [c.lowered for c in rule.checks if c.kind != "missing"]
        if proven and all(isinstance(lowered, LConst) and not lowered.value for lowered in proven):
            out.append(_warn(ruleset, "never-true", _("its condition can never be true"), rule, ("when",)))
        elif evaluated[i] and not fired[i]:
            out.append(_warn(ruleset, "never-true", _("its condition was false for all {count} generated units "
                                                      "that submitted its facts").format(count=evaluated[i]),
                             rule, ("when",)))
        elif evaluated[i] >= 50 and fired[i] == evaluated[i]:
            out.append(_warn(ruleset, "always-true", _("its condition was true for all {count} generated units "
                                                       "that submitted its facts").format(count=evaluated[i]),
                             rule, ("when",)))
        if rule.spec.kind in ("deduct", "no_excellent") and fired[i] and not alone[i]:
            out.append(_warn(ruleset, "moot-by-veto", _("whenever it applies ({count} generated units), a veto "
                                                        "fails the unit anyway").format(count=fired[i]),
                             rule, ("when",)))
    return out

