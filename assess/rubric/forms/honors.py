"""``honors``: bonus points for honours of the year, by level (国家级5分、省级3分、市级1分).

Each achievement counts once, at its highest level (an honour's ``achievement`` names
it; otherwise its title does).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Annotated, Any

from pydantic import Field

from assess.facts import HONOR_LEVEL_LABELS, HonorLevel
from assess.paths import Path
from assess.points import cents, fmt
from assess.rubric.exact import Exact, exact, sign
from assess.rubric.forms.base import Amount, AmountContext, Bound, CheckBuilder, Form, FormKind, Phrase
from assess.rubric.program import Check, CompiledRule, Evidence, LCmp
from assess.rubric.types import Positive

HONOR_ORDER = ("national", "provincial", "municipal", "county")
Levels = dict[str, float]


class Honors(Form):
    name = "honors"
    kinds = frozenset({"bonus"})
    spec = Annotated[dict[HonorLevel, Positive], Field(min_length=1)]

    def point_values(self, value: Levels) -> Iterator[tuple[Path, float]]:
        for level, points in value.items():
            yield (level,), points

    def facts(self, value: Levels) -> tuple[str, ...]:
        return ("honors",)

    def compile(self, value: Levels, rule: CompiledRule, build: CheckBuilder) -> Iterator[Check]:
        ordered = sorted(value.items(), key=lambda kv: HONOR_ORDER.index(kv[0]))
        term = build.special_term(f"honor_points({', '.join(f'{k}={v:g}' for k, v in ordered)})",
                                  "number", _honor_points(dict(value)), ("honors",))
        points = rule.quantity = term.fn
        rule.evidence += (Evidence("honors", _honor_titles, ("honors",)), Evidence(term.text, term.fn, term.paths))
        positive = build.special_term(f"sign({term.text})", "int", lambda env: sign(points(env)), term.paths)
        yield build.check("match", None, build.guarded(lambda env: points(env) > 0),
                          build.lowered(LCmp(positive.key, ">", 0)))

    def amount(self, value: Levels, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        assert rule.quantity is not None
        amount = cents(rule.quantity(context.env))
        return Amount(amount, {"points": amount})

    def most(self, value: Levels, bound: Bound) -> float:
        return math.inf

    def words(self, value: Levels, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        levels = "，".join(f"{HONOR_LEVEL_LABELS[k]}{fmt(v)}分" for k, v in value.items())
        return f"{levels}；同一事项按最高级别计一次，最多{fmt(points)}分"


def _honor_titles(env: Mapping[str, Any]) -> list[str]:
    return sorted(f"{h['title']}（{HONOR_LEVEL_LABELS[h['level']]}）" for h in env["honors"])


def _honor_points(levels: Mapping[str, float]) -> Callable[[Mapping[str, Any]], Exact]:
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
