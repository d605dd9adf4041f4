"""Replies that record nothing reach the operator, over real LMTP into the real SMTP sink:
out-of-office notices with or without their headers (once per person and request), and
replies from addresses the programme does not know (to every live cohort's operator, a
bounded number a day). Nothing is recorded, and the logs name nobody."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.inbound import to_operator
from mentorat.links import reply_address
from models import InboundReply
from tests.conftest import START
from tests.inbound import replies
from tests.inbound.test_reply_by_email import ORIGINAL, checkin_row, log, sent_checkin

OPERATOR = "rh-mentorat@exemple.fr"
STRANGER = "inconnu.total@ailleurs.example"


def told(smtp, before: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The bodies of the notices the operators received since `before`, by recipient."""
    return [
        (m.message()["To"], m.message().get_body(("plain",)).get_content())
        for m in smtp.messages[before:]
        if m.message()["X-Mentorat-Kind"] == "inbound_unclear"
    ]


def persons_logged(settings) -> list[int | None]:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return list(session.scalars(select(InboundReply.person_id).order_by(InboundReply.id)))


def test_an_out_of_office_reaches_the_operator_once_per_person_and_request(inbox, smtp, settings):
    checkin_id, person_id, email, subject, message_id = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    before = len(smtp.messages)
    # The responder answers the request, then its reminder: one notice.
    inbox.deliver(replies.out_of_office(email, to, subject, message_id), to)
    inbox.deliver(replies.out_of_office(email, to, f"Rappel : {subject}", message_id), to)
    assert checkin_row(inbox, checkin_id).status == "open"
    assert log(inbox) == [("auto_reply", None, "reply_to")] * 2
    notices = told(smtp, before)
    assert [to_ for to_, _ in notices] == [OPERATOR]
    body = notices[0][1]
    assert "réponse automatique" in body and email in body and "absente" in body
    # Another person's responder is another notice.
    other_id, other_person, other_email, other_subject, _ = sent_checkin(inbox, smtp, 1)
    other_to = reply_address(settings, other_person, "checkin", other_id)
    inbox.deliver(replies.out_of_office(other_email, other_to, other_subject), other_to)
    assert [to_ for to_, _ in told(smtp, before)] == [OPERATOR, OPERATOR]


def test_an_out_of_office_without_its_headers_reaches_the_operator_as_unclear(
    inbox, smtp, settings
):
    checkin_id, person_id, email, subject, _ = sent_checkin(inbox, smtp)
    to = reply_address(settings, person_id, "checkin", checkin_id)
    before = len(smtp.messages)
    words = "Bonjour, je suis absente du bureau et je n’aurai pas accès à ma messagerie."
    inbox.deliver(replies.outlook(email, to, subject, words, ORIGINAL), to)
    assert checkin_row(inbox, checkin_id).status == "open"
    assert log(inbox) == [("unclear", None, "reply_to")]
    assert [(to_, words in body) for to_, body in told(smtp, before)] == [(OPERATOR, True)]


def test_a_reply_from_an_unknown_address_reaches_the_operator_of_each_live_cohort(
    inbox, smtp, settings, caplog
):
    caplog.set_level(logging.DEBUG, logger="mentorat")
    # A second live cohort with another operator; a third cohort of the first operator.
    setup_cohort(settings, programme="jaae", pairs=2, opens_at=START, domain="autre.example")
    setup_cohort(settings, programme="menesr", pairs=2, opens_at=START)
    before = len(smtp.messages)
    words = "Bonjour, mon collègue m’a transmis votre message : je voudrais participer."
    raw = replies.gmail(STRANGER, settings.sender_address, "Mentorat", words, ORIGINAL)
    inbox.deliver(raw, settings.sender_address, sender=STRANGER)
    assert log(inbox) == [("unmatched", None, None)]
    assert persons_logged(settings) == [None]
    notices = told(smtp, before)
    assert sorted(to_ for to_, _ in notices) == ["rh-mentorat@autre.example", OPERATOR]
    for _, body in notices:
        assert "adresse inconnue du programme" in body and STRANGER in body and words in body
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("mentorat"))
    assert STRANGER not in ours and "collègue" not in ours


def test_a_participant_writing_outside_any_thread_is_logged_as_theirs(inbox, smtp, settings):
    _, person_id, email, *_ = sent_checkin(inbox, smtp)
    before = len(smtp.messages)
    raw = replies.gmail(email, settings.sender_address, "Question", "Bonjour !", ORIGINAL)
    inbox.deliver(raw, settings.sender_address, sender=email)
    assert persons_logged(settings) == [person_id]
    (notice,) = told(smtp, before)
    assert notice[0] == OPERATOR and "personne du programme" in notice[1]


def test_replies_from_strangers_are_passed_on_up_to_a_daily_limit(
    inbox, smtp, settings, monkeypatch
):
    monkeypatch.setattr(to_operator, "STRANGERS_PER_DAY", 2)
    before = len(smtp.messages)

    def write(n: int) -> None:
        sender = f"inconnu{n}@ailleurs.example"
        raw = replies.gmail(sender, settings.sender_address, "Bonjour", f"Message {n}", ORIGINAL)
        inbox.deliver(raw, settings.sender_address, sender=sender)

    for n in range(4):
        write(n)
    assert [o for o, *_ in log(inbox)] == ["unmatched"] * 4  # all kept in the log
    notices = told(smtp, before)
    assert ["Message 0" in notices[0][1], "Message 1" in notices[1][1]] == [True, True]
    assert len(notices) == 2
    assert "les suivantes de la journée restent dans le journal" in notices[1][1]
    assert "les suivantes" not in notices[0][1]
    inbox.clock.advance(timedelta(days=1))
    write(4)
    assert len(told(smtp, before)) == 3


def test_an_automatic_reply_from_a_stranger_reaches_the_operator_once_a_day(inbox, smtp, settings):
    before = len(smtp.messages)
    for _ in range(3):
        raw = replies.out_of_office(STRANGER, settings.sender_address, "Mentorat")
        inbox.deliver(raw, settings.sender_address, sender=STRANGER)
    assert [o for o, *_ in log(inbox)] == ["auto_reply"] * 3
    assert [to_ for to_, _ in told(smtp, before)] == [OPERATOR]
    inbox.clock.advance(timedelta(days=1))
    raw = replies.out_of_office(STRANGER, settings.sender_address, "Mentorat")
    inbox.deliver(raw, settings.sender_address, sender=STRANGER)
    assert len(told(smtp, before)) == 2
