"""Final evaluation: mentors and mentees answer a questionnaire after the last month."""

from __future__ import annotations

from sqlalchemy import select

from mentorat.lifecycle.context import PhaseContext
from mentorat.outbox import person_letter
from models import EvaluationAnswer


def advance(ctx: PhaseContext) -> None:
    t = ctx.timeline
    if t.evaluation_opens_at is None or ctx.now < t.evaluation_opens_at:
        return
    ctx.cohort.phase = "evaluation"
    if ctx.now >= t.evaluation_closes_at:  # type: ignore[operator]
        return
    answered = set(
        ctx.session.scalars(
            select(EvaluationAnswer.application_id).where(
                EvaluationAnswer.cohort_id == ctx.cohort.id
            )
        )
    )
    members = [app for pair in ctx.pairs("active") for app in (pair.mentor, pair.mentee)]

    def letters(kind: str, step: str, **extra):  # type: ignore[no-untyped-def]
        return [
            person_letter(
                kind,
                step,
                app.id,
                app.person,
                role=app.role,
                evaluation_url=ctx.url(app.person_id, "evaluation", app.id),
                deadline=t.evaluation_closes_at,
                **extra,
            )
            for app in members
            if app.id not in answered
        ]

    ctx.send(letters("evaluation_request", "evaluation"), "evaluation_request")
    for number, moment in enumerate(t.evaluation_reminders, start=1):
        if ctx.now >= moment:
            ctx.send(
                letters(
                    "evaluation_reminder", f"evaluation_reminder{number}", reminder_number=number
                ),
                "evaluation_reminder",
            )
