"""The monthly check-in: one click from the email, a confirmation page, or the full form."""

from __future__ import annotations

from sqlalchemy import select

from mentorat.db import session_scope
from models import AuditEvent, CheckIn
from tests.web.pages import csrf_of, text_of


def stored(world, checkin_id):  # type: ignore[no-untyped-def]
    with session_scope(world.settings.database_url) as session:
        row = session.get(CheckIn, checkin_id)
        assert row is not None
        session.expunge(row)
        return row


def test_following_a_one_click_link_changes_nothing_until_confirmed(world, client):
    checkin_id, person_id, first_name = world.checkin()
    url = world.url(person_id, "checkin", checkin_id, "vu")
    page = client.get(url)
    assert page.status_code == 200
    assert "Confirmez votre réponse" in text_of(page.text)
    assert "Nous nous sommes vus ce mois-ci." in text_of(page.text)
    # A mail scanner that follows the link (twice) records nothing.
    client.get(url)
    assert stored(world, checkin_id).status == "open"


def test_confirming_a_one_click_answer_records_it_and_shows_it(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id, "vu")
    page = client.get(url)
    done = client.post(
        url.split("?")[0],
        data={"csrf": csrf_of(page.text), "quick": "1", "met": "oui"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    row = stored(world, checkin_id)
    assert (row.status, row.met, row.channel) == ("answered", True, "web-quick")
    shown = client.get(done.headers["location"])
    assert "Votre réponse est enregistrée" in text_of(shown.text)
    assert "Oui, nous nous sommes vus" in text_of(shown.text)


def test_asking_for_help_in_one_click_keeps_the_message_for_the_supervisor(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id, "aide")
    page = client.get(url)
    assert "J’ai besoin d’aide." in text_of(page.text)
    client.post(
        url.split("?")[0],
        data={
            "csrf": csrf_of(page.text),
            "quick": "1",
            "need_help": "1",
            "met": "non",
            "help_message": "Nous n’arrivons pas à nous voir.",
        },
    )
    row = stored(world, checkin_id)
    assert row.need_help and row.help_message == "Nous n’arrivons pas à nous voir."
    assert row.met is False


def test_the_full_form_records_every_answer_and_stays_editable(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    page = client.get(url)
    form = {
        "csrf": csrf_of(page.text),
        "met": "oui",
        "meetings": "2",
        "format": "remote",
        "mood": "4",
    }
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    row = stored(world, checkin_id)
    assert (row.met, row.meetings, row.format, row.mood) == (True, 2, "remote", 4)
    again = client.post(url, data={**form, "mood": "5"}, follow_redirects=False)
    assert again.status_code == 303
    assert stored(world, checkin_id).mood == 5
    with session_scope(world.settings.database_url) as session:
        answers = session.scalars(
            select(AuditEvent.details).where(
                AuditEvent.action == "checkin.answered", AuditEvent.entity_id == checkin_id
            )
        ).all()
    assert len(answers) == 2


def test_a_form_with_mistakes_is_shown_again_with_each_error_beside_its_field(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    page = client.get(url)
    bad = client.post(url, data={"csrf": csrf_of(page.text), "meetings": "beaucoup", "mood": "9"})
    assert bad.status_code == 400
    assert 'aria-describedby="meetings-aide meetings-erreur" aria-invalid="true"' in bad.text
    assert 'id="met" aria-describedby="met-erreur"' in bad.text
    assert "Indiquez si vous vous êtes vus ce mois-ci." in text_of(bad.text)
    assert "<title>Erreur" in bad.text
    assert stored(world, checkin_id).status == "open"


def test_after_the_deadline_the_answer_is_shown_but_cannot_change(world, client, clock):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    page = client.get(url)
    clock.set(world.checkins_close_at)
    assert "Ce point mensuel est clos" in text_of(client.get(url).text)
    late = client.post(url, data={"csrf": csrf_of(page.text), "met": "oui"})
    assert late.status_code == 409
    assert stored(world, checkin_id).status == "open"
