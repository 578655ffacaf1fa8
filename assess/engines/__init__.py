"""Engines answer a compiled program's checks for one unit.

The registry lists them in the order a user is offered them; ``durable`` (durable-rules,
the engine the project chose) is the default and falls back to ``native`` where it
cannot be imported.
"""

from __future__ import annotations

from assess.engines import durable, native
from assess.engines.base import REGISTRY, Engine, EngineSpec, flatten, register

register(durable.SPEC)
register(native.SPEC)

ENGINES: tuple[str, ...] = tuple(REGISTRY)
DEFAULT_ENGINE = "durable"

__all__ = ["DEFAULT_ENGINE", "ENGINES", "REGISTRY", "Engine", "EngineSpec", "flatten", "register"]
