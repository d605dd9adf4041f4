from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
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
    # The operator's reading of HR files' headers (header text -> field, or "ignorer"),
    # kept from one import to the next (mentorat.services.intake).
    column_mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]

    charters: Mapped[list[CharterVersion]] = relationship(
        back_populates="programme", order_by="CharterVersion.version"
    )

    @property
    def state_service(self) -> bool:
        """Whether its pages carry the « République française » block (presets' [pages])."""
        return bool((self.settings or {}).get("pages", {}).get("state_service", False))

    @property
    def organisation(self) -> str:
        return str((self.settings or {}).get("pages", {}).get("organisation", ""))


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
    # The programme's settings when the cohort was created (mentorat.presets): the cohort
    # keeps them, so that a preset edited later changes no running cohort. Only the operator
    # brings a cohort onto the programme's current settings (`mentorat cohort update-settings`).
    settings: Mapped[dict[str, Any]]
    charter_version_id: Mapped[int] = mapped_column(ForeignKey("charter_version.id"))
    # When the cohort moved onto its current charter version (`mentorat cohort
    # adopt-charter`); None: the version it was created with. Members who signed an earlier
    # version are asked to sign this one (tasks/charter.py).
    charter_adopted_at: Mapped[datetime | None]
    operator_name: Mapped[str] = mapped_column(String(200))
    operator_email: Mapped[str] = mapped_column(String(320))
    supervisor_name: Mapped[str] = mapped_column(String(200))
    supervisor_email: Mapped[str] = mapped_column(String(320))
    call_opens_at: Mapped[datetime]
    # Set as the lifecycle goes: launch, the operator's approval of the pairs (every other
    # date follows from these and the programme's timing: mentorat.timeline).
    launched_at: Mapped[datetime | None]
    matching_approved_at: Mapped[datetime | None]
    workshop_location: Mapped[str] = mapped_column(String(300), default="")
    # The workshop as the operator moved or cancelled it (mentorat.services.fixes): its own
    # start instead of the timeline's, the revision of its invitations (SEQUENCE), when it
    # was cancelled.
    workshop_moved_to: Mapped[datetime | None]
    workshop_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    workshop_cancelled_at: Mapped[datetime | None]
    # The open application link: anyone may apply while the call is open, from these
    # address domains only when the list is not empty (mentorat.services.open_call).
    open_applications: Mapped[bool] = mapped_column(default=False)
    application_domains: Mapped[list[Any]] = mapped_column(default=list)
    phase: Mapped[str] = mapped_column(String(30), default="draft")
    created_at: Mapped[datetime]
    # Retention (mentorat.services.retention): when the operator was told that the cohort's
    # personal data would be anonymised, and when it was.
    retention_notice_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    programme: Mapped[Programme] = relationship()
    charter: Mapped[CharterVersion] = relationship()


class CohortRunLease(Base):
    """Who runs the cohort's flow right now: one run of a cohort at a time, across every
    worker. Taken with a conditional write, released at the end of the run, and taken over
    once `until` has passed (a worker killed mid-run never blocks its cohort for good).
    `rerun_wanted` is set by a run turned away meanwhile: the holder runs again on release."""

    __tablename__ = "cohort_run_lease"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime]
    rerun_wanted: Mapped[bool] = mapped_column(default=False, server_default=false())
