"""What a deduction or award form is: the one small interface every form module implements.

A rule's ``deduct`` or ``award`` is a mapping with one key, the form's name (``fixed``,
``per``, ``graded``, ``shortfall``, ``tiers``, ``range``, ``honors``), whose value the
form validates with its own model. Everything that differs between forms lives in the
form's module: its spec, its load checks, the questions it asks the engines, the amount
it deducts or awards, the most it can deduct (for lint), its wording (for ``assess
explain``) and what golden cases must show of it. Nothing else in the pipeline branches
on a form's name; a new form is one new module, registered with
:func:`assess.rubric.forms.register`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

import msgspec
from pydantic import BaseModel, ConfigDict

from assess.paths import Path
from assess.rubric import bounds
from assess.rubric.exact import Exact
from assess.rubric.expr import Fn, Node

if TYPE_CHECKING:
    from assess.facts import Adjustment
    from assess.rubric.expr import Op
    from assess.rubric.program import Check, CheckKind, CompiledRule, LNode, Term

FormKind = Literal["deduct", "bonus"]
Add = Callable[[Path, str], None]
"""Reports a load problem at a path relative to the form's value."""


class FormSpec(BaseModel):
    """Base of a form's YAML value: strict, frozen, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)


class Expression(msgspec.Struct, frozen=True):
    """An expression text inside a form's value, parsed and compiled when the ruleset loads."""

    path: Path
    """Where the text sits, relative to the form's value (``("count",)``)."""
    text: str
    expect: Literal["int", "number"]


class CheckBuilder(Protocol):
    """What the program builder offers a form to build its checks."""

    def node(self, path: Path) -> Node:
        """The parsed expression at that path of the form's value."""
        ...

    def value(self, path: Path) -> Fn:
        """The compiled expression at that path of the form's value."""
        ...

    def atom(self, quantity: Node, op: Op, value: Exact) -> LNode:
        """``quantity op value`` in a form durable-rules compares exactly (a sign term where
        either side is a fraction)."""
        ...

    def guarded(self, test: Fn) -> Fn:
        """The test, and the rule's ``when``."""
        ...

    def lowered(self, *atoms: LNode) -> LNode:
        """The atoms, the rule's ``when`` and the presence of every fact the rule needs."""
        ...

    def check(self, kind: CheckKind, index: int | None, native: Fn, lowered: LNode) -> Check: ...

    def special_term(self, text: str, kind: Literal["int", "number"], fn: Fn, paths: tuple[str, ...]) -> Term: ...


class Amount(msgspec.Struct):
    """What a matched rule asks for: hundredths, its reason template's variables, and the
    extra fields of its deduction record (``count``, ``tier``, ``adjusted``, ``note``,
    ``defaulted``)."""

    cents: int
    variables: dict[str, Any] = msgspec.field(default_factory=dict)
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


class AmountContext(Protocol):
    """What the ledger offers a form to work out its amount for one unit."""

    @property
    def env(self) -> Mapping[str, Any]: ...

    def adjustment(self, rule: str) -> Adjustment | None:
        """The assessor's pick for a discretionary rule, marked as used."""
        ...


CentsFn = Callable[[Sequence["Check"], AmountContext], int]
"""The hundredths :meth:`Form.amount` gives, alone (see :meth:`Form.cents_function`)."""
Bound = Callable[[str], tuple[float, float]]
"""The least and greatest value an expression text can take (for lint)."""
Limit = Callable[[Node], "bounds.Bound"]
"""The exact bound of a parsed expression (see :mod:`assess.rubric.bounds`)."""
Phrase = Callable[[str], str]
"""An expression text in words, with the facts' Chinese labels (for explain)."""


class Form:
    """One deduction or award form; subclasses override what differs from these defaults."""

    name: ClassVar[str]
    kinds: ClassVar[frozenset[FormKind]]
    spec: ClassVar[Any]
    """The type the form's YAML value is validated against (strictly)."""
    needs_when: ClassVar[bool] = False
    """The form deducts or awards a set amount, so a rule must say when."""

    def point_values(self, value: Any) -> Iterator[tuple[Path, float]]:
        """Every amount of points in the value (each must have at most two decimals)."""
        return iter(())

    def check(self, value: Any, kind: FormKind, points: float, add: Add) -> None:
        """Load checks a schema cannot express (a deduction above the item's points ...)."""

    def expressions(self, value: Any) -> Iterator[Expression]:
        """The expression texts in the value."""
        return iter(())

    def facts(self, value: Any) -> tuple[str, ...]:
        """Fact paths the form reads besides its expressions."""
        return ()

    def limit(self, value: Any, nodes: Mapping[Path, Node], bound: Limit) -> Fraction:
        """The most the rule can deduct or award before caps, from the bounds of its
        expressions; raises :class:`~assess.rubric.bounds.BoundError` for a constant of the
        form (a target, a tier limit) beyond what is kept exactly."""
        return Fraction(0)

    def compile(self, value: Any, rule: CompiledRule, build: CheckBuilder) -> Iterator[Check]:
        """Sets what the ledger needs on the compiled rule (its quantity, parts, evidence) and
        yields the checks the engines answer. The default: one check, the rule's ``when``."""
        yield build.check("match", None, build.guarded(_always), build.lowered())

    def amount(self, value: Any, kind: FormKind, rule: CompiledRule, matched: list[Check],
               context: AmountContext) -> Amount:
        """What a matched rule deducts or awards for this unit."""
        raise NotImplementedError

    def cents_function(self, value: Any, kind: FormKind, rule: CompiledRule) -> CentsFn | None:
        """For deciding without the reasons (:mod:`assess.scoring.fast`): a function, made once
        per rule, giving the hundredths :meth:`amount` gives; None to call :meth:`amount`."""
        return None

    def most(self, value: Any, bound: Bound) -> float:
        """The largest deduction the form can ask for, before the item's cap (lint)."""
        raise NotImplementedError

    def words(self, value: Any, kind: FormKind, points: float, when: str, phrase: Phrase) -> str:
        """How the rule deducts or awards, in an assessor's Chinese (explain)."""
        raise NotImplementedError

    def obligations(self, value: Any, kind: FormKind) -> list[str]:
        """What golden cases must show of a rule of this form."""
        return ["fires", "passes"]

    def discretion(self, value: Any) -> tuple[float, float] | None:
        """The range an assessor picks the amount from, for a discretionary form."""
        return None

    def thresholds(self, value: Any) -> list[float]:
        """Constants the form compares values with, for generating units near them (lint)."""
        return []


def _always(env: Mapping[str, Any]) -> bool:
    return True
