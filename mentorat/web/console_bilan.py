"""The console's bilan and erasure pages, under a cohort.

The bilan: the HTML of `mentorat cohort report` inside the console's layout (its style as a
stylesheet of the console's origin, its charts inline SVG styled by attributes: the pages
allow no inline style and no script), and the PDF and XLSX files to download. Every role
that sees the cohort sees its bilan, supervisors included: it holds counts only, under the
anonymity threshold, and comments only where their author allowed it, without names.

Erasure requests: the cohort's pending requests with what each erasure would change (the
erasure itself, rolled back: the counts of `mentorat person erase`), and a button that
carries it out as the command does (`erasure.carry_out`: the last notice sent, then the
erasure, then the space reclaimed). Operators and admins only: a supervisor is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from mentorat.reports import ReportError, bilan_bytes
from mentorat.reports.html import render_body, stylesheet
from mentorat.services import console, erasure, operators
from mentorat.services.bilan import cohort_bilan
from mentorat.web import csrf
from models import Cohort, ErasureRequest, Person

if TYPE_CHECKING:
    from mentorat.web.console import Kit

DOWNLOADS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ROLE_REFUSED = "Votre rôle ne permet pas de traiter les demandes d’effacement."


def add_routes(router: APIRouter, kit: Kit) -> None:
    # Imported here: mentorat.web.console imports this module.
    from mentorat.web.console import COOKIE, DONE, SCOPE

    DONE.update(
        {
            "effacement": "Données effacées\u00a0: la personne en a été informée par un dernier "
            "courriel, avant l’effacement de son adresse.",
            "effacement-sans-avis": "Données effacées. La personne n’a pas pu être prévenue par "
            "courriel (adresse en échec ou serveur indisponible)\u00a0: prévenez-la par un "
            "autre moyen.",
            "deja-efface": "Cette personne avait déjà été effacée\u00a0: rien n’a changé.",
        }
    )
    settings, clock, page = kit.settings, kit.clock, kit.page
    key = settings.secret_key.get_secret_value()
    public_origin = csrf.origin_of(settings.public_url)

    def in_cohort(
        request: Request, code: str, act: Callable[[Session, operators.Viewer, str, Cohort], Any]
    ) -> Response:
        """`act` for a cohort the signed-in viewer may see (else the login page, or 404)."""

        def visible(session: Session, viewer: operators.Viewer, token: str) -> Response:
            cohort = console.visible_cohort(session, viewer, code)
            if cohort is None:
                return page("not_found.html", 404)
            response: Response = act(session, viewer, token, cohort)
            return response

        return kit.signed_in(request, visible)

    # --- the bilan ----------------------------------------------------------------------

    @router.get("/gestion/bilan.css")
    async def bilan_style() -> Response:
        return Response(stylesheet(), media_type="text/css; charset=utf-8")

    @router.get("/gestion/cohortes/{code}/bilan")
    async def bilan_page(request: Request, code: str) -> Response:
        def act(session: Session, viewer: operators.Viewer, token: str, cohort: Cohort) -> Response:
            body = render_body(cohort_bilan(session, cohort), now=clock.now())
            return page(
                "console_bilan.html",
                viewer=viewer,
                csrf=token,
                code=cohort.code,
                label=cohort.label,
                body=Markup(body),  # noqa: S704 (rendered by the autoescaping reports templates)
            )

        return await run_in_threadpool(in_cohort, request, code, act)

    @router.get("/gestion/cohortes/{code}/bilan.{extension}")
    async def bilan_file(request: Request, code: str, extension: str) -> Response:
        if extension not in DOWNLOADS:
            return page("not_found.html", 404)

        def act(session: Session, viewer: operators.Viewer, token: str, cohort: Cohort) -> Response:
            bilan = cohort_bilan(session, cohort)
            try:
                content = bilan_bytes(bilan, f".{extension}", now=clock.now())
            except ReportError as exc:  # no PDF on this machine: said in French
                return page(
                    "console_bilan.html", 503, viewer=viewer, csrf=token, code=cohort.code,
                    label=cohort.label, body="", error=str(exc)[:1].upper() + str(exc)[1:],
                )  # fmt: skip
            name = f"bilan-{cohort.code}.{extension}"
            return Response(
                content,
                media_type=DOWNLOADS[extension],
                headers={"content-disposition": f'attachment; filename="{name}"'},
            )

        return await run_in_threadpool(in_cohort, request, code, act)

    # --- erasure requests ---------------------------------------------------------------

    def requests_page(
        session: Session,
        viewer: operators.Viewer,
        token: str,
        cohort: Cohort,
        *,
        status: int = 200,
        error: str = "",
    ) -> Response:
        rows: list[dict[str, Any]] = []
        if viewer.acts_on_pairs:
            now = clock.now()
            actor = f"operator:id-{viewer.id}"
            for pending in erasure.pending_requests(session, cohort.id):
                person = session.get(Person, pending.person_id)
                assert person is not None
                name, address = f"{person.first_name} {person.last_name}", person.email
                counts = erasure.preview(session, person.id, actor=actor, now=now).counts
                rows.append(
                    {
                        "id": pending.id,
                        "name": name,
                        "email": address,
                        "requested_at": pending.requested_at,
                        "channel": pending.channel,
                        "counts": [
                            (erasure.table_label(table), n) for table, n in sorted(counts.items())
                        ],
                        "total": sum(counts.values()),
                    }
                )
        return page(
            "console_bilan_effacements.html",
            status,
            viewer=viewer,
            csrf=token,
            code=cohort.code,
            label=cohort.label,
            requests=rows,
            acts=viewer.acts_on_pairs,
            error=error or ("" if viewer.acts_on_pairs else ROLE_REFUSED),
        )

    @router.get("/gestion/cohortes/{code}/effacements")
    async def erasure_requests(request: Request, code: str) -> Response:
        def act(session: Session, viewer: operators.Viewer, token: str, cohort: Cohort) -> Response:
            return requests_page(
                session, viewer, token, cohort, status=200 if viewer.acts_on_pairs else 403
            )

        return await run_in_threadpool(in_cohort, request, code, act)

    @router.post("/gestion/cohortes/{code}/effacements/{request_id}")
    async def erase(request: Request, code: str, request_id: int) -> Response:
        """Not `run_fix`: the notice must leave before the erasure, each step committed on
        its own (`erasure.carry_out`), rather than one transaction and the emails after."""
        if not kit.allow_post(request):
            return kit.too_many()
        form = await kit.read_form(request)
        if isinstance(form, Response):
            return form
        action = f"/gestion/cohortes/{code}/effacements"
        if not csrf.valid(request, key, form.get(csrf.FIELD), SCOPE, public_origin):
            return page("csrf.html", 403, action=action)
        cookie, new = kit.csrf_cookie(request)

        def act() -> Response:
            now = clock.now()
            with kit.make_session() as session:
                viewer = operators.viewer_of(session, request.cookies.get(COOKIE, ""), now)
                if viewer is None:
                    return RedirectResponse("/gestion/connexion", status_code=303)
                cohort = console.visible_cohort(session, viewer, code)
                if cohort is None:
                    return page("not_found.html", 404)
                token = csrf.form_token(key, cookie, SCOPE)
                if not viewer.acts_on_pairs:
                    return requests_page(session, viewer, token, cohort, status=403)
                asked = session.get(ErasureRequest, request_id)
                if asked is None or asked.cohort_id != cohort.id:
                    return requests_page(
                        session, viewer, token, cohort, status=404,
                        error=f"Aucune demande d’effacement n° {request_id} dans cette cohorte.",
                    )  # fmt: skip
                person_id, actor = asked.person_id, f"operator:id-{viewer.id}"
                back = f"/gestion/cohortes/{quote(cohort.code)}?fait="
                person = session.get(Person, person_id)
                erased = person is None or person.erased_at is not None
                session.commit()  # the session's last visit; nothing else is held
            if erased:
                return RedirectResponse(back + "deja-efface", status_code=303)
            done = erasure.carry_out(settings, person_id, actor=actor, now=now)
            if done.erasure.already:  # erased meanwhile (another click, the command)
                return RedirectResponse(back + "deja-efface", status_code=303)
            told = "effacement" if done.notice_sent else "effacement-sans-avis"
            return RedirectResponse(back + told, status_code=303)

        return kit.with_csrf_cookie(await run_in_threadpool(act), cookie, new)
