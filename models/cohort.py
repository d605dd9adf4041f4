from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class Programme(Base):
    """A mentoring programme (JAAE, MIRHE, MENESR…) and its settings, from a preset."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    preset: Mapped[str] = mapped_column(String(40))
    # Timing, phases, supervision, workshop and matching settings (validated by mentorat.presets).
    settings: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]

    charters: Mapped[list[CharterVersion]] = relationship(
        back_populates="programme", order_by="CharterVersion.version"
    )


class CharterVersion(Base):
    """A charter text is never edited in place: a change makes a new version."""

    __tablename__ = "charter_version"
    __table_args__ = (UniqueConstraint("programme_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

    programme: Mapped[Programme] = relationship(back_populates="charters")


class Cohort(Base):
    """One yearly intake of a programme; one Prefect flow drives it."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    charter_version_id: Mapped[int] = mapped_column(ForeignKey("charter_version.id"))
    operator_name: Mapped[str] = mapped_column(String(200))
    operator_email: Mapped[str] = mapped_column(String(320))
    supervisor_name: Mapped[str] = mapped_column(String(200))
    supervisor_email: Mapped[str] = mapped_column(String(320))
    call_opens_at: Mapped[datetime]
    # Set as the lifecycle goes: launch, the operator's approval of the pairs, the kick-off.
    launched_at: Mapped[datetime | None]
    matching_approved_at: Mapped[datetime | None]
    kickoff_at: Mapped[datetime | None]
    workshop_at: Mapped[datetime | None]
    workshop_location: Mapped[str] = mapped_column(String(300), default="")
    phase: Mapped[str] = mapped_column(String(30), default="draft")
    created_at: Mapped[datetime]

    programme: Mapped[Programme] = relationship()
    charter: Mapped[CharterVersion] = relationship()
