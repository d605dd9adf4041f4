"""Call for candidates: the call, a reminder before closing, a confirmation per application.

The call and its reminder go only to the recipients who have not applied: someone who
applied before the call went out gets the confirmation of their application alone, never
« nous vous invitons à y répondre » beside « Votre candidature a bien été reçue »."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from sqlalchemy import func, select

from mentorat.outbox import Letter, count_keys, person_letter
from mentorat.services.applications import acknowledgement
from mentorat.settings import get_settings
from models import Application, CallRecipient
from tasks.context import PhaseContext, run_phase
from tasks.policy import PHASE_TASK

# Runs before the pairs are approved too.
AFTER_APPROVAL = False


@task(name="call-for-candidates", **PHASE_TASK)
def call_for_candidates(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def advance(ctx: PhaseContext) -> None:
    t, cohort = ctx.timeline, ctx.cohort
    if ctx.now < t.call_opens_at:
        return
    if ctx.now < t.call_closes_at and cohort.phase in {"draft", "call"}:
        cohort.phase = "call"
    applications = int(
        ctx.session.scalar(select(func.count()).where(Application.cohort_id == cohort.id)) or 0
    )
    if (
        ctx.now >= t.call_closes_at
        and count_keys(ctx.session, cohort.id, "application") >= applications
    ):
        return  # the call is over and every application was acknowledged
    recipients = list(
        ctx.session.scalars(
            select(CallRecipient)
            .where(CallRecipient.cohort_id == cohort.id)
            .order_by(CallRecipient.id)
        )
    )
    applied = set(
        ctx.session.scalars(select(Application.person_id).where(Application.cohort_id == cohort.id))
    )

    def call_letter(kind: str, step: str, recipient: CallRecipient) -> Letter:
        return person_letter(
            kind,
            step,
            1,
            recipient.person,
            call_closes_at=t.call_closes_at,
            apply_url=ctx.url(recipient.person_id, "apply", cohort.id),
        )

    if ctx.now < t.call_closes_at:
        invited = [r for r in recipients if r.person_id not in applied]
        ctx.send([call_letter("call", "call", r) for r in invited], "call")
        if ctx.now >= t.call_reminder_at:
            ctx.send(
                [call_letter("call_reminder", "call_reminder", r) for r in invited],
                "call_reminder",
            )
    ctx.send(
        [acknowledgement(app, ctx.settings) for app in ctx.applications()],
        "application_received",
    )
