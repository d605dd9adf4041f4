"""Replies read from an IMAP mailbox, for organisations that give Mentorat a mailbox
(Exchange, Zimbra, Microsoft 365, Dovecot) rather than route its mail to the LMTP listener.

Each message of the watched folder is fed, as its raw bytes, to the listener's own handling
(`inbound.process.handle`), then moved to the done folder (MOVE where the server offers it,
else COPY, \\Deleted and EXPUNGE). The handling logs every message by Message-ID in the
same transaction as the answer it carries, so a crash between handling and moving leaves
the message in the folder, and the next poll reads it as a duplicate (nothing is recorded
twice) and moves it: that is the one at-least-once window, and it is harmless. A database
that cannot be reached leaves the message where it is for the next poll; a message the
handling refuses for good goes to the error folder, so it is never retried for ever.

The watched folder must be Mentorat's own: every message in it is read as a reply.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser

from imap_tools import BaseMailBox, MailBox, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxLoginError

from mentorat.clock import Clock, SystemClock
from mentorat.inbound.imap_errors import ImapError, login_refused, translated
from mentorat.inbound.process import handle, is_transient
from mentorat.inbound.reading import MAX_READ_BYTES
from mentorat.settings import Settings

log = logging.getLogger(__name__)
# Beyond this a message is read from its first bytes: the handling then stores it from its
# headers and shows it to the operator (inbound.reading, « too_large »).
FETCH_LIMIT = MAX_READ_BYTES + 1


@dataclass
class PollReport:
    handled: int = 0  # moved to the done folder
    refused: int = 0  # moved to the error folder
    kept: int = 0  # left in the folder: the database could not be reached
    outcomes: Counter[str] = field(default_factory=Counter)

    def summary(self, settings: Settings) -> str:
        """One French line for the operator (counts only), or "" when nothing was read."""
        parts = []
        if self.handled:
            parts.append(
                f"{_count(self.handled, 'réponse traitée', 'réponses traitées')}, rangée"
                f"{'s' if self.handled > 1 else ''} dans «\u00a0{settings.imap_done_folder}\u00a0»"
            )
        if self.refused:
            parts.append(
                f"{_count(self.refused, 'message refusé', 'messages refusés')}, rangé"
                f"{'s' if self.refused > 1 else ''} dans «\u00a0{settings.imap_error_folder}\u00a0»"
            )
        if self.kept:
            parts.append(
                f"{_count(self.kept, 'message laissé', 'messages laissés')} dans la boîte "
                "(base de données inaccessible\u00a0: nouvel essai au prochain passage)"
            )
        return "\u00a0; ".join(parts) + ("." if parts else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class _Opened(BaseMailBox):
    """imap-tools over a client we connected ourselves (STARTTLS, checked first)."""

    def __init__(self, client: imaplib.IMAP4) -> None:
        self._client = client
        super().__init__()

    def _get_mailbox_client(self) -> imaplib.IMAP4:
        return self._client


class ReplyMailbox:
    """`with ReplyMailbox(settings) as box: box.poll()`, then `box.wait(...)` for more."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        missing = [
            name
            for name, value in (
                ("MENTORAT_IMAP_HOST", settings.imap_host),
                ("MENTORAT_IMAP_USER", settings.imap_user),
                ("MENTORAT_IMAP_PASSWORD", settings.imap_password),
            )
            if not value
        ]
        if missing:
            raise ImapError(
                "La lecture d’une boîte IMAP demande " + ", ".join(missing) + ".", permanent=True
            )
        self.settings = settings
        self.clock = clock or SystemClock(settings.clock_speed, settings.clock_origin)
        self._box: BaseMailBox | None = None
        self.capabilities: frozenset[str] = frozenset()
        self.delimiter = "/"

    # -- connection -------------------------------------------------------------------------

    def open(self) -> ReplyMailbox:
        settings = self.settings
        host, port = settings.imap_host or "", settings.imap_port_or_default
        with translated(settings):
            self._box = box = self._connect(host, port)
            user, secret = settings.imap_user or "", settings.imap_password
            password = secret.get_secret_value() if secret else ""
            try:
                if (user + password).isascii():
                    box.login(user, password, initial_folder=None)
                else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
                    box.login_utf8(user, password, initial_folder=None)
            except imaplib.IMAP4.abort:
                raise
            except (imaplib.IMAP4.error, MailboxLoginError):
                raise login_refused(settings) from None
            # The greeting's list predates the login: most servers announce MOVE only after.
            _, data = box.client.capability()
            self.capabilities = frozenset(data[-1].decode("ascii", "replace").upper().split())
            box.client.capabilities = tuple(self.capabilities)
            _, listed = box.client.list('""', '""')
            self.delimiter = _delimiter(listed[0] if listed else None)
            self._select(settings.imap_folder, "MENTORAT_IMAP_FOLDER")
            for name in (settings.imap_done_folder, settings.imap_error_folder):
                self._ensure(self.server_name(name))
        return self

    def _connect(self, host: str, port: int) -> BaseMailBox:
        timeout, security = self.settings.imap_timeout, self.settings.imap_security
        if security == "ssl":
            return MailBox(host, port, timeout=timeout, ssl_context=ssl.create_default_context())
        if security == "none":
            return MailBoxUnencrypted(host, port, timeout=timeout)
        client = imaplib.IMAP4(host, port, timeout=timeout)
        if "STARTTLS" not in client.capabilities:
            client.shutdown()
            raise ImapError(
                f"Le serveur IMAP {host}:{port} ne propose pas STARTTLS (MENTORAT_IMAP_SECURITY).",
                permanent=True,
            )
        client.starttls(ssl.create_default_context())
        return _Opened(client)

    def close(self) -> None:
        box, self._box = self._box, None
        if box is not None:
            with suppress(Exception):  # already gone: nothing to close
                box.logout()

    def __enter__(self) -> ReplyMailbox:
        try:
            return self.open()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def box(self) -> BaseMailBox:
        if self._box is None:
            raise RuntimeError("ReplyMailbox is not open")
        return self._box

    @property
    def supports_idle(self) -> bool:
        return "IDLE" in self.capabilities

    @property
    def supports_move(self) -> bool:
        return "MOVE" in self.capabilities

    def server_name(self, name: str) -> str:
        """A folder written with « / » between levels, in the server's own separator."""
        return self.delimiter.join(name.split("/"))

    def _select(self, name: str, setting: str) -> None:
        try:
            self.box.folder.set(self.server_name(name))
        except ImapToolsError:
            raise ImapError(
                f"Le dossier «\u00a0{name}\u00a0» n’existe pas sur le serveur IMAP ({setting}).",
                permanent=True,
            ) from None

    def _ensure(self, name: str) -> None:
        if not self.box.folder.exists(name):
            self.box.folder.create(name)
            # Shown in the operator's mail client; some servers refuse, that is fine.
            with suppress(ImapToolsError):
                self.box.folder.subscribe(name, True)

    # -- work -------------------------------------------------------------------------------

    def poll(self) -> PollReport:
        """Handle every message in the folder once, oldest first."""
        report = PollReport()
        with translated(self.settings):
            self.box.client.noop()  # mail appended since the last command becomes visible
            for uid in self.box.uids("UNDELETED"):
                raw = self._fetch(uid)
                if raw is None:  # moved away by someone else meanwhile
                    continue
                try:
                    outcome = handle(
                        self.settings,
                        raw,
                        now=self.clock.now(),
                        recipients=[],  # To, Cc and Delivered-To are read from the headers
                        envelope_sender=_return_path(raw),
                    )
                except Exception as exc:
                    log.warning("imap reply not stored: %s", type(exc).__name__)
                    if is_transient(exc):  # the database is away: the rest would fail too
                        report.kept += 1
                        break
                    self._move(uid, self.settings.imap_error_folder)
                    report.refused += 1
                    continue
                self._move(uid, self.settings.imap_done_folder)
                report.handled += 1
                report.outcomes[outcome.outcome] += 1
        if report.handled or report.refused or report.kept:
            log.info(
                "imap poll: %d handled, %d refused, %d kept",
                report.handled,
                report.refused,
                report.kept,
            )
        return report

    def wait(self, seconds: float, stop: threading.Event | None = None) -> bool:
        """Until new mail (IDLE), `seconds` or `stop`; True when the server announced mail."""
        stop = stop or threading.Event()
        if not self.supports_idle:
            stop.wait(seconds)
            return False
        deadline = time.monotonic() + seconds
        with translated(self.settings):
            self.box.idle.start()
            try:
                while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
                    lines = self.box.idle.poll(timeout=min(1.0, left))
                    if any(line.startswith(b"* BYE") for line in lines):
                        raise ConnectionError("the server closed the session")
                    if any(b"EXISTS" in line or b"RECENT" in line for line in lines):
                        return True
            finally:
                self.box.idle.stop()
        return False

    def _fetch(self, uid: str) -> bytes | None:
        _, data = self.box.client.uid("FETCH", uid, f"(BODY.PEEK[]<0.{FETCH_LIMIT}>)")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        return None

    def _move(self, uid: str, folder: str) -> None:
        name = self.server_name(folder)
        if self.supports_move:
            self.box.move(uid, name)
            return
        # A crash between COPY and EXPUNGE leaves a second copy in `folder` at worst: the
        # message is handled again as a duplicate, never recorded twice.
        self.box.copy(uid, name)
        _ok(self.box.client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
        if "UIDPLUS" in self.capabilities:  # only this message, not others marked deleted
            _ok(self.box.client.uid("EXPUNGE", uid))
        else:
            _ok(self.box.client.expunge())


def _ok(result: tuple[str, object]) -> None:
    if result[0] != "OK":
        raise imaplib.IMAP4.error("command refused")  # translated() says it in French


def _delimiter(listed: object) -> str:
    # b'(\\Noselect) "." ""' -> "."; NIL (a flat server) keeps « / ».
    text = listed.decode("utf-8", "replace") if isinstance(listed, bytes) else ""
    parts = text.split('"')
    return parts[1] if len(parts) >= 3 and len(parts[1]) == 1 else "/"


def _return_path(raw: bytes) -> str | None:
    """The envelope sender the delivering server wrote down (« <> » for a bounce)."""
    try:
        value = BytesHeaderParser().parsebytes(raw[:262_144]).get("Return-Path")
    except Exception:  # unreadable headers: the handling copes with them
        return None
    return str(value) if value is not None else None


def watch(
    settings: Settings,
    *,
    stop: threading.Event,
    tell: Callable[[str], None],
    clock: Clock | None = None,
) -> None:
    """Read the mailbox until `stop` is set: IDLE where offered, else every
    MENTORAT_IMAP_POLL_SECONDS. Raises ImapError when the first connection fails or a setting
    is refused; a connection lost later is opened again after the same delay."""
    connected = False
    while not stop.is_set():
        try:
            with ReplyMailbox(settings, clock=clock) as box:
                if not connected:
                    every = f"toutes les {settings.imap_poll_seconds:g}\u00a0s"
                    how = "IDLE" if box.supports_idle else every
                    tell(f"Lecture de la boîte IMAP {settings.imap_host} ({how}).")
                connected = True
                while not stop.is_set():
                    line = box.poll().summary(settings)
                    if line:
                        tell(line)
                    box.wait(settings.imap_poll_seconds, stop)
        except ImapError as exc:
            if exc.permanent or not connected:
                raise
            tell(f"{exc} Nouvel essai dans {settings.imap_poll_seconds:g}\u00a0s.")
            stop.wait(settings.imap_poll_seconds)
