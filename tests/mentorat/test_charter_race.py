"""Both members of a pair signing the charter at the same instant start the pair: the pair's
row lock orders the two signatures (without it each counted one, and the pair never
started: found by the real-time test, whose participants answer in parallel)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.services import answers, cohorts, pairing
from models import Application, Cohort, Pair
from tasks import call, charter, matching
from tests.conftest import START
from tests.support import phases


def test_two_members_signing_at_once_start_their_pair(settings):
    cohort_id, _ = setup_cohort(settings, programme="mirhe", pairs=8, opens_at=START)
    phases.advance(settings, cohort_id, call, START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        closes = cohorts.timeline_of(cohort).call_closes_at
    phases.advance(settings, cohort_id, matching, closes)
    approved = closes + timedelta(hours=1)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        pairing.approve(session, cohort, now=approved, actor="operator:test")
    for phase in (matching, charter):
        phases.advance(settings, cohort_id, phase, approved)
    with session_scope(settings.database_url) as session:
        members = [
            (pair.id, app.id, app.person.last_name)
            for pair in session.scalars(select(Pair).where(Pair.cohort_id == cohort_id))
            for app in (pair.mentor, pair.mentee)
        ]
    assert len(members) >= 12
    pairs = {pair_id for pair_id, _, _ in members}
    errors: list[BaseException] = []

    def sign(pair_id: int, application_id: int, name: str, ready: threading.Barrier) -> None:
        try:
            with session_scope(settings.database_url) as session:
                session.get(Application, application_id)  # the transaction has begun
                ready.wait(10)
                answers.sign_pair_charter(
                    session,
                    pair_id,
                    application_id,
                    signed_name=name,
                    channel="web",
                    now=approved + timedelta(days=1),
                )
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    for pair_id in sorted(pairs):
        ready = threading.Barrier(2)
        threads = [
            threading.Thread(target=sign, args=(p, a, n, ready))
            for p, a, n in members
            if p == pair_id
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert errors == []
    with session_scope(settings.database_url) as session:
        statuses = set(session.scalars(select(Pair.status).where(Pair.cohort_id == cohort_id)))
    assert statuses == {"active"}
