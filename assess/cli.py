"""The command line: a thin layer over the public library API (``assess.__all__``).

``run(argv, stdin, stdout, stderr)`` is the whole program and returns the exit code;
``main()`` only passes it to ``sys.exit``. Exit codes: 0 success, 1 a check failed,
2 bad input or usage. Errors are one clear message on standard error, never a
traceback (set ASSESS_DEBUG=1 to see one for an internal error).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, Literal, cast

import click

from assess import (
    ASSESSMENT_FORMATS,
    ENGINES,
    RANKING_FORMATS,
    UNIT_TYPE_LABELS,
    AssessError,
    Assessment,
    NoRulesetError,
    OfficeRecords,
    Phase,
    Review,
    Scored,
    UnitFacts,
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
    input_cap,
    intake_template,
    is_cases_file,
    load_facts,
    load_records,
    load_review,
    load_ruleset,
    load_summary,
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
    render_ranking,
    review_json_schema,
    review_sheet,
    ruleset_of_cases,
    run_cases,
    score_many,
    split_summaries,
    with_shared_passages,
    write_atomically,
    write_ranking,
)
from assess import compare as compare_units
from assess import rank as rank_units
from assess import score as score_unit
from assess.i18n import LANGUAGES, N_, _, from_environment, language, ngettext, set_language

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


@cli.command(help=N_(
    "Rank units: PATH is a facts file, a filled form (.xlsx), a folder of *.json and *.xlsx files, "
    "or a JSONL file."))
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--ruleset", "ruleset_ref", metavar="NAME|PATH",
              help=N_("Score every unit under this ruleset; default: each unit type's own."))
@click.option("--by", type=click.Choice(["type", "none"]), default="type", show_default=True,
              help=N_("type: one table per rubric (乡镇/街道, 县直部门, 区县/开发区); none: one table."))
@click.option("--format", "fmt", type=click.Choice(["text", *RANKING_FORMATS]), default="text", show_default=True,
              help=N_("Table format; text (also called plain) is the terminal table, as in score."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help=N_("Write to this file (atomically) instead of standard output."))
@click.option("--engine", type=click.Choice(ENGINES), default="durable", show_default=True)
@click.option("--skip-invalid", is_flag=True, help=N_("Rank the valid units and list the invalid ones."))
@click.option("--self-score-threshold", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help=N_("List units whose self-score differs from the score by more than this."))
@click.option("--jobs", type=click.IntRange(min=1, max=256), default=1, show_default=True,
              help=N_("Score in this many worker processes."))
@click.option("--records", multiple=True, metavar="FILE", help=RECORDS_HELP)
@click.option("--review", metavar="FILE", help=REVIEW_HELP)
@phase_options
def rank(paths: tuple[str, ...], ruleset_ref: str | None, by: str, fmt: str, output: str | None,
         engine: str, skip_invalid: bool, self_score_threshold: float, jobs: int, records: tuple[str, ...],
         review: str | None, phase: Phase, missing_records: Literal["skip"] | None) -> None:
    streams = _streams()
    fmt = "plain" if fmt == "text" else fmt
    if not math.isfinite(self_score_threshold):
        raise click.BadParameter("must be a finite number", param_hint="--self-score-threshold")
    if fmt == "xlsx" and output is None:
        raise click.UsageError(_("--format xlsx writes a workbook: give -o FILE.xlsx"))
    kept: list[Assessment] = []
    tally = {"units": 0, "failed": 0}

    def watched(results: Iterator[Scored]) -> Iterator[Scored]:
        show_progress = streams.stderr.isatty()
        for result in results:
            tally["units"] += 1
            if show_progress and tally["units"] % 100 == 0:
                streams.stderr.write("\rassess: " + _("scored {count} units").format(count=tally["units"]))
            if isinstance(result.error, NoRulesetError):
                streams.notice(f"未排名：{result.error.render()}")  # not invalid: it needs its own table
            elif result.error is not None:
                tally["failed"] += 1
                streams.notice((_("skipped: {error}") if skip_invalid else _("error: {error}"))
                               .format(error=result.error.render()))
            elif fmt in ("json", "xlsx") and result.assessment is not None:
                kept.append(result.assessment)
            yield result
        if show_progress and tally["units"] >= 100:
            streams.stderr.write("\rassess: " + _("scored {count} units").format(count=tally["units"]) + "\n")

    office, team = read_sources(records, review)
    units = read_units(paths, defer=jobs > 1 and office is None and team is None)
    results = distinct_units(score_many(units, ruleset_ref, engine=choose_engine(engine, streams),
                                        jobs=jobs, detail="assessment" if fmt in ("json", "xlsx") else "summary",
                                        phase=phase, records=office, review=team,
                                        missing_records=missing_records))
    ranking = rank_units(watched(results), by="type" if by == "type" else "none",
                         self_score_threshold=self_score_threshold)
    if tally["failed"] and not skip_invalid:
        raise AssessError(ngettext("{failed} of {units} unit could not be scored; nothing was written "
                                   "(--skip-invalid ranks the others)",
                                   "{failed} of {units} units could not be scored; nothing was written "
                                   "(--skip-invalid ranks the others)", tally["units"])
                          .format(failed=tally["failed"], units=tally["units"]))
    if not ranking.tables:
        raise AssessError(_("no units to rank"))
    if output is not None:
        write_ranking(ranking, output, fmt, kept)
    else:
        streams.out(render_ranking(ranking, fmt, kept).decode("utf-8"))


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
@click.pass_context
def check(ctx: click.Context, rulesets_: tuple[str, ...], fmt: str, samples: int) -> None:
    streams = _streams()
    findings = [f for ref in rulesets_ for f in check_ruleset(ref, samples=samples)]
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
