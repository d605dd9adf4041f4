"""« Mes données »: what is held about me, as a page and as a JSON download; ask for erasure."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import Response
from sqlalchemy import select

from mentorat.services import notices, personal_data
from mentorat.web.forms import Form
from mentorat.web.visit import Visit
from models import ErasureRequest


def _pending(visit: Visit) -> ErasureRequest | None:
    return visit.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.person_id == visit.target.person.id, ErasureRequest.status == "pending"
        )
    )


def show(visit: Visit, answer: str | None, saved: bool) -> Response:
    data = personal_data.personal_data(visit.session, visit.target.person.id)
    return visit.page("my_data.html", data=data, erasure=_pending(visit), saved=saved)


def download(visit: Visit) -> Response:
    data = personal_data.personal_data(visit.session, visit.target.person.id)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(
        body,
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="mes-donnees.json"'},
    )


def submit(visit: Visit, data: Any) -> Response:
    form = Form(data, visit.limits)
    if not form.flag("confirm_erasure"):
        return visit.page(
            "my_data.html",
            status=400,
            data=personal_data.personal_data(visit.session, visit.target.person.id),
            erasure=_pending(visit),
            errors={"confirm_erasure": "Cochez la case pour confirmer la demande."},
        )
    person, cohort = visit.target.person, visit.target.cohort
    request, new = personal_data.request_erasure(
        visit.session, person.id, cohort_id=cohort.id, channel="web", now=visit.now
    )
    if new:
        notices.queue_for_operator(
            visit.session,
            visit.settings,
            cohort,
            kind="erasure_request",
            occurrence=request.id,
            now=visit.now,
            person={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
            },
            requested_at=visit.now,
        )
        visit.after_commit.append(lambda: notices.deliver(visit.settings, cohort.id))
    return visit.saved()
