"""Accounts, passwords (argon2) and logins kept on the server.

A login is a random token: the workbench keeps it in an HttpOnly, SameSite cookie, the API
takes it as ``Authorization: Bearer``. Only its SHA-256 is stored, so a copy of the
database does not log anyone in. Each login has its own CSRF token for the forms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from assess import AssessError
from assess.service import db

_HASHER = PasswordHasher()
MIN_PASSWORD = 8
SESSION_LIFETIME = dt.timedelta(hours=12)
"""A login lasts a working day; then the reviewer logs in again."""
# A verification against this hash costs what a real one does: a wrong name answers as slowly
# as a wrong password, so response times do not tell which names exist.
_DUMMY = _HASHER.hash("not a password of anyone")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session: DbSession, name: str, password: str, role: str) -> db.User:
    """A new account; raises :class:`AssessError` for a taken name, a short password or an unknown role."""
    name = name.strip()
    if not name or len(name) > 64:
        raise AssessError("用户名须为1-64个字符")
    if role not in db.ROLES:
        raise AssessError(f"未知角色 {role!r}（可选：{'、'.join(db.ROLES)}）")
    if len(password) < MIN_PASSWORD:
        raise AssessError(f"密码至少{MIN_PASSWORD}个字符")
    if session.scalar(select(db.User).where(db.User.name == name)) is not None:
        raise AssessError(f"用户名 {name} 已存在")
    user = db.User(name=name, role=role, password_hash=_HASHER.hash(password))
    session.add(user)
    session.commit()
    return user


def login(session: DbSession, name: str, password: str) -> tuple[str, db.Session] | None:
    """A new login (its token and record) for the right name and password, else None."""
    user = session.scalar(select(db.User).where(db.User.name == name))
    try:
        _HASHER.verify(user.password_hash if user is not None else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    record = db.Session(token_hash=_digest(token), user_id=user.id, csrf=secrets.token_urlsafe(24))
    session.add(record)
    session.commit()
    return token, record


def lookup(session: DbSession, token: str | None) -> tuple[db.User, db.Session] | None:
    if not token:
        return None
    record = session.get(db.Session, _digest(token))
    if record is None or db.now() - db.aware(record.created_at) > SESSION_LIFETIME:
        return None
    user = session.get(db.User, record.user_id)
    return None if user is None else (user, record)


def logout(session: DbSession, token: str) -> None:
    record = session.get(db.Session, _digest(token))
    if record is not None:
        session.delete(record)
        session.commit()


def can(user: db.User, action: str) -> bool:
    """admin: everything; member: decide and upload; viewer: read only."""
    if user.role == "admin":
        return True
    return user.role == "member" and action in ("decide", "upload")
