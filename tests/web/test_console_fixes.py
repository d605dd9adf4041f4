"""Fixes after the approval from the console's cohort page (the same services as the
commands): correct a bounced address, end a pair and form a new one from the pool, move a
session, record attendance; refusals in French with nothing changed; roles."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from mentorat.db import session_scope
from models import (
    AuditEvent,
    OutboxMessage,
    Pair,
    Person,
    SupervisionAttendance,
    SupervisionSession,
)
from tests.web.pages import csrf_of, text_of
from tests.web.test_console import DELPHINE, SERGE, add, code_of, section, sign_in
from tests.web.world import deliver_pending, supervision_invitation, workshop_invitation


def post(client, world, path: str, **data: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/gestion/cohortes/{code_of(world)}")
    return client.post(
        f"/gestion/cohortes/{code_of(world)}/{path}",
        data={"csrf": csrf_of(page.text), **data},
        follow_redirects=False,
    )


def pair_states(world) -> dict[int, str]:  # type: ignore[no-untyped-def]
    with session_scope(world.settings.database_url) as session:
        return dict(
            session.execute(
                select(Pair.id, Pair.status).where(Pair.cohort_id == world.cohort_id)
            ).all()
        )


def test_an_operator_corrects_a_bounced_address_and_the_waiting_emails_reach_it(
    world, settings, smtp, client
):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    (_, _, _, _), (_, person_id, first, last) = world.pair_members(world.unsigned_pair_id)
    with session_scope(settings.database_url) as session:
        person = session.get(Person, person_id)
        assert person is not None
        smtp.handler.reject.add(person.email)
    deliver_pending(settings)  # her emails bounce: the address is failing
    sign_in(client, settings, smtp, DELPHINE)
    assert f"{first} {last}" in section(
        client.get(f"/gestion/cohortes/{code_of(world)}").text, "adresses"
    )

    bad = post(client, world, f"personnes/{person_id}/adresse", adresse="pas une adresse")
    assert bad.status_code == 400
    assert "n’est pas une adresse électronique valide" in text_of(bad.text)

    done = post(client, world, f"personnes/{person_id}/adresse", adresse="alice.b@exemple.fr")
    assert done.status_code == 303 and done.headers["location"].endswith("?fait=adresse")
    page = client.get(done.headers["location"])
    assert "Adresse corrigée" in text_of(page.text)
    assert "Aucune adresse en échec" in section(page.text, "adresses")
    deliver_pending(settings)
    got = [r for r in smtp.messages if r.recipients == ["alice.b@exemple.fr"]]
    assert got, "the waiting emails went to the new address"
    with session_scope(settings.database_url) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "person.address_corrected")
        ).one()
        assert event.actor.startswith("operator:id-")
        # Someone who is not among the bounced cannot be re-addressed from this page.
        other = session.scalars(select(Person.id).where(Person.id != person_id)).first()
    refused = post(client, world, f"personnes/{other}/adresse", adresse="x@exemple.fr")
    assert refused.status_code == 400 and "pas d’adresse en échec" in text_of(refused.text)


def test_an_operator_ends_a_pair_and_forms_a_new_one_from_the_pool(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    deliver_pending(settings)
    active = sorted(i for i, s in pair_states(world).items() if s == "active")
    first, second = active[:2]
    (mentor1, _, mf, ml), _ = world.pair_members(first)
    _, (mentee2, _, ef, el) = world.pair_members(second)

    # No reason: refused, nothing changed.
    refused = post(client, world, f"binomes/{first}/fin", raison=" ")
    assert refused.status_code == 400 and "Indiquez la raison" in text_of(refused.text)
    assert pair_states(world)[first] == "active"

    for pair_id in (first, second):
        done = post(client, world, f"binomes/{pair_id}/fin", raison="incompatibilité")
        assert done.status_code == 303
    page = client.get(f"/gestion/cohortes/{code_of(world)}?fait=fin")
    assert "Binôme terminé" in text_of(page.text)
    pool = section(page.text, "disponibles")
    assert f"{mf} {ml}" in pool and f"{ef} {el}" in pool

    done = post(
        client, world, "binomes/nouveau", mentor=str(mentor1), mentee=str(mentee2),
        raison="nouveau binôme",
    )  # fmt: skip
    assert done.status_code == 303
    states = pair_states(world)
    new = max(states)
    assert states[new] == "approved" and states[first] == states[second] == "ended"
    page = client.get(f"/gestion/cohortes/{code_of(world)}")
    assert f"B-{new} – {mf} {ml}" in section(page.text, "binomes")
    # Both partners were told their pair ended.
    deliver_pending(settings)
    assert sum(r.message()["X-Mentorat-Kind"] == "pair_ended" for r in smtp.messages) == 4


def test_an_operator_moves_a_session_and_records_who_came(world, settings, smtp, client, clock):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    attendance_id, _, invite_at = supervision_invitation(world)
    deliver_pending(settings)
    clock.set(invite_at + timedelta(hours=1))
    sign_in(client, settings, smtp, DELPHINE)
    with session_scope(settings.database_url) as session:
        att = session.get(SupervisionAttendance, attendance_id)
        assert att is not None
        meeting = session.get(SupervisionSession, att.session_id)
        assert meeting is not None
        session_id, starts = meeting.id, meeting.starts_at
        invitees = [
            a.application_id
            for a in session.scalars(
                select(SupervisionAttendance).where(SupervisionAttendance.session_id == session_id)
            )
        ]
    # Attendance before the session: refused.
    early = post(client, world, f"seances/{session_id}/presences", present=str(invitees[0]))
    assert early.status_code == 400 and "pas encore eu lieu" in text_of(early.text)

    done = post(
        client,
        world,
        f"seances/{session_id}/deplacer",
        debut="2035-03-12T14:00",
        lieu="Salle Colbert",
    )
    assert done.status_code == 303
    deliver_pending(settings)
    moved = [
        r.message() for r in smtp.messages if r.message()["X-Mentorat-Kind"] == "session_moved"
    ]
    assert len(moved) == len(invitees)
    part = next(p for p in moved[0].walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and "Salle Colbert" in str(event["LOCATION"])
    assert event.decoded("DTSTART").isoformat().startswith("2035-03-12T13:00")  # 14 h Paris

    clock.set(starts.replace(year=2035) + timedelta(days=200))
    sign_in(client, settings, smtp, DELPHINE)
    page = client.get(f"/gestion/cohortes/{code_of(world)}")
    token = csrf_of(page.text)
    done = client.post(
        f"/gestion/cohortes/{code_of(world)}/seances/{session_id}/presences",
        data={"csrf": token, "present": [str(invitees[0])]},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with session_scope(settings.database_url) as session:
        marks = dict(
            session.execute(
                select(SupervisionAttendance.application_id, SupervisionAttendance.attended).where(
                    SupervisionAttendance.session_id == session_id
                )
            ).all()
        )
    assert marks[invitees[0]] is True
    assert all(marks[i] is False for i in invitees[1:])


def test_a_supervisor_cannot_end_a_pair_and_a_forged_post_is_refused(world, settings, smtp, client):
    add(settings, SERGE, "mirhe", "supervisor", "Serge Leroy")
    sign_in(client, settings, smtp, SERGE)
    pair_id = max(i for i, s in pair_states(world).items() if s == "active")
    page = client.get(f"/gestion/cohortes/{code_of(world)}")
    assert "Mettre fin au binôme" not in page.text and "Former le binôme" not in page.text
    refused = post(client, world, f"binomes/{pair_id}/fin", raison="essai")
    assert refused.status_code == 403 and "Votre rôle ne permet pas" in text_of(refused.text)
    forged = client.post(
        f"/gestion/cohortes/{code_of(world)}/binomes/{pair_id}/fin",
        data={"csrf": "faux", "raison": "essai"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert pair_states(world)[pair_id] == "active"
    with session_scope(settings.database_url) as session:
        assert (
            session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.kind == "pair_ended")
            ).first()
            is None
        )


def test_an_operator_moves_the_workshop_from_the_cohort_page(world, settings, smtp, client, clock):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    _, _, at = workshop_invitation(world)
    deliver_pending(settings)
    invited = sum(r.message()["X-Mentorat-Kind"] == "workshop_invitation" for r in smtp.messages)
    clock.set(at + timedelta(hours=1))
    sign_in(client, settings, smtp, DELPHINE)
    assert "Déplacer l’atelier" in client.get(f"/gestion/cohortes/{code_of(world)}").text
    bad = post(client, world, "atelier/deplacer", debut="demain")
    assert bad.status_code == 400 and "Indiquez la nouvelle date" in text_of(bad.text)
    done = post(client, world, "atelier/deplacer", debut="2035-06-12T14:00", lieu="Salle Colbert")
    assert done.status_code == 303 and done.headers["location"].endswith("?fait=atelier_deplace")
    page = client.get(done.headers["location"])
    assert "Atelier déplacé" in text_of(page.text)
    assert "12 juin 2035" in section(page.text, "atelier")
    deliver_pending(settings)
    moved = [r for r in smtp.messages if r.message()["X-Mentorat-Kind"] == "session_moved"]
    assert len(moved) == invited > 0
