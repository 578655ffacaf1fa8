"""A plain interpreter for the condition language (docs/rulesets.md) over Python's ast.

Values are bool, str, int or Fraction; a list predicate's comparison with a field the
item does not state is false. Nothing here is shared with assess.rubric.expr.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from typing import Any

LIST_FUNCTIONS = ("count", "any", "all", "sum", "distinct")


def to_fraction(value: Any) -> Fraction:
    """A number as written (YAML or JSON): 0.2 is two tenths, not the nearest float."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def half_up_cents(value: Fraction) -> Fraction:
    """Round half up to 0.01, as docs/rulesets.md's fractional shortfall does."""
    scaled = value * 100
    floor = scaled.numerator // scaled.denominator
    return Fraction(floor + (1 if scaled - floor >= Fraction(1, 2) else 0), 100)



def dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def lookup(unit: dict[str, Any], path: str) -> Any:
    value: Any = unit
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def submitted(unit: dict[str, Any], path: str) -> bool:
    return lookup(unit, path) is not None


def _list_path(node: ast.AST) -> tuple[str, str | None]:
    """``drills`` -> (drills, None); ``supplies.items.quantity`` -> (supplies.items, quantity)."""
    path = dotted(node)
    assert path is not None
    for candidate in ("plans.named", "supplies.items", "drills", "honors", "adjustments"):
        if path == candidate:
            return path, None
        if path.startswith(candidate + "."):
            return candidate, path[len(candidate) + 1:]
    raise AssertionError(f"not a list: {path}")


def required_paths(text: str) -> list[str]:
    """Fact paths read outside submitted()/missing() and outside list predicates."""
    out: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in ("submitted", "missing"):
                return
            if name in LIST_FUNCTIONS:
                out.append(_list_path(node.args[0])[0])
                return
            for arg in node.args:
                visit(arg)
            return
        path = dotted(node)
        if path is not None and path not in ("True", "False"):
            out.append(path)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(text, mode="eval").body)
    return out


def evaluate(text: str, unit: dict[str, Any]) -> Any:
    return _eval(ast.parse(text, mode="eval").body, unit, None)


def _number(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        return value
    return to_fraction(value)


def _eval(node: ast.AST, unit: dict[str, Any], item: dict[str, Any] | None) -> Any:
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.Name) and node.id in ("True", "False"):
        return node.id == "True"
    path = dotted(node)
    if path is not None:
        source = unit if item is None else item
        return _number(lookup(source, path))
    if isinstance(node, ast.BoolOp):
        values = (bool(_eval(v, unit, item)) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        inner = _eval(node.operand, unit, item)
        if isinstance(node.op, ast.Not):
            return not inner
        return None if inner is None else -inner
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, unit, item), _eval(node.right, unit, item)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        assert isinstance(node.op, ast.Mult)
        return left * right
    if isinstance(node, ast.Compare):
        left = _eval(node.left, unit, item)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, unit, item)
            if left is None or right is None or not _compare(op, left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return _call(node.func.id, node.args, unit, item)
    raise AssertionError(f"unsupported syntax: {ast.dump(node)}")


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    if isinstance(op, ast.Lt):
        return bool(left < right)
    if isinstance(op, ast.LtE):
        return bool(left <= right)
    if isinstance(op, ast.Gt):
        return bool(left > right)
    if isinstance(op, ast.GtE):
        return bool(left >= right)
    if isinstance(op, ast.Eq):
        return bool(left == right)
    assert isinstance(op, ast.NotEq)
    return bool(left != right)


def _call(name: str, args: list[ast.expr], unit: dict[str, Any], item: dict[str, Any] | None) -> Any:
    if name in ("submitted", "missing"):
        path = dotted(args[0])
        assert path is not None
        return submitted(unit, path) == (name == "submitted")
    if name in LIST_FUNCTIONS:
        list_path, key = _list_path(args[0])
        items: list[dict[str, Any]] = lookup(unit, list_path)
        chosen = [i for i in items if len(args) < 2 or _eval(args[1], unit, i)]
        if name == "count":
            return Fraction(len(chosen))
        if name == "any":
            return bool(chosen)
        if name == "all":
            return len(chosen) == len(items)
        values = [_number(i[key]) for i in chosen if key is not None and i.get(key) is not None]
        if name == "sum":
            return sum(values, Fraction(0))
        return Fraction(len(set(values)))
    values = [_eval(a, unit, item) for a in args]
    if any(v is None for v in values):
        return None
    if name == "ratio":
        return Fraction(1) if values[1] == 0 else values[0] / values[1]
    if name == "pct":
        return 100 * (Fraction(1) if values[1] == 0 else values[0] / values[1])
    if name == "min":
        return min(values)
    assert name == "max"
    return max(values)
