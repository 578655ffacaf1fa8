"""The functions other systems call: the library's face (re-exported by ``assess``).

Everything here takes plain values (dicts, text, bytes, paths, iterators) and returns
the result models; errors are :class:`~assess.errors.AssessError` subclasses carrying
the source, JSON paths and rule ids. Nothing here prints or keeps global state.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from assess import batch, facts, sources
from assess.engines import durable
from assess.errors import AssessError, UsageError
from assess.paths import did_you_mean
from assess.reports import assessment as report
from assess.reports.formats import ASSESSMENT_FORMATS, RANKING_FORMATS
from assess.reports.header import NoticeHeader
from assess.reports.output import write_atomically
from assess.ruleset import Ruleset, bundled_names, load_ruleset, ruleset_name_for
from assess.scoring.assessment import Assessment, Phase
from assess.scoring.ledger import score as _score

if TYPE_CHECKING:  # loaded where used: `assess score` should not pay for ranking or linting
    from assess import ranking
    from assess.extract import Draft
    from assess.reports import xlsx
    from assess.reports.publish import NoticeOptions, Track
    from assess.tools import golden, lint, rulediff

FactsInput = facts.UnitFacts | dict[str, Any] | str | bytes
"""Facts as a model, a parsed JSON object, JSON text, or JSON bytes in any supported encoding."""



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


def bundled_rulesets() -> list[str]:
    """Names of the bundled rulesets (``county``, ``department``, ``township``)."""
    return bundled_names()


def ruleset_for_type(unit_type: str, sector: str | None = None) -> str:
    """The bundled ruleset that scores a unit type (``devzone`` → ``county`` unless a
    ``devzone`` table ships), a department by its ``unit.sector``."""
    return ruleset_name_for(unit_type, sector)


def durable_unavailable_reason() -> str | None:
    """Why durable-rules cannot run here (scoring then uses the native engine), or None."""
    return durable.unavailable_reason()


def parse_facts(data: FactsInput, source: str = "<facts>") -> facts.UnitFacts:
    """Validate a unit's facts.

    Takes a :class:`UnitFacts`, a dict, JSON text, or JSON bytes (UTF-8 with or without
    BOM, UTF-16 with BOM, GBK/GB18030). Raises :class:`FactsError` listing every problem
    with its JSON path; ``source`` names the input in messages.
    """
    if isinstance(data, facts.UnitFacts):
        return data
    if isinstance(data, (str, bytes)):
        return facts.loads(data, source)
    return facts.validate(data, source)


def load_facts(path: str | os.PathLike[str]) -> facts.UnitFacts:
    """Read and validate one facts file. Raises :class:`FactsError` naming the file."""
    return facts.load(Path(path))


def load_records(paths: Iterable[str | os.PathLike[str]]) -> sources.OfficeRecords:
    """Read the assessing office's records files (CSV, XLSX, JSON, JSONL; see
    :mod:`assess.sources.records`). Raises :class:`RecordsError` naming file, row and column."""
    return sources.load_records(Path(p) for p in paths)


def load_review(path: str | os.PathLike[str]) -> sources.Review:
    """Read the assessment team's review file (YAML or JSON; see :mod:`assess.sources.review`).
    Raises :class:`ReviewError` naming file, entry, line and field."""
    return sources.load_review(Path(path))


def merge_sources(unit: FactsInput, records: sources.OfficeRecords | None = None,
                  review: sources.Review | None = None, source: str = "<facts>") -> sources.Merged:
    """One unit's facts merged with the office's records and the team's review (review >
    office > unit), with every fact's source and every conflict. Raises :class:`FactsError`
    when the merged facts are not valid facts."""
    return sources.merge(parse_facts(unit, source), records, review, source)


def with_sources(units: Iterable[FactsInput | batch.Unit], records: sources.OfficeRecords | None,
                 review: sources.Review | None) -> Iterator[batch.Unit]:
    """The units with their facts merged with the records and the review (a unit that
    cannot be merged carries its error). Once the units are exhausted, raises
    :class:`RecordsError` or :class:`ReviewError` if a row or decision names a unit that
    was not among them."""
    seen: set[str] = set()
    for unit in _as_units(units):
        read = unit.parsed()
        if read.facts is None:
            yield read
            continue
        seen.add(read.facts.unit.id)
        try:
            merged = sources.merge(read.facts, records, review, read.source)
            yield batch.Unit(read.source, facts=merged.facts, provenance=merged)
        except AssessError as exc:
            yield batch.Unit(read.source, error=exc)
    if records is not None:
        records.check_units(seen)
    if review is not None:
        review.check_units(seen)


def score(unit: FactsInput, ruleset: Ruleset | str | os.PathLike[str] | None = None, *,
          engine: str = "durable", source: str = "<facts>", phase: Phase = "provisional",
          records: sources.OfficeRecords | None = None, review: sources.Review | None = None,
          missing_records: Literal["skip"] | None = None) -> Assessment:
    """Score one unit and return its :class:`Assessment`.

    ``ruleset`` is a loaded :class:`Ruleset` (fastest: load once, score many), a bundled
    name or a path (loaded for this call only), or None for the unit type's bundled
    ruleset. ``engine`` is ``"durable"`` (falls back to ``"native"`` where durable-rules
    cannot run; the assessment records the engine used) or ``"native"``.

    The unit's facts are merged with the office's ``records`` and the team's ``review``
    (see :func:`merge_sources`): a rule the office answers is decided only by the office's
    records (or the review), never by the unit's own claim. ``phase`` is ``"provisional"``
    (初评, the default: what is not in yet is pending, with the range of totals still
    possible) or ``"final"`` (终评: the unit's unevidenced items are deducted; missing office
    data raises :class:`FactsError` unless ``missing_records="skip"``).

    Raises :class:`FactsError` for invalid facts, :class:`RulesetError` for a bad ruleset,
    :class:`EngineError` if an engine fails.
    """
    merged = sources.merge(parse_facts(unit, source), records, review, source)
    if isinstance(ruleset, Ruleset):
        return _score(ruleset, merged.facts, engine, source, phase=phase, provenance=merged,
                      missing_records=missing_records)
    ref = ruleset if ruleset is not None else ruleset_name_for(merged.facts.unit.type, merged.facts.unit.sector)
    with load_ruleset(ref) as loaded:
        return _score(loaded, merged.facts, engine, source, phase=phase, provenance=merged,
                      missing_records=missing_records)


def score_many(units: Iterable[FactsInput | batch.Unit], ruleset: Ruleset | str | os.PathLike[str] | None = None,
               *, engine: str = "durable", jobs: int = 1,
               detail: Literal["assessment", "summary"] = "assessment", phase: Phase = "provisional",
               records: sources.OfficeRecords | None = None, review: sources.Review | None = None,
               missing_records: Literal["skip"] | None = None) -> Iterator[batch.Scored]:
    """Score units lazily: an iterator in (facts, dicts, JSON, or :func:`read_units` items),
    an iterator of :class:`Scored` out, in the same order.

    A unit that cannot be scored comes out with its ``error`` set instead of stopping
    the stream. Rulesets named here are loaded once and freed when the iterator is
    exhausted or closed; a :class:`Ruleset` passed in stays open. ``jobs`` > 1 spreads
    the scoring over that many worker processes (each loads its own rulesets; memory
    stays bounded whatever the length of the stream). ``detail="summary"`` gives each
    result only the summary :func:`rank` needs, not the whole assessment: the way to
    rank very many units. ``phase``, ``records``, ``review`` and ``missing_records`` are as
    for :func:`score`.
    """
    units = with_sources(units, records, review) if records is not None or review is not None \
        else _as_units(units)
    if jobs > 1:
        ref = ruleset.path if isinstance(ruleset, Ruleset) else ruleset
        if isinstance(ruleset, Ruleset) and ref is None:
            raise AssessError("a ruleset loaded from text cannot be sent to worker processes; pass its path")
        yield from batch.score_units_in_processes(units, ref, engine, jobs, detail, phase, missing_records)
        return
    if isinstance(ruleset, Ruleset):
        fixed = ruleset
        results = batch.score_units(units, lambda _: fixed, engine, phase, missing_records)
        yield from batch.summaries(results) if detail == "summary" else results
        return
    with batch.Rulesets(ruleset) as rulesets:
        results = batch.score_units(units, rulesets.for_unit, engine, phase, missing_records)
        yield from batch.summaries(results) if detail == "summary" else results


def _as_units(items: Iterable[FactsInput | batch.Unit]) -> Iterator[batch.Unit]:
    for index, item in enumerate(items, start=1):
        if isinstance(item, batch.Unit):
            yield item
            continue
        source = f"<unit {index}>"
        try:
            yield batch.Unit(source, facts=parse_facts(item, source))
        except AssessError as exc:
            yield batch.Unit(source, error=exc)


def read_units(paths: Sequence[str | os.PathLike[str]], *, defer: bool = False) -> Iterator[batch.Unit]:
    """Units from facts files, folders (``*.json`` inside) and JSONL files, lazily;
    unreadable ones carry their error. ``defer=True`` leaves the lines of JSONL files
    unparsed, for :func:`score_many` with ``jobs`` to parse in its workers."""
    return batch.read_units([Path(p) for p in paths], defer)


def rank(scored: Iterable[batch.Scored | tuple[Assessment, Ruleset]], *, by: Literal["type", "none"] = "type",
         self_score_threshold: float = 5.0) -> ranking.Ranking:
    """Rank scored units: one table per rubric (``by="type"``) or one table (``"none"``).

    Takes :class:`Scored` results (those with an error are skipped) or (assessment,
    ruleset) pairs. Raises :class:`AssessError` when ``by="none"`` mixes rulesets, and when
    one ``unit.id`` comes twice (:func:`distinct_units` turns those into errors instead).
    """
    from assess import ranking

    ranker = ranking.Ranker(by, self_score_threshold)
    seen: dict[str, str] = {}

    def once(unit_id: str, where: str) -> None:
        if unit_id in seen:
            raise AssessError(f"the same unit (unit.id {unit_id!r}) twice: {seen[unit_id]} and {where}; "
                              "a unit is ranked once")
        seen[unit_id] = where

    for item in scored:
        if isinstance(item, batch.Scored):
            if item.ruleset is None:
                continue
            if item.summary is not None:
                once(item.summary.row.unit.id, item.source)
                ranker.add_summary(item.summary, item.ruleset)
            elif item.assessment is not None:
                once(item.assessment.unit.id, item.source)
                ranker.add(item.assessment, item.ruleset)
        else:
            once(item[0].unit.id, item[0].unit.name)
            ranker.add(*item)
    return ranker.ranking()


def compare(a: Assessment, b: Assessment) -> ranking.Comparison:
    """Why ``a`` ranks above or below ``b``: per-category differences and deciding rules.
    Raises :class:`AssessError` if they were scored under different rulesets."""
    from assess import ranking

    return ranking.compare(a, b)


def render_assessment(assessment: Assessment, format: str = "text") -> str:
    """One assessment as a Chinese report (``text``, ``markdown``) or its JSON form."""
    if format == "json":
        return assessment.to_json()
    if format == "markdown":
        return report.markdown_report(assessment)
    if format == "text":
        return report.text_report(assessment)
    raise UsageError(f"unknown assessment format {format!r}; choose {', '.join(ASSESSMENT_FORMATS)}"
                     + did_you_mean(format, ASSESSMENT_FORMATS))


def render_comparison(comparison: ranking.Comparison) -> str:
    """A comparison as a Chinese text report."""
    return report.comparison_report(comparison)


def render_ranking(result: ranking.Ranking, format: str = "plain",
                   assessments: Sequence[Assessment] = (), notice: NoticeOptions | None = None,
                   track: Track | None = None) -> bytes:
    """A ranking in one of :data:`RANKING_FORMATS` as bytes (text formats in UTF-8; CSV
    with a BOM). ``json``, ``xlsx`` and ``docx`` use ``assessments`` (the full assessments,
    the 扣分明细 sheet, the 通报's main problems); ``notice`` sets the 通报's header, phase
    and the units it lists as not ranked; ``track`` wraps the assessments while a format
    walks them all (a progress bar)."""
    from assess.reports import publish

    if format not in RANKING_FORMATS:
        raise UsageError(f"unknown ranking format {format!r}; choose {', '.join(RANKING_FORMATS)}"
                         + did_you_mean(format, RANKING_FORMATS))
    return publish.render(result, format, assessments, notice, track)


def write_ranking(result: ranking.Ranking, target: str | os.PathLike[str] | IO[bytes], format: str = "plain",
                  assessments: Sequence[Assessment] = (), notice: NoticeOptions | None = None,
                  track: Track | None = None) -> None:
    """Write a ranking to a path (atomically: never half-written; see
    :func:`write_atomically` for modes, symlinks and what is refused) or a binary file object."""
    data = render_ranking(result, format, assessments, notice, track)
    if isinstance(target, (str, os.PathLike)):
        write_atomically(target, data)
    else:
        target.write(data)


def start_workbook() -> xlsx.WorkbookWriter:
    """An XLSX ranking written while units are scored: ``add`` each assessment as it comes
    (its deductions stream to disk), then ``finish(ranking)`` for the workbook's bytes.
    Memory then holds only the ranked rows, however many units there are."""
    from assess.reports.xlsx import WorkbookWriter

    return WorkbookWriter()


def render_letters(assessments: Sequence[Assessment], header: NoticeHeader | None = None,
                   combined: bool = False) -> list[tuple[str, bytes]]:
    """One Word letter per unit (反馈意见) as (file name, .docx bytes), and with ``combined``
    every letter in one more file, listed last."""
    from assess.reports.letters import feedback_letters

    return feedback_letters(assessments, header or NoticeHeader(), combined)


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
    for unit in _as_units(units):
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
