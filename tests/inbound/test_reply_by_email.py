"""Replying to a check-in or an invitation records the answer, through a real LMTP listener."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.links import _b36, reply_address
from models import CheckIn, InboundReply, SupervisionAttendance
from tests.inbound import replies
from tests.web.world import supervision_invitation

ORIGINAL = "Voici le point mensuel du 1er mois de votre mentorat. Avez-vous rencontré Élise ?"


def sent_checkin(inbox, smtp, index=0):  # type: ignore[no-untyped-def]
    """(check-in id, person's address, subject and Message-ID of the request they got)."""
    checkin_id, person_id, _ = inbox.world.checkin(index)
    with session_scope(inbox.world.settings.database_url) as session:
        row = session.get(CheckIn, checkin_id)
        from models import Application

        email = session.get(Application, row.application_id).person.email  # type: ignore[union-attr]
    request = next(
        m.message()
        for m in smtp.messages
        if email in m.recipients and m.message()["X-Mentorat-Kind"] == "checkin_request"
    )
    return checkin_id, person_id, email, str(request["Subject"]), str(request["Message-ID"])


def checkin_row(inbox, checkin_id):  # type: ignore[no-untyped-def]
    with session_scope(inbox.world.settings.database_url) as session:
        row = session.get(CheckIn, checkin_id)
        session.expunge(row)
        return row


def log(inbox):  # type: ignore[no-untyped-def]
    with session_scope(inbox.world.settings.database_url) as session:
        return [
            (r.outcome, r.answer, r.matched_by)
            for r in session.scalars(select(InboundReply).order_by(InboundReply.id))
        ]


def test_an_outlook_reply_to_the_signed_address_records_that_they_met(inbox, smtp, settings):
    checkin_id, person_id, email, subject, _ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    inbox.deliver(replies.outlook(email, to, subject, "Oui, on s’est vus mardi.", ORIGINAL), to)
    row = checkin_row(inbox, checkin_id)
    assert (row.status, row.met, row.channel, row.need_help) == ("answered", True, "email", False)
    assert log(inbox) == [("recorded", "vu", "reply_to")]


def test_a_gmail_reply_in_the_thread_records_not_yet(inbox, smtp, settings):
    checkin_id, _, email, subject, message_id = sent_checkin(inbox, smtp)
    # Sent to the plain address: only In-Reply-To ties it to the request. The quoted
    # original below says « rencontré », and must not be read as the answer.
    inbox.deliver(
        replies.gmail(
            email,
            settings.sender_address,
            subject,
            "Pas encore !",
            ORIGINAL + "\nOui : nous nous sommes vus",
            message_id,
        ),
        settings.sender_address,
    )
    row = checkin_row(inbox, checkin_id)
    assert (row.status, row.met) == ("answered", False)
    assert log(inbox) == [("recorded", "pas-vu", "thread")]


def test_a_request_for_help_by_email_reaches_the_supervisor_with_its_words(inbox, smtp, settings):
    checkin_id, person_id, email, subject, _ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    words = "Besoin d’aide : nous n’arrivons pas à nous voir."
    inbox.deliver(replies.html_only(email, to, subject, words, ORIGINAL), to)
    row = checkin_row(inbox, checkin_id)
    assert row.need_help and row.help_message == "Besoin d’aide : nous n’arrivons pas à nous voir."


def test_an_out_of_office_reply_is_not_an_answer(inbox, smtp, settings):
    checkin_id, person_id, email, subject, message_id = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    inbox.deliver(replies.out_of_office(email, to, subject, message_id), to)
    assert checkin_row(inbox, checkin_id).status == "open"
    assert log(inbox) == [("auto_reply", None, "reply_to")]


def test_an_unclear_reply_goes_to_the_operator_and_nothing_is_guessed(inbox, smtp, settings):
    checkin_id, person_id, email, subject, _ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    before = len(smtp.messages)
    inbox.deliver(
        replies.gmail(email, to, subject, "Oui mais pas encore ce mois-ci, on verra.", ORIGINAL), to
    )
    assert checkin_row(inbox, checkin_id).status == "open"
    assert log(inbox) == [("unclear", None, "reply_to")]
    told = [m.message() for m in smtp.messages[before:]]
    assert [m["To"] for m in told] == ["rh-mentorat@exemple.fr"]
    body = told[0].get_body(("plain",)).get_content()
    assert "Oui mais pas encore ce mois-ci, on verra." in body and "Alice Martin" not in body


def test_a_reply_from_another_address_is_not_recorded(inbox, smtp, settings):
    checkin_id, person_id, _, subject, _ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    inbox.deliver(replies.gmail("intrus@exemple.fr", to, subject, "oui", ORIGINAL), to)
    assert checkin_row(inbox, checkin_id).status == "open"
    assert log(inbox)[0][0] == "wrong_sender"


def test_a_forged_reply_address_matches_nothing(inbox, smtp, settings):
    checkin_id, person_id, email, subject, _ = sent_checkin(inbox, smtp)
    real = reply_address(settings, person_id, "checkin", checkin_id)
    local, domain = real.split("@")
    mac = local.rsplit(".", 1)[1]
    forged = f"{local[:-4]}{'bbbb' if mac.endswith('aaaa') else 'aaaa'}@{domain}"
    # Someone else's check-in, with this person's (valid) signature: refused too.
    other_id, *_ = sent_checkin(inbox, smtp, 1)
    guessed = f"mentorat+c{_b36(person_id)}.{_b36(other_id)}.{mac}@{domain}"
    for to in (forged, guessed):
        inbox.deliver(replies.gmail(email, to, subject, "oui", ORIGINAL), to)
    assert checkin_row(inbox, checkin_id).status == "open"
    assert checkin_row(inbox, other_id).status == "open"
    assert [o for o, *_ in log(inbox)] == ["unmatched", "unmatched"]


def test_the_same_reply_delivered_twice_is_recorded_once(inbox, smtp, settings):
    checkin_id, person_id, email, subject, _ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    raw = replies.outlook(email, to, subject, "oui", ORIGINAL)
    inbox.deliver(raw, to)
    inbox.deliver(raw, to)
    assert log(inbox) == [("recorded", "vu", "reply_to")]


@pytest.mark.parametrize(
    ("answer", "rsvp"),
    [("Je viendrai avec plaisir.", "yes"), ("Je ne pourrai pas venir, désolée.", "no")],
)
def test_replying_to_a_supervision_invitation_records_the_rsvp(inbox, smtp, settings, answer, rsvp):
    att_id, person_id, sent_at = supervision_invitation(inbox.world)
    inbox.clock.set(sent_at)
    with session_scope(settings.database_url) as session:
        from models import Person

        email = session.get(Person, person_id).email  # type: ignore[union-attr]
    to = reply_address(settings, person_id, "supervision", att_id)
    inbox.deliver(replies.outlook(email, to, "Séance de supervision", answer, "Invitation"), to)
    with session_scope(settings.database_url) as session:
        assert session.get(SupervisionAttendance, att_id).rsvp == rsvp  # type: ignore[union-attr]


def test_the_listener_refuses_addresses_of_other_domains(inbox):
    with (
        smtplib.LMTP("127.0.0.1", inbox.port) as lmtp,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        lmtp.sendmail("a@exemple.fr", ["quelquun@autre.example"], b"Subject: x\r\n\r\nx")
