"""The operator's console, under /gestion/: sign in by a single-use link sent by email, then
the cohorts one may see and, for each, who needs attention (by name).

Signing in: the address typed is handed to `LoginLinkWorker` after the answer is sent, the
same answer in the same time whether or not it names an operator (as for the participants'
fresh links). The emailed link opens a page with one button: a GET never consumes the link
(mail scanners follow links), the POST does, once, and sets the session cookie.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from mentorat import events
from mentorat.clock import Clock
from mentorat.services import ServiceError, console, fixes, notices, operators
from mentorat.services.cohorts import timeline_of
from mentorat.services.status import cohort_rows
from mentorat.settings import Settings
from mentorat.web import console_bilan, console_history, console_matching, csrf
from mentorat.web.fresh_worker import FreshLinkWorker
from mentorat.web.limits import Limits, RateLimiter
from models import Application, Cohort

COOKIE = "mentorat_console"
PARIS = ZoneInfo("Europe/Paris")
# What the page says after a fix (?fait=…): fixed words, never echoed input.
DONE = {
    "adresse": "Adresse corrigée\u00a0: les courriels en attente et ceux que l’ancienne adresse "
    "avait fait échouer partent vers la nouvelle.",
    "retrait": "Participation retirée\u00a0: la personne et ses partenaires sont prévenus.",
    "fin": "Binôme terminé\u00a0: ses deux membres sont prévenus.",
    "nouveau": "Binôme formé\u00a0: sa présentation et sa charte partent avec la prochaine "
    "exécution de la cohorte.",
    "deplacee": "Séance déplacée\u00a0: chaque invité·e reçoit l’invitation mise à jour.",
    "annulee": "Séance annulée\u00a0: chaque invité·e reçoit l’annulation.",
    "presences": "Présences enregistrées.",
    "atelier_deplace": "Atelier déplacé\u00a0: chaque invité·e reçoit l’invitation mise à jour.",
    "atelier_annule": "Atelier annulé\u00a0: chaque invité·e reçoit l’annulation.",
}
Fix = Callable[[Session, str, "Cohort", Any], None]
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

    def cohort_view(
        session: Session,
        viewer: operators.Viewer,
        token: str,
        cohort: Cohort,
        *,
        status: int = 200,
        done: str = "",
        error: str = "",
    ) -> HTMLResponse:
        now = clock.now()
        return page(
            "console_cohort.html",
            status,
            viewer=viewer,
            csrf=token,
            code=cohort.code,
            label=cohort.label,
            next_due=timeline_of(cohort).next_after(now),
            rows=cohort_rows(session, cohort),
            lists=console.attention(session, cohort, viewer, now),
            pairs=console.pair_rows(session, cohort),
            pool=console.pool_rows(session, cohort) if viewer.acts_on_pairs else [],
            meetings=console.session_rows(session, cohort, now),
            workshop=console.workshop_row(session, cohort, now),
            acts=viewer.acts_on_pairs,
            done=DONE.get(done, ""),
            error=error,
        )

    @router.get("/gestion/cohortes/{code}")
    async def cohort_page(request: Request, code: str) -> Response:
        done = request.query_params.get("fait", "")

        def act(session: Session, viewer: operators.Viewer, token: str) -> Response:
            cohort = console.visible_cohort(session, viewer, code)
            if cohort is None:
                return page("not_found.html", 404)
            return cohort_view(session, viewer, token, cohort, done=done)

        return await run_in_threadpool(signed_in, request, act)

    async def run_fix(
        request: Request,
        code: str,
        done: str,
        perform: Fix,
        *,
        supervisors: bool = False,
        back: str = "",
        view: Callable[..., HTMLResponse] | None = None,
    ) -> Response:
        """A fix from the cohort page: CSRF, a session, the cohort in view, the role; then
        the service in one transaction (a refusal: the page again with the French reason,
        nothing changed), the emails sent after the commit, and back to the page (303).
        Another page's action gives its path (`back`) and its view (as `cohort_view`)."""
        if not limiter.allow("post", client(request), limits.posts_per_client):
            return too_many()
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        action = back or f"/gestion/cohortes/{code}"
        shown = view or cohort_view
        if not csrf.valid(request, key, form.get(csrf.FIELD), SCOPE, public_origin):
            return page("csrf.html", 403, action=action)
        cookie, new = csrf_cookie(request)

        def act() -> Response:
            with make_session() as session:
                viewer = operators.viewer_of(session, request.cookies.get(COOKIE, ""), clock.now())
                if viewer is None:
                    return to_login()
                cohort = console.visible_cohort(session, viewer, code)
                if cohort is None:
                    return page("not_found.html", 404)
                token = csrf.form_token(key, cookie, SCOPE)
                if not (viewer.acts_on_pairs or supervisors):
                    return shown(
                        session, viewer, token, cohort, status=403,
                        error="Votre rôle ne permet pas cette action.",
                    )  # fmt: skip
                try:
                    perform(session, f"operator:id-{viewer.id}", cohort, form)
                except ServiceError as exc:
                    session.rollback()
                    message = str(exc)
                    return shown(
                        session, viewer, token, cohort, status=400,
                        error=message[:1].upper() + message[1:],
                    )  # fmt: skip
                cohort_id = cohort.id
                session.commit()
            response = RedirectResponse(f"{action}?fait={done}", status_code=303)
            response.background = BackgroundTask(notices.deliver, settings, cohort_id)
            return response

        return with_csrf_cookie(await run_in_threadpool(act), cookie, new)

    def text(form: Any, name: str, limit: int = 1000) -> str:
        value = form.get(name)
        return value.strip()[:limit] if isinstance(value, str) else ""

    def number(form: Any, name: str) -> int:
        value = text(form, name, 12)
        if not value.isdigit():
            raise ServiceError("choisissez une personne dans la liste.")
        return int(value)

    @router.post("/gestion/cohortes/{code}/personnes/{person_id}/adresse")
    async def fix_address(request: Request, code: str, person_id: int) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            if person_id not in {
                n.ref for n in console.attention(session, cohort, _ALL, clock.now()).bounced or []
            }:
                raise ServiceError("cette personne n’a pas d’adresse en échec dans cette cohorte.")
            fixes.correct_address(
                session, person_id, text(form, "adresse", 320), now=clock.now(), actor=actor
            )

        return await run_fix(request, code, "adresse", perform)

    @router.post("/gestion/cohortes/{code}/candidatures/{application_id}/retrait")
    async def fix_withdraw(request: Request, code: str, application_id: int) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            _in_cohort(session, cohort, application_id)
            fixes.withdraw(
                session, settings, application_id, reason=_reason(form, text),
                now=clock.now(), actor=actor,
            )  # fmt: skip

        return await run_fix(request, code, "retrait", perform)

    @router.post("/gestion/cohortes/{code}/binomes/{pair_id}/fin")
    async def fix_end(request: Request, code: str, pair_id: int) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            if pair_id not in {row.id for row in console.pair_rows(session, cohort)}:
                raise ServiceError(f"aucun binôme B-{pair_id} dans cette cohorte.")
            fixes.end_pair(
                session, settings, pair_id, reason=_reason(form, text), now=clock.now(), actor=actor
            )

        return await run_fix(request, code, "fin", perform)

    @router.post("/gestion/cohortes/{code}/binomes/nouveau")
    async def fix_new_pair(request: Request, code: str) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            mentor, mentee = number(form, "mentor"), number(form, "mentee")
            for app_id in (mentor, mentee):
                _in_cohort(session, cohort, app_id)
            fixes.re_pair(
                session, mentor, mentee, reason=_reason(form, text), now=clock.now(), actor=actor
            )
            # The cohort's run writes the introduction and the charter: wake it now.
            events.answer_recorded(session, cohort.id, "pair_new", urgent=True)

        return await run_fix(request, code, "nouveau", perform)

    def _meeting(session: Session, cohort: Cohort, session_id: int) -> None:
        if session_id not in {m.id for m in console.session_rows(session, cohort, clock.now())}:
            raise ServiceError(f"aucune séance n° {session_id} dans cette cohorte.")

    @router.post("/gestion/cohortes/{code}/seances/{session_id}/deplacer")
    async def fix_move(request: Request, code: str, session_id: int) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            _meeting(session, cohort, session_id)
            fixes.move_session(
                session, settings, session_id, starts_at=_moment(form, text),
                location=text(form, "lieu", 300) or None, now=clock.now(), actor=actor,
            )  # fmt: skip

        return await run_fix(request, code, "deplacee", perform)

    @router.post("/gestion/cohortes/{code}/atelier/deplacer")
    async def fix_workshop_move(request: Request, code: str) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            fixes.move_workshop(
                session, settings, cohort.id, starts_at=_moment(form, text),
                location=text(form, "lieu", 300) or None, now=clock.now(), actor=actor,
            )  # fmt: skip

        return await run_fix(request, code, "atelier_deplace", perform)

    @router.post("/gestion/cohortes/{code}/atelier/annuler")
    async def fix_workshop_cancel(request: Request, code: str) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            fixes.cancel_workshop(
                session, settings, cohort.id, reason=_reason(form, text), now=clock.now(),
                actor=actor,
            )  # fmt: skip

        return await run_fix(request, code, "atelier_annule", perform)

    @router.post("/gestion/cohortes/{code}/seances/{session_id}/annuler")
    async def fix_cancel(request: Request, code: str, session_id: int) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            _meeting(session, cohort, session_id)
            fixes.cancel_session(
                session, settings, session_id, reason=_reason(form, text),
                now=clock.now(), actor=actor,
            )  # fmt: skip

        return await run_fix(request, code, "annulee", perform)

    @router.post("/gestion/cohortes/{code}/seances/{session_id}/presences")
    async def fix_attendance(request: Request, code: str, session_id: int) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            rows = {m.id: m for m in console.session_rows(session, cohort, clock.now())}
            if session_id not in rows:
                raise ServiceError(f"aucune séance n° {session_id} dans cette cohorte.")
            came = {v for v in form.getlist("present") if isinstance(v, str)}
            marks = {
                i.application_id: str(i.application_id) in came for i in rows[session_id].invitees
            }
            fixes.record_attendance(session, session_id, marks, now=clock.now(), actor=actor)

        return await run_fix(request, code, "presences", perform, supervisors=True)

    kit = Kit(
        settings=settings,
        clock=clock,
        make_session=make_session,
        page=page,
        signed_in=signed_in,
        run_fix=run_fix,
        read_form=read_form,
        csrf_cookie=csrf_cookie,
        with_csrf_cookie=with_csrf_cookie,
        allow_post=lambda request: limiter.allow("post", client(request), limits.posts_per_client),
        too_many=too_many,
    )
    # Further console pages, each in its own module with an add_routes(router, kit):
    console_matching.add_routes(router, kit)
    console_history.add_routes(router, kit)
    console_bilan.add_routes(router, kit)
    del kit  # (kept for the modules above)
    return router, worker


@dataclass(frozen=True)
class Kit:
    """What a console page module needs from the router: the settings and clock, the page
    renderer, `signed_in(request, act)` for a page (act(session, viewer, csrf token)), and
    `run_fix(request, code, done, perform, supervisors=False)` for an action on a cohort
    (perform(session, actor, cohort, form); `done` a key of DONE, which modules may extend)."""

    settings: Settings
    clock: Clock
    make_session: Callable[[], Session]
    page: Callable[..., HTMLResponse]
    signed_in: Callable[..., Response]
    run_fix: Callable[..., Awaitable[Response]]
    read_form: Callable[[Request], Awaitable[Any]]
    csrf_cookie: Callable[[Request], tuple[str, bool]]
    with_csrf_cookie: Callable[[Response, str, bool], Response]
    # False when the client has posted too much (the page's rate limit); then `too_many()`.
    allow_post: Callable[[Request], bool]
    too_many: Callable[[], HTMLResponse]


# A viewer who sees every list (the address fix checks the person is among the bounced).
_ALL = operators.Viewer(id=0, email="", display_name="", role="admin", programme_id=0)


def _in_cohort(session: Session, cohort: Cohort, application_id: int) -> None:
    app = session.get(Application, application_id)
    if app is None or app.cohort_id != cohort.id:
        raise ServiceError(f"aucune candidature n° {application_id} dans cette cohorte.")


def _moment(form: Any, text: Callable[..., str]) -> datetime:
    """The form's new date and time (an <input type="datetime-local">: Paris time)."""
    try:
        return datetime.fromisoformat(text(form, "debut", 20)).replace(tzinfo=PARIS)
    except ValueError:
        raise ServiceError("indiquez la nouvelle date et l’heure.") from None


def _reason(form: Any, text: Callable[[Any, str], str]) -> str:
    reason = text(form, "raison")
    if not reason:
        raise ServiceError("indiquez la raison (elle reste au journal d’audit).")
    return reason
