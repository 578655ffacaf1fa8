"""The native engine: each check's Python form evaluated directly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assess.engines.base import EngineSpec
from assess.rubric.program import Program
from assess.version import __version__


class NativeEngine:
    """Evaluates each check's Python form directly."""

    name = "native"
    version = f"native {__version__}"
    program_facts_only = True
    """Its checks read the facts the program names and nothing else."""

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


SPEC = EngineSpec("native", NativeEngine)
