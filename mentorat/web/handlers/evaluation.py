"""The final evaluation questionnaire."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from sqlalchemy import select

from mentorat.services import answers
from mentorat.web.forms import Form
from mentorat.web.visit import Visit
from models import EvaluationAnswer

AGAIN = {"oui": True, "non": False, "ne-sait-pas": None}


def _answer(visit: Visit) -> EvaluationAnswer | None:
    return visit.session.scalar(
        select(EvaluationAnswer).where(EvaluationAnswer.application_id == visit.target.entity.id)
    )


def _values(answer: EvaluationAnswer | None) -> dict[str, Any]:
    if answer is None:
        return {
            "objectives_reached": None,
            "satisfaction": None,
            "recommend": None,
            "mentor_again": "",
            "comments": "",
            "comment_consent": False,
        }
    again = {True: "oui", False: "non", None: "ne-sait-pas"}[answer.mentor_again]
    return {
        "objectives_reached": answer.objectives_reached,
        "satisfaction": answer.satisfaction,
        "recommend": answer.recommend,
        "mentor_again": again,
        "comments": answer.comments,
        "comment_consent": answer.comment_consent,
    }


def show(visit: Visit, answer: str | None, saved: bool) -> Response:
    current = _answer(visit)
    return visit.page("evaluation.html", answer=current, values=_values(current), saved=saved)


def submit(visit: Visit, data: Any) -> Response:
    if not visit.is_open:
        return visit.closed()
    form = Form(data, visit.limits)
    objectives = form.integer("objectives_reached", 1, 5, required=True)
    satisfaction = form.integer("satisfaction", 1, 5, required=True)
    recommend = form.integer("recommend", 0, 10, required=True)
    is_mentor = visit.target.entity.role == "mentor"
    again = form.choice(
        "mentor_again",
        AGAIN,
        required=is_mentor,
        message="Indiquez si vous seriez de nouveau mentor.",
    )
    comments = form.text("comments", max_len=visit.limits.long_text, label="vos commentaires")
    consent = form.flag("comment_consent")
    if not form.result.ok:
        values = {
            **_values(_answer(visit)),
            **form.result.values,
            "mentor_again": data.get("mentor_again") or "",
        }
        return visit.page(
            "evaluation.html",
            status=400,
            answer=_answer(visit),
            values=values,
            errors=form.result.errors,
        )
    assert objectives is not None and satisfaction is not None and recommend is not None
    answers.submit_evaluation(
        visit.session,
        visit.target.entity.id,
        objectives_reached=objectives,
        satisfaction=satisfaction,
        recommend=recommend,
        mentor_again=again if is_mentor else None,
        comments=comments,
        comment_consent=consent,
        channel="web",
        now=visit.now,
    )
    return visit.saved()
