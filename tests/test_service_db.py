"""The service's database: made and upgraded only by the migrations shipped in the package."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

pytest.importorskip("fastapi", reason="the serve extra is not installed")

from assess.service import db

from .servicekit import BACKENDS, database_url


@pytest.mark.parametrize("kind", BACKENDS)
def test_upgrading_an_existing_database_keeps_its_data(kind: str, tmp_path: Path) -> None:
    engine = db.connect(database_url(kind, tmp_path))
    db.upgrade(engine, "0001")  # a database made by the first release, before logins were kept
    assert "sessions" not in inspect(engine).get_table_names()
    when = dt.datetime(2024, 1, 16, 2, 30, tzinfo=dt.timezone.utc)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO users (id, name, role, password_hash, created_at) "
                                "VALUES (1, '王某', 'member', 'x', :t)"), {"t": when})
        connection.execute(text("INSERT INTO rounds (id, year, name, rulesets, phase, created_at) "
                                "VALUES (1, 2023, '2023年度', '[\"township\"]', 'open', :t)"), {"t": when})
        connection.execute(text(
            "INSERT INTO decisions (id, round_id, unit_id, slot, seq, based_on, kind, rule, note, reviewer, "
            "created_at, before, after) VALUES (1, 1, 'seed-08', 'evidence:rule:TS-RSP-02', 1, 0, 'rejected', "
            "'TS-RSP-02', '无签收', '王某', :t, '{\"total\": 42}', '{\"total\": 42}')"), {"t": when})
    db.upgrade(engine)
    assert "sessions" in inspect(engine).get_table_names()
    with db.sessions(engine)() as session:
        decision = session.get(db.Decision, 1)
        round_ = session.get(db.Round, 1)
        assert decision is not None and round_ is not None
        assert (decision.note, decision.reviewer, decision.before) == ("无签收", "王某", {"total": 42})
        assert db.aware(decision.created_at) == when
        assert (round_.name, round_.rulesets) == ("2023年度", ["township"])
    db.upgrade(engine)  # upgrading an up-to-date database changes nothing
    engine.dispose()


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_decision_version_is_written_once_even_by_two_writers(kind: str, tmp_path: Path) -> None:
    """The unique (round, unit, slot, seq) is what turns a race between two reviewers into a conflict."""
    from sqlalchemy.exc import IntegrityError

    engine = db.connect(database_url(kind, tmp_path))
    db.upgrade(engine)
    with db.sessions(engine)() as session:
        session.add(db.Round(id=1, year=2023, name="x", rulesets=["township"], phase="open"))
        session.commit()
        for _ in range(2):
            session.add(db.Decision(round_id=1, unit_id="u", slot="evidence:rule:R", seq=1, based_on=0,
                                    kind="accepted", rule="R", reviewer="r", before={}, after={}))
        with pytest.raises(IntegrityError):
            session.commit()
    engine.dispose()


def test_a_login_lasts_a_working_day(tmp_path: Path) -> None:
    from assess.service import auth

    engine = db.connect(database_url("sqlite", tmp_path))
    db.upgrade(engine)
    with db.sessions(engine)() as session:
        auth.create_user(session, "王某", "long enough password", "member")
        made = auth.login(session, "王某", "long enough password")
        assert made is not None and auth.lookup(session, made[0]) is not None
        made[1].created_at = db.now() - auth.SESSION_LIFETIME - dt.timedelta(minutes=1)
        session.commit()
        assert auth.lookup(session, made[0]) is None
        assert auth.login(session, "王某", "wrong password") is None
    engine.dispose()
