"""The functions other systems call: the library's face (re-exported by ``assess``).

Everything here takes plain values (dicts, text, bytes, paths, iterators) and returns
the result models; errors are :class:`~assess.errors.AssessError` subclasses carrying
the source, JSON paths and rule ids. Nothing here prints or keeps global state.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from assess import batch, facts, sources
from assess.api.authoring import (
    check_ruleset as check_ruleset,
)
from assess.api.authoring import (
    diff_rulesets as diff_rulesets,
)
from assess.api.authoring import (
    explain_ruleset as explain_ruleset,
)
from assess.api.authoring import (
    extract_draft as extract_draft,
)
from assess.api.authoring import (
    facts_reference as facts_reference,
)
from assess.api.authoring import (
    intake_template as intake_template,
)
from assess.api.authoring import (
    is_cases_file as is_cases_file,
)
from assess.api.authoring import (
    load_summary as load_summary,
)
from assess.api.authoring import (
    read_summary as read_summary,
)
from assess.api.authoring import (
    records_template as records_template,
)
from assess.api.authoring import (
    render_cases as render_cases,
)
from assess.api.authoring import (
    render_diff as render_diff,
)
from assess.api.authoring import (
    review_sheet as review_sheet,
)
from assess.api.authoring import (
    ruleset_of_cases as ruleset_of_cases,
)
from assess.api.authoring import (
    run_cases as run_cases,
)
from assess.api.authoring import (
    split_summaries as split_summaries,
)
from assess.api.authoring import (
    with_shared_passages as with_shared_passages,
)
from assess.api.units import FactsInput as FactsInput
from assess.api.units import as_units as as_units
from assess.api.units import parse_facts as parse_facts
from assess.engines import durable
from assess.errors import AssessError, UsageError
from assess.i18n import _, comma
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
    from assess.reports import xlsx
    from assess.reports.publish import NoticeOptions, Track





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
    for unit in as_units(units):
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
    the scoring over that many worker processes, no more than the cores available and only
    for a batch of 2,000 units or more (workers are forked on Linux, started once with
    this process's modules and the rulesets it has loaded; elsewhere each loads its own;
    memory stays bounded whatever the length of the stream). ``detail="summary"`` gives each
    result only the summary :func:`rank` needs, not the whole assessment: the way to
    rank very many units. ``phase``, ``records``, ``review`` and ``missing_records`` are as
    for :func:`score`.
    """
    units = with_sources(units, records, review) if records is not None or review is not None \
        else as_units(units)
    if jobs > 1:
        ref = ruleset.path if isinstance(ruleset, Ruleset) else ruleset
        if isinstance(ruleset, Ruleset) and ref is None:
            raise AssessError(_("a ruleset loaded from text cannot be sent to worker processes; pass its path"))
        yield from batch.score_units_in_processes(units, ref, engine, jobs, detail, phase, missing_records)
        return
    if isinstance(ruleset, Ruleset):
        fixed = ruleset
        yield from batch.score_units(units, lambda _: fixed, engine, phase, missing_records, detail)
        return
    with batch.Rulesets(ruleset) as rulesets:
        yield from batch.score_units(units, rulesets.for_unit, engine, phase, missing_records, detail)


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
            raise AssessError(_("the same unit (unit.id {unit!r}) twice: {first} and {second}; a unit is ranked once")
                              .format(unit=unit_id, first=seen[unit_id], second=where))
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
    raise UsageError(_("unknown assessment format {format!r}; choose {formats}").format(
        format=format, formats=comma().join(ASSESSMENT_FORMATS)) + did_you_mean(format, ASSESSMENT_FORMATS))


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
        raise UsageError(_("unknown ranking format {format!r}; choose {formats}").format(
            format=format, formats=comma().join(RANKING_FORMATS)) + did_you_mean(format, RANKING_FORMATS))
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
    Memory then holds only the ranked rows, however many units there are. Use it in a
    ``with`` block, or call ``discard()`` when the batch fails: the streamed sheet's temporary
    file is then deleted at once, not when the process ends."""
    from assess.reports.xlsx import WorkbookWriter

    return WorkbookWriter()


def render_letters(assessments: Sequence[Assessment], header: NoticeHeader | None = None,
                   combined: bool = False) -> list[tuple[str, bytes]]:
    """One Word letter per unit (反馈意见) as (file name, .docx bytes), and with ``combined``
    every letter in one more file, listed last."""
    from assess.reports.letters import feedback_letters

    return feedback_letters(assessments, header or NoticeHeader(), combined)
