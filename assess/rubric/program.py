"""The program: a ruleset compiled to one small intermediate form that every engine evaluates.

A rule becomes *checks*: the questions an engine must answer about a unit. "Is a fact
this rule needs not submitted?" (``missing``), "does the condition hold?" (``match``),
"which tier does the value fall in?" (one ``tier`` check per deducting tier), "which
kinds of event occurred?" (one ``graded`` check per kind). Each check has two forms:

- ``native``: a Python function built from the typed syntax tree of the condition;
- ``lowered``: the same condition as a tree of comparisons between *keys* of a flat fact
  and constants, with ``not`` pushed down to the comparisons. The durable engine
  translates it into durable-rules conditions.

Arithmetic, list aggregates and functions (``count(drills) - 4``, ``pct(a, b)``) are
*terms*: computed once per unit in Python, shared by the engines, and compared by them
like any other fact. The ledger (scoring) turns the answers into points. The program is
built by :mod:`assess.rubric.compile`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import msgspec

from assess.facts import FIELDS
from assess.rubric.expr import Fn, Node, NodeType, Op

if TYPE_CHECKING:
    from assess.rubric.forms.base import Form
    from assess.rubric.spec import FormUse, Rubric, RuleSpec

CheckKind = Literal["missing", "match", "tier", "graded"]
Scalar = bool | int | float

# Lowered conditions ---------------------------------------------------------------


class LConst(msgspec.Struct, frozen=True):
    value: bool


class LCmp(msgspec.Struct, frozen=True):
    """``key op value`` where value is a constant, or another key when ``ref``."""

    key: str
    op: Op
    value: Scalar | str
    ref: bool = False


class LPresent(msgspec.Struct, frozen=True):
    key: str
    present: bool


class LGroup(msgspec.Struct, frozen=True):
    op: Literal["and", "or"]
    items: tuple[LNode, ...]


LNode = LConst | LCmp | LPresent | LGroup

NEGATE: Mapping[Op, Op] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
FLIP: Mapping[Op, Op] = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


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


class Term(msgspec.Struct, frozen=True):
    key: str
    text: str
    type: NodeType
    fn: Fn
    paths: tuple[str, ...]


class Check(msgspec.Struct, frozen=True):
    name: str
    rule: int
    kind: CheckKind
    index: int | None
    native: Fn
    lowered: LNode


class Placeholder(msgspec.Struct, frozen=True):
    text: str
    fn: Fn | None  # None for a variable of the deduction (points, count, ...)
    paths: tuple[str, ...]
    """The facts that must be submitted for ``fn`` to be computed (else the text says 未提交)."""
    reads: tuple[str, ...] = ()
    """Every fact ``fn`` reads, those only tested for presence too."""
    node: Node | None = None
    """The placeholder's expression (None for a variable)."""


class Template(msgspec.Struct, frozen=True):
    parts: tuple[str | Placeholder, ...]


class Evidence(msgspec.Struct, frozen=True):
    label: str
    fn: Fn
    paths: tuple[str, ...]


class Graded(msgspec.Struct, frozen=True):
    text: str
    fn: Fn
    rate: float


class CompiledRule(msgspec.Struct, dict=True):
    index: int
    spec: RuleSpec
    required: tuple[str, ...]
    reads: tuple[str, ...]
    form: Form | None
    when: Fn | None = None
    quantity: Fn | None = None  # per count, shortfall or tier value, honours points
    graded: tuple[Graded, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    reason: Template = msgspec.field(default_factory=lambda: Template(()))
    passed: Template | None = None
    checks: tuple[Check, ...] = ()
    list_terms: tuple[Evidence, ...] | None = ()
    """Every call of the rule's expressions and texts that reads a list (nested ones too), each
    a single value: what the rule makes of the lists it reads, when it reads them only through
    such calls (and its form reads no list itself); None when it reads a list otherwise."""

    @property
    def id(self) -> str:
        return self.spec.id

    @cached_property
    def use(self) -> FormUse | None:
        """The rule's form and its value (the spec's, read once: scoring asks for every unit)."""
        return self.spec.use

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


class Program(msgspec.Struct):
    rubric: Rubric
    rules: list[CompiledRule]
    checks: list[Check]
    terms: list[Term]
    keys: dict[str, str]  # fact path -> flat key
    enums: dict[str, tuple[str, ...]]  # flat key -> enum values, coded as their index
    category_cents: dict[str, int] = msgspec.field(default_factory=dict)
    rule_cents: dict[str, int] = msgspec.field(default_factory=dict)
    grade_cents: tuple[tuple[str, int], ...] = ()
    prepared: dict[str, object] = msgspec.field(default_factory=dict)
    """What an engine worked out from the program when its check ran at load (durable-rules'
    definition), kept for when the engine is made: the work is done once."""
