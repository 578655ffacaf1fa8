"""Byte identity of assessments between this checkout and another (the code before a change).

    python benchmarks/identity.py --against /path/to/old/checkout          # 1,000 units a ruleset
    python benchmarks/identity.py --units 200                              # this checkout only

For every bundled ruleset, --units generated units of its kind (assess.tools.generate, a
fixed seed), each scored in 初评 and 终评 (every fifth unit also in 终评 without the
missing-records policy, where the office's items refuse), in turn with no provenance,
merged alone (as ``assess rank`` and ``score_many`` merge a unit) and merged with an
office row, on both engines. For each case one line: the SHA-256 of ``score(...)``'s JSON and of the decision's
totals as a ranking reads them (or of each one's error). In this checkout, besides,
``decide(...).assessment()`` must be ``score(...)``'s JSON byte for byte and the decision's
totals the assessment's; with --against, every line must equal the other checkout's (run
at the same time in a subprocess with that checkout first on the import path). Exits 1 on
any difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SEED = 20261203


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _office_row(data: dict[str, Any]) -> list[dict[str, Any]]:
    """An office row for the unit: its task counts, as the office would record them."""
    tasks = data.get("tasks") or {}
    assigned = tasks.get("assigned", 4)
    return [{"unit.id": data["unit"]["id"], "tasks.assigned": assigned,
             "tasks.completed": min(assigned, tasks.get("completed", assigned))}]


def cases(units: int, explain: bool) -> Iterator[tuple[str, str]]:
    """One line per case (see the module's docstring), and what this checkout found wrong
    between ``score`` and ``decide`` in it ("" when nothing; only when ``explain``)."""
    from assess import facts
    from assess.ruleset import bundled_names, load_ruleset
    from assess.scoring.ledger import decide, score
    from assess.sources import OfficeRecords, merge, parse_records
    from assess.tools.generate import Generator

    for name in bundled_names():
        rs = load_ruleset(name)
        kind = rs.spec.applies_to[0]
        for index, data in enumerate(Generator(kind, SEED).units(units)):
            unit = facts.validate(data)
            # Each unit in turn with no provenance, merged alone, merged with an office row.
            label = ("none", "alone", "office")[index % 3]
            provenance = None if label == "none" else merge(unit) if label == "alone" else merge(
                unit, OfficeRecords(tuple(parse_records(json.dumps(_office_row(data)).encode(), "records.json"))))
            phases: list[tuple[str, str | None]] = [("provisional", None), ("final", "skip")]
            if index % 5 == 0:
                phases.append(("final", None))
            for engine in ("native", "durable"):
                for phase, policy in phases:
                    line, wrong = _case(rs, unit, engine, phase, provenance, policy, score, decide, explain)
                    yield f"{name} {index} {engine} {label} {phase} {policy}: {line}", wrong
        rs.close()


def _case(rs: Any, unit: Any, engine: str, phase: str, provenance: Any, policy: str | None,
          score: Any, decide: Any, explain: bool) -> tuple[str, str]:
    from assess.errors import AssessError

    def attempt(fn: Any) -> Any:
        try:
            return fn()
        except AssessError as exc:
            return f"{type(exc).__name__}: {exc} {getattr(exc, 'issues', '')}"

    kwargs = {"phase": phase, "provenance": provenance, "missing_records": policy}
    full = attempt(lambda: score(rs, unit, engine, **kwargs))
    decided = attempt(lambda: decide(rs, unit, engine, **kwargs))
    if isinstance(full, str) or isinstance(decided, str):
        same = isinstance(full, str) and isinstance(decided, str) and full == decided
        return f"error {_sha(str(full))} {_sha(str(decided))}", "" if same else "score and decide refuse differently"
    summary = (decided.total, decided.ceiling, decided.pending_points, decided.bonus, decided.grade,
               decided.grades_possible, [c.model_dump() for c in decided.categories],
               [p.model_dump() for p in decided.pillars], [(d.rule, d.item, d.cents) for d in decided.deductions],
               [v.rule for v in decided.vetoes], [b.rule for b in decided.blocks_excellent], decided.missing,
               decided.self_score, [f.model_dump() for f in decided.flags], decided.unit.model_dump())
    full_json = full.model_dump_json()
    wrong = ""
    if explain:
        if decided.assessment().model_dump_json() != full_json:
            wrong = "decide(...).assessment() differs from score(...)"
        elif repr(summary) != repr(_expected(full)):
            wrong = "the decision's totals differ from the assessment's"
    return f"{_sha(full_json)} {_sha(repr(summary))}", wrong


def _expected(full: Any) -> tuple[Any, ...]:
    """The decision's fields as the full assessment has them."""
    return (full.total, full.ceiling, full.pending_points, full.bonus, full.grade, full.grades_possible,
            [c.model_dump() for c in full.categories], [p.model_dump() for p in full.pillars],
            [(d.rule, d.item, round(d.points * 100)) for d in full.deductions], [v.rule for v in full.vetoes],
            [b.rule for b in full.blocks_excellent], full.missing, full.self_score,
            [f.model_dump() for f in full.flags], full.unit.model_dump())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="generated units per bundled ruleset")
    parser.add_argument("--against", type=Path, help="another checkout of assess to compare with")
    parser.add_argument("--emit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit:
        for line, _ in cases(args.units, explain=False):
            print(line)
        return 0
    other = None
    if args.against is not None:  # the other checkout's cases, computed meanwhile into a file
        env = {**os.environ, "PYTHONPATH": str(args.against.resolve())}
        probe = subprocess.run([sys.executable, "-c", "import assess; print(assess.__file__)"], env=env,
                               cwd=args.against, capture_output=True, text=True, check=True).stdout.strip()
        if not probe.startswith(str(args.against.resolve())):
            print(f"--against: assess imports from {probe}, not {args.against}", file=sys.stderr)
            return 2
        spool = tempfile.TemporaryFile("w+")
        other = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--emit", "--units", str(args.units)],
                                 env=env, cwd=args.against, stdout=spool, text=True)
    ours = []
    bad = []
    for line, wrong in cases(args.units, explain=True):
        ours.append(line)
        if wrong:
            bad.append(f"{wrong}: {line}")
    count = len(ours)
    if other is not None:
        other.wait()
        spool.seek(0)
        theirs = spool.read().splitlines()
        if other.returncode != 0:
            bad.append(f"the run in {args.against} failed")
        if len(theirs) != len(ours):
            bad.append(f"{len(ours)} cases here, {len(theirs)} there")
        bad.extend(f"differs from {args.against}:\n  here  {a}\n  there {b}"
                   for a, b in zip(ours, theirs, strict=False) if a != b)
    for line in bad[:20]:
        print(line)
    errors = sum(1 for line in ours if ": error " in line)
    print(f"{count:,} cases ({errors:,} refused alike), {len(bad)} differences"
          + (f" against {args.against}" if args.against else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
