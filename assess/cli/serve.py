"""``assess serve``: the HTTP API and the review workbench (needs the ``serve`` extra)."""

from __future__ import annotations

import os

import click

from assess import AssessError
from assess.cli import Streams, cli, current_streams
from assess.i18n import N_, _

DEFAULT_DB = "sqlite:///assess-serve.db"
ADMIN_ENVIRONMENT = "ASSESS_ADMIN_PASSWORD"
"""The environment variable that may give the first admin's password instead of standard input."""


def read_password(streams: Streams) -> str:
    """One line of standard input (a password, not a file); without echo on a terminal."""
    if streams.stdin.isatty():
        return str(click.prompt(_("Password"), hide_input=True, confirmation_prompt=True, err=True))
    stdin = getattr(streams.stdin, "buffer", streams.stdin)
    typed = stdin.readline(1024)
    return (typed.decode("utf-8") if isinstance(typed, bytes) else str(typed)).strip()


@cli.command(help=N_(
    "Serve the JSON API (OpenAPI at /openapi.json) and the review workbench. With --create-admin or "
    "--load-round, set the database up and exit instead."))
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option("--db", "url", default=DEFAULT_DB, show_default=True, metavar="URL",
              help=N_("SQLite (sqlite:///FILE) or PostgreSQL (postgresql://USER@HOST/NAME) database."))
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help=N_("Port to listen on."))
@click.option("--create-admin", "admin", metavar="NAME",
              help=N_("Create an admin account and exit; the password is read from standard input "
                      "(or the ASSESS_ADMIN_PASSWORD environment variable)."))
@click.option("--load-round", "round_name", metavar="NAME",
              help=N_("Create a round from the facts files and folders PATH... and exit."))
@click.option("--year", type=click.IntRange(1990, 2999), help=N_("The round's year (with --load-round)."))
@click.option("--records", multiple=True, metavar="FILE",
              help=N_("The office's records for the round (with --load-round); repeatable."))
def serve(paths: tuple[str, ...], url: str, host: str, port: int, admin: str | None, round_name: str | None,
          year: int | None, records: tuple[str, ...]) -> None:
    streams = current_streams()
    try:
        from assess.service import setup
    except ImportError as exc:
        raise AssessError(_("assess serve needs the serve extra: pip install 'assess[serve]' ({error})")
                          .format(error=exc)) from exc
    if admin is not None:
        setup.create_admin(url, admin, os.environ.get(ADMIN_ENVIRONMENT) or read_password(streams))
        streams.notice(_("created the admin account {name}").format(name=admin))
        return
    if round_name is not None:
        if not paths or year is None:
            raise click.UsageError(_("--load-round needs PATH... and --year"))
        loaded = setup.load_round(url, round_name, year, paths, records)
        for _source, reason in loaded.refused:
            streams.notice(_("not loaded: {reason}").format(reason=reason))
        streams.notice(_("round {id}: {units} unit(s), {rows} office record row(s)")
                       .format(id=loaded.round_id, units=loaded.units, rows=loaded.rows))
        return
    if paths or records or year is not None:
        raise click.UsageError(_("PATH..., --year and --records go with --load-round"))
    import uvicorn

    from assess.service import create_app

    streams.notice(_("serving on http://{host}:{port}/ (Ctrl-C stops)").format(host=host, port=port))
    uvicorn.run(create_app(url), host=host, port=port, log_level="info")
