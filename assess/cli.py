"""The command line: a thin layer over the public library API (``assess.__all__``).

``run(argv, stdin, stdout, stderr)`` is the whole program and returns the exit code;
``main()`` only passes it to ``sys.exit``. Exit codes: 0 success, 1 a check failed,
2 bad input or usage. Errors are one clear message on standard error, never a
traceback (set ASSESS_DEBUG=1 to see one for an internal error).
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import math
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, cast

import click

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
    NoticeOptions,
    OfficeRecords,
    Phase,
    Review,
    Scored,
    UnitFacts,
    Unranked,
    assessment_json_schema,
    bundled_rulesets,
    check_ruleset,
    diff_rulesets,
    distinct_units,
    durable_unavailable_reason,
    explain_ruleset,
    extract_draft,
    facts_json_schema,
    facts_reference,
    infer_format,
    input_cap,
    intake_template,
    is_cases_file,
    load_facts,
    load_header,
    load_records,
    load_review,
    load_ruleset,
    load_summary,
    output_target,
    parse_facts,
    read_input,
    read_summary,
    read_units,
    records_json_schema,
    records_template,
    render_assessment,
    render_cases,
    render_comparison,
    render_diff,
    render_letters,
    render_ranking,
    review_json_schema,
    review_sheet,
    ruleset_of_cases,
    run_cases,
    score_many,
    split_summaries,
    start_workbook,
    unranked_reason,
    with_shared_passages,
    write_atomically,
    write_ranking,
)
from assess import compare as compare_units
from assess import rank as rank_units
from assess import score as score_unit
from assess.i18n import LANGUAGES, N_, _, from_environment, language, set_language
from assess.reports.progress import Progress, count_units

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that workers and temporary files are cleaned
    up on the way out (the default action would kill the process and leave them)."""


@dataclass
class Streams:
    stdin: IO[Any]
    stdout: IO[str]
    stderr: IO[str]

    def out(self, text: str) -> None:
        self.stdout.write(text)

    def notice(self, text: str) -> None:
        self.stderr.write(f"assess: {text}\n")

    def read_stdin(self, what: str) -> bytes:
        """Standard input, read no further than the cap on that kind of input."""
        stream = cast(BinaryIO, getattr(self.stdin, "buffer", None) or self.stdin)
        return read_input(stream, what=what, limit=input_cap(what))


def _streams() -> Streams:
    obj = click.get_current_context().obj
    assert isinstance(obj, Streams)
    return obj


def choose_engine(requested: str, streams: Streams) -> str:
    """durable-rules unless it cannot run here; then native, with a one-line notice."""
    reason = durable_unavailable_reason()
    if requested == "durable" and reason is not None:
        streams.notice(_("durable-rules is not available ({reason}); scoring with the native engine "
                         "(pip install 'assess[durable]' adds it)")
                       .format(reason=reason))
        return "native"
    return requested


def read_facts(path: str, streams: Streams) -> UnitFacts:
    if path == "-":
        return parse_facts(streams.read_stdin("facts file"), "<stdin>")
    return load_facts(path)


def score_path(path: str, ruleset_ref: str | None, engine: str, streams: Streams) -> Assessment:
    return score_unit(read_facts(path, streams), ruleset_ref, engine=choose_engine(engine, streams),
                      source="<stdin>" if path == "-" else path)


def read_sources(records: tuple[str, ...], review: str | None) -> tuple[OfficeRecords | None, Review | None]:
    return (load_records(records) if records else None, load_review(review) if review is not None else None)


RECORDS_HELP = N_("The assessing office's records (CSV, XLSX, JSON or JSONL); repeatable.")
REVIEW_HELP = N_("The assessment team's review decisions (YAML or JSON).")
PHASE_HELP = N_("provisional (初评): items not evidenced yet are pending, with the range of totals still "
                "possible; final (终评): the unit's unevidenced items are deducted.")
MISSING_RECORDS_HELP = N_("In the final phase, score items whose office data is missing as not scored "
                          "(skip) instead of refusing; the assessment records the policy.")


def phase_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option("--allow-missing-records", "missing_records", type=click.Choice(["skip"]),
                           help=MISSING_RECORDS_HELP)(command)
    return click.option("--phase", type=click.Choice(["provisional", "final"]), default="provisional",
                        show_default=True, help=PHASE_HELP)(command)
def _finite(value: float) -> float:
    """FloatRange lets nan and inf through: nan compares false with every bound."""
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


HELP = N_("Score emergency-management assessments (应急管理工作年度考核) and explain every point.")
EPILOG = N_("""Examples:

  assess template --type township -o 报送表.xlsx

  assess score 报送表.xlsx

  assess score unit.json --format json

  assess rank returned/ --format xlsx -o 排名.xlsx

Exit codes: 0 success; 1 a check failed (check, test); 2 bad input or usage;
130 interrupted; 143 terminated.

Messages are in Chinese under a Chinese locale (LANG=zh_CN.UTF-8) or with --lang zh.""")


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        set_language(value)
        _localise(cli)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, help=HELP, epilog=EPILOG)
@click.version_option(package_name="assess", prog_name="assess", help=N_("Show the version and exit."))
@click.option("--lang", type=click.Choice(LANGUAGES), is_eager=True, expose_value=False, callback=_choose_language,
              help=N_("Language of help, errors and progress (default: from the locale, LANG)."))
def cli() -> None:
    pass


_ORIGINAL: dict[int, tuple[str | None, str | None]] = {}


def _localise(command: click.Command) -> None:
    """Put the command's help (and its subcommands' and options') into the current language."""
    for item in [command, *command.params]:
        if isinstance(item, click.Command):
            original = _ORIGINAL.setdefault(id(item), (item.help, item.epilog))
            item.help = _(original[0]) if original[0] else original[0]
            item.epilog = _(original[1]) if original[1] else original[1]
        elif isinstance(item, click.Option):
            text = _ORIGINAL.setdefault(id(item), (item.help, None))[0]
            item.help = _(text) if text else text
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _localise(sub)


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
    streams = _streams()
    office, team = read_sources(records, review)
    source = "<stdin>" if unit == "-" else unit
    streams.out(render_assessment(score_unit(read_facts(unit, streams), ruleset_ref,
                                             engine=choose_engine(engine, streams), source=source, phase=phase,
                                             records=office, review=team, missing_records=missing_records), fmt))


def header_options(command: Any) -> Any:
    """The options of the Word documents' header (see README, "The 通报's header")."""
    for option in reversed([
        click.option("--header-config", type=click.Path(exists=True, dir_okay=False),
                     help="YAML file with issuer, year, number, date, recipients, deadline."),
        click.option("--issuer", help="Issuing body (发文机关)."),
        click.option("--year", type=click.IntRange(1949, 2999), help="Assessment year."),
        click.option("--number", help="Document number (文号), e.g. 中应急考〔2026〕3号."),
        click.option("--date", "issued", help="Date as printed, e.g. 2026年12月20日 (default: today)."),
        click.option("--deadline", help="By when units report what they fixed, e.g. 2027年1月31日."),
    ]):
        command = option(command)
    return command


def read_header(options: dict[str, Any]) -> NoticeHeader:
    return load_header(options["header_config"] or "", issuer=options["issuer"], year=options["year"],
                       number=options["number"], date=options["issued"], deadline=options["deadline"])


@dataclass
class Tally:
    """What scoring a batch left for the output: the units seen, kept and left out."""

    keep: bool
    """Keep the full assessments (JSON, the 通报, letters)."""
    sink: Callable[[Assessment], None] | None = None
    """Hand each assessment on as it is scored instead (the workbook's 扣分明细)."""
    units: int = 0
    kept: list[Assessment] = field(default_factory=list)
    unranked: list[Unranked] = field(default_factory=list)
    apart: list[Unranked] = field(default_factory=list)
    """Units scored by no bundled table (a city): not ranked, and not an error of the batch."""

    def failed(self, skip_invalid: bool, what: str) -> None:
        if self.unranked and not skip_invalid:
            raise AssessError(f"{len(self.unranked)} of {self.units} units could not be scored; "
                              f"nothing was written (--skip-invalid {what})")


@dataclass(frozen=True)
class Batch:
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
                     help="Score in this many worker processes."),
        click.option("--records", multiple=True, metavar="FILE", help=RECORDS_HELP),
        click.option("--review", metavar="FILE", help=REVIEW_HELP),
    ]):
        command = option(command)
    return phase_options(command)


def score_all(batch: Batch, skip_invalid: bool, streams: Streams, tally: Tally) -> Iterator[Scored]:
    """Score the inputs with a progress bar; errors go to standard error and the tally."""
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
@click.option("-o", "--output", help="Write to this file (atomically) instead of standard output.")
@click.option("--skip-invalid", is_flag=True, help=N_("Rank the valid units and list the invalid ones."))
@click.option("--self-score-threshold", type=click.FloatRange(min=0), default=5.0, show_default=True,
              callback=lambda ctx, param, value: _finite(value),
              help=N_("List units whose self-score differs from the score by more than this."))
@batch_options
@header_options
def rank(paths: tuple[str, ...], ruleset_ref: str | None, by: str, fmt: str | None, output: str | None,
         skip_invalid: bool, self_score_threshold: float, engine: str, jobs: int, records: tuple[str, ...],
         review: str | None, phase: Phase, missing_records: Literal["skip"] | None, **header: Any) -> None:
    streams = _streams()
    chosen = infer_format("plain" if fmt == "text" else fmt, output)
    if chosen in BINARY_FORMATS and output is None:
        raise click.UsageError(f"--format {chosen} writes a file: give -o FILE.{chosen}")
    if output is not None:
        output_target(output)  # refuse a folder, FIFO or device before the work, not after
    notice_header = read_header(header) if chosen == "docx" else None
    workbook = start_workbook() if chosen == "xlsx" else None
    tally = Tally(keep=chosen in ("json", "docx"), sink=workbook.add if workbook is not None else None)
    batch = Batch(paths, ruleset_ref, engine, jobs, phase, records, review, missing_records)
    scored = score_all(batch, skip_invalid, streams, tally)
    ranking = rank_units(scored, by="type" if by == "type" else "none", self_score_threshold=self_score_threshold)
    tally.failed(skip_invalid, "ranks the others")
    if not ranking.tables:
        raise AssessError(_("no units to rank"))
    notice = None if notice_header is None else NoticeOptions(header=notice_header, phase=phase,
                                                               unranked=tally.unranked + tally.apart)
    kept = tally.kept
    if workbook is not None and output is not None:
        write_atomically(output, workbook.finish(ranking))
    elif output is not None:
        write_ranking(ranking, output, chosen, kept, notice)
    else:
        streams.out(render_ranking(ranking, chosen, kept).decode("utf-8"))


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-o", "--output", "folder", required=True, help="Folder for the letters (made if missing).")
@click.option("--combined", is_flag=True, help="Also write every letter in one file, 反馈意见汇总.docx.")
@click.option("--ruleset", "ruleset_ref", metavar="NAME|PATH", help="Score every unit under this ruleset.")
@click.option("--skip-invalid", is_flag=True, help="Write letters for the valid units and list the others.")
@batch_options
@header_options
def letters(paths: tuple[str, ...], folder: str, combined: bool, ruleset_ref: str | None, skip_invalid: bool,
            engine: str, jobs: int, records: tuple[str, ...], review: str | None, phase: Phase,
            missing_records: Literal["skip"] | None, **header: Any) -> None:
    """One Word letter per unit in FOLDER, from facts files, folders or JSONL: in 初评 the
    补正通知 (the evidence to supply), in 终评 the 反馈意见 (deductions, what to fix)."""
    streams = _streams()
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise AssessError(f"{folder} is not a folder; nothing was written")
    if not target.parent.is_dir():
        raise AssessError(f"{folder}: the folder {target.parent} does not exist; nothing was written")
    notice_header = read_header(header)
    tally = Tally(keep=True)
    batch = Batch(paths, ruleset_ref, engine, jobs, phase, records, review, missing_records)
    collections.deque(score_all(batch, skip_invalid, streams, tally), maxlen=0)  # run it for the tally
    tally.failed(skip_invalid, "writes the others' letters")
    written = render_letters(tally.kept, notice_header, combined)
    target.mkdir(exist_ok=True)
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
    streams = _streams()
    result = compare_units(score_path(first, ruleset_ref, engine, streams),
                           score_path(second, ruleset_ref, engine, streams))
    streams.out(result.model_dump_json(indent=2) + "\n" if fmt == "json" else render_comparison(result))


@cli.command(help=N_("Check rulesets: load errors and warnings, each with file, line and rule; exit 1 on an error."))
@click.argument("rulesets_", nargs=-1, required=True, metavar="RULESET...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--samples", type=click.IntRange(min=0, max=1_000_000), default=3000, show_default=True,
              help=N_("Generated units to look for conditions that never or always hold."))
@click.option("--unread", is_flag=True, help="Also list the facts fields no rule of the ruleset reads.")
@click.pass_context
def check(ctx: click.Context, rulesets_: tuple[str, ...], fmt: str, samples: int, unread: bool) -> None:
    streams = _streams()
    findings = [f for ref in rulesets_ for f in check_ruleset(ref, samples=samples, unread=unread)]
    if fmt == "json":
        streams.out(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in findings:
            streams.out(finding.render() + "\n")
        errors = sum(f.severity == "error" for f in findings)
        streams.out(f"{len(rulesets_)} file(s): {errors} error(s), {len(findings) - errors} warning(s)\n")
    if any(f.severity == "error" for f in findings):
        ctx.exit(EXIT_FAILED)


@cli.command(help=N_("The rubric as a readable document (or one RULE in detail), for circulating with results."))
@click.argument("ruleset_ref", metavar="RULESET")
@click.argument("rule", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def explain(ruleset_ref: str, rule: str | None, fmt: str) -> None:
    with load_ruleset(ruleset_ref) as loaded:
        _streams().out(explain_ruleset(loaded, rule, fmt))


@cli.command(help=N_(
    "Re-score UNITS under two versions of a ruleset; list the units whose score, grade or rank "
    "changed, with the rules responsible."))
@click.argument("old_ref", metavar="OLD")
@click.argument("new_ref", metavar="NEW")
@click.argument("paths", nargs=-1, required=True, metavar="UNITS...")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(ENGINES), default="durable", show_default=True)
def diff(old_ref: str, new_ref: str, paths: tuple[str, ...], fmt: str, engine: str) -> None:
    streams = _streams()
    with load_ruleset(old_ref) as old, load_ruleset(new_ref) as new:
        result = diff_rulesets(old, new, read_units(paths), engine=choose_engine(engine, streams))
    streams.out(render_diff(result, fmt))


@cli.command(name="test", help=N_(
    "Run each ruleset's golden cases (NAME.cases.yaml beside it); exit 1 on any failure."))
@click.argument("rulesets_", nargs=-1, required=True, metavar="RULESET...")
@click.option("--coverage", is_flag=True, help=N_("Print the coverage table and fail under the declared minimum."))
@click.option("--engine", type=click.Choice(ENGINES), default="durable", show_default=True)
@click.pass_context
def test_cases(ctx: click.Context, rulesets_: tuple[str, ...], coverage: bool, engine: str) -> None:
    streams = _streams()
    failed = False
    refs = dict.fromkeys(str(ruleset_of_cases(r)) if is_cases_file(r) else r for r in rulesets_)
    for ref in refs:
        with load_ruleset(ref) as loaded:
            result = run_cases(loaded, engine=choose_engine(engine, streams))
        streams.out(render_cases(result, coverage))
        failed |= bool(result.failures) or (coverage and result.percent + 1e-9 < result.threshold)
    if failed:
        ctx.exit(EXIT_FAILED)


@cli.command(help=N_(
    "Draft facts from a unit's summary (.txt in UTF-8 or GBK, .docx, or - for standard input), with "
    "the sentence behind every value: assess extract s.docx | assess score -"))
@click.argument("summary", metavar="SUMMARY")
@click.option("--split", is_flag=True, help=N_("Split at 第N篇 headings: one draft per part, as JSON lines."))
@click.option("--type", "unit_type", type=click.Choice(list(UNIT_TYPE_LABELS)), help=N_("The unit's type."))
@click.option("--name", help=N_("The unit's name."))
@click.option("--id", "unit_id", help=N_("The unit's id (with --split, -1, -2 ... are added)."))
@click.option("--report", is_flag=True, help=N_("Print the review sheet (审核表) instead of the draft JSON."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help=N_("Write the draft JSON to this file (atomically)."))
def extract(summary: str, split: bool, unit_type: str | None, name: str | None, unit_id: str | None,
            report: bool, output: str | None) -> None:
    streams = _streams()
    source = "<stdin>" if summary == "-" else summary
    text = read_summary(streams.read_stdin("summary"), source) if summary == "-" else load_summary(summary)
    parts = split_summaries(text) if split else [("", text)]
    documents, sheets = [], []
    texts = [f"{heading}\n{body}" if heading else body for heading, body in parts]
    drafts = [extract_draft(part_text, unit_type=unit_type, name=name,
                            unit_id=f"{unit_id}-{index}" if unit_id and split else unit_id)
              for index, part_text in enumerate(texts, start=1)]
    if len(drafts) > 1:
        drafts = with_shared_passages(drafts, texts)
    for index, (part_text, draft) in enumerate(zip(texts, drafts, strict=True), start=1):
        document = draft.to_facts(None if summary == "-" else os.path.basename(summary), index if split else None)
        parse_facts(document, f"{source} (draft {index})")  # the draft must be valid facts
        documents.append(document)
        sheets.append(review_sheet(draft, part_text))
    if split:
        rendered = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)
    else:
        rendered = json.dumps(documents[0], ensure_ascii=False, indent=2) + "\n"
    if output is not None:
        write_atomically(output, rendered.encode("utf-8"))
    if report:
        streams.out("\n".join(sheets))
    elif output is None:
        streams.out(rendered)


@cli.command(help=N_("Print the JSON Schema of unit facts (or of an assessment, office records or a review)."))
@click.option("--assessment", "which", flag_value="assessment",
              help=N_("Print the JSON Schema of an assessment instead."))
@click.option("--facts", "which", flag_value="facts", default=True,
              help=N_("Print the JSON Schema of unit facts (the default)."))
@click.option("--records", "which", flag_value="records", help=N_("Print the JSON Schema of a row of office records."))
@click.option("--review", "which", flag_value="review", help=N_("Print the JSON Schema of a review file."))
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True,
              help=N_("markdown: a readable table of the facts fields."))
def schema(which: str, fmt: str) -> None:
    if fmt == "markdown":
        if which != "facts":
            raise click.UsageError("--format markdown is available for the facts schema only")
        _streams().out(facts_reference())
        return
    data = {"assessment": assessment_json_schema, "records": records_json_schema, "review": review_json_schema,
            "facts": facts_json_schema}[which]()
    _streams().out(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@cli.command(help=N_("List the bundled rulesets."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rulesets(fmt: str) -> None:
    rows: list[dict[str, Any]] = []
    for name in bundled_rulesets():
        with load_ruleset(name) as loaded:
            spec = loaded.spec
            rows.append({"name": name, "id": spec.id, "version": spec.version, "title": spec.title,
                         "applies_to": list(spec.applies_to), "rules": len(spec.rules),
                         "sha256": loaded.sha256})
    streams = _streams()
    if fmt == "json":
        streams.out(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    from tabulate import tabulate

    table = [[r["name"], r["id"], r["version"], r["title"],
              "、".join(UNIT_TYPE_LABELS.get(t, t) for t in r["applies_to"]), r["rules"]] for r in rows]
    streams.out(tabulate(table, headers=["名称", "编号", "版本", "标题", "适用单位", "规则数"]) + "\n")


def run(argv: Sequence[str], stdin: IO[Any], stdout: IO[str], stderr: IO[str]) -> int:
    """Run the command line with the given arguments and streams; return the exit code."""
    previous = language()
    set_language(from_environment())
    _localise(cli)
    try:
        return _run(argv, Streams(stdin, stdout, stderr))
    finally:  # the library's own messages stay in the caller's language
        set_language(previous)


def _run(argv: Sequence[str], streams: Streams) -> int:
    stdout, stderr = streams.stdout, streams.stderr
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            result = cli.main(args=list(argv), prog_name="assess", standalone_mode=False, obj=streams)
        return int(result) if isinstance(result, int) else EXIT_OK
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show(file=stderr)
        return EXIT_INPUT
    except click.exceptions.Abort as exc:
        stderr.write("assess: " + _("interrupted") + "\n")
        return EXIT_INTERRUPTED if isinstance(exc.__cause__, KeyboardInterrupt) else EXIT_INPUT
    except AssessError as exc:
        stderr.write("assess: " + _("error: {error}").format(error=exc.render()) + "\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        stderr.write("assess: " + _("interrupted") + "\n")
        return EXIT_INTERRUPTED
    except Terminated:
        stderr.write("assess: " + _("terminated") + "\n")
        return EXIT_TERMINATED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("ASSESS_DEBUG"):
            raise
        stderr.write("assess: " + _("internal error: {kind}: {error} (set ASSESS_DEBUG=1 for a traceback)")
                     .format(kind=type(exc).__name__, error=exc) + "\n")
        return EXIT_INPUT


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    stdout = sys.stdout
    if isinstance(stdout, io.TextIOWrapper) and stdout.encoding.lower() not in ("utf-8", "utf8"):
        stdout.reconfigure(encoding="utf-8")
    sys.exit(run(sys.argv[1:], sys.stdin, sys.stdout, sys.stderr))
