"""An integrating program that uses the whole public API of assess (checked by mypy --strict).

    python examples/use_assess.py
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import assess

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def from_database() -> Iterator[dict[str, object]]:
    """Stands in for a database cursor: units arrive one at a time."""
    for path in sorted(SAMPLES.glob("*-township.json")):
        yield json.loads(path.read_text(encoding="utf-8"))
    yield {"unit": {"id": "bad", "name": "坏数据", "type": "township"}, "drils": []}


def main() -> int:
    print("assess", assess.__version__, "facts schema", assess.FACTS_SCHEMA_VERSION,
          "bundled:", ", ".join(assess.bundled_rulesets()))
    if assess.durable_unavailable_reason() is not None:
        print("durable-rules unavailable; scoring natively")

    # One unit, two rulesets and both engines side by side.
    unit = assess.load_facts(SAMPLES / "seed-08-township.json")
    with assess.load_ruleset("township") as township, \
            assess.load_ruleset(assess.ruleset_for_type("devzone")) as devzones:
        by_durable = assess.score(unit, township, engine="durable")
        by_native = assess.score(unit, township, engine="native")
        assert by_durable.total == by_native.total
        print(unit.unit.name, by_durable.total, by_durable.grade, "deductions:", len(by_durable.deductions))
        devzone = assess.parse_facts(b'{"unit": {"id": "z", "name": "\xe9\xab\x98\xe6\x96\xb0\xe5\x8c\xba", '
                                     b'"type": "devzone"}}')
        print(devzone.unit.name, assess.score(devzone, devzones).total)

    # A stream in, a stream out; bad units come out with their error.
    scored: list[assess.Scored] = []
    for result in assess.score_many(from_database()):
        if result.error is not None:
            print("invalid:", result.source, [(i.path, i.message) for i in result.error.issues])
        scored.append(result)

    # Rank what was read from the samples folder, and render it.
    ranking = assess.rank(assess.score_many(assess.read_units([SAMPLES])))
    print([(table.title, len(table.rows)) for table in ranking.tables])
    text = assess.render_ranking(ranking, "plain").decode("utf-8")
    assert "等级分布" in text
    buffer = io.BytesIO()
    assess.write_ranking(ranking, buffer, "csv")
    assert buffer.getvalue().startswith(b"\xef\xbb\xbf")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "ranking.xlsx"
        assessments = [s.assessment for s in scored if s.assessment is not None]
        assess.write_ranking(assess.rank(scored), target, "xlsx", assessments)
        print("xlsx bytes:", target.stat().st_size)

    first, second = (s.assessment for s in scored[:2])
    assert first is not None and second is not None
    comparison: assess.Comparison = assess.compare(first, second)
    print(assess.render_comparison(comparison).splitlines()[3])
    print(assess.render_assessment(first, "markdown").splitlines()[0])

    # Errors carry structured details.
    try:
        assess.parse_facts('{"unit": {"id": "x", "name": "某乡", "type": "townshp"}}', source="form-17")
    except assess.FactsError as error:
        print(error.source, [(i.path, i.message) for i in error.issues])
    try:
        assess.load_ruleset("townshp")
    except assess.RulesetError as error:
        print(error.message)
    schema = assess.facts_json_schema()
    print(schema["$id"], "assessment schema", assess.assessment_json_schema()["$id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
