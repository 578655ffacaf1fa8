"""What a new version of a ruleset changes: for the rules, and for the units it scores.

Both versions score the same units; a unit is listed when its total, grade or rank
changed, with the rules responsible (added, removed, or changed in points, condition
or form) and how many points each moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assess.errors import AssessError
from assess.facts import UnitFacts
from assess.i18n import _
from assess.ranking import Ranker
from assess.ruleset import Ruleset
from assess.scoring.assessment import Assessment, RulesetRef, UnitRef
from assess.scoring.ledger import score

"""Rule fields that change wording only, not scoring."""


class RuleChange(BaseModel):
    """A rule added, removed, or changed (with the dotted paths of what changed)."""

    model_config = ConfigDict(frozen=True)

    rule: str
    change: Literal["added", "removed", "changed"]
    fields: list[str]
    item: str


class RuleEffect(BaseModel):
    """How many points one rule moved a unit under each version."""

    model_config = ConfigDict(frozen=True)

    rule: str
    change: Literal["added", "removed", "changed", "unchanged"]
    old: float
    """Points the rule added to the old total (deductions negative, bonuses positive)."""
    new: float
    note: str = ""


class UnitChange(BaseModel):
    """A unit whose total, grade or rank changed, and why."""

    model_config = ConfigDict(frozen=True)

    unit: UnitRef
    old_total: float
    new_total: float
    old_grade: str
    new_grade: str
    old_rank: int
    """The rank before; 0 when the unit is scored but not ranked (of another period or year)."""
    new_rank: int
    rules: list[RuleEffect]
    other: list[str]
    """Changes not owed to one rule: grade bands, categories, the bonus cap, ranks of others."""


class RulesetDiff(BaseModel):
    """What a new version of a ruleset changes: its rules, its settings, and the units
    whose total, grade or rank moved."""

    model_config = ConfigDict(frozen=True)

    old: RulesetRef
    new: RulesetRef
    rules: list[RuleChange]
    settings: list[str]
    units: list[UnitChange]
    unchanged: int
    not_applicable: int
    """Units of types neither version scores (left out)."""


def _ref(ruleset: Ruleset) -> RulesetRef:
    spec = ruleset.spec
    return RulesetRef(id=spec.id, title=spec.title, version=spec.version, sha256=ruleset.sha256,
                      source=ruleset.name)


def rule_changes(old: Ruleset, new: Ruleset) -> list[RuleChange]:
    before = {r.id: r.model_dump(exclude_none=True) for r in old.spec.rules}
    after = {r.id: r.model_dump(exclude_none=True) for r in new.spec.rules}
    items = {r.id: r.item for r in [*old.spec.rules, *new.spec.rules]}
    out = [RuleChange(rule=i, change="removed", fields=[], item=items[i]) for i in before if i not in after]
    for rule_id, spec in after.items():
        if rule_id not in before:
            out.append(RuleChange(rule=rule_id, change="added", fields=[], item=items[rule_id]))
            continue
        fields = _changed_paths(before[rule_id], spec)
        if fields:
            out.append(RuleChange(rule=rule_id, change="changed", fields=fields, item=items[rule_id]))
    return out


def _changed_paths(old: object, new: object, prefix: str = "") -> list[str]:
    """Dotted paths of the values that differ between two rule specs (``deduct.per.count``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new)):
            out.extend(_changed_paths(old.get(key), new.get(key), f"{prefix}{key}."))
        return out
    return [prefix.rstrip(".")] if old != new else []


def setting_changes(old: Ruleset, new: Ruleset) -> list[str]:
    out = []
    for key in ("total", "bonus_cap", "if_missing", "grades", "veto_grade", "categories", "tie_break"):
        if getattr(old.spec, key) != getattr(new.spec, key):
            out.append(key)
    return out


def _contributions(a: Assessment) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    for d in a.deductions:
        out[d.rule] = (-d.points, "")
    for bonus in a.bonuses:
        out[bonus.rule] = (bonus.points, "")
    for veto in a.vetoes:
        out[veto.rule] = (0.0, "一票否决")
    for block in a.blocks_excellent:
        out[block.rule] = (0.0, "否优项")
    return out


def diff(old: Ruleset, new: Ruleset, units: Iterable[tuple[str, UnitFacts]], engine: str = "native") -> RulesetDiff:
    """Score every unit under both versions and list what changed and why."""
    changes = rule_changes(old, new)
    kind = {c.rule: c.change for c in changes}
    settings = setting_changes(old, new)
    scored: list[tuple[Assessment, Assessment]] = []
    not_applicable = 0
    for source, unit in units:
        applies = [unit.unit.type in ruleset.spec.applies_to for ruleset in (old, new)]
        if not any(applies):
            not_applicable += 1
            continue
        if not all(applies):
            which = old if not applies[0] else new
            raise AssessError(_("{source}: ruleset {ruleset} {version} does not score units of type {type}, "
                                "but the other version does").format(source=source, ruleset=which.id,
                                                                     version=which.version, type=unit.unit.type))
        scored.append((score(old, unit, engine, source), score(new, unit, engine, source)))
    ranks: list[dict[str, int]] = []
    for side, ruleset in ((0, old), (1, new)):
        ranker = Ranker("none")
        for pair in scored:
            ranker.add(pair[side], ruleset)
        ranks.append({row.unit.id: row.rank for t in ranker.ranking().tables for row in t.rows})
    listed: list[UnitChange] = []
    for before, after in scored:
        uid = before.unit.id
        # 0 for a unit scored but not ranked (a half-year report beside annual ones)
        old_rank, new_rank = ranks[0].get(uid, 0), ranks[1].get(uid, 0)
        if (before.total, before.grade, old_rank) == (after.total, after.grade, new_rank):
            continue
        old_parts, new_parts = _contributions(before), _contributions(after)
        effects = []
        for rule in sorted(set(old_parts) | set(new_parts), key=_rule_order(old, new)):
            o, n = old_parts.get(rule, (0.0, "")), new_parts.get(rule, (0.0, ""))
            if o != n:
                effects.append(RuleEffect(rule=rule, change=kind.get(rule, "unchanged"), old=o[0], new=n[0],
                                          note=" → ".join(x or "无" for x in (o[1], n[1])) if o[1] != n[1] else ""))
        other: list[str] = []
        if before.grade != after.grade and before.total == after.total and not effects:
            other.append("grades" if "grades" in settings else "vetoes or 否优项")
        if old_rank != new_rank and before.total == after.total:
            other.append("other units' scores moved")
        other.extend(s for s in settings if s in ("categories", "bonus_cap") and s not in other)
        listed.append(UnitChange(unit=before.unit, old_total=before.total, new_total=after.total,
                                 old_grade=before.grade, new_grade=after.grade, old_rank=old_rank,
                                 new_rank=new_rank, rules=effects, other=other))
    return RulesetDiff(old=_ref(old), new=_ref(new), rules=changes, settings=settings, units=listed,
                       unchanged=len(scored) - len(listed), not_applicable=not_applicable)


def _rule_order(old: Ruleset, new: Ruleset) -> Callable[[str], int]:
    order: dict[str, int] = {}
    for index, rule in enumerate([*new.spec.rules, *old.spec.rules]):
        order.setdefault(rule.id, index)
    return lambda rule_id: order.get(rule_id, 0)
