"""What can go wrong while delivering, told with codes, counts and row ids only.

These exceptions reach Prefect (task states, logs, the flow's state): an SMTP server's text
often quotes the recipient's address ("450 4.2.2 <jean.dupont@…> mailbox full"), and a
database error quotes its SQL parameters. So no message here ever holds a server's or a
driver's text, and every one is raised `from None`, so that no chained exception carries it
into a traceback either.
"""

from __future__ import annotations

import re
from typing import Literal

import aiosmtplib
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from mentorat.delivery.report import DeliveryReport

# "4.2.2" at the start of a reply text (RFC 3463 enhanced status code).
_ENHANCED = re.compile(r"\s*([245]\.\d{1,3}\.\d{1,3})\b")

Outcome = Literal["bounce", "defer", "connection"]


class DeliveryError(RuntimeError):
    """Delivery stopped; nothing sent is lost and nothing unsent is marked sent."""


class DeliveryNotConfigured(DeliveryError):
    """A setting is missing: retrying cannot help."""


class TransientDeliveryError(DeliveryError):
    """The SMTP server or the database could not take the batch now; try again later.

    `report` counts what this attempt did before it stopped."""

    def __init__(self, message: str, report: DeliveryReport | None = None) -> None:
        super().__init__(message)
        self.report = report or DeliveryReport()


class SmtpUnavailable(TransientDeliveryError):
    """The SMTP server cannot be reached, went away, or refuses every message for now."""


class DeliveryDatabaseError(TransientDeliveryError):
    """The database failed while claiming or recording; what was accepted stays recorded or
    claimed (never put back to pending)."""


def smtp_code(exc: BaseException) -> str:
    """The reply code and enhanced status code of an SMTP error ("450 4.2.2"), or the
    exception's type for a network error: never the server's text."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        enhanced = _ENHANCED.match(exc.message or "")
        return f"{exc.code} {enhanced.group(1)}" if enhanced else str(exc.code)
    errno = getattr(exc, "errno", None)
    return f"{type(exc).__name__} errno {errno}" if errno else type(exc).__name__


def outcome(exc: BaseException) -> Outcome:
    """What a failed message means: the recipient is refused for good ("bounce"), refused
    for now ("defer"), or the connection is unusable and the message was not delivered
    ("connection": a lost connection, a timeout, 421 "closing", our sender refused)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients] or [0]
        return _by_code(codes)
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return "connection"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return _by_code([exc.code])
    return "connection"


def _by_code(codes: list[int]) -> Outcome:
    if any(code == 421 or not 400 <= code < 600 for code in codes):
        return "connection"  # 421: the server closes the connection, whoever the recipient
    if all(500 <= code < 600 for code in codes):
        return "bounce"
    return "defer"


def database_error(exc: SQLAlchemyError, doing: str, report: DeliveryReport) -> DeliveryError:
    """A database failure, by its type only (its text holds the statement's parameters)."""
    transient = isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )
    message = (
        f"Base de données indisponible pendant {doing} ({type(exc).__name__}) : {report.summary()}"
    )
    if transient:
        return DeliveryDatabaseError(message, report)
    return DeliveryError(message)
