"""The command line: a thin layer over the public library API (``assess.__all__``).

``run(argv, stdin, stdout, stderr)`` is the whole program and returns the exit code;
``main()`` only passes it to ``sys.exit``. Exit codes: 0 success, 1 a check failed,
2 bad input or usage. Errors are one clear message on standard error, never a
traceback (set ASSESS_DEBUG=1 to see one for an internal error). The group and what the
commands share are here; the commands are in :mod:`.scoring` (score, rank, letters,
template, compare) and :mod:`.rubrics` (check, explain, diff, test, extract, schema,
rulesets), imported at the end so that they register on the group.
"""

from __future__ import annotations

import contextlib
import gc
import io
import math
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast

import click
import msgspec

from assess import (
    AssessError,
    Assessment,
    UnitFacts,
    durable_unavailable_reason,
    input_cap,
    load_facts,
    load_records,
    load_review,
    parse_facts,
    read_input,
)
from assess import score as score_unit
from assess.cli.clicktext import Group, translated
from assess.i18n import LANGUAGES, N_, _, from_environment, language, set_language

if TYPE_CHECKING:  # read only when --records or --review is given
    from assess import OfficeRecords, Review

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that workers and temporary files are cleaned
    up on the way out (the default action would kill the process and leave them)."""


class Streams(msgspec.Struct):
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


def current_streams() -> Streams:
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
def finite_number(value: float) -> float:
    """FloatRange lets nan and inf through: nan compares false with every bound."""
    if not math.isfinite(value):
        raise click.BadParameter(_("{value} is not a finite number").format(value=value))
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


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]}, help=HELP, epilog=EPILOG)
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



def run(argv: Sequence[str], stdin: IO[Any], stdout: IO[str], stderr: IO[str]) -> int:
    """Run the command line with the given arguments and streams; return the exit code."""
    previous = language()
    set_language(from_environment())
    _localise(cli)
    try:
        with translated():
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
        # Imported here: it imports multiprocessing, which `assess score` does not need.
        from assess import WorkerLost

        if isinstance(exc, WorkerLost):  # not a fault of assess: most often the system, short of memory
            stderr.write("assess: " + _("error: {error}; if the system ended it (short of memory, say), try a "
                                        "smaller --jobs").format(error=exc) + "\n")
            return EXIT_INPUT
        if os.environ.get("ASSESS_DEBUG"):
            raise
        stderr.write("assess: " + _("internal error: {kind}: {error} (set ASSESS_DEBUG=1 for a traceback)")
                     .format(kind=type(exc).__name__, error=exc) + "\n")
        return EXIT_INPUT


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    # What is imported by now lives until the process ends: the cyclic collector need not
    # walk it again at every collection the command makes (5% of `assess score`'s start).
    gc.freeze()
    # Pydantic's plugins are hooks for applications that watch their validation; finding
    # them reads every installed package's metadata (~10 ms of each start). A caller's own
    # setting is kept: PYDANTIC_DISABLE_PLUGINS= (empty) loads them again.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    signal.signal(signal.SIGTERM, _terminate)
    stdout = sys.stdout
    if isinstance(stdout, io.TextIOWrapper) and stdout.encoding.lower() not in ("utf-8", "utf8"):
        stdout.reconfigure(encoding="utf-8")
    sys.exit(run(sys.argv[1:], sys.stdin, sys.stdout, sys.stderr))


# Imported last: the command modules register their commands on the group defined above.
from assess.cli import rubrics, scoring, serve  # noqa: E402

__all__ = ["cli", "main", "rubrics", "run", "scoring", "serve"]
