"""Points: counted in integer hundredths, rounded one way, written the one way a person reads.

Rubric points have at most two decimals (checked when a ruleset loads), so counting in
hundredths makes ``0.2 * 7`` exactly 1.4 and totals add up; an amount worked out in
fractions (a shortfall) is rounded half up to hundredths.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value: float) -> int:
    """Points as integer hundredths."""
    return round(value * 100)


def money(value: Decimal) -> Decimal:
    """Rounded half up to hundredths."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: float | None) -> str:
    """Points for a person: ``4.5``, ``4``, ``0.25``; ``—`` when there is no value."""
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def num(value: float) -> str:
    """A number in a message about a ruleset, as its author wrote it."""
    return f"{value:g}"
