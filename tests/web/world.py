"""A cohort brought to the stage a test needs, through the real lifecycle and services:
pairs approved, all charters signed but one, the first month's check-ins open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from demo.simulation import setup_cohort
from mentorat import links
from mentorat.db import session_scope
from mentorat.services import answers, cohorts, pairing
from mentorat.settings import Settings
from models import Application, CheckIn, Cohort, Pair
from tasks import call, charter, checkins, matching, supervision, workshop
from tests.conftest import START
from tests.support import phases


@dataclass
class World:
    settings: Settings
    cohort_id: int
    unsigned_pair_id: int
    approved_at: datetime
    checkins_due_at: datetime
    checkins_close_at: datetime

    def url(self, person_id: int, purpose: str, occurrence: int, answer: str | None = None) -> str:
        """The path of a participant's link, as the email carries it (without the host)."""
        full = links.make_url("", self.settings.secret_key, person_id, purpose, occurrence, answer)
        return full

    def checkin(self, index: int = 0) -> tuple[int, int, str]:
        """(check-in id, person id, first name) of one open check-in of month 1."""
        with session_scope(self.settings.database_url) as session:
            rows = list(
                session.execute(
                    select(CheckIn.id, Application.person_id)
                    .join(Application, Application.id == CheckIn.application_id)
                    .where(CheckIn.cohort_id == self.cohort_id, CheckIn.month == 1)
                    .order_by(CheckIn.id)
                )
            )
            row_id, person_id = rows[index]
            app = session.scalar(select(Application).where(Application.person_id == person_id))
            assert app is not None
            return row_id, person_id, app.person.first_name

    def pair_members(self, pair_id: int) -> list[tuple[int, int, str, str]]:
        """(application id, person id, first name, last name) of the mentor then the mentee."""
        with session_scope(self.settings.database_url) as session:
            pair = session.get(Pair, pair_id)
            assert pair is not None
            return [
                (a.id, a.person_id, a.person.first_name, a.person.last_name)
                for a in (pair.mentor, pair.mentee)
            ]


def build_world(settings: Settings, pairs: int = 5) -> World:
    cohort_id, _ = setup_cohort(settings, programme="mirhe", pairs=pairs, opens_at=START)
    phases.advance(settings, cohort_id, call, START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        closes = cohorts.timeline_of(cohort).call_closes_at
    phases.advance(settings, cohort_id, matching, closes)
    approved_at = closes + timedelta(hours=2)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        pairing.approve(
            session, cohort, now=approved_at, actor="operator:test", reason="proposition relue"
        )
    for phase in (matching, charter):
        phases.advance(settings, cohort_id, phase, approved_at)
    with session_scope(settings.database_url) as session:
        ids = list(
            session.scalars(
                select(Pair.id)
                .where(Pair.cohort_id == cohort_id, Pair.status == "approved")
                .order_by(Pair.id)
            )
        )
        assert len(ids) >= 2
        for pair_id in ids[1:]:
            pair = session.get(Pair, pair_id)
            assert pair is not None
            for app in (pair.mentor, pair.mentee):
                answers.sign_pair_charter(
                    session,
                    pair_id,
                    app.id,
                    signed_name=app.person.last_name,
                    channel="demo",
                    now=approved_at + timedelta(days=1),
                )
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        t = cohorts.timeline_of(cohort)
    month = t.checkins[0]
    phases.advance(settings, cohort_id, checkins, month.due_at)
    return World(settings, cohort_id, ids[0], approved_at, month.due_at, month.closes_at)


def timeline(world: World):  # type: ignore[no-untyped-def]
    with session_scope(world.settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        return cohorts.timeline_of(cohort)


def supervision_invitation(world: World) -> tuple[int, int, datetime]:
    """Run the supervision phase when the first session's invitations go out:
    (attendance id, mentor's person id, when the invitations went out)."""
    from models import SupervisionAttendance

    invite_at = timeline(world).sessions[0].invite_at
    phases.advance(world.settings, world.cohort_id, supervision, invite_at)
    with session_scope(world.settings.database_url) as session:
        att = session.scalars(
            select(SupervisionAttendance).order_by(SupervisionAttendance.id)
        ).first()
        assert att is not None
        app = session.get(Application, att.application_id)
        assert app is not None
        return att.id, app.person_id, invite_at


def workshop_invitation(world: World) -> tuple[int, int, datetime]:
    """Run the workshop phase when the invitations go out: (invitation id, person id, when)."""
    from models import WorkshopInvitation

    at = timeline(world).evaluation_closes_at
    phases.advance(world.settings, world.cohort_id, workshop, at)
    with session_scope(world.settings.database_url) as session:
        inv = session.scalars(select(WorkshopInvitation).order_by(WorkshopInvitation.id)).first()
        assert inv is not None
        app = session.get(Application, inv.application_id)
        assert app is not None
        return inv.id, app.person_id, at


def active_member(world: World, role: str) -> tuple[int, int]:
    """(application id, person id) of a member of an active pair."""
    with session_scope(world.settings.database_url) as session:
        pair = session.scalars(
            select(Pair)
            .where(Pair.cohort_id == world.cohort_id, Pair.status == "active")
            .order_by(Pair.id)
        ).first()
        assert pair is not None
        app = pair.mentor if role == "mentor" else pair.mentee
        return app.id, app.person_id


def deliver_pending(settings: Settings) -> None:
    """Send the outbox to the SMTP sink. In its own thread: once Playwright's sync API has
    started (one browser per session), the main thread has a running event loop, and the
    sender's asyncio.run() refuses to start inside it."""
    import threading

    from mentorat.db import session_factory
    from mentorat.delivery import send_pending

    errors: list[BaseException] = []

    def send() -> None:
        try:
            send_pending(session_factory(settings.database_url), settings)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]
