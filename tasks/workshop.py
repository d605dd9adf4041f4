"""Recognition workshop ("atelier de restitution"): invitations with an .ics and an RSVP,
then a certificate of engagement for each mentor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from sqlalchemy import func, select

from mentorat.links import reply_address
from mentorat.mail import invitation_ics
from mentorat.outbox import person_letter
from mentorat.settings import get_settings
from models import CheckIn, WorkshopInvitation
from tasks.context import PhaseContext, run_phase
from tasks.policy import PHASE_TASK

# Runs once the operator has approved the pairs.
AFTER_APPROVAL = True


@task(name="recognition-workshop", **PHASE_TASK)
def recognition_workshop(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def advance(ctx: PhaseContext) -> None:
    t, cohort = ctx.timeline, ctx.cohort
    if t.evaluation_closes_at is None or ctx.now < t.evaluation_closes_at:
        return
    if cohort.phase == "closed":
        return
    assert t.workshop_starts_at is not None and t.workshop_ends_at is not None
    cohort.phase = "workshop"
    workshop = ctx.parts.workshop
    invited = {
        i.application_id: i
        for i in ctx.session.scalars(
            select(WorkshopInvitation).where(WorkshopInvitation.cohort_id == cohort.id)
        )
    }
    for pair in ctx.pairs("active"):
        for app in (pair.mentor, pair.mentee):
            if app.role in workshop.invite and app.id not in invited:
                invitation = WorkshopInvitation(
                    cohort_id=cohort.id, application_id=app.id, invited_at=ctx.now
                )
                ctx.session.add(invitation)
                invited[app.id] = invitation
    ctx.session.flush()
    apps = {a.id: a for a in ctx.applications()}
    details = {
        "title": workshop.title,
        "starts_at": t.workshop_starts_at,
        "ends_at": t.workshop_ends_at,
        "location": cohort.workshop_location,
    }
    letters = []
    # Cancelled by the operator (services.fixes): no invitation any more; certificates still go.
    for invitation in (
        sorted(invited.values(), key=lambda i: i.id) if not cohort.workshop_cancelled_at else []
    ):
        app = apps[invitation.application_id]
        letter = person_letter(
            "workshop_invitation",
            "workshop",
            invitation.id,
            app.person,
            role=app.role,
            workshop=details,
            urls={
                "yes": ctx.url(app.person_id, "workshop", invitation.id, "oui"),
                "no": ctx.url(app.person_id, "workshop", invitation.id, "non"),
            },
        )
        letter.ics = invitation_ics(
            uid=f"workshop-{invitation.id}@{ctx.settings.mail_domain}",
            summary=f"{cohort.programme.short_name} — {workshop.title}",
            description="Atelier de restitution du programme de mentorat",
            starts_at=t.workshop_starts_at,
            ends_at=t.workshop_ends_at,
            location=cohort.workshop_location,
            # Accept or Decline in the invitee's calendar records the answer (mentorat.inbound).
            organizer_email=reply_address(ctx.settings, app.person_id, "workshop", invitation.id),
            organizer_name=cohort.operator_name,
            rsvp=True,
            sequence=cohort.workshop_sequence,  # moved by the operator: its latest revision
            attendee_email=app.person.email,
        )
        letter.reply_purpose = "workshop"
        letters.append(letter)
    ctx.send(letters, "workshop_invitation")
    if ctx.now < t.workshop_ends_at:
        return
    answered = dict(
        ctx.session.execute(
            select(CheckIn.application_id, func.count())
            .where(CheckIn.cohort_id == cohort.id, CheckIn.status == "answered")
            .group_by(CheckIn.application_id)
        )
        .tuples()
        .all()
    )
    assert t.kickoff_at is not None
    ctx.send(
        [
            person_letter(
                "certificate",
                "certificate",
                pair.mentor.id,
                pair.mentor.person,
                role="mentor",
                months=ctx.parts.timing.checkin_months,
                started_on=t.kickoff_at.date(),
                ended_on=t.checkins[-1].closes_at.date(),
                checkins_answered=answered.get(pair.mentor.id, 0),
                certificate_ref=f"{cohort.code}-M{pair.mentor.id}",
            )
            for pair in ctx.pairs("active")
        ],
        "certificate",
    )
    cohort.phase = "closed"
