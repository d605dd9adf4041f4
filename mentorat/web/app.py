"""The participant pages. Every request is reached through its signed link `/r/<token>`:
GET shows (never changes anything, so mail scanners that follow links are harmless), POST
records, through the service layer, and redirects to the recorded answer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from mentorat import links
from mentorat.clock import Clock, SystemClock
from mentorat.db import session_factory
from mentorat.services import ServiceError
from mentorat.services.targets import resolve
from mentorat.settings import Settings
from mentorat.web import csrf, open_call, pages, privacy
from mentorat.web.console import console_router
from mentorat.web.fresh_worker import FreshLinkWorker
from mentorat.web.handlers import HANDLERS
from mentorat.web.handlers import my_data as my_data_handler
from mentorat.web.handlers import rsvp as rsvp_handler
from mentorat.web.limits import BodyLimit, BodyTooLarge, Limits, RateLimiter
from mentorat.web.security import SecurityHeaders
from mentorat.web.visit import Visit

STATIC = Path(__file__).resolve().parent / "static"
FRESH_SCOPE = "fresh-link"


def create_app(
    settings: Settings, *, clock: Clock | None = None, limits: Limits | None = None
) -> FastAPI:
    clock = clock or SystemClock()
    limits = limits or Limits()
    limiter = RateLimiter(limits.window_seconds)
    make_session = session_factory(settings.database_url)
    max_age = settings.link_max_age_days * 86400
    key, keys = settings.secret_key.get_secret_value(), settings.secret_keys()
    public_origin = csrf.origin_of(settings.public_url)
    fresh = FreshLinkWorker(settings, make_session)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(fresh.close)
        await run_in_threadpool(console_logins.close)

    app = FastAPI(
        title="Mentorat", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.fresh_links = fresh
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def page(template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(pages.render(template, **ctx), status_code=status)

    def client(request: Request) -> str:
        return request.client.host if request.client else "-"

    def cookie_of(request: Request) -> tuple[str, bool]:
        value = request.cookies.get(csrf.COOKIE)
        return (value, False) if value else (csrf.new_cookie_value(), True)

    def with_cookie(request: Request, response: Response, value: str, new: bool) -> Response:
        if new:
            response.set_cookie(
                csrf.COOKIE,
                value,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        return response

    def link_problem(reason: str, token: str, csrf_token: str) -> HTMLResponse:
        if reason == "expired":
            return page("link_expired.html", 410, token=token, csrf=csrf_token)
        return page("link_invalid.html", 404, csrf=csrf_token)

    def open_visit(session: Session, request: Request, token: str, cookie: str) -> Visit | Response:
        try:
            claim = links.read_token(keys, token, max_age_seconds=max_age)
        except links.LinkError as exc:
            return link_problem(exc.reason, token, csrf.form_token(key, cookie, FRESH_SCOPE))
        target = resolve(session, claim)
        if target is None:
            return link_problem("invalid", token, csrf.form_token(key, cookie, FRESH_SCOPE))
        return Visit(
            request=request,
            settings=settings,
            limits=limits,
            session=session,
            now=clock.now(),
            token=token,
            target=target,
            csrf=csrf.form_token(key, cookie, token),
        )

    def too_many() -> HTMLResponse:
        response = page("too_many.html", 429)
        response.headers["Retry-After"] = str(int(limits.window_seconds))
        return response

    async def read_form(request: Request) -> Any:
        """The submitted form, or a Response refusing it (too large, malformed)."""
        if request.scope.get("mentorat.too_large"):
            return page("too_large.html", 413)
        try:
            return await request.form(
                max_files=0, max_fields=limits.max_fields, max_part_size=limits.max_body_bytes
            )
        except BodyTooLarge:
            return page("too_large.html", 413)
        except MultiPartException:
            return page("bad_request.html", 400)

    console, console_logins = console_router(
        settings, clock, make_session, limits, limiter,
        page=page, read_form=read_form, too_many=too_many, client=client,
    )  # fmt: skip
    app.include_router(console)
    app.state.console_logins = console_logins

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        cookie, new = cookie_of(request)
        response = page("home.html", csrf=csrf.form_token(key, cookie, FRESH_SCOPE))
        return with_cookie(request, response, cookie, new)

    @app.get("/sante", response_class=PlainTextResponse)
    async def health() -> str:
        return "ok"

    def visiting(
        request: Request,
        token: str,
        cookie: str,
        act: Callable[[Visit], Response],
        *,
        commit: bool = False,
    ) -> Response:
        with make_session() as session:
            visit = open_visit(session, request, token, cookie)
            if isinstance(visit, Response):
                return visit
            try:
                response = act(visit)
            except ServiceError:
                session.rollback()
                return visit.closed()
            if commit and response.status_code == 303:
                session.commit()
                for job in visit.after_commit:
                    job()
            else:
                session.rollback()
            return response

    @app.get("/r/{token}")
    async def show(request: Request, token: str) -> Response:
        if not limiter.allow("page", client(request), limits.pages_per_client):
            return too_many()
        cookie, new = cookie_of(request)
        answer = request.query_params.get("reponse")
        saved = request.query_params.get("enregistre") == "1"

        def act(visit: Visit) -> Response:
            return HANDLERS[visit.target.purpose].show(visit, answer, saved)

        response = await run_in_threadpool(visiting, request, token, cookie, act)
        return with_cookie(request, response, cookie, new)

    @app.post("/r/{token}")
    async def submit(request: Request, token: str) -> Response:
        if not (
            limiter.allow("post", client(request), limits.posts_per_client)
            and limiter.allow("link", token[-24:], limits.posts_per_link)
        ):
            return too_many()
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        cookie = request.cookies.get(csrf.COOKIE, "")

        def act(visit: Visit) -> Response:
            if not csrf.valid(request, key, form.get(csrf.FIELD), token, public_origin):
                return page("csrf.html", 403, action=visit.action)
            return HANDLERS[visit.target.purpose].submit(visit, form)

        return await run_in_threadpool(visiting, request, token, cookie, act, commit=True)

    @app.get("/r/{token}/agenda.ics")
    async def calendar(request: Request, token: str) -> Response:
        if not limiter.allow("page", client(request), limits.pages_per_client):
            return too_many()

        def act(visit: Visit) -> Response:
            if visit.target.purpose not in {"supervision", "workshop"}:
                return page("not_found.html", 404)
            return rsvp_handler.calendar(visit)

        return await run_in_threadpool(visiting, request, token, "", act)

    @app.get("/r/{token}/donnees.json")
    async def my_data_json(request: Request, token: str) -> Response:
        if not limiter.allow("page", client(request), limits.pages_per_client):
            return too_many()

        def act(visit: Visit) -> Response:
            if visit.target.purpose != "my_data":
                return page("not_found.html", 404)
            return my_data_handler.download(visit)

        return await run_in_threadpool(visiting, request, token, "", act)

    @app.post("/lien/nouveau")
    async def fresh_link(request: Request) -> Response:
        if not limiter.allow("fresh", client(request), limits.fresh_links_per_client):
            return too_many()
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        if not csrf.valid(request, key, form.get(csrf.FIELD), FRESH_SCOPE, public_origin):
            return page("csrf.html", 403, action="/")
        token, address = form.get("token"), form.get("email")
        token = token if isinstance(token, str) and len(token) <= 1000 else ""
        address = address.strip() if isinstance(address, str) and len(address) <= 320 else ""
        response = page("fresh_link_sent.html", 200)
        if token or address:
            # Looked up, written and sent by the worker, after this answer is sent: the same
            # answer, in the same time, whether or not the address or link named someone.
            response.background = BackgroundTask(
                fresh.submit, token, "" if token else address, clock.now()
            )
        return response

    def open_call_request(code: str, cookie: str) -> Callable[..., Response]:
        """Run `act` (mentorat.web.open_call) with a session and what the page needs."""

        def run(act: Callable[..., Response], *args: Any) -> Response:
            with make_session() as session:
                call = open_call.OpenCall(
                    settings, limits, session, clock.now(), code,
                    csrf.form_token(key, cookie, open_call.csrf_scope(code)),
                )  # fmt: skip
                response = act(call, *args, lambda: page("not_found.html", 404))
                session.rollback()  # what was not committed (a refused form) is dropped
                return response

        return run

    @app.get("/candidater/{code}")
    async def open_call_show(request: Request, code: str) -> Response:
        if not limiter.allow("page", client(request), limits.pages_per_client):
            return too_many()
        cookie, new = cookie_of(request)
        sent = request.query_params.get(open_call.SENT) == "1"
        run = open_call_request(code, cookie)
        response = await run_in_threadpool(run, open_call.show, sent)
        return with_cookie(request, response, cookie, new)

    @app.post("/candidater/{code}")
    async def open_call_submit(request: Request, code: str) -> Response:
        if not (
            limiter.allow("post", client(request), limits.posts_per_client)
            and limiter.allow("open-call", client(request), limits.open_applications_per_client)
        ):
            return too_many()
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        if not csrf.valid(
            request, key, form.get(csrf.FIELD), open_call.csrf_scope(code), public_origin
        ):
            return page("csrf.html", 403, action=open_call.path(code))
        run = open_call_request(code, request.cookies.get(csrf.COOKIE, ""))
        return await run_in_threadpool(run, open_call.submit, form)

    @app.get(privacy.PREFIX + "/{slug}")
    async def privacy_notice(request: Request, slug: str) -> Response:
        if not limiter.allow("page", client(request), limits.pages_per_client):
            return too_many()

        def run() -> Response:
            with make_session() as session:
                return privacy.show(session, slug, page)

        return await run_in_threadpool(run)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:  # e.g. Starlette's form parser: too many fields
            return page("bad_request.html", 400)
        if exc.status_code == 405:
            return page("not_found.html", 405)
        return page("not_found.html", 404)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return page("bad_request.html", 400)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return page("too_large.html", 413)

    # Outermost first: the size limit sees the body before anything reads it.
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)
    return app
