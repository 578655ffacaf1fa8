"""How fast assess scores, measured side by side in one run, and how much memory it holds.

    python benchmarks/bench.py                         # the full run (several minutes)
    python benchmarks/bench.py --units 300 --rss-units 3000 --rank-units 2000   # a smoke run

Units are generated with a fixed seed (assess.tools.generate: complete, partial, nearly empty
and veto cases). Every figure is the median of --repeats runs (at least five) with their
spread (lowest-highest), the measures taken in turn within each round so that a busy
machine slows them alike. Prints one table:

- µs per unit and units/s for fact validation alone, the hand-written township floors
  (benchmarks/floor.py: the *decision floor* only totals and grades, the *full-output
  floor* also writes every deduction with its reason) and each engine, deciding and
  totalling only (assess.scoring.fast, and beside it the ledger's own way of deciding,
  the path before it), or building the full assessment; results are dropped as they are made,
  except in the "kept" rows, which hold every assessment until the run ends (as a caller
  collecting them does: the garbage collector then walks them all);
- the time to load each bundled ruleset (parse, check, compile, both engines);
- resident memory after 1,000 and after --rss-units units through each engine;
- `assess score samples/seed-08-township.json` from process start to exit (its bytecode
  compiled first, as an installed package has it), beside
  `python -c "import click, pydantic, yaml, tabulate"`;
- `assess rank` over a JSONL file of --rank-units units with --jobs 1 and 2, beside reading
  and validating the same units alone.
"""

from __future__ import annotations

import argparse
import compileall
import gc
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

from floor import decide_township, score_township  # noqa: E402

from assess import facts  # noqa: E402
from assess.engines.base import flatten_dict  # noqa: E402
from assess.ruleset import bundled_names, load_ruleset  # noqa: E402
from assess.scoring.ledger import Ledger, decide, score  # noqa: E402
from assess.scoring.totals import decision as ledger_decision  # noqa: E402
from assess.tools.generate import Generator  # noqa: E402

SEED = 20261129
FLOOR_RULESET = str(Path(__file__).resolve().parent / "floor-township.yaml")
"""The rubric benchmarks/floor.py hand-writes (scored in 终评, where nothing is pending)."""


def once(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rounds(measures: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Each measure timed ``repeats`` times, taken in turn within each round."""
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(repeats):
        for name, fn in measures.items():
            times[name].append(once(fn))
    return times


def spread(values: list[float], scale: float, unit: str, digits: int = 0) -> str:
    """The median and the lowest-highest of the runs, scaled."""
    low, mid, high = min(values) * scale, statistics.median(values) * scale, max(values) * scale
    return f"{mid:,.{digits}f} {unit} ({low:,.{digits}f}-{high:,.{digits}f})"


def drop(fn: Callable[[facts.UnitFacts], object], units: list[facts.UnitFacts]) -> Callable[[], None]:
    def run() -> None:
        for unit in units:
            fn(unit)
    return run


def keep(fn: Callable[[facts.UnitFacts], object], units: list[facts.UnitFacts]) -> Callable[[], object]:
    return lambda: [fn(unit) for unit in units]


def flatten_dumped(unit: facts.UnitFacts) -> dict[str, object]:
    """The flat facts as assess.engines.flatten made them before it read the models directly."""
    env: dict[str, object] = {}
    flatten_dict(unit.model_dump(exclude_none=True), "", env)
    return env


def scoring_rows(count: int, repeats: int) -> list[list[str]]:
    rs = load_ruleset(FLOOR_RULESET)
    data = list(Generator("township", SEED).units(count))
    units = [facts.validate(d) for d in data]
    for engine in ("native", "durable"):
        rs.engine(engine)
    floor = [decide_township(u) for u in units]
    for engine in ("native", "durable"):
        got = [score(rs, u, engine, phase="final") for u in units]
        wrong = [u.unit.id for u, a, f in zip(units, got, floor, strict=True)
                 if (round(a.total * 100), a.grade) != f]
        assert not wrong, f"{engine} and the floor disagree on {wrong[:5]}"

    def full(engine: str) -> Callable[[facts.UnitFacts], object]:
        return lambda u: score(rs, u, engine, phase="final")

    def decided(engine: str) -> Callable[[facts.UnitFacts], object]:
        return lambda u: decide(rs, u, engine, phase="final")

    def explained(engine: str) -> Callable[[facts.UnitFacts], object]:
        return lambda u: decide(rs, u, engine, phase="final").assessment()

    def through_ledger(engine: str) -> Callable[[facts.UnitFacts], object]:
        """Deciding as before assess.scoring.fast: the flat facts from the models' dump, every
        check answered by the engine, the ledger deciding without its records."""
        chosen = rs.engine(engine)

        def run(u: facts.UnitFacts) -> object:
            env = flatten_dumped(u)
            ledger = Ledger(rs, u, env, chosen.run(env), "<facts>", "final", explain=False)
            ledger.decide()
            return ledger_decision(ledger, lambda: score(rs, u, engine, phase="final"))
        return run

    decision, whole = "decision floor", "full-output floor"
    # (name, measure, the floor it is compared with)
    plan: list[tuple[str, Callable[[], object], str | None]] = [
        ("fact validation alone", lambda: [facts.validate(d) for d in data], None),
        (decision + " (plain Python, totals and grade)", drop(decide_township, units), decision),
        (whole + " (plain Python, every deduction and reason)", drop(score_township, units), whole),
        ("native: decide and total (compiled evaluator, scoring/fast)", drop(decided("native"), units), decision),
        ("native: decide and total through the ledger (the path before)", drop(through_ledger("native"), units),
         decision),
        ("native: decide and total, results kept", keep(decided("native"), units), decision),
        ("native: decide, then the full assessment asked for", drop(explained("native"), units), whole),
        ("native: full assessment", drop(full("native"), units), whole),
        ("native: full assessment, results kept", keep(full("native"), units), whole),
        ("durable-rules: decide and total", drop(decided("durable"), units), decision),
        ("durable-rules: decide and total through the ledger (the path before)",
         drop(through_ledger("durable"), units), decision),
        ("durable-rules: full assessment", drop(full("durable"), units), whole),
    ]
    times = rounds({name: fn for name, fn, _ in plan}, repeats)
    medians = {name: statistics.median(t) for name, t in times.items()}
    floors = {decision: medians[plan[1][0]], whole: medians[plan[2][0]]}
    rows = []
    for name, _, against in plan:
        ratio = "" if against is None else f"{medians[name] / floors[against]:.2f}x {against}"
        rows.append([f"township: {name}", spread(times[name], 1e6 / count, "µs"),
                     f"{count / medians[name]:,.0f}", ratio])
    rs.close()
    return rows


def load_rows() -> list[list[str]]:
    rows = []
    for name in bundled_names():
        def load_both(name: str = name) -> None:
            with load_ruleset(name) as rs:
                rs.engine("native")
                rs.engine("durable")
        times = [once(load_both) for _ in range(7)]
        rows.append([f"load {name}.yaml (parse, check, compile, both engines)", spread(times, 1e3, "ms", 1), "", ""])
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


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of a command."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, cwd=ROOT,
                          env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-500:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


VALIDATE_ALONE = """
import sys
from assess import facts
with open(sys.argv[1], "rb") as lines:
    for number, line in enumerate(lines, start=1):
        facts.loads(line, f"units.jsonl:{number}")
"""


def cli_rows(rank_units: int, repeats: int, rank_repeats: int) -> list[list[str]]:
    assess = [sys.executable, "-m", "assess"]
    sample = str(ROOT / "samples" / "seed-08-township.json")
    # An installed assess has its bytecode (pip compiles it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module on every start.
    compileall.compile_dir(ROOT / "assess", quiet=1)
    starts: dict[str, list[float]] = {"score": [], "first": [], "imports": []}
    for _ in range(max(repeats, 10)):  # in turn, so that all see the same machine
        starts["score"].append(timed([*assess, "score", sample])[0])
        with tempfile.TemporaryDirectory() as empty:  # the first start after installing or upgrading
            starts["first"].append(timed([*assess, "score", sample], dict(os.environ, ASSESS_CACHE_DIR=empty))[0])
        starts["imports"].append(timed([sys.executable, "-c", "import click, pydantic, yaml, tabulate"])[0])
    imports = statistics.median(starts["imports"])

    def against(name: str) -> str:
        return f"{statistics.median(starts[name]) / imports:.2f}x the imports alone"
    rows = [[f"`assess score` one sample, process start to exit ({len(starts['score'])} runs)",
             spread(starts["score"], 1e3, "ms"), "", against("score")],
            ["`assess score` the same, its ruleset's cache empty (a first start)", spread(starts["first"], 1e3, "ms"),
             "", against("first")],
            ['`python -c "import click, pydantic, yaml, tabulate"`', spread(starts["imports"], 1e3, "ms"), "", ""]]
    with tempfile.TemporaryDirectory() as folder:
        batch = Path(folder) / "units.jsonl"
        with batch.open("w", encoding="utf-8") as out:
            for kind, share in (("township", 0.5), ("department", 0.25), ("county", 0.25)):
                for index, data in enumerate(Generator(kind, SEED).units(int(rank_units * share))):
                    data["unit"]["id"] = f"{kind}-{index}"  # a unit is ranked once: ids differ across kinds
                    out.write(json.dumps(data, ensure_ascii=False) + "\n")
        # A file, not os.devnull: assess refuses to replace a device.
        rank = [*assess, "rank", str(batch), "--format", "csv", "-o", str(Path(folder) / "r.csv")]
        commands = {
            "read and validate alone (no scoring)": [sys.executable, "-c", VALIDATE_ALONE, str(batch)],
            "`assess rank` --engine native --jobs 1": [*rank, "--engine", "native", "--jobs", "1"],
            "`assess rank` --engine native --jobs 2": [*rank, "--engine", "native", "--jobs", "2"],
            "`assess rank` --engine durable --jobs 1": [*rank, "--engine", "durable", "--jobs", "1"],
        }
        seconds: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, float] = {}
        for _ in range(rank_repeats):
            for name, command in commands.items():
                took, peak = timed(command)
                seconds[name].append(took)
                peaks[name] = max(peak, peaks.get(name, 0.0))
        alone = statistics.median(seconds["read and validate alone (no scoring)"])
        for name, times in seconds.items():
            rows.append([f"{name}, {rank_units:,} units (JSONL, {len(times)} runs)", spread(times, 1, "s", 1),
                         f"{rank_units / statistics.median(times):,.0f}",
                         f"{statistics.median(times) / alone:.2f}x validation alone; peak RSS {peaks[name]:.0f} MB"])
    return rows


def load_average() -> str:
    """The 1-minute load average: on a shared machine, how many cores the figures had."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=2000, help="units per timing run")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each measure (at least five)")
    parser.add_argument("--rank-repeats", type=int, default=3, help="runs of each `assess rank` command")
    parser.add_argument("--rss-units", type=int, default=100_000)
    parser.add_argument("--rank-units", type=int, default=100_000)
    args = parser.parse_args()
    load_before = load_average()
    rows = scoring_rows(args.units, args.repeats) + load_rows() + rss_rows(args.rss_units) \
        + cli_rows(args.rank_units, args.repeats, args.rank_repeats)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    print(f"assess benchmark: {args.units:,} generated units per timing "
          f"(median and lowest-highest of {args.repeats} runs); "
          f"Python {platform.python_version()}; {cpu}; {os.cpu_count()} cores; "
          f"load average {load_before} at the start, {load_average()} at the end")
    print(tabulate(rows, headers=["measure", "median (lowest-highest)", "units/s", "compared with"],
                   tablefmt="github", disable_numparse=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
