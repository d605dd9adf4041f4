"""The matching review of the console, /gestion/cohortes/<code>/appariement: the proposed
pairs with names, scores and points per criterion, the unmatched with their reason; pin,
forbid, recalculate and approve, each through mentorat.services.pairing, audited with the
operator's id. The Prefect approval form links here (it shows ids only).

After an approval here, the cohort is woken (mentorat.events, an urgent "approval"): its
next run finds the pairs approved and writes the introductions and charters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask, BackgroundTasks
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from mentorat import events
from mentorat.services import ServiceError, console, operators, pairing
from mentorat.services.matching_review import review
from models import Cohort

if TYPE_CHECKING:
    from mentorat.web.console import Kit

DONE = {
    "impose": "Binôme imposé\u00a0: il figurera dans la prochaine proposition. "
    "Recalculez pour la voir.",
    "interdit": "Binôme interdit\u00a0: il ne sera plus proposé. Recalculez pour en tenir compte.",
    "recalcul": "Nouvelle proposition calculée avec vos choix.",
    "validee": "Binômes validés\u00a0: la cohorte avance, les présentations et les chartes "
    "partent avec sa prochaine exécution.",
}
MODES = {"": None, "coverage": "coverage", "quality": "quality"}


def path(code: str) -> str:
    return f"/gestion/cohortes/{code}/appariement"


def add_routes(router: APIRouter, kit: Kit) -> None:
    from mentorat.web.console import DONE as CONSOLE_DONE

    CONSOLE_DONE.update(DONE)

    def view(
        session: Session,
        viewer: operators.Viewer,
        token: str,
        cohort: Cohort,
        *,
        status: int = 200,
        done: str = "",
        error: str = "",
    ) -> HTMLResponse:
        return kit.page(
            "console_matching.html",
            status,
            viewer=viewer,
            csrf=token,
            code=cohort.code,
            label=cohort.label,
            review=review(session, cohort),
            acts=viewer.acts_on_pairs,
            done=DONE.get(done, ""),
            error=error,
        )

    @router.get("/gestion/cohortes/{code}/appariement")
    async def matching_page(request: Request, code: str) -> Response:
        done = request.query_params.get("fait", "")

        def act(session: Session, viewer: operators.Viewer, token: str) -> Response:
            cohort = console.visible_cohort(session, viewer, code)
            if cohort is None:
                return kit.page("not_found.html", 404)
            return view(session, viewer, token, cohort, done=done)

        return await run_in_threadpool(kit.signed_in, request, act)

    async def run(request: Request, code: str, done: str, perform: Any) -> Response:
        return await kit.run_fix(request, code, done, perform, back=path(code), view=view)

    def override(kind: str) -> Any:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            _still_open(cohort)
            pairing.override(
                session, cohort, mentor_id=_number(form, "mentor"),
                mentee_id=_number(form, "mentee"), kind=kind, actor=actor,
                reason=_text(form, "raison"), now=kit.clock.now(),
            )  # fmt: skip

        return perform

    @router.post("/gestion/cohortes/{code}/appariement/imposer")
    async def pin(request: Request, code: str) -> Response:
        return await run(request, code, "impose", override("pin"))

    @router.post("/gestion/cohortes/{code}/appariement/interdire")
    async def forbid(request: Request, code: str) -> Response:
        return await run(request, code, "interdit", override("forbid"))

    @router.post("/gestion/cohortes/{code}/appariement/recalculer")
    async def recalculate(request: Request, code: str) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            _still_open(cohort)
            mode = _text(form, "mode", 20)
            if mode not in MODES:
                raise ServiceError("choisissez un mode de calcul dans la liste.")
            if pairing.current_decision(session, cohort) is None:
                raise ServiceError("aucune proposition à recalculer\u00a0: l’appel n’est pas clos.")
            pairing.propose(session, cohort, now=kit.clock.now(), actor=actor, mode=MODES[mode])

        return await run(request, code, "recalcul", perform)

    @router.post("/gestion/cohortes/{code}/appariement/valider")
    async def approve(request: Request, code: str) -> Response:
        def perform(session: Session, actor: str, cohort: Cohort, form: Any) -> None:
            _still_open(cohort)
            current = pairing.current_decision(session, cohort)
            if current is None or str(current.id) != _text(form, "proposition", 12):
                # Another operator recalculated meanwhile: approve only what was read.
                raise ServiceError(
                    "la proposition a changé depuis l’affichage de cette page\u00a0: "
                    "relisez-la avant de la valider."
                )
            pairing.approve(
                session, cohort, now=kit.clock.now(), actor=actor, reason=_text(form, "raison")
            )
            # The cohort's run introduces the pairs and sends the charters: wake it now (the
            # event), and close the Prefect form's waiting run with a run of its own, after
            # the commit (mentorat.events.after_approval).
            events.answer_recorded(session, cohort.id, "approval", urgent=True)
            approved[:] = [(cohort.code, current.id)]

        approved: list[tuple[str, int]] = []
        response = await run(request, code, "validee", perform)
        if approved:
            task = response.background
            after = BackgroundTask(events.after_approval, *approved[0])
            if task is None:
                response.background = after
            else:
                response.background = BackgroundTasks([task, after])
        return response


def _still_open(cohort: Cohort) -> None:
    if cohort.matching_approved_at is not None:
        raise ServiceError(
            "les binômes sont déjà validés\u00a0: les changements se font désormais "
            "depuis la page de la cohorte."
        )


def _text(form: Any, name: str, limit: int = 1000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _number(form: Any, name: str) -> int:
    value = _text(form, name, 12)
    if not value.isdigit():
        raise ServiceError("choisissez une personne dans chaque liste.")
    return int(value)
