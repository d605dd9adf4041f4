"""Supervision and workshop invitations: yes or no in one click (confirmed), changeable
until the event, and an .ics to add it to one's calendar."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from mentorat.db import session_scope
from models import SupervisionAttendance, WorkshopInvitation
from tests.web.pages import csrf_of, text_of
from tests.web.world import supervision_invitation, workshop_invitation


def test_a_mentor_accepts_a_supervision_session_in_one_click(world, client, clock):
    att_id, person_id, sent_at = supervision_invitation(world)
    clock.set(sent_at + timedelta(hours=2))
    url = world.url(person_id, "supervision", att_id, "oui")
    page = client.get(url)
    assert "Je participerai." in text_of(page.text)
    with session_scope(world.settings.database_url) as session:
        assert session.get(SupervisionAttendance, att_id).rsvp is None  # type: ignore[union-attr]
    client.post(url.split("?")[0], data={"csrf": csrf_of(page.text), "coming": "oui"})
    with session_scope(world.settings.database_url) as session:
        assert session.get(SupervisionAttendance, att_id).rsvp == "yes"  # type: ignore[union-attr]


def test_a_workshop_answer_can_be_changed_until_the_workshop(world, client, clock):
    inv_id, person_id, sent_at = workshop_invitation(world)
    clock.set(sent_at + timedelta(hours=2))
    url = world.url(person_id, "workshop", inv_id)
    csrf = csrf_of(client.get(url).text)
    client.post(url, data={"csrf": csrf, "coming": "oui"})
    client.post(url, data={"csrf": csrf, "coming": "non"})
    with session_scope(world.settings.database_url) as session:
        assert session.get(WorkshopInvitation, inv_id).rsvp == "no"  # type: ignore[union-attr]
    assert "Je ne pourrai pas participer." in text_of(client.get(url).text)


def test_the_calendar_file_holds_the_event(world, client, clock):
    att_id, person_id, sent_at = supervision_invitation(world)
    clock.set(sent_at + timedelta(hours=2))
    ics = client.get(world.url(person_id, "supervision", att_id) + "/agenda.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    # RFC 5545 §8.1: the METHOD of the object is in the MIME type too.
    assert "method=REQUEST" in ics.headers["content-type"]
    event = next(c for c in Calendar.from_ical(ics.content).walk() if c.name == "VEVENT")
    assert int(event["SEQUENCE"]) == 0
    assert (
        "Supervision collective" in str(event["SUMMARY"])
        or "supervision" in str(event["SUMMARY"]).lower()
    )
