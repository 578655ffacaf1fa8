"""Time fact validation, both engines and ruleset loading on generated units.

    python benchmarks/bench_engines.py [--units 1000]

Prints one table: microseconds per unit for validation and for a full assessment with
each engine (the ledger included), and the time to load each bundled ruleset (parse,
check, compile the program, build the durable-rules definition).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parent))

from units import units

from assess import durable, facts
from assess.ruleset import Ruleset, bundled_names, load_ruleset
from assess.scoring import score

TYPE_OF = {"township": "township", "department": "department", "county": "county"}


def best_of(repeats: int, fn: Callable[..., object], *args: object) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def load_and_close(name: str) -> None:
    load_ruleset(name).close()


def validate_all(data: list[dict[str, object]]) -> None:
    for d in data:
        facts.validate(d)


def score_all(rs: Ruleset, units: list[facts.UnitFacts], engine: str) -> None:
    for u in units:
        score(rs, u, engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for name in bundled_names():
        load_s = best_of(5, load_and_close, name)
        rs = load_ruleset(name)
        data = units(args.units, TYPE_OF.get(name, rs.spec.applies_to[0]))
        validated = [facts.validate(d) for d in data]
        validate_s = best_of(args.repeats, validate_all, data)
        row = [name, len(rs.spec.rules), f"{load_s * 1e3:.1f}", f"{validate_s / len(data) * 1e6:.0f}"]
        for engine in ("native", "durable"):
            if engine == "durable" and durable.unavailable_reason() is not None:
                row.append("n/a")
                continue
            rs.engine(engine)  # created outside the timing
            seconds = best_of(args.repeats, score_all, rs, validated, engine)
            row.append(f"{seconds / len(validated) * 1e6:.0f}")
        native_totals = [score(rs, u, "native").total for u in validated]
        if durable.unavailable_reason() is None:
            assert native_totals == [score(rs, u, "durable").total for u in validated], "engines disagree"
        rows.append(row)
        rs.close()
    print(f"{args.units} generated units per ruleset; best of {args.repeats}; "
          f"Python {platform.python_version()} on {platform.machine()}, {platform.processor() or 'cpu'}")
    print(tabulate(rows, headers=["ruleset", "rules", "load ms", "validate µs/unit",
                                  "native µs/unit", "durable µs/unit"], disable_numparse=True,
                   colalign=("left", "right", "right", "right", "right", "right")))


if __name__ == "__main__":
    main()
