"""The compiled native evaluator: each rule of a program compiled once into one closure that
answers all of the rule's checks for a unit's flat facts.

The native engine (:mod:`assess.engines.native`) answers every check of the program and
returns their names, which the ledger then looks up again rule by rule. The decide-and-
total path (:mod:`assess.scoring.fast`) asks instead, per rule, for the checks that hold,
or None when a fact the rule needs is not submitted (the rule's ``missing`` check holds,
and then, as in the native engine, no other check of the rule is asked). The closures are
made of the checks' own compiled functions (no text is evaluated), specialised to the
shapes that occur: one needed fact or several, one check or several.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from pydantic import BaseModel

from assess.engines.base import SCALARS, flatten_value
from assess.facts import FIELDS, UnitFacts
from assess.rubric.program import Check, CompiledRule, Program

Matched = tuple[Check, ...] | None
"""The checks of a rule that hold, or None when a fact the rule needs is missing."""
RuleEval = Callable[[Mapping[str, Any]], Matched]

_NONE: tuple[Check, ...] = ()


def compile_program(program: Program) -> tuple[RuleEval, ...]:
    """One evaluator per rule of the program, in the program's order."""
    return tuple(compile_rule(rule) for rule in program.rules)


def compile_rule(rule: CompiledRule) -> RuleEval:
    """The rule's checks as one closure (see the module's docstring)."""
    checks = tuple(c for c in rule.checks if c.kind != "missing")
    answer = _answer(checks)
    if not any(c.kind == "missing" for c in rule.checks):
        return answer
    required = rule.required
    if len(required) == 1:
        path = required[0]

        def one(env: Mapping[str, Any]) -> Matched:
            return None if path not in env else answer(env)
        return one
    needed = frozenset(required)

    def several(env: Mapping[str, Any]) -> Matched:
        return None if not env.keys() >= needed else answer(env)
    return several


def _answer(checks: tuple[Check, ...]) -> RuleEval:
    """The checks that hold, in the rule's order."""
    if len(checks) == 1:
        only = checks[0]
        test, held = only.native, (only,)
        return lambda env: held if test(env) else _NONE
    tests = tuple((c, c.native) for c in checks)

    def several(env: Mapping[str, Any]) -> Matched:
        held = [c for c, test in tests if test(env)]
        return tuple(held) if held else _NONE
    return several


def needed_paths(program: Program) -> list[str]:
    """Every fact path the program's checks, quantities and terms can read."""
    paths = dict.fromkeys(program.keys)
    for rule in program.rules:
        paths.update(dict.fromkeys(rule.required))
        paths.update(dict.fromkeys(rule.reads))
    for term in program.terms:
        paths.update(dict.fromkeys(term.paths))
    return list(paths)


_Read = Callable[[BaseModel, dict[str, Any]], None]

_SINGLE = frozenset({"bool", "int", "number", "str", "enum"})
"""The kinds of fact whose value is taken as it is."""


class Reader:
    """The flat facts at the given paths only (and the sections above them), each value as
    :func:`~assess.engines.base.flatten` gives it: what deciding reads, without the rest.

    With ``views``, a list whose items hold single values only has as items the models' own
    field dicts (``__dict__``, where pydantic keeps every field), not dumps of them: an unset
    field is there as None rather than left out, which the rule language cannot tell apart
    (an item's field is read with ``get``), at a seventh of the cost."""

    def __init__(self, paths: Iterable[str], views: bool = False) -> None:
        root: dict[str, Any] = {}
        for path in paths:
            node = root
            for part in path.split("."):
                node = node.setdefault(part, {})
        self._read = _reader(root, "", views)

    def read(self, facts: UnitFacts) -> dict[str, Any]:
        env: dict[str, Any] = {}
        self._read(facts, env)
        return env


def _reader(node: dict[str, Any], prefix: str, views: bool) -> _Read:
    """A section's reader, made once: the catalogue's single values taken as they are, the
    sections read further, lists as views (see :class:`Reader`) or as anything else is,
    as :func:`~assess.engines.base.flatten` takes it."""
    single: list[tuple[str, str]] = []
    sections: list[tuple[str, str, _Read]] = []
    viewed: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    for key, under in node.items():
        path = prefix + key
        info = FIELDS.get(path)
        kind = info.kind if info is not None else None
        if under and kind == "section":
            sections.append((key, path, _reader(under, path + ".", views)))
        elif not under and kind in _SINGLE:
            single.append((key, path))
        elif (views and not under and info is not None and kind == "list" and info.item_fields
              and all(f.kind in _SINGLE for f in info.item_fields.values())):
            viewed.append((key, path))
        else:
            others.append((key, path))
    single_t, sections_t, viewed_t, others_t = tuple(single), tuple(sections), tuple(viewed), tuple(others)

    def read(model: BaseModel, env: dict[str, Any]) -> None:
        values = model.__dict__
        for key, path in single_t:
            value = values.get(key)
            if value is not None:
                env[path] = value
        for key, path, section in sections_t:
            value = values.get(key)
            if value is not None:
                env[path] = True
                section(value, env)
        for key, path in viewed_t:
            value = values.get(key)
            if value is not None:
                env[path] = [item.__dict__ for item in value]
        for key, path in others_t:
            value = values.get(key)
            if value is None:
                continue
            if value.__class__ in SCALARS:
                env[path] = value
            elif isinstance(value, BaseModel):
                env[path] = True
            else:
                flatten_value(value, path, env)
    return read


class Slots:
    """The values of single-valued facts (the catalogue's bools, numbers, texts and choices,
    and sections), read straight from the models into a list: a value as :class:`Reader` has it
    (a section as True), None where the unit gave none. Deciding keys its verdicts by these
    values (:meth:`key`) without the flat facts, which only a verdict not yet worked out needs."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = tuple(dict.fromkeys(paths))
        for path in self.paths:
            info = FIELDS.get(path)
            if info is None or info.kind not in _SINGLE | {"section"}:
                raise ValueError(f"{path} is not a single-valued fact")
        # Fields of one section read together: one walk down to the section, then its values.
        by_section: dict[tuple[str, ...], list[str]] = {}
        for path in self.paths:
            *section, key = path.split(".")
            by_section.setdefault(tuple(section), []).append(key)
        order = [".".join((*section, key)) for section, keys in by_section.items() for key in keys]
        self._index = {path: index for index, path in enumerate(order)}
        # A section's values are taken from its model's __dict__, where pydantic keeps every field.
        self._sections = tuple((section[0] if len(section) == 1 else section, itemgetter(*keys), len(keys) == 1,
                                (None,) * len(keys)) for section, keys in by_section.items())
        self._marks = tuple(self._index[p] for p in self.paths if FIELDS[p].kind == "section")

    def key(self, paths: Sequence[str]) -> Callable[[Sequence[Any]], Any]:
        """The value of the one path, or the tuple of the paths' values, from a list :meth:`read` made."""
        return itemgetter(*[self._index[p] for p in paths])

    def facts(self, paths: Sequence[str]) -> Callable[[Sequence[Any]], dict[str, Any]]:
        """The flat facts at those paths, as :class:`Reader` has them, from a list :meth:`read` made."""
        at = tuple((path, self._index[path]) for path in paths)

        def flat(values: Sequence[Any]) -> dict[str, Any]:
            return {path: values[index] for path, index in at if values[index] is not None}
        return flat

    def read(self, facts: UnitFacts) -> list[Any]:
        values: list[Any] = []
        top = facts.__dict__
        for section, fetch, one, nothing in self._sections:
            if section.__class__ is str:  # the common case: a section of the unit's own
                model = top[section]
            elif section:
                model = facts
                for name in section:
                    model = model.__dict__[name]
                    if model is None:
                        break
            else:
                model = facts
            if model is None:
                values += nothing
            elif one:
                values.append(fetch(model.__dict__))
            else:
                values += fetch(model.__dict__)
        for index in self._marks:
            if values[index] is not None:
                values[index] = True
        return values
