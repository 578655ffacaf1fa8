"""A bounded load test of `assess serve`: many reviewers deciding items of one round at once.

    python benchmarks/serve_load.py                                  # 20 reviewers, 2,000 decisions, SQLite
    python benchmarks/serve_load.py --db postgresql://postgres@/load?host=/tmp/sock
    python benchmarks/serve_load.py --reviewers 5 --decisions 200    # a smoke run

Starts `assess serve` in a subprocess on a free port over a fresh database (a file in a
temporary folder, or the empty database --db names), loads the samples with the example
office records as a round, makes one account per reviewer, and lets the reviewers decide
items of the round's units concurrently (accept, mark missing, reject with a note, pick
a discretionary rule's points), each from the item's version it last saw; a 409 (another
reviewer moved the item) is answered by reading the item's history and deciding again, a
422 for a pick on a rule that did not fire for the unit by another decision.

Then checks, and exits 1 if any check fails:

- no decision lost or duplicated: every 201 the reviewers got is in the round's history
  once, the history holds nothing else, and each item's versions run 1, 2, ... without a gap;
- the final scores the service gives equal a replay of the whole history through the
  library (``assess.score`` with the decisions as a review file and the same records).

Prints the decisions per second, and the latency of a decision (p50, p95, max).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
import yaml

from assess import load_records, load_ruleset, ruleset_for_type, score
from assess.sources import parse_review

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RECORDS = SAMPLES / "office-records-example.csv"
PASSWORD = "load test password"


def run_assess(*args: str, cwd: Path, stdin: str = "") -> None:
    subprocess.run([sys.executable, "-m", "assess", *args], cwd=cwd, input=stdin, text=True, check=True,
                   capture_output=True)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def items_of(base: str, headers: dict[str, str], round_id: int) -> list[dict[str, Any]]:
    """What the reviewers decide: every pending or deducted rule of every unit, and every
    discretionary rule with its range."""
    units = httpx.get(f"{base}/api/rounds/{round_id}", headers=headers, timeout=120).json()["scored"]
    items: list[dict[str, Any]] = []
    for unit in units:
        a = httpx.get(f"{base}/api/rounds/{round_id}/units/{unit['unit']}", headers=headers, timeout=60).json()
        for rule in sorted({p["rule"] for p in a["pending"]} | {d["rule"] for d in a["deductions"]}):
            items.append({"unit": a["unit"]["id"], "rule": rule, "kinds": ["accepted", "missing", "rejected"]})
        facts = json.loads(next(p for p in SAMPLES.glob("*.json")
                                if json.loads(p.read_text(encoding="utf-8"))["unit"]["id"] == a["unit"]["id"])
                           .read_text(encoding="utf-8"))
        ruleset = load_ruleset(ruleset_for_type(facts["unit"]["type"], facts["unit"].get("sector")))
        for rule in ruleset.spec.rules:
            bounds = rule.use.form.discretion(rule.use.value) if rule.use is not None else None
            if bounds is not None:
                items.append({"unit": a["unit"]["id"], "rule": rule.id, "kinds": ["points"], "range": bounds})
        ruleset.close()
    return items


def slot(item: dict[str, Any], kind: str) -> str:
    return f"points:{item['rule']}" if kind == "points" else f"evidence:rule:{item['rule']}"


class Reviewer(threading.Thread):
    def __init__(self, name: str, base: str, round_id: int, items: list[dict[str, Any]], quota: list[int],
                 lock: threading.Lock, seed: int) -> None:
        super().__init__(name=name)
        self.base, self.round_id, self.items, self.quota, self.lock = base, round_id, items, quota, lock
        self.random = random.Random(seed)
        self.made: list[int] = []
        self.latencies: list[float] = []
        self.conflicts = 0
        self.refused = 0
        self.errors: list[str] = []
        self.seen: dict[tuple[str, str], int] = {}

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            token = client.post("/api/login", json={"name": self.name, "password": PASSWORD}).json()["token"]
            client.headers["Authorization"] = f"Bearer {token}"
            while True:
                with self.lock:
                    if self.quota[0] <= 0:
                        return
                    self.quota[0] -= 1
                for _ in range(20):  # a pick on a rule that did not fire for the unit is refused (422)
                    if self.decide_one(client):
                        break
                else:
                    self.errors.append("20 decisions in a row refused")

    def decide_one(self, client: httpx.Client) -> bool:
        """One decision, retried on conflicts; False when the library refused it."""
        item = self.random.choice(self.items)
        kind = self.random.choice(item["kinds"])
        body: dict[str, Any] = {"unit": item["unit"], "kind": kind, "rule": item["rule"]}
        if kind == "rejected":
            body["note"] = f"{self.name}：佐证不足"
        if kind == "points":
            low, high = item["range"]
            body["value"] = round(self.random.uniform(low, high) * 2) / 2
            body["note"] = f"{self.name}：视情况"
        key = (item["unit"], slot(item, kind))
        for _ in range(50):
            body["base"] = self.seen.get(key, 0)
            started = time.perf_counter()
            response = client.post(f"/api/rounds/{self.round_id}/decisions", json=body)
            self.latencies.append(time.perf_counter() - started)
            if response.status_code == 201:
                made = response.json()
                self.made.append(made["id"])
                self.seen[key] = made["seq"]
                return True
            if response.status_code == 422 and kind == "points":
                self.refused += 1
                return False
            if response.status_code != 409:
                self.errors.append(f"{response.status_code} {response.text[:200]}")
                return True
            self.conflicts += 1
            history = client.get(f"/api/rounds/{self.round_id}/decisions", params={"unit": item["unit"]}).json()
            self.seen[key] = max((d["seq"] for d in history if d["slot"] == key[1]), default=0)
        self.errors.append(f"gave up on {key} after 50 conflicts")
        return True


def replayed(history: list[dict[str, Any]]) -> dict[str, tuple[float, float, float, str]]:
    """Every unit's score from the library, the whole history as one review file (in order:
    the library keeps each item's latest decision)."""
    start = time.mktime((2024, 1, 1, 0, 0, 0, 0, 0, 0))
    decisions = []
    for index, d in enumerate(history):
        entry: dict[str, Any] = {"unit": d["unit"], "reviewer": d["reviewer"], "decision": d["kind"],
                                 "time": time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.localtime(start + index))}
        for field in ("rule", "path", "note"):
            if d[field] is not None:
                entry[field] = d[field]
        if d["kind"] == "points":
            entry["points"] = d["value"]
        decisions.append(entry)
    review = parse_review(yaml.safe_dump({"decisions": decisions}, allow_unicode=True).encode(), "replay.yaml")
    records = load_records([RECORDS])
    out = {}
    for path in sorted(SAMPLES.glob("seed-*.json")):
        data = path.read_bytes()
        unit = json.loads(data)["unit"]
        if unit.get("year") not in (None, 2023):
            continue
        a = score(data, engine="native", source=unit["id"], records=records, review=review)
        out[unit["id"]] = (a.total, a.floor, a.ceiling, "待定" if len(a.grades_possible) > 1 else a.grade)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--db", help="an empty database's URL (default: SQLite in a temporary folder)")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    os.environ.setdefault("LANG", "C.UTF-8")
    with tempfile.TemporaryDirectory(prefix="assess-load-") as folder:
        cwd = Path(folder)
        db = ["--db", args.db] if args.db else []
        run_assess("serve", *db, "--create-admin", "admin", cwd=cwd, stdin=PASSWORD + "\n")
        run_assess("serve", *db, "--load-round", "负载测试", "--year", "2023", str(SAMPLES), "--records", str(RECORDS),
                   cwd=cwd)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "assess", "serve", *db, "--port", str(port)], cwd=cwd,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                try:
                    httpx.get(f"{base}/openapi.json", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            token = httpx.post(f"{base}/api/login", json={"name": "admin", "password": PASSWORD}).json()["token"]
            admin = {"Authorization": f"Bearer {token}"}
            round_id = httpx.get(f"{base}/api/rounds", headers=admin).json()[0]["id"]
            names = [f"考核组{i + 1:02d}" for i in range(args.reviewers)]
            for name in names:
                httpx.post(f"{base}/api/users", headers=admin,
                           json={"name": name, "password": PASSWORD, "role": "member"}).raise_for_status()
            items = items_of(base, admin, round_id)
            quota, lock = [args.decisions], threading.Lock()
            reviewers = [Reviewer(n, base, round_id, items, quota, lock, args.seed + i) for i, n in enumerate(names)]
            started = time.perf_counter()
            for r in reviewers:
                r.start()
            for r in reviewers:
                r.join()
            elapsed = time.perf_counter() - started
            history = httpx.get(f"{base}/api/rounds/{round_id}/decisions", headers=admin, timeout=120).json()
            served = {u["unit"]: (u["total"], u["floor"], u["ceiling"], u["grade"])
                      for u in httpx.get(f"{base}/api/rounds/{round_id}", headers=admin, timeout=300).json()["scored"]}
        finally:
            server.terminate()
            server.wait(timeout=30)

    made = [i for r in reviewers for i in r.made]
    errors = [e for r in reviewers for e in r.errors]
    latencies = sorted(t for r in reviewers for t in r.latencies)
    ids = Counter(d["id"] for d in history)
    versions: dict[tuple[str, str], list[int]] = defaultdict(list)
    for d in history:
        versions[(d["unit"], d["slot"])].append(d["seq"])
    checks = {
        "every decision answered 201 is in the history once": sorted(made) == sorted(ids) and max(ids.values()) == 1,
        f"{args.decisions} decisions made, none refused": len(made) == args.decisions and not errors,
        "each item's versions run 1, 2, ... without gap or repeat":
            all(sorted(seqs) == list(range(1, len(seqs) + 1)) for seqs in versions.values()),
        "final scores equal the library's replay of the history": served == replayed(history),
    }
    conflicts = sum(r.conflicts for r in reviewers)
    print(f"{args.reviewers} reviewers, {len(made)} decisions on {len(served)} units "
          f"({len(items)} items) in {elapsed:.1f} s: {len(made) / elapsed:.1f} decisions/s; "
          f"{conflicts} conflicts (409) answered by re-reading, {sum(r.refused for r in reviewers)} picks on "
          "rules that did not fire refused (422) and replaced by another decision")
    print(f"decision latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
          f"({len(latencies)} requests)")
    for check, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {check}")
    for error in errors[:10]:
        print(f"error: {error}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
