"""Commands for rubrics and inputs: check, explain, diff, test, extract, schema, rulesets."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from assess import (
    ENGINES,
    UNIT_TYPE_LABELS,
    assessment_json_schema,
    bundled_rulesets,
    check_ruleset,
    diff_rulesets,
    explain_ruleset,
    extract_draft,
    facts_json_schema,
    facts_reference,
    is_cases_file,
    load_ruleset,
    load_summary,
    parse_facts,
    read_summary,
    read_units,
    render_cases,
    render_diff,
    review_sheet,
    ruleset_of_cases,
    run_cases,
    split_summaries,
    with_shared_passages,
    write_atomically,
)
from assess.cli import (
    EXIT_FAILED,
    choose_engine,
    cli,
    current_streams,
)
from assess.i18n import N_, _


@cli.command(help=N_("Check rulesets: load errors and warnings, each with file, line and rule; exit 1 on an error."))
@click.argument("rulesets_", nargs=-1, required=True, metavar="RULESET...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--samples", type=click.IntRange(min=0, max=1_000_000), default=3000, show_default=True,
              help=N_("Generated units to look for conditions that never or always hold."))
@click.option("--unread", is_flag=True, help=N_("Also list the facts fields no rule of the ruleset reads."))
@click.pass_context
def check(ctx: click.Context, rulesets_: tuple[str, ...], fmt: str, samples: int, unread: bool) -> None:
    streams = current_streams()
    findings = [f for ref in rulesets_ for f in check_ruleset(ref, samples=samples, unread=unread)]
    if fmt == "json":
        streams.out(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in findings:
            streams.out(finding.render() + "\n")
        errors = sum(f.severity == "error" for f in findings)
        streams.out(_("{files} file(s): {errors} error(s), {warnings} warning(s)").format(
            files=len(rulesets_), errors=errors, warnings=len(findings) - errors) + "\n")
    if any(f.severity == "error" for f in findings):
        ctx.exit(EXIT_FAILED)


@cli.command(help=N_("The rubric as a readable document (or one RULE in detail), for circulating with results."))
@click.argument("ruleset_ref", metavar="RULESET")
@click.argument("rule", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def explain(ruleset_ref: str, rule: str | None, fmt: str) -> None:
    with load_ruleset(ruleset_ref) as loaded:
        current_streams().out(explain_ruleset(loaded, rule, fmt))


@cli.command(help=N_(
    "Re-score UNITS under two versions of a ruleset; list the units whose score, grade or rank "
    "changed, with the rules responsible."))
@click.argument("old_ref", metavar="OLD")
@click.argument("new_ref", metavar="NEW")
@click.argument("paths", nargs=-1, required=True, metavar="UNITS...")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(ENGINES), default="durable", show_default=True)
def diff(old_ref: str, new_ref: str, paths: tuple[str, ...], fmt: str, engine: str) -> None:
    streams = current_streams()
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
    streams = current_streams()
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
    streams = current_streams()
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
            raise click.UsageError(_("--format markdown is available for the facts schema only"))
        current_streams().out(facts_reference())
        return
    from assess import records_json_schema, review_json_schema  # their readers load on first use

    data = {"assessment": assessment_json_schema, "records": records_json_schema, "review": review_json_schema,
            "facts": facts_json_schema}[which]()
    current_streams().out(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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
    streams = current_streams()
    if fmt == "json":
        streams.out(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    from tabulate import tabulate

    table = [[r["name"], r["id"], r["version"], r["title"],
              "、".join(UNIT_TYPE_LABELS.get(t, t) for t in r["applies_to"]), r["rules"]] for r in rows]
    streams.out(tabulate(table, headers=["名称", "编号", "版本", "标题", "适用单位", "规则数"]) + "\n")


