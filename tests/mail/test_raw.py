"""The sender's fast serialisation parses to the same message as the reference builder."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from demo.mail_samples import sample
from mentorat.mail import INVITATION_KINDS, KINDS, Attachment, build_message, invitation_ics, render
from mentorat.mail.raw import build_raw

WHEN = datetime(2027, 11, 11, 10, 0, tzinfo=UTC)


def both(kind: str) -> tuple[email.message.EmailMessage, email.message.EmailMessage]:
    rendered = render(kind, sample(kind))
    attachments = []
    if kind in INVITATION_KINDS:
        ics = invitation_ics(
            uid="u-1@mentorat.test",
            summary="Séance",
            description="Supervision",
            starts_at=WHEN,
            ends_at=WHEN.replace(hour=12),
            location="Paris",
            organizer_email="rh@mentorat.test",
            attendee_email="a@mentorat.test",
        )
        attachments = [Attachment.invitation(ics)]
    args = dict(
        rendered=rendered,
        sender="Mentorat MIRHE <mentorat@mentorat.test>",
        to="Chloé Dubois <chloe.dubois@exemple.fr>",
        message_id="<abc@mentorat.test>",
        date=WHEN,
        reply_to="mentorat+c1.2.abcdefghijklmnop@mentorat.test",
        attachments=attachments,
        headers={"X-Mentorat-Kind": kind},
    )
    reference = build_message(**args)  # type: ignore[arg-type]
    fast = email.message_from_bytes(build_raw(**args), policy=email.policy.default)  # type: ignore[arg-type]
    return reference, fast  # type: ignore[return-value]


def shape(message: email.message.EmailMessage) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


@pytest.mark.parametrize("kind", KINDS)
def test_the_fast_message_has_the_same_parts_headers_and_texts(kind: str):
    reference, fast = both(kind)
    assert shape(fast) == shape(reference)
    for name in (
        "Subject",
        "From",
        "To",
        "Reply-To",
        "Date",
        "Message-ID",
        "Auto-Submitted",
        "X-Auto-Response-Suppress",
        "Content-Language",
        "X-Mentorat-Kind",
    ):
        assert str(fast[name]) == str(reference[name]), name
    for subtype in ("plain", "html"):
        # Parsed from the wire, a quoted-printable text keeps its CRLF line breaks.
        fast_text = fast.get_body((subtype,)).get_content().replace("\r\n", "\n")
        assert fast_text == reference.get_body((subtype,)).get_content()
    if kind in INVITATION_KINDS:
        calendar = [p for p in fast.walk() if p.get_content_type() == "text/calendar"]
        assert calendar[0].get_param("method") == "REQUEST"
        files = [p for p in fast.walk() if p.get_filename() == "invitation.ics"]
        assert files and files[0].get_content_type() == "application/ics"


def test_a_line_break_in_a_header_is_refused():
    rendered = render("call", sample("call"))
    with pytest.raises(ValueError):
        build_raw(
            rendered=rendered,
            sender="m@mentorat.test",
            to="a@b.fr\r\nBcc: x@y.fr",
            message_id="<a@b>",
            date=WHEN,
        )


@pytest.mark.parametrize("kind", ["checkin_request", "workshop_invitation"])
def test_the_bytes_are_wire_ready_crlf_lines_under_the_smtp_limit(kind: str):
    ctx = sample(kind)
    rendered = render(kind, ctx)
    long_subject = rendered.subject + " — " + "é" * 120
    raw = build_raw(
        rendered=type(rendered)(long_subject, rendered.text, rendered.html),
        sender="Mentorat MIRHE <mentorat@mentorat.test>",
        to="chloe.dubois@exemple.fr",
        message_id="<abc@mentorat.test>",
        date=WHEN,
    )
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == long_subject
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == rendered.text
