"""Measure `assess.extract` on the 15 seed summaries against their hand transcriptions.

    python benchmarks/bench_extract.py [--seeds PATH] [--samples DIR] [--details]
    python benchmarks/bench_extract.py --scaling

``--scaling`` instead times extraction on the pathological inputs of issue 18 (one
count repeated, 演练{i}次 lines) and on generated drill text at growing sizes, with peak
memory: the time per KB should stay about the same as the size grows.

Each summary (split at 第N篇) is extracted and compared with ``samples/seed-NN-*.json``
field by field, over leaf paths:

* scalars count as correct when equal (``source`` and ``unit.id`` are ignored; a
  placeholder name's ``（第N篇）`` suffix is dropped from the label, as the extractor cannot
  know the part number);
* a list counts as one value, its number of entries (``drills#``, ``plans.named#`` ...);
* drills are also compared as the multiset of their kinds (``drills[].kind``): each kind
  the extractor gives that the label also has is one correct value.

Precision = correct / values the extractor gave; recall = correct / values the label has.
Prints one row per field and the overall figures (micro-averaged over all values).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess.extract import extract, split_summaries  # noqa: E402

DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds" / "000_67ae6ff1425d4ff0.txt"
IGNORED = ("source", "unit.id", "extraction")
LISTS = ("plans.named", "supplies.items", "drills", "honors", "adjustments")


def leaves(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Leaf values by path; a list is one value (its length) under ``path#``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if path in IGNORED or path.split(".")[0] in IGNORED:
            continue
        if isinstance(value, dict):
            out.update(leaves(value, f"{path}."))
        elif isinstance(value, list):
            out[f"{path}#"] = len(value)
        else:
            out[path] = value
    return out


def normalise_label(data: dict[str, Any]) -> dict[str, Any]:
    name = data.get("unit", {}).get("name")
    if isinstance(name, str):
        data["unit"]["name"] = re.sub(r"（第\d+篇）$", "", name)
    return data


def kinds(data: dict[str, Any]) -> Counter[str]:
    return Counter(d["kind"] for d in data.get("drills", []) if "kind" in d)


class Tally:
    def __init__(self) -> None:
        self.correct: dict[str, int] = defaultdict(int)
        self.predicted: dict[str, int] = defaultdict(int)
        self.labelled: dict[str, int] = defaultdict(int)

    def add(self, field: str, correct: int, predicted: int, labelled: int) -> None:
        self.correct[field] += correct
        self.predicted[field] += predicted
        self.labelled[field] += labelled

    def rows(self) -> list[list[Any]]:
        fields = sorted(set(self.predicted) | set(self.labelled))
        rows = [[f, self.labelled[f], self.predicted[f], self.correct[f], *ratios(
            self.correct[f], self.predicted[f], self.labelled[f])] for f in fields]
        total = [sum(d.values()) for d in (self.labelled, self.predicted, self.correct)]
        rows.append(["(overall)", *total, *ratios(total[2], total[1], total[0])])
        return rows


def ratios(correct: int, predicted: int, labelled: int) -> list[str]:
    precision = f"{correct / predicted:.2f}" if predicted else "—"
    recall = f"{correct / labelled:.2f}" if labelled else "—"
    return [precision, recall]


def compare(tally: Tally, got: dict[str, Any], want: dict[str, Any], details: list[str], part: int) -> None:
    g, w = leaves(got), leaves(want)
    for path in sorted(set(g) | set(w)):
        right = path in g and path in w and g[path] == w[path]
        tally.add(path, int(right), int(path in g), int(path in w))
        if not right:
            details.append(f"{part:>2} {path}: extracted {g.get(path, '—')!r}, label {w.get(path, '—')!r}")
    gk, wk = kinds(got), kinds(want)
    common = sum((gk & wk).values())
    tally.add("drills[].kind", common, sum(gk.values()), sum(wk.values()))
    if gk != wk:
        details.append(f"{part:>2} drills[].kind: extracted {dict(gk)}, label {dict(wk)}")


HOLDOUT = ROOT / "benchmarks" / "extract_holdout"


def seeds(path: Path, samples: Path) -> Iterator[tuple[int, str, Path]]:
    """The seed summaries (split at 第N篇) with their transcriptions in samples/."""
    parts = [p for p in split_summaries(path.read_text(encoding="utf-8")) if p[0]]
    for number, (heading, body) in enumerate(parts, start=1):
        labels = sorted(samples.glob(f"seed-{number:02d}-*.json"))
        if labels:
            yield number, f"{heading}\n{body}", labels[0]


def held_out(folder: Path) -> Iterator[tuple[int, str, Path]]:
    """Summaries written without seeing the extractor, each with its label."""
    for number, text_file in enumerate(sorted(folder.glob("*.txt")), start=1):
        yield number, text_file.read_text(encoding="utf-8"), text_file.with_suffix(".json")


def scaling() -> None:
    import random
    import time
    import tracemalloc

    def timed(text: str) -> tuple[float, float, int]:
        began = time.perf_counter()
        draft = extract(text, unit_type="township")
        seconds = time.perf_counter() - began
        tracemalloc.start()  # a second run for memory: tracing slows it several times over
        extract(text, unit_type="township")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return seconds, peak / 2**20, len(draft.facts.get("drills", []))

    def numbered_lines(size: int) -> str:
        lines, total, i = [], 0, 0
        while total < size:
            line = f"演练{i}次。\n"
            lines.append(line)
            total += len(line.encode("utf-8"))
            i += 1
        return "".join(lines)

    pick = random.Random(18)
    kinds = ["消防", "防汛", "地震", "森林防火", "危化品泄漏", "综合应急"]

    def generated(size: int) -> str:
        parts, total = [], 0
        while total < size:
            kind = pick.choice(kinds)
            part = pick.choice([f"开展{kind}演练{pick.randint(1, 3)}次。",
                                f"{pick.randint(1, 12)}月组织{kind}应急演练,参演{pick.randint(5, 900)}人。",
                                f"其中{kind}演练在{pick.randint(1, 12)}月举行。", "\n"])
            parts.append(part)
            total += len(part.encode("utf-8"))
        return "".join(parts)

    cases = [("'开展消防演练1000次。' * 40", "开展消防演练1000次。" * 40),
             ("演练{i}次 lines, 100 KB", numbered_lines(100_000))]
    cases += [(f"generated drill text, {kb} KB", generated(kb * 1000)) for kb in (25, 50, 100, 200)]
    rows = []
    for name, text in cases:
        seconds, peak, drills = timed(text)
        kb = len(text.encode("utf-8")) / 1000
        rows.append([name, f"{kb:.1f}", f"{seconds:.2f}", f"{1000 * seconds / kb:.1f}", f"{peak:.0f}", drills])
    print(tabulate(rows, headers=["input", "KB", "seconds", "ms per KB", "peak MB", "drills"], tablefmt="github",
                   disable_numparse=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    parser.add_argument("--holdout", type=Path, nargs="?", const=HOLDOUT, default=None,
                        help="measure on held-out summaries (NN-*.txt beside NN-*.json) instead of the seeds")
    parser.add_argument("--scaling", action="store_true", help="time pathological and growing inputs instead")
    args = parser.parse_args()
    if args.scaling:
        scaling()
        return 0
    tally = Tally()
    details: list[str] = []
    for number, text, label in (held_out(args.holdout) if args.holdout else seeds(args.seeds, args.samples)):
        want = normalise_label(json.loads(label.read_text(encoding="utf-8")))
        compare(tally, extract(text).facts, want, details, number)
    print(f"{'held-out summaries in ' + str(args.holdout) if args.holdout else 'the 15 seed summaries'}:")
    print(tabulate(tally.rows(), headers=["field", "labelled", "extracted", "correct", "precision", "recall"],
                   tablefmt="github", disable_numparse=True))
    if args.details:
        print()
        print("\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
