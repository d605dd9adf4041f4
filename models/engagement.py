"""Charter signatures, supervision of mentors and the recognition workshop."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class CharterSignature(Base):
    __tablename__ = "charter_signature"
    # One signature per member, pair and charter version: a new version the cohort adopts
    # is signed again, and the earlier signature stays on record.
    __table_args__ = (UniqueConstraint("pair_id", "application_id", "charter_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    charter_version_id: Mapped[int] = mapped_column(ForeignKey("charter_version.id"))
    signed_name: Mapped[str] = mapped_column(String(250))
    signed_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))  # web | email | demo | operator


class SupervisionSession(Base):
    __tablename__ = "supervision_session"
    __table_args__ = (UniqueConstraint("cohort_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    kind: Mapped[str] = mapped_column(String(12))  # group | individual
    number: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300))
    # For an individual session: the mentor it was set up for (after an escalation).
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"))
    created_at: Mapped[datetime]
    # Each move or cancellation sends the invitees a new revision of the same event (same UID,
    # SEQUENCE + 1: RFC 5546).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None]


class SupervisionAttendance(Base):
    __tablename__ = "supervision_attendance"
    __table_args__ = (UniqueConstraint("session_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("supervision_session.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    rsvp: Mapped[str | None] = mapped_column(String(5))  # yes | no
    rsvp_at: Mapped[datetime | None]
    attended: Mapped[bool | None]


class WorkshopInvitation(Base):
    __tablename__ = "workshop_invitation"
    __table_args__ = (UniqueConstraint("cohort_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    invited_at: Mapped[datetime]
    rsvp: Mapped[str | None] = mapped_column(String(5))  # yes | no
    rsvp_at: Mapped[datetime | None]
