"""The monthly check-in: one-click answers (confirmed by a POST) and the full form."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from mentorat.services import answers
from mentorat.web.forms import Form
from mentorat.web.visit import Visit

# The answers the email's buttons carry (?reponse=...).
QUICK = {"vu": "met", "pas-vu": "not_met", "aide": "need_help"}
FORMATS = {"in_person": "in_person", "remote": "remote", "hybrid": "hybrid"}
YES_NO = {"oui": True, "non": False}


def show(visit: Visit, answer: str | None, saved: bool) -> Response:
    row = visit.target.entity
    quick = QUICK.get(answer or "")
    return visit.page(
        "checkin.html",
        row=row,
        quick=quick if visit.is_open else None,
        saved=saved,
        values=_current(row),
    )


def _current(row: Any) -> dict[str, Any]:
    if row.status != "answered":
        return {
            "met": None,
            "meetings": None,
            "format": None,
            "mood": None,
            "need_help": False,
            "help_message": "",
        }
    return {
        "met": row.met,
        "meetings": row.meetings,
        "format": row.format,
        "mood": row.mood,
        "need_help": row.need_help,
        "help_message": row.help_message or "",
    }


def submit(visit: Visit, data: Any) -> Response:
    if not visit.is_open:
        return visit.closed()
    row = visit.target.entity
    form = Form(data, visit.limits)
    need_help = form.flag("need_help")
    # A quick "I need help" may leave the question of the meeting unanswered: not met.
    met = form.choice(
        "met", YES_NO, required=not need_help, message="Indiquez si vous vous êtes vus ce mois-ci."
    )
    meetings = form.integer("meetings", 0, 31)
    fmt = form.choice("format", FORMATS, required=False)
    mood = form.integer("mood", 1, 5)
    message = form.text("help_message", max_len=visit.limits.long_text, label="votre message")
    checked = form.result
    if not checked.ok:
        values = {**_current(row), **checked.values}
        return visit.page(
            "checkin.html", status=400, row=row, quick=None, errors=checked.errors, values=values
        )
    channel = "web-quick" if data.get("quick") else "web"
    answers.record_checkin(
        visit.session,
        row.id,
        met=bool(met),
        channel=channel,
        now=visit.now,
        meetings=meetings if meetings is not None else (1 if met else 0),
        format=fmt,
        mood=mood,
        need_help=need_help,
        help_message=message or None,
    )
    return visit.saved()
