"""Call for candidates: the call, a reminder before closing, a confirmation per application."""

from __future__ import annotations

from sqlalchemy import func, select

from mentorat.lifecycle.context import PhaseContext
from mentorat.outbox import count_keys, person_letter
from models import Application, CallRecipient


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

    def call_letter(kind: str, step: str, recipient: CallRecipient):  # type: ignore[no-untyped-def]
        return person_letter(
            kind,
            step,
            1,
            recipient.person,
            call_closes_at=t.call_closes_at,
            apply_url=ctx.url(recipient.person_id, "apply", cohort.id),
        )

    if ctx.now < t.call_closes_at:
        ctx.send([call_letter("call", "call", r) for r in recipients], "call")
        if ctx.now >= t.call_reminder_at:
            ctx.send(
                [
                    call_letter("call_reminder", "call_reminder", r)
                    for r in recipients
                    if r.person_id not in applied
                ],
                "call_reminder",
            )
    ctx.send(
        [
            person_letter(
                "application_received",
                "application",
                app.id,
                app.person,
                role=app.role,
                my_data_url=ctx.url(app.person_id, "my_data", cohort.id),
            )
            for app in ctx.applications()
        ],
        "application_received",
    )
