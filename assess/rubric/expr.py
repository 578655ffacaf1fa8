"""The condition language of rulesets.

Conditions and quantities are written in a small language that reads like the rubric:
``organization.staff < 2``, ``not plans.overall``, ``count(drills, kind == "flood") < 1``,
``pct(plans.grassroots_with_plans, plans.grassroots_total)``. The text is parsed with
:func:`ast.parse` into a syntax tree that is checked node by node against a whitelist and
the facts schema; nothing is ever passed to ``eval`` or ``exec``.

Semantics:
- A fact path used anywhere outside ``submitted()``/``missing()`` is *required*: when it
  is not submitted the rule is not evaluated and its ``if_missing`` policy applies.
- Inside a list predicate (``count(drills, participants >= 50)``) bare names are the
  item's fields; a comparison with a field the item does not state is false.
- ``ratio(a, b)`` is ``a / b``, and 1 when ``b`` is 0 (nothing to cover is all covered);
  ``pct`` is 100 times that. There is no ``/`` operator, so no division by zero.
- Numbers are exact (:mod:`assess.rubric.exact`): integers stay integers, anything else
  is a :class:`fractions.Fraction`, so ``pct(11, 20)`` is exactly 55.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Any, Literal

import msgspec

from assess.facts import FIELDS, FieldInfo
from assess.i18n import N_, _, comma
from assess.paths import did_you_mean
from assess.rubric.exact import Exact, exact

Env = Mapping[str, Any]
Fn = Callable[[Env], Any]
NodeType = Literal["bool", "int", "number", "str", "list"]
Op = Literal["<", "<=", ">", ">=", "==", "!="]
ItemFn = Callable[[Mapping[str, Any]], Any]

NUMERIC = ("int", "number")
MAX_LENGTH = 2000
MAX_NODES = 200


class ExprError(Exception):
    """A condition or quantity that does not parse or does not type-check."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message = message
        self.column = column
        super().__init__(message if column is None else message + _(" (column {column})").format(column=column))


class Node(msgspec.Struct, frozen=True, eq=False):
    type: NodeType
    text: str


class Const(Node, frozen=True, eq=False):
    value: Any


class Ref(Node, frozen=True, eq=False):
    """A scalar fact path."""

    path: str
    info: FieldInfo


class ListRef(Node, frozen=True, eq=False):
    path: str
    info: FieldInfo


class ListField(Node, frozen=True, eq=False):
    """``drills.participants``: one field of every item of a list."""

    list_path: str
    field: str
    info: FieldInfo


class ItemRef(Node, frozen=True, eq=False):
    field: str
    info: FieldInfo


class Presence(Node, frozen=True, eq=False):
    """``submitted(path)`` (``negated`` False) or ``missing(path)`` (True)."""

    path: str
    negated: bool


class Compare(Node, frozen=True, eq=False):
    op: Op
    left: Node
    right: Node


class BoolOp(Node, frozen=True, eq=False):
    op: str  # and, or
    items: tuple[Node, ...]


class Not(Node, frozen=True, eq=False):
    item: Node


class Arith(Node, frozen=True, eq=False):
    op: str  # + - *
    left: Node
    right: Node


class Neg(Node, frozen=True, eq=False):
    item: Node


class Call(Node, frozen=True, eq=False):
    func: str
    args: tuple[Node, ...]


_CMP: dict[type[ast.cmpop], Op] = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
                                   ast.Eq: "==", ast.NotEq: "!="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
FUNCTIONS = ("count", "sum", "any", "all", "distinct", "submitted", "missing",
             "ratio", "pct", "min", "max")


class _Scope(msgspec.Struct):
    """Where a name is looked up: fact paths, or the fields of one list's items."""

    item_fields: dict[str, FieldInfo] | None = None
    list_path: str | None = None
    nodes: list[int] = msgspec.field(default_factory=lambda: [0])


def parse(text: str, expect: str | tuple[str, ...]) -> Node:
    """Parse and type-check ``text``; ``expect`` is the type(s) the result must have."""
    if not isinstance(text, str):
        raise ExprError(_("expected an expression string, got {kind}").format(kind=type(text).__name__))
    if len(text) > MAX_LENGTH:
        raise ExprError(_("expression longer than {count} characters").format(count=MAX_LENGTH))
    source = " ".join(text.split())
    if not source:
        raise ExprError(_("empty expression"))
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExprError(_("syntax error: {reason}").format(reason=exc.msg), exc.offset) from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExprError(_("expression cannot be parsed")) from exc
    try:
        node = _build(tree.body, _Scope())
    except RecursionError as exc:
        raise ExprError(_("expression nested too deeply")) from exc
    wanted = (expect,) if isinstance(expect, str) else expect
    if node.type not in wanted and not (node.type == "int" and "number" in wanted):
        raise ExprError(_("expected a {wanted} expression, got a {kind} one").format(
            wanted=_(" or ").join(_kind_word(w) for w in wanted), kind=_kind_word(node.type)))
    return node


_KINDS = {"bool": N_("bool"), "int": N_("int"), "number": N_("number"), "str": N_("str"), "list": N_("list"),
          "enum": N_("enum"), "section": N_("section")}
"""The kinds of value an expression has, named in messages (the words of the language's own types)."""


def _kind_word(kind: str) -> str:
    return _(_KINDS.get(kind, kind))


def _fail(message: str, node: ast.AST) -> ExprError:
    return ExprError(message, getattr(node, "col_offset", -1) + 1)


def _text(node: ast.AST) -> str:
    return ast.unparse(node)


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base is not None else None
    return None


def _build(node: ast.AST, scope: _Scope) -> Node:
    scope.nodes[0] += 1
    if scope.nodes[0] > MAX_NODES:
        raise _fail(_("expression has more than {count} parts").format(count=MAX_NODES), node)
    if isinstance(node, ast.Constant):
        return _const(node)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _name(node, scope)
    if isinstance(node, ast.Compare):
        return _compare(node, scope)
    if isinstance(node, ast.BoolOp):
        items = tuple(_build(v, scope) for v in node.values)
        for item, raw in zip(items, node.values, strict=True):
            if item.type != "bool":
                raise _fail(_("'{text}' is a {kind}, not a condition").format(
                    text=_text(raw), kind=_kind_word(item.type)), raw)
        return BoolOp("bool", _text(node), "and" if isinstance(node.op, ast.And) else "or", items)
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, scope)
        if isinstance(node.op, ast.Not):
            if operand.type != "bool":
                raise _fail(_("'not' needs a condition, '{text}' is a {kind}").format(
                    text=_text(node.operand), kind=_kind_word(operand.type)), node)
            return Not("bool", _text(node), operand)
        if isinstance(node.op, ast.USub):
            _need_number(operand, node.operand)
            if isinstance(operand, Const):
                return Const(operand.type, _text(node), -operand.value)
            return Neg(operand.type, _text(node), operand)
        if isinstance(node.op, ast.UAdd):
            _need_number(operand, node.operand)
            return operand
        raise _fail(_("unsupported operator"), node)
    if isinstance(node, ast.BinOp):
        op = _ARITH.get(type(node.op))
        if op is None:
            hint = _(" (use ratio(a, b) or pct(a, b))") if isinstance(node.op, ast.Div) else ""
            raise _fail(_("unsupported operator") + hint, node)
        left = _build(node.left, scope)
        right = _build(node.right, scope)
        _need_number(left, node.left)
        _need_number(right, node.right)
        kind: NodeType = "int" if left.type == right.type == "int" else "number"
        return Arith(kind, _text(node), op, left, right)
    if isinstance(node, ast.Call):
        return _call(node, scope)
    raise _fail(_("'{text}' is not allowed in a condition").format(text=_text(node)), node)


def _const(node: ast.Constant) -> Const:
    value = node.value
    if isinstance(value, bool):
        return Const("bool", _text(node), value)
    if isinstance(value, int):
        return Const("int", _text(node), value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(_("numbers must be finite"), node)
        return Const("number", _text(node), value)
    if isinstance(value, str):
        return Const("str", _text(node), value)
    raise _fail(_("constant {text} is not allowed").format(text=_text(node)), node)


def _name(node: ast.AST, scope: _Scope) -> Node:
    dotted = _dotted(node)
    if dotted is None:
        raise _fail(_("'{text}' is not a fact path").format(text=_text(node)), node)
    if dotted in ("true", "false"):
        raise _fail(_("write {right}, not {wrong}").format(right=dotted.capitalize(), wrong=dotted), node)
    if scope.item_fields is not None:
        info = scope.item_fields.get(dotted)
        if info is None:
            hint = did_you_mean(dotted, scope.item_fields)
            raise _fail(_("'{name}' is not a field of {list} items").format(name=dotted, list=scope.list_path) + hint,
                        node)
        return ItemRef(_kind(info), dotted, dotted, info)
    info = FIELDS.get(dotted)
    if info is None:
        head, _dot, tail = dotted.rpartition(".")
        owner = FIELDS.get(head)
        if owner is not None and owner.kind == "list" and tail in owner.item_fields:
            sub = owner.item_fields[tail]
            return ListField("list", dotted, head, tail, sub)
        raise _fail(_("unknown fact path '{path}'").format(path=dotted) + did_you_mean(dotted, FIELDS), node)
    if info.kind == "list":
        return ListRef("list", dotted, dotted, info)
    if info.kind == "section":
        raise _fail(_("'{path}' is a section; name one of its fields, or use submitted({path})").format(path=dotted),
                    node)
    return Ref(_kind(info), dotted, dotted, info)


def _kind(info: FieldInfo) -> NodeType:
    kind = info.kind
    if kind == "enum":
        return "str"
    if kind == "section":
        raise ExprError(_("'{path}' is a section, not a value").format(path=info.path))
    return kind


def _need_number(node: Node, raw: ast.AST) -> None:
    if node.type not in NUMERIC:
        raise _fail(_("'{text}' is a {kind}, not a number").format(text=_text(raw), kind=_kind_word(node.type)), raw)


def _enum_values(node: Node) -> tuple[str, ...] | None:
    if isinstance(node, (Ref, ItemRef)) and node.info.kind == "enum":
        return node.info.enum
    return None


def _compare(node: ast.Compare, scope: _Scope) -> Node:
    operands = [_build(node.left, scope)] + [_build(c, scope) for c in node.comparators]
    raws = [node.left, *node.comparators]
    parts: list[Node] = []
    for index, op_node in enumerate(node.ops):
        op = _CMP.get(type(op_node))
        if op is None:
            raise _fail(_("unsupported comparison (use ==, !=, <, <=, >, >=)"), node)
        left, right = operands[index], operands[index + 1]
        _check_comparable(op, left, right, raws[index], raws[index + 1])
        text = f"{left.text} {op} {right.text}"
        parts.append(Compare("bool", text, op, left, right))
    if len(parts) == 1:
        return parts[0]
    return BoolOp("bool", _text(node), "and", tuple(parts))


def _check_comparable(op: str, left: Node, right: Node, lraw: ast.AST, rraw: ast.AST) -> None:
    if left.type in NUMERIC and right.type in NUMERIC:
        return
    if left.type != right.type:
        raise _fail(_("cannot compare '{left}' ({left_kind}) with '{right}' ({right_kind})").format(
            left=_text(lraw), left_kind=_kind_word(left.type), right=_text(rraw),
            right_kind=_kind_word(right.type)), lraw)
    if left.type == "list":
        raise _fail(_("cannot compare lists; use count(...)"), lraw)
    if op not in ("==", "!="):
        raise _fail(_("'{op}' needs numbers; {kind} values only support == and !=").format(
            op=op, kind=_kind_word(left.type)), lraw)
    if left.type == "str":
        for ref, other, raw in ((left, right, rraw), (right, left, lraw)):
            values = _enum_values(ref)
            if values is not None and isinstance(other, Const) and other.value not in values:
                raise _fail(_("'{value}' is not a value of {field}: one of {values}").format(
                    value=other.value, field=ref.text, values=comma().join(values))
                    + did_you_mean(str(other.value), values), raw)
        if _enum_values(left) is None and _enum_values(right) is None:
            raise _fail(_("free text cannot be compared; compare a field with fixed values"), lraw)
        if not (isinstance(left, Const) or isinstance(right, Const)):
            raise _fail(_("compare a coded field with a quoted value"), lraw)


def _call(node: ast.Call, scope: _Scope) -> Node:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        shown = name or _text(node.func)
        raise _fail(_("unknown function '{name}'").format(name=shown) + did_you_mean(shown, FUNCTIONS), node)
    if node.keywords:
        raise _fail(_("{name}() takes no keyword arguments").format(name=name), node)
    raw = node.args
    text = _text(node)
    if name in ("submitted", "missing"):
        if len(raw) != 1 or scope.item_fields is not None:
            raise _fail(_("{name}() takes one fact path, outside list predicates").format(name=name), node)
        path = _dotted(raw[0])
        if path is None or path not in FIELDS:
            shown = path or _text(raw[0])
            raise _fail(_("unknown fact path '{path}'").format(path=shown) + did_you_mean(shown, FIELDS), raw[0])
        return Presence("bool", text, path, name == "missing")
    if scope.item_fields is not None and name in ("count", "sum", "any", "all", "distinct"):
        raise _fail(_("{name}() cannot be nested inside a list predicate").format(name=name), node)
    if name in ("count", "any", "all"):
        if len(raw) not in ((1, 2) if name == "count" else (2,)):
            usage = "count(list) or count(list, condition)" if name == "count" else f"{name}(list, condition)"
            raise _fail(_("usage: {usage}").format(usage=usage), node)
        target = _build(raw[0], scope)
        if not isinstance(target, ListRef):
            raise _fail(_("{name}() needs a list such as drills or honors as its first argument").format(name=name),
                        raw[0])
        args: list[Node] = [target]
        if len(raw) == 2:
            args.append(_predicate(raw[1], target, scope))
        return Call("int" if name == "count" else "bool", text, name, tuple(args))
    if name in ("sum", "distinct"):
        if len(raw) not in (1, 2):
            raise _fail(_("usage: {usage}").format(usage=f"{name}(list.field) or {name}(list.field, condition)"),
                        node)
        target = _build(raw[0], scope)
        if not isinstance(target, ListField):
            raise _fail(_("{name}() needs a list field such as drills.participants").format(name=name), raw[0])
        if name == "sum" and target.info.kind not in NUMERIC:
            raise _fail(_("sum() needs a numeric field; {field} is {kind}").format(
                field=target.text, kind=_kind_word(target.info.kind)), raw[0])
        args = [target]
        if len(raw) == 2:
            owner = ListRef("list", target.list_path, target.list_path, FIELDS[target.list_path])
            args.append(_predicate(raw[1], owner, scope))
        kind: NodeType = "int" if name == "distinct" or target.info.kind == "int" else "number"
        return Call(kind, text, name, tuple(args))
    # ratio, pct, min, max
    wanted = 2 if name in ("ratio", "pct") else None
    if (wanted is not None and len(raw) != wanted) or (wanted is None and len(raw) < 2):
        raise _fail((_("{name}() takes two numbers") if wanted else _("{name}() takes two or more numbers")).format(
            name=name), node)
    values = tuple(_build(a, scope) for a in raw)
    for value, raw_arg in zip(values, raw, strict=True):
        _need_number(value, raw_arg)
    if name in ("min", "max") and all(v.type == "int" for v in values):
        return Call("int", text, name, values)
    return Call("number", text, name, values)


def _predicate(raw: ast.AST, target: ListRef, scope: _Scope) -> Node:
    inner = _Scope(item_fields=target.info.item_fields, list_path=target.path, nodes=scope.nodes)
    predicate = _build(raw, inner)
    if predicate.type != "bool":
        raise _fail(_("the condition on {list} items must be true or false").format(list=target.path), raw)
    return predicate


# --------------------------------------------------------------------------- analysis


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, Arith):
        return (node.left, node.right)
    if isinstance(node, (BoolOp,)):
        return node.items
    if isinstance(node, (Not, Neg)):
        return (node.item,)
    if isinstance(node, Call):
        return node.args
    return ()


def required_paths(node: Node) -> list[str]:
    """Fact paths (scalars and lists) that must be submitted to evaluate ``node``."""
    out: list[str] = []
    for sub in walk(node):
        if isinstance(sub, (Ref, ListRef)):
            path = sub.path
        elif isinstance(sub, ListField):
            path = sub.list_path
        else:
            continue
        if path not in out:
            out.append(path)
    return out


def read_paths(node: Node) -> list[str]:
    """Every fact path ``node`` reads, including those only tested for presence."""
    out = required_paths(node)
    for sub in walk(node):
        if isinstance(sub, Presence) and sub.path not in out:
            out.append(sub.path)
    return out


# --------------------------------------------------------------------------- evaluation


def _const_value(node: Const) -> Any:
    return exact(node.value) if node.type == "number" else node.value


def compile_value(node: Node) -> Fn:
    """A function computing ``node`` over flat facts whose required paths are present."""
    if isinstance(node, Const):
        value = _const_value(node)
        return lambda env: value
    if isinstance(node, Ref):
        path = node.path
        if node.type == "number":
            return lambda env: exact(env[path])
        return lambda env: env[path]
    if isinstance(node, Presence):
        path = node.path
        if node.negated:
            return lambda env: path not in env
        return lambda env: path in env
    if isinstance(node, Compare):
        return _compile_share(node) or _compile_compare(node.op, compile_value(node.left),
                                                        compile_value(node.right))
    if isinstance(node, BoolOp):
        return _compile_boolop(node.op, tuple(compile_value(i) for i in node.items))
    if isinstance(node, Not):
        inner = compile_value(node.item)
        return lambda env: not inner(env)
    if isinstance(node, Neg):
        inner = compile_value(node.item)
        return lambda env: -inner(env)
    if isinstance(node, Arith):
        return _compile_arith(node.op, compile_value(node.left), compile_value(node.right))
    if isinstance(node, Call):
        return _compile_call(node)
    raise TypeError(f"cannot evaluate {type(node).__name__} outside a list predicate")


def _compile_compare(op: str, left: Callable[[Any], Any], right: Callable[[Any], Any]) -> Callable[[Any], bool]:
    if op == "<":
        return lambda env: left(env) < right(env)
    if op == "<=":
        return lambda env: left(env) <= right(env)
    if op == ">":
        return lambda env: left(env) > right(env)
    if op == ">=":
        return lambda env: left(env) >= right(env)
    if op == "==":
        return lambda env: left(env) == right(env)
    return lambda env: left(env) != right(env)


def _compile_boolop(op: str, parts: tuple[Fn, ...]) -> Fn:
    # Two or three parts are the common case, spelt out: a generator per test costs more
    # than the tests. The parts are typed bool, so the value is True or False.
    if len(parts) == 2:
        a, b = parts
        if op == "and":
            return lambda env: bool(a(env) and b(env))
        return lambda env: bool(a(env) or b(env))
    if len(parts) == 3:
        a, b, c = parts
        if op == "and":
            return lambda env: bool(a(env) and b(env) and c(env))
        return lambda env: bool(a(env) or b(env) or c(env))
    if op == "and":
        return lambda env: all(p(env) for p in parts)
    return lambda env: any(p(env) for p in parts)


_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
              "!=": operator.ne}


def _compile_share(node: Compare) -> Fn | None:
    """``pct(a, b) < 80`` (or ``ratio``) of two counts against a constant, compared by cross
    multiplication in integers (the sign of 100·a·q - p·b, for the constant p/q): the same
    answer as the exact share, without making a Fraction. None for any other comparison."""
    op: str = node.op
    share, const = node.left, node.right
    if isinstance(share, Const):
        share, const, op = const, share, _MIRRORED[op]
    if not isinstance(const, Const):
        return None
    signed = compile_share_sign(share, _const_value(const))
    if signed is None:
        return None
    test: Callable[[int, int], bool] = _OPERATORS[op]
    return lambda env: test(signed(env), 0)


def compile_share_sign(node: Node, constant: Exact) -> Fn | None:
    """The sign of ``pct(a, b) - constant`` (or ``ratio``) of two counts, in integers; None for
    any other value."""
    parts = _share_parts(node, constant)
    if parts is None:
        return None
    part_fn, whole_fn, scale, p = parts
    empty = (scale > p) - (scale < p)  # nothing to cover is all covered: the share is 100 % (1)

    def signed(env: Env) -> int:
        part, whole = part_fn(env), whole_fn(env)
        if whole == 0:
            return empty
        if whole < 0:
            part, whole = -part, -whole
        difference: int = scale * part - p * whole
        return (difference > 0) - (difference < 0)
    return signed


def _share_parts(share: Node, constant: Any) -> tuple[Fn, Fn, int, int] | None:
    """For ``pct``/``ratio`` of two counts against the constant p/q: the part's and the whole's
    functions, the share's scale times q, and p."""
    if not (isinstance(share, Call) and share.func in ("pct", "ratio") and all(a.type == "int" for a in share.args)):
        return None
    value = Fraction(constant)
    part_fn, whole_fn = (compile_value(a) for a in share.args)
    return part_fn, whole_fn, (100 if share.func == "pct" else 1) * value.denominator, value.numerator


def _compile_arith(op: str, left: Callable[[Any], Any], right: Callable[[Any], Any]) -> Callable[[Any], Any]:
    if op == "+":
        return lambda env: left(env) + right(env)
    if op == "-":
        return lambda env: left(env) - right(env)
    return lambda env: left(env) * right(env)


def ratio(part: Exact, whole: Exact) -> Exact:
    if whole == 0:
        return 1
    if part.__class__ is int and whole.__class__ is int:  # counts, mostly: one Fraction, not three
        return _quotient(part, whole)
    return Fraction(part) / whole


def pct(part: Exact, whole: Exact) -> Exact:
    if whole != 0 and part.__class__ is int and whole.__class__ is int:
        return _quotient(100 * part, whole)
    return 100 * ratio(part, whole)


def _quotient(part: int, whole: int) -> Exact:
    """part / whole exactly: an int when it divides (all covered, none: the common shares)."""
    quotient, rest = divmod(part, whole)
    return quotient if not rest else Fraction(part, whole)


_PURE: dict[str, Callable[..., Any]] = {"ratio": ratio, "pct": pct, "min": min, "max": max}


def _compile_call(node: Call) -> Fn:
    name = node.func
    if name in ("count", "any", "all", "sum", "distinct"):
        first = node.args[0]
        list_path = first.path if isinstance(first, ListRef) else first.list_path  # type: ignore[attr-defined]
        pred = compile_item(node.args[1]) if len(node.args) == 2 else None
        if name == "count":
            if pred is None:
                return lambda env: len(env[list_path])
            return lambda env: sum(1 for item in env[list_path] if pred(item))
        if name == "any":
            assert pred is not None
            return lambda env: any(pred(item) for item in env[list_path])
        if name == "all":
            assert pred is not None
            return lambda env: all(pred(item) for item in env[list_path])
        assert isinstance(first, ListField)
        key = first.field
        # An item's unset field is left out of a dump, and None in a model's own fields (see
        # assess.engines.compiled.Reader): both are skipped.
        chosen: Callable[[Env], Iterator[Any]]
        if pred is None:
            def chosen(env: Env) -> Iterator[Any]:
                return (item[key] for item in env[list_path] if item.get(key) is not None)
        else:
            def chosen(env: Env) -> Iterator[Any]:
                return (item[key] for item in env[list_path] if item.get(key) is not None and pred(item))
        if name == "sum":
            if first.info.kind == "number":
                return lambda env: sum(exact(v) for v in chosen(env))
            return lambda env: sum(chosen(env))
        return lambda env: len(set(chosen(env)))
    pure = _PURE[name]
    args = tuple(compile_value(a) for a in node.args)
    if len(args) == 2:
        a, b = args
        return lambda env: pure(a(env), b(env))
    return lambda env: pure(*(f(env) for f in args))


def compile_item(node: Node) -> ItemFn:
    """A predicate or value over one list item; missing item fields make comparisons false."""
    if isinstance(node, Const):
        value = _const_value(node)
        return lambda item: value
    if isinstance(node, ItemRef):
        key = node.field
        if node.type == "number":
            return lambda item: None if item.get(key) is None else exact(item[key])
        return lambda item: item.get(key)
    if isinstance(node, Compare):
        left, right = compile_item(node.left), compile_item(node.right)
        test = _compile_compare(node.op, left, right)

        def compare(item: Mapping[str, Any]) -> bool:
            if left(item) is None or right(item) is None:
                return False
            return test(item)
        return compare
    if isinstance(node, BoolOp):
        parts = tuple(compile_item(i) for i in node.items)
        if node.op == "and":
            return lambda item: all(p(item) for p in parts)
        return lambda item: any(p(item) for p in parts)
    if isinstance(node, Not):
        inner = compile_item(node.item)
        return lambda item: not inner(item)
    if isinstance(node, Neg):
        inner = compile_item(node.item)
        return lambda item: None if inner(item) is None else -inner(item)
    if isinstance(node, Arith):
        left, right = compile_item(node.left), compile_item(node.right)
        calc = _compile_arith(node.op, left, right)
        return lambda item: None if left(item) is None or right(item) is None else calc(item)
    if isinstance(node, Call) and node.func in _PURE:
        pure = _PURE[node.func]
        args = tuple(compile_item(a) for a in node.args)

        def call(item: Mapping[str, Any]) -> Any:
            values = [f(item) for f in args]
            return None if any(v is None for v in values) else pure(*values)
        return call
    raise TypeError(f"{type(node).__name__} is not allowed in a list predicate")
