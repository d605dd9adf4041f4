"""Accept or Decline in a calendar (an iTIP REPLY, RFC 5546) records the answer like a link.

The invitation received from the SMTP server is read back, its calendar part answered as
Outlook and Thunderbird answer it, and mailed to the invitation's ORGANIZER: the request's
signed reply address, over real LMTP."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

import pytest
from icalendar import Calendar, vCalAddress

from mentorat.db import session_scope
from models import InboundReply, Person, SupervisionAttendance
from tests.inbound.replies import _base
from tests.web.world import deliver_pending, supervision_invitation


def invitation(smtp, email: str) -> Calendar:  # type: ignore[no-untyped-def]
    message = next(
        r.message()
        for r in smtp.messages
        if email in r.recipients and r.message()["X-Mentorat-Kind"] == "supervision_invitation"
    )
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def reply_calendar(invite: Calendar, attendee: str, partstat: str) -> bytes:
    """The REPLY a calendar client writes: same UID and SEQUENCE, the attendee's PARTSTAT."""
    event = invite.walk("VEVENT")[0]
    reply = Calendar()
    reply.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    answer = event.__class__()
    for name in ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER"):
        answer.add(name, event[name])
    me = vCalAddress(f"mailto:{attendee}")
    me.params["PARTSTAT"] = partstat
    answer.add("attendee", me)
    answer.add("dtstamp", event["DTSTAMP"])
    reply.add_component(answer)
    return reply.to_ical()


def outlook_reply(sender: str, to: str, ics: bytes, word: str) -> bytes:
    """Outlook: « Accepté : … », a short text, and the REPLY as text/calendar; method=REPLY."""
    message = _base(sender, to, f"{word}\u00a0: Séance de supervision", None)
    message.set_content("")
    message.add_alternative(
        ics.decode(), subtype="calendar", params={"method": "REPLY"}, charset="utf-8"
    )
    return message.as_bytes(policy=SMTP)


def thunderbird_reply(sender: str, to: str, ics: bytes, word: str) -> bytes:
    """Thunderbird: a sentence, the REPLY inline, and the same as an invite.ics attachment."""
    message = _base(sender, to, f"{word}\u00a0: Séance de supervision", None)
    message.set_content(f"{sender} a {word.lower()} votre invitation à l’événement.")
    inline = EmailMessage()
    inline.set_content(ics.decode(), subtype="calendar", params={"method": "REPLY"})
    message.make_mixed()
    message.attach(inline)
    message.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return message.as_bytes(policy=SMTP)


@pytest.mark.parametrize(
    ("client", "partstat", "word", "rsvp"),
    [
        (outlook_reply, "ACCEPTED", "Accepté", "yes"),
        (outlook_reply, "DECLINED", "Refusé", "no"),
        (thunderbird_reply, "ACCEPTED", "Accepté", "yes"),
        (thunderbird_reply, "DECLINED", "Refusé", "no"),
    ],
)
def test_accept_or_decline_in_a_calendar_records_the_rsvp(  # type: ignore[no-untyped-def]
    inbox, smtp, settings, client, partstat, word, rsvp
):
    att_id, person_id, sent_at = supervision_invitation(inbox.world)
    deliver_pending(settings)
    inbox.clock.set(sent_at)
    with session_scope(settings.database_url) as session:
        email = session.get(Person, person_id).email  # type: ignore[union-attr]
    invite = invitation(smtp, email)
    event = invite.walk("VEVENT")[0]
    # The calendar offers Accept and Decline, and answers the request's reply address.
    assert str(event["ATTENDEE"].params["RSVP"]) == "TRUE"
    organizer = str(event["ORGANIZER"]).removeprefix("mailto:")
    assert "+" in organizer and event["ORGANIZER"].params["CN"]
    inbox.deliver(
        client(email, organizer, reply_calendar(invite, email, partstat), word), organizer
    )
    with session_scope(settings.database_url) as session:
        assert session.get(SupervisionAttendance, att_id).rsvp == rsvp  # type: ignore[union-attr]


def test_a_tentative_answer_or_another_sender_records_nothing(inbox, smtp, settings):  # type: ignore[no-untyped-def]
    att_id, person_id, sent_at = supervision_invitation(inbox.world)
    deliver_pending(settings)
    inbox.clock.set(sent_at)
    with session_scope(settings.database_url) as session:
        email = session.get(Person, person_id).email  # type: ignore[union-attr]
    invite = invitation(smtp, email)
    organizer = str(invite.walk("VEVENT")[0]["ORGANIZER"]).removeprefix("mailto:")
    maybe = reply_calendar(invite, email, "TENTATIVE")
    inbox.deliver(outlook_reply(email, organizer, maybe, "Provisoire"), organizer)
    # Someone else answering with the invitee's reply address: refused (wrong sender).
    accepted = reply_calendar(invite, email, "ACCEPTED")
    inbox.deliver(outlook_reply("intrus@exemple.fr", organizer, accepted, "Accepté"), organizer)
    with session_scope(settings.database_url) as session:
        assert session.get(SupervisionAttendance, att_id).rsvp is None  # type: ignore[union-attr]
        outcomes = [r.outcome for r in session.query(InboundReply).order_by(InboundReply.id)]
    assert outcomes == ["unclear", "wrong_sender"]
