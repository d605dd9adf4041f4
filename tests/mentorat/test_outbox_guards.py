"""The outbox's "skip what is done" guards (count_keys, existing_keys) find what a step of a
cohort has written, on SQLite and on a PostgreSQL database with an ICU French collation,
where a range on the key prefix ("c1:call:" <= key < "c1:call:~") matches nothing."""

from __future__ import annotations

from sqlalchemy import func, select, text

from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.outbox import count_keys, existing_keys, letter_key
from models import Application, CallRecipient, OutboxMessage
from tasks import call
from tests.conftest import START
from tests.support import phases


def test_the_guards_find_what_a_step_wrote_and_nothing_else(settings):  # type: ignore[no-untyped-def]
    url = settings.database_url
    if url.startswith("postgresql"):
        with session_scope(url) as session:
            provider, icu_locale = session.execute(
                text(
                    "SELECT datlocprovider, daticulocale FROM pg_database"
                    " WHERE datname = current_database()"
                )
            ).one()
            assert (provider, icu_locale) == ("i", "fr-FR")
            # Where a prefix range on the key finds nothing (what the guards used to do).
            assert not session.scalar(
                text("SELECT CAST(:key AS text) >= :low AND CAST(:key AS text) < :high"),
                {"key": "c1:call:p1:1", "low": "c1:call:", "high": "c1:call:~"},
            )

    first, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START, code="A")
    other, _ = setup_cohort(
        settings, programme="jaae", pairs=2, opens_at=START, code="B", domain="autre.exemple.fr"
    )
    for cohort_id in (first, other):
        phases.advance(settings, cohort_id, call, START)

    with session_scope(url) as session:
        # A cohort-less message of the same step (its key says "c0").
        session.add(
            OutboxMessage(
                key="c0:call:op:1",
                cohort_id=None,
                kind="call",
                step="call",
                to_addr="rh-mentorat@exemple.fr",
                subject="s",
                body_text="t",
                body_html="h",
                message_id="<c0-call-op-1@exemple.fr>",
                status="pending",
                attempts=0,
                created_at=START,
            )
        )

    with session_scope(url) as session:
        for cohort_id in (first, other):
            recipients = set(
                session.scalars(
                    select(CallRecipient.person_id).where(CallRecipient.cohort_id == cohort_id)
                )
            )
            applications = session.execute(
                select(Application.id, Application.person_id).where(
                    Application.cohort_id == cohort_id
                )
            ).all()
            assert recipients and applications

            # The call goes to the recipients who have not applied (the others were imported
            # before it went out, and get only the acknowledgement).
            applied = {p for _, p in applications}
            assert recipients - applied
            calls = {letter_key(cohort_id, "call", f"p{p}", 1) for p in recipients - applied}
            assert count_keys(session, cohort_id, "call") == len(calls)
            assert existing_keys(session, cohort_id, "call") == calls

            received = {letter_key(cohort_id, "application", f"p{p}", a) for a, p in applications}
            assert count_keys(session, cohort_id, "application") == len(received)
            assert existing_keys(session, cohort_id, "application") == received

            # A step not written yet.
            assert count_keys(session, cohort_id, "call_reminder") == 0
            assert existing_keys(session, cohort_id, "call_reminder") == set()

        assert existing_keys(session, first, "call").isdisjoint(
            existing_keys(session, other, "call")
        )
        assert count_keys(session, first, "call") != count_keys(session, other, "call")
        assert existing_keys(session, 0, "call") == {"c0:call:op:1"}
        total = session.scalar(select(func.count()).select_from(OutboxMessage))

    # The same letters again: nothing new.
    assert phases.advance(settings, first, call, START) == {}
    with session_scope(url) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == total
