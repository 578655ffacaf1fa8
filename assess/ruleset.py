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
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

from assess import inputs
from assess.engines import ENGINES, REGISTRY, Engine
from assess.errors import AssessError, EngineError, Issue, NoRulesetError, RulesetError
from assess.i18n import _, comma
from assess.paths import did_you_mean
from assess.rubric import overlay, yamldoc
from assess.rubric import spec as rubric_spec
from assess.rubric.compile import compile_document
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
OWN_TABLES = ("devzone", "city")
"""Unit types scored on a bundled table of their own when one ships (else as above)."""


def bundled_dir() -> Path:
    for candidate in BUNDLED_DIRS:
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    raise RulesetError(_("the bundled rulesets are missing from this installation"))


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
        found = self._engines.get(name)
        if found is not None and not self._closed:  # made already: every unit asks for it
            return found
        if name not in ENGINES:
            raise EngineError(_("unknown engine {name!r}: choose {engines}").format(
                name=name, engines=_(" or ").join(ENGINES)) + did_you_mean(name, ENGINES))
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
    """Load a ruleset from YAML text; every problem is a RulesetError naming rule and line.

    An overlay (a ruleset with ``extends``) is resolved against the ruleset it extends,
    found beside ``path`` or among the bundled ones; its sha256 is over the resolved form.
    """
    return _load(text, source, name, path, None)


def _load(text: str | bytes, source: str, name: str | None, path: Path | None, bundled: str | None) -> Ruleset:
    doc = _resolve(yamldoc.load(text, source, bundled=bundled), source, path, ())
    program, data = compile_document(doc, source)
    for spec in REGISTRY.values():  # fail at load, not halfway through scoring
        if spec.check is not None:
            spec.check(program)
    return Ruleset(program, canonical_sha256(data), name or program.rubric.spec.id, path)


def _resolve(doc: yamldoc.Document, source: str, path: Path | None,
             chain: tuple[str, ...]) -> yamldoc.Document:
    ref = overlay.base_ref(doc, source)
    if ref is None:
        return doc
    here = str(path.resolve()) if path is not None else source
    base_path, base_source, bundled = _locate(ref, path, doc, source)
    key = str(base_path.resolve())
    if key in (*chain, here):
        cycle = " → ".join((*chain, here, key))
        raise RulesetError(_("overlays extend each other in a cycle"), source=source, issues=(
            Issue("$.extends", _("{ref!r} leads back to this file: {cycle}").format(ref=ref, cycle=cycle),
                  line=doc.line(("extends",))),))
    base = _resolve(yamldoc.load(_read(base_path), base_source, bundled=bundled), base_source, base_path,
                    (*chain, here))
    # The base must be a ruleset on its own, so that its problems are reported as its own.
    rubric_spec.check(rubric_spec.parse(base, base_source))
    return overlay.merge(base, base_source, doc, source)


def _locate(ref: str, path: Path | None, doc: yamldoc.Document, source: str) -> tuple[Path, str, str | None]:
    """The file an overlay's ``extends`` names (a bundled name, or a path beside the overlay),
    its source and the bundled name."""
    if _is_path(ref):
        found = (path.parent / ref) if path is not None else Path(ref)
        if not found.is_file():
            raise RulesetError(_("the ruleset this overlay extends cannot be found"), source=source, issues=(
                Issue("$.extends", _("no such ruleset file {file!r}").format(file=str(found)),
                      line=doc.line(("extends",))),))
        return found, str(found), None
    names = bundled_names()
    if ref not in names:
        raise RulesetError(_("the ruleset this overlay extends cannot be found"), source=source, issues=(
            Issue("$.extends", _("unknown bundled ruleset {name!r}").format(name=ref) + did_you_mean(ref, names),
                  line=doc.line(("extends",))),))
    return bundled_dir() / f"{ref}.yaml", f"{ref} (bundled)", ref


def _is_path(ref: str) -> bool:
    return Path(ref).suffix in (".yaml", ".yml") or "/" in ref or "\\" in ref


def _read(path: Path) -> bytes:
    try:
        return inputs.read_input(path, what="ruleset file", limit=inputs.cap("ruleset file"))
    except inputs.InputError as exc:
        missing = isinstance(exc.__cause__, FileNotFoundError)
        message = _("no such ruleset file") if missing else exc.message
        raise RulesetError(message, source=exc.source) from exc


def load_ruleset(ref: str | os.PathLike[str]) -> Ruleset:
    """Load, check and compile a ruleset: a bundled name (``township``) or a YAML file path.

    Returns a :class:`Ruleset` ready to score with. Raises :class:`RulesetError` naming
    the file and, for every problem, the line and rule id (an unknown bundled name gets
    a suggestion).
    """
    text_ref = str(ref)
    path = Path(text_ref)
    is_path = not isinstance(ref, str) or _is_path(text_ref)
    if not is_path:
        names = bundled_names()
        if text_ref not in names:
            raise RulesetError(_("unknown ruleset {name!r}; bundled rulesets are {names}{hint}; "
                                 "or give a path to a .yaml file").format(
                name=text_ref, names=comma().join(names), hint=did_you_mean(text_ref, names)))
        path = bundled_dir() / f"{text_ref}.yaml"
    if is_path:
        return _load(_read(path), str(path), None, path, None)
    return _load(_read(path), f"{text_ref} (bundled)", text_ref, path, text_ref)


def ruleset_name_for(unit_type: str, sector: str | None = None) -> str:
    """The bundled ruleset that scores a unit: by its type, and a department by its sector.

    A department is scored on the bundled overlay whose ``sectors`` list its sector (its
    own indicators on the common table), else on ``department``. A development zone and a
    prefecture-level city get a bundled table of their own where one ships; otherwise a
    zone is scored on the county table, and a city is refused: scoring it on the county
    table would rank it among the counties it oversees.
    """
    # Listing the bundled folder is asked only where it decides: ranking asks for every unit.
    if unit_type in OWN_TABLES and unit_type in bundled_names():
        return unit_type
    if unit_type == "city":
        raise NoRulesetError("地级市不能按区县考核细则评分：请用 --ruleset 指定适用于地级市的考核细则")
    try:
        name = TYPE_TO_RULESET[unit_type]
    except KeyError as exc:
        raise AssessError(_("no bundled ruleset for unit type {type!r}").format(type=unit_type)) from exc
    if unit_type == "department" and sector is not None:
        return _sector_overlays().get(sector, name)
    return name


@lru_cache(maxsize=1)
def _sector_overlays() -> dict[str, str]:
    """Each sector's bundled overlay (the first by name where two claim one)."""
    found: dict[str, str] = {}
    for name in bundled_names():
        path = bundled_dir() / f"{name}.yaml"
        data = yamldoc.load(_read(path), f"{name} (bundled)", bundled=name).data
        sectors = data.get("sectors") if isinstance(data, dict) else None
        for sector in sectors if isinstance(sectors, list) else ():
            found.setdefault(str(sector), name)
    return found
