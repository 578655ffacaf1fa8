"""Loading rulesets: bundled ones by name, others by path; checked and compiled at load.

A :class:`Ruleset` is immutable once loaded and safe to share between threads. It
creates its engines on first use; the durable-rules engine serialises its own calls.
Call :meth:`Ruleset.close` (or use ``with``) to free durable-rules' C memory early.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from assess import inputs
from assess.engines import ENGINES, REGISTRY, Engine
from assess.errors import AssessError, EngineError, NoRulesetError, RulesetError
from assess.paths import did_you_mean
from assess.rubric.compile import compile_text
from assess.rubric.program import Program

_HERE = Path(__file__).resolve().parent
# A wheel carries the rulesets inside the package; a checkout keeps them at the top.
BUNDLED_DIRS = (_HERE / "_rulesets", _HERE.parent / "rulesets")

TYPE_TO_RULESET = {
    "township": "township",
    "street": "township",
    "department": "department",
    "county": "county",
    "devzone": "county",
}


def bundled_dir() -> Path:
    for candidate in BUNDLED_DIRS:
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    raise RulesetError("the bundled rulesets are missing from this installation")


def bundled_names() -> list[str]:
    """Names of the rulesets that ship with assess (``township``, ...)."""
    return sorted(p.stem for p in bundled_dir().glob("*.yaml") if "." not in p.stem)


def canonical_sha256(data: Any) -> str:
    """sha256 over a canonical JSON form: comments, key order and whitespace do not count."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Ruleset:
    """A loaded, checked and compiled ruleset."""

    def __init__(self, program: Program, sha256: str, name: str, path: Path | None = None) -> None:
        self.program = program
        self.path = path
        """The file the ruleset was loaded from (None when loaded from text)."""
        self.spec = program.rubric.spec
        self.source = program.rubric.source
        self.sha256 = sha256
        self.name = name
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()
        self._closed = False

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> str:
        return self.spec.version

    def engine(self, name: str) -> Engine:
        """The engine of that name for this ruleset, created on first use.

        ``durable`` falls back to ``native`` where durable-rules cannot be imported
        (see :func:`assess.durable_unavailable_reason`).
        """
        if name not in ENGINES:
            raise EngineError(f"unknown engine {name!r}: choose {' or '.join(ENGINES)}"
                              + did_you_mean(name, ENGINES))
        if REGISTRY[name].unavailable() is not None:
            name = "native"
        with self._lock:
            if self._closed:
                raise EngineError(f"ruleset {self.id} has been closed")
            found = self._engines.get(name)
            if found is None:
                found = REGISTRY[name].create(self.program)
                self._engines[name] = found
            return found

    def close(self) -> None:
        """Release engine resources (durable-rules' C ruleset)."""
        with self._lock:
            self._closed = True
            engines, self._engines = list(self._engines.values()), {}
        for engine in engines:
            engine.close()

    def __enter__(self) -> Ruleset:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Ruleset {self.id} {self.version} from {self.source}>"


def load_text(text: str | bytes, source: str, name: str | None = None, path: Path | None = None) -> Ruleset:
    """Load a ruleset from YAML text; every problem is a RulesetError naming rule and line."""
    program, data = compile_text(text, source)
    for spec in REGISTRY.values():  # fail at load, not halfway through scoring
        if spec.check is not None:
            spec.check(program)
    return Ruleset(program, canonical_sha256(data), name or program.rubric.spec.id, path)


def load_ruleset(ref: str | os.PathLike[str]) -> Ruleset:
    """Load, check and compile a ruleset: a bundled name (``township``) or a YAML file path.

    Returns a :class:`Ruleset` ready to score with. Raises :class:`RulesetError` naming
    the file and, for every problem, the line and rule id (an unknown bundled name gets
    a suggestion).
    """
    text_ref = str(ref)
    path = Path(text_ref)
    is_path = not isinstance(ref, str) or path.suffix in (".yaml", ".yml") or "/" in text_ref \
        or "\\" in text_ref
    if not is_path:
        names = bundled_names()
        if text_ref not in names:
            raise RulesetError(f"unknown ruleset {text_ref!r}; bundled rulesets are "
                               f"{', '.join(names)}{did_you_mean(text_ref, names)}; "
                               "or give a path to a .yaml file")
        path = bundled_dir() / f"{text_ref}.yaml"
    try:
        data = inputs.read_input(path, what="ruleset file", limit=inputs.cap("ruleset file"))
    except inputs.InputError as exc:
        message = "no such ruleset file" if exc.message == "no such file" else exc.message
        raise RulesetError(message, source=exc.source) from exc
    return load_text(data, str(path) if is_path else f"{text_ref} (bundled)",
                     name=None if is_path else text_ref, path=path)


def ruleset_name_for(unit_type: str) -> str:
    """The bundled ruleset that scores a unit type (devzone: the county table).

    A prefecture-level city is assessed by the province on a table of its own; scoring
    it on the county table would rank it among the counties it oversees.
    """
    if unit_type == "city":
        raise NoRulesetError("地级市不能按区县考核细则评分：请用 --ruleset 指定适用于地级市的考核细则")
    try:
        return TYPE_TO_RULESET[unit_type]
    except KeyError as exc:
        raise AssessError(f"no bundled ruleset for unit type {unit_type!r}") from exc
