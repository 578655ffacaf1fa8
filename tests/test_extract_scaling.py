"""Extraction grows linearly with its input: work is counted (lines of `assess` executed),
not timed, over documents made of generated drill sentences at two sizes. The figures in
seconds are printed by ``benchmarks/bench_extract.py --scaling``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assess
from assess.errors import FactsError
from assess.extract import drill_people, drills, extract

PACKAGE = str(Path(assess.__file__).parent)
KINDS = ["消防", "防汛", "地震", "森林防火", "危化品泄漏", "综合应急", "交通事故", "地质灾害"]


@contextmanager
def counting_lines() -> Iterator[list[int]]:
    """Count the lines of the package executed inside the block (loops count every pass)."""
    counter = [0]

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            counter[0] += 1
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield counter
    finally:
        sys.settrace(previous)


def work(text: str) -> int:
    with counting_lines() as counter:
        extract(text, unit_type="township")
    return counter[0]


kind = st.sampled_from(KINDS)
sentence = st.one_of(
    st.builds("开展{}演练{}次。".format, kind, st.integers(1, 1000)),
    st.builds("{}月{}日组织{}应急演练,参演{}人。".format, st.integers(1, 12), st.integers(1, 28), kind,
              st.integers(1, 900)),
    st.builds("其中{}演练在{}月举行。".format, kind, st.integers(1, 12)),
    st.builds("全年共开展{}、{}等各类演练{}次。".format, kind, kind, st.integers(1, 5000)),
    st.builds("演练{}次。\n".format, st.integers(1, 10_000)),
    st.builds("分别为{}、{}和{}演练,参演人员近{}人次。".format, kind, kind, kind, st.integers(1, 900)),
)
block = st.lists(sentence, min_size=3, max_size=8).map("".join)

SMALL, LARGE = 3, 12


@settings(max_examples=6, deadline=None, database=None)
@given(text=block)
def test_extraction_work_grows_linearly_with_the_document(text: str) -> None:
    small, large = work(text * SMALL), work(text * LARGE)
    # four times the text: about four times the work (plus fixed costs); a pairwise step would be ~16x
    assert large <= 5 * small, (small, large)


@pytest.mark.parametrize("text", [
    "开展消防演练1000次。",
    "演练1次。\n",
    "3月5日组织防汛应急演练,参演40人。其中防汛演练在3月举行。",
])
def test_the_issues_repeated_documents_grow_linearly(text: str) -> None:
    small, large = work(text * 10), work(text * 40)
    assert large <= 5 * small, (small, large)


@pytest.mark.parametrize("count", [1, 10, 999, 1000, 50_000])
def test_a_drill_count_is_one_object_whatever_the_number(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    make, copy = drills._Drill, drill_people.replace

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(make(*args, **kwargs))
        return made[-1]

    def copied(*args: Any, **kwargs: Any) -> Any:
        made.append(copy(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(drills, "_Drill", counted)
    monkeypatch.setattr(drill_people, "replace", copied)
    draft = extract(f"2024年青石镇开展消防演练{count}次。", unit_type="township")
    assert len(made) == 1
    assert len(draft.facts["drills"]) == min(count, 1000)


def test_a_summary_over_the_length_cap_is_refused_with_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_MAX_SUMMARY_CHARS", "1000")
    with pytest.raises(FactsError, match="ASSESS_MAX_SUMMARY_CHARS"):
        extract("开展消防演练1次。" * 200, unit_type="township")


def test_a_summary_over_the_time_budget_is_refused_with_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESS_EXTRACT_SECONDS", "0")
    with pytest.raises(FactsError, match="ASSESS_EXTRACT_SECONDS"):
        extract("开展消防演练1次。" * 200, unit_type="township")
