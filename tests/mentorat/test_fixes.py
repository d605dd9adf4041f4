"""Fixes after the approval (mentorat.services.fixes, `mentorat person|pair|session …`),
on a MIRHE cohort whose pairs are approved and whose first check-in month is open; every
email is read back from a real SMTP server."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage

import pytest
from icalendar import Calendar
from sqlalchemy import select
from typer.testing import CliRunner, Result

from mentorat.cli import app
from mentorat.db import session_scope
from mentorat.mail.dates import date_fr
from mentorat.services import ServiceError, fixes
from models import (
    Application,
    AuditEvent,
    CheckIn,
    OutboxMessage,
    Pair,
    Person,
    SupervisionAttendance,
    SupervisionSession,
)
from tasks import charter, checkins, matching, supervision, workshop
from tests.support import phases
from tests.support.cohorts import code_of
from tests.web.world import (
    World,
    build_world,
    deliver_pending,
    supervision_invitation,
    timeline,
    workshop_invitation,
)

runner = CliRunner()


def cli(*args: str, ok: bool = True) -> str:
    """Run a command as the operator does. In its own thread: once a browser test has run,
    this thread has an event loop, and the command's sending (asyncio.run) would refuse it."""
    done: list[Result] = []
    thread = threading.Thread(
        target=lambda: done.append(runner.invoke(app, list(args), env={"COLUMNS": "200"}))
    )
    thread.start()
    thread.join(120)
    (result,) = done
    assert (result.exit_code == 0) == ok, result.output
    assert "Traceback" not in result.output
    return result.output


def received(smtp, kind: str) -> list[EmailMessage]:  # type: ignore[no-untyped-def]
    return [r.message() for r in smtp.messages if r.message()["X-Mentorat-Kind"] == kind]


def to(message: EmailMessage) -> str:
    return str(message["To"]).split("<")[-1].rstrip(">").lower()


def pairs_of(world: World, status: str) -> list[int]:
    with session_scope(world.settings.database_url) as session:
        return list(
            session.scalars(
                select(Pair.id)
                .where(Pair.cohort_id == world.cohort_id, Pair.status == status)
                .order_by(Pair.id)
            )
        )


def members(world: World, pair_id: int) -> tuple[tuple[int, str], tuple[int, str]]:
    """((mentor application id, address), (mentee application id, address))."""
    with session_scope(world.settings.database_url) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        return (
            (pair.mentor_application_id, pair.mentor.person.email),
            (pair.mentee_application_id, pair.mentee.person.email),
        )


def outbox_statuses(world: World, address: str, step_prefix: str) -> Counter[str]:
    with session_scope(world.settings.database_url) as session:
        rows = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.cohort_id == world.cohort_id, OutboxMessage.to_addr == address
            )
        )
        return Counter(r.status for r in rows if r.step.startswith(step_prefix))


def audit(world: World, action: str) -> list[AuditEvent]:
    with session_scope(world.settings.database_url) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- withdrawal and end of a pair ---------------------------------------------------------


def test_a_withdrawn_mentor_ends_the_pair_tells_the_partner_and_gets_nothing_more(settings, smtp):
    world = build_world(settings)
    pair_id = pairs_of(world, "active")[0]
    (mentor_app, mentor_addr), (mentee_app, mentee_addr) = members(world, pair_id)
    # Month 1's requests are written and waiting (nothing delivered yet).
    assert outbox_statuses(world, mentor_addr, "checkin1") == Counter({"pending": 1})

    cli(
        "person", "withdraw", mentor_addr, "--cohort", code_of(world.cohort_id),
        "--reason", "mutation",
    )  # fmt: skip

    # What waited for the pair is withdrawn, for both; the partner and the mentor are told.
    assert outbox_statuses(world, mentor_addr, "checkin1") == Counter({"cancelled": 1})
    assert outbox_statuses(world, mentee_addr, "checkin1") == Counter({"cancelled": 1})
    ended = received(smtp, "pair_ended")
    assert [to(m) for m in ended] == [mentee_addr]
    text = ended[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "a quitté le programme" in text and "une ou un autre mentor" in text
    assert [to(m) for m in received(smtp, "participation_withdrawn")] == [mentor_addr]
    # No checkin request reached either of them.
    assert not [m for m in received(smtp, "checkin_request") if to(m) in (mentor_addr, mentee_addr)]
    with session_scope(settings.database_url) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None and pair.status == "ended" and pair.end_reason == "withdrawal"
        assert {a.id: a.status for a in (pair.mentor, pair.mentee)} == {
            mentor_app: "withdrawn",
            mentee_app: "unpaired",
        }
        assert set(session.scalars(select(CheckIn.status).where(CheckIn.pair_id == pair_id))) == {
            "ended"
        }
    [event] = audit(world, "application.withdrawn")
    assert event.actor == "operator:cli" and event.reason == "mutation"
    assert event.details["pairs_ended"] == 1

    # The month closes: nobody of the ended pair missed it, nobody is escalated, and the next
    # month asks the other pairs only.
    t = timeline(world)
    phases.advance(settings, world.cohort_id, checkins, t.checkins[1].due_at)
    deliver_pending(settings)
    asked = {to(m) for m in received(smtp, "checkin_request")}
    assert mentor_addr not in asked and mentee_addr not in asked and asked
    with session_scope(settings.database_url) as session:
        statuses = set(session.scalars(select(CheckIn.status).where(CheckIn.pair_id == pair_id)))
    assert statuses == {"ended"}
    assert not [m for m in received(smtp, "escalation") if mentee_addr in m.as_string()]

    # A second withdrawal is refused in French and changes nothing.
    out = cli(
        "person", "withdraw", mentor_addr, "--cohort", code_of(world.cohort_id),
        "--reason", "encore", ok=False,
    )  # fmt: skip
    assert "déjà retirée" in out
    assert len(audit(world, "application.withdrawn")) == 1


def test_an_ended_pair_is_re_paired_from_the_pool_and_the_new_pair_is_introduced(settings, smtp):
    world = build_world(settings)
    deliver_pending(settings)  # the introductions and month 1's requests went out
    first, second = pairs_of(world, "active")[:2]
    (mentor1, mentor1_addr), _ = members(world, first)
    _, (mentee2, mentee2_addr) = members(world, second)
    code = code_of(world.cohort_id)
    now = world.checkins_due_at + timedelta(days=1)
    with session_scope(settings.database_url) as session:
        with pytest.raises(ServiceError, match="n’est pas disponible"):
            fixes.re_pair(session, mentor1, mentee2, reason="x", now=now, actor="t")
        with pytest.raises(ServiceError, match="raison"):
            fixes.end_pair(session, settings, first, reason=" ", now=now, actor="t")
    cli("pair", "end", f"B-{first}", "--reason", "incompatibilité d’agenda")
    cli("pair", "end", str(second), "--reason", "départ en congé long")
    out = cli("pair", "end", f"B-{first}", "--reason", "deux fois", ok=False)
    assert "n’est pas en cours" in out
    assert len(received(smtp, "pair_ended")) == 4  # each member of each pair

    pool = cli("pair", "pool", "--cohort", code)
    assert f"n° {mentor1}\u00a0:" in pool and f"n° {mentee2}\u00a0:" in pool
    # The same two people again is refused: they formed a pair that ended.
    _, (mentee1, _) = members(world, first)
    out = cli(
        "pair", "new", "--cohort", code, "--mentor", str(mentor1), "--mentee", str(mentee1),
        "--reason", "retour", "--no-run", ok=False,
    )  # fmt: skip
    assert f"B-{first}" in out and "a pris fin" in out

    # (Through the service: the command runs on the wall clock, and this cohort lives in
    # 2027; the command's refusals are checked above.)
    with session_scope(settings.database_url) as session:
        new = fixes.re_pair(
            session, mentor1, mentee2, reason="nouveau binôme", now=now, actor="operator:id-2"
        ).id
    assert pairs_of(world, "approved")[-1] == new
    with session_scope(settings.database_url) as session:
        pair = session.get(Pair, new)
        assert pair is not None and pair.pinned and pair.explanation
        assert {pair.mentor.status, pair.mentee.status} == {"matched"}
    # The cohort's next run introduces the new pair and asks both to sign its charter.
    for phase in (matching, charter):
        phases.advance(settings, world.cohort_id, phase, now + timedelta(hours=1))
    deliver_pending(settings)
    introduced = [
        m for m in received(smtp, "pair_introduction") if to(m) in (mentor1_addr, mentee2_addr)
    ]
    # Each got the introduction of their first pair at the approval, and one now.
    assert Counter(to(m) for m in introduced) == Counter({mentor1_addr: 2, mentee2_addr: 2})
    asked = [m for m in received(smtp, "charter_request") if to(m) in (mentor1_addr, mentee2_addr)]
    # (and the request of the first pair, signed since)
    assert Counter(to(m) for m in asked) == Counter({mentor1_addr: 2, mentee2_addr: 2})
    # The cohort's charter deadline is past, but the new pair has its own: no escalation,
    # and its request gives a date charter_days after its start.
    t = timeline(world)
    assert t.charter_deadline is not None and now > t.charter_deadline
    with session_scope(settings.database_url) as session:
        escalated = session.scalars(
            select(OutboxMessage.key).where(OutboxMessage.step == "charter_escalation")
        ).all()
    assert not [k for k in escalated if k.endswith(f":{new}")]
    latest = max(asked, key=lambda m: m["Date"].datetime)
    text = latest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert date_fr(t.charter_deadline + (now - t.approved_at)) in text
    assert date_fr(t.charter_deadline) not in text
    [event] = audit(world, "pair.re_paired")
    assert event.details == {"mentor_application_id": mentor1, "mentee_application_id": mentee2}


# --- addresses ----------------------------------------------------------------------------


def test_a_bounced_address_corrected_sends_what_waited_and_what_the_bounce_stopped(settings, smtp):
    world = build_world(settings)
    pair_id = pairs_of(world, "active")[0]
    _, (_, mentee_addr) = members(world, pair_id)
    smtp.handler.reject.add(mentee_addr)
    deliver_pending(settings)  # month 1's request bounces: the address is failing
    with session_scope(settings.database_url) as session:
        person = session.scalar(select(Person).where(Person.email == mentee_addr))
        assert person is not None and person.email_status == "failing"
        person_id = person.id
    before = outbox_statuses(world, mentee_addr, "")
    # The first message bounced; the bounce stopped every later one (none reached her).
    assert before["failed"] == 1 and before["cancelled"] >= 1 and not before["sent"]
    with session_scope(settings.database_url) as session:
        stopped = {
            (row.step, row.message_id)
            for row in session.scalars(
                select(OutboxMessage).where(OutboxMessage.to_addr == mentee_addr)
            )
        }

    out = cli("person", "address", mentee_addr, "pas-une-adresse", ok=False)
    assert "n’est pas une adresse électronique valide" in out
    other = members(world, pairs_of(world, "active")[1])[0][1]
    out = cli("person", "address", mentee_addr, other, ok=False)
    assert "déjà celle de la personne" in out

    cli("person", "address", mentee_addr, "Alice.Nouvelle@Exemple.fr")
    deliver_pending(settings)
    with session_scope(settings.database_url) as session:
        person = session.get(Person, person_id)
        assert person is not None
        assert (person.email, person.email_status) == ("alice.nouvelle@exemple.fr", "ok")
    got = [r for r in smtp.messages if r.recipients == ["alice.nouvelle@exemple.fr"]]
    # What bounced and what the bounce stopped went again, to the new address, each once
    # and with its original Message-ID (month 1's request among them).
    again = [(r.message()["X-Mentorat-Step"], r.message()["Message-ID"]) for r in got]
    assert sorted(again) == sorted(stopped) and ("checkin1" in dict(again))
    [event] = audit(world, "person.address_corrected")
    assert event.details["requeued"] >= 1
    assert mentee_addr not in str(event.details)


# --- supervision sessions -----------------------------------------------------------------


def calendar_of(message: EmailMessage) -> tuple[Calendar, str]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content()), str(part.get_param("method"))


def test_a_moved_then_cancelled_session_updates_every_invitees_calendar(settings, smtp):
    world = build_world(settings)
    attendance_id, _, invite_at = supervision_invitation(world)
    deliver_pending(settings)
    with session_scope(settings.database_url) as session:
        att = session.get(SupervisionAttendance, attendance_id)
        assert att is not None
        meeting = session.get(SupervisionSession, att.session_id)
        assert meeting is not None
        session_id, starts = meeting.id, meeting.starts_at
        invitees = len(
            list(
                session.scalars(
                    select(SupervisionAttendance).where(
                        SupervisionAttendance.session_id == session_id
                    )
                )
            )
        )
    invitations = {to(m): calendar_of(m)[0] for m in received(smtp, "supervision_invitation")}
    assert len(invitations) == invitees

    now = invite_at + timedelta(hours=1)
    new_start = starts + timedelta(days=7)
    with session_scope(settings.database_url) as session:
        report = fixes.move_session(
            session, settings, session_id, starts_at=new_start, location="Salle Colbert",
            now=now, actor="operator:id-1",
        )  # fmt: skip
        assert report.emails == invitees
    deliver_pending(settings)
    moved = received(smtp, "session_moved")
    assert len(moved) == invitees
    for message in moved:
        calendar, method = calendar_of(message)
        event = calendar.walk("VEVENT")[0]
        original = invitations[to(message)].walk("VEVENT")[0]
        assert str(event["UID"]) == str(original["UID"])
        assert (int(event["SEQUENCE"]), int(original["SEQUENCE"])) == (1, 0)
        assert method == "REQUEST" and str(calendar["METHOD"]) == "REQUEST"
        assert event.decoded("DTSTART") == new_start
        assert str(event["LOCATION"]) == "Salle Colbert"
        assert "Salle Colbert" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    # The reminder follows the new date, with the new revision.
    reminder_at = new_start - timedelta(days=2)
    phases.advance(settings, world.cohort_id, supervision, starts - timedelta(days=1))
    deliver_pending(settings)
    assert received(smtp, "supervision_reminder") == []
    phases.advance(settings, world.cohort_id, supervision, reminder_at + timedelta(hours=1))
    deliver_pending(settings)
    reminders = received(smtp, "supervision_reminder")
    assert reminders and all(
        int(calendar_of(m)[0].walk("VEVENT")[0]["SEQUENCE"]) == 1 for m in reminders
    )

    out = cli("session", "cancel", str(session_id), "--reason", "salle indisponible")
    assert "Séance" in out and "annulée" in out
    cancelled = received(smtp, "session_cancelled")
    assert len(cancelled) == invitees
    for message in cancelled:
        calendar, method = calendar_of(message)
        event = calendar.walk("VEVENT")[0]
        assert method == "CANCEL" and str(calendar["METHOD"]) == "CANCEL"
        assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == str(invitations[to(message)].walk("VEVENT")[0]["UID"])
    # Cancelled: nothing more is sent for it, and it cannot be moved.
    count = len(smtp.messages)
    phases.advance(settings, world.cohort_id, supervision, new_start - timedelta(hours=1))
    deliver_pending(settings)
    assert len(smtp.messages) == count
    out = cli("session", "move", str(session_id), "--at", "01/01/2035 14:00", ok=False)
    assert "est annulée" in out
    assert [e.details["sequence"] for e in audit(world, "supervision.moved")] == [1]


def test_attendance_is_recorded_for_a_session_that_took_place(settings, smtp):
    world = build_world(settings)
    attendance_id, _, _ = supervision_invitation(world)
    with session_scope(settings.database_url) as session:
        att = session.get(SupervisionAttendance, attendance_id)
        assert att is not None
        meeting = session.get(SupervisionSession, att.session_id)
        assert meeting is not None
        session_id, ends = meeting.id, meeting.ends_at
        rows = list(
            session.scalars(
                select(SupervisionAttendance).where(SupervisionAttendance.session_id == session_id)
            )
        )
        apps = [session.get(Application, r.application_id) for r in rows]
        came, missed = apps[0], apps[1:]
        assert came is not None and all(missed)
        came_addr = came.person.email
        missed_ids = ",".join(str(a.id) for a in missed if a)
        outsider = session.scalar(
            select(Application.id).where(
                Application.cohort_id == world.cohort_id,
                Application.id.not_in([r.application_id for r in rows]),
            )
        )
        # Before it took place: refused.
        with pytest.raises(ServiceError, match="pas encore eu lieu"):
            fixes.record_attendance(
                session, session_id, {came.id: True}, now=ends - timedelta(days=3), actor="t"
            )
    out = cli(
        "session", "attendance", str(session_id), "--present", f"{came_addr},{outsider}", ok=False
    )
    assert "pas invité·e" in out
    # (The command runs on the wall clock: in 2026 the session, in 2027, is still to come.)
    with session_scope(settings.database_url) as session:
        fixes.record_attendance(
            session,
            session_id,
            {came.id: True, **{int(i): False for i in missed_ids.split(",")}},
            now=ends + timedelta(hours=1),
            actor="operator:id-3",
        )
    with session_scope(settings.database_url) as session:
        marks = dict(
            session.execute(
                select(SupervisionAttendance.application_id, SupervisionAttendance.attended).where(
                    SupervisionAttendance.session_id == session_id
                )
            ).all()
        )
    assert marks[came.id] is True and sum(v is False for v in marks.values()) == len(missed)
    [event] = audit(world, "supervision.attendance")
    assert (event.actor, event.details) == ("operator:id-3", {"present": 1, "absent": len(missed)})


# --- the recognition workshop ------------------------------------------------------------


def test_a_moved_then_cancelled_workshop_updates_the_invitations_and_still_certifies(
    settings, smtp
):
    world = build_world(settings)
    _, _, at = workshop_invitation(world)
    deliver_pending(settings)
    invitations = {to(m): calendar_of(m)[0] for m in received(smtp, "workshop_invitation")}
    assert invitations
    t = timeline(world)
    assert t.workshop_starts_at and t.workshop_ends_at and t.evaluation_closes_at
    old_start, old_end = t.workshop_starts_at, t.workshop_ends_at
    now = at + timedelta(hours=1)
    with session_scope(settings.database_url) as session:
        # (Asked ten days before the evaluation closes:) the workshop presents the bilan.
        with pytest.raises(ServiceError, match="doit suivre la clôture"):
            fixes.move_workshop(
                session, settings, world.cohort_id, starts_at=t.evaluation_closes_at,
                location=None, now=t.evaluation_closes_at - timedelta(days=10),
                actor="operator:id-1",
            )  # fmt: skip
        with pytest.raises(ServiceError, match="déjà passée"):
            fixes.move_workshop(
                session, settings, world.cohort_id, starts_at=at, location=None, now=now,
                actor="operator:id-1",
            )  # fmt: skip
        new_start = old_start + timedelta(days=14)
        report = fixes.move_workshop(
            session, settings, world.cohort_id, starts_at=new_start, location="Salle Colbert",
            now=now, actor="operator:id-1",
        )  # fmt: skip
    assert report.emails == len(invitations)
    deliver_pending(settings)
    for message in received(smtp, "session_moved"):
        calendar, method = calendar_of(message)
        event = calendar.walk("VEVENT")[0]
        original = invitations[to(message)].walk("VEVENT")[0]
        assert str(event["UID"]) == str(original["UID"]) and str(event["UID"]).startswith(
            "workshop-"
        )
        assert (int(original["SEQUENCE"]), int(event["SEQUENCE"]), method) == (0, 1, "REQUEST")
        assert event.decoded("DTSTART") == new_start
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "change de date" in text and "Salle Colbert" in text
    assert len(received(smtp, "session_moved")) == len(invitations)
    assert timeline(world).workshop_starts_at == new_start

    # The certificates follow the workshop: none at its old end, all at its new one.
    phases.advance(settings, world.cohort_id, workshop, old_end + timedelta(hours=1))
    deliver_pending(settings)
    assert received(smtp, "certificate") == []

    out = cli("workshop", "cancel", "--cohort", code_of(world.cohort_id), "--reason", "grève")
    assert "Atelier annulé" in out
    cancelled = received(smtp, "session_cancelled")
    assert len(cancelled) == len(invitations)
    for message in cancelled:
        calendar, method = calendar_of(message)
        assert method == "CANCEL" and int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 2
    out = cli(
        "workshop", "move", "--cohort", code_of(world.cohort_id), "--at", "01/01/2035 14:00",
        ok=False,
    )  # fmt: skip
    assert "est annulé" in out
    new_end = new_start + (old_end - old_start)
    phases.advance(settings, world.cohort_id, workshop, new_end + timedelta(hours=1))
    deliver_pending(settings)
    assert received(smtp, "certificate")
    assert len(received(smtp, "workshop_invitation")) == len(invitations)  # none again
