"""« Mes informations »: see what is held, download it as JSON, ask for erasure."""

from __future__ import annotations

import json

from sqlalchemy import select

from mentorat.db import session_scope
from models import ErasureRequest
from tests.web.pages import csrf_of, text_of
from tests.web.world import deliver_pending


def test_it_shows_and_exports_what_is_held_about_the_person(world, client):
    checkin_id, person_id, first_name = world.checkin()
    page = client.get(world.url(person_id, "my_data", world.cohort_id))
    assert page.status_code == 200
    assert first_name in text_of(page.text)
    export = client.get(world.url(person_id, "my_data", world.cohort_id) + "/donnees.json")
    assert export.headers["content-type"].startswith("application/json")
    data = json.loads(export.content)
    assert data["personne"]["prénom"] == first_name
    assert data["candidatures"][0]["cohorte"] == "MIRHE-2027"
    assert any(m["objet"] for m in data["courriels_envoyés"])


def test_an_erasure_request_is_recorded_once_and_the_operator_is_told(world, client, smtp):
    _, person_id, first_name = world.checkin()
    link = world.url(person_id, "my_data", world.cohort_id)
    deliver_pending(world.settings)
    before = len(smtp.messages)
    csrf = csrf_of(client.get(link).text)
    assert client.post(link, data={"csrf": csrf}).status_code == 400  # box not ticked
    for _ in range(2):
        client.post(link, data={"csrf": csrf, "confirm_erasure": "1"})
    with session_scope(world.settings.database_url) as session:
        requests = session.scalars(
            select(ErasureRequest).where(ErasureRequest.person_id == person_id)
        ).all()
        assert [r.status for r in requests] == ["pending"]
    told = [m.message() for m in smtp.messages[before:]]
    assert [m["To"] for m in told] == ["rh-mentorat@exemple.fr"]
    assert "Demande d’effacement" in str(told[0]["Subject"])
    assert "est en cours de traitement" in text_of(client.get(link).text)
