from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Double, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.people import Application


class MatchingDecision(Base):
    """One run of the matching engine: its inputs' digest, report and outcome."""

    __tablename__ = "matching_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(
        String(20), default="proposed"
    )  # proposed|approved|superseded, or manual: a pair the operator formed after approval
    report: Mapped[dict[str, Any]]
    # Each person left out, with the reason in plain French (kept to justify the decision later).
    unmatched: Mapped[list[Any]]
    created_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(200))


class Pair(Base):
    __tablename__ = "pair"
    __table_args__ = (UniqueConstraint("decision_id", "mentee_application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("matching_decision.id"))
    mentor_application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    mentee_application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    score: Mapped[float] = mapped_column(Double)  # as migration 0001 made it
    criteria: Mapped[list[Any]]
    explanation: Mapped[str] = mapped_column(Text)
    # proposed -> approved (charter pending) -> active (both signed) ; superseded when re-run;
    # ended by the operator after approval (mentorat.services.fixes)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    pinned: Mapped[bool] = mapped_column(default=False)
    activated_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))  # withdrawal | ended
    created_at: Mapped[datetime]

    mentor: Mapped[Application] = relationship(foreign_keys=[mentor_application_id])
    mentee: Mapped[Application] = relationship(foreign_keys=[mentee_application_id])


class PairOverride(Base):
    """The operator's pinned or forbidden pairs, with who and why."""

    __tablename__ = "pair_override"
    __table_args__ = (
        UniqueConstraint("cohort_id", "mentor_application_id", "mentee_application_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    mentor_application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    mentee_application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    kind: Mapped[str] = mapped_column(String(10))  # pin | forbid
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
