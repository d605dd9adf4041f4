"""Send claimed outbox rows over a few SMTP connections.

Each row ends in one of four ways: accepted (recorded as sent before the connection sends
the next one), refused for good (5xx: the address is marked failing and the operator is
alerted), refused for now by this recipient's server (4xx at RCPT or DATA: only this row
waits, see deferral.py) or not delivered because the connection is unusable (a lost
connection, a timeout, 421, our sender refused): the row goes back to pending and the
batch stops with SmtpUnavailable, which the Prefect task retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

import aiosmtplib
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from mentorat.delivery.errors import (
    DeliveryError,
    DeliveryNotConfigured,
    SmtpUnavailable,
    database_error,
    outcome,
    smtp_code,
)
from mentorat.delivery.ledger import Ledger, RecordFailed, claim, wall_now
from mentorat.delivery.report import DeliveryReport
from mentorat.mail import Attachment, Rendered
from mentorat.mail.raw import build_raw
from mentorat.settings import Settings
from models import OutboxMessage

log = logging.getLogger(__name__)

SMTP_ERRORS = (aiosmtplib.SMTPException, OSError, TimeoutError)


class _ConnectionUnusable(Exception):
    """The connection cannot carry this message; `code` says why (no server text)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def raw_message(row: OutboxMessage, settings: Settings) -> bytes:
    """The message as sent: built from the outbox row alone, so a retry sends the same."""
    attachments = []
    if row.ics:
        # A cancellation says so in its MIME type too (RFC 6047): METHOD:CANCEL.
        method = "CANCEL" if b"METHOD:CANCEL" in row.ics else "REQUEST"
        attachments.append(Attachment.invitation(row.ics, method))
    return build_raw(
        rendered=Rendered(subject=row.subject, text=row.body_text, html=row.body_html),
        sender=settings.mail_from,
        to=row.to_addr,
        message_id=row.message_id,
        date=row.created_at,
        reply_to=row.reply_to,
        attachments=attachments,
        # Ids only: lets the tests, the demo summary and mail filters sort messages.
        headers={"X-Mentorat-Kind": row.kind, "X-Mentorat-Step": row.step},
    )


def reserved_domain_refusal(address: str) -> str | None:
    """The permanent error for an address no relay can deliver (on `.invalid`), else None.

    The reserved `.invalid` domain (RFC 6761) never resolves, and the demo's bouncing
    participant lives there, so the bounce shows whatever relay the demo sends through."""
    domain = address.rpartition("@")[2].strip().rstrip(">").rstrip(".").lower()
    if domain == "invalid" or domain.endswith(".invalid"):
        return (
            f"550 5.1.2 domaine réservé {domain} (RFC 6761) : "
            "adresse jamais distribuable, rien n’a été envoyé"
        )
    return None


def _server_reply(exc: BaseException) -> str:
    """The server's full reply, kept in the database for the operator (never in Prefect)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}"
    return smtp_code(exc)


async def _connect(settings: Settings) -> aiosmtplib.SMTP:
    smtp = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        timeout=settings.smtp_timeout,
        start_tls=settings.smtp_starttls,
        use_tls=False,
    )
    try:
        await smtp.connect()
        if settings.smtp_username:
            secret = settings.smtp_password
            await smtp.login(settings.smtp_username, secret.get_secret_value() if secret else "")
    except SMTP_ERRORS as exc:
        smtp.close()
        raise _ConnectionUnusable(smtp_code(exc)) from None
    return smtp


async def _transmit(
    smtp: aiosmtplib.SMTP,
    sender: str,
    row: OutboxMessage,
    raw: bytes,
    previous: asyncio.Future[None] | None,
) -> None:
    """One message: MAIL and RCPT, then DATA once the connection's previous message is
    recorded as sent. The wait overlaps two round trips, and a crash still leaves at most one
    accepted, unrecorded message per connection."""
    try:
        await smtp.mail(sender)
        await smtp.rcpt(row.to_addr)
        if previous is not None:
            await previous
        await smtp.data(raw)
    except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
        # Reset the transaction so the connection stays usable for the next one.
        with contextlib.suppress(*SMTP_ERRORS):
            await smtp.rset()
        raise


async def _send_rows(
    rows: list[OutboxMessage], settings: Settings, ledger: Ledger, report: DeliveryReport
) -> str | None:
    """Send the rows; returns why the connections stopped early (a code), or None."""
    queue = deque(rows)
    failing_people: set[int] = set()

    async def one(
        smtp: aiosmtplib.SMTP, row: OutboxMessage, previous: asyncio.Future[None] | None
    ) -> asyncio.Future[None] | None:
        """Sends or settles one row; returns the pending record of what was accepted."""
        if row.person_id in failing_people:
            await ledger.cancel(row)
            report.cancelled += 1
            return previous
        refusal = reserved_domain_refusal(row.to_addr)
        if refusal is None:
            try:
                raw = raw_message(row, settings)
                await _transmit(smtp, settings.sender_address, row, raw, previous)
            except ValueError:
                # aiosmtplib will not put this address in an envelope (it is not ASCII, or
                # not one address): no server ever will take it from us.
                refusal = "553 5.1.3 adresse non transmissible au serveur SMTP"
            except SMTP_ERRORS as exc:
                kind = outcome(exc)
                if kind == "connection":
                    raise _ConnectionUnusable(smtp_code(exc)) from None
                if kind == "defer":
                    await ledger.defer(row, smtp_code(exc))
                    report.deferred += 1
                    return previous
                refusal = _server_reply(exc)
            else:
                report.sent += 1
                return ledger.record_sent(row.id)
        # Permanent: the address is marked failing (the operator is alerted), nothing more goes.
        await ledger.bounce(row, refusal)
        report.bounced += 1
        if row.person_id is not None:
            failing_people.add(row.person_id)
        return previous

    async def connection() -> None:
        smtp: aiosmtplib.SMTP | None = None
        fresh = False
        recorded: asyncio.Future[None] | None = None
        try:
            while queue and ledger.failure is None:
                if smtp is None:
                    smtp, fresh = await _connect(settings), True
                row = queue.popleft()
                try:
                    recorded = await one(smtp, row, recorded)
                except _ConnectionUnusable:
                    # Not delivered (or its answer lost): another connection or run takes it.
                    queue.appendleft(row)
                    smtp.close()
                    smtp = None
                    if fresh:
                        raise  # a new connection fails at once: the server is unavailable
                    continue  # an old one may have been closed by the server: open another
                fresh = False
            if recorded is not None:
                await recorded
        finally:
            if recorded is not None:
                # Leaving on an error: the last record still lands (or fails: then
                # ledger.failure says so) before the batch ends.
                await asyncio.wait([recorded])
                recorded.exception()
            if smtp is not None:
                with contextlib.suppress(*SMTP_ERRORS):
                    await smtp.quit()

    count = min(settings.smtp_connections, max(1, len(rows) // 20 + 1))
    results = await asyncio.gather(*(connection() for _ in range(count)), return_exceptions=True)
    stopped: str | None = None
    for result in results:
        if isinstance(result, RecordFailed):
            continue  # ledger.failure says why
        if isinstance(result, _ConnectionUnusable):
            stopped = stopped or result.code
        elif isinstance(result, BaseException):
            raise result
    return stopped


def send_batch(
    session_maker: sessionmaker[Session],
    settings: Settings,
    *,
    cohort_id: int | None = None,
    now: Callable[[], datetime] = wall_now,
    report: DeliveryReport | None = None,
) -> tuple[DeliveryReport, bool]:
    """Claim and send one batch. Returns the report (`report`, added to) and whether rows
    were claimed. Raises SmtpUnavailable, DeliveryDatabaseError (both transient) or
    DeliveryNotConfigured; their messages hold codes and counts only."""
    if not settings.smtp_host:
        raise DeliveryNotConfigured(
            "MENTORAT_SMTP_HOST n’est pas défini : aucun serveur pour envoyer les courriels "
            "(les messages restent en attente)."
        )
    report = report if report is not None else DeliveryReport()
    try:
        token, rows = claim(
            session_maker,
            limit=settings.send_batch_size,
            lease_seconds=settings.send_lease_seconds,
            cohort_id=cohort_id,
            now=now,
        )
    except SQLAlchemyError as exc:
        raise database_error(exc, "la réservation des messages", report) from None
    if not rows:
        return report, False
    alert_after = timedelta(hours=settings.defer_alert_hours)
    ledger = Ledger(session_maker, token, now=now, alert_after=alert_after)
    try:
        stopped = asyncio.run(_send_rows(rows, settings, ledger, report))
    except Exception as exc:
        # A bug: its text may quote a row; the process log has the traceback, Prefect not.
        log.exception("delivery: unexpected error on claim %s", token)
        raise DeliveryError(
            f"Erreur inattendue pendant l’envoi ({type(exc).__name__}) : {report.summary()} ; "
            "détail dans le journal du processus."
        ) from None
    finally:
        ledger.release()
    if ledger.failure is not None:
        log.warning(
            "delivery: database lost while recording (%s); %d accepted rows left claimed",
            type(ledger.failure).__name__,
            len(ledger.accepted_unrecorded),
        )
        raise database_error(ledger.failure, "l’enregistrement des envois", report) from None
    if stopped is not None:
        log.warning("delivery: SMTP server unavailable (%s) after %d sent", stopped, report.sent)
        raise SmtpUnavailable(
            f"Serveur SMTP indisponible ({stopped}) : {report.summary()} ; "
            "les autres messages restent en attente.",
            report,
        )
    return report, True


def send_pending(
    session_maker: sessionmaker[Session],
    settings: Settings,
    *,
    cohort_id: int | None = None,
    now: Callable[[], datetime] = wall_now,
) -> DeliveryReport:
    """Send batches until nothing is left to claim now (deferred rows wait for their time)."""
    total = DeliveryReport()
    while True:
        _, claimed = send_batch(session_maker, settings, cohort_id=cohort_id, now=now, report=total)
        if not claimed:
            return total
