"""Compiling a checked rubric into the program both engines evaluate.

Every expression of a rule (its ``when``, its form's quantities, its reason template's
placeholders) is parsed, type-checked and bounded here, so that an error is a load error
naming the rule and its line; the rule's form then builds its checks from the parsed
expressions (see :mod:`assess.rubric.forms`).

Numbers are exact (:mod:`assess.rubric.exact`), but durable-rules compares doubles and
parses neither fractions nor every way Python writes a float. So only whole numbers are
compared as themselves; a comparison with a fraction on either side (``pct(a, b) < 58``,
``funds.amount >= 0.5``) is lowered to the *sign term* of its difference, computed exactly
once per unit, which both engines compare with 0 under the same operator. Every value is
bounded when the ruleset loads (:mod:`assess.rubric.bounds`), so whole numbers stay below
2**53, where doubles are exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from assess.errors import Issue, RulesetError
from assess.facts import FIELDS, OFFICE_FIELDS
from assess.i18n import _, ngettext
from assess.paths import Path
from assess.rubric import expr, yamldoc
from assess.rubric import spec as rubric_spec
from assess.rubric.bounds import BoundError, bound, check_bounds
from assess.rubric.exact import LIMIT, Exact, exact, sign
from assess.rubric.expr import ExprError, Fn, Node, NodeType, Op
from assess.rubric.program import (
    FLIP,
    NEGATE,
    Check,
    CheckKind,
    CompiledRule,
    Evidence,
    LCmp,
    LConst,
    LNode,
    LPresent,
    Placeholder,
    Program,
    Scalar,
    Template,
    Term,
    group,
)
from assess.rubric.spec import Rubric, RuleSpec

TEMPLATE_VARIABLES = ("points", "count", "value", "shortfall", "target")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


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
        # a share of two counts against a constant: in integers, without a Fraction per unit
        signed = expr.compile_share_sign(left, right) if not isinstance(right, Node) else None
        return self.special_term(text, "int", signed or (lambda env: sign(a(env) - b(env))), tuple(paths))

    def special_term(self, text: str, kind: NodeType, fn: Fn, paths: tuple[str, ...]) -> Term:
        found = self.terms.get(text)
        if found is None:
            found = Term(f"t{len(self.terms)}", text, kind, fn, paths)
            self.terms[text] = found
        return found

    # lowering -----------------------------------------------------------------------

    def operand(self, node: Node) -> tuple[Literal["const", "key"], Any]:
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
            node = expr.parse(text, expect)
            check_bounds(node)
        except (ExprError, BoundError) as exc:
            self.fail(self.rubric.rule_path(index, *path), _("in {text!r}: {reason}").format(text=text, reason=exc))
            return None
        return node

    def rule(self, index: int, spec: RuleSpec) -> CompiledRule | None:
        nodes: dict[Path, Node] = {}
        failed = False
        use = spec.use
        when = self.parse(index, ("when",), spec.when, "bool") if spec.when is not None else None
        if spec.when is not None and when is None:
            failed = True
        if use is not None:
            for found in use.form.expressions(use.value):
                node = self.parse(index, (use.key, use.form.name, *found.path), found.text, found.expect)
                if node is None:
                    failed = True
                else:
                    nodes[found.path] = node
        if failed:
            return None
        if use is not None:
            try:
                worst = use.form.limit(use.value, nodes, bound)
            except BoundError as exc:
                self.fail(self.rubric.rule_path(index, use.key), str(exc))
                return None
            if worst * 100 > LIMIT:
                self.fail(self.rubric.rule_path(index, use.key),
                          f"the points it asks for can reach {float(worst):.3g} before caps; "
                          "beyond 2**53 hundredths they cannot be kept exactly")
                return None

        parsed = ([when] if when is not None else []) + list(nodes.values())
        required: list[str] = []
        reads: list[str] = []
        for node in parsed:
            required.extend(p for p in expr.required_paths(node) if p not in required)
            reads.extend(p for p in expr.read_paths(node) if p not in reads)
        for p in use.form.facts(use.value) if use is not None else ():
            required.append(p)
            reads.append(p)
            self.key(p)
        for p in reads:
            self.key(p)

        if spec.source == "office":
            foreign = [p for p in reads if p not in OFFICE_FIELDS]
            if foreign:
                self.fail(self.rubric.rule_path(index, "source"),
                          f"an office-sourced rule reads only facts the office records carry; "
                          f"{', '.join(foreign)} {'is' if len(foreign) == 1 else 'are'} the unit's to submit "
                          f"(the office records carry {', '.join(OFFICE_FIELDS)})")
        compiled = CompiledRule(index, spec, tuple(required), tuple(reads), use.form if use is not None else None)
        compiled.when = expr.compile_value(when) if when is not None else None
        compiled.evidence = self.evidence(parsed)
        compiled.reason = self.template(index, "reason", spec.reason)
        if spec.passed is not None:
            compiled.passed = self.template(index, "passed", spec.passed)
        compiled.checks = tuple(self.checks(compiled, when, nodes))
        worded = [part.node for template in (compiled.reason, compiled.passed) if template is not None
                  for part in template.parts if not isinstance(part, str) and part.node is not None]
        form_lists = [p for p in (use.form.facts(use.value) if use is not None else ())
                      if p not in FIELDS or FIELDS[p].kind == "list"]
        compiled.list_terms = None if form_lists else _list_terms([*parsed, *worded])
        return compiled

    def evidence(self, nodes: list[Node]) -> tuple[Evidence, ...]:
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
            parts.append(Placeholder(inner, expr.compile_value(node), tuple(expr.required_paths(node)),
                                     tuple(expr.read_paths(node)), node))
        parts.append(text[position:])
        if "{" in "".join(p for p in parts if isinstance(p, str)) or \
                "}" in "".join(p for p in parts if isinstance(p, str)):
            self.fail(self.rubric.rule_path(index, key), "unbalanced { or } in the template")
        return Template(tuple(p for p in parts if p != ""))

    def checks(self, rule: CompiledRule, when: Node | None, nodes: Mapping[Path, Node]) -> Iterator[Check]:
        i = rule.index
        required = rule.required
        if required:
            yield Check(f"r{i}.missing", i, "missing", None, _missing(required),
                        group("or", [LPresent(self.key(p), False) for p in required]))
        use = rule.spec.use
        context = _RuleChecks(self, rule, when, nodes)
        if use is None:  # a veto or 否优项: its condition is the whole question
            yield context.check("match", None, context.guarded(_always), context.lowered())
        else:
            yield from use.form.compile(use.value, rule, context)

    def cmp_atom(self, quantity: Node, op: Op, value: Exact) -> LNode:
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
            raise RulesetError(ngettext("{count} problem in the ruleset", "{count} problems in the ruleset",
                                        len(self.issues)).format(count=len(self.issues)),
                               source=self.rubric.source, issues=tuple(self.issues))
        checks = [c for r in rules for c in r.checks]
        enums = {key: FIELDS[path].enum for path, key in self.keys.items()
                 if path in FIELDS and FIELDS[path].kind == "enum"}
        return Program(self.rubric, rules, checks, list(self.terms.values()), dict(self.keys), enums,
                       {c.id: round(c.max * 100) for c in self.rubric.spec.categories},
                       {r.id: r.cents for r in rules},
                       tuple((g.name, round(g.min * 100)) for g in self.rubric.spec.grades))


def _missing(required: tuple[str, ...]) -> Fn:
    """Whether a fact the rule needs is not submitted: asked of every rule for every unit."""
    if len(required) == 1:
        path = required[0]
        return lambda env: path not in env
    needed = frozenset(required)
    return lambda env: not env.keys() >= needed


def _compare(op: str, left: Any, right: Any) -> bool:
    return bool({"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
                 "==": left == right, "!=": left != right}[op])


def _list_terms(nodes: list[Node]) -> tuple[Evidence, ...] | None:
    """Every call in ``nodes`` that reads a list, nested ones too, when each gives a single value
    and no list is read outside one; None otherwise (see ``CompiledRule.list_terms``)."""
    terms: dict[str, Evidence] = {}

    def within(node: Node, inside: bool) -> bool:
        if isinstance(node, (expr.ListRef, expr.ListField)):
            return inside
        reads = isinstance(node, expr.Call) and any(isinstance(sub, (expr.ListRef, expr.ListField))
                                                    for sub in expr.walk(node))
        if reads:
            if node.type not in ("bool", "int", "number", "str"):
                return False
            if node.text not in terms:
                terms[node.text] = Evidence(node.text, expr.compile_value(node), tuple(expr.required_paths(node)))
        return all(within(child, inside or reads) for child in expr.children(node))

    return tuple(terms.values()) if all(within(node, False) for node in nodes) else None


class _RuleChecks:
    """The builder as one rule's form sees it (see :class:`~assess.rubric.forms.CheckBuilder`)."""

    def __init__(self, builder: _Builder, rule: CompiledRule, when: Node | None,
                 nodes: Mapping[Path, Node]) -> None:
        self._builder = builder
        self._rule = rule
        self._nodes = nodes
        self._present = [LPresent(builder.key(p), True) for p in rule.required]
        self._guard: LNode = builder.lower(when) if when is not None else LConst(True)

    def node(self, path: Path) -> Node:
        return self._nodes[path]

    def value(self, path: Path) -> Fn:
        return expr.compile_value(self._nodes[path])

    def atom(self, quantity: Node, op: Op, value: Exact) -> LNode:
        return self._builder.cmp_atom(quantity, op, value)

    def guarded(self, test: Fn) -> Fn:
        guard = self._rule.when
        if guard is None:
            return test
        return lambda env: True if guard(env) and test(env) else False

    def lowered(self, *atoms: LNode) -> LNode:
        return group("and", [*self._present, self._guard, *atoms])

    def check(self, kind: CheckKind, index: int | None, native: Fn, lowered: LNode) -> Check:
        i = self._rule.index
        suffix = {"match": "match", "tier": f"t{index}", "graded": f"g{index}", "missing": "missing"}[kind]
        return Check(f"r{i}.{suffix}", i, kind, index, native, lowered)

    def special_term(self, text: str, kind: Literal["int", "number"], fn: Fn, paths: tuple[str, ...]) -> Term:
        return self._builder.special_term(text, kind, fn, paths)


def _always(env: Mapping[str, Any]) -> bool:
    return True


def _exact(value: Any) -> Any:
    return exact(value) if isinstance(value, float) else value


def _whole(value: Exact) -> bool:
    return isinstance(value, int) or value.denominator == 1


def _getter(path: str) -> Fn:
    return lambda env: env.get(path)


def _presence(path: str) -> Fn:
    return lambda env: path in env


def compile_text(text: str | bytes, source: str) -> tuple[Program, Any]:
    """Read, check and compile a ruleset's YAML text; returns the program and the document's
    data (for its canonical hash). Every problem is a RulesetError naming rule and line."""
    return compile_document(yamldoc.load(text, source), source)


def compile_document(doc: yamldoc.Document, source: str) -> tuple[Program, Any]:
    """Check and compile a read ruleset document (a resolved overlay's, say)."""
    rubric = rubric_spec.parse(doc, source)
    rubric_spec.check(rubric)
    return compile_program(rubric), doc.data


def compile_program(rubric: Rubric) -> Program:
    """Compile a checked rubric; expression errors are load errors naming the rule."""
    return _Builder(rubric).build()
