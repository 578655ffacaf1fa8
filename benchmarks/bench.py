"""How fast assess scores, measured side by side in one run, and how much memory it holds.

    python benchmarks/bench.py                         # the full run (several minutes)
    python benchmarks/bench.py --units 300 --rss-units 3000 --rank-units 2000   # a smoke run

Units are generated with a fixed seed (assess.tools.generate: complete, partial, nearly empty
and veto cases). Prints one table:

- µs per unit and units/s for fact validation alone, the native evaluator and the
  durable-rules evaluator (full ledger: every deduction, pass and reason), and the
  hand-written township floor (benchmarks/floor.py), whose totals must equal assess's;
- the time to load each bundled ruleset (parse, check, compile, both engines);
- resident memory after 1,000 and after --rss-units units through each engine;
- `assess score samples/seed-08-township.json` from process start to exit;
- `assess rank` over a JSONL file of --rank-units units with --jobs 1 and --jobs 2.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import score_township  # noqa: E402

from assess import facts  # noqa: E402
from assess.ruleset import bundled_names, load_ruleset  # noqa: E402
from assess.scoring.ledger import score  # noqa: E402
from assess.tools.generate import Generator  # noqa: E402

SEED = 20261129


def best(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def per_unit(seconds: float, count: int) -> list[str]:
    return [f"{seconds / count * 1e6:,.0f}", f"{count / seconds:,.0f}"]


def scoring_rows(count: int, repeats: int) -> list[list[str]]:
    rs = load_ruleset("township")
    data = list(Generator("township", SEED).units(count))
    units = [facts.validate(d) for d in data]
    for engine in ("native", "durable"):
        rs.engine(engine)
    floor = [score_township(u) for u in units]
    for engine in ("native", "durable"):
        got = [score(rs, u, engine) for u in units]
        wrong = [u.unit.id for u, a, f in zip(units, got, floor, strict=True)
                 if (a.total, a.grade) != (f["total"], f["grade"])]
        assert not wrong, f"{engine} and the floor disagree on {wrong[:5]}"
    timings = {
        "fact validation alone": best(repeats, lambda: [facts.validate(d) for d in data]),
        "hand-written floor (plain Python)": best(repeats, lambda: [score_township(u) for u in units]),
        "native evaluator": best(repeats, lambda: [score(rs, u, "native") for u in units]),
        "durable-rules evaluator": best(repeats, lambda: [score(rs, u, "durable") for u in units]),
    }
    floor_s = timings["hand-written floor (plain Python)"]
    rows = []
    for name, seconds in timings.items():
        ratio = "" if name == "fact validation alone" else f"{seconds / floor_s:.1f}x"
        rows.append([f"township: {name}", *per_unit(seconds, count), ratio])
    rs.close()
    return rows


def load_rows() -> list[list[str]]:
    rows = []
    for name in bundled_names():
        def load_both(name: str = name) -> None:
            with load_ruleset(name) as rs:
                rs.engine("native")
                rs.engine("durable")
        seconds = statistics.median(best(1, load_both) for _ in range(7))
        rows.append([f"load {name}.yaml (parse, check, compile, both engines)", f"{seconds * 1e3:.1f} ms", "", ""])
    return rows


RSS_PROBE = """
import sys
from assess import facts
from assess.tools.generate import Generator
from assess.ruleset import load_ruleset
from assess.scoring.ledger import score

def rss_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

engine, total = sys.argv[1], int(sys.argv[2])
rs = load_ruleset("township")
generator = Generator("township", 7)
marks = {}
for index, data in enumerate(generator.units(total), start=1):
    score(rs, facts.validate(data), engine)
    if index in (1000, total):
        marks[index] = rss_kb()
print(marks[1000], marks[total])
"""


def rss_rows(count: int) -> list[list[str]]:
    rows = []
    for engine in ("native", "durable"):
        done = subprocess.run([sys.executable, "-c", RSS_PROBE, engine, str(count)], capture_output=True,
                              text=True, check=True, cwd=ROOT)
        first, last = (int(v) for v in done.stdout.split())
        rows.append([f"RSS, {engine}: after 1,000 units / after {count:,}",
                     f"{first / 1024:.1f} MB / {last / 1024:.1f} MB", f"growth {(last - first) / 1024:.1f} MB", ""])
    return rows


def timed(command: list[str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of a command."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-500:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def cli_rows(rank_units: int) -> list[list[str]]:
    assess = [sys.executable, "-m", "assess"]
    sample = str(ROOT / "samples" / "seed-08-township.json")
    starts = [timed([*assess, "score", sample])[0] for _ in range(5)]
    rows = [["`assess score` one sample, process start to exit (median of 5)",
             f"{statistics.median(starts) * 1e3:.0f} ms", "", ""]]
    with tempfile.TemporaryDirectory() as folder:
        batch = Path(folder) / "units.jsonl"
        with batch.open("w", encoding="utf-8") as out:
            for kind, share in (("township", 0.5), ("department", 0.25), ("county", 0.25)):
                for data in Generator(kind, SEED).units(int(rank_units * share)):
                    out.write(json.dumps(data, ensure_ascii=False) + "\n")
        for jobs in (1, 2):
            # A file, not os.devnull: assess refuses to replace a device.
            seconds, peak = timed([*assess, "rank", str(batch), "--format", "csv", "-o", str(Path(folder) / "r.csv"),
                                   "--jobs", str(jobs)])
            rows.append([f"`assess rank` {rank_units:,} units (JSONL) --jobs {jobs}",
                         f"{seconds:.1f} s", f"{rank_units / seconds:,.0f} units/s", f"peak RSS {peak:.0f} MB"])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=2000, help="units per timing run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rss-units", type=int, default=100_000)
    parser.add_argument("--rank-units", type=int, default=100_000)
    args = parser.parse_args()
    rows = scoring_rows(args.units, args.repeats) + load_rows() + rss_rows(args.rss_units) \
        + cli_rows(args.rank_units)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    print(f"assess benchmark: {args.units:,} generated units per timing (best of {args.repeats}); "
          f"Python {platform.python_version()}; {cpu}; {os.cpu_count()} cores")
    print(tabulate(rows, headers=["measure", "µs per unit / value", "units/s", "vs floor"],
                   tablefmt="github", disable_numparse=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
