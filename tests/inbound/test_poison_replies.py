"""Poison messages over the real LMTP listener: each is stored as unclear with what could be
read and shown to the operator (or refused for good with a 5xx), never answered with a 4xx
that the mail server would retry for days, and never read as an answer."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.inbound.process import is_transient
from mentorat.inbound.server import MAX_MESSAGE_BYTES
from mentorat.links import reply_address
from models import CheckIn, InboundReply
from tests.inbound.test_reply_by_email import checkin_row, sent_checkin

OPERATOR = "rh-mentorat@exemple.fr"


def _raw(
    sender: str, to: str, body: bytes, *, content_type: bytes, subject: bytes = b"Re: Point"
) -> bytes:
    head = (
        b"From: "
        + sender.encode()
        + b"\r\nTo: "
        + to.encode()
        + b"\r\nSubject: "
        + subject
        + b"\r\nMessage-ID: <poison.%d@messagerie.exemple.fr>\r\nMIME-Version: 1.0\r\n" % len(body)
        + b"Content-Type: "
        + content_type
        + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head + body


def nul_byte(sender: str, to: str) -> bytes:
    return _raw(
        sender,
        to,
        b"Oui\x00 on s'est vus.\r\n",
        content_type=b"text/plain; charset=utf-8",
        subject=b"Re: Point\x00 mensuel",
    )


def nested_2000_deep(sender: str, to: str) -> bytes:
    opening = b"".join(
        b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
        for i in range(2000)
    )
    closing = b"".join(b"--b%d--\r\n" % i for i in reversed(range(2001)))
    body = opening + b"--b2000\r\nContent-Type: text/plain\r\n\r\nOui on s'est vus.\r\n" + closing
    return _raw(sender, to, body, content_type=b'multipart/mixed; boundary="b0"')


def unknown_charset(sender: str, to: str) -> bytes:
    return _raw(
        sender,
        to,
        b"Oui on s'est vus au caf\xe9.\r\n",
        content_type=b"text/plain; charset=x-inconnu",
    )


def broken_utf8(sender: str, to: str) -> bytes:
    return _raw(
        sender, to, b"Oui on s'est vus \xff\xfe\xc3.\r\n", content_type=b"text/plain; charset=utf-8"
    )


def huge_body(sender: str, to: str) -> bytes:
    line = b"Oui on s'est vus. " * 4 + b"\r\n"
    body = line * (11 * 1024 * 1024 // len(line) + 1)
    return _raw(sender, to, body, content_type=b"text/plain; charset=utf-8")


POISONS = {
    "nul-byte": (nul_byte, "Oui on s'est vus."),
    "mime-2000-deep": (nested_2000_deep, "Oui on s'est vus."),
    "unknown-charset": (unknown_charset, "Oui on s'est vus au caf"),
    "broken-utf-8": (broken_utf8, "Oui on s'est vus"),
    "huge-body": (huge_body, ""),
}


@pytest.mark.parametrize("name", list(POISONS))
def test_a_poison_reply_is_stored_as_unclear_and_the_operator_is_told(inbox, smtp, settings, name):
    build, readable = POISONS[name]
    checkin_id, person_id, email, *_ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    before = len(smtp.messages)
    inbox.deliver(build(email, to), to, sender=email)  # raises on anything but 250
    with session_scope(settings.database_url) as session:
        reply = session.scalars(select(InboundReply)).one()
        assert (reply.outcome, reply.answer, reply.person_id) == ("unclear", None, person_id)
        assert readable in reply.text and "\x00" not in reply.text + reply.message_id
    assert checkin_row(inbox, checkin_id).status == "open"
    told = [m.message() for m in smtp.messages[before:]]
    assert [m["To"] for m in told] == [OPERATOR]
    body = told[0].get_body(("plain",)).get_content()
    assert "Réponse à lire" in body and email in body
    # Delivered again by the mail server: the same message, stored once.
    inbox.deliver(build(email, to), to, sender=email)
    with session_scope(settings.database_url) as session:
        assert len(session.scalars(select(InboundReply)).all()) == 1


def test_a_message_over_the_listeners_limit_is_refused_for_good(inbox, smtp, settings):
    checkin_id, person_id, email, *_ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    body = b"x" * 76 + b"\r\n"
    raw = _raw(
        email, to, body * (MAX_MESSAGE_BYTES // 78 + 10), content_type=b"text/plain; charset=utf-8"
    )
    # Refused at MAIL FROM (SIZE) or after DATA: a 5xx either way.
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as refused:
        inbox.deliver(raw, to, sender=email)
    assert 500 <= refused.value.smtp_code < 600
    with session_scope(settings.database_url) as session:
        assert session.get(CheckIn, checkin_id).status == "open"  # type: ignore[union-attr]


def test_only_an_unreachable_database_is_a_temporary_failure():
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError

    assert is_transient(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert not is_transient(DataError("INSERT", {}, Exception("NUL in text")))
    assert not is_transient(IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not is_transient(RecursionError())


def test_what_the_operator_is_told_follows_french_typography():
    from mentorat.inbound.reading import PROBLEMS
    from mentorat.inbound.to_operator import LAST_STRANGER, REASONS
    from mentorat.mail.typography import faults

    texts = [*REASONS.values(), *PROBLEMS.values(), LAST_STRANGER.format(limit=20)]
    assert [(text, faults(text)) for text in texts if faults(text)] == []
