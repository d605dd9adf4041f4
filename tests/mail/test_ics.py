from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from demo.mail_samples import sample
from mentorat.mail import INVITATION_KINDS, event_of, invitation_ics

PARIS = ZoneInfo("Europe/Paris")


def _ics(**changes):
    fields = {
        "uid": "workshop-4@mentorat.exemple.fr",
        "summary": "Atelier de restitution – MIRHE",
        "description": "Atelier de restitution du programme",
        "starts_at": datetime(2027, 6, 10, 14, 0, tzinfo=PARIS),
        "ends_at": datetime(2027, 6, 10, 17, 0, tzinfo=PARIS),
        "location": "École nationale de la magistrature, Paris",
        "organizer_email": "delphine.roux@justice.exemple.fr",
        "attendee_email": "bruno.lefevre@justice.exemple.fr",
        "stamp": datetime(2027, 5, 1, 8, 0, tzinfo=UTC),
    } | changes
    return invitation_ics(**fields)


def test_an_invitation_is_a_request_in_utc():
    raw = _ics()
    assert b"METHOD:REQUEST" in raw
    assert b"DTSTART:20270610T120000Z" in raw
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert event["UID"] == "workshop-4@mentorat.exemple.fr"
    assert event.decoded("DTEND") == datetime(2027, 6, 10, 15, 0, tzinfo=UTC)
    assert str(event["ORGANIZER"]) == "mailto:delphine.roux@justice.exemple.fr"
    assert str(event["ATTENDEE"]) == "mailto:bruno.lefevre@justice.exemple.fr"
    assert event["SUMMARY"] == "Atelier de restitution – MIRHE"


def test_the_same_inputs_give_the_same_bytes():
    assert _ics() == _ics()


def test_a_moved_event_keeps_its_uid_with_a_higher_sequence_and_a_cancel_says_so():
    moved = Calendar.from_ical(_ics(sequence=1)).walk("VEVENT")[0]
    assert moved["SEQUENCE"] == 1
    cancelled = Calendar.from_ical(_ics(method="CANCEL"))
    assert cancelled["METHOD"] == "CANCEL"
    assert cancelled.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_it_refuses_an_event_that_ends_before_it_starts():
    with pytest.raises(ValueError):
        _ics(ends_at=datetime(2027, 6, 10, 13, 0, tzinfo=PARIS))


@pytest.mark.parametrize("kind", INVITATION_KINDS)
def test_each_invitation_kind_names_its_event(kind):
    ctx = sample(kind)
    event = event_of(kind, ctx)
    assert event["summary"].endswith("MIRHE")
    assert event["starts_at"] < event["ends_at"]
    assert event["location"]


def test_it_refuses_to_find_an_event_in_a_kind_without_one():
    with pytest.raises(ValueError):
        event_of("call", sample("call"))
