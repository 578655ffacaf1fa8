"""The ASGI application: the JSON API (:mod:`.api`) and the review workbench (:mod:`.pages`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session as DbSession
from starlette.exceptions import HTTPException as StarletteHTTPException

from assess import AssessError, __version__
from assess.paths import json_path
from assess.service import db
from assess.service.rounds import Rulesets, ServiceError, Workbench

MAX_BODY = 20 * 1024 * 1024
"""The largest request body taken: the library's own cap on a facts or records file."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, whether or not it says its length."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse({"error": f"请求过大（上限 {self.limit // (1024 * 1024)} MB）"}, status_code=413)
        await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and request.url.path != "/openapi.json"


def create_app(url: str = db.DEFAULT_URL, *, upgrade: bool = True, engine_name: str = "native",
               max_body: int = MAX_BODY) -> FastAPI:
    """The application over the database at ``url`` (its schema upgraded first unless
    ``upgrade`` is false). Scores with the native engine: the engines agree, and the
    native one needs no per-process rule memory."""
    engine = db.connect(url)
    if upgrade:
        db.upgrade(engine)
    rulesets = Rulesets()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        rulesets.close()
        engine.dispose()

    app = FastAPI(title="assess serve", version=__version__, lifespan=lifespan,
                  description="应急管理工作年度考核：评分接口与考核组复核工作台。")
    app.state.engine = engine
    app.state.sessions = db.sessions(engine)
    app.state.bench = Workbench(rulesets, engine_name)

    from assess.service import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(ServiceError)
    async def refused(request: Request, exc: ServiceError) -> Response:
        if wants_html(request):
            return pages.error_page(request, exc.status, exc.message, getattr(exc, "current", None))
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(pages.LoginNeeded)
    async def login_needed(request: Request, exc: pages.LoginNeeded) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(AssessError)
    async def bad_input(request: Request, exc: AssessError) -> Response:
        if wants_html(request):
            return pages.error_page(request, 422, exc.render())
        return JSONResponse(error_body(exc), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        issues = [{"path": json_path([p for p in e["loc"]]), "message": str(e["msg"])} for e in exc.errors()]
        if wants_html(request):
            return pages.error_page(request, 422, "；".join(f"{i['path']}：{i['message']}" for i in issues))
        return JSONResponse({"error": "请求有误", "issues": issues}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers a body it cannot parse with 400; the API's bad input is 422, with a path.
        status = 422 if exc.status_code == 400 else exc.status_code
        if wants_html(request):
            return pages.error_page(request, status, str(exc.detail))
        body: dict[str, Any] = {"error": "请求体无法解析" if exc.status_code == 400 else str(exc.detail)}
        if exc.status_code == 400:
            body["issues"] = [{"path": "body", "message": str(exc.detail)}]
        return JSONResponse(body, status_code=status, headers=getattr(exc, "headers", None))

    app.add_middleware(BodyLimit, limit=max_body)
    return app


def error_body(exc: AssessError) -> dict[str, Any]:
    return {"error": exc.message, "source": exc.source,
            "issues": [{"path": i.path, "message": i.message, **({"rule": i.rule} if i.rule else {})}
                       for i in exc.issues]}


def database(request: Request) -> Iterator[DbSession]:
    with request.app.state.sessions() as session:
        yield session


def bench(request: Request) -> Workbench:
    found = request.app.state.bench
    assert isinstance(found, Workbench)
    return found
