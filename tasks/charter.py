"""Charter: both members of each pair sign; reminders; the supervisor hears of unsigned pairs.
A charter version the cohort adopts mid-way is signed again by those who signed an earlier
one (one request, one reminder; the pair goes on meanwhile)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from prefect import task
from sqlalchemy import select

from mentorat.outbox import Letter, person_letter
from mentorat.settings import get_settings
from mentorat.timeline import charter_shift
from models import CharterSignature, Pair
from tasks.context import PhaseContext, person_ctx, run_phase
from tasks.policy import PHASE_TASK

# Runs once the operator has approved the pairs.
AFTER_APPROVAL = True


@task(name="charter", **PHASE_TASK)
def charter(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def signed_ids(
    ctx: PhaseContext, pairs: list[Pair], version_id: int | None = None
) -> set[tuple[int, int]]:
    """(pair, member) of the signatures of these pairs: of any version, or of one."""
    query = select(CharterSignature.pair_id, CharterSignature.application_id).where(
        CharterSignature.pair_id.in_([p.id for p in pairs])
    )
    if version_id is not None:
        query = query.where(CharterSignature.charter_version_id == version_id)
    return {(pair_id, app_id) for pair_id, app_id in ctx.session.execute(query)}


def advance(ctx: PhaseContext) -> None:
    t = ctx.timeline
    assert t.approved_at is not None and t.charter_deadline is not None
    if t.charter_adopted_at is not None:
        renew(ctx)
    pending = ctx.pairs("approved")
    if not pending:
        return
    signed = signed_ids(ctx, pending)
    # A pair formed after the approval (services.fixes) has the same delays from its start.
    groups: dict[timedelta, list[Pair]] = {}
    for pair in pending:
        groups.setdefault(charter_shift(t, pair.created_at), []).append(pair)
    for shift, pairs in sorted(groups.items()):
        _advance_pairs(ctx, pairs, signed, shift)


def _advance_pairs(
    ctx: PhaseContext, pending: list[Pair], signed: set[tuple[int, int]], shift: timedelta
) -> None:
    """Request, reminders, then escalation, for pairs that share their charter dates."""
    t = ctx.timeline
    assert t.charter_deadline is not None
    deadline = t.charter_deadline + shift

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
                        charter_deadline=deadline,
                        **extra,
                    )
                )
        return out

    ctx.send(letters("charter_request", "charter"), "charter_request")
    if ctx.now < deadline:
        for number, moment in enumerate(t.charter_reminders, start=1):
            if ctx.now >= moment + shift:
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
                charter_deadline=deadline,
            )
        )
    if ctx.send(escalations, "charter_escalation"):
        ctx.send(
            [
                ctx.operator_letter(
                    "alert_charter_unsigned",
                    # The cohort's pairs: 1; each later group: its first pair.
                    1 if not shift else f"B{pending[0].id}",
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


def renew(ctx: PhaseContext) -> None:
    """A new charter version adopted by the cohort: each member of a pair going on who
    signed an earlier version is asked to sign this one, then reminded once. Members who
    signed nothing yet get the usual request (its page shows the current version)."""
    t = ctx.timeline
    assert t.charter_adopted_at is not None
    pairs = ctx.pairs("approved", "active")
    if not pairs:
        return
    version = ctx.cohort.charter
    signed_before, signed_now = signed_ids(ctx, pairs), signed_ids(ctx, pairs, version.id)

    def letters(step: str, reminder_number: int) -> list[Letter]:
        out: list[Letter] = []
        for pair in pairs:
            for me, other in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
                key = (pair.id, me.id)
                if key not in signed_before or key in signed_now:
                    continue
                out.append(
                    person_letter(
                        "charter_new_version",
                        step,
                        pair.id,
                        me.person,
                        role=me.role,
                        partner=person_ctx(other),
                        charter_url=ctx.url(me.person_id, "charter", pair.id),
                        charter_version=version.version,
                        pair_active=pair.status == "active",
                        reminder_number=reminder_number,
                    )
                )
        return out

    # One step per version: a later version asks again, even those who signed this one.
    step = f"charter_v{version.version}"
    ctx.send(letters(step, 0), "charter_new_version")
    if t.charter_renewal_reminder is not None and ctx.now >= t.charter_renewal_reminder:
        ctx.send(letters(f"{step}_reminder", 1), "charter_new_version_reminder")
