"""What an engine is, the registry of engines, and the flat facts every engine reads.

An engine gets the unit's *flat facts* (``{"organization.staff": 2, "drills": [...]}``)
and returns the names of the checks that hold. Every engine answers the same checks of
the same program, so their answers can be compared one for one. An engine is added by
writing one module with an :class:`EngineSpec` and registering it in
``assess/engines/__init__.py``. An engine whose class sets ``program_facts_only = True``
promises to read no fact but those its program names, and is given those alone (reading
the rest costs as much as a rule engine deciding; see :func:`assess.scoring.fast.engine_facts`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import msgspec
from pydantic import BaseModel

from assess.errors import EngineError
from assess.facts import UnitFacts
from assess.rubric.program import Program


class Engine(Protocol):
    name: str

    @property
    def version(self) -> str:
        """The engine and its version, recorded in every assessment."""
        ...

    def run(self, env: Mapping[str, Any]) -> frozenset[str]:
        """Names of the checks that hold for these flat facts."""
        ...

    def close(self) -> None:
        ...


class EngineSpec(msgspec.Struct, frozen=True):
    """One registered engine: how to build it for a program, and whether it can run here."""

    name: str
    create: Callable[[Program], Engine]
    unavailable: Callable[[], str | None] = lambda: None
    """Why the engine cannot run on this machine, or None when it can."""
    check: Callable[[Program], None] | None = None
    """Refuses, at ruleset load, a program this engine could not evaluate."""


REGISTRY: dict[str, EngineSpec] = {}


def register(spec: EngineSpec) -> None:
    """Add an engine; a name is registered once."""
    if spec.name in REGISTRY:
        raise EngineError(f"engine {spec.name!r} is registered twice")
    REGISTRY[spec.name] = spec


SCALARS = frozenset({bool, int, float, str})
"""The classes of a plain fact value, taken as it is."""


def flatten(facts: UnitFacts) -> dict[str, Any]:
    """Submitted facts keyed by path; sections map to True, lists keep their items (as dicts).

    The same as walking ``facts.model_dump(exclude_none=True)``, read straight from the
    validated (frozen, extra-forbidding, serializer-free) models: dumping first cost as much
    as deciding every rule.
    """
    env: dict[str, Any] = {}
    _flatten(facts, "", env)
    return env


def _flatten(model: BaseModel, prefix: str, env: dict[str, Any]) -> None:
    for key, value in model.__dict__.items():
        if value is None:
            continue
        path = prefix + key
        if value.__class__ in SCALARS:  # most facts: tested first
            env[path] = value
        elif isinstance(value, BaseModel):
            env[path] = True
            _flatten(value, path + ".", env)
        else:
            flatten_value(value, path, env)


def flatten_value(value: Any, path: str, env: dict[str, Any]) -> None:
    """A submitted value other than a section, as :func:`flatten` keys it: a list's items as
    dicts, a mapping's entries under its path, anything else as it is."""
    if isinstance(value, list):
        env[path] = [dump(item) for item in value]
    elif isinstance(value, dict):
        env[path] = True
        flatten_dict(dump(value), path + ".", env)
    else:
        env[path] = value


def flatten_dict(data: Mapping[str, Any], prefix: str, env: dict[str, Any]) -> None:
    """A dumped mapping's entries under ``prefix``, as :func:`flatten` keys them."""
    for key, value in data.items():
        path = prefix + key
        if isinstance(value, dict):
            env[path] = True
            flatten_dict(value, path + ".", env)
        else:
            env[path] = value


def dump(value: Any) -> Any:
    """A value as ``model_dump(exclude_none=True)`` gives it."""
    if isinstance(value, BaseModel):
        # A list's items (drills, honours) hold scalars mostly: taken as they are.
        return {k: v if v.__class__ in SCALARS else dump(v) for k, v in value.__dict__.items() if v is not None}
    if isinstance(value, list):
        return [dump(item) for item in value]
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items() if v is not None}
    return value
