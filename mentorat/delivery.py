"""Send claimed outbox rows over SMTP.

The database is the work queue (as in healthchecks' sendreports): a batch is claimed with a
conditional UPDATE, so two senders never take the same row, and a claim left by a crashed
sender expires after a lease and is taken again. Transient SMTP failures (4xx, lost
connections, a server that is down) release the batch and raise, so that the Prefect task
retries with backoff; permanent ones (5xx) mark the address as failing and alert the operator.

Delivery is at-least-once only in one narrow window: a crash after the server accepted a
message and before its row is marked sent. The Message-ID is deterministic, so a receiver
that sees the message again sees the same id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosmtplib
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from mentorat.mail import Attachment, Rendered
from mentorat.mail.raw import build_raw
from mentorat.settings import Settings
from models import OutboxMessage, Person

log = logging.getLogger(__name__)


class TransientDeliveryError(RuntimeError):
    """The SMTP server could not take the batch now; try again later."""


@dataclass
class DeliveryReport:
    sent: int = 0
    bounced: int = 0
    cancelled: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.bounced += other.bounced
        self.cancelled += other.cancelled


def _wall_now() -> datetime:
    # Leases are about real processes crashing, so they use the real clock, not the cohort's.
    return datetime.now(UTC)


def claim(
    session_maker: sessionmaker[Session],
    *,
    limit: int,
    lease_seconds: int,
    cohort_id: int | None = None,
    now: Callable[[], datetime] = _wall_now,
) -> tuple[str, list[OutboxMessage]]:
    """Claim up to `limit` sendable rows; returns the claim token and the rows claimed."""
    token = str(uuid.uuid4())
    moment = now()
    claimable = or_(
        OutboxMessage.status == "pending",
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < moment),
    )
    with session_maker() as session, session.begin():
        # An address that bounced permanently gets nothing more: say so on its rows.
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == "pending",
                OutboxMessage.person_id.in_(
                    select(Person.id).where(Person.email_status == "failing")
                ),
            )
            .values(status="cancelled", last_error="adresse en échec")
            .execution_options(synchronize_session=False)
        )
        query = select(OutboxMessage.id).where(claimable).order_by(OutboxMessage.id).limit(limit)
        if cohort_id is not None:
            query = query.where(OutboxMessage.cohort_id == cohort_id)
        ids = list(session.scalars(query))
        if not ids:
            return token, []
        # The WHERE repeats the condition: a row another sender claimed meanwhile is skipped.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), claimable)
            .values(
                status="sending",
                claim_token=token,
                claimed_until=moment + timedelta(seconds=lease_seconds),
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    with session_maker() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.claim_token == token, OutboxMessage.status == "sending")
                .order_by(OutboxMessage.id)
            )
        )
        session.expunge_all()
    return token, rows


def raw_message(row: OutboxMessage, settings: Settings) -> bytes:
    """The message as sent: built from the outbox row alone, so a retry sends the same."""
    attachments = []
    if row.ics:
        attachments.append(Attachment.invitation(row.ics))
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


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= r.code < 600 for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return 500 <= exc.code < 600
    return False


class _Marker:
    """Records outcomes in small batches: fewer round trips, a short at-least-once window."""

    def __init__(self, session_maker: sessionmaker[Session], token: str) -> None:
        self.session_maker = session_maker
        self.token = token
        self.sent: list[int] = []

    def flush(self) -> None:
        if not self.sent:
            return
        ids, self.sent = self.sent, []
        with self.session_maker() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == self.token)
                .values(status="sent", sent_at=_wall_now(), claim_token=None, last_error=None)
                .execution_options(synchronize_session=False)
            )

    def bounce(self, row: OutboxMessage, error: str) -> None:
        with self.session_maker() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == self.token)
                .values(status="failed", claim_token=None, last_error=error[:500])
                .execution_options(synchronize_session=False)
            )
            if row.person_id is not None:
                session.execute(
                    update(Person)
                    .where(Person.id == row.person_id)
                    .values(email_status="failing", email_error=error[:500])
                )

    def cancel(self, row: OutboxMessage) -> None:
        with self.session_maker() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == self.token)
                .values(status="cancelled", claim_token=None, last_error="adresse en échec")
                .execution_options(synchronize_session=False)
            )

    def release(self) -> None:
        """Give back what was claimed and not sent: the next attempt takes it."""
        with self.session_maker() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.claim_token == self.token, OutboxMessage.status == "sending")
                .values(status="pending", claim_token=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )


async def _send_rows(
    rows: list[OutboxMessage], settings: Settings, marker: _Marker, report: DeliveryReport
) -> None:
    queue: asyncio.Queue[OutboxMessage] = asyncio.Queue()
    for row in rows:
        queue.put_nowait(row)
    failing_people: set[int] = set()

    async def worker() -> None:
        smtp = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            timeout=settings.smtp_timeout,
            start_tls=settings.smtp_starttls,
            use_tls=False,
        )
        await smtp.connect()
        if settings.smtp_username:
            await smtp.login(settings.smtp_username, settings.smtp_password or "")
        try:
            while not queue.empty():
                row = queue.get_nowait()
                if row.person_id in failing_people:
                    marker.cancel(row)
                    report.cancelled += 1
                    continue
                try:
                    await smtp.sendmail(
                        settings.sender_address, [row.to_addr], raw_message(row, settings)
                    )
                except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as exc:
                    if not _is_permanent(exc):
                        raise
                    # Reset the transaction so the connection stays usable for the next one.
                    await smtp.rset()
                    marker.bounce(row, str(exc))
                    report.bounced += 1
                    if row.person_id is not None:
                        failing_people.add(row.person_id)
                    continue
                marker.sent.append(row.id)
                report.sent += 1
                if len(marker.sent) >= 100:
                    marker.flush()
        finally:
            with contextlib.suppress(aiosmtplib.SMTPException):
                await smtp.quit()

    workers = min(settings.smtp_connections, max(1, len(rows) // 20 + 1))
    results = await asyncio.gather(*(worker() for _ in range(workers)), return_exceptions=True)
    marker.flush()
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        raise errors[0]


def send_batch(
    session_maker: sessionmaker[Session], settings: Settings, *, cohort_id: int | None = None
) -> tuple[DeliveryReport, bool]:
    """Claim and send one batch. Returns the report and whether rows were claimed."""
    if not settings.smtp_host:
        raise RuntimeError("MENTORAT_SMTP_HOST is not set: nowhere to send emails")
    token, rows = claim(
        session_maker,
        limit=settings.send_batch_size,
        lease_seconds=settings.send_lease_seconds,
        cohort_id=cohort_id,
    )
    report = DeliveryReport()
    if not rows:
        return report, False
    marker = _Marker(session_maker, token)
    try:
        asyncio.run(_send_rows(rows, settings, marker, report))
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        marker.flush()
        marker.release()
        log.warning("SMTP delivery interrupted after %d sent: %s", report.sent, type(exc).__name__)
        raise TransientDeliveryError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        # On any other error (a bug), leave nothing stuck in "sending" until the lease ends.
        marker.release()
    return report, True


def send_pending(
    session_maker: sessionmaker[Session], settings: Settings, *, cohort_id: int | None = None
) -> DeliveryReport:
    """Send batches until nothing is left to claim."""
    total = DeliveryReport()
    while True:
        report, claimed = send_batch(session_maker, settings, cohort_id=cohort_id)
        total.add(report)
        if not claimed:
            return total
