"""Tables of the participant pages and of replies by email: the inbound log and erasure requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class InboundReply(Base):
    """Every email received on the reply channel, and what was made of it.

    Stored before anything else is done, so that an unclear or failed reply is never lost;
    the unique Message-ID makes a redelivery by the mail server a no-op.
    """

    __tablename__ = "inbound_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"))
    purpose: Mapped[str | None] = mapped_column(String(20))
    occurrence: Mapped[int | None]
    # How the reply was tied to its request: reply_to (signed address) | thread (In-Reply-To)
    matched_by: Mapped[str | None] = mapped_column(String(20))
    # recorded | unclear | auto_reply | unmatched | wrong_sender | closed
    outcome: Mapped[str] = mapped_column(String(20))
    answer: Mapped[str | None] = mapped_column(String(20))  # vu | pas-vu | aide | oui | non
    # The reply without quoted text and signature: what the operator reads when unclear.
    text: Mapped[str] = mapped_column(Text, default="")


class ErasureRequest(Base):
    """A participant's request to erase their personal data; the operator carries it out."""

    __tablename__ = "erasure_request"
    __table_args__ = (Index("ix_erasure_request_person_status", "person_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"))
    requested_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | done
    done_at: Mapped[datetime | None]
