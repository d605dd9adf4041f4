"""Final evaluation: mentors and mentees answer a questionnaire after the last month."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from sqlalchemy import select

from mentorat.outbox import Letter, person_letter, withdraw_pending
from mentorat.settings import get_settings
from models import EvaluationAnswer
from tasks.context import PhaseContext, run_phase
from tasks.policy import PHASE_TASK

# Runs once the operator has approved the pairs.
AFTER_APPROVAL = True


@task(name="final-evaluation", **PHASE_TASK)
def final_evaluation(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def advance(ctx: PhaseContext) -> None:
    t = ctx.timeline
    if t.evaluation_opens_at is None or ctx.now < t.evaluation_opens_at:
        return
    # The timeline sets the close together with the opening (checked just above).
    assert t.evaluation_closes_at is not None
    if ctx.now >= t.evaluation_closes_at:
        # A request or reminder held back past the close (mail server or Mentorat down) would
        # ask for answers after the date: withdrawn.
        steps = ["evaluation"] + [
            f"evaluation_reminder{n}" for n in range(1, len(t.evaluation_reminders) + 1)
        ]
        reason = "retiré : l’évaluation était close avant que le message parte"
        withdrawn = withdraw_pending(ctx.session, ctx.cohort.id, steps, reason)
        if withdrawn:
            ctx.counts["evaluation_withdrawn"] += withdrawn
        return  # the cohort's phase is the workshop's now
    ctx.cohort.phase = "evaluation"
    answered = set(
        ctx.session.scalars(
            select(EvaluationAnswer.application_id).where(
                EvaluationAnswer.cohort_id == ctx.cohort.id
            )
        )
    )
    members = [app for pair in ctx.pairs("active") for app in (pair.mentor, pair.mentee)]

    def letters(kind: str, step: str, **extra: Any) -> list[Letter]:
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
