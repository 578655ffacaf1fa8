"""The review workbench (考核组复核工作台): server-rendered pages in Chinese, plain forms.

Logging in sets an HttpOnly, SameSite=Strict cookie holding the login's token; every form
carries the login's CSRF token (the login form a double-submit one), checked before any
write. A decision form carries the version of the item it was made from: when another
reviewer decided the item meanwhile the answer is a 409 page showing their decision.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from assess import Assessment, Ruleset, rank, ruleset_for_type
from assess.facts import FIELDS
from assess.service import auth, db
from assess.service.app import bench, database
from assess.service.rounds import Forbidden, ServiceError, Workbench, grade_shown

RoundId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The round's number.")]
UnitId = Annotated[str, PathParam(min_length=1, max_length=64)]

router = APIRouter(include_in_schema=False)
COOKIE = "assess_session"
LOGIN_CSRF = "assess_login_csrf"
KIND_LABELS = {"accepted": "认可", "missing": "缺少佐证", "rejected": "不予认可", "finding": "核实值",
               "points": "酌情扣分"}
SOURCE_LABELS = {"unit": "待补正", "office": "待录入", "review": "待复核"}
PHASE_LABELS = {"open": "初评", "closed": "终评"}

_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
BEIJING = dt.timezone(dt.timedelta(hours=8))
_templates.filters["local"] = lambda moment: db.aware(moment).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
_templates.globals["label"] = lambda path: FIELDS[path].label if path in FIELDS else path
_templates.globals.update(KIND_LABELS=KIND_LABELS, SOURCE_LABELS=SOURCE_LABELS, PHASE_LABELS=PHASE_LABELS,
                          ROLE_LABELS=db.ROLE_LABELS)

Db = Annotated[DbSession, Depends(database)]
Bench = Annotated[Workbench, Depends(bench)]


class LoginNeeded(Exception):
    """Raised where a page needs a login; answered with a redirect to the login page."""


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_templates.get_template(name).render(request=request, **context), status_code=status)


def error_page(request: Request, status: int, message: str, current: db.Decision | None = None) -> Response:
    return render(request, "error.html.j2", status, status_code=status, message=message, current=current)


class Viewer:
    """The logged-in user of a page and their login's CSRF token."""

    def __init__(self, user: db.User, record: db.Session) -> None:
        self.user = user
        self.csrf = record.csrf

    def check(self, token: str) -> None:
        if not hmac.compare_digest(token.encode(), self.csrf.encode()):
            raise Forbidden("表单已失效（CSRF 校验失败），请刷新页面后重试")

    def need(self, action: str) -> None:
        if not auth.can(self.user, action):
            raise Forbidden(f"角色“{db.ROLE_LABELS[self.user.role]}”无权进行此操作")


def viewer(request: Request, session: Db) -> Viewer:
    found = auth.lookup(session, request.cookies.get(COOKIE))
    if found is None:
        raise LoginNeeded
    return Viewer(*found)


Who = Annotated[Viewer, Depends(viewer)]


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, failed: bool = False) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html.j2", 401 if failed else 200, csrf=token, failed=failed)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/login")
def login(request: Request, session: Db, name: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=256)], csrf: Annotated[str, Form(max_length=64)]) -> Response:
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        raise Forbidden("表单已失效（CSRF 校验失败），请刷新登录页后重试")
    found = auth.login(session, name, password)
    if found is None:
        return RedirectResponse("/login?failed=1", status_code=303)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, found[0], httponly=True, samesite="strict", secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF)
    return response


@router.post("/logout")
def logout(request: Request, session: Db, who: Who, csrf: Annotated[str, Form(max_length=64)]) -> Response:
    who.check(csrf)
    auth.logout(session, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: Db, who: Who) -> Response:
    rounds = list(session.scalars(select(db.Round).order_by(db.Round.id.desc())))
    return render(request, "rounds.html.j2", who=who, rounds=rounds)


@router.post("/rounds")
def create_round(request: Request, session: Db, workbench: Bench, who: Who,
                 csrf: Annotated[str, Form(max_length=64)], year: Annotated[int, Form(ge=1990, le=2999)],
                 name: Annotated[str, Form(min_length=1, max_length=200)]) -> Response:
    who.check(csrf)
    who.need("admin")
    round_ = workbench.create_round(session, year, name, None)
    return RedirectResponse(f"/rounds/{round_.id}", status_code=303)


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def show_round(request: Request, round_id: RoundId, session: Db, workbench: Bench, who: Who) -> Response:
    round_ = workbench.round(session, round_id)
    scored = workbench.score_round(session, round_)
    tables = rank(list(scored.results)).tables if scored.results else []
    return render(request, "round.html.j2", who=who, round=round_, tables=tables, errors=scored.errors)


@router.post("/rounds/{round_id}/close")
def close_round(request: Request, round_id: RoundId, session: Db, workbench: Bench, who: Who,
                csrf: Annotated[str, Form(max_length=64)]) -> Response:
    who.check(csrf)
    who.need("admin")
    workbench.close(session, workbench.round(session, round_id))
    return RedirectResponse(f"/rounds/{round_id}", status_code=303)


@router.get("/rounds/{round_id}/export/{kind}")
def export(request: Request, round_id: RoundId, kind: str, session: Db, workbench: Bench, who: Who) -> Response:
    from assess.service.api import disposition, exported

    if kind not in ("xlsx", "docx", "letters"):
        raise ServiceError("未知的导出类型")
    data, media, name = exported(workbench, session, workbench.round(session, round_id), kind)
    return Response(data, media_type=media, headers={"Content-Disposition": disposition(name)})


@router.get("/rounds/{round_id}/units/{unit_id}", response_class=HTMLResponse)
def show_unit(request: Request, round_id: RoundId, unit_id: UnitId, session: Db, workbench: Bench,
              who: Who) -> Response:
    round_ = workbench.round(session, round_id)
    submission = workbench.submission(session, round_id, unit_id)
    assessment = workbench.score_one(session, round_, unit_id)
    unit = submission.facts["unit"]
    ruleset = workbench.rulesets.get(ruleset_for_type(unit["type"], unit.get("sector")))
    history = workbench.decisions(session, round_id, unit_id)
    standing = {d.slot: d for d in workbench.standing(history).values()}
    return render(request, "unit.html.j2", who=who, round=round_, a=assessment, grade=grade_shown(assessment),
                  evidence=evidence_named(submission.facts), standing=standing, history=list(reversed(history)),
                  ranges=discretionary(ruleset), open=round_.phase == "open", decided=decided_rules(assessment))


@router.post("/rounds/{round_id}/units/{unit_id}/decide")
def decide(request: Request, round_id: RoundId, unit_id: UnitId, session: Db, workbench: Bench, who: Who,
           csrf: Annotated[str, Form(max_length=64)], kind: Annotated[str, Form(max_length=16)],
           base: Annotated[int, Form(ge=0)], rule: Annotated[str, Form(max_length=64)] = "",
           path: Annotated[str, Form(max_length=200)] = "", value: Annotated[str, Form(max_length=2000)] = "",
           note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    who.check(csrf)
    who.need("decide")
    if kind not in KIND_LABELS:
        raise ServiceError("未知的复核结论")
    round_ = workbench.round(session, round_id)
    workbench.submission(session, round_id, unit_id)
    picked: Any = value.strip() or None
    if kind == "points":
        try:
            picked = float(value)
        except ValueError:
            raise ServiceError(f"扣分须为数字：{value!r}") from None
    workbench.decide(session, round_, unit_id, who.user.name, kind=kind, base=base, rule=rule or None,
                     path=path or None, value=picked, note=note.strip() or None, method=None)
    return RedirectResponse(f"/rounds/{round_id}/units/{quote(unit_id)}", status_code=303)


def evidence_named(facts: dict[str, Any]) -> dict[str, list[str]]:
    """The evidence the unit points to, by ``rule:ID`` and ``path:PATH``, in words."""
    out: dict[str, list[str]] = {}
    for ref in facts.get("evidence") or []:
        words = "，".join(str(ref[k]) for k in ("document", "number", "note") if ref.get(k))
        if ref.get("page"):
            words += f"（第{ref['page']}页）"
        key = f"rule:{ref['rule']}" if ref.get("rule") else f"path:{ref.get('path')}"
        out.setdefault(key, []).append(words)
    quotes = (facts.get("extraction") or {}).get("evidence") or {}
    for path, found in quotes.items():
        if isinstance(found, dict) and found.get("quote"):
            out.setdefault(f"path:{path}", []).append(f"总结原文：“{found['quote']}”")
    return out


def discretionary(ruleset: Ruleset) -> list[tuple[str, str, float, float]]:
    """The rules whose points the team picks inside a range: (rule, item, lowest, highest)."""
    out = []
    for rule in ruleset.spec.rules:
        bounds = rule.use.form.discretion(rule.use.value) if rule.use is not None else None
        if bounds is not None:
            out.append((rule.id, rule.item, *bounds))
    return out


def decided_rules(assessment: Assessment) -> list[tuple[str, str, float, str]]:
    """Deductions already decided (rule, item, points, reason): a reviewer may still revisit them."""
    return [(d.rule, d.item, d.points, d.reason) for d in assessment.deductions]
