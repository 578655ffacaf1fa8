"""Commands that score units: score, rank, letters, template, compare."""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import click
import msgspec

from assess import (
    ASSESSMENT_FORMATS,
    BINARY_FORMATS,
    ENGINES,
    RANKING_FORMATS,
    UNIT_TYPE_LABELS,
    AssessError,
    Assessment,
    NoRulesetError,
    NoticeHeader,
    Phase,
    Scored,
    Unranked,
    distinct_units,
    infer_format,
    intake_template,
    load_header,
    output_target,
    read_units,
    records_template,
    render_assessment,
    render_comparison,
    render_letters,
    render_ranking,
    score_many,
    start_workbook,
    unranked_reason,
    write_atomically,
    write_ranking,
)
from assess import compare as compare_units
from assess import rank as rank_units
from assess import score as score_unit
from assess.cli import (
    RECORDS_HELP,
    REVIEW_HELP,
    Streams,
    choose_engine,
    cli,
    current_streams,
    finite_number,
    phase_options,
    read_facts,
    read_sources,
    score_path,
)
from assess.i18n import N_, _


@cli.command(help=N_(
    "Score one unit's facts (UNIT.json, a filled form UNIT.xlsx, or - for standard input), merged "
    "with the office's records and the team's review when given."))
@click.argument("unit", metavar="UNIT.json|UNIT.xlsx")
@click.option("--ruleset", "ruleset_ref", metavar="NAME|PATH",
              help=N_("Bundled ruleset name or a ruleset file; default: chosen by unit.type."))
@click.option("--format", "fmt", type=click.Choice(ASSESSMENT_FORMATS), default="text",
              show_default=True, help=N_("Report format."))
@click.option("--engine", type=click.Choice(ENGINES), default="durable", show_default=True,
              help=N_("Rule engine: durable-rules, or the native Python evaluator."))
@click.option("--records", multiple=True, metavar="FILE", help=RECORDS_HELP)
@click.option("--review", metavar="FILE", help=REVIEW_HELP)
@phase_options
def score(unit: str, ruleset_ref: str | None, fmt: str, engine: str, records: tuple[str, ...],
          review: str | None, phase: Phase, missing_records: Literal["skip"] | None) -> None:
    streams = current_streams()
    office, team = read_sources(records, review)
    source = "<stdin>" if unit == "-" else unit
    streams.out(render_assessment(score_unit(read_facts(unit, streams), ruleset_ref,
                                             engine=choose_engine(engine, streams), source=source, phase=phase,
                                             records=office, review=team, missing_records=missing_records), fmt))


def header_options(command: Any) -> Any:
    """The options of the Word documents' header (see README, "The 通报's header")."""
    for option in reversed([
        click.option("--header-config", type=click.Path(exists=True, dir_okay=False),
                     help=N_("YAML file with issuer, year, number, date, recipients, deadline.")),
        click.option("--issuer", help=N_("Issuing body (发文机关).")),
        click.option("--year", type=click.IntRange(1949, 2999), help=N_("Assessment year.")),
        click.option("--number", help=N_("Document number (文号), e.g. 中应急考〔2026〕3号.")),
        click.option("--date", "issued", help=N_("Date as printed, e.g. 2026年12月20日 (default: today).")),
        click.option("--deadline", help=N_("By when units report what they fixed, e.g. 2027年1月31日.")),
    ]):
        command = option(command)
    return command


def read_header(options: dict[str, Any]) -> NoticeHeader:
    return load_header(options["header_config"] or "", issuer=options["issuer"], year=options["year"],
                       number=options["number"], date=options["issued"], deadline=options["deadline"])


class Tally(msgspec.Struct):
    """What scoring a batch left for the output: the units seen, kept and left out."""

    keep: bool
    """Keep the full assessments (JSON, the 通报, letters)."""
    sink: Callable[[Assessment], None] | None = None
    """Hand each assessment on as it is scored instead (the workbook's 扣分明细)."""
    units: int = 0
    kept: list[Assessment] = msgspec.field(default_factory=list)
    unranked: list[Unranked] = msgspec.field(default_factory=list)
    apart: list[Unranked] = msgspec.field(default_factory=list)
    """Units scored by no bundled table (a city): not ranked, and not an error of the batch."""

    def failed(self, skip_invalid: bool, what: str) -> None:
        if self.unranked and not skip_invalid:
            raise AssessError(_("{failed} of {count} units could not be scored; nothing was written "
                                "(--skip-invalid {what})").format(failed=len(self.unranked), count=self.units,
                                                                  what=what))


class Batch(msgspec.Struct, frozen=True):
    """How a batch is scored: where its units are, the phase, and the other sources."""

    paths: tuple[str, ...]
    ruleset_ref: str | None
    engine: str
    jobs: int
    phase: Phase
    records: tuple[str, ...]
    review: str | None
    missing_records: Literal["skip"] | None


def batch_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed([
        click.option("--engine", type=click.Choice(ENGINES), default="durable", show_default=True),
        click.option("--jobs", type=click.IntRange(min=1, max=256), default=1, show_default=True,
                     help=N_("Score in up to this many worker processes, no more than the cores "
                             "available; a batch under 2,000 units is scored in one.")),
        click.option("--records", multiple=True, metavar="FILE", help=RECORDS_HELP),
        click.option("--review", metavar="FILE", help=REVIEW_HELP),
    ]):
        command = option(command)
    return phase_options(command)


def score_all(batch: Batch, skip_invalid: bool, streams: Streams, tally: Tally) -> Iterator[Scored]:
    """Score the inputs with a progress bar; errors go to standard error and the tally."""
    from assess.reports.progress import Progress, count_units  # batches only: `assess score` starts faster

    progress = Progress(streams.stderr)
    office, team = read_sources(batch.records, batch.review)
    units = read_units(batch.paths, defer=batch.jobs > 1 and office is None and team is None)
    results = distinct_units(score_many(
        units, batch.ruleset_ref, engine=choose_engine(batch.engine, streams), jobs=batch.jobs,
        detail="assessment" if tally.keep or tally.sink else "summary", phase=batch.phase,
        records=office, review=team, missing_records=batch.missing_records))
    for result in progress.track(results, count_units(batch.paths), "评分、写入" if tally.sink else "评分"):
        tally.units += 1
        if isinstance(result.error, NoRulesetError):  # not invalid: it needs a table of its own
            tally.apart.append(Unranked(result.source, unranked_reason(result.error)))
            streams.notice(f"未排名：{result.error.render()}")
        elif result.error is not None:
            tally.unranked.append(Unranked(result.source, unranked_reason(result.error)))
            streams.notice(f"{'skipped' if skip_invalid else 'error'}: {result.error.render()}")
        elif result.assessment is not None:
            if tally.sink is not None:
                tally.sink(result.assessment)
            if tally.keep:
                tally.kept.append(result.assessment)
        yield result


@cli.command(help=N_(
    "Rank units: PATH is a facts file, a filled form (.xlsx), a folder of *.json and *.xlsx files, "
    "or a JSONL file."))
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--ruleset", "ruleset_ref", metavar="NAME|PATH",
              help=N_("Score every unit under this ruleset; default: each unit type's own."))
@click.option("--by", type=click.Choice(["type", "none"]), default="type", show_default=True,
              help=N_("type: one table per rubric (乡镇/街道, 县直部门, 区县/开发区); none: one table."))
@click.option("--format", "fmt", type=click.Choice(["text", *RANKING_FORMATS]),
              help=N_("Default: from the -o suffix (.txt .md .html .csv .json .xlsx .docx), else text "
                      "(the terminal table, as in score; also called plain)."))
@click.option("-o", "--output", help=N_("Write to this file (atomically) instead of standard output."))
@click.option("--skip-invalid", is_flag=True, help=N_("Rank the valid units and list the invalid ones."))
@click.option("--self-score-threshold", type=click.FloatRange(min=0), default=5.0, show_default=True,
              callback=lambda ctx, param, value: finite_number(value),
              help=N_("List units whose self-score differs from the score by more than this."))
@batch_options
@header_options
def rank(paths: tuple[str, ...], ruleset_ref: str | None, by: str, fmt: str | None, output: str | None,
         skip_invalid: bool, self_score_threshold: float, engine: str, jobs: int, records: tuple[str, ...],
         review: str | None, phase: Phase, missing_records: Literal["skip"] | None, **header: Any) -> None:
    streams = current_streams()
    chosen = infer_format("plain" if fmt == "text" else fmt, output)
    if chosen in BINARY_FORMATS and output is None:
        raise click.UsageError(_("--format {format} writes a file: give -o FILE.{format}").format(format=chosen))
    if output is not None:
        output_target(output)  # refuse a folder, FIFO or device before the work, not after
    notice_header = read_header(header) if chosen == "docx" else None
    with contextlib.ExitStack() as stack:  # a workbook left unfinished is discarded with its temporary sheet
        workbook = stack.enter_context(start_workbook()) if chosen == "xlsx" else None
        tally = Tally(keep=chosen in ("json", "docx"), sink=workbook.add if workbook is not None else None)
        batch = Batch(paths, ruleset_ref, engine, jobs, phase, records, review, missing_records)
        scored = score_all(batch, skip_invalid, streams, tally)
        ranking = rank_units(scored, by="type" if by == "type" else "none", self_score_threshold=self_score_threshold)
        tally.failed(skip_invalid, _("ranks the others"))
        if not ranking.tables:
            raise AssessError(_("no units to rank"))
        from assess import NoticeOptions  # with the ranking module: not for `assess score`

        notice = None if notice_header is None else NoticeOptions(header=notice_header, phase=phase,
                                                                   unranked=tally.unranked + tally.apart)
        kept = tally.kept
        if workbook is not None and output is not None:
            write_atomically(output, workbook.finish(ranking))
        elif output is not None:
            write_ranking(ranking, output, chosen, kept, notice)
        else:
            streams.out(render_ranking(ranking, chosen, kept).decode("utf-8"))


@cli.command(help=N_(
    "One Word letter per unit in FOLDER, from facts files, folders or JSONL: in 初评 the 补正通知 (the evidence to "
    "supply), in 终评 the 反馈意见 (deductions, what to fix)."))
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-o", "--output", "folder", required=True, help=N_("Folder for the letters (made if missing)."))
@click.option("--combined", is_flag=True, help=N_("Also write every letter in one file, 反馈意见汇总.docx."))
@click.option("--ruleset", "ruleset_ref", metavar="NAME|PATH", help=N_("Score every unit under this ruleset."))
@click.option("--skip-invalid", is_flag=True, help=N_("Write letters for the valid units and list the others."))
@batch_options
@header_options
def letters(paths: tuple[str, ...], folder: str, combined: bool, ruleset_ref: str | None, skip_invalid: bool,
            engine: str, jobs: int, records: tuple[str, ...], review: str | None, phase: Phase,
            missing_records: Literal["skip"] | None, **header: Any) -> None:
    streams = current_streams()
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise AssessError(_("{folder} is not a folder; nothing was written").format(folder=folder))
    if not target.parent.is_dir():
        raise AssessError(_("{given}: the folder {folder} does not exist; nothing was written").format(
            given=folder, folder=target.parent))
    notice_header = read_header(header)
    tally = Tally(keep=True)
    batch = Batch(paths, ruleset_ref, engine, jobs, phase, records, review, missing_records)
    collections.deque(score_all(batch, skip_invalid, streams, tally), maxlen=0)  # run it for the tally
    tally.failed(skip_invalid, _("writes the others' letters"))
    written = render_letters(tally.kept, notice_header, combined)
    target.mkdir(exist_ok=True)
    from assess.reports.progress import Progress

    progress = Progress(streams.stderr)
    for name, data in progress.track(written, len(written), "写入"):
        write_atomically(target / name, data)
    streams.notice(f"wrote {len(written)} letter file(s) to {folder}")


@cli.command(help=N_(
    "Write an intake form for Excel or WPS: a unit's 报送表 (read back by score and rank), or with "
    "--records the office's 考核办记录 (read by --records)."))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help=N_("The workbook to write (.xlsx), atomically."))
@click.option("--ruleset", "ruleset_ref", metavar="NAME|PATH",
              help=N_("Ask only the facts this ruleset reads, in its categories' order."))
@click.option("--type", "unit_type", type=click.Choice(sorted(UNIT_TYPE_LABELS)),
              help=N_("Fill in the unit type and, without --ruleset, use its bundled ruleset."))
@click.option("--records", "for_records", is_flag=True,
              help=N_("The assessing office's records form (a row per unit) instead of a unit's form."))
def template(output: str, ruleset_ref: str | None, unit_type: str | None, for_records: bool) -> None:
    if for_records and (ruleset_ref is not None or unit_type is not None):
        raise click.UsageError(_("--records takes neither --ruleset nor --type"))
    write_atomically(output, records_template() if for_records else intake_template(ruleset_ref, unit_type))


@cli.command(help=N_("Why unit A ranks above (or below) unit B under the same ruleset."))
@click.argument("first", metavar="A.json")
@click.argument("second", metavar="B.json")
@click.option("--ruleset", "ruleset_ref", metavar="NAME|PATH", help=N_("Score both under this ruleset."))
@click.option("--engine", type=click.Choice(ENGINES), default="durable", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def compare(first: str, second: str, ruleset_ref: str | None, engine: str, fmt: str) -> None:
    streams = current_streams()
    result = compare_units(score_path(first, ruleset_ref, engine, streams),
                           score_path(second, ruleset_ref, engine, streams))
    streams.out(result.model_dump_json(indent=2) + "\n" if fmt == "json" else render_comparison(result))


