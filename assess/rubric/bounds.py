"""Bounds of rule arithmetic, checked when a ruleset loads.

Exact arithmetic cannot overflow, but its results still leave as JSON numbers, report
text and durable-rules facts, which hold integers exactly only up to 2**53. So every
constant and every computed value of a ruleset gets a bound from the largest values
the facts schema accepts; one that could pass 2**53, or a ``ratio``/``pct`` whose
divisor can come arbitrarily close to zero, is a load error naming the rule, never a
failure while scoring.
"""

from __future__ import annotations

import math
from fractions import Fraction

import msgspec

from assess.facts import MAX_LIST
from assess.i18n import _
from assess.rubric import expr
from assess.rubric.exact import LIMIT, exact
from assess.rubric.expr import Node


class BoundError(Exception):
    """A constant or computed value that could leave the exactly representable range."""


class Bound(msgspec.Struct, frozen=True):
    """The largest magnitude a value can have, and the step its values are multiples of
    (None when they are arbitrary rationals, so a non-zero value can be arbitrarily small)."""

    limit: Fraction
    step: Fraction | None


def _step_gcd(a: Fraction | None, b: Fraction | None) -> Fraction | None:
    if a is None or b is None:
        return None
    return Fraction(math.gcd(a.numerator, b.numerator), math.lcm(a.denominator, b.denominator))


def bound(node: Node) -> Bound:
    """The bound of a numeric node; raises BoundError when it is too large or unbounded."""
    found = _bound(node)
    if found.limit > LIMIT:
        raise BoundError(_("'{expression}' can reach {limit}; values beyond 2**53 (about 9e15) cannot be kept "
                           "exactly").format(expression=node.text, limit=f"{float(found.limit):.3g}"))
    return found


def check_bounds(node: Node) -> None:
    """Bound every numeric part of an expression (see :func:`bound`)."""
    for sub in expr.walk(node):
        if sub.type in expr.NUMERIC:
            bound(sub)


def _field(maximum: float | None, kind: str) -> Bound:
    limit = exact(maximum) if maximum is not None else Fraction(LIMIT + 1)
    return Bound(Fraction(limit), Fraction(1) if kind == "int" else None)


def _bound(node: Node) -> Bound:
    if isinstance(node, expr.Const):
        value = Fraction(exact(node.value))
        if abs(value) > LIMIT:
            raise BoundError(_("constant {text} is beyond 2**53 (about 9e15)").format(text=node.text))
        return Bound(abs(value), Fraction(1, value.denominator))
    if isinstance(node, (expr.Ref, expr.ItemRef)):
        return _field(node.info.maximum, node.info.kind)
    if isinstance(node, expr.Neg):
        return bound(node.item)
    if isinstance(node, expr.Arith):
        left, right = bound(node.left), bound(node.right)
        if node.op == "*":
            step = None if left.step is None or right.step is None else left.step * right.step
            return Bound(left.limit * right.limit, step)
        return Bound(left.limit + right.limit, _step_gcd(left.step, right.step))
    if isinstance(node, expr.Call):
        if node.func in ("count", "distinct"):
            return Bound(Fraction(MAX_LIST), Fraction(1))
        if node.func == "sum":
            item = node.args[0]
            assert isinstance(item, expr.ListField)
            one = _field(item.info.maximum, item.info.kind)
            return Bound(one.limit * MAX_LIST, one.step)
        if node.func in ("min", "max"):
            parts = [bound(a) for a in node.args]
            common: Fraction | None = parts[0].step
            for part in parts[1:]:
                common = _step_gcd(common, part.step)
            return Bound(max(p.limit for p in parts), common)
        if node.func in ("ratio", "pct"):
            part, whole = bound(node.args[0]), bound(node.args[1])
            if whole.step is None:
                raise BoundError(_("{function}() divides by '{expression}', which can be arbitrarily close to "
                                   "zero; divide by a whole number").format(function=node.func,
                                                                            expression=node.args[1].text))
            limit = max(Fraction(1), part.limit / whole.step)
            return Bound(limit * 100 if node.func == "pct" else limit, None)
    raise TypeError(f"{type(node).__name__} is not a number")
