from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class CheckIn(Base):
    """One person's monthly check-in for one month of their pair."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("pair_id", "application_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    month: Mapped[int]
    due_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    # open -> answered | missed
    status: Mapped[str] = mapped_column(String(10), default="open")
    answered_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(20))
    met: Mapped[bool | None]
    meetings: Mapped[int | None]
    format: Mapped[str | None] = mapped_column(String(20))
    mood: Mapped[int | None]  # 1..5
    need_help: Mapped[bool] = mapped_column(default=False)
    # Shown to the supervisor only.
    help_message: Mapped[str | None] = mapped_column(Text)


class EvaluationAnswer(Base):
    __tablename__ = "evaluation_answer"
    __table_args__ = (UniqueConstraint("application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    answered_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))
    objectives_reached: Mapped[int]  # 1..5
    satisfaction: Mapped[int]  # 1..5
    recommend: Mapped[int]  # 0..10
    mentor_again: Mapped[bool | None]
    comments: Mapped[str] = mapped_column(Text, default="")
    # The author allows their comment in the programme's bilan, without their name.
    comment_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
