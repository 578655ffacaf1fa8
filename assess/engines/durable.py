"""The durable-rules engine, wrapped so that none of its faults reach a caller.

durable-rules 2.0.28 (unmaintained since 2020) is the engine the project chose. Its
faults, each pinned by a test in ``tests/test_durable_faults.py``, and what this module
does about them:

- ``$nex`` (or an ``$or`` holding one) also matches the session's own state object and
  fires forever: every rule starts with a test of an anchor field the state object lacks
  (``a < 3``; the unit's fact has ``a`` 0).
- ``delete_state`` on a session where no action ran segfaults, and a fact that matches
  nothing raises ``MessageNotHandledException``: a sentinel rule that matches every
  unit makes sure some action always runs.
- ``$or`` fires the action once per true branch (2**n times for an ``and`` of n
  ``or``s); many ``$or`` groups in one condition (sixteen in the demonstration) overflow
  its expression limit (error 113); an ``$or`` over item properties inside ``$iany`` answers wrongly for about one
  unit in five, whatever the key order: no ``$or`` reaches it. A condition is sent as
  flat ``$and`` conjunctions (its disjunctive normal form, one durable rule per
  conjunct, at most 32, else the rule is refused at load naming it), and the engine
  reports the checks that held as a set, so a check holds once. Lists never reach it:
  list aggregates are terms computed before the fact is asserted.
- At most 1,024 live sessions (then MemoryError), and making one costs about as much as
  deciding a unit (it clears some 8 KB per rule); a fact's identity is refused twice in
  a session: each engine keeps one session, and a unit's fact is retracted once its
  actions are taken. A unit that fails in any way (an interrupt included) deletes the
  session, and the next unit starts a fresh one. A C ruleset freed does not free its
  sessions: ``close`` deletes the kept one first.
- More than 64 alpha nodes pending in one walk raises error 303: rules are spread over
  ``ceil(sqrt(n))`` anchors (tests of the one anchor field). A fact of more than 255
  properties fails (302): only the fields a ruleset reads are sent, checked at load.
- A number in exponent notation (``3e-07``, what ``json.dumps`` writes for a tiny
  percentage or a float past 1e16) is refused (error 204), and numbers are compared as
  doubles: no float ever reaches it. Whole numbers are sent as themselves (bounded below
  2**53 when the ruleset loads), and a comparison with a fraction as the exact sign of its
  difference (:mod:`assess.rubric.compile`); a float in a fact is a bug (``TypeError``).
- It compares ``"3" < 5`` and ``true == 1`` as true: facts are validated and typed
  before they get here, and the compiler only compares like with like.
- An exception in an action, even KeyboardInterrupt, is swallowed into the session
  state: no Python action runs inside durable-rules; the engine takes the actions
  itself from the C extension, so an interrupt reaches the caller.
- A ``Host`` (the global ``durable.lang`` one included) refuses a ruleset name twice,
  each default ``Host`` starts two timer threads that never stop, and a C ruleset is
  never freed (about 0.4 MB per 50-rule ruleset): no ``Host`` is made. Each engine
  creates its C ruleset itself, from the text a ``Host`` would send (the rules as JSON,
  without their actions), so no timer starts and the same ruleset loads any number of
  times, and ``close()`` (or the engine's finalizer) frees it. durable-rules' Python
  layer is not even imported (with the logging it sets up, some 4 ms of each start).
- Errors are bare numeric codes: definitions are validated first, and codes are
  translated.
- Its Python layer builds a closure and writes the session state back as JSON for
  every action: the engine drives the C extension directly (assert, start action,
  complete, next), which is also what makes it three times faster.
- The C extension has no locks of its own; every call holds the GIL, and sessions
  interleaved call by call do not disturb one another, but a ruleset freed while a unit
  is being run is used after free (error 111 at best): ``run`` and ``close`` are
  serialised per engine, so ``close`` waits for the unit in progress.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import itertools
import json
import math
import threading
import weakref
from collections.abc import Mapping
from json.encoder import encode_basestring as _string
from pathlib import Path
from typing import Any

from assess.engines.base import EngineSpec
from assess.errors import EngineError, RulesetError
from assess.facts import FIELDS
from assess.rubric.exact import LIMIT
from assess.rubric.program import LCmp, LConst, LNode, LPresent, Program

try:  # durable-rules does not build on every Python (upstream issue 404 of jruizgit/rules)
    import durable_rules_engine as _ext
except Exception as exc:  # noqa: BLE001 - any import failure means "not available"
    _IMPORT_ERROR: str | None = f"{type(exc).__name__}: {exc}"
else:
    _IMPORT_ERROR = None


@functools.cache
def _version() -> str:
    """durable-rules' version (every assessment records it), read once: from the metadata
    beside its extension; importlib.metadata.version() would look through every installed
    distribution first (some 4 ms of each start)."""
    if _IMPORT_ERROR is None and _ext.__file__ is not None:
        found = list(Path(_ext.__file__).parent.glob("durable_rules-*.dist-info"))
        if len(found) == 1:
            return importlib.metadata.Distribution.at(found[0]).version
    try:
        return importlib.metadata.version("durable-rules")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


MAX_PROPERTIES = 255
MAX_CONJUNCTS = 32
SPEC_NAME = "durable"
MAX_RULES = 600
MAX_STACK = 56

ERROR_CODES = {
    101: "out of memory",
    102: "unexpected type in a condition",
    103: "identifier too long",
    104: "unexpected value",
    105: "unexpected name in a condition",
    106: "too many rules",
    112: "too many open rulesets",
    113: "too many expressions in one condition",
    201: "cannot parse a value",
    202: "cannot parse a string",
    203: "cannot parse a number",
    204: "cannot parse a number in exponent notation",
    302: "too many properties in one fact",
    303: "too many rules match under one node",
    304: "too many messages in one frame",
    309: "session not found",
    313: "fact too large",
}

_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "==": "$eq", "!=": "$neq"}
_DIGITS = len(str(MAX_RULES))
_SENTINEL = "d" + "0" * _DIGITS
"""Rule names are d and a number of fixed width: an action's message starts with its name."""


def unavailable_reason() -> str | None:
    """Why durable-rules cannot be used here, or None when it can."""
    return _IMPORT_ERROR


def translate(error: BaseException) -> str:
    """durable-rules' 'error code: 303' messages in words."""
    text = str(error)
    code = text.rsplit(":", 1)[-1].strip()
    if code.isdigit() and int(code) in ERROR_CODES:
        return f"{text} ({ERROR_CODES[int(code)]})"
    return text


# ------------------------------------------------------------------------ compiling


def dnf(node: LNode) -> list[tuple[LCmp | LPresent, ...]]:
    """The node as a list of conjunctions of atoms (empty list: never true)."""
    if isinstance(node, LConst):
        return [()] if node.value else []
    if isinstance(node, (LCmp, LPresent)):
        return [(node,)]
    parts = [dnf(item) for item in node.items]
    if node.op == "or":
        out: list[tuple[LCmp | LPresent, ...]] = []
        for part in parts:
            out.extend(c for c in part if c not in out)
            if len(out) > MAX_CONJUNCTS:
                raise _TooComplex()
        return out
    product: list[tuple[LCmp | LPresent, ...]] = [()]
    for part in parts:
        product = [tuple(dict.fromkeys(a + b)) for a in product for b in part]
        if len(product) > MAX_CONJUNCTS:
            raise _TooComplex()
    return product


class _TooComplex(Exception):
    pass


def _atom(atom: LCmp | LPresent) -> dict[str, Any]:
    if isinstance(atom, LPresent):
        return {"$ex" if atom.present else "$nex": {atom.key: 1}}
    value: Any = {"$m": atom.value} if atom.ref else atom.value
    return {_OPS[atom.op]: {atom.key: value}}


def _unimplied(conjunct: tuple[LCmp | LPresent, ...],
               sources: Mapping[str, set[str]]) -> tuple[LCmp | LPresent, ...]:
    """The conjunct without the presence tests its comparisons imply (one alpha node fewer
    to walk each): a comparison matches only a property the fact has, and a term is in the
    fact only when every fact it is computed from is."""
    implied: set[str] = set()
    for atom in conjunct:
        if isinstance(atom, LCmp):
            implied.add(atom.key)
            implied.update(sources.get(atom.key, ()))
    return tuple(a for a in conjunct if not (isinstance(a, LPresent) and a.present and a.key in implied))


def _anchor(k: int) -> dict[str, Any]:
    return {"$lt": {"a": k + 1}}


def _sort_key(atom: LCmp | LPresent, known: dict[int, tuple[int, str]]) -> tuple[int, str]:
    # presence tests first so that rules reading the same facts share alpha nodes; an atom's
    # key is written once (``known``, by the atom's identity: equal atoms such as == 1 and
    # == True have different texts)
    key = known.get(id(atom))
    if key is None:
        key = known[id(atom)] = (0 if isinstance(atom, LPresent) else 1, json.dumps(_atom(atom), sort_keys=True))
    return key


class Definition:
    """The durable-rules form of a program: rule conditions and the fact layout."""

    def __init__(self, program: Program) -> None:
        conjuncts: list[tuple[str, tuple[LCmp | LPresent, ...]]] = []
        problems: list[tuple[int, str]] = []
        sources = {t.key: {program.keys[path] for path in t.paths if path in program.keys} for t in program.terms}
        known: dict[int, tuple[int, str]] = {}
        for check in program.checks:
            try:
                for conjunct in dnf(check.lowered):
                    conjuncts.append((check.name, tuple(sorted(_unimplied(conjunct, sources),
                                                                key=lambda a: _sort_key(a, known)))))
            except _TooComplex:
                problems.append((check.rule, f"condition has more than {MAX_CONJUNCTS} "
                                             "alternatives once expanded; split the rule"))
        anchors = max(1, math.ceil(math.sqrt(len(conjuncts) + 1)))
        if len(conjuncts) > MAX_RULES or anchors + math.ceil((len(conjuncts) + 1) / anchors) > MAX_STACK:
            problems.append((0, f"the ruleset needs {len(conjuncts)} durable-rules rules; "
                                f"at most {MAX_RULES} fit"))
        self.keys = dict(program.keys)
        # Terms that only feed sign terms (a pct compared with 58) are never compared here.
        compared = {a.key for _, conjunct in conjuncts for a in conjunct if isinstance(a, LCmp)} | \
            {str(a.value) for _, conjunct in conjuncts for a in conjunct if isinstance(a, LCmp) and a.ref}
        self.terms = [(t.key, t.fn, t.paths) for t in program.terms if t.key in compared]
        self.enums = program.enums
        # Fractional facts are compared only through sign terms; here they are only present.
        self.presence_only = {key for path, key in self.keys.items()
                              if path in FIELDS and FIELDS[path].kind == "number"}
        properties = 3 + len(self.keys) + len(self.terms)  # with sid, id and the anchor field
        if properties > MAX_PROPERTIES:
            problems.append((0, f"the ruleset reads {len(self.keys)} facts and {len(self.terms)} "
                                f"derived values; durable-rules takes at most {MAX_PROPERTIES - 3} in all"))
        if problems:
            rubric = program.rubric
            issues = tuple(rubric.issue(("rules", index), message) for index, message in problems)
            raise RulesetError("the ruleset cannot run on the durable-rules engine",
                               source=rubric.source, issues=issues)
        self.rules: dict[str, dict[str, Any]] = {}
        self.check_of: dict[str, str] = {}
        # Anchor k is the test a < k + 1 (the fact's a is 0). Rules go to anchors in the
        # order of their conditions, so that the rules under one anchor share their first
        # alpha nodes (durable-rules merges equal ones): fewer nodes to walk per unit.
        per_anchor = math.ceil((len(conjuncts) + 1) / anchors)
        self.rules[_SENTINEL] = {"all": [{"m": _anchor(0)}]}
        ordered = sorted(conjuncts, key=lambda c: tuple(_sort_key(a, known) for a in c[1]))
        for index, (check_name, conjunct) in enumerate(ordered, start=1):
            name = f"d{index:0{_DIGITS}d}"
            self.rules[name] = {"all": [{"m": {"$and": [_anchor(index // per_anchor),
                                                        *(_atom(a) for a in conjunct)]}}]}
            self.check_of[name] = check_name
        self.digest = hashlib.sha256(json.dumps(self.rules, sort_keys=True).encode()).hexdigest()
        # The fact's text, planned: what follows the session id; the facts sent as they are,
        # with each key's text and its truth values already written; the facts sent only as
        # present; the enums, sent as their values' indexes; the terms.
        self._head = '","id":"unit","a":0'
        self._plain = tuple((path, f'"{key}":', f'"{key}":true', f'"{key}":false') for path, key in self.keys.items()
                            if key not in self.presence_only and key not in self.enums)
        self._present = tuple((path, f'"{key}":true') for path, key in self.keys.items() if key in self.presence_only)
        self._coded = tuple((path, f'"{key}":', self.enums[key]) for path, key in self.keys.items()
                            if key in self.enums and key not in self.presence_only)
        self._terms = tuple((f'"{key}":', fn, paths) for key, fn, paths in self.terms)

    def text(self, env: Mapping[str, Any], sid: str) -> str:
        """The flat fact durable-rules sees, as the JSON it parses: typed scalars, coded
        enums, presence flags (building a dict and dumping it cost as much as durable-rules
        deciding the unit)."""
        parts = ['{"sid":"' + sid + self._head]
        add = parts.append
        get = env.get
        for path, prefix, true, false in self._plain:
            value = get(path, _ABSENT)
            if value is True:
                add(true)
            elif value is False:
                add(false)
            elif value is _ABSENT:
                continue
            elif value.__class__ is int and -LIMIT <= value <= LIMIT:
                add(prefix + int.__repr__(value))
            else:
                add(prefix + _text(value))
        for path, true in self._present:
            if path in env:
                add(true)
        for path, prefix, enum in self._coded:
            value = get(path, _ABSENT)
            if value is not _ABSENT:
                add(prefix + str(enum.index(value)))
        for prefix, fn, paths in self._terms:
            for path in paths:
                if path not in env:
                    break
            else:
                value = fn(env)
                add(prefix + (int.__repr__(value) if value.__class__ is int and -LIMIT <= value <= LIMIT
                              else _text(value)))
        return ",".join(parts) + "}"

    def fact(self, env: Mapping[str, Any], sid: str) -> dict[str, Any]:
        """The flat fact durable-rules sees, read back from its text."""
        fact: dict[str, Any] = json.loads(self.text(env, sid))
        return fact


_ABSENT = object()


def _text(value: Any) -> str:
    """A value as JSON in a form durable-rules parses exactly: no floats ever reach it, since
    its parser refuses ``4e-06`` and ``1e+16`` (error 204) and compares doubles; whole
    numbers are bounded below 2**53 when the ruleset loads."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) <= LIMIT:
            return int.__repr__(value)
    elif isinstance(value, str):
        return _string(value)
    elif isinstance(value, (list, dict)):
        return "true"  # lists and sections reach the engine only as "submitted"
    raise TypeError(f"unexpected fact value {value!r}")


# ------------------------------------------------------------------------ running


def _free(handles: list[int], live: list[str]) -> None:
    for handle in handles:
        for sid in live:  # a C ruleset freed does not free its sessions
            _forget(handle, sid)
        try:
            _ext.delete_ruleset(handle)
        except Exception:  # noqa: BLE001,S110 (freeing at exit: nothing left to tell)  # nosec B110
            pass
    live.clear()
    handles.clear()


def _forget(handle: int, sid: str) -> None:
    try:
        _ext.delete_state(handle, sid)
    except Exception:  # noqa: BLE001,S110 (no session after an error)  # nosec B110
        pass


class DurableEngine:
    """Answers a program's checks with durable-rules.

    The engine creates and owns the C ruleset; units are asserted into the
    engine's one session and their actions taken straight from the C extension (assert,
    start an action, complete it, next, then retract the unit), so no Python action runs
    inside durable-rules: nothing can be swallowed there, and the per-action cost of its
    Python layer (a closure, the session state written back as JSON) is not paid.
    """

    name = SPEC_NAME
    program_facts_only = True
    """Its facts' text is written from the program's keys and terms alone (:class:`Definition`):
    it is given only the facts the program names."""

    @property
    def version(self) -> str:
        return f"durable-rules {_version()}"

    def __init__(self, program: Program) -> None:
        if _IMPORT_ERROR is not None:
            raise EngineError(f"durable-rules is not available: {_IMPORT_ERROR}")
        prepared = program.prepared.get(SPEC_NAME)
        self._definition = prepared if isinstance(prepared, Definition) else Definition(program)
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self._name = f"assess_{self._definition.digest[:16]}"
        self._check_of = self._definition.check_of
        # the text durable-rules' Host.register_rulesets would send, its actions taken out
        text = json.dumps(self._definition.rules, ensure_ascii=False)
        try:
            handle = _ext.create_ruleset(self._name, text)
        except Exception as exc:
            raise EngineError(f"durable-rules refused the compiled ruleset: {translate(exc)}") from exc
        self._handles = [handle]
        self._live: list[str] = []
        """The session kept between units (none before the first unit or after a failure)."""
        self._finalizer = weakref.finalize(self, _free, self._handles, self._live)

    def fired(self, handle: int, fact: str) -> set[str]:
        """Assert one unit's fact and take every action it triggers; the checks that held."""
        result = _ext.assert_fact(handle, fact)
        if result[0] != 0:
            raise EngineError(f"durable-rules did not take the unit (result {result[0]})")
        state = result[1]
        out: set[str] = set()
        started = _ext.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            # The message is {"<rule name>": {...}}.
            check = self._check_of.get(message[2:3 + _DIGITS])
            if check is not None:
                out.add(check)
            message = _ext.complete_and_start_action(handle, state)
        return out

    def run(self, env: Mapping[str, Any]) -> frozenset[str]:
        with self._lock:
            if not self._handles:
                raise EngineError("the durable-rules engine has been closed")
            handle = self._handles[0]
            live = self._live
            if not live:
                live.append(str(next(self._sessions)))
            sid = live[0]
            fact = self._definition.text(env, sid)
            try:
                fired = self.fired(handle, fact)
                retracted = _ext.retract_fact(handle, '{"sid":"' + sid + '","id":"unit"}')
                if retracted[0] != 0:
                    raise EngineError(f"durable-rules did not let the unit go (result {retracted[0]})")
            except BaseException as exc:
                # Only a session whose unit ended cleanly is used again.
                live.clear()
                _forget(handle, sid)
                if isinstance(exc, Exception) and not isinstance(exc, EngineError):
                    raise EngineError(f"durable-rules failed: {translate(exc)}") from exc
                raise
            return frozenset(fired)

    def close(self) -> None:
        """Free the C ruleset; the engine cannot be used afterwards."""
        with self._lock:
            self._finalizer()


def _check(program: Program) -> None:
    if _IMPORT_ERROR is None:
        program.prepared[SPEC_NAME] = Definition(program)


SPEC = EngineSpec(SPEC_NAME, DurableEngine, unavailable_reason, _check)
