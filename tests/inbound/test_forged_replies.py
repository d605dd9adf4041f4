"""Forged replies record nothing: a reply is tied to its request only by the signed Reply-To
address or a Message-ID this installation signed, and only from the person who was asked."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select, update

from demo.simulation import setup_cohort
from demo.smtp_sink import SmtpSink
from mentorat.db import session_scope
from models import OutboxMessage
from tasks import call
from tests.conftest import START, configured, fresh_database
from tests.inbound import replies
from tests.inbound.test_reply_by_email import ORIGINAL, checkin_row, log, sent_checkin
from tests.support import phases

OPERATOR = "rh-mentorat@exemple.fr"


def _request_row(settings, message_id):  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.message_id == message_id)
        ).one()
        session.expunge(row)
        return row


def _told(smtp, before):  # type: ignore[no-untyped-def]
    return [m.message() for m in smtp.messages[before:] if m.message()["To"] == OPERATOR]


def test_a_reply_in_the_thread_with_a_guessed_message_id_records_nothing(inbox, smtp, settings):
    checkin_id, _, email, subject, message_id = sent_checkin(inbox, smtp)
    key = _request_row(settings, message_id).key
    domain = settings.mail_domain
    mac = message_id.split(".", 1)[1].split("@", 1)[0]
    guessed = [
        # The former scheme, recomputed by anyone from the key's shape: no secret in it.
        f"<mentorat.{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>",
        # The right shape, a wrong MAC.
        message_id.replace(mac, mac[:-4] + ("0000" if not mac.endswith("0000") else "1111")),
        f"<mentorat.{'ab' * 20}@{domain}>",
    ]
    before = len(smtp.messages)
    for forged in guessed:
        raw = replies.gmail(email, settings.sender_address, subject, "Oui", ORIGINAL, forged)
        inbox.deliver(raw, settings.sender_address, sender=email)
    assert checkin_row(inbox, checkin_id).status == "open"
    assert [o for o, *_ in log(inbox)] == ["unmatched"] * 3
    # The sender is a participant: their operator reads what came.
    assert len(_told(smtp, before)) == 3


def test_a_message_id_from_before_signing_verifies_nothing_and_reaches_the_operator(
    inbox, smtp, settings
):
    checkin_id, _, email, subject, message_id = sent_checkin(inbox, smtp)
    row = _request_row(settings, message_id)
    unsigned = (
        f"<mentorat.{hashlib.sha256(row.key.encode()).hexdigest()[:40]}@{settings.mail_domain}>"
    )
    with session_scope(settings.database_url) as session:  # a row written by an older version
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row.id).values(message_id=unsigned)
        )
    before = len(smtp.messages)
    raw = replies.gmail(email, settings.sender_address, subject, "Oui", ORIGINAL, unsigned)
    inbox.deliver(raw, settings.sender_address, sender=email)
    assert checkin_row(inbox, checkin_id).status == "open"
    assert log(inbox) == [("unverified", None, None)]
    told = _told(smtp, before)
    assert len(told) == 1 and "pas pu être vérifié" in told[0].get_body(("plain",)).get_content()


def test_a_thread_reply_from_another_address_records_nothing_and_reaches_the_operator(
    inbox, smtp, settings
):
    checkin_id, _, email, subject, message_id = sent_checkin(inbox, smtp)
    before = len(smtp.messages)
    raw = replies.gmail(
        "intrus@exemple.fr", settings.sender_address, subject, "Oui", ORIGINAL, message_id
    )
    inbox.deliver(raw, settings.sender_address)
    assert checkin_row(inbox, checkin_id).status == "open"
    assert log(inbox) == [("wrong_sender", None, "thread")]
    told = _told(smtp, before)
    assert len(told) == 1
    body = told[0].get_body(("plain",)).get_content()
    assert "intrus@exemple.fr" in body and email in body


def test_the_senders_address_is_compared_without_case(inbox, smtp, settings):
    checkin_id, _, email, subject, message_id = sent_checkin(inbox, smtp)
    shouting = email.upper()
    raw = replies.gmail(shouting, settings.sender_address, subject, "Oui", ORIGINAL, message_id)
    inbox.deliver(raw, settings.sender_address, sender=shouting)
    assert checkin_row(inbox, checkin_id).met is True
    assert log(inbox) == [("recorded", "vu", "thread")]


def test_two_databases_never_share_a_message_id_for_the_same_key(tmp_path: Path):
    sent: list[dict[str, str]] = []
    for name in ("premiere", "seconde"):
        folder = tmp_path / name
        folder.mkdir()
        with (
            fresh_database("sqlite", folder) as url,
            SmtpSink(folder=folder / "mail") as sink,
            configured(url, sink) as settings,
        ):
            cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=2, opens_at=START)
            phases.advance(settings, cohort_id, call, START)
            with session_scope(url) as session:
                rows = session.execute(select(OutboxMessage.key, OutboxMessage.message_id)).all()
                sent.append(dict(rows))  # type: ignore[arg-type]
    first, second = sent
    assert first and first.keys() == second.keys()
    assert not set(first.values()) & set(second.values())


def test_a_help_request_by_email_leaves_the_meeting_answer_alone(inbox, smtp, settings):
    from mentorat.links import reply_address

    checkin_id, person_id, email, subject, _ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    inbox.deliver(replies.outlook(email, to, subject, "Oui, on s’est vus mardi.", ORIGINAL), to)
    words = "J’ai besoin d’aide, il est distant."
    inbox.deliver(replies.outlook(email, to, subject, words, ORIGINAL), to)
    row = checkin_row(inbox, checkin_id)
    assert (row.status, row.met, row.need_help, row.help_message) == ("answered", True, True, words)
    # Before any answer: the request for help is recorded, the meeting stays unanswered.
    other_id, other_person, other_email, *_ = sent_checkin(inbox, smtp, 1)
    to = reply_address(settings, other_person, "checkin", other_id)
    inbox.deliver(replies.gmail(other_email, to, subject, "Besoin d’aide", ORIGINAL), to)
    row = checkin_row(inbox, other_id)
    assert (row.status, row.met, row.need_help) == ("open", None, True)
