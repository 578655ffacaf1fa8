"""What the service keeps: users, rounds (考核批次), submissions, office records, decisions.

SQLAlchemy 2 models over SQLite (the default, a file in the working folder) or PostgreSQL;
the schema is made and upgraded only by the Alembic migrations in ``migrations/``
(:func:`upgrade`, run on start), never by ``create_all``, so that a database made by an
older version keeps its data.

Decisions are append-only: a correction is a new row. Each decision names its *slot*
(what it decides for a unit, as the library's review keys it) and ``seq``, its place in
that slot's history; ``(round, unit, slot, seq)`` is unique, so two reviewers who both
decide from version N cannot both write version N+1 (the second gets a conflict) even when
their transactions run at the same moment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

ROLES = ("admin", "member", "viewer")
"""管理员 creates rounds and users, 考核组成员 decides items, 查看 reads."""
ROLE_LABELS = {"admin": "管理员", "member": "考核组成员", "viewer": "查看"}
KINDS = ("accepted", "missing", "rejected", "finding", "points")
"""The library's decision kinds (:mod:`assess.sources.review`)."""
PHASES = ("open", "closed")
"""open: 初评, decisions taken; closed: 终评, scored as final, no more decisions."""
DEFAULT_URL = "sqlite:///assess-serve.db"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back the UTC times it was given without their zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Session(Base):
    """A login: the cookie of the workbench or the bearer token of the API."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Round(Base):
    """An assessment round (考核批次)."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    rulesets: Mapped[list[str]] = mapped_column(JSON, doc="The bundled rulesets its units are scored by.")
    phase: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Submission(Base):
    """A unit's facts (JSON) in a round; a new upload replaces the old one while the round is open."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str] = mapped_column(String(64))
    unit_name: Mapped[str] = mapped_column(String(200))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class RecordRow(Base):
    """One unit's row of the office's records, as the library read it: fact path → value."""

    __tablename__ = "office_records"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    file: Mapped[str] = mapped_column(String(200))
    row: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Decision(Base):
    """One decision of the assessment team, never changed once written."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("round_id", "unit_id", "slot", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str] = mapped_column(String(200), doc="What is decided: evidence:rule:X, finding:PATH, points:X.")
    seq: Mapped[int] = mapped_column(Integer, doc="1 for the slot's first decision, then one more each time.")
    based_on: Mapped[int] = mapped_column(Integer, doc="The slot's version the reviewer saw (seq - 1).")
    kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str | None] = mapped_column(String(64), nullable=True)
    path: Mapped[str | None] = mapped_column(String(200), nullable=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    method: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, doc="The unit's total, range and grade before.")
    after: Mapped[dict[str, Any]] = mapped_column(JSON, doc="... and after the decision.")


def connect(url: str) -> Engine:
    """An engine for the URL; SQLite waits for a lock instead of failing at once, and
    enforces foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):  # psycopg 3, not the psycopg2 SQLAlchemy assumes
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema to ``revision`` with the migrations shipped in the package."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def sessions(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(engine, expire_on_commit=False)
