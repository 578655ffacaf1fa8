"""Setting a service up from the command line: the first admin, a round loaded from files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import msgspec

from assess import AssessError, read_units
from assess.service import auth, db
from assess.service.rounds import Rulesets, Workbench


class Loaded(msgspec.Struct):
    """What loading a round did: its id, the units and rows taken, and the units refused."""

    round_id: int
    units: int = 0
    rows: int = 0
    refused: list[tuple[str, str]] = msgspec.field(default_factory=list)


def create_admin(url: str, name: str, password: str) -> None:
    """Add an admin account to the database at ``url`` (its schema upgraded first)."""
    engine = db.connect(url)
    try:
        db.upgrade(engine)
        with db.sessions(engine)() as session:
            auth.create_user(session, name, password, "admin")
    finally:
        engine.dispose()


def load_round(url: str, name: str, year: int, paths: Sequence[str], records: Sequence[str] = (),
               who: str = "assess serve") -> Loaded:
    """A new round from facts files and folders (as ``assess rank`` reads them) and office
    records files. A unit the round cannot take (invalid, or of another year) is listed in
    ``refused`` with the reason; a bad records file raises :class:`AssessError`."""
    engine = db.connect(url)
    rulesets = Rulesets()
    try:
        db.upgrade(engine)
        bench = Workbench(rulesets)
        with db.sessions(engine)() as session:
            round_ = bench.create_round(session, year, name, None)
            loaded = Loaded(round_.id)
            for unit in read_units([Path(p) for p in paths]):
                try:
                    read = unit.parsed()
                    if read.error is not None:
                        raise read.error
                    assert read.facts is not None
                    bench.submit(session, round_, read.facts.model_dump(mode="json", exclude_unset=True), who,
                                 read.source)
                    loaded.units += 1
                except AssessError as exc:
                    session.rollback()
                    loaded.refused.append((unit.source, exc.render()))
            for path in records:
                loaded.rows += bench.add_records(session, round_, Path(path).read_bytes(), Path(path).name, who)
        return loaded
    finally:
        rulesets.close()
        engine.dispose()
