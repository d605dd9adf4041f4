"""Supervision of mentors: the programme's group sessions, and an individual session
offered to a mentor after an escalation. Each invitation carries an .ics file."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from prefect import task
from sqlalchemy import func, select

from mentorat.links import reply_address
from mentorat.mail import invitation_ics
from mentorat.outbox import existing_keys, letter_key, person_letter
from mentorat.settings import get_settings
from mentorat.timeline import individual_session_starts, session_reminder_at
from models import Application, SupervisionAttendance, SupervisionSession
from tasks.context import PhaseContext, run_phase
from tasks.policy import PHASE_TASK

INDIVIDUAL_HOURS = 1


# Runs once the operator has approved the pairs.
AFTER_APPROVAL = True


@task(name="supervision-of-mentors", **PHASE_TASK)
def supervision_of_mentors(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def _session_ctx(session: SupervisionSession, title: str) -> dict[str, object]:
    return {
        "number": session.number,
        "kind": session.kind,
        "title": title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "location": session.location,
    }


def _invite(ctx: PhaseContext, session: SupervisionSession, title: str, *, reminder: bool) -> None:
    attendances = list(
        ctx.session.scalars(
            select(SupervisionAttendance)
            .where(SupervisionAttendance.session_id == session.id)
            .order_by(SupervisionAttendance.id)
        )
    )
    apps = {a.id: a for a in ctx.applications()}
    step = f"supervision_{session.kind}{session.number}" + ("_reminder" if reminder else "")
    written = existing_keys(ctx.session, ctx.cohort.id, step)
    letters = []
    for att in attendances:
        if reminder and att.rsvp == "no":
            continue
        app = apps[att.application_id]
        if app.status == "withdrawn":
            continue
        if letter_key(ctx.cohort.id, step, f"p{app.person_id}", att.id) in written:
            continue  # sent already: do not build its calendar file again
        ics = invitation_ics(
            uid=f"supervision-{session.id}-{att.id}@{ctx.settings.mail_domain}",
            summary=f"{ctx.cohort.programme.short_name} — {title}",
            description=f"Séance de supervision n° {session.number}",
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            location=session.location,
            # Accept or Decline in the invitee's calendar mails a REPLY here: it records
            # the answer like the links (mentorat.inbound).
            organizer_email=reply_address(ctx.settings, app.person_id, "supervision", att.id),
            organizer_name=ctx.cohort.supervisor_name,
            rsvp=True,
            attendee_email=app.person.email,
            # Moved sessions (services.fixes) are at a later revision: say the latest one.
            sequence=session.sequence,
        )
        letters.append(
            person_letter(
                "supervision_reminder" if reminder else "supervision_invitation",
                step,
                att.id,
                app.person,
                role=app.role,
                session=_session_ctx(session, title),
                urls={
                    "yes": ctx.url(app.person_id, "supervision", att.id, "oui"),
                    "no": ctx.url(app.person_id, "supervision", att.id, "non"),
                },
            )
        )
        letters[-1].ics = ics
        letters[-1].reply_purpose = "supervision"
    ctx.send(letters, "supervision_reminder" if reminder else "supervision_invitation")


def advance(ctx: PhaseContext) -> None:
    for slot in ctx.timeline.sessions:
        if ctx.now < slot.invite_at:
            continue
        session = ctx.session.scalar(
            select(SupervisionSession).where(
                SupervisionSession.cohort_id == ctx.cohort.id,
                SupervisionSession.kind == "group",
                SupervisionSession.number == slot.number,
            )
        )
        if session is None:
            session = SupervisionSession(
                cohort_id=ctx.cohort.id,
                kind="group",
                number=slot.number,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                location=slot.spec.location,
                created_at=ctx.now,
            )
            ctx.session.add(session)
            ctx.session.flush()
            audience: list[Application] = []
            for pair in ctx.pairs("active"):
                audience.append(pair.mentor)
                if slot.spec.audience == "pairs":
                    audience.append(pair.mentee)
            seen: set[int] = set()
            for app in audience:
                if app.id not in seen:
                    seen.add(app.id)
                    ctx.session.add(
                        SupervisionAttendance(session_id=session.id, application_id=app.id)
                    )
            ctx.session.flush()
        if session.cancelled_at is not None:
            continue  # cancelled by the operator (services.fixes): nothing more to send
        # The session's own times: the operator may have moved it from the slot's.
        if ctx.now < session.ends_at:
            _invite(ctx, session, slot.spec.title, reminder=False)
            if ctx.now >= session_reminder_at(session.starts_at, ctx.parts.supervision):
                _invite(ctx, session, slot.spec.title, reminder=True)
    for session in ctx.session.scalars(
        select(SupervisionSession).where(
            SupervisionSession.cohort_id == ctx.cohort.id, SupervisionSession.kind == "individual"
        )
    ):
        reminder_at = session_reminder_at(session.starts_at, ctx.parts.supervision)
        if session.cancelled_at is None and reminder_at <= ctx.now < session.ends_at:
            _invite(ctx, session, "Séance individuelle de supervision", reminder=True)


def offer_individual_session(ctx: PhaseContext, mentor: Application, *, reason: str) -> None:
    if not ctx.parts.supervision.individual_after_escalation:
        return
    number = (
        ctx.session.scalar(
            select(func.max(SupervisionSession.number)).where(
                SupervisionSession.cohort_id == ctx.cohort.id,
                SupervisionSession.kind == "individual",
            )
        )
        or 0
    ) + 1
    starts = individual_session_starts(ctx.now, ctx.parts.supervision)
    session = SupervisionSession(
        cohort_id=ctx.cohort.id,
        kind="individual",
        number=number,
        starts_at=starts,
        ends_at=starts + timedelta(hours=INDIVIDUAL_HOURS),
        location="Entretien téléphonique ou visioconférence avec le ou la référent·e",
        application_id=mentor.id,
        created_at=ctx.now,
    )
    ctx.session.add(session)
    ctx.session.flush()
    ctx.session.add(SupervisionAttendance(session_id=session.id, application_id=mentor.id))
    ctx.session.flush()
    ctx.counts["individual_sessions"] += 1
    _invite(ctx, session, "Séance individuelle de supervision", reminder=False)
