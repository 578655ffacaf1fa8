"""The library's functions for rubric authors and for drafting facts: check, golden cases,
explain, diff, intake templates and extraction (re-exported by :mod:`assess.api`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from assess import batch, facts
from assess.reports import assessment as report
from assess.ruleset import Ruleset, load_ruleset, ruleset_name_for

if TYPE_CHECKING:  # loaded where used: `assess score` should not pay for ranking or linting
    from assess.extract import Draft
    from assess.tools import golden, lint, rulediff




from assess.api.units import FactsInput, as_units


def intake_template(ruleset: str | os.PathLike[str] | None = None, unit_type: str | None = None) -> bytes:
    """A unit's intake form (报送表.xlsx bytes): every fact, or, with a ruleset (or a unit
    type, which picks its bundled ruleset), only those the ruleset reads, in its order."""
    from assess.tools.template import unit_template

    ref = ruleset if ruleset is not None else ruleset_name_for(unit_type) if unit_type is not None else None
    if ref is None:
        return unit_template(None, unit_type)
    with load_ruleset(ref) as loaded:
        return unit_template(loaded, unit_type)


def records_template() -> bytes:
    """The assessing office's records form (考核办记录.xlsx bytes): a row per unit."""
    from assess.tools.template import records_template as build

    return build()


def check_ruleset(ref: str | os.PathLike[str], *, samples: int = 3000, unread: bool = False) -> list[lint.Finding]:
    """Every problem with a ruleset: its load errors (severity ``error``, each with line and
    rule), or, when it loads, the warnings of :mod:`assess.tools.lint` (deductions that can
    never reach or silently exceed an item's points, unreachable grades, conditions
    that are never or always true, rules made moot by a veto, templates quoting facts
    the rule does not read; ``samples`` generated units look for conditions that never
    or always hold), and the fairness lints of :mod:`assess.tools.fairness` (a shortfall
    charged twice, a deduction for misfortune, a cycle the condition contradicts, a
    category labelled with the wrong pillar; with ``unread``, the facts no rule reads).
    Never raises for a bad ruleset: problems are findings."""
    from assess.tools import lint

    return lint.check(ref, samples, unread)


def is_cases_file(ref: str | os.PathLike[str]) -> bool:
    """Whether a path names a golden cases file (``NAME.cases.yaml``) rather than a ruleset."""
    from assess.tools import golden

    return golden.is_cases_file(Path(ref))


def ruleset_of_cases(ref: str | os.PathLike[str]) -> Path:
    """The ruleset a golden cases file belongs to (``township.cases.yaml`` → ``township.yaml``)."""
    from assess.tools import golden

    return golden.ruleset_of(Path(ref))


def run_cases(ruleset: Ruleset, *, engine: str = "durable") -> golden.Report:
    """Run a ruleset's golden cases (``<name>.cases.yaml`` beside it) and measure how much
    of the ruleset they exercise. Raises :class:`RulesetError` if the cases file is
    missing or malformed; failing cases are in the report, not raised."""
    from assess.tools import golden

    return golden.run(ruleset, engine=engine)


def render_cases(report_: golden.Report, coverage: bool = False) -> str:
    """Golden-case results as text: a diff per failing case, and the coverage table."""
    return report.golden_report(report_, coverage)


def explain_ruleset(ruleset: Ruleset, rule: str | None = None, format: str = "text") -> str:
    """The rubric as a readable document (``text`` or ``markdown``): per category each item,
    its points, the deduction in words and its basis; or one rule in detail. Raises
    :class:`RulesetError` for an unknown rule id (with a suggestion)."""
    from assess.reports.explain import explain_ruleset as explain

    return explain(ruleset, rule, markdown=format == "markdown")


def diff_rulesets(old: Ruleset, new: Ruleset, units: Iterable[FactsInput | batch.Unit], *,
                  engine: str = "native") -> rulediff.RulesetDiff:
    """Re-score units under two versions of a ruleset and list the units whose score, grade
    or rank changed, with the rules responsible. Raises :class:`FactsError` for the first
    unit that cannot be read, and :class:`AssessError` for a unit either version cannot score."""
    from assess.tools import rulediff

    pairs = []
    for unit in as_units(units):
        if unit.facts is None:
            assert unit.error is not None
            raise unit.error
        pairs.append((unit.source, unit.facts))
    return rulediff.diff(old, new, pairs, engine)


def render_diff(result: rulediff.RulesetDiff, format: str = "text") -> str:
    """A ruleset diff as Chinese text, Markdown, or JSON."""
    if format == "json":
        return result.model_dump_json(indent=2) + "\n"
    return report.diff_report(result, markdown=format == "markdown")


def read_summary(data: bytes, source: str = "<summary>") -> str:
    """A unit's narrative summary as text: ``.docx`` (by name or content), or text in
    UTF-8 (with or without BOM), UTF-16 with BOM or GBK/GB18030. Raises :class:`FactsError`
    naming ``source`` when it cannot be read."""
    from assess.extract import read_summary as read

    return read(data, source)


def load_summary(path: str | os.PathLike[str]) -> str:
    """Read a summary file (``.docx`` or text, see :func:`read_summary`); errors name the file."""
    return read_summary(facts.read_bytes(Path(path), "summary"), str(path))


def split_summaries(text: str) -> list[tuple[str, str]]:
    """Several summaries in one text, split at headings like 第N篇: (heading, body) pairs;
    a text without such headings is one part."""
    from assess.extract import split_summaries as split

    return split(text)


def extract_draft(text: str, *, unit_type: str | None = None, name: str | None = None,
                  unit_id: str | None = None) -> Draft:
    """Draft a unit's facts from its summary: each value with the quoted span behind it,
    its offsets and a confidence; facts no sentence states are left out and the rubric
    items they would feed are listed as unsupported. ``unit_type``, ``name`` and
    ``unit_id`` override what the text says. Deterministic and offline. Raises
    :class:`FactsError` for an unknown unit type."""
    from assess.extract import extract

    return extract(text, unit_type=unit_type, name=name, unit_id=unit_id)


def with_shared_passages(drafts: list[Draft], texts: list[str]) -> list[Draft]:
    """The drafts of one batch, each with a 材料雷同 flag for every other text of the batch it
    shares a passage with (shingled character n-grams; the shared passage is quoted)."""
    from assess.extract import shared_passages

    labels = [str(d.facts.get("unit", {}).get("name") or f"第{i}篇") for i, d in enumerate(drafts, start=1)]
    found = shared_passages(list(zip(labels, texts, strict=True)))
    return [d.model_copy(update={"flags": [*d.flags, *extra]}) if extra else d
            for d, extra in zip(drafts, found, strict=True)]


def review_sheet(draft: Draft, text: str) -> str:
    """A review sheet (审核表) in Chinese: each drafted value with the sentence it came
    from, then the rubric items no sentence supports, for the assessor to ask about."""
    from assess.extract import review_sheet as sheet

    return sheet(draft, text)


def facts_reference() -> str:
    """The facts fields as a Markdown table."""
    return report.facts_reference()
