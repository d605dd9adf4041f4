"""Console pages: a pair's history (and its workbook), and the cohort's lists of people who
need attention as workbooks. Read-only pages: a session, the cohort in the viewer's sight,
and what the viewer's role lets them read (services.pair_history, services.console_exports).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from mentorat.services import console, console_exports, operators, pair_history
from models import Cohort

if TYPE_CHECKING:
    from mentorat.web.console import Kit


def _attachment(content: bytes, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", filename)
    return Response(
        content,
        media_type=console_exports.XLSX,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


def _pair_number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 12 else None


def add_routes(router: APIRouter, kit: Kit) -> None:
    page, clock = kit.page, kit.clock

    def in_view(
        session: Session, viewer: operators.Viewer, code: str, pair_text: str
    ) -> tuple[Cohort, pair_history.PairSummary] | None:
        cohort = console.visible_cohort(session, viewer, code)
        pair_id = _pair_number(pair_text)
        if cohort is None or pair_id is None:
            return None
        summary = pair_history.summary(session, cohort, pair_id)
        return None if summary is None else (cohort, summary)

    @router.get("/gestion/cohortes/{code}/binomes/{pair_id}")
    async def pair_page(request: Request, code: str, pair_id: str) -> Response:
        def act(session: Session, viewer: operators.Viewer, token: str) -> Response:
            found = in_view(session, viewer, code, pair_id)
            if found is None:
                return page("not_found.html", 404)
            cohort, summary = found
            return page(
                "console_pair.html",
                viewer=viewer,
                csrf=token,
                code=cohort.code,
                label=cohort.label,
                pair=summary,
                events=pair_history.history(session, cohort, summary.id, viewer),
                team=viewer.role != "supervisor",
            )

        return await run_in_threadpool(kit.signed_in, request, act)

    @router.get("/gestion/cohortes/{code}/binomes/{pair_id}/historique.xlsx")
    async def pair_workbook(request: Request, code: str, pair_id: str) -> Response:
        def act(session: Session, viewer: operators.Viewer, token: str) -> Response:
            found = in_view(session, viewer, code, pair_id)
            if found is None:
                return page("not_found.html", 404)
            cohort, summary = found
            events = pair_history.history(session, cohort, summary.id, viewer)
            content = console_exports.workbook([console_exports.history_table(summary, events)])
            return _attachment(content, f"{cohort.code}-B-{summary.id}-historique.xlsx")

        return await run_in_threadpool(kit.signed_in, request, act)

    @router.get("/gestion/cohortes/{code}/listes/{name}.xlsx")
    async def list_workbook(request: Request, code: str, name: str) -> Response:
        def act(session: Session, viewer: operators.Viewer, token: str) -> Response:
            cohort = console.visible_cohort(session, viewer, code)
            if cohort is None:
                return page("not_found.html", 404)
            table = console_exports.list_table(session, cohort, viewer, name, clock.now())
            if table is None:
                return page("not_found.html", 404)
            content = console_exports.workbook([table])
            return _attachment(content, f"{cohort.code}-{name}.xlsx")

        return await run_in_threadpool(kit.signed_in, request, act)
