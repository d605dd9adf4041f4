"""A mentor with two pairs, both active, at their second month of check-ins, with answers:
the case where « Mes informations » used to show each month twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.services import answers
from models import CheckIn, Pair
from tasks import checkins
from tests.support import phases
from tests.web.world import World, timeline


@dataclass
class TwoPairs:
    mentor_person_id: int
    pair_ids: list[int]
    partner_names: list[str]
    answered_at: datetime  # the mentor's answer to month 1 of the first active pair
    now: datetime  # inside month 2


def mentor_with_two_pairs(world: World) -> TwoPairs:
    """Sign the world's unsigned pair (its mentor has a second, active pair), have the mentor
    answer month 1 of the other pair (met twice, « mixte », 4 out of 5), then open month 2."""
    (mentor_app, mentor_person, *_), (mentee_app, *_) = world.pair_members(world.unsigned_pair_id)
    with session_scope(world.settings.database_url) as session:
        for app_id in (mentor_app, mentee_app):
            answers.sign_pair_charter(
                session,
                world.unsigned_pair_id,
                app_id,
                signed_name="Signature",
                channel="web",
                now=world.checkins_due_at - timedelta(days=1),
            )
        pairs = list(
            session.scalars(
                select(Pair)
                .where(Pair.mentor_application_id == mentor_app, Pair.status == "active")
                .order_by(Pair.id)
            )
        )
        assert len(pairs) == 2, "the world's first mentor must have two pairs"
        pair_ids = [p.id for p in pairs]
        names = [f"{p.mentee.person.first_name} {p.mentee.person.last_name}" for p in pairs]
    answered_at = world.checkins_due_at.replace(hour=13, minute=5) + timedelta(days=1)
    other = [pid for pid in pair_ids if pid != world.unsigned_pair_id][0]
    with session_scope(world.settings.database_url) as session:
        row = session.scalar(
            select(CheckIn).where(
                CheckIn.pair_id == other,
                CheckIn.application_id == mentor_app,
                CheckIn.month == 1,
            )
        )
        assert row is not None
        answers.record_checkin(
            session,
            row.id,
            met=True,
            meetings=2,
            format="hybrid",
            mood=4,
            channel="web",
            now=answered_at,
        )
    month2 = timeline(world).checkins[1]
    phases.advance(world.settings, world.cohort_id, checkins, month2.due_at)
    return TwoPairs(mentor_person, pair_ids, names, answered_at, month2.due_at + timedelta(days=1))
