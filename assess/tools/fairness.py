"""Lints for a fair rubric (rubric-practice.md, "Design rules a fair rubric follows").

- ``double-charge``: one missing fact, or one shortfall, costs points under several
  rules, and neither rule says so on purpose with ``also_charges``;
- ``misfortune``: a rule deducts (or vetoes) because an incident happened, without a
  reporting, responsibility or handling condition;
- ``unread-field``: facts a unit is asked for that no rule reads (only on request:
  ``assess check --unread``);
- ``cycle-mismatch``: the item speaks of a multi-year cycle, the condition of one year;
- ``pillar-mismatch``: a category labelled with one pillar of 一案三制 whose rules
  mostly read facts of another.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import combinations
from typing import TYPE_CHECKING, Any

from assess.engines import flatten
from assess.engines.native import NativeEngine
from assess.errors import FactsError
from assess.facts import FIELDS, validate
from assess.i18n import _
from assess.rubric import expr
from assess.rubric.program import CompiledRule
from assess.ruleset import Ruleset

if TYPE_CHECKING:
    from assess.tools.lint import Finding

Warn = Callable[[Ruleset, str, str, "CompiledRule | None", "tuple[str | int, ...]"], "Finding"]

INCIDENT_COUNTS = ("incidents.major", "incidents.general", "incidents.deaths")
HANDLING = ("reporting.", "responsibility.", "incidents.death_limit", "adjustments")
"""Facts that make an incident rule judge the unit's conduct: how it reported, whether it
was responsible, a control target set in advance, or an assessor's judgment."""
_CYCLE = re.compile(r"(?<![0-9])(?:[2-9]|10|[两二三四五六七八九十])\s*年")
NOT_ASKED = ("unit.", "source.", "self_score", "adjustments", "plans.named")
"""Facts that identify the unit or record the assessors' own judgment: never unread."""

FIELD_PILLARS: tuple[tuple[str, str], ...] = (
    ("publicity.law_publicity", "法制"),
    ("enterprises.plans_filed", "预案"),
    ("organization.", "体制"), ("responsibility.", "体制"),
    ("plans.", "预案"),
    ("legal.", "法制"), ("enforcement.", "法制"),
    ("drills", "机制"), ("duty.", "机制"), ("reporting.", "机制"), ("warning.", "机制"),
    ("hazards.", "机制"), ("tasks.", "机制"), ("work.", "机制"), ("safety.", "机制"), ("enterprises.", "机制"),
    ("flood.", "机制"), ("forest_fire.", "机制"), ("incidents.", "机制"),
    ("publicity.", "保障"), ("teams.", "保障"), ("supplies.", "保障"), ("funds.", "保障"),
    ("shelters", "保障"), ("comms.", "保障"), ("grassroots.", "保障"),
)
"""The pillar a fact belongs to, first match wins: 法制 is the unit's rules, law publicity
and lawful enforcement; drills, duty and warnings are mechanisms; training, publicity
campaigns, teams and supplies are capacity (保障)."""
DOUBLE_CHARGE_UNITS = 400
"""Generated units searched for a shortfall that two rules charge."""


def findings(ruleset: Ruleset, warn: Warn, units: Iterable[Mapping[str, Any]], unread: bool) -> list[Finding]:
    out: list[Finding] = []
    charged_twice: set[str] = set()  # one double-charge finding per rule
    out += _missing_twice(ruleset, warn, charged_twice)
    out += _shortfall_twice(ruleset, warn, units, charged_twice)
    for rule in ruleset.program.rules:
        out += _misfortune(ruleset, warn, rule)
        out += _cycle(ruleset, warn, rule)
    out += _pillars(ruleset, warn)
    if unread:
        out += _unread(ruleset, warn)
    return out


# ---------------------------------------------------------------- what a rule reads


def _texts(rule: CompiledRule) -> Iterator[str]:
    if rule.spec.when is not None:
        yield rule.spec.when
    use = rule.spec.use
    if use is not None:
        yield from (e.text for e in use.form.expressions(use.value))


def fields_read(rule: CompiledRule) -> set[str]:
    """Fact paths the rule reads, with list items' fields as ``drills.role``."""
    out = set(rule.reads)
    for text in _texts(rule):
        for node in expr.walk(expr.parse(text, ("bool", "int", "number"))):
            if isinstance(node, expr.ListField):
                out.add(f"{node.list_path}.{node.field}")
            elif isinstance(node, expr.Call) and node.args and isinstance(node.args[0], expr.ListRef):
                whole = node.args[0].path
                out.update(f"{whole}.{sub.field}" for arg in node.args[1:] for sub in expr.walk(arg)
                           if isinstance(sub, expr.ItemRef))
    use = rule.spec.use
    for whole in use.form.facts(use.value) if use is not None else ():
        out.update(f"{whole}.{name}" for name in FIELDS[whole].item_fields)  # a form reads its list whole
    return out


def _declared(a: CompiledRule, b: CompiledRule) -> bool:
    return b.id in a.spec.also_charges or a.id in b.spec.also_charges


# ---------------------------------------------------------------- double-charge


def _missing_twice(ruleset: Ruleset, warn: Warn, reported: set[str]) -> list[Finding]:
    """A fact whose absence costs points under two rules (each deducts on missing facts)."""
    policy = ruleset.spec.if_missing
    charging = [r for r in ruleset.program.rules if r.spec.kind == "deduct" and r.spec.source != "office"
                and (r.spec.if_missing or policy) == "deduct"]
    out = []
    for a, b in combinations(charging, 2):
        shared = [p for p in a.required if p in b.required]
        if shared and not _declared(a, b) and b.id not in reported:
            reported.add(b.id)
            out.append(warn(ruleset, "double-charge",
                            _("a unit that does not submit {fact} loses points under both {a} and {b}; "
                              "charge it once, or say also_charges: [{a}] if that is meant").format(
                                fact=shared[0], a=a.id, b=b.id), b, ("when",)))
    return out


def _shortfall_twice(ruleset: Ruleset, warn: Warn, units: Iterable[Mapping[str, Any]],
                     reported: set[str]) -> list[Finding]:
    """One fact whose value alone makes two rules deduct: seen on generated units where
    both deduct and changing only that fact stops both."""
    rules = [r for r in ruleset.program.rules if r.spec.kind == "deduct"]
    pairs = [(a, b, sorted(set(a.reads) & set(b.reads))) for a, b in combinations(rules, 2) if not _declared(a, b)]
    pairs = [(a, b, shared) for a, b, shared in pairs if shared]
    if not pairs:
        return []
    engine = NativeEngine(ruleset.program)
    sample = [dict(u) for _, u in zip(range(DOUBLE_CHARGE_UNITS), units, strict=False)]
    pool: dict[str, list[Any]] = {}
    for data in sample:
        for path in {p for _a, _b, shared in pairs for p in shared}:
            value = _get(data, path)
            if value is not None and value not in pool.setdefault(path, []):
                pool[path].append(value)
    answers = [engine.run(flatten(validate(data))) for data in sample]
    out = []
    for a, b, shared in pairs:
        if b.id in reported:
            continue
        both = [data for data, seen in zip(sample, answers, strict=True)
                if _charges(a, seen) and _charges(b, seen)][:3]
        culprit = next((p for data in both for p in shared
                        if _one_fact_clears(engine, data, p, pool.get(p, []), (a, b))), None)
        if culprit is not None:
            reported.add(b.id)
            out.append(warn(ruleset, "double-charge",
                            _("one shortfall in {fact} costs points under both {a} and {b}; charge it once, "
                              "or say also_charges: [{a}] if that is meant").format(fact=culprit, a=a.id, b=b.id),
                            b, ("when",)))
    return out


def _charges(rule: CompiledRule, answers: frozenset[str]) -> bool:
    return any(c.name in answers for c in rule.checks if c.kind != "missing")


def _one_fact_clears(engine: NativeEngine, data: Mapping[str, Any], path: str, values: list[Any],
                     rules: tuple[CompiledRule, CompiledRule]) -> bool:
    for value in values:
        changed = copy.deepcopy(dict(data))
        _set(changed, path, value)
        try:
            env = flatten(validate(changed))
        except FactsError:
            continue  # the change breaks a cross-field check
        seen = engine.run(env)
        if not any(_charges(r, seen) or r.missing_check in seen for r in rules):
            return True
    return False


def _get(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


# ---------------------------------------------------------------- misfortune and cycles


def _misfortune(ruleset: Ruleset, warn: Warn, rule: CompiledRule) -> list[Finding]:
    if rule.spec.kind == "bonus" or rule.spec.source == "review":
        return []
    counts = [p for p in rule.reads if p in INCIDENT_COUNTS]
    if not counts or any(p.startswith(HANDLING) for p in rule.reads):
        return []
    return [warn(ruleset, "misfortune",
                 _("it charges the unit because {fact} is above zero, however the incident was handled; "
                   "judge the report (迟报、瞒报), the unit's responsibility or the handling found on review "
                   "(source: review) instead").format(fact=counts[0]), rule, ("when",))]


def _cycle(ruleset: Ruleset, warn: Warn, rule: CompiledRule) -> list[Finding]:
    said = _CYCLE.search(rule.spec.item)
    if said is None or any(p.endswith("_year") and p != "unit.year" for p in rule.reads):
        return []
    return [warn(ruleset, "cycle-mismatch",
                 _("the item speaks of a cycle of {cycle}, but the condition reads only this year's facts "
                   "(compare a year such as plans.last_revised_year with unit.year)").format(cycle=said.group(0)),
                 rule, ("item",))]


# ---------------------------------------------------------------- pillars


def pillar_of(path: str) -> str | None:
    """The pillar of 一案三制 (or 保障) a fact belongs to; None for facts of no pillar."""
    return next((pillar for prefix, pillar in FIELD_PILLARS if path == prefix or path.startswith(prefix)), None)


def _rule_pillar(rule: CompiledRule) -> str | None:
    votes = Counter(p for p in (pillar_of(path) for path in rule.reads) if p is not None)
    if not votes:
        return None
    (top, count), *rest = votes.most_common()
    return top if not rest or rest[0][1] < count else None


def _pillars(ruleset: Ruleset, warn: Warn) -> list[Finding]:
    out = []
    for index, category in enumerate(ruleset.spec.categories):
        members = [r for r in ruleset.program.rules if r.spec.category == category.id and r.spec.kind == "deduct"]
        labels = Counter(r.spec.pillar for r in members)
        labelled = category.pillar or (labels.most_common(1)[0][0] if labels else None)
        read = [p for p in (_rule_pillar(r) for r in members) if p is not None]
        if labelled is None or not read:
            continue
        actual, count = Counter(read).most_common(1)[0]
        if actual != labelled and count * 2 > len(members):
            out.append(warn(ruleset, "pillar-mismatch",
                            _("category {id} ({name}) is labelled {labelled}, but {count} of its {total} rules "
                              "read facts of {actual}; label them {actual}, or move them").format(
                                id=category.id, name=category.name, labelled=labelled, count=count,
                                total=len(members), actual=actual),
                            None, ("categories", index)))
    return out


# ---------------------------------------------------------------- unread fields


def _unread(ruleset: Ruleset, warn: Warn) -> list[Finding]:
    read: set[str] = set()
    for rule in ruleset.program.rules:
        read |= fields_read(rule)
    out = []
    for path, info in FIELDS.items():
        if info.kind == "section" or path.startswith(NOT_ASKED):
            continue
        if path not in read:
            out.append(warn(ruleset, "unread-field", _("no rule reads {path} ({label})").format(
                path=path, label=info.label), None, ("rules",)))
            continue
        for name, item in info.item_fields.items():
            if f"{path}.{name}" not in read:
                out.append(warn(ruleset, "unread-field", _("no rule reads {path} ({label})").format(
                    path=f"{path}[].{name}", label=item.label),
                                None, ("rules",)))
    return out
