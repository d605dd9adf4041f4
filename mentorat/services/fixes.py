"""Fixes after the pairs are approved: what an operator does when life happens.

Correct an address, withdraw a participant, end a pair, pair someone again from the pool,
move or cancel a supervision session, record who came. Each fix is one call in the caller's
transaction: it changes the state, writes the emails it calls for in the outbox (sent by the
caller after the commit, or by the cohort's next run) and an audit event with its author.
The command line (`mentorat fix …`) and the console call the same functions.

Statuses this module adds: a pair `ended` (with `ended_at` and `end_reason`: `withdrawal`
when a member withdrew, `ended` when the operator ended it), a check-in `ended` (a month of
an ended pair: neither asked nor missed), an application `withdrawn` or `unpaired` (its pair
ended: in the pool for a new pair, and never told « pas cette fois »).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from mentorat import links
from mentorat import timeline as tl
from mentorat.mail import invitation_ics
from mentorat.mail.dates import date_fr
from mentorat.outbox import Letter, enqueue, person_letter, withdraw_pending
from mentorat.services import ServiceError, audit, cohorts, pairing, people
from mentorat.services.programmes import cohort_parts
from mentorat.settings import Settings
from models import (
    Application,
    CheckIn,
    Cohort,
    MatchingDecision,
    OutboxMessage,
    Pair,
    PairOverride,
    Person,
    SupervisionAttendance,
    SupervisionSession,
    WorkshopInvitation,
)

LIVE = ("approved", "active")
# Applications in the pool a new pair is taken from.
POOL = ("unmatched", "unpaired")


@dataclass
class FixReport:
    """What a fix did, in counts (safe for logs and for the command's output)."""

    emails: int = 0
    withdrawn_emails: int = 0
    pairs_ended: int = 0
    readdressed: int = 0
    requeued: int = 0


# --- Addresses ---------------------------------------------------------------------------


def normalise_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ServiceError(
            f"«\u00a0{raw.strip()}\u00a0» n’est pas une adresse électronique valide."
        ) from None


def correct_address(
    session: Session, person_id: int, raw_email: str, *, now: datetime, actor: str
) -> FixReport:
    """The person's new address: what waits goes to it, and what the old address's bounce
    stopped is queued again for it."""
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise ServiceError(f"aucune personne n° {person_id}.")
    email = normalise_email(raw_email)
    if email == person.email and person.email_status != "failing":
        raise ServiceError(
            f"l’adresse de la personne n° {person_id} est déjà «\u00a0{email}\u00a0»."
        )
    other = session.scalar(select(Person.id).where(Person.email == email, Person.id != person.id))
    if other is not None:
        raise ServiceError(
            f"l’adresse «\u00a0{email}\u00a0» est déjà celle de la personne n° {other}."
        )
    readdressed, requeued = people.readdress(session, person, email)
    person.email = email
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="person.address_corrected",
        entity="person",
        entity_id=person.id,
        readdressed=readdressed,
        requeued=requeued,
    )
    return FixReport(readdressed=readdressed, requeued=requeued)


# --- Pairs -------------------------------------------------------------------------------


def _pair(session: Session, pair_id: int) -> Pair:
    pair = session.get(Pair, pair_id)
    if pair is None:
        raise ServiceError(f"aucun binôme B-{pair_id}.")
    return pair


def _cohort(session: Session, cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None
    return cohort


def _live_pairs(session: Session, application_id: int) -> list[Pair]:
    return list(
        session.scalars(
            select(Pair)
            .where(
                Pair.status.in_(LIVE),
                or_(
                    Pair.mentor_application_id == application_id,
                    Pair.mentee_application_id == application_id,
                ),
            )
            .order_by(Pair.id)
        )
    )


def _withdraw_mail(
    session: Session, cohort_id: int, person_ids: Iterable[int], reason: str, *, pair: Pair | None
) -> int:
    """Cancel what has not left yet: for a pair, its introduction, charter and check-in
    messages; without one, everything waiting for these people in the cohort."""
    checkins: set[str] = set()
    if pair is not None:
        checkins = {
            str(i) for i in session.scalars(select(CheckIn.id).where(CheckIn.pair_id == pair.id))
        }
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.cohort_id == cohort_id,
            OutboxMessage.person_id.in_(list(person_ids)),
            OutboxMessage.status == "pending",
        )
    )
    count = 0
    for row in rows:
        if pair is not None:
            step, occurrence = row.step, row.key.rsplit(":", 1)[-1]
            about_pair = step.startswith(("introduction", "charter")) and occurrence == str(pair.id)
            about_month = step.startswith("checkin") and occurrence in checkins
            if not (about_pair or about_month):
                continue
        row.status, row.last_error, row.next_attempt_at = "cancelled", reason[:500], None
        count += 1
    return count


def _end(session: Session, pair: Pair, reason: str, now: datetime) -> None:
    pair.status, pair.ended_at, pair.end_reason = "ended", now, reason
    session.execute(
        update(CheckIn)
        .where(CheckIn.pair_id == pair.id, CheckIn.status == "open")
        .values(status="ended")
        .execution_options(synchronize_session=False)
    )


def _free(session: Session, application: Application) -> None:
    """After its pair ended: in the pool if it has no other pair."""
    if application.status == "matched" and not _live_pairs(session, application.id):
        application.status = "unpaired"


def _pair_letter(
    kind: str, me: Application, other: Application, pair: Pair, **ctx: object
) -> Letter:
    return person_letter(
        kind,
        kind,
        pair.id,
        me.person,
        role=me.role,
        partner={"first_name": other.person.first_name, "last_name": other.person.last_name},
        **ctx,
    )


def end_pair(
    session: Session,
    settings: Settings,
    pair_id: int,
    *,
    reason: str,
    now: datetime,
    actor: str,
) -> FixReport:
    """End a pair: both members are told, what waited for the pair is withdrawn, each goes
    back to the pool unless they have another pair. `reason` stays in the audit trail only."""
    pair = _pair(session, pair_id)
    if pair.status not in LIVE:
        raise ServiceError(f"le binôme B-{pair.id} n’est pas en cours (il est {_status_fr(pair)}).")
    if not reason.strip():
        raise ServiceError(
            "indiquez la raison de la fin du binôme (elle reste au journal d’audit)."
        )
    cohort = _cohort(session, pair.cohort_id)
    report = FixReport(pairs_ended=1)
    report.withdrawn_emails = _withdraw_mail(
        session,
        cohort.id,
        (pair.mentor.person_id, pair.mentee.person_id),
        "retiré : le binôme a pris fin",
        pair=pair,
    )
    _end(session, pair, "ended", now)
    session.flush()
    letters = [
        _pair_letter("pair_ended", me, other, pair, cause="ended")
        for me, other in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor))
    ]
    report.emails = enqueue(session, cohort, letters, now=now, settings=settings)
    for app in (pair.mentor, pair.mentee):
        _free(session, app)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="pair.ended",
        entity="pair",
        entity_id=pair.id,
        cohort_id=cohort.id,
        reason=reason.strip()[:1000],
        withdrawn_emails=report.withdrawn_emails,
    )
    return report


def withdraw(
    session: Session,
    settings: Settings,
    application_id: int,
    *,
    reason: str,
    now: datetime,
    actor: str,
) -> FixReport:
    """A participant leaves the cohort: nothing more is sent to them but a confirmation, each
    of their pairs ends and each partner is told (and goes back to the pool)."""
    application = session.get(Application, application_id)
    if application is None:
        raise ServiceError(f"aucune candidature n° {application_id}.")
    if application.status == "withdrawn":
        raise ServiceError(f"la candidature n° {application_id} est déjà retirée.")
    cohort = _cohort(session, application.cohort_id)
    report = FixReport()
    report.withdrawn_emails = _withdraw_mail(
        session,
        cohort.id,
        (application.person_id,),
        "retiré : la personne a quitté le programme",
        pair=None,
    )
    letters: list[Letter] = []
    partners: list[Application] = []
    for pair in _live_pairs(session, application.id):
        partner = pair.mentee if pair.mentor_application_id == application.id else pair.mentor
        report.withdrawn_emails += _withdraw_mail(
            session, cohort.id, (partner.person_id,), "retiré : le binôme a pris fin", pair=pair
        )
        _end(session, pair, "withdrawal", now)
        report.pairs_ended += 1
        partners.append(partner)
        letters.append(_pair_letter("pair_ended", partner, application, pair, cause="withdrawal"))
    session.flush()
    for partner in partners:
        _free(session, partner)
    application.status = "withdrawn"
    letters.append(
        person_letter(
            "participation_withdrawn",
            "participation_withdrawn",
            application.id,
            application.person,
            role=application.role,
        )
    )
    report.emails = enqueue(session, cohort, letters, now=now, settings=settings)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="application.withdrawn",
        entity="application",
        entity_id=application.id,
        cohort_id=cohort.id,
        reason=reason.strip()[:1000],
        pairs_ended=report.pairs_ended,
        withdrawn_emails=report.withdrawn_emails,
    )
    return report


def pool(session: Session, cohort_id: int) -> list[Application]:
    """Who can be paired again: left out by the matching, or alone after their pair ended;
    and mentors with room for one more mentee."""
    apps = list(
        session.scalars(
            select(Application)
            .where(Application.cohort_id == cohort_id, Application.status.in_((*POOL, "matched")))
            .options(selectinload(Application.person))
            .order_by(Application.role, Application.id)
        )
    )
    load: dict[int, int] = dict(
        session.execute(
            select(Pair.mentor_application_id, func.count())
            .where(Pair.cohort_id == cohort_id, Pair.status.in_(LIVE))
            .group_by(Pair.mentor_application_id)
        )
        .tuples()
        .all()
    )
    return [
        app
        for app in apps
        if app.status in POOL
        or (app.role == "mentor" and load.get(app.id, 0) < max(app.capacity, 1))
    ]


def re_pair(
    session: Session,
    mentor_application_id: int,
    mentee_application_id: int,
    *,
    reason: str,
    now: datetime,
    actor: str,
) -> Pair:
    """A new pair from the pool. It starts like any approved pair: the cohort's next run
    writes both members its introduction and its charter to sign (with its own deadline)."""
    mentor = session.get(Application, mentor_application_id)
    mentee = session.get(Application, mentee_application_id)
    if mentor is None or mentor.role != "mentor":
        raise ServiceError(
            f"la candidature n° {mentor_application_id} n’est pas celle d’un mentor."
        )
    if mentee is None or mentee.role != "mentee":
        raise ServiceError(
            f"la candidature n° {mentee_application_id} n’est pas celle d’une ou d’un mentoré·e."
        )
    if mentor.cohort_id != mentee.cohort_id:
        raise ServiceError("le mentor et la ou le mentoré·e ne sont pas de la même cohorte.")
    cohort = _cohort(session, mentor.cohort_id)
    decision = session.scalar(
        select(MatchingDecision)
        .where(MatchingDecision.cohort_id == cohort.id, MatchingDecision.status == "approved")
        .order_by(MatchingDecision.id.desc())
        .limit(1)
    )
    if decision is None or cohort.matching_approved_at is None:
        raise ServiceError(
            "les binômes de cette cohorte ne sont pas encore validés : modifiez la proposition "
            "(mentorat matching pin / forbid) plutôt."
        )
    available = {app.id for app in pool(session, cohort.id)}
    for app in (mentor, mentee):
        if app.id not in available:
            who = "Le mentor" if app.role == "mentor" else "La ou le mentoré·e"
            raise ServiceError(
                f"{who} (candidature n° {app.id}) n’est pas disponible : "
                f"{_application_status_fr(app.status)}."
            )
    forbidden = session.scalar(
        select(PairOverride.id).where(
            PairOverride.cohort_id == cohort.id,
            PairOverride.mentor_application_id == mentor.id,
            PairOverride.mentee_application_id == mentee.id,
            PairOverride.kind == "forbid",
        )
    )
    if forbidden is not None:
        raise ServiceError(
            f"ce binôme a été exclu (candidatures n° {mentor.id} et n° {mentee.id}) : "
            "levez l’exclusion d’abord."
        )
    before = session.scalar(
        select(Pair.id).where(
            Pair.cohort_id == cohort.id,
            Pair.mentor_application_id == mentor.id,
            Pair.mentee_application_id == mentee.id,
            Pair.status == "ended",
        )
    )
    if before is not None:
        raise ServiceError(
            f"ces deux personnes ont déjà formé le binôme B-{before}, qui a pris fin."
        )
    score, criteria, explanation = pairing.score_pair(session, cohort, mentor, mentee)
    # The operator's own decision, apart from the engine's (a mentee has one pair per
    # decision; `current_decision` reads proposed and approved ones only).
    manual = MatchingDecision(
        cohort_id=cohort.id,
        mode="manual",
        status="manual",
        report={"pairs": 1, "after_decision_id": decision.id},
        unmatched=[],
        created_at=now,
        approved_at=now,
        approved_by=actor,
    )
    session.add(manual)
    session.flush()
    pair = Pair(
        cohort_id=cohort.id,
        decision_id=manual.id,
        mentor_application_id=mentor.id,
        mentee_application_id=mentee.id,
        score=score,
        criteria=criteria,
        explanation=explanation,
        status="approved",
        pinned=True,
        created_at=now,
    )
    session.add(pair)
    mentor.status = mentee.status = "matched"
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="pair.re_paired",
        entity="pair",
        entity_id=pair.id,
        cohort_id=cohort.id,
        reason=reason.strip()[:1000],
        mentor_application_id=mentor.id,
        mentee_application_id=mentee.id,
    )
    return pair


# --- Supervision sessions ----------------------------------------------------------------


def _session(session: Session, session_id: int) -> SupervisionSession:
    meeting = session.get(SupervisionSession, session_id)
    if meeting is None:
        raise ServiceError(f"aucune séance n° {session_id}.")
    if meeting.cancelled_at is not None:
        raise ServiceError(f"la séance n° {session_id} est annulée.")
    return meeting


def session_title(meeting: SupervisionSession) -> str:
    if meeting.kind == "individual":
        return "Séance individuelle de supervision"
    return f"Séance de supervision collective n°\u00a0{meeting.number}"


def _event_letters(
    settings: Settings,
    cohort: Cohort,
    kind: str,
    *,
    purpose: str,
    invitees: list[tuple[Application, int]],
    event: dict[str, object],
    uid: str,
    sequence: int,
    organizer_name: str,
    now: datetime,
    moved_from: datetime | None = None,
) -> list[Letter]:
    """One letter per invitee (application, invitation id) with the revised event: the same
    UID as the invitation (`uid` + "-<invitation id>"), at revision `sequence`; a move asks
    again whether they come (links and a reply address, as the invitation did)."""
    method = "CANCEL" if kind == "session_cancelled" else "REQUEST"
    letters = []
    for app, occurrence in invitees:
        if app.status == "withdrawn" or app.person.erased_at is not None:
            continue
        extra: dict[str, object] = {}
        if moved_from is not None:
            extra["moved_from"] = moved_from
            extra["urls"] = {
                answer: links.make_url(
                    settings.public_url,
                    settings.secret_key,
                    app.person_id,
                    purpose,
                    occurrence,
                    word,
                )
                for answer, word in (("yes", "oui"), ("no", "non"))
            }
        letter = person_letter(
            kind,
            f"{kind}_{uid}_v{sequence}",
            occurrence,
            app.person,
            role=app.role,
            session=event,
            **extra,
        )
        reply_to = links.reply_address(settings, app.person_id, purpose, occurrence)
        letter.ics = invitation_ics(
            uid=f"{uid}-{occurrence}@{settings.mail_domain}",
            summary=f"{cohort.programme.short_name} — {event['title']}",
            description=str(event["title"]),
            starts_at=event["starts_at"],  # type: ignore[arg-type]
            ends_at=event["ends_at"],  # type: ignore[arg-type]
            location=str(event["location"]),
            organizer_email=reply_to,
            organizer_name=organizer_name,
            rsvp=method == "REQUEST",
            attendee_email=app.person.email,
            sequence=sequence,
            method=method,
            stamp=now,
        )
        if moved_from is not None:
            letter.reply_purpose = purpose
        letters.append(letter)
    return letters


def _revision_letters(
    session: Session,
    settings: Settings,
    cohort: Cohort,
    meeting: SupervisionSession,
    kind: str,
    now: datetime,
    moved_from: datetime | None = None,
) -> list[Letter]:
    """The revised session to each of its invitees (a cancellation goes to all)."""
    attendances = list(
        session.scalars(
            select(SupervisionAttendance)
            .where(SupervisionAttendance.session_id == meeting.id)
            .order_by(SupervisionAttendance.id)
        )
    )
    apps = _applications(session, cohort.id)
    return _event_letters(
        settings,
        cohort,
        kind,
        purpose="supervision",
        invitees=[(apps[att.application_id], att.id) for att in attendances],
        event={
            "number": meeting.number,
            "kind": meeting.kind,
            "title": session_title(meeting),
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "location": meeting.location,
        },
        uid=f"supervision-{meeting.id}",
        sequence=meeting.sequence,
        organizer_name=cohort.supervisor_name,
        now=now,
        moved_from=moved_from,
    )


def _applications(session: Session, cohort_id: int) -> dict[int, Application]:
    return {
        a.id: a
        for a in session.scalars(
            select(Application)
            .where(Application.cohort_id == cohort_id)
            .options(selectinload(Application.person))
        )
    }


def move_session(
    session: Session,
    settings: Settings,
    session_id: int,
    *,
    starts_at: datetime,
    location: str | None,
    now: datetime,
    actor: str,
) -> FixReport:
    """Move a session (and its place, when given): each invitee gets the updated event."""
    meeting = _session(session, session_id)
    if starts_at <= now:
        raise ServiceError("la nouvelle date de la séance est déjà passée.")
    if meeting.ends_at <= now:
        raise ServiceError(f"la séance n° {session_id} a déjà eu lieu.")
    length = meeting.ends_at - meeting.starts_at
    if starts_at == meeting.starts_at and (location is None or location == meeting.location):
        raise ServiceError("la séance a déjà cette date et ce lieu : rien à changer.")
    moved_from = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, starts_at + max(length, timedelta(minutes=30))
    if location:
        meeting.location = location.strip()[:300]
    meeting.sequence += 1
    # Who said no to the old date may come to the new one: they are asked again.
    session.execute(
        update(SupervisionAttendance)
        .where(SupervisionAttendance.session_id == meeting.id, SupervisionAttendance.rsvp == "no")
        .values(rsvp=None, rsvp_at=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    cohort = _cohort(session, meeting.cohort_id)
    letters = _revision_letters(
        session, settings, cohort, meeting, "session_moved", now, moved_from=moved_from
    )
    report = FixReport(emails=enqueue(session, cohort, letters, now=now, settings=settings))
    audit.record(
        session,
        at=now,
        actor=actor,
        action="supervision.moved",
        entity="supervision_session",
        entity_id=meeting.id,
        cohort_id=cohort.id,
        sequence=meeting.sequence,
        invitees=len(letters),
    )
    return report


def cancel_session(
    session: Session, settings: Settings, session_id: int, *, reason: str, now: datetime, actor: str
) -> FixReport:
    """Cancel a session: each invitee gets the cancellation (METHOD:CANCEL, same UID)."""
    meeting = _session(session, session_id)
    if meeting.ends_at <= now:
        raise ServiceError(f"la séance n° {session_id} a déjà eu lieu.")
    meeting.cancelled_at = now
    meeting.sequence += 1
    session.flush()
    cohort = _cohort(session, meeting.cohort_id)
    # Its reminders have nothing to remind of any more.
    report = FixReport(
        withdrawn_emails=_withdraw_session_mail(session, cohort.id, meeting),
    )
    letters = _revision_letters(session, settings, cohort, meeting, "session_cancelled", now)
    report.emails = enqueue(session, cohort, letters, now=now, settings=settings)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="supervision.cancelled",
        entity="supervision_session",
        entity_id=meeting.id,
        cohort_id=cohort.id,
        reason=reason.strip()[:1000],
        invitees=len(letters),
    )
    return report


def _withdraw_session_mail(session: Session, cohort_id: int, meeting: SupervisionSession) -> int:
    steps = [
        f"supervision_{meeting.kind}{meeting.number}",
        f"supervision_{meeting.kind}{meeting.number}_reminder",
    ]
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.cohort_id == cohort_id,
            OutboxMessage.step.in_(steps),
            OutboxMessage.status == "pending",
        )
    )
    count = 0
    for row in rows:
        row.status, row.last_error = "cancelled", "retiré : la séance est annulée"
        count += 1
    return count


# --- The recognition workshop -----------------------------------------------------------


def _workshop(session: Session, cohort_id: int, now: datetime) -> tuple[Cohort, tl.Timeline]:
    cohort = _cohort(session, cohort_id)
    t = cohorts.timeline_of(cohort)
    if t.workshop_starts_at is None or t.workshop_ends_at is None:
        raise ServiceError("la date de l’atelier sera fixée à la validation des binômes.")
    if cohort.workshop_cancelled_at is not None:
        raise ServiceError("l’atelier de restitution de cette cohorte est annulé.")
    if t.workshop_ends_at <= now:
        raise ServiceError("l’atelier de restitution a déjà eu lieu.")
    return cohort, t


def _workshop_letters(
    session: Session, settings: Settings, cohort: Cohort, kind: str, now: datetime,
    moved_from: datetime | None = None,
) -> list[Letter]:  # fmt: skip
    t = cohorts.timeline_of(cohort)
    assert t.workshop_starts_at is not None and t.workshop_ends_at is not None
    invitations = list(
        session.scalars(
            select(WorkshopInvitation)
            .where(WorkshopInvitation.cohort_id == cohort.id)
            .order_by(WorkshopInvitation.id)
        )
    )
    apps = _applications(session, cohort.id)
    return _event_letters(
        settings,
        cohort,
        kind,
        purpose="workshop",
        invitees=[(apps[i.application_id], i.id) for i in invitations],
        event={
            "number": 0,
            "kind": "workshop",
            "title": cohort_parts(cohort).workshop.title,
            "starts_at": t.workshop_starts_at,
            "ends_at": t.workshop_ends_at,
            "location": cohort.workshop_location,
        },
        uid="workshop",
        sequence=cohort.workshop_sequence,
        organizer_name=cohort.operator_name,
        now=now,
        moved_from=moved_from,
    )


def move_workshop(
    session: Session,
    settings: Settings,
    cohort_id: int,
    *,
    starts_at: datetime,
    location: str | None,
    now: datetime,
    actor: str,
) -> FixReport:
    """Move the recognition workshop: the invitations already sent are updated (same UID,
    SEQUENCE + 1); those still to come carry the new date. The certificates follow it."""
    cohort, t = _workshop(session, cohort_id, now)
    assert t.workshop_starts_at is not None and t.evaluation_closes_at is not None
    if starts_at <= now:
        raise ServiceError("la nouvelle date de l’atelier est déjà passée.")
    if starts_at <= t.evaluation_closes_at:
        raise ServiceError(
            "l’atelier présente le bilan : il doit suivre la clôture de l’évaluation finale, "
            f"le {date_fr(t.evaluation_closes_at)}."
        )
    moved_from = t.workshop_starts_at
    cohort.workshop_moved_to = starts_at
    if location:
        cohort.workshop_location = location.strip()[:300]
    cohort.workshop_sequence += 1
    session.execute(
        update(WorkshopInvitation)
        .where(WorkshopInvitation.cohort_id == cohort.id, WorkshopInvitation.rsvp == "no")
        .values(rsvp=None, rsvp_at=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    letters = _workshop_letters(session, settings, cohort, "session_moved", now, moved_from)
    report = FixReport(emails=enqueue(session, cohort, letters, now=now, settings=settings))
    audit.record(
        session,
        at=now,
        actor=actor,
        action="workshop.moved",
        entity="cohort",
        entity_id=cohort.id,
        cohort_id=cohort.id,
        sequence=cohort.workshop_sequence,
        invitees=len(letters),
    )
    return report


def cancel_workshop(
    session: Session, settings: Settings, cohort_id: int, *, reason: str, now: datetime, actor: str
) -> FixReport:
    """Cancel the recognition workshop: each invitee gets the cancellation; no invitation goes
    any more (the certificates still go at its planned end)."""
    cohort, _ = _workshop(session, cohort_id, now)
    cohort.workshop_cancelled_at = now
    cohort.workshop_sequence += 1
    session.flush()
    report = FixReport(
        withdrawn_emails=withdraw_pending(
            session, cohort.id, ["workshop"], "retiré : l’atelier est annulé"
        )
    )
    letters = _workshop_letters(session, settings, cohort, "session_cancelled", now)
    report.emails = enqueue(session, cohort, letters, now=now, settings=settings)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="workshop.cancelled",
        entity="cohort",
        entity_id=cohort.id,
        cohort_id=cohort.id,
        reason=reason.strip()[:1000],
        invitees=len(letters),
    )
    return report


def record_attendance(
    session: Session, session_id: int, present: dict[int, bool], *, now: datetime, actor: str
) -> int:
    """Who came to a session that took place (application id → came); returns how many
    rows were recorded."""
    meeting = session.get(SupervisionSession, session_id)
    if meeting is None:
        raise ServiceError(f"aucune séance n° {session_id}.")
    if meeting.cancelled_at is not None:
        raise ServiceError(f"la séance n° {session_id} a été annulée.")
    rows = {
        att.application_id: att
        for att in session.scalars(
            select(SupervisionAttendance).where(SupervisionAttendance.session_id == meeting.id)
        )
    }
    unknown = sorted(set(present) - set(rows))
    if unknown:
        raise ServiceError(
            "pas invité·e à cette séance : candidature "
            + ", ".join(f"n° {i}" for i in unknown)
            + "."
        )
    if meeting.starts_at > now:
        raise ServiceError(f"la séance n° {session_id} n’a pas encore eu lieu.")
    for application_id, came in present.items():
        rows[application_id].attended = came
    audit.record(
        session,
        at=now,
        actor=actor,
        action="supervision.attendance",
        entity="supervision_session",
        entity_id=meeting.id,
        cohort_id=meeting.cohort_id,
        present=sum(present.values()),
        absent=len(present) - sum(present.values()),
    )
    return len(present)


# --- Words -------------------------------------------------------------------------------


def _status_fr(pair: Pair) -> str:
    return {
        "proposed": "seulement proposé",
        "superseded": "remplacé par une autre proposition",
        "ended": "terminé",
    }.get(pair.status, pair.status)


def _application_status_fr(status: str) -> str:
    return {
        "matched": "déjà en binôme",
        "withdrawn": "retiré·e du programme",
        "submitted": "candidature pas encore examinée",
        "late": "candidature arrivée après la validation des binômes",
    }.get(status, status)


__all__ = [
    "FixReport",
    "cancel_session",
    "correct_address",
    "end_pair",
    "cancel_workshop",
    "move_session",
    "move_workshop",
    "normalise_email",
    "pool",
    "re_pair",
    "record_attendance",
    "session_title",
    "withdraw",
]
