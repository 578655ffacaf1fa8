"""Engines answer a program's checks for one unit; the native one is plain Python.

An engine gets the unit's *flat facts* (``{"organization.staff": 2, "drills": [...]}``)
and returns the names of the checks that hold. Both engines answer the same checks of
the same program, so their answers can be compared one for one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from .facts import UnitFacts
from .program import Program

ENGINES = ("durable", "native")


ASSESS_VERSION = "0.1.0"


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


def flatten(facts: UnitFacts) -> dict[str, Any]:
    """Submitted facts keyed by path; sections map to True, lists keep their items."""
    env: dict[str, Any] = {}
    _flatten(facts.model_dump(exclude_none=True), "", env)
    return env


def _flatten(data: Mapping[str, Any], prefix: str, env: dict[str, Any]) -> None:
    for key, value in data.items():
        path = prefix + key
        if isinstance(value, dict):
            env[path] = True
            _flatten(value, path + ".", env)
        else:
            env[path] = value


class NativeEngine:
    """Evaluates each check's Python form directly."""

    name = "native"
    version = f"native {ASSESS_VERSION}"

    def __init__(self, program: Program) -> None:
        self._rules = [(tuple(c for c in r.checks if c.kind == "missing"),
                        tuple(c for c in r.checks if c.kind != "missing"))
                       for r in program.rules]

    def run(self, env: Mapping[str, Any]) -> frozenset[str]:
        fired: set[str] = set()
        for missing, checks in self._rules:
            if missing and missing[0].native(env):
                fired.add(missing[0].name)
                continue
            for check in checks:
                if check.native(env):
                    fired.add(check.name)
        return frozenset(fired)

    def close(self) -> None:
        """Nothing to release."""
