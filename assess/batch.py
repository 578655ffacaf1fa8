"""Many units at once: reading files, folders and JSONL, and scoring them lazily.

Everything here is an iterator, so a caller can stream units from a JSONL file (or a
database cursor) without holding them all; bad units come out as results carrying
their error instead of stopping the batch, so that every bad file can be listed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from assess import facts, inputs
from assess.errors import AssessError, EngineError, FactsError, NoRulesetError
from assess.i18n import _
from assess.ruleset import Ruleset, load_ruleset, ruleset_name_for
from assess.scoring.assessment import Assessment, Phase
from assess.scoring.ledger import MissingRecords, Provenance, decide, score
from assess.sources import merge

if TYPE_CHECKING:
    from assess.ranking import Summary


Detail = Literal["assessment", "summary"]


class Unit(msgspec.Struct, frozen=True):
    """One unit read from an input: its facts, or why they could not be read, or (read
    with ``defer``) its JSON still to be parsed by whoever scores it."""

    source: str
    facts: facts.UnitFacts | None = None
    error: AssessError | None = None
    raw: bytes | None = None
    provenance: Provenance | None = None
    """Where each fact came from, when the facts were merged from several sources."""

    def parsed(self) -> Unit:
        """This unit with its JSON parsed (errors become the unit's error)."""
        if self.raw is None:
            return self
        try:
            return Unit(self.source, facts=facts.loads(self.raw, self.source))
        except FactsError as exc:
            return Unit(self.source, error=exc)


class Scored(msgspec.Struct, frozen=True):
    """One unit's outcome: an assessment (or only its summary for ranking, when that was
    asked for) and the ruleset that made it, or an error."""

    source: str
    assessment: Assessment | None = None
    ruleset: Ruleset | None = None
    error: AssessError | None = None
    summary: Summary | None = None


def read_units(paths: Sequence[str | Path], defer: bool = False) -> Iterator[Unit]:
    """Units from files, folders (every ``*.json`` and filled ``*.xlsx`` form inside, sorted)
    and JSONL files.

    With ``defer`` the lines of JSONL files are handed on unparsed, so that worker
    processes parse them (see :func:`score_units_in_processes`).
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted([*path.glob("*.json"), *path.glob("*.xlsx")])
            if not found:
                yield Unit(str(path), error=FactsError(_("no *.json or *.xlsx files in this folder"), source=str(path)))
            for file in found:
                yield _read_file(file)
        elif path.suffix == ".jsonl":
            yield from _read_jsonl(path, defer)
        else:
            yield _read_file(path)


def _read_file(path: Path) -> Unit:
    try:
        return Unit(str(path), facts=facts.load(path))
    except FactsError as exc:
        return Unit(str(path), error=exc)


def _read_jsonl(path: Path, defer: bool) -> Iterator[Unit]:
    try:
        for number, line in inputs.read_lines(path, what="JSONL line", limit=inputs.cap("JSONL line")):
            if isinstance(line, inputs.InputError):
                yield Unit(f"{path}:{number}", error=FactsError(line.message, source=line.source))
                continue
            unit = Unit(f"{path}:{number}", raw=line)
            yield unit if defer else unit.parsed()
    except inputs.InputError as exc:
        yield Unit(str(path), error=FactsError(exc.message, source=exc.source))


class Rulesets:
    """Rulesets loaded on demand: a named one for every unit, or each unit type's own.

    Use as a context manager (or call :meth:`close`) to free durable-rules' resources.
    """

    def __init__(self, ref: str | os.PathLike[str] | None = None) -> None:
        self.ref = ref
        self._loaded: dict[str, Ruleset] = {}

    def for_unit(self, unit: facts.UnitFacts) -> Ruleset:
        return self.for_name(str(self.ref) if self.ref is not None
                             else ruleset_name_for(unit.unit.type, unit.unit.sector))

    def for_name(self, name: str) -> Ruleset:
        """The ruleset of that bundled name or path, loaded once."""
        if name not in self._loaded:
            self._loaded[name] = load_ruleset(self.ref if self.ref is not None else name)
        return self._loaded[name]

    def close(self) -> None:
        for ruleset in self._loaded.values():
            ruleset.close()
        self._loaded.clear()

    def __enter__(self) -> Rulesets:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def score_units(units: Iterable[Unit], choose: Callable[[facts.UnitFacts], Ruleset],
                engine: str = "durable", phase: Phase = "final",
                missing_records: MissingRecords | None = None, detail: Detail = "assessment") -> Iterator[Scored]:
    """Score each unit with the ruleset ``choose`` picks for it (such as
    :meth:`Rulesets.for_unit`); input errors and an engine's failure on a unit travel
    along as results. With ``detail="summary"`` each result carries only what ranking
    needs, decided and totalled without building the assessment's reasons and records.

    A ruleset that cannot be loaded is not a problem of one unit: it is raised.
    """
    if detail == "summary":
        from assess.ranking import summarize
    for read in units:
        unit = read.parsed()
        if unit.facts is None:
            yield Scored(unit.source, error=unit.error)
            continue
        try:
            ruleset = choose(unit.facts)
        except NoRulesetError as exc:
            yield Scored(unit.source, error=NoRulesetError(exc.message, source=unit.source))
            continue
        # A unit read on its own is merged with no other source here, so that its claims of
        # facts the office owns never decide the office's items.
        provenance = unit.provenance or merge(unit.facts, source=unit.source)
        try:
            if detail == "summary":
                decided = decide(ruleset, unit.facts, engine, source=unit.source, phase=phase,
                                 provenance=provenance, missing_records=missing_records)
                scored = Scored(unit.source, ruleset=ruleset, summary=summarize(decided, ruleset))
            else:
                scored = Scored(unit.source, score(ruleset, unit.facts, engine, source=unit.source, phase=phase,
                                                   provenance=provenance, missing_records=missing_records), ruleset)
        except (FactsError, EngineError) as exc:  # this unit's problem, not the batch's
            scored = Scored(unit.source, error=exc)
        yield scored


def distinct_units(results: Iterable[Scored]) -> Iterator[Scored]:
    """The same results, except that a unit met again (its ``unit.id`` already seen: one file
    given twice, or one unit in two files) becomes an error naming both places, so that it
    is not ranked twice."""
    seen: dict[str, str] = {}
    for result in results:
        unit_id = _unit_id(result)
        if unit_id is None:
            yield result
        elif unit_id in seen:
            first = seen[unit_id]
            where = "given twice" if first == result.source else f"also in {first}"
            yield Scored(result.source, error=FactsError(
                f"the same unit (unit.id {unit_id!r}) is {where}; a unit is ranked once", source=result.source))
        else:
            seen[unit_id] = result.source
            yield result


def _unit_id(result: Scored) -> str | None:
    if result.assessment is not None:
        return result.assessment.unit.id
    if result.summary is not None:
        return result.summary.row.unit.id
    return None


# ------------------------------------------------------------------ several processes

CHUNK = 250
_WORKER: dict[str, Any] = {}
_HELD = frozenset({signal.SIGINT, signal.SIGTERM})


Outcome = tuple[str, Any, AssessError | None]


def _start_worker(ref: str | None, engine: str, detail: Detail, phase: Phase,
                  missing_records: MissingRecords | None, rulesets: Rulesets | None) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the workers, which would
    # otherwise each print a traceback of their own. A forked worker also drops the parent's
    # SIGTERM handler (it raises into the parent's stack, which the worker does not run):
    # the parent's terminate() then simply ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # held by the parent while it forked
    _WORKER["rulesets"] = rulesets if rulesets is not None else Rulesets(ref)
    _WORKER["engine"] = engine
    _WORKER["detail"] = detail
    _WORKER["phase"] = phase
    _WORKER["missing_records"] = missing_records


def _score_chunk(chunk: list[Unit]) -> list[Outcome]:
    rulesets: Rulesets = _WORKER["rulesets"]
    results = score_units(chunk, rulesets.for_unit, _WORKER["engine"], _WORKER["phase"], _WORKER["missing_records"],
                          _WORKER["detail"])
    if _WORKER["detail"] == "summary":
        # a summary's row does not say which ruleset (a sector's overlay) scored it
        return [(s.source, None if s.summary is None else (s.summary, s.ruleset.name if s.ruleset else None),
                 s.error) for s in results]
    return [(s.source, s.assessment, s.error) for s in results]


SERIAL_BELOW = 2000
"""Batches smaller than this are scored in this process whatever ``jobs`` says: measured on
two cores (benchmarks/bench.py), starting workers and sending results back costs more than
they save below it."""

PEEK_EVERY = 8
"""Of the first units, left unparsed, one in this many is read for the rulesets to load
before the workers are forked (reading all of 2,000 takes as long as scoring some eighty)."""

WARM = 50
"""Units this process scores first, untimed: the first units of a batch build what the rest
share (validators, each rule's verdicts), and go at a third of the pace of those after."""

ALONE = 100
"""Units this process scores next, alone, timed, before any worker starts: how fast they go is
how fast scoring the batch here would go, on this machine as busy as it is now."""

PROBE = 100
"""Units in each of a worker's chunks while the workers are timed (see :data:`PROBES`)."""

PROBES = 2
"""Rounds of two :data:`PROBE` chunks per worker timed, at most, before the batch stays here.
The first round's time starts as the workers do, so their start counts in it, and it can
also be slow by chance: on two quiet cores, with a pace 1.3-1.5x this process's alone, 1 first
round in 12 came out at 1.04x. The second round is timed with the workers started and
warm: the batch stays here only when the workers are no faster then either."""

WORKERS_PAY_ABOVE = 1.1
"""Workers are kept only when, their results received here, they score more than this many
times as many units a second as this process did alone. A machine busy with other work can
leave them less than one process gets: they share the cores with each other, with the other
work and with this process reading their results (with another process keeping one of two
cores busy, a first round came out at 0.88-1.05x). The choice is made once, after at most
:data:`PROBES` rounds: timed again over a few chunks later in the batch, the workers' pace
varied by more than the margin (and with the kinds of unit in the batch), and a batch of
100,000 went back to one process on a quiet machine."""


def workers_for(jobs: int) -> int:
    """The worker processes worth starting: no more than the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(jobs, cores))


def start_method() -> str:
    """``fork`` on Linux: a worker starts with this process's modules and compiled rulesets,
    in milliseconds; elsewhere ``spawn`` (fork is unsafe on macOS and absent on Windows),
    where each worker imports assess and loads its rulesets once."""
    import multiprocessing

    return "fork" if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods() else "spawn"


@contextlib.contextmanager
def _signals_held(forking: bool) -> Iterator[None]:
    """SIGINT and SIGTERM held while workers are forked, so that none lands in a worker
    before it has set its own handlers (it would run the parent's); the parent gets any
    held signal as soon as they are released."""
    if not forking or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def score_units_in_processes(units: Iterable[Unit], ref: str | os.PathLike[str] | None, engine: str,
                             jobs: int, detail: Detail = "assessment", phase: Phase = "final",
                             missing_records: MissingRecords | None = None) -> Iterator[Scored]:
    """Like :func:`score_units`, spread over ``jobs`` worker processes, in input order.

    A batch of fewer than :data:`SERIAL_BELOW` units, or a machine with one core to use, is
    scored here instead: more processes would only make it slower. Otherwise the rulesets
    the first units name are loaded here, the first :data:`WARM` units scored and the next
    :data:`ALONE` scored timed, before any worker starts; workers are then forked where that
    is safe (:func:`start_method`), with the rulesets (and what scoring those units built)
    loaded here, and spawned workers load each ruleset once. The workers
    first score two chunks each of :data:`PROBE` units, timed here, and again if need be
    (:data:`PROBES`); if they go no faster
    than this process alone did (:data:`WORKERS_PAY_ABOVE`: the machine is busy with other
    work), the rest of the batch is scored here.
    Units go to the workers in chunks, with at most two chunks per worker in flight, so
    a stream of any length is scored with bounded memory. Results refer to rulesets loaded
    here, so they can be ranked. With ``detail="summary"`` workers send back only what
    ranking needs (a whole assessment costs more to send between processes than to compute).
    """
    import itertools
    import multiprocessing

    from assess.workers import Pool

    stream = iter(units)
    first = list(itertools.islice(stream, SERIAL_BELOW))
    workers = workers_for(jobs)
    text_ref = str(ref) if ref is not None else None
    with Rulesets(ref) as local:
        if len(first) < SERIAL_BELOW or workers == 1:
            yield from score_units(itertools.chain(first, stream), local.for_unit, engine, phase, missing_records,
                                   detail)
            return
        # Loaded here once, as the results need them anyway (and inherited compiled by forked
        # workers); a ruleset met only after the first units is loaded once per worker.
        if text_ref is not None:
            local.for_name(text_ref)
        for name in _rulesets_named(first) if text_ref is None else ():
            with contextlib.suppress(AssessError):  # a unit's own error, met again in its worker
                local.for_name(name)
        yield from score_units(first[:WARM], local.for_unit, engine, phase, missing_records, detail)
        timed = first[WARM:WARM + ALONE]
        started = time.perf_counter()
        yield from score_units(timed, local.for_unit, engine, phase, missing_records, detail)
        alone = len(timed) / max(time.perf_counter() - started, 1e-9)  # units a second, here alone
        method = start_method()
        forking = method == "fork"
        if forking:
            for stream_ in (sys.stdout, sys.stderr):  # a forked worker flushes what it inherits on exit
                with contextlib.suppress(Exception):
                    stream_.flush()
        started = time.perf_counter()  # the first round's time counts the workers' start
        pool: Pool[list[Unit], list[Outcome]] = Pool(
            workers, multiprocessing.get_context(method), _score_chunk, _start_worker,
            (text_ref, engine, detail, phase, missing_records, local if forking else None))
        with contextlib.ExitStack() as stack:
            # Stopped whenever a signal lands: a signal held while the workers fork is raised as
            # it is released, and in a process with other threads it is not held at all.
            stack.callback(pool.stop)
            with _signals_held(forking):
                stack.enter_context(pool)

            def scored(outcomes: list[Outcome]) -> Iterator[Scored]:
                for source, result, error in outcomes:
                    if result is None:
                        yield Scored(source, error=error)
                    elif detail == "summary":
                        summary, name = result
                        ruleset = local.for_name(text_ref or name or ruleset_name_for(summary.row.unit.type))
                        yield Scored(source, ruleset=ruleset, summary=summary)
                    else:
                        yield Scored(source, result, local.for_name(text_ref or result.ruleset.source))

            def drain(until: int) -> Iterator[Scored]:
                while pool.pending > until:
                    yield from scored(pool.next())

            rest = itertools.chain(first[WARM + ALONE:], stream)
            for _round in range(PROBES):
                probed = 0
                for _chunk in range(2 * workers):  # two small chunks each
                    probe = list(itertools.islice(rest, PROBE))
                    probed += len(probe)
                    if probe:
                        pool.submit(probe)
                yield from drain(0)
                if probed / max(time.perf_counter() - started, 1e-9) > WORKERS_PAY_ABOVE * alone:
                    break
                started = time.perf_counter()
            else:
                pool.close()
                yield from score_units(rest, local.for_unit, engine, phase, missing_records, detail)
                return
            chunk: list[Unit] = []
            for unit in rest:
                chunk.append(unit)
                if len(chunk) == CHUNK:
                    pool.submit(chunk)
                    chunk = []
                    yield from drain(2 * workers)
            if chunk:
                pool.submit(chunk)
            yield from drain(0)


def _rulesets_named(units: list[Unit]) -> list[str]:
    """The bundled rulesets these units are scored by, as far as their unit type and sector
    tell. Units left unparsed (for the workers) are read one in :data:`PEEK_EVERY`, as JSON
    alone, unvalidated: a batch holds few kinds of unit, and a kind missed here is loaded by
    each worker that meets it."""
    names: dict[str, None] = {}
    for index, unit in enumerate(units):
        kind: object
        sector: object
        if unit.facts is not None:
            kind, sector = unit.facts.unit.type, unit.facts.unit.sector
        elif unit.raw is not None and index % PEEK_EVERY == 0:
            try:
                data = json.loads(unit.raw)
            except ValueError:
                continue
            about = data.get("unit") if isinstance(data, dict) else None
            if not isinstance(about, dict):
                continue
            kind, sector = about.get("type"), about.get("sector")
            if not isinstance(kind, str) or not isinstance(sector, str | None):
                continue
        else:
            continue
        with contextlib.suppress(AssessError):  # no bundled ruleset: that unit's own error
            names.setdefault(ruleset_name_for(kind, sector))
    return list(names)
