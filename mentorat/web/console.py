"""The operator's console, under /gestion/: sign in by a single-use link sent by email, then
the cohorts one may see and, for each, who needs attention (by name).

Signing in: the address typed is handed to `LoginLinkWorker` after the answer is sent, the
same answer in the same time whether or not it names an operator (as for the participants'
fresh links). The emailed link opens a page with one button: a GET never consumes the link
(mail scanners follow links), the POST does, once, and sets the session cookie.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from mentorat.clock import Clock
from mentorat.services import console, notices, operators
from mentorat.services.cohorts import timeline_of
from mentorat.services.status import cohort_rows
from mentorat.settings import Settings
from mentorat.web import csrf
from mentorat.web.fresh_worker import FreshLinkWorker
from mentorat.web.limits import Limits, RateLimiter

COOKIE = "mentorat_console"
LOGIN = "/gestion/connexion"
LOGIN_SCOPE = "console-login"
SCOPE = "console"


class LoginLinkWorker(FreshLinkWorker):
    """The fresh-link worker's queue and thread, writing an operator's login link instead."""

    def _handle(self, token: str, address: str, now: datetime) -> None:
        with self.make_session() as session:
            written = operators.request_login(session, self.settings, address, now)
            session.commit()
        if written:
            # Only the messages of no cohort go now (the cohorts' own go with their runs). If
            # it fails, the operator asks again (the link would expire in minutes).
            notices.deliver(self.settings, None)


def console_router(
    settings: Settings,
    clock: Clock,
    make_session: Callable[[], Session],
    limits: Limits,
    limiter: RateLimiter,
    *,
    page: Callable[..., HTMLResponse],
    read_form: Callable[[Request], Awaitable[Any]],
    too_many: Callable[[], HTMLResponse],
    client: Callable[[Request], str],
) -> tuple[APIRouter, LoginLinkWorker]:
    key = settings.secret_key.get_secret_value()
    public_origin = csrf.origin_of(settings.public_url)
    secure = settings.public_url.startswith("https://")
    worker = LoginLinkWorker(settings, make_session)
    router = APIRouter()

    def csrf_cookie(request: Request) -> tuple[str, bool]:
        value = request.cookies.get(csrf.COOKIE)
        return (value, False) if value else (csrf.new_cookie_value(), True)

    def with_csrf_cookie(response: Response, value: str, new: bool) -> Response:
        if new:
            response.set_cookie(
                csrf.COOKIE, value, httponly=True, samesite="lax", secure=secure, path="/"
            )
        return response

    def to_login() -> Response:
        return RedirectResponse(LOGIN, status_code=303)

    def signed_in(
        request: Request, act: Callable[[Session, operators.Viewer, str], Response]
    ) -> Response:
        """Run `act` for the signed-in operator, or send the visitor to the login page."""
        cookie, new = csrf_cookie(request)
        with make_session() as session:
            viewer = operators.viewer_of(session, request.cookies.get(COOKIE, ""), clock.now())
            if viewer is None:
                return to_login()
            response = act(session, viewer, csrf.form_token(key, cookie, SCOPE))
            session.commit()  # the session's last visit
        return with_csrf_cookie(response, cookie, new)

    @router.get(LOGIN)
    async def login_form(request: Request) -> Response:
        cookie, new = csrf_cookie(request)
        response = page("console_login.html", csrf=csrf.form_token(key, cookie, LOGIN_SCOPE))
        return with_csrf_cookie(response, cookie, new)

    @router.post(LOGIN)
    async def login_request(request: Request) -> Response:
        if not limiter.allow("fresh", client(request), limits.fresh_links_per_client):
            return too_many()
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        if not csrf.valid(request, key, form.get(csrf.FIELD), LOGIN_SCOPE, public_origin):
            return page("csrf.html", 403, action=LOGIN)
        address = form.get("email")
        address = address.strip() if isinstance(address, str) and len(address) <= 320 else ""
        response = page("console_login_sent.html")
        if address:
            # Looked up and written by the worker after this answer: the same for everyone.
            response.background = BackgroundTask(worker.submit, "", address, clock.now())
        return response

    @router.get(LOGIN + "/{token}")
    async def login_confirm(request: Request, token: str) -> Response:
        cookie, new = csrf_cookie(request)
        response = page(
            "console_login_confirm.html",
            action=f"{LOGIN}/{token}",
            csrf=csrf.form_token(key, cookie, LOGIN_SCOPE),
        )
        return with_csrf_cookie(response, cookie, new)

    @router.post(LOGIN + "/{token}")
    async def login_open(request: Request, token: str) -> Response:
        if not limiter.allow("post", client(request), limits.posts_per_client):
            return too_many()
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        if not csrf.valid(request, key, form.get(csrf.FIELD), LOGIN_SCOPE, public_origin):
            return page("csrf.html", 403, action=f"{LOGIN}/{token}")

        def consume() -> str | None:
            with make_session() as session:
                opened = operators.open_session(session, settings, token[:200], clock.now())
                session.commit()
                return opened

        opened = await run_in_threadpool(consume)
        if opened is None:
            return page("console_link_refused.html", 410)
        response = RedirectResponse("/gestion/", status_code=303)
        response.set_cookie(
            COOKIE,
            opened,
            max_age=int(operators.SESSION_IDLE.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/gestion",
        )
        return response

    @router.get("/gestion/deconnexion")
    async def logout_form(request: Request) -> Response:
        def act(session: Session, viewer: operators.Viewer, token: str) -> Response:
            return page("console_logout.html", viewer=viewer, csrf=token)

        return await run_in_threadpool(signed_in, request, act)

    @router.post("/gestion/deconnexion")
    async def logout(request: Request) -> Response:
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        if not csrf.valid(request, key, form.get(csrf.FIELD), SCOPE, public_origin):
            return page("csrf.html", 403, action="/gestion/deconnexion")

        def end() -> None:
            with make_session() as session:
                operators.end_session(session, request.cookies.get(COOKIE, ""), clock.now())
                session.commit()

        await run_in_threadpool(end)
        response = page("console_logged_out.html")
        response.delete_cookie(COOKIE, path="/gestion", secure=secure, httponly=True)
        return response

    @router.get("/gestion/")
    async def home(request: Request) -> Response:
        def act(session: Session, viewer: operators.Viewer, token: str) -> Response:
            cards = console.visible_cohorts(session, viewer, clock.now())
            return page("console_home.html", viewer=viewer, csrf=token, cards=cards)

        return await run_in_threadpool(signed_in, request, act)

    @router.get("/gestion/cohortes/{code}")
    async def cohort_page(request: Request, code: str) -> Response:
        def act(session: Session, viewer: operators.Viewer, token: str) -> Response:
            cohort = console.visible_cohort(session, viewer, code)
            if cohort is None:
                return page("not_found.html", 404)
            now = clock.now()
            return page(
                "console_cohort.html",
                viewer=viewer,
                csrf=token,
                code=cohort.code,
                label=cohort.label,
                next_due=timeline_of(cohort).next_after(now),
                rows=cohort_rows(session, cohort),
                lists=console.attention(session, cohort, viewer, now),
            )

        return await run_in_threadpool(signed_in, request, act)

    return router, worker
