"""Supervision sessions and the recognition workshop: yes or no, and add to one's calendar."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from mentorat.links import reply_address
from mentorat.mail import invitation_ics
from mentorat.services import answers, cohorts, programmes
from mentorat.web.forms import Form
from mentorat.web.visit import Visit
from models import SupervisionSession

QUICK = {"oui": True, "non": False}


def event(visit: Visit) -> dict[str, Any]:
    """Title, times and place of the event the invitation is for."""
    target, session = visit.target, visit.session
    if target.purpose == "supervision":
        meeting = session.get(SupervisionSession, target.entity.session_id)
        assert meeting is not None
        title = (
            "Séance individuelle de supervision"
            if meeting.kind == "individual"
            else f"Séance de supervision collective n°\u00a0{meeting.number}"
        )
        return {
            "title": title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "location": meeting.location,
            "uid": f"supervision-{meeting.id}-{target.entity.id}",
            "organizer": target.cohort.supervisor_name,
            # Its latest revision: moved or cancelled by the operator (services.fixes).
            "sequence": meeting.sequence,
            "method": "CANCEL" if meeting.cancelled_at is not None else "REQUEST",
        }
    t = cohorts.timeline_of(target.cohort)
    parts = programmes.cohort_parts(target.cohort)
    return {
        "title": parts.workshop.title,
        "starts_at": t.workshop_starts_at,
        "ends_at": t.workshop_ends_at,
        "location": target.cohort.workshop_location,
        "uid": f"workshop-{target.entity.id}",
        # Its latest revision: moved or cancelled by the operator (services.fixes).
        "sequence": target.cohort.workshop_sequence,
        "method": "CANCEL" if target.cohort.workshop_cancelled_at is not None else "REQUEST",
        "organizer": target.cohort.operator_name,
    }


def show(visit: Visit, answer: str | None, saved: bool) -> Response:
    quick = answer if answer in QUICK and visit.is_open else None
    return visit.page(
        "rsvp.html", event=event(visit), rsvp=visit.target.entity.rsvp, quick=quick, saved=saved
    )


def submit(visit: Visit, data: Any) -> Response:
    if not visit.is_open:
        return visit.closed()
    form = Form(data, visit.limits)
    coming = form.choice("coming", QUICK, message="Indiquez si vous participerez.")
    if not form.result.ok:
        return visit.page(
            "rsvp.html",
            status=400,
            event=event(visit),
            rsvp=visit.target.entity.rsvp,
            quick=None,
            errors=form.result.errors,
        )
    if visit.target.purpose == "supervision":
        answers.rsvp_supervision(
            visit.session, visit.target.entity.id, coming=coming, now=visit.now
        )
    else:
        answers.rsvp_workshop(visit.session, visit.target.entity.id, coming=coming, now=visit.now)
    return visit.saved()


def calendar(visit: Visit) -> Response:
    """The invitation as an .ics file: "add to my calendar" from the page."""
    ev = event(visit)
    ics = invitation_ics(
        uid=f"{ev['uid']}@{visit.settings.mail_domain}",
        summary=f"{visit.target.cohort.programme.short_name} — {ev['title']}",
        description=ev["title"],
        starts_at=ev["starts_at"],
        ends_at=ev["ends_at"],
        location=ev["location"],
        # The request's reply address: Accept or Decline in a calendar records the answer.
        organizer_email=reply_address(
            visit.settings, visit.target.person.id, visit.target.purpose, visit.target.entity.id
        ),
        organizer_name=ev["organizer"],
        rsvp=ev.get("method", "REQUEST") == "REQUEST",
        attendee_email=visit.target.person.email,
        sequence=ev.get("sequence", 0),
        method=ev.get("method", "REQUEST"),
    )
    return Response(
        ics,
        # RFC 5545 §8.1: a calendar object with a METHOD says it in its MIME type.
        media_type=f"text/calendar; charset=utf-8; method={ev.get('method', 'REQUEST')}",
        headers={"Content-Disposition": 'attachment; filename="invitation.ics"'},
    )
