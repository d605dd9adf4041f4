from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from mentorat import links
from mentorat.lifecycle.timeline import Timeline
from mentorat.outbox import Letter, common_context, enqueue
from mentorat.presets import ProgrammePreset
from mentorat.services import programme_parts, timeline_of
from mentorat.settings import Settings
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
        self.parts = programme_parts(self.cohort.programme)
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
        first, _, last = self.cohort.operator_name.partition(" ")
        return Letter(
            kind="operator_alert",
            step=step,
            occurrence=occurrence,
            to_addr=self.cohort.operator_email,
            recipient={"first_name": first, "last_name": last},
            recipient_ref="op",
            ctx={"alert": {"kind": kind, "title": title, "lines": lines}},
        )

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
