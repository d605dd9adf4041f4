from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class OutboxMessage(Base):
    """Every email Mentorat sends, written in the transaction that causes it.

    `key` is unique: (cohort, step, recipient, occurrence). Writing the same key twice is a
    no-op, so a re-run of a phase enqueues nothing new. The sender claims rows with a
    conditional UPDATE and records the outcome here: this table is the truth of what was sent.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_status_id", "status", "id"),
        Index("ix_outbox_message_cohort_kind", "cohort_id", "kind"),
        # The "skip what is done" guards (mentorat.outbox.count_keys / existing_keys).
        Index("ix_outbox_message_cohort_step", "cohort_id", "step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(60))
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    ics: Mapped[bytes | None] = mapped_column(LargeBinary)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    message_id: Mapped[str] = mapped_column(String(250))
    # pending -> sending (claimed) -> sent | failed ; cancelled when the address is failing.
    # A transient refusal (4xx) puts the row back to pending until next_attempt_at.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Deferral after a 4xx for this recipient (mentorat.delivery.deferral): when to try
    # again, since when it is refused, and whether that has lasted past the alert delay
    # (set by the sender on its own clock, read by the operator alerts).
    next_attempt_at: Mapped[datetime | None]
    first_deferred_at: Mapped[datetime | None]
    deferred_too_long: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
