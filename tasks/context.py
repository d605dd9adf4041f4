"""What every phase task works with: one cohort, its timeline and programme, `now`, and a
session whose transaction is the phase's (`run_phase`). Phases write emails with `send`,
which puts them in the outbox in that same transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from mentorat import links
from mentorat.db import session_scope
from mentorat.outbox import Letter, common_context, enqueue, operator_letter
from mentorat.presets import ProgrammePreset
from mentorat.services.cohorts import timeline_of
from mentorat.services.programmes import cohort_parts
from mentorat.settings import Settings
from mentorat.timeline import Timeline
from models import Application, Cohort, Pair


@dataclass
class PhaseContext:
    session: Session
    cohort: Cohort
    settings: Settings
    now: datetime
    timeline: Timeline = field(init=False)
    parts: ProgrammePreset = field(init=False)
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.timeline = timeline_of(self.cohort)
        self.parts = cohort_parts(self.cohort)
        self._base = common_context(self.cohort, self.settings)
        self._applications: list[Application] | None = None

    def url(self, person_id: int, purpose: str, occurrence: int, answer: str | None = None) -> str:
        return links.make_url(
            self.settings.public_url,
            self.settings.secret_key,
            person_id,
            purpose,
            occurrence,
            answer,
        )

    def send(self, letters: list[Letter], counter: str) -> int:
        new = enqueue(
            self.session,
            self.cohort,
            letters,
            now=self.now,
            settings=self.settings,
            base_context=self._base,
        )
        if new:
            self.counts[counter] += new
        return new

    def supervisor_letter(self, kind: str, step: str, occurrence: str | int, **ctx: Any) -> Letter:
        name = self.cohort.supervisor_name
        first, _, last = name.partition(" ")
        return Letter(
            kind=kind,
            step=step,
            occurrence=occurrence,
            to_addr=self.cohort.supervisor_email,
            recipient={"first_name": first, "last_name": last},
            recipient_ref="sup",
            ctx={"supervisor": {"name": name}, **ctx},
        )

    def operator_letter(
        self, step: str, occurrence: str | int, *, kind: str, title: str, lines: list[str]
    ) -> Letter:
        alert = {"kind": kind, "title": title, "lines": lines}
        return operator_letter(self.cohort, "operator_alert", step, occurrence, alert=alert)

    def pairs(self, *statuses: str) -> list[Pair]:
        return list(
            self.session.scalars(
                select(Pair)
                .where(Pair.cohort_id == self.cohort.id, Pair.status.in_(statuses))
                # One query per table, not one per pair: cohorts have thousands of pairs.
                .options(
                    selectinload(Pair.mentor).selectinload(Application.person),
                    selectinload(Pair.mentee).selectinload(Application.person),
                )
                .order_by(Pair.id)
            )
        )

    def count_pairs(self, *statuses: str) -> int:
        return int(
            self.session.scalar(
                select(func.count()).where(
                    Pair.cohort_id == self.cohort.id, Pair.status.in_(statuses)
                )
            )
            or 0
        )

    def applications(self) -> list[Application]:
        # Read once per phase run: phases ask several times, and no phase adds applications.
        if self._applications is None:
            self._applications = self._load_applications()
        return self._applications

    def _load_applications(self) -> list[Application]:
        return list(
            self.session.scalars(
                select(Application)
                .where(Application.cohort_id == self.cohort.id)
                .options(selectinload(Application.person))
                .order_by(Application.id)
            )
        )


def person_ctx(app: Application) -> dict[str, Any]:
    person = app.person
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": app.role,
        "unit": app.unit or "",
        "region": app.region or "",
    }


def run_phase(
    settings: Settings,
    cohort_id: int,
    now: datetime,
    advance: Callable[[PhaseContext], object],
    *,
    after_approval: bool = True,
) -> dict[str, Any]:
    """Run one phase of one cohort in its own transaction; returns counts of what it wrote
    (ids and counts only: this goes to Prefect). Phases after the matching wait for the
    operator's approval of the pairs."""
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        if cohort is None:
            raise LookupError(f"cohort {cohort_id} does not exist")
        if cohort.launched_at is None:
            return {"skipped": "not launched"}
        if after_approval and cohort.matching_approved_at is None:
            return {"skipped": "awaiting approval"}
        ctx = PhaseContext(session=session, cohort=cohort, settings=settings, now=now)
        outcome = advance(ctx)
        result: dict[str, Any] = dict(ctx.counts)
        if isinstance(outcome, bool):
            result["approved"] = outcome
        return result
