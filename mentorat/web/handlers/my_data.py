"""« Mes données »: what is held about me, as a page (grouped by cohort then pair), a printable
version (`?version=imprimable`: every section open, no form) and a JSON download; ask for
erasure."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from fastapi.responses import Response
from sqlalchemy import select

from mentorat.mail import dates
from mentorat.services import notices, personal_data
from mentorat.web.forms import Form
from mentorat.web.privacy import privacy_path
from mentorat.web.visit import Visit
from models import ErasureRequest


def _pending(visit: Visit) -> ErasureRequest | None:
    return visit.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.person_id == visit.target.person.id, ErasureRequest.status == "pending"
        )
    )


PRINTABLE = ("version", "imprimable")
NOT_GIVEN = "non renseigné"


def value_fr(value: Any, time: bool = True) -> str:
    """A value of `personal_data` as the page shows it: « 3 décembre 2026 à 14 h 05 »,
    « oui »/« non », lists joined, « non renseigné » for nothing."""
    if value is None or value == "" or value == []:
        return NOT_GIVEN
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, datetime):
        if time:
            return dates.datetime_fr(value, weekday=False)
        return dates.date_fr(value, weekday=False)
    if isinstance(value, date):
        return dates.date_fr(value, weekday=False)
    if isinstance(value, list):
        return ", ".join(value_fr(item) for item in value)
    return str(value)


def _data(visit: Visit) -> dict[str, Any]:
    return personal_data.personal_data(visit.session, visit.target.person.id, now=visit.now)


def show(visit: Visit, answer: str | None, saved: bool) -> Response:
    printable = visit.request.query_params.get(PRINTABLE[0]) == PRINTABLE[1]
    return visit.page(
        "my_data.html",
        data=_data(visit),
        erasure=_pending(visit),
        saved=saved,
        printable=printable,
        fr=value_fr,
        privacy_url=privacy_path(visit.target.cohort.programme.slug),
    )


def download(visit: Visit) -> Response:
    # Keys keep the order of the page (not sorted): « à propos » first, then the person.
    body = json.dumps(personal_data.as_json(_data(visit)), ensure_ascii=False, indent=2)
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
            data=_data(visit),
            erasure=_pending(visit),
            printable=False,
            fr=value_fr,
            privacy_url=privacy_path(visit.target.cohort.programme.slug),
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
