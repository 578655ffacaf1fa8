"""Rulesets compiled to one small intermediate form that both engines evaluate.

A rule becomes *checks*: the questions an engine must answer about a unit. "Is a fact
this rule needs not submitted?" (``missing``), "does the condition hold?" (``match``),
"which tier does the value fall in?" (one ``tier`` check per deducting tier), "which
kinds of event occurred?" (one ``graded`` check per kind). Each check has two forms:

- ``native``: a Python function built from the typed syntax tree of the condition;
- ``lowered``: the same condition as a tree of comparisons between *keys* of a flat fact
  and constants, with ``not`` pushed down to the comparisons. The durable engine
  translates it into durable-rules conditions.

Arithmetic, list aggregates and functions (``count(drills) - 4``, ``pct(a, b)``) are
*terms*: computed once per unit in Python, shared by both engines, and compared by them
like any other fact. The ledger (scoring) turns the answers into points.

Numbers are exact (:mod:`assess.rubric.exact`), but durable-rules compares doubles and
parses neither fractions nor every way Python writes a float. So only whole numbers
are compared as themselves; a comparison with a fraction on either side (``pct(a, b) <
58``, ``funds.amount >= 0.5``) is lowered to the *sign term* of its difference,
computed exactly once per unit, which both engines compare with 0 under the same
operator. Every value is bounded when the ruleset loads (:mod:`assess.rubric.bounds`),
so whole numbers stay below 2**53, where doubles are exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

from assess.errors import Issue, RulesetError
from assess.facts import FIELDS, HONOR_LEVEL_LABELS
from assess.paths import Path
from assess.rubric import expr
from assess.rubric.bounds import BoundError, check_amount, check_bounds
from assess.rubric.exact import Exact, exact, sign
from assess.rubric.expr import ExprError, Fn, Node
from assess.rubric.spec import Rubric, RuleSpec

CheckKind = Literal["missing", "match", "tier", "graded"]
Scalar = bool | int | float

# Lowered conditions ---------------------------------------------------------------


@dataclass(frozen=True)
class LConst:
    value: bool


@dataclass(frozen=True)
class LCmp:
    """``key op value`` where value is a constant, or another key when ``ref``."""

    key: str
    op: str
    value: Scalar | str
    ref: bool = False


@dataclass(frozen=True)
class LPresent:
    key: str
    present: bool


@dataclass(frozen=True)
class LGroup:
    op: Literal["and", "or"]
    items: tuple[LNode, ...]


LNode = LConst | LCmp | LPresent | LGroup

NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def group(op: Literal["and", "or"], items: list[LNode]) -> LNode:
    """An and/or node, flattened and with constants folded away."""
    out: list[LNode] = []
    absorbing = op == "or"  # True absorbs an or; False absorbs an and
    for item in items:
        if isinstance(item, LConst):
            if item.value == absorbing:
                return LConst(absorbing)
            continue
        if isinstance(item, LGroup) and item.op == op:
            out.extend(item.items)
        else:
            out.append(item)
    if not out:
        return LConst(not absorbing)
    if len(out) == 1:
        return out[0]
    return LGroup(op, tuple(out))


# The program -----------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    key: str
    text: str
    type: str
    fn: Fn
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    name: str
    rule: int
    kind: CheckKind
    index: int | None
    native: Fn
    lowered: LNode


@dataclass(frozen=True)
class Placeholder:
    text: str
    fn: Fn | None  # None for a variable of the deduction (points, count, ...)
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    parts: tuple[str | Placeholder, ...]

    def names(self) -> Iterator[Placeholder]:
        return (p for p in self.parts if isinstance(p, Placeholder))


@dataclass(frozen=True)
class Evidence:
    label: str
    fn: Fn
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Graded:
    text: str
    fn: Fn
    rate: float


@dataclass
class CompiledRule:
    index: int
    spec: RuleSpec
    required: tuple[str, ...]
    reads: tuple[str, ...]
    form: str | None
    when: Fn | None = None
    quantity: Fn | None = None  # per count, shortfall or tier value, honours points
    graded: tuple[Graded, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    reason: Template = field(default_factory=lambda: Template(()))
    passed: Template | None = None
    checks: tuple[Check, ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @cached_property
    def missing_check(self) -> str:
        return f"r{self.index}.missing"

    @cached_property
    def cents(self) -> int:
        """The item's points in hundredths."""
        return round((self.spec.points or 0) * 100)

    @cached_property
    def evidence_plan(self) -> tuple[tuple[str, Fn, tuple[str, ...], bool], ...]:
        """(label, function, paths it needs, whether the label is a fact path read directly)."""
        return tuple((e.label, e.fn, e.paths, e.paths == (e.label,) and e.label in FIELDS
                      and FIELDS[e.label].kind not in ("list", "section")) for e in self.evidence)


@dataclass
class Program:
    rubric: Rubric
    rules: list[CompiledRule]
    checks: list[Check]
    terms: list[Term]
    keys: dict[str, str]  # fact path -> flat key
    enums: dict[str, tuple[str, ...]]  # flat key -> enum values, coded as their index
    category_cents: dict[str, int] = field(default_factory=dict)
    rule_cents: dict[str, int] = field(default_factory=dict)
    grade_cents: tuple[tuple[str, int], ...] = ()

    @property
    def spec(self) -> Any:
        return self.rubric.spec


TEMPLATE_VARIABLES = ("points", "count", "value", "shortfall", "target")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
HONOR_ORDER = ("national", "provincial", "municipal", "county")


class _Builder:
    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.issues: list[Issue] = []
        self.terms: dict[str, Term] = {}
        self.keys: dict[str, str] = {}

    def fail(self, path: Path, message: str) -> None:
        self.issues.append(self.rubric.issue(path, message))

    def key(self, path: str) -> str:
        if path not in self.keys:
            self.keys[path] = f"p{len(self.keys)}"
        return self.keys[path]

    def term(self, node: Node) -> Term:
        found = self.terms.get(node.text)
        if found is None:
            paths = tuple(expr.required_paths(node))
            for p in paths:
                self.key(p)
            found = Term(f"t{len(self.terms)}", node.text, node.type, expr.compile_value(node), paths)
            self.terms[node.text] = found
        return found

    def sign_term(self, left: Node, right: Node | Exact) -> Term:
        """The exact sign of ``left - right``, for comparing fractions (module docstring)."""
        a = expr.compile_value(left)
        paths = list(expr.required_paths(left))
        if isinstance(right, Node):
            b = expr.compile_value(right)
            paths.extend(p for p in expr.required_paths(right) if p not in paths)
            text = f"sign({left.text} - ({right.text}))"
        else:
            constant = right
            b = lambda env: constant  # noqa: E731
            text = f"sign({left.text} - ({constant}))"
        for p in paths:
            self.key(p)
        return self.special_term(text, "int", lambda env: sign(a(env) - b(env)), tuple(paths))

    def special_term(self, text: str, kind: str, fn: Fn, paths: tuple[str, ...]) -> Term:
        found = self.terms.get(text)
        if found is None:
            found = Term(f"t{len(self.terms)}", text, kind, fn, paths)
            self.terms[text] = found
        return found

    # lowering -----------------------------------------------------------------------

    def operand(self, node: Node) -> tuple[str, Any]:
        """('const', value) or ('key', flat key) for one side of a comparison."""
        if isinstance(node, expr.Const):
            return "const", node.value
        if isinstance(node, expr.Ref):
            return "key", self.key(node.path)
        return "key", self.term(node).key

    def lower(self, node: Node, negate: bool = False) -> LNode:
        if isinstance(node, expr.BoolOp):
            joined: Literal["and", "or"] = "and" if (node.op == "and") != negate else "or"
            return group(joined, [self.lower(i, negate) for i in node.items])
        if isinstance(node, expr.Not):
            return self.lower(node.item, not negate)
        if isinstance(node, expr.Const):
            return LConst(bool(node.value) != negate)
        if isinstance(node, expr.Presence):
            key = self.key(node.path)
            return LPresent(key, node.negated == negate)
        if isinstance(node, expr.Compare):
            op = NEGATE[node.op] if negate else node.op
            if isinstance(node.left, expr.Const) and isinstance(node.right, expr.Const):
                return LConst(_compare(op, _exact(node.left.value), _exact(node.right.value)))
            if "number" in (node.left.type, node.right.type):
                if isinstance(node.left, expr.Const):
                    return LCmp(self.sign_term(node.right, node.left).key, FLIP[op], 0)
                return LCmp(self.sign_term(node.left, node.right).key, op, 0)
            left, right = self.operand(node.left), self.operand(node.right)
            if left[0] == "const":
                left, right, op = right, left, FLIP[op]
            if right[0] == "const":
                return LCmp(left[1], op, self.code(node, right[1]))
            return LCmp(left[1], op, right[1], ref=True)
        if node.type == "bool":  # a bool fact, any(...), all(...)
            _, key = self.operand(node)
            return LCmp(key, "==", not negate)
        raise TypeError(f"cannot lower {type(node).__name__}")

    def code(self, compare: expr.Compare, value: Any) -> Scalar:
        """Constants compared with a coded (enum) field are sent as the value's index."""
        if isinstance(value, str):
            for side in (compare.left, compare.right):
                if isinstance(side, expr.Ref) and side.info.kind == "enum":
                    return side.info.enum.index(value)
            raise TypeError("string constant compared with something that is not coded")
        return value  # type: ignore[no-any-return]

    # rules ----------------------------------------------------------------------------

    def parse(self, index: int, path: tuple[str | int, ...], text: str,
              expect: str | tuple[str, ...]) -> Node | None:
        try:
            return expr.parse(text, expect)
        except ExprError as exc:
            self.fail(self.rubric.rule_path(index, *path), f"in {text!r}: {exc}")
            return None

    def rule(self, index: int, spec: RuleSpec) -> CompiledRule | None:
        nodes: list[Node] = []
        failed = False

        def need(path: tuple[str | int, ...], text: str, expect: str | tuple[str, ...]) -> Node | None:
            nonlocal failed
            node = self.parse(index, path, text, expect)
            if node is not None:
                try:
                    check_bounds(node)
                except BoundError as exc:
                    self.fail(self.rubric.rule_path(index, *path), f"in {text!r}: {exc}")
                    node = None
            if node is None:
                failed = True
            else:
                nodes.append(node)
            return node

        when = need(("when",), spec.when, "bool") if spec.when is not None else None
        form = None
        quantity: Node | None = None
        graded_nodes: list[tuple[Node, float]] = []
        honors: Mapping[str, float] | None = None
        shape = spec.deduct if spec.kind == "deduct" else spec.award if spec.kind == "bonus" else None
        if shape is not None:
            form = shape.form
            if shape.per is not None:
                quantity = need((spec.kind if spec.kind == "deduct" else "award", "per", "count"),
                                shape.per.count, "int")
            if spec.deduct is not None:
                d = spec.deduct
                if d.shortfall is not None:
                    quantity = need(("deduct", "shortfall", "value"), d.shortfall.value, "number")
                if d.tiers is not None:
                    quantity = need(("deduct", "tiers", "value"), d.tiers.value, "number")
                if d.graded is not None:
                    for text, rate in d.graded.items():
                        node = need(("deduct", "graded", text), text, "int")
                        if node is not None:
                            graded_nodes.append((node, rate))
            if spec.award is not None and spec.award.honors is not None:
                honors = {str(level): points for level, points in spec.award.honors.items()}
        if failed:
            return None
        try:
            check_amount(spec, quantity, graded_nodes)
        except BoundError as exc:
            self.fail(self.rubric.rule_path(index, "award" if spec.kind == "bonus" else "deduct"), str(exc))
            return None

        required: list[str] = []
        reads: list[str] = []
        for node in nodes:
            required.extend(p for p in expr.required_paths(node) if p not in required)
            reads.extend(p for p in expr.read_paths(node) if p not in reads)
        honors_term: Term | None = None
        if honors is not None:
            required.append("honors")
            reads.append("honors")
            self.key("honors")
            levels = dict(honors)
            ordered = sorted(levels.items(), key=lambda kv: HONOR_ORDER.index(kv[0]))
            honors_term = self.special_term(
                f"honor_points({', '.join(f'{k}={v:g}' for k, v in ordered)})",
                "number", _honor_points(levels), ("honors",))
        for p in reads:
            self.key(p)

        compiled = CompiledRule(index, spec, tuple(required), tuple(reads), form)
        compiled.when = expr.compile_value(when) if when is not None else None
        if quantity is not None:
            compiled.quantity = expr.compile_value(quantity)
        elif honors_term is not None:
            compiled.quantity = honors_term.fn
        compiled.graded = tuple(Graded(n.text, expr.compile_value(n), r) for n, r in graded_nodes)
        compiled.evidence = self.evidence(nodes, honors_term)
        compiled.reason = self.template(index, "reason", spec.reason)
        if spec.passed is not None:
            compiled.passed = self.template(index, "passed", spec.passed)
        compiled.checks = tuple(self.checks(compiled, when, quantity, graded_nodes, honors_term))
        return compiled

    def evidence(self, nodes: list[Node], honors: Term | None) -> tuple[Evidence, ...]:
        seen: dict[str, Evidence] = {}
        for node in nodes:
            for sub in expr.walk(node):
                if isinstance(sub, expr.Ref) and sub.text not in seen:
                    path = sub.path
                    seen[sub.text] = Evidence(path, _getter(path), (path,))
                elif isinstance(sub, expr.Presence) and sub.path not in seen:
                    path = sub.path
                    seen[path] = Evidence(path, _presence(path), ())
                elif isinstance(sub, expr.Call) and sub.func not in ("submitted", "missing") \
                        and sub.text not in seen:
                    seen[sub.text] = Evidence(sub.text, expr.compile_value(sub),
                                              tuple(expr.required_paths(sub)))
        if honors is not None:
            seen["honors"] = Evidence("honors", _honor_titles, ("honors",))
            seen[honors.text] = Evidence(honors.text, honors.fn, honors.paths)
        return tuple(seen.values())

    def template(self, index: int, key: str, text: str) -> Template:
        parts: list[str | Placeholder] = []
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            parts.append(text[position:match.start()])
            position = match.end()
            inner = match.group(1).strip()
            if inner in TEMPLATE_VARIABLES:
                parts.append(Placeholder(inner, None, ()))
                continue
            try:
                node = expr.parse(inner, ("bool", "int", "number", "str"))
            except ExprError as exc:
                hint = f"; or one of the variables {', '.join(TEMPLATE_VARIABLES)}"
                self.fail(self.rubric.rule_path(index, key), f"placeholder {{{inner}}}: {exc}{hint}")
                continue
            try:
                check_bounds(node)
            except BoundError as exc:
                self.fail(self.rubric.rule_path(index, key), f"placeholder {{{inner}}}: {exc}")
                continue
            parts.append(Placeholder(inner, expr.compile_value(node), tuple(expr.required_paths(node))))
        parts.append(text[position:])
        if "{" in "".join(p for p in parts if isinstance(p, str)) or \
                "}" in "".join(p for p in parts if isinstance(p, str)):
            self.fail(self.rubric.rule_path(index, key), "unbalanced { or } in the template")
        return Template(tuple(p for p in parts if p != ""))

    def checks(self, rule: CompiledRule, when: Node | None, quantity: Node | None,
               graded: list[tuple[Node, float]], honors: Term | None) -> Iterator[Check]:
        i = rule.index
        required = rule.required
        present_all = [LPresent(self.key(p), True) for p in required]
        if required:
            def missing(env: Mapping[str, Any], paths: tuple[str, ...] = required) -> bool:
                return any(p not in env for p in paths)
            yield Check(f"r{i}.missing", i, "missing", None, missing,
                        group("or", [LPresent(self.key(p), False) for p in required]))
        guard_fn = rule.when
        guard_lowered: LNode = self.lower(when) if when is not None else LConst(True)

        def guarded(test: Fn) -> Fn:
            if guard_fn is None:
                return test
            g = guard_fn
            return lambda env: bool(g(env)) and bool(test(env))

        def lowered(*atoms: LNode) -> LNode:
            return group("and", [*present_all, guard_lowered, *atoms])

        spec = rule.spec
        form = rule.form
        if spec.kind in ("veto", "no_excellent") or form in ("fixed", "range"):
            yield Check(f"r{i}.match", i, "match", None, guarded(lambda env: True), lowered())
            return
        if form == "per":
            assert quantity is not None
            q = expr.compile_value(quantity)
            yield Check(f"r{i}.match", i, "match", None, guarded(lambda env: q(env) > 0),
                        lowered(self.cmp_atom(quantity, ">", 0)))
            return
        if form == "honors":
            assert honors is not None
            h = honors.fn
            positive = self.special_term(f"sign({honors.text})", "int", lambda env: sign(h(env)), honors.paths)
            yield Check(f"r{i}.match", i, "match", None, guarded(lambda env: h(env) > 0),
                        lowered(LCmp(positive.key, ">", 0)))
            return
        if form == "graded":
            for k, (node, _rate) in enumerate(graded):
                fn = expr.compile_value(node)
                yield Check(f"r{i}.g{k}", i, "graded", k, guarded(_positive(fn)),
                            lowered(self.cmp_atom(node, ">", 0)))
            return
        if form == "shortfall":
            assert quantity is not None and spec.deduct is not None and spec.deduct.shortfall is not None
            target = exact(spec.deduct.shortfall.target)
            q = expr.compile_value(quantity)
            yield Check(f"r{i}.match", i, "match", None, guarded(lambda env: q(env) < target),
                        lowered(self.cmp_atom(quantity, "<", target)))
            return
        if form == "tiers":
            assert quantity is not None and spec.deduct is not None and spec.deduct.tiers is not None
            q = expr.compile_value(quantity)
            levels = spec.deduct.tiers.levels
            upper: Exact | None = None
            for k, level in enumerate(levels):
                lower = None if level.min is None else exact(level.min)
                if level.points > 0:
                    yield Check(f"r{i}.t{k}", i, "tier", k,
                                guarded(_in_band(q, lower, upper)),
                                lowered(*([self.cmp_atom(quantity, ">=", lower)] if lower is not None else []),
                                        *([self.cmp_atom(quantity, "<", upper)] if upper is not None else [])))
                upper = lower
            return
        raise AssertionError(f"unhandled rule form {form}")

    def cmp_atom(self, quantity: Node, op: str, value: Exact) -> LNode:
        """``quantity op value`` for a constant of the rule's form (a target, a tier limit)."""
        if isinstance(quantity, expr.Const):
            return LConst(_compare(op, _exact(quantity.value), value))
        if quantity.type == "number" or not _whole(value):
            return LCmp(self.sign_term(quantity, value).key, op, 0)
        return LCmp(self.operand(quantity)[1], op, int(value))

    def build(self) -> Program:
        rules: list[CompiledRule] = []
        for index, spec in enumerate(self.rubric.spec.rules):
            compiled = self.rule(index, spec)
            if compiled is not None:
                rules.append(compiled)
        if self.issues:
            raise RulesetError(f"{len(self.issues)} problem(s) in the ruleset",
                               source=self.rubric.source, issues=tuple(self.issues))
        checks = [c for r in rules for c in r.checks]
        enums = {key: FIELDS[path].enum for path, key in self.keys.items()
                 if path in FIELDS and FIELDS[path].kind == "enum"}
        return Program(self.rubric, rules, checks, list(self.terms.values()), dict(self.keys), enums,
                       {c.id: round(c.max * 100) for c in self.rubric.spec.categories},
                       {r.id: r.cents for r in rules},
                       tuple((g.name, round(g.min * 100)) for g in self.rubric.spec.grades))


def _exact(value: Any) -> Any:
    return exact(value) if isinstance(value, float) else value


def _whole(value: Exact) -> bool:
    return isinstance(value, int) or value.denominator == 1


def _compare(op: str, left: Any, right: Any) -> bool:
    return bool({"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
                 "==": left == right, "!=": left != right}[op])


def _positive(value: Fn) -> Fn:
    return lambda env: value(env) > 0


def _in_band(value: Fn, lower: Exact | None, upper: Exact | None) -> Fn:
    def test(env: Mapping[str, Any]) -> bool:
        v = value(env)
        return (lower is None or v >= lower) and (upper is None or v < upper)
    return test


def _getter(path: str) -> Fn:
    return lambda env: env.get(path)


def _presence(path: str) -> Fn:
    return lambda env: path in env


def _honor_titles(env: Mapping[str, Any]) -> list[str]:
    return sorted(f"{h['title']}（{HONOR_LEVEL_LABELS[h['level']]}）" for h in env["honors"])


def _honor_points(levels: Mapping[str, float]) -> Callable[[Mapping[str, Any]], Exact]:
    """Points for honours: each achievement counts once, at its highest level."""
    # in whole hundredths (points have at most two decimals): exact and fast on long lists
    cents = {level: round(exact(points) * 100) for level, points in levels.items()}

    def points(env: Mapping[str, Any]) -> Exact:
        best: dict[str, int] = {}
        for honor in env["honors"]:
            value = cents.get(honor["level"], 0)
            achievement = honor.get("achievement") or honor["title"]
            if value > best.get(achievement, 0):
                best[achievement] = value
        return Fraction(sum(best.values()), 100)
    return points


def compile_program(rubric: Rubric) -> Program:
    """Compile a checked rubric; expression errors are load errors naming the rule."""
    return _Builder(rubric).build()
