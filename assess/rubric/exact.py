"""Exact numbers for rule arithmetic.

Rates and shortfalls decide grades at their boundaries: 11/20 must be 55 %, not
55.00000000000001 %, and 29/50 must reach a "58 % and above" tier. Rule arithmetic is
therefore done in integers and :class:`fractions.Fraction`; a number a unit submitted
(``funds.amount``: 0.1) or a ruleset wrote (``0.2``) stands for the decimal that was
written, not for the nearest binary double. :mod:`assess.rubric.bounds` keeps every
value a ruleset can compute within what JSON, reports and durable-rules hold exactly.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

Exact = int | Fraction

LIMIT = 2**53
"""Largest magnitude a rule's constant or computed value may reach."""


def exact(value: int | float | Fraction) -> Exact:
    """The exact number a value stands for; a float means the decimal it prints as."""
    if isinstance(value, (int, Fraction)):
        return int(value) if isinstance(value, bool) else value
    return _decimal(value)


@lru_cache(maxsize=4096)
def _decimal(value: float) -> Exact:
    # Parsing the float's text is the slow part, and the same few constants and shares
    # come back for every unit a ruleset scores; a Fraction is immutable, so it is shared.
    # A whole number is an int: the same value, and arithmetic on it is many times faster.
    if value.is_integer():
        return int(value)
    return Fraction(repr(value))


def sign(value: Exact) -> int:
    return (value > 0) - (value < 0)


def round_half_up(value: Exact) -> int:
    """The nearest integer, halves away from zero (the rounding of 四舍五入)."""
    magnitude: int = math.floor(abs(Fraction(value)) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def hundredths(value: Exact) -> int:
    """A value in whole hundredths, rounded half up."""
    return round_half_up(value * 100)
