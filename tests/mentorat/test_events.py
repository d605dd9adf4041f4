"""An answer wakes the cohort flow: a Prefect event, emitted only once the answer is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prefect.events.clients import AssertingEventsClient
from prefect.events.worker import EventsWorker
from sqlalchemy import select

from mentorat import pairing, services
from mentorat.db import session_scope
from mentorat.events import ANSWER_EVENT
from mentorat.lifecycle import runner
from mentorat.simulation import setup_cohort
from models import Cohort, Pair
from tests.conftest import START


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.setenv("MENTORAT_EMIT_EVENTS", "true")
    AssertingEventsClient.reset()
    worker = EventsWorker.instance(AssertingEventsClient)
    monkeypatch.setattr(EventsWorker, "instance", lambda *_: worker)
    # A configured server (never reached: the asserting client records the events).
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        yield worker
        worker.drain()


def test_without_a_prefect_server_configured_nothing_is_emitted(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from mentorat.events import enabled

    monkeypatch.setenv("MENTORAT_EMIT_EVENTS", "true")
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert enabled()
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        assert not enabled()
    monkeypatch.setenv("MENTORAT_EMIT_EVENTS", "false")
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert not enabled()


def approved_pair(settings) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=4, opens_at=START)
    closes = START + timedelta(days=21)
    runner.advance(settings, cohort_id, "matching", closes)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        pairing.approve(session, cohort, now=closes, actor="operator:test")
        pair = session.scalar(select(Pair).where(Pair.cohort_id == cohort_id).order_by(Pair.id))
        return cohort_id, pair.mentor_application_id


def test_a_signature_emits_one_event_with_ids_only_after_commit(settings, events):
    cohort_id, mentor = approved_pair(settings)
    with session_scope(settings.database_url) as session:
        services.sign_charter(
            session,
            mentor,
            signed_name="Alice Martin",
            channel="web",
            now=START + timedelta(days=22),
        )
        # Not yet: the event waits for the commit.
        assert session.info["mentorat.pending_events"] == {(cohort_id, "charter")}
        assert not [
            e for client in AssertingEventsClient.all for e in getattr(client, "events", [])
        ]
    events.drain()
    emitted = [e for client in AssertingEventsClient.all for e in getattr(client, "events", [])]
    assert [e.event for e in emitted] == [ANSWER_EVENT]
    assert emitted[0].resource.id == f"mentorat.cohort.{cohort_id}"
    assert emitted[0].payload == {"cohort_id": cohort_id, "kind": "charter"}
    assert "Martin" not in emitted[0].model_dump_json()


def test_a_rolled_back_answer_emits_nothing(settings, events):
    _, mentor = approved_pair(settings)
    with pytest.raises(RuntimeError), session_scope(settings.database_url) as session:
        services.sign_charter(
            session,
            mentor,
            signed_name="Alice Martin",
            channel="web",
            now=START + timedelta(days=22),
        )
        raise RuntimeError("the request failed after the answer")
    events.drain()
    assert not [e for client in AssertingEventsClient.all for e in getattr(client, "events", [])]
