"""Erasure carried out (`mentorat person erase`): nothing of the person is left in any table,
nor in the SQLite file's bytes; the counts stay; a second erasure changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, func, select
from typer.testing import CliRunner

from demo import simulation
from mentorat import db
from mentorat.cli import app
from mentorat.db import session_scope
from mentorat.services import answers, audit, erasure, inbound_log, notices, personal_data
from models import (
    Application,
    AuditEvent,
    CheckIn,
    Cohort,
    ErasureRequest,
    EvaluationAnswer,
    Operator,
    OutboxMessage,
    Person,
)
from tests.web import world as world_module
from tests.web.world import World, active_member, build_world

runner = CliRunner()


def _tag(person_id: int) -> str:
    return chr(97 + person_id // 26 % 26) + chr(97 + person_id % 26)


def distinctive_setup(*args: Any, **kwargs: Any) -> Any:
    """The demo's cohort, its people renamed with names no other text can contain (the
    demo's names are common words and common names: a scan for them would find homonyms)."""
    cohort_id, population = simulation.setup_cohort(*args, **kwargs)
    with session_scope(args[0].database_url) as session:
        for person in session.scalars(select(Person)):
            person.first_name = f"Zephyrine{_tag(person.id)}"
            person.last_name = f"Quilleboeuf{_tag(person.id)}"
            person.email = f"zq.{_tag(person.id)}@rare-exemple.fr"
            person.phone = f"+33 6 00 00 07 {person.id:02d}"
    return cohort_id, population


@pytest.fixture
def world(settings, monkeypatch) -> World:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(world_module, "setup_cohort", distinctive_setup)
    return build_world(settings, pairs=3)


def traces_of(world: World, person_id: int) -> dict[str, Any]:
    """A mentee of an active pair who has said a lot: a check-in with a message naming them,
    a reply by email quoting them, an evaluation comment, an audit detail with their
    address, an erasure request (and the operator's notice naming them)."""
    now = world.checkins_due_at + timedelta(hours=1)
    with session_scope(world.settings.database_url) as session:
        person = session.get(Person, person_id)
        assert person is not None
        names = {"first": person.first_name, "last": person.last_name, "email": person.email}
        app_id = session.scalar(
            select(Application.id).where(
                Application.person_id == person_id, Application.cohort_id == world.cohort_id
            )
        )
        app = session.get(Application, app_id)
        assert app is not None
        app.expectations = f"Je suis {person.first_name}, joignable au {person.phone}."
        checkin_id = session.scalar(
            select(CheckIn.id).where(CheckIn.application_id == app_id, CheckIn.month == 1)
        )
        assert checkin_id is not None
        answers.record_checkin(
            session,
            checkin_id,
            met=True,
            channel="web",
            now=now,
            meetings=1,
            mood=2,
            need_help=True,
            help_message=f"{person.first_name} {person.last_name} a besoin d’aide.",
        )
        inbound_log.log_inbound(
            session,
            message_id=f"<CAF-1.{person.email}>",
            now=now,
            person_id=person_id,
            cohort_id=world.cohort_id,
            purpose="checkin",
            occurrence=1,
            matched_by="reply_to",
            outcome="unclear",
            text=f"Bonjour, ici {person.first_name} ({person.email}).",
        )
        session.add(
            EvaluationAnswer(
                cohort_id=world.cohort_id,
                application_id=app_id,
                answered_at=now,
                channel="web",
                objectives_reached=4,
                satisfaction=5,
                recommend=9,
                mentor_again=None,
                comments=f"Signé {person.last_name.upper()}",
            )
        )
        audit.record(
            session,
            at=now,
            actor="operator:test",
            action="person.readdressed",
            entity="person",
            entity_id=person_id,
            old={"email": person.email, "name": f"{person.first_name} {person.last_name}"},
        )
        request, _ = personal_data.request_erasure(
            session, person_id, cohort_id=world.cohort_id, channel="web", now=now
        )
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        notices.queue_for_operator(
            session,
            world.settings,
            cohort,
            kind="erasure_request",
            occurrence=request.id,
            now=now,
            person={k: getattr(person, k) for k in ("first_name", "last_name", "email")},
            requested_at=now,
        )
    return names


def scan_tables(url: str, needles: list[str]) -> list[str]:
    """Every column of every row of every table (reflected: tables this test does not know
    of are scanned too) that holds one of the needles, case-insensitively."""
    engine = db.engine_for(url)
    meta = MetaData()
    meta.reflect(engine)
    hits = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(table.select()):
                for column, value in row._mapping.items():
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    elif isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    shown = str(value).lower()
                    hits += [f"{table.name}.{column}: {n}" for n in needles if n.lower() in shown]
    return hits


def scan_bytes(url: str, needles: list[str]) -> list[str]:
    """The SQLite file and its WAL, as bytes."""
    path = Path(url.split("///", 1)[1])
    hits = []
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            content = file.read_bytes().lower()
            hits += [f"{file.name}: {n}" for n in needles if n.lower().encode() in content]
    return hits


def counts(url: str) -> dict[str, int]:
    engine = db.engine_for(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in meta.sorted_tables
        }


def erase(world: World, person_id: int) -> erasure.Erasure:
    with session_scope(world.settings.database_url) as session:
        result = erasure.erase_person(
            session, person_id, actor="operator:cohort-1", now=world.checkins_close_at
        )
    erasure.reclaim_space(db.engine_for(world.settings.database_url), result.tables)
    return result


def test_erasure_leaves_nothing_of_the_person_in_the_tables_nor_the_file(world):
    url = world.settings.database_url
    _, person_id = active_member(world, "mentee")
    names = traces_of(world, person_id)
    needles = list(names.values())
    assert len(scan_tables(url, needles)) > 10  # the scan finds them where they are
    before = counts(url)
    with session_scope(url) as session:
        pending = session.scalar(
            select(func.count()).where(
                OutboxMessage.person_id == person_id, OutboxMessage.status == "pending"
            )
        )
    assert pending

    result = erase(world, person_id)

    assert not result.already and result.counts["outbox_message"] >= pending
    assert scan_tables(url, needles) == []
    if url.startswith("sqlite"):
        assert scan_bytes(url, needles) == []
    after = counts(url)
    assert after.pop("audit_event") == before.pop("audit_event") + 1  # "person.erased"
    assert after == before
    with session_scope(url) as session:
        person = session.get(Person, person_id)
        assert person is not None and person.erased_at is not None
        assert person.email == f"erased-{person_id}@invalid"
        checkin = session.scalar(
            select(CheckIn)
            .join(Application, Application.id == CheckIn.application_id)
            .where(Application.person_id == person_id, CheckIn.month == 1)
        )
        assert checkin is not None
        assert (checkin.status, checkin.need_help, checkin.mood) == ("answered", True, 2)
        assert checkin.help_message == erasure.ERASED_TEXT
        statuses = set(
            session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.person_id == person_id)
            )
        )
        assert statuses == {"cancelled"}
        request = session.scalar(
            select(ErasureRequest).where(ErasureRequest.person_id == person_id)
        )
        assert request is not None and request.status == "done"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "person.erased"))
        assert event is not None and event.actor == "operator:cohort-1"

    settled = counts(url)
    again = erase(world, person_id)
    assert again.already and again.counts == {}
    assert counts(url) == settled


def test_the_command_shows_then_erases_and_tells_the_person_once(world, smtp):
    url = world.settings.database_url
    _, person_id = active_member(world, "mentee")
    names = traces_of(world, person_id)
    before = scan_tables(url, list(names.values()))

    shown = runner.invoke(app, ["person", "erase", names["email"]])
    assert shown.exit_code == 0, shown.output
    assert "relancez la commande avec --yes" in shown.output
    assert "courriels" in shown.output and "candidatures" in shown.output
    assert scan_tables(url, list(names.values())) == before  # nothing erased

    done = runner.invoke(app, ["person", "erase", names["email"].upper(), "--yes"])
    assert done.exit_code == 0, done.output
    assert "effacées" in done.output and "Un dernier courriel" in done.output
    assert scan_tables(url, list(names.values())) == []
    told = [m.message() for m in smtp.messages if names["email"] in m.recipients]
    notices_received = [m for m in told if "effacées" in str(m["Subject"])]
    assert len(notices_received) == 1

    again = runner.invoke(app, ["person", "erase", f"erased-{person_id}@invalid", "--yes"])
    assert again.exit_code == 0 and "déjà été effacée" in again.output
    gone = runner.invoke(app, ["person", "erase", names["email"], "--yes"])
    assert gone.exit_code == 1 and "aucune personne" in gone.output


def test_the_command_audits_the_operator_by_number(world):
    _, person_id = active_member(world, "mentor")
    with session_scope(world.settings.database_url) as session:
        person = session.get(Person, person_id)
        cohort = session.get(Cohort, world.cohort_id)
        assert person is not None and cohort is not None
        email = person.email
        operator = Operator(
            email="camille.roux@justice.exemple.fr",
            display_name="Camille Roux",
            role="operator",
            programme_id=cohort.programme_id,
            created_at=world.approved_at,
        )
        session.add(operator)
        session.flush()
        operator_id = operator.id
    refused = runner.invoke(app, ["person", "erase", email, "--yes", "--by", "999"])
    assert refused.exit_code == 1 and "aucun compte d’opérateur·rice n° 999" in refused.output
    done = runner.invoke(app, ["person", "erase", email, "--yes", "--by", str(operator_id)])
    assert done.exit_code == 0, done.output
    with session_scope(world.settings.database_url) as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "person.erased"))
        assert event is not None and event.actor == f"operator:id-{operator_id}"


def test_an_unknown_address_is_refused_in_french(settings):
    result = runner.invoke(app, ["person", "erase", "personne@inconnue.fr", "--yes"])
    assert result.exit_code != 0
    assert "aucune personne n’a l’adresse «\u00a0personne@inconnue.fr\u00a0»" in result.output
