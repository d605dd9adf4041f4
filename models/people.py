from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class Person(Base):
    """Someone Mentorat writes to. The email is the identity (lower-cased)."""

    __tablename__ = "person"
    __table_args__ = (Index("ix_person_hr_id", "hr_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    # The HR identifier (« matricule ») when an import gave one: it finds the person again
    # when their address was corrected (mentorat.services.applications).
    hr_id: Mapped[str | None] = mapped_column(String(40))
    first_name: Mapped[str] = mapped_column(String(120))
    last_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    # "ok", or "failing" after a permanent SMTP rejection (5xx): we stop writing to it.
    email_status: Mapped[str] = mapped_column(String(20), default="ok")
    email_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]


class CallRecipient(Base):
    """Someone the call for candidates is sent to."""

    __tablename__ = "call_recipient"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]

    person: Mapped[Person] = relationship()


class Application(Base):
    """A person's application to a cohort, as mentor or mentee."""

    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("cohort_id", "person_id", "role"),
        Index("ix_application_cohort_role", "cohort_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    role: Mapped[str] = mapped_column(String(10))  # "mentor" | "mentee"
    status: Mapped[str] = mapped_column(
        String(20), default="submitted"
    )  # submitted|matched|unmatched|withdrawn|late (arrived after the pairs were approved)
    channel: Mapped[str] = mapped_column(String(20))  # import | web | demo
    objectives: Mapped[dict[str, Any]] = mapped_column(default=dict)  # tag -> label
    expertise: Mapped[dict[str, Any]] = mapped_column(default=dict)  # tag -> label
    unit: Mapped[str | None] = mapped_column(String(200))
    manager_email: Mapped[str | None] = mapped_column(String(320))
    region: Mapped[str | None] = mapped_column(String(120))
    overseas: Mapped[bool] = mapped_column(default=False)
    formats: Mapped[list[Any]] = mapped_column(default=list)  # in_person | remote | hybrid
    languages: Mapped[list[Any]] = mapped_column(default=list)
    capacity: Mapped[int] = mapped_column(default=1)
    career_stage: Mapped[str | None] = mapped_column(String(20))  # early | mid | late
    seniority_years: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(10))  # female | male
    preferred_mentor_gender: Mapped[str | None] = mapped_column(String(10))
    availability: Mapped[list[Any]] = mapped_column(default=list)
    post_start_date: Mapped[date | None]
    expectations: Mapped[str] = mapped_column(Text, default="")
    # Digest of the imported fields: re-importing the same row changes nothing.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    person: Mapped[Person] = relationship()
