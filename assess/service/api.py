"""The JSON API under ``/api`` (OpenAPI 3 at ``/openapi.json``).

Reads need no login except a round's data (any account); every write needs
``Authorization: Bearer TOKEN`` (from ``POST /api/login``) of an account whose role allows
it. Bad input is a 422 whose ``issues`` name the JSON path of each problem.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Header, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from assess import (
    AssessError,
    Assessment,
    FactsError,
    NoticeHeader,
    NoticeOptions,
    Phase,
    bundled_rulesets,
    facts_json_schema,
    parse_facts,
    rank,
    render_letters,
    render_ranking,
    ruleset_for_type,
)
from assess import score as score_unit
from assess.service import auth, db
from assess.service.app import bench, database
from assess.service.rounds import Conflict, Forbidden, ServiceError, Workbench, grade_shown

RoundId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The round's number.")]
UnitId = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(prefix="/api")

Db = Annotated[DbSession, Depends(database)]
Bench = Annotated[Workbench, Depends(bench)]
PhaseQuery = Annotated[Literal["provisional", "final"], Query(description="初评 (provisional) or 终评 (final).")]
MAX_RANKED = 5000
FACTS_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "A unit's facts (the schema: GET /api/schema/facts)."}}}}}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Unauthorized(ServiceError):
    status = 401


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(Model):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Token(Model):
    token: str
    role: str


class NewUser(Model):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=auth.MIN_PASSWORD, max_length=256)
    role: Literal["admin", "member", "viewer"]


class UserOut(Model):
    id: int
    name: str
    role: str


class NewRound(Model):
    year: int = Field(ge=1990, le=2999)
    name: str = Field(min_length=1, max_length=200)
    rulesets: list[str] | None = Field(default=None, max_length=50,
                                       description="Bundled rulesets; default all (GET /api/rulesets).")


class RoundOut(Model):
    id: int
    year: int
    name: str
    rulesets: list[str]
    phase: Literal["open", "closed"]
    units: int


class RankedUnit(Model):
    unit: str
    name: str
    total: float
    floor: float
    ceiling: float
    pending: float
    grade: str
    grades_possible: list[str]


class RoundDetail(RoundOut):
    scored: list[RankedUnit]
    errors: dict[str, str]


class NewDecision(Model):
    unit: str = Field(min_length=1, max_length=64)
    kind: Literal["accepted", "missing", "rejected", "finding", "points"]
    rule: str | None = Field(default=None, max_length=64)
    path: str | None = Field(default=None, max_length=200)
    value: Any = None
    note: str | None = Field(default=None, max_length=2000)
    method: str | None = Field(default=None, max_length=64)
    base: int = Field(ge=0, description="The item's version the decision was made from (0: undecided).")


class DecisionOut(Model):
    id: int
    unit: str
    slot: str
    seq: int
    based_on: int
    kind: str
    rule: str | None
    path: str | None
    value: Any
    note: str | None
    method: str | None
    reviewer: str
    time: str
    before: dict[str, Any]
    after: dict[str, Any]


class RulesetOut(Model):
    name: str
    id: str
    title: str
    version: str


class Uploaded(Model):
    rows: int


def user_of(session: DbSession, authorization: str | None) -> db.User:
    scheme, _, token = (authorization or "").partition(" ")
    found = auth.lookup(session, token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise Unauthorized("需要登录：Authorization: Bearer 令牌（POST /api/login）")
    return found[0]


def allowed(session: DbSession, authorization: str | None, action: str) -> db.User:
    user = user_of(session, authorization)
    if not auth.can(user, action):
        raise Forbidden(f"角色“{db.ROLE_LABELS[user.role]}”无权进行此操作")
    return user


Authorization = Annotated[str | None, Header(description="Bearer TOKEN from POST /api/login")]


async def json_body(request: Request) -> Any:
    """The request's JSON, read here so that the handlers, which score, run in the thread pool
    instead of holding the event loop."""
    data = await request.body()
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FactsError(f"请求体不是有效的 JSON：{exc}", source="<request>") from exc


FactsJson = Annotated[Any, Depends(json_body)]


def round_out(session: DbSession, round_: db.Round) -> dict[str, Any]:
    units = session.scalars(select(db.Submission.id).where(db.Submission.round_id == round_.id)).all()
    return {"id": round_.id, "year": round_.year, "name": round_.name, "rulesets": round_.rulesets,
            "phase": round_.phase, "units": len(units)}


def decision_out(d: db.Decision) -> dict[str, Any]:
    return {"id": d.id, "unit": d.unit_id, "slot": d.slot, "seq": d.seq, "based_on": d.based_on, "kind": d.kind,
            "rule": d.rule, "path": d.path, "value": d.value, "note": d.note, "method": d.method,
            "reviewer": d.reviewer, "time": db.aware(d.created_at).isoformat(), "before": d.before, "after": d.after}


def assessment_response(assessment: Assessment) -> Response:
    return Response(assessment.to_json(), media_type="application/json")


@router.post("/login", response_model=Token, responses={401: {}})
def login(body: Login, session: Db) -> dict[str, str]:
    found = auth.login(session, body.name, body.password)
    if found is None:
        raise Unauthorized("用户名或密码错误")
    token, record = found
    user = session.get(db.User, record.user_id)
    assert user is not None
    return {"token": token, "role": user.role}


@router.post("/users", response_model=UserOut, status_code=201, responses={401: {}, 403: {}, 422: {}})
def create_user(body: NewUser, session: Db, authorization: Authorization = None) -> dict[str, Any]:
    allowed(session, authorization, "admin")
    user = auth.create_user(session, body.name, body.password, body.role)
    return {"id": user.id, "name": user.name, "role": user.role}


@router.get("/rulesets", response_model=list[RulesetOut])
def rulesets(workbench: Bench) -> list[dict[str, str]]:
    """The bundled rulesets a unit or a round can be scored by."""
    out = []
    for name in bundled_rulesets():
        loaded = workbench.rulesets.get(name)
        out.append({"name": name, "id": loaded.id, "title": loaded.spec.title, "version": loaded.version})
    return out


@router.get("/schema/facts")
def facts_schema() -> dict[str, Any]:
    """The JSON Schema of a unit's facts."""
    return facts_json_schema()


@router.post("/score", openapi_extra=FACTS_BODY, responses={200: {"content": {"application/json": {}}}, 422: {}})
def score(body: FactsJson, workbench: Bench, phase: PhaseQuery = "provisional",
          ruleset: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """Score one unit's facts: the same JSON as ``assess score --format json``."""
    facts = parse_facts(body, "<request>")
    if ruleset is not None and ruleset not in bundled_rulesets():
        raise AssessError(f"没有细则 {ruleset!r}", source="<request>")
    loaded = workbench.rulesets.get(ruleset) if ruleset is not None else None
    return assessment_response(score_unit(facts, loaded, engine=workbench.engine, source="<request>", phase=phase))


class RankRequest(Model):
    units: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_RANKED)


@router.post("/rank", responses={200: {"content": {"application/json": {}}}, 422: {}})
def rank_units(body: RankRequest, workbench: Bench, phase: PhaseQuery = "provisional",
               by: Literal["type", "none"] = "type") -> Response:
    """Rank units: the same JSON as ``assess rank --format json`` (tables and assessments)."""
    scored = []
    for index, unit in enumerate(body.units):
        source = f"units[{index}]"
        facts = parse_facts(unit, source)
        loaded = workbench.rulesets.get(ruleset_for_type(facts.unit.type, facts.unit.sector))
        scored.append((score_unit(facts, loaded, engine=workbench.engine, source=source, phase=phase), loaded))
    result = rank(scored, by=by)
    return Response(render_ranking(result, "json", [a for a, _ in scored]), media_type="application/json")


@router.get("/rounds", response_model=list[RoundOut], responses={401: {}})
def list_rounds(session: Db, authorization: Authorization = None) -> list[dict[str, Any]]:
    user_of(session, authorization)
    return [round_out(session, r) for r in session.scalars(select(db.Round).order_by(db.Round.id))]


@router.post("/rounds", response_model=RoundOut, status_code=201, responses={401: {}, 403: {}, 422: {}})
def create_round(body: NewRound, session: Db, workbench: Bench,
                 authorization: Authorization = None) -> dict[str, Any]:
    allowed(session, authorization, "admin")
    return round_out(session, workbench.create_round(session, body.year, body.name, body.rulesets))


@router.get("/rounds/{round_id}", response_model=RoundDetail, responses={401: {}, 404: {}})
def show_round(round_id: RoundId, session: Db, workbench: Bench,
               authorization: Authorization = None) -> dict[str, Any]:
    """The round and its units scored in its phase, in ranked order."""
    user_of(session, authorization)
    round_ = workbench.round(session, round_id)
    scored = workbench.score_round(session, round_)
    rows = [{"unit": a.unit.id, "name": a.unit.name, "total": a.total, "floor": a.floor, "ceiling": a.ceiling,
             "pending": a.pending_points, "grade": grade_shown(a), "grades_possible": a.grades_possible}
            for a, _ in sorted(scored.results, key=lambda p: (-p[0].floor, -p[0].ceiling, p[0].unit.id))]
    return {**round_out(session, round_), "scored": rows,
            "errors": {unit: error.render() for unit, error in scored.errors}}


@router.post("/rounds/{round_id}/submissions", status_code=201, openapi_extra=FACTS_BODY,
             responses={201: {"content": {"application/json": {}}}, 401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def submit(round_id: RoundId, body: FactsJson, session: Db, workbench: Bench,
           authorization: Authorization = None) -> Response:
    """Add or replace a unit's facts in the round; answers with its assessment."""
    user = allowed(session, authorization, "upload")
    round_ = workbench.round(session, round_id)
    submission = workbench.submit(session, round_, body, user.name, "<request>")
    response = assessment_response(workbench.score_one(session, round_, submission.unit_id))
    response.status_code = 201
    return response


@router.post("/rounds/{round_id}/records", response_model=Uploaded, status_code=201,
             responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def upload_records(round_id: RoundId, file: Annotated[UploadFile, File(description="CSV, XLSX, JSON or JSONL")],
                   session: Db, workbench: Bench,
                   authorization: Authorization = None) -> dict[str, int]:
    """The office's records (考核办日常考核记录), read as ``assess --records`` reads them."""
    user = allowed(session, authorization, "upload")
    round_ = workbench.round(session, round_id)
    name = file.filename or "records.csv"
    return {"rows": workbench.add_records(session, round_, file.file.read(), name, user.name)}


@router.get("/rounds/{round_id}/units/{unit_id}", responses={200: {"content": {"application/json": {}}},
                                                            401: {}, 404: {}, 422: {}})
def show_unit(round_id: RoundId, unit_id: UnitId, session: Db, workbench: Bench,
              authorization: Authorization = None) -> Response:
    """The unit's assessment with the round's standing decisions, in the round's phase."""
    user_of(session, authorization)
    return assessment_response(workbench.score_one(session, workbench.round(session, round_id), unit_id))


@router.get("/rounds/{round_id}/decisions", response_model=list[DecisionOut], responses={401: {}, 404: {}})
def list_decisions(round_id: RoundId, session: Db, workbench: Bench,
                   unit: Annotated[str | None, Query(max_length=64)] = None,
                   authorization: Authorization = None) -> list[dict[str, Any]]:
    """Every decision of the round (or of one unit), oldest first: the audit history."""
    user_of(session, authorization)
    workbench.round(session, round_id)
    return [decision_out(d) for d in workbench.decisions(session, round_id, unit)]


@router.post("/rounds/{round_id}/decisions", response_model=DecisionOut, status_code=201,
             responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def decide(round_id: RoundId, body: NewDecision, session: Db, workbench: Bench,
           authorization: Authorization = None) -> dict[str, Any]:
    """Record a decision; 409 when the item moved past ``base`` or the round is closed."""
    user = allowed(session, authorization, "decide")
    round_ = workbench.round(session, round_id)
    workbench.submission(session, round_id, body.unit)
    decision = workbench.decide(session, round_, body.unit, user.name, kind=body.kind, base=body.base,
                                rule=body.rule, path=body.path, value=body.value, note=body.note,
                                method=body.method)
    return decision_out(decision)


@router.post("/rounds/{round_id}/close", response_model=RoundOut, responses={401: {}, 403: {}, 404: {}, 409: {}})
def close_round(round_id: RoundId, session: Db, workbench: Bench,
                authorization: Authorization = None) -> dict[str, Any]:
    """Close the round to 终评; 409 listing what is missing while any unit cannot be scored as final."""
    allowed(session, authorization, "admin")
    round_ = workbench.round(session, round_id)
    workbench.close(session, round_)
    return round_out(session, round_)


@router.get("/rounds/{round_id}/export/{kind}", responses={
    200: {"content": {XLSX: {}, DOCX: {}, "application/zip": {}}}, 401: {}, 404: {}, 409: {}})
def export(round_id: RoundId, kind: Literal["xlsx", "docx", "letters"], session: Db, workbench: Bench,
           authorization: Authorization = None) -> Response:
    """The round's ranking as a workbook, the Word 通报, or every unit's letter in a zip."""
    user_of(session, authorization)
    round_ = workbench.round(session, round_id)
    data, media, name = exported(workbench, session, round_, kind)
    return Response(data, media_type=media, headers={"Content-Disposition": disposition(name)})


def exported(workbench: Workbench, session: DbSession, round_: db.Round, kind: str) -> tuple[bytes, str, str]:
    scored = workbench.score_round(session, round_)
    if not scored.results:
        raise Conflict("本批次还没有可评分的单位")
    assessments = [a for a, _ in scored.results]
    header = NoticeHeader(year=round_.year)
    phase: Phase = scored.phase
    if kind == "letters":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in render_letters(assessments, header, combined=True):
                archive.writestr(name, data)
        return buffer.getvalue(), "application/zip", f"{round_.name}-反馈意见.zip"
    ranking = rank(list(scored.results))
    if kind == "docx":
        notice = NoticeOptions(header=header, phase=phase)
        return render_ranking(ranking, "docx", assessments, notice), DOCX, f"{round_.name}-通报.docx"
    return render_ranking(ranking, "xlsx", assessments), XLSX, f"{round_.name}-考核结果.xlsx"


def disposition(name: str) -> str:
    return f"attachment; filename=\"export\"; filename*=UTF-8''{quote(name)}"

