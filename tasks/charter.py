"""Charter: both members of each pair sign; reminders; the supervisor hears of unsigned pairs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from sqlalchemy import select

from mentorat.outbox import Letter, person_letter
from mentorat.settings import get_settings
from models import CharterSignature, Pair
from tasks.context import PhaseContext, person_ctx, run_phase
from tasks.policy import PHASE_TASK

# Runs once the operator has approved the pairs.
AFTER_APPROVAL = True


@task(name="charter", **PHASE_TASK)
def charter(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def signed_ids(ctx: PhaseContext, pairs: list[Pair]) -> set[tuple[int, int]]:
    rows = ctx.session.execute(
        select(CharterSignature.pair_id, CharterSignature.application_id).where(
            CharterSignature.pair_id.in_([p.id for p in pairs])
        )
    )
    return {(pair_id, app_id) for pair_id, app_id in rows}


def advance(ctx: PhaseContext) -> None:
    t = ctx.timeline
    assert t.approved_at is not None and t.charter_deadline is not None
    pending = ctx.pairs("approved")
    if not pending:
        return
    signed = signed_ids(ctx, pending)

    def letters(kind: str, step: str, **extra: Any) -> list[Letter]:
        out: list[Letter] = []
        for pair in pending:
            for me, other in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
                if (pair.id, me.id) in signed:
                    continue
                out.append(
                    person_letter(
                        kind,
                        step,
                        pair.id,
                        me.person,
                        role=me.role,
                        partner=person_ctx(other),
                        charter_url=ctx.url(me.person_id, "charter", pair.id),
                        charter_deadline=t.charter_deadline,
                        **extra,
                    )
                )
        return out

    ctx.send(letters("charter_request", "charter"), "charter_request")
    if ctx.now < t.charter_deadline:
        for number, moment in enumerate(t.charter_reminders, start=1):
            if ctx.now >= moment:
                ctx.send(
                    letters(
                        "charter_reminder", f"charter_reminder{number}", reminder_number=number
                    ),
                    "charter_reminder",
                )
        return
    escalations = []
    for pair in pending:
        unsigned = [a for a in (pair.mentor, pair.mentee) if (pair.id, a.id) not in signed]
        escalations.append(
            ctx.supervisor_letter(
                "charter_escalation",
                "charter_escalation",
                pair.id,
                pair_ref=f"B-{pair.id}",
                unsigned=[
                    {
                        "first_name": a.person.first_name,
                        "last_name": a.person.last_name,
                        "role": a.role,
                    }
                    for a in unsigned
                ],
                charter_deadline=t.charter_deadline,
            )
        )
    if ctx.send(escalations, "charter_escalation"):
        ctx.send(
            [
                ctx.operator_letter(
                    "alert_charter_unsigned",
                    1,
                    kind="charter_unsigned",
                    title="Chartes non signées à l’échéance",
                    lines=[
                        f"Binômes concernés\u00a0: {len(pending)}",
                        "Le ou la référent·e a été prévenu·e pour chacun d’eux.",
                    ],
                )
            ],
            "operator_alert",
        )
