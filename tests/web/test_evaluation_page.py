"""The final evaluation: objectives, satisfaction, recommendation 0–10, mentor again, comments."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mentorat.db import session_scope
from models import EvaluationAnswer
from tests.web.pages import csrf_of, text_of
from tests.web.world import active_member, timeline


def answer(world, app_id):  # type: ignore[no-untyped-def]
    with session_scope(world.settings.database_url) as session:
        row = session.scalar(
            select(EvaluationAnswer).where(EvaluationAnswer.application_id == app_id)
        )
        if row is not None:
            session.expunge(row)
        return row


def test_a_mentor_answers_the_evaluation(world, client, clock):
    clock.set(timeline(world).evaluation_opens_at + timedelta(days=1))
    app_id, person_id = active_member(world, "mentor")
    url = world.url(person_id, "evaluation", app_id)
    page = client.get(url)
    assert "Seriez-vous de nouveau mentor" in text_of(page.text)
    done = client.post(
        url,
        data={
            "csrf": csrf_of(page.text),
            "objectives_reached": "4",
            "satisfaction": "5",
            "recommend": "9",
            "mentor_again": "oui",
            "comments": "Une belle rencontre.",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    row = answer(world, app_id)
    assert (
        row.objectives_reached,
        row.satisfaction,
        row.recommend,
        row.mentor_again,
        row.comments,
        row.channel,
    ) == (4, 5, 9, True, "Une belle rencontre.", "web")


def test_a_mentee_is_not_asked_whether_she_would_mentor_again(world, client, clock):
    clock.set(timeline(world).evaluation_opens_at + timedelta(days=1))
    app_id, person_id = active_member(world, "mentee")
    url = world.url(person_id, "evaluation", app_id)
    page = client.get(url)
    assert "Seriez-vous de nouveau mentor" not in text_of(page.text)
    client.post(
        url,
        data={
            "csrf": csrf_of(page.text),
            "objectives_reached": "3",
            "satisfaction": "4",
            "recommend": "0",
        },
    )
    assert answer(world, app_id).recommend == 0


def test_it_refuses_answers_out_of_their_scales(world, client, clock):
    clock.set(timeline(world).evaluation_opens_at + timedelta(days=1))
    app_id, person_id = active_member(world, "mentor")
    url = world.url(person_id, "evaluation", app_id)
    bad = client.post(
        url,
        data={
            "csrf": csrf_of(client.get(url).text),
            "objectives_reached": "6",
            "satisfaction": "0",
            "recommend": "11",
            "mentor_again": "peut-être",
        },
    )
    assert bad.status_code == 400
    for field in ("objectives_reached", "satisfaction", "recommend", "mentor_again"):
        assert f'id="{field}-erreur"' in bad.text
    assert answer(world, app_id) is None
