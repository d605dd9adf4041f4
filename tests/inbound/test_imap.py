"""Replies read from an IMAP mailbox, against a real Dovecot on localhost: appended to INBOX as a
mail client would, handled by the listener's own handling, moved to the done folder once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.parser import BytesHeaderParser
from types import SimpleNamespace

import pytest
from pydantic import SecretStr
from sqlalchemy import select, text
from typer.testing import CliRunner

from demo.clock import SimulatedClock
from mentorat.cli import app
from mentorat.db import engine_for, session_scope
from mentorat.inbound.imap import ImapError, ReplyMailbox, watch
from mentorat.inbound.process import handle
from mentorat.links import reply_address
from mentorat.mail.typography import faults
from mentorat.settings import Settings, get_settings
from models import InboundReply
from tests.conftest import configured, fresh_database
from tests.inbound import dovecot, replies
from tests.inbound.test_poison_replies import OPERATOR, nul_byte
from tests.inbound.test_reply_by_email import ORIGINAL, checkin_row, sent_checkin
from tests.web.live import free_port
from tests.web.world import World, build_world, deliver_pending

pytestmark = pytest.mark.skipif(not dovecot.available(), reason=dovecot.SKIP_REASON)

# How Dovecot (maildir, « . » between levels) names the default folders, in modified UTF-7.
DONE, ERRORS = '"Mentorat.Trait&AOk-s"', '"Mentorat.Erreurs"'


@pytest.fixture
def server() -> Iterator[dovecot.Dovecot]:
    with dovecot.running_dovecot() as running:
        yield running


@pytest.fixture
def plain_server() -> Iterator[dovecot.Dovecot]:
    """Dovecot announcing neither IDLE nor MOVE."""
    with dovecot.running_dovecot(capability=dovecot.PLAIN_CAPABILITY) as running:
        yield running


def _settings(database_url: str, smtp, server: dovecot.Dovecot) -> Iterator[Settings]:  # type: ignore[no-untyped-def]
    with configured(database_url, smtp, **server.env()) as value:
        yield value


@pytest.fixture
def imap_settings(database_url, smtp, server):  # type: ignore[no-untyped-def]
    yield from _settings(database_url, smtp, server)


@pytest.fixture
def sqlite_settings(tmp_path, smtp, server):  # type: ignore[no-untyped-def]
    """For what does not depend on the database: the connection, the settings, the words."""
    with fresh_database("sqlite", tmp_path) as url:
        yield from _settings(url, smtp, server)


@pytest.fixture
def plain_settings(database_url, smtp, plain_server):  # type: ignore[no-untyped-def]
    yield from _settings(database_url, smtp, plain_server)


def cohort_at_checkins(settings: Settings) -> tuple[World, SimulatedClock]:
    world = build_world(settings)
    deliver_pending(settings)
    return world, SimulatedClock(world.checkins_due_at + timedelta(days=1))


def outlook_reply(world: World, smtp, settings: Settings, answer: str, index: int = 0):  # type: ignore[no-untyped-def]
    """(check-in id, participant's address, the raw reply to their signed address)."""
    checkin_id, person_id, email, subject, _ = sent_checkin(
        SimpleNamespace(world=world), smtp, index
    )
    to = reply_address(settings, person_id, "checkin", checkin_id)
    return checkin_id, email, replies.outlook(email, to, subject, answer, ORIGINAL)


def append(server: dovecot.Dovecot, raw: bytes) -> None:
    client = server.client()
    try:
        typ, _ = client.append("INBOX", None, None, raw)
        assert typ == "OK"
    finally:
        client.logout()


def message_ids(server: dovecot.Dovecot, folder: str) -> list[str]:
    """The Message-IDs of the messages in `folder` not marked deleted."""
    client = server.client()
    try:
        typ, _ = client.select(folder, readonly=True)
        if typ != "OK":
            return []
        _, found = client.uid("SEARCH", "UNDELETED")
        ids = []
        for uid in found[0].split():
            _, data = client.uid("FETCH", uid, "(BODY.PEEK[HEADER])")
            head = next(item[1] for item in data if isinstance(item, tuple))
            ids.append(str(BytesHeaderParser().parsebytes(head)["Message-ID"]))
        return ids
    finally:
        client.logout()


def message_id(raw: bytes) -> str:
    return str(BytesHeaderParser().parsebytes(raw)["Message-ID"])


def inbound_log(settings: Settings) -> list[tuple[str, str | None]]:
    with session_scope(settings.database_url) as session:
        rows = session.scalars(select(InboundReply).order_by(InboundReply.id))
        return [(r.outcome, r.answer) for r in rows]


def test_a_reply_in_the_inbox_is_recorded_and_moved_to_the_done_folder(
    imap_settings, smtp, server, caplog
):
    caplog.set_level(logging.DEBUG, logger="mentorat")
    world, clock = cohort_at_checkins(imap_settings)
    checkin_id, email, raw = outlook_reply(world, smtp, imap_settings, "Oui, on s’est vus mardi.")
    append(server, raw)
    with ReplyMailbox(imap_settings, clock=clock) as box:
        assert (box.supports_idle, box.supports_move, box.delimiter) == (True, True, ".")
        report = box.poll()
    assert (report.handled, report.refused, report.kept) == (1, 0, 0)
    assert dict(report.outcomes) == {"recorded": 1}
    row = checkin_row(SimpleNamespace(world=world), checkin_id)
    assert (row.status, row.met, row.channel) == ("answered", True, "email")
    assert inbound_log(imap_settings) == [("recorded", "vu")]
    assert message_ids(server, "INBOX") == []
    assert message_ids(server, DONE) == [message_id(raw)]
    assert message_ids(server, ERRORS) == []
    # Counts only: neither the password nor the participant reach the logs.
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("mentorat"))
    assert "imap poll: 1 handled" in ours
    assert server.password not in ours and email not in ours


def test_a_second_poll_records_nothing_and_a_crash_before_the_move_records_nothing_twice(
    imap_settings, smtp, server
):
    world, clock = cohort_at_checkins(imap_settings)
    _, _, first = outlook_reply(world, smtp, imap_settings, "Oui, on s’est vus.", index=0)
    _, _, second = outlook_reply(world, smtp, imap_settings, "Pas encore.", index=1)
    append(server, first)
    with ReplyMailbox(imap_settings, clock=clock) as box:
        assert box.poll().handled == 1
        again = box.poll()
        assert (again.handled, again.refused, again.kept) == (0, 0, 0)
        # A crash between handling and moving: handled, but still in the inbox.
        append(server, second)
        assert handle(imap_settings, second, now=clock.now()).outcome == "recorded"
        after_crash = box.poll()
    assert dict(after_crash.outcomes) == {"duplicate": 1}
    assert inbound_log(imap_settings) == [("recorded", "vu"), ("recorded", "pas-vu")]
    assert message_ids(server, "INBOX") == []
    assert message_ids(server, DONE) == [message_id(first), message_id(second)]


def test_an_unmatched_reply_is_moved_to_the_done_folder_and_reaches_the_operator(
    imap_settings, smtp, server
):
    world, clock = cohort_at_checkins(imap_settings)
    _, email, _ = outlook_reply(world, smtp, imap_settings, "")
    # From a participant, to the plain address, with no thread: tied to no request.
    raw = replies.gmail(email, imap_settings.sender_address, "Question", "Bonjour !", ORIGINAL)
    before = len(smtp.messages)
    append(server, raw)
    with ReplyMailbox(imap_settings, clock=clock) as box:
        report = box.poll()
    assert dict(report.outcomes) == {"unmatched": 1}
    assert inbound_log(imap_settings) == [("unmatched", None)]
    told = [m.message() for m in smtp.messages[before:]]
    assert [m["To"] for m in told] == [OPERATOR]
    assert email in told[0].get_body(("plain",)).get_content()
    assert message_ids(server, "INBOX") == [] and message_ids(server, DONE) == [message_id(raw)]


def test_a_poison_reply_is_stored_as_unclear_moved_and_shown_to_the_operator(
    imap_settings, smtp, server
):
    world, clock = cohort_at_checkins(imap_settings)
    checkin_id, person_id, email, *_ = sent_checkin(SimpleNamespace(world=world), smtp)
    raw = nul_byte(email, reply_address(imap_settings, person_id, "checkin", checkin_id))
    before = len(smtp.messages)
    append(server, raw)
    with ReplyMailbox(imap_settings, clock=clock) as box:
        assert dict(box.poll().outcomes) == {"unclear": 1}
    assert [m.message()["To"] for m in smtp.messages[before:]] == [OPERATOR]
    assert checkin_row(SimpleNamespace(world=world), checkin_id).status == "open"
    assert message_ids(server, "INBOX") == [] and len(message_ids(server, DONE)) == 1


REFUSE_SQLITE = """
CREATE TRIGGER refuse_inbound BEFORE INSERT ON inbound_reply
WHEN NEW.message_id LIKE '%refusez-moi%'
BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
"""
REFUSE_POSTGRESQL = [
    """
CREATE FUNCTION refuse_inbound() RETURNS trigger AS $$ BEGIN
  IF NEW.message_id LIKE '%refusez-moi%' THEN
    RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER refuse_inbound BEFORE INSERT ON inbound_reply "
    "FOR EACH ROW EXECUTE FUNCTION refuse_inbound()",
]


def test_a_message_the_handling_refuses_for_good_goes_to_the_error_folder_once(
    imap_settings, smtp, server
):
    world, clock = cohort_at_checkins(imap_settings)
    checkin_id, _, answered = outlook_reply(world, smtp, imap_settings, "Oui, on s’est vus.")
    refused = answered.replace(b"Message-ID: <", b"Message-ID: <refusez-moi.", 1)
    _, _, other = outlook_reply(world, smtp, imap_settings, "Pas encore.", index=1)
    # The database refuses to store this one message, whatever the handling tries.
    statements = REFUSE_SQLITE if "sqlite" in imap_settings.database_url else REFUSE_POSTGRESQL
    with engine_for(imap_settings.database_url).begin() as conn:
        for statement in [statements] if isinstance(statements, str) else statements:
            conn.execute(text(statement))
    append(server, refused)
    append(server, other)
    with ReplyMailbox(imap_settings, clock=clock) as box:
        report = box.poll()
        assert (report.handled, report.refused, report.kept) == (1, 1, 0)
        assert box.poll().refused == 0  # not retried
    assert inbound_log(imap_settings) == [("recorded", "pas-vu")]
    assert message_ids(server, "INBOX") == []
    assert message_ids(server, ERRORS) == [message_id(refused)]
    assert message_ids(server, DONE) == [message_id(other)]
    # The refused reply's answer was rolled back with its log row: both or neither.
    assert checkin_row(SimpleNamespace(world=world), checkin_id).status == "open"


def test_a_database_out_of_reach_leaves_the_reply_in_the_inbox_for_the_next_poll(
    imap_settings, smtp, server
):
    world, clock = cohort_at_checkins(imap_settings)
    checkin_id, _, raw = outlook_reply(world, smtp, imap_settings, "Oui, on s’est vus.")
    append(server, raw)
    away = imap_settings.model_copy(
        update={"database_url": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/absent"}
    )
    with ReplyMailbox(away, clock=clock) as box:
        report = box.poll()
    assert (report.handled, report.refused, report.kept) == (0, 0, 1)
    assert "base de données inaccessible" in report.summary(away)
    assert message_ids(server, "INBOX") == [message_id(raw)]
    with ReplyMailbox(imap_settings, clock=clock) as box:
        assert box.poll().handled == 1
    assert checkin_row(SimpleNamespace(world=world), checkin_id).status == "answered"
    assert message_ids(server, "INBOX") == []


def test_idle_wakes_the_reader_as_soon_as_a_reply_arrives(imap_settings, smtp, server):
    world, clock = cohort_at_checkins(imap_settings)
    checkin_id, _, raw = outlook_reply(world, smtp, imap_settings, "Oui, on s’est vus.")
    with ReplyMailbox(imap_settings, clock=clock) as box:
        threading.Timer(0.5, append, (server, raw)).start()
        started = time.monotonic()
        assert box.wait(30) is True  # one IDLE cycle
        assert time.monotonic() - started < 10
        assert box.poll().handled == 1
    assert checkin_row(SimpleNamespace(world=world), checkin_id).status == "answered"


def test_the_watch_loop_records_a_reply_within_seconds_with_idle(imap_settings, smtp, server):
    world, clock = cohort_at_checkins(imap_settings)
    checkin_id, _, raw = outlook_reply(world, smtp, imap_settings, "Oui, on s’est vus.")
    slow = imap_settings.model_copy(update={"imap_poll_seconds": 60.0})
    said: list[str] = []
    stop = threading.Event()
    loop = threading.Thread(
        target=watch, args=(slow,), kwargs={"stop": stop, "tell": said.append, "clock": clock}
    )
    loop.start()
    try:
        _until(lambda: said, 10)
        append(server, raw)
        started = time.monotonic()
        _until(
            lambda: checkin_row(SimpleNamespace(world=world), checkin_id).status == "answered", 10
        )
        assert time.monotonic() - started < 10  # well before the 60 s poll: IDLE woke it
        _until(lambda: len(said) >= 2, 5)
    finally:
        stop.set()
        loop.join(10)
    assert not loop.is_alive()
    assert said[0] == "Lecture de la boîte IMAP 127.0.0.1 (IDLE)."
    assert said[1] == "1 réponse traitée, rangée dans «\u00a0Mentorat/Traités\u00a0»."
    assert [faults(line) for line in said] == [[] for _ in said]


def test_without_idle_nor_move_the_mailbox_is_polled_and_mail_copied_then_expunged(
    plain_settings, smtp, plain_server
):
    world, clock = cohort_at_checkins(plain_settings)
    checkin_id, _, raw = outlook_reply(world, smtp, plain_settings, "Oui, on s’est vus.")
    fast = plain_settings.model_copy(update={"imap_poll_seconds": 1.0})
    with ReplyMailbox(fast, clock=clock) as box:
        assert (box.supports_idle, box.supports_move) == (False, False)
        started = time.monotonic()
        assert box.wait(0.5) is False
        assert 0.4 < time.monotonic() - started < 5
    said: list[str] = []
    stop = threading.Event()
    loop = threading.Thread(
        target=watch, args=(fast,), kwargs={"stop": stop, "tell": said.append, "clock": clock}
    )
    loop.start()
    try:
        _until(lambda: said, 10)
        append(plain_server, raw)
        _until(
            lambda: checkin_row(SimpleNamespace(world=world), checkin_id).status == "answered", 10
        )
    finally:
        stop.set()
        loop.join(10)
    assert said[0] == "Lecture de la boîte IMAP 127.0.0.1 (toutes les 1\u00a0s)."
    # Copied, then expunged from the inbox: no copy left behind, even marked deleted.
    client = plain_server.client()
    try:
        typ, count = client.select("INBOX", readonly=True)
        assert (typ, count) == ("OK", [b"0"])
    finally:
        client.logout()
    assert message_ids(plain_server, DONE) == [message_id(raw)]


def test_the_watch_loop_opens_the_connection_again_after_the_server_restarts(imap_settings, smtp):
    world, clock = cohort_at_checkins(imap_settings)
    checkin_id, _, raw = outlook_reply(world, smtp, imap_settings, "Oui, on s’est vus.")
    said: list[str] = []
    stop = threading.Event()
    with dovecot.running_dovecot() as first:
        port = first.port
        fast = imap_settings.model_copy(update={"imap_port": port, "imap_poll_seconds": 1.0})
        loop = threading.Thread(
            target=watch, args=(fast,), kwargs={"stop": stop, "tell": said.append, "clock": clock}
        )
        loop.start()
        _until(lambda: said, 10)
    try:
        _until(lambda: len(said) >= 2, 10)  # the loss is said, and the loop goes on
        assert loop.is_alive()
        with dovecot.running_dovecot(port=port) as second:
            append(second, raw)
            _until(
                lambda: checkin_row(SimpleNamespace(world=world), checkin_id).status == "answered",
                15,
            )
            stop.set()
            loop.join(10)
    finally:
        stop.set()
        loop.join(10)
    assert not loop.is_alive()
    assert "Nouvel essai dans 1\u00a0s." in said[1]
    assert "1 réponse traitée, rangée dans «\u00a0Mentorat/Traités\u00a0»." in said


def _until(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


# -- the operator's command ---------------------------------------------------------------------

runner = CliRunner()


def _cli(monkeypatch, **env: str):  # type: ignore[no-untyped-def]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return runner.invoke(app, ["inbound", "--imap", "--once"])


def test_the_command_reads_the_mailbox_once_and_says_what_it_did(
    imap_settings, smtp, server, monkeypatch
):
    world, clock = cohort_at_checkins(imap_settings)
    _, _, raw = outlook_reply(world, smtp, imap_settings, "Oui, on s’est vus.")
    append(server, raw)
    result = _cli(monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.output == "1 réponse traitée, rangée dans «\u00a0Mentorat/Traités\u00a0».\n"
    assert _cli(monkeypatch).output == "Aucune réponse dans la boîte.\n"


def test_a_wrong_password_is_said_in_french_without_traceback_nor_password(
    sqlite_settings, server, monkeypatch
):
    result = _cli(monkeypatch, MENTORAT_IMAP_PASSWORD="mauvais-mot-de-passe-51")
    assert result.exit_code == 1
    assert "a refusé l’identifiant ou le mot de passe" in result.output
    assert "Traceback" not in result.output and "mauvais-mot-de-passe-51" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("env", "said"),
    [
        (
            {"MENTORAT_IMAP_PORT": "1"},
            "Le serveur IMAP 127.0.0.1:1 est injoignable (connexion refusée).",
        ),
        ({"MENTORAT_IMAP_HOST": "imap.invalid"}, "le nom «\u00a0imap.invalid\u00a0» est inconnu"),
        ({"MENTORAT_IMAP_SECURITY": "ssl"}, "La connexion chiffrée au serveur IMAP"),
        ({"MENTORAT_IMAP_SECURITY": "starttls"}, "ne propose pas STARTTLS"),
        ({"MENTORAT_IMAP_FOLDER": "Absent"}, "Le dossier «\u00a0Absent\u00a0» n’existe pas"),
        ({"MENTORAT_IMAP_HOST": ""}, "La lecture d’une boîte IMAP demande MENTORAT_IMAP_HOST."),
    ],
)
def test_a_server_out_of_reach_or_a_wrong_setting_is_said_in_french(
    sqlite_settings, server, monkeypatch, env, said
):
    result = _cli(monkeypatch, **env)
    assert result.exit_code == 1, result.output
    assert said in result.output
    assert "Traceback" not in result.output and server.password not in result.output
    assert faults(result.output) == []


def test_every_message_for_the_operator_follows_french_typography(sqlite_settings, server):
    from mentorat.inbound.imap import PollReport

    report = PollReport(handled=2, refused=1, kept=3)
    assert faults(report.summary(sqlite_settings)) == []
    with pytest.raises(ImapError) as refused:
        ReplyMailbox(sqlite_settings.model_copy(update={"imap_user": None}))
    assert refused.value.permanent and faults(str(refused.value)) == []


def test_a_clear_text_password_to_a_distant_server_is_refused_in_production(monkeypatch):
    from mentorat.settings import SettingsError, load_settings

    monkeypatch.setenv("MENTORAT_ENVIRONMENT", "production")
    monkeypatch.setenv("MENTORAT_SECRET_KEY", "kQ2v9-Zx7pL0m_Ry3tWc8nB1sD4fGh6jKa5eUo")
    monkeypatch.setenv("MENTORAT_IMAP_HOST", "imap.ministere.exemple.fr")
    monkeypatch.setenv("MENTORAT_IMAP_SECURITY", "none")
    with pytest.raises(SettingsError, match="MENTORAT_IMAP_SECURITY=none"):
        load_settings()
    monkeypatch.setenv("MENTORAT_IMAP_SECURITY", "ssl")
    assert load_settings().imap_port_or_default == 993
    monkeypatch.setenv("MENTORAT_IMAP_DONE_FOLDER", "INBOX")  # would read its own mail again
    with pytest.raises(SettingsError, match="trois dossiers différents"):
        load_settings()


def test_the_wrong_password_never_reaches_the_imap_error(sqlite_settings, server):
    wrong = sqlite_settings.model_copy(update={"imap_password": SecretStr("secret-qui-fuit-93")})
    with pytest.raises(ImapError) as refused:
        ReplyMailbox(wrong).open()
    assert refused.value.permanent and refused.value.__suppress_context__
    assert "secret-qui-fuit-93" not in str(refused.value)
