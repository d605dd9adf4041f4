"""The sender against a real SMTP server on localhost: a crash between claim and send, a
server that goes away mid-batch, a 550 for one address, an address on the reserved `.invalid`
domain. Nothing twice, nothing lost."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from demo.population import BOUNCE_DOMAIN, Population
from demo.simulation import APPLY_AFTER, receive_applications, setup_cohort
from mentorat.db import session_factory, session_scope
from mentorat.delivery import TransientDeliveryError, claim, send_pending
from models import OutboxMessage, Person
from tasks import alerts as alerts_phase
from tasks import call
from tests.conftest import START
from tests.support import phases


def call_and_applications(settings, **options: Any) -> tuple[int, Population]:  # type: ignore[no-untyped-def]
    """A launched cohort whose call went to everyone on its list, then whose candidates
    applied (five days later) and were acknowledged: nothing sent yet. Each candidate has
    two emails in the outbox, the call and the acknowledgement."""
    applied_at = START + APPLY_AFTER
    cohort_id, pop = setup_cohort(
        settings, programme="jaae", pairs=10, opens_at=START, applications_at=applied_at, **options
    )
    phases.advance(settings, cohort_id, call, START)
    receive_applications(settings, cohort_id, pop, applied_at)
    phases.advance(settings, cohort_id, call, applied_at)
    return cohort_id, pop


@pytest.fixture
def queued(settings):  # type: ignore[no-untyped-def]
    """A launched cohort whose call and acknowledgements are in the outbox (42 emails)."""
    cohort_id, pop = call_and_applications(settings)
    with session_scope(settings.database_url) as session:
        total = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert total == 2 * len(pop.rows) + len(pop.outsiders) > 30
    return cohort_id, pop, total


def statuses(settings) -> Counter[str]:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return Counter(
            dict(
                session.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                ).all()
            )
        )


def delivered_ids(smtp) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.message()["Message-ID"] for r in smtp.messages]


def test_it_sends_every_queued_message_once(settings, smtp, queued):
    _, _, total = queued
    report = send_pending(session_factory(settings.database_url), settings)
    assert report.sent == total
    ids = delivered_ids(smtp)
    assert len(ids) == total == len(set(ids))
    assert statuses(settings) == Counter({"sent": total})
    # A second pass finds nothing to claim.
    assert send_pending(session_factory(settings.database_url), settings).sent == 0
    assert len(smtp.messages) == total


def test_a_sender_killed_between_claim_and_send_loses_nothing_and_sends_nothing_twice(
    settings, smtp, queued
):
    _, _, total = queued
    crash = (
        "import os, signal\n"
        "from mentorat.db import session_factory\n"
        "from mentorat.delivery import claim\n"
        "from mentorat.settings import get_settings\n"
        "s = get_settings()\n"
        "token, rows = claim(session_factory(s.database_url), limit=25, lease_seconds=2)\n"
        "assert len(rows) == 25\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    died = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True)
    assert died.returncode == -9, died.stderr
    assert statuses(settings)["sending"] == 25
    # While the dead sender's lease runs, another sender leaves its rows alone.
    send_pending(session_factory(settings.database_url), settings)
    assert len(smtp.messages) == total - 25
    time.sleep(2.2)
    send_pending(session_factory(settings.database_url), settings)
    ids = delivered_ids(smtp)
    assert len(ids) == total == len(set(ids))
    assert statuses(settings) == Counter({"sent": total})


def test_a_server_that_goes_away_mid_batch_gets_the_rest_when_it_is_back(settings, smtp, queued):
    _, _, total = queued
    handler = smtp.handler
    original = handler.handle_DATA
    accepted = 0

    async def flaky_data(server, session, envelope):  # type: ignore[no-untyped-def]
        nonlocal accepted
        if accepted >= 10:
            return "421 4.3.2 Service shutting down"
        accepted += 1
        return await original(server, session, envelope)

    handler.handle_DATA = flaky_data  # type: ignore[method-assign]
    maker = session_factory(settings.database_url)
    with pytest.raises(TransientDeliveryError):
        send_pending(maker, settings)
    assert len(smtp.messages) == 10
    # Nothing is left claimed: the retry takes the rest at once.
    assert statuses(settings) == Counter({"sent": 10, "pending": total - 10})
    handler.handle_DATA = original  # type: ignore[method-assign]
    send_pending(maker, settings)
    ids = delivered_ids(smtp)
    assert len(ids) == total == len(set(ids))


def test_a_550_marks_the_address_failing_and_the_others_still_go(settings, smtp, queued):
    _, pop, total = queued
    victim = next(r["email"] for r in pop.rows if r["role"] == "mentee")
    smtp.handler.reject.add(victim)
    report = send_pending(session_factory(settings.database_url), settings)
    with session_scope(settings.database_url) as session:
        person = session.scalar(select(Person).where(Person.email == victim))
        assert person is not None and person.email_status == "failing"
        mine = dict(
            session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.person_id == person.id)
                .group_by(OutboxMessage.status)
            ).all()
        )
    # The call bounced; the confirmation to that address was not even tried.
    assert mine == {"failed": 1, "cancelled": 1}
    assert report.bounced == 1
    assert victim not in {rcpt for r in smtp.messages for rcpt in r.recipients}
    assert len(smtp.messages) == total - 2


def test_an_address_on_a_reserved_invalid_domain_fails_as_a_550_without_being_sent(settings, smtp):
    # The sink refuses nothing: the sender itself refuses the .invalid address (RFC 6761),
    # so the bounce happens whatever relay is configured (the demo relies on it).
    cohort_id, pop = call_and_applications(settings, bounce_domain=BOUNCE_DOMAIN)
    (victim,) = pop.bounce
    assert victim.endswith(".invalid") and not smtp.handler.reject
    with session_scope(settings.database_url) as session:
        total = session.scalar(select(func.count()).select_from(OutboxMessage))
    report = send_pending(session_factory(settings.database_url), settings)
    with session_scope(settings.database_url) as session:
        person = session.scalar(select(Person).where(Person.email == victim))
        assert person is not None and person.email_status == "failing"
        assert person.email_error and "RFC 6761" in person.email_error
        mine = dict(
            session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.person_id == person.id)
                .group_by(OutboxMessage.status)
            ).all()
        )
    # As after a 550: the call failed, the confirmation was not even tried.
    assert mine == {"failed": 1, "cancelled": 1}
    assert report.bounced == 1 and report.sent == total - 2
    assert victim not in {rcpt for r in smtp.messages for rcpt in r.recipients}
    assert len(smtp.messages) == total - 2
    # …and the operator is told, as for any address in failure.
    phases.advance(settings, cohort_id, alerts_phase, START)
    send_pending(session_factory(settings.database_url), settings)
    alerts = [
        r.message() for r in smtp.messages if r.message()["X-Mentorat-Step"] == "alert_bounce"
    ]
    assert len(alerts) == 1 and alerts[0]["To"].addresses[0].addr_spec == "rh-mentorat@exemple.fr"
    assert victim in alerts[0].get_body(("plain",)).get_content()


@pytest.mark.usefixtures("prefect_harness")
def test_the_delivery_task_retries_until_a_stopped_server_is_back(
    settings, smtp, queued, monkeypatch
):
    from prefect import flow

    from mentorat.settings import get_settings
    from tasks.delivery import deliver_emails

    cohort_id, _, total = queued
    # Retries come from the settings: 1.5 s, then 3 s… (the server is back after 1 s).
    monkeypatch.setenv("MENTORAT_SEND_RETRY_DELAY_SECONDS", "1.5")
    monkeypatch.setenv("MENTORAT_SEND_RETRIES", "3")
    get_settings.cache_clear()
    smtp.stop()
    restarted = threading.Timer(1.0, smtp.start)
    restarted.start()

    @flow
    def deliver_now(cohort_id: int) -> dict:
        return deliver_emails(cohort_id)

    result = deliver_now(cohort_id)
    restarted.join()
    get_settings.cache_clear()
    assert result["sent"] == total
    ids = delivered_ids(smtp)
    assert len(ids) == total == len(set(ids))
    assert claim(session_factory(settings.database_url), limit=10, lease_seconds=1)[1] == []
