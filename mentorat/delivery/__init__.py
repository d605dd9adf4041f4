"""Send the outbox over SMTP: exactly once, bar the messages in flight when a sender dies.

The database is the work queue (`ledger.claim`: a conditional UPDATE with a lease). Each
message is recorded as sent as soon as the server accepts it, and a connection sends its
next message only after that record is committed, so a sender killed at any instant leaves
at most one accepted, unrecorded message per open connection; the rerun sends those again
with the same Message-ID (built from the row alone), and nothing else twice. A database
that goes away while recording never puts accepted messages back to pending. On PostgreSQL
the records do not wait for the disk: a crash of PostgreSQL itself (not of the sender) may
lose the last ~600 ms of them, and those messages are sent again (`ledger`).

One recipient refused for now (4xx) waits alone (`deferral`); one refused for good (5xx)
is marked failing; a server that cannot be reached stops the batch with SmtpUnavailable,
and the rows stay pending for the next attempt. No error raised here carries a server's or
a driver's text: they reach Prefect (`errors`).
"""

from mentorat.delivery.deferral import long_deferred, next_attempt_due, waiting
from mentorat.delivery.errors import (
    DeliveryDatabaseError,
    DeliveryError,
    DeliveryNotConfigured,
    SmtpUnavailable,
    TransientDeliveryError,
)
from mentorat.delivery.ledger import NO_COHORT, claim
from mentorat.delivery.report import DeliveryReport
from mentorat.delivery.sender import (
    raw_message,
    reserved_domain_refusal,
    send_batch,
    send_pending,
)

__all__ = [
    "NO_COHORT",
    "DeliveryDatabaseError",
    "DeliveryError",
    "DeliveryNotConfigured",
    "DeliveryReport",
    "SmtpUnavailable",
    "TransientDeliveryError",
    "claim",
    "long_deferred",
    "next_attempt_due",
    "raw_message",
    "reserved_domain_refusal",
    "send_batch",
    "send_pending",
    "waiting",
]
