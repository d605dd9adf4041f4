"""An answer wakes the cohort flow: a Prefect event, emitted only once the answer is stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from prefect.events.clients import AssertingEventsClient
from prefect.events.worker import EventsWorker
from sqlalchemy import select

from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.events import ANSWER_EVENT, wake_slot
from mentorat.installation import installation_id
from mentorat.services import answers, pairing
from mentorat.settings import get_settings
from models import Cohort, Pair
from tasks import matching
from tests.conftest import START
from tests.support import phases


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.setenv("MENTORAT_EMIT_EVENTS", "true")
    get_settings.cache_clear()  # settings are read once per process
    AssertingEventsClient.reset()
    worker = EventsWorker.instance(AssertingEventsClient)
    monkeypatch.setattr(EventsWorker, "instance", lambda *_: worker)
    # A configured server (never reached: the asserting client records the events).
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        yield worker
        worker.drain()
    get_settings.cache_clear()


def emitted_events() -> list[Any]:
    """What the asserting events client received."""
    return [e for client in AssertingEventsClient.all for e in getattr(client, "events", [])]


def test_without_a_prefect_server_configured_nothing_is_emitted(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from mentorat.events import enabled

    monkeypatch.setenv("MENTORAT_EMIT_EVENTS", "true")
    get_settings.cache_clear()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert enabled()
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        assert not enabled()
    monkeypatch.setenv("MENTORAT_EMIT_EVENTS", "false")
    get_settings.cache_clear()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert not enabled()
    get_settings.cache_clear()


def approved_pair(settings) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=4, opens_at=START)
    closes = START + timedelta(days=21)
    phases.advance(settings, cohort_id, matching, closes)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        pairing.approve(session, cohort, now=closes, actor="operator:test")
        pair = session.scalar(select(Pair).where(Pair.cohort_id == cohort_id).order_by(Pair.id))
        return cohort_id, pair.mentor_application_id


def test_a_signature_emits_one_event_with_ids_only_after_commit(settings, events):
    cohort_id, mentor = approved_pair(settings)
    with session_scope(settings.database_url) as session:
        answers.sign_charter(
            session,
            mentor,
            signed_name="Alice Martin",
            channel="web",
            now=START + timedelta(days=22),
        )
        # Not yet: the event waits for the commit.
        # The first signature of the pair needs no action soon: an event, no wake.
        assert session.info["mentorat.pending_events"] == {(cohort_id, "charter"): False}
        assert not emitted_events()
    events.drain()
    emitted = emitted_events()
    assert [e.event for e in emitted] == [ANSWER_EVENT]
    with session_scope(settings.database_url) as session:
        installation = installation_id(session)
    # The resource names this database: two installations on one server never cross.
    assert emitted[0].resource.id == f"mentorat.{installation}.cohort.{cohort_id}"
    assert emitted[0].payload == {"cohort_id": cohort_id, "kind": "charter", "urgent": False}
    assert "Martin" not in emitted[0].model_dump_json()


def test_a_rolled_back_answer_emits_nothing(settings, events):
    _, mentor = approved_pair(settings)
    with pytest.raises(RuntimeError), session_scope(settings.database_url) as session:
        answers.sign_charter(
            session,
            mentor,
            signed_name="Alice Martin",
            channel="web",
            now=START + timedelta(days=22),
        )
        raise RuntimeError("the request failed after the answer")
    events.drain()
    assert not emitted_events()


def test_urgent_answers_within_a_gap_share_one_wake():
    gap, window = timedelta(hours=24), timedelta(minutes=2)
    first_slot, first_at = wake_slot(START, gap, window)
    later_slot, _ = wake_slot(START + timedelta(hours=3), gap, window)
    next_day_slot, _ = wake_slot(START + timedelta(hours=25), gap, window)
    assert first_at == START + window
    assert later_slot == first_slot  # one run for both: same idempotency key
    assert next_day_slot != first_slot


def test_an_answer_inside_a_savepoint_waits_for_the_outer_commit(settings, events):
    """The reply channel records an answer inside a SAVEPOINT: releasing it commits nothing,
    so nothing may reach Prefect before the outer transaction commits."""
    cohort_id, mentor = approved_pair(settings)
    with session_scope(settings.database_url) as session:
        with session.begin_nested():
            answers.sign_charter(
                session,
                mentor,
                signed_name="Alice Martin",
                channel="email",
                now=START + timedelta(days=22),
            )
        # Still waiting: releasing the SAVEPOINT emitted nothing.
        assert session.info["mentorat.pending_events"] == {(cohort_id, "charter"): False}
    events.drain()
    emitted = emitted_events()
    assert [e.event for e in emitted] == [ANSWER_EVENT]
