from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from icalendar import Calendar

from demo.mail_samples import sample
from mentorat.mail import Attachment, build_message, event_of, invitation_ics, render

SENT_AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
MESSAGE_ID = "<mentorat.0123abcd@mentorat.exemple.fr>"


def _build(kind="checkin_request", attachments=(), date=SENT_AT, **extra):
    return build_message(
        rendered=render(kind, sample(kind)),
        sender="Mentorat <mentorat@justice.exemple.fr>",
        to="Alice Martin <alice.martin@justice.exemple.fr>",
        message_id=MESSAGE_ID,
        date=date,
        attachments=attachments,
        **extra,
    )


def _parse(message):
    return message_from_bytes(bytes(message), policy=policy.default)


def _invitation(kind="supervision_invitation"):
    ctx = sample(kind)
    return invitation_ics(
        uid="supervision-2-7@mentorat.exemple.fr",
        organizer_email="chloe.dubois@justice.exemple.fr",
        attendee_email="bruno.lefevre@justice.exemple.fr",
        **event_of(kind, ctx),
    )


def test_it_builds_text_then_html_alternatives_that_parse_back():
    parsed = _parse(_build())
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert "Nous nous sommes vus" in parts[0].get_content()
    assert "Nous nous sommes vus" in parts[1].get_content()
    assert parts[0].get_content_charset() == "utf-8"


def test_it_carries_the_headers_mail_systems_need():
    parsed = _parse(
        _build(
            reply_to="reponses@mentorat.exemple.fr",
            headers={"X-Mentorat-Kind": "checkin_request"},
        )
    )
    assert parsed["Message-ID"] == MESSAGE_ID
    assert parsed["Content-Language"] == "fr"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Reply-To"] == "reponses@mentorat.exemple.fr"
    assert parsed["X-Mentorat-Kind"] == "checkin_request"
    assert parsed["Subject"].startswith("[MIRHE] Point mensuel (2e mois)")
    assert parsed["Date"].datetime == SENT_AT


def test_a_naive_date_is_sent_as_utc():
    # SQLite hands back naive datetimes; the outbox stores UTC.
    parsed = _parse(_build(date=datetime(2026, 11, 2, 8, 0)))
    assert parsed["Date"].datetime == SENT_AT


def test_it_has_no_reply_to_unless_given():
    assert _parse(_build())["Reply-To"] is None


def test_it_refuses_a_header_with_a_line_break():
    with pytest.raises(ValueError):
        _build(headers={"X-Mentorat-Step": "checkin\r\nBcc: victime@exemple.fr"})


def test_an_invitation_is_mixed_with_a_calendar_alternative_and_an_ics_file():
    parsed = _parse(_build("supervision_invitation", [Attachment.invitation(_invitation())]))
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attached = list(parsed.iter_parts())
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert attached.get_filename() == "invitation.ics"
    assert attached.get_content_disposition() == "attachment"
    for ics in (calendar_part.get_content().encode(), attached.get_content()):
        event = Calendar.from_ical(ics).walk("VEVENT")[0]
        assert event["UID"] == "supervision-2-7@mentorat.exemple.fr"
        # 14:30 in Paris on 17 November 2026 is 13:30 UTC.
        assert event.decoded("DTSTART") == datetime(2026, 11, 17, 13, 30, tzinfo=UTC)


def test_every_invitation_kind_carries_a_parseable_request():
    for kind in ("supervision_invitation", "supervision_reminder", "workshop_invitation"):
        parsed = _parse(_build(kind, [Attachment.invitation(_invitation(kind))]))
        ics = next(p for p in parsed.walk() if p.get_filename() == "invitation.ics").get_content()
        calendar = Calendar.from_ical(ics)
        assert calendar["METHOD"] == "REQUEST"
        start = calendar.walk("VEVENT")[0].decoded("DTSTART")
        assert start == sample(kind).get("session", sample(kind).get("workshop"))["starts_at"]


def test_other_attachments_keep_their_type_and_name():
    pdf = Attachment("charte.pdf", b"%PDF-1.4 fake", "application/pdf")
    parsed = _parse(_build("charter_request", [pdf]))
    alternative, attached = list(parsed.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == "charte.pdf"
    assert attached.get_content() == b"%PDF-1.4 fake"
