"""The simulated participants: who answers what, and when, as real people would.

``Participants.act`` reads the emails the cohort has sent so far and answers through the
same service layer as the web pages would: the operator approves the proposal; people
sign the charter, answer check-ins, reply to supervision and workshop invitations and
fill in the evaluation at once, after a reminder, or never, by their behaviour (see
``demo.population``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mentorat.db import session_scope
from mentorat.services import answers, cohorts, pairing
from mentorat.settings import Settings
from models import (
    Application,
    CharterSignature,
    CheckIn,
    Cohort,
    EvaluationAnswer,
    OutboxMessage,
    Pair,
    SupervisionAttendance,
    SupervisionSession,
    WorkshopInvitation,
)


@dataclass
class Participants:
    """Answers as real people would: at once, after a reminder, or never."""

    settings: Settings
    cohort_id: int
    behaviour: dict[str, str]
    answers: Counter[str] = field(default_factory=Counter)
    operator: str = "operator:demo"

    def _received(
        self, session: Session, step_prefix: str, person_id: int, occurrence: int
    ) -> bool:
        """Whether an email of that step (a prefix ending in % for any reminder) arrived."""
        steps = self._inbox.get((person_id, str(occurrence)), set())
        if step_prefix.endswith("%"):
            return any(step.startswith(step_prefix[:-1]) for step in steps)
        return step_prefix in steps

    def _load_inbox(self, session: Session) -> None:
        # (person, occurrence) -> steps received; read incrementally, one query per step.
        if not hasattr(self, "_inbox"):
            self._inbox: dict[tuple[int, str], set[str]] = {}
            self._seen = 0
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.key).where(
                OutboxMessage.cohort_id == self.cohort_id,
                OutboxMessage.status == "sent",
                OutboxMessage.id > self._seen,
            )
        ).all()
        for row_id, key in rows:
            self._seen = max(self._seen, row_id)
            _, step, who, occurrence = key.split(":", 3)
            if who.startswith("p"):
                self._inbox.setdefault((int(who[1:]), occurrence), set()).add(step)

    def _will_answer(
        self,
        session: Session,
        app: Application,
        request_step: str,
        reminder_step: str,
        occurrence: int,
    ) -> bool:
        """People answer what they received: at once, after a reminder, or never."""
        kind = self.behaviour.get(app.person.email, "prompt")
        if kind in {"prompt", "help"}:
            return self._received(session, request_step, app.person_id, occurrence)
        if kind == "late":
            return self._received(session, reminder_step + "%", app.person_id, occurrence)
        return False

    def act(self, now: datetime) -> int:
        """Answer what has arrived; returns how many answers were given."""
        before = sum(self.answers.values())
        with session_scope(self.settings.database_url) as session:
            cohort = session.get(Cohort, self.cohort_id)
            assert cohort is not None
            self._load_inbox(session)
            # Everyone at once (the identity map then serves session.get and .person).
            list(
                session.scalars(
                    select(Application)
                    .where(Application.cohort_id == self.cohort_id)
                    .options(selectinload(Application.person))
                )
            )
            decision = pairing.current_decision(session, cohort)
            if decision is not None and decision.status == "proposed":
                pairing.approve(
                    session, cohort, now=now, actor=self.operator, reason="proposition relue"
                )
                self.answers["approval"] += 1
            self._sign(session, now)
            self._check_in(session, now)
            self._rsvp(session, now)
            self._evaluate(session, now)
        return sum(self.answers.values()) - before

    def _sign(self, session: Session, now: datetime) -> None:
        signed = set(
            session.execute(select(CharterSignature.pair_id, CharterSignature.application_id))
        )
        for pair in session.scalars(
            select(Pair)
            .where(Pair.cohort_id == self.cohort_id, Pair.status == "approved")
            .options(selectinload(Pair.mentor), selectinload(Pair.mentee))
        ):
            for app in (pair.mentor, pair.mentee):
                if (pair.id, app.id) in signed:
                    continue
                if self.behaviour.get(app.person.email) == "silent":
                    # Silent people sign only after the second reminder (and miss check-ins).
                    if not self._received(session, "charter_reminder2", app.person_id, pair.id):
                        continue
                elif not self._will_answer(session, app, "charter", "charter_reminder", pair.id):
                    continue
                answers.sign_charter(
                    session,
                    app.id,
                    pair_id=pair.id,
                    signed_name=f"{app.person.first_name} {app.person.last_name}",
                    channel="demo",
                    now=now,
                )
                self.answers["charter"] += 1

    def _check_in(self, session: Session, now: datetime) -> None:
        for row in session.scalars(
            select(CheckIn).where(CheckIn.cohort_id == self.cohort_id, CheckIn.status == "open")
        ):
            app = session.get(Application, row.application_id)
            assert app is not None
            if not self._will_answer(
                session, app, f"checkin{row.month}", f"checkin{row.month}_reminder", row.id
            ):
                continue
            help_now = self.behaviour.get(app.person.email) == "help" and row.month == 2
            answers.record_checkin(
                session,
                row.id,
                met=not help_now,
                meetings=0 if help_now else 1,
                format="remote",
                mood=2 if help_now else 4,
                need_help=help_now,
                help_message="Nous n’arrivons pas à fixer de rendez-vous." if help_now else None,
                channel="demo",
                now=now,
            )
            self.answers["checkin_help" if help_now else "checkin"] += 1

    def _rsvp(self, session: Session, now: datetime) -> None:
        for att in session.scalars(
            select(SupervisionAttendance)
            .join(SupervisionSession)
            .where(
                SupervisionSession.cohort_id == self.cohort_id, SupervisionAttendance.rsvp.is_(None)
            )
        ):
            app = session.get(Application, att.application_id)
            assert app is not None
            step = "supervision_%"
            if self.behaviour.get(app.person.email) in {
                "prompt",
                "help",
                "late",
            } and self._received(session, step, app.person_id, att.id):
                answers.rsvp_supervision(session, att.id, coming=True, now=now)
                self.answers["supervision_rsvp"] += 1
        for inv in session.scalars(
            select(WorkshopInvitation).where(
                WorkshopInvitation.cohort_id == self.cohort_id, WorkshopInvitation.rsvp.is_(None)
            )
        ):
            app = session.get(Application, inv.application_id)
            assert app is not None
            if self.behaviour.get(app.person.email) in {
                "prompt",
                "help",
                "late",
            } and self._received(session, "workshop", app.person_id, inv.id):
                answers.rsvp_workshop(session, inv.id, coming=True, now=now)
                self.answers["workshop_rsvp"] += 1

    def _evaluate(self, session: Session, now: datetime) -> None:
        cohort = session.get(Cohort, self.cohort_id)
        assert cohort is not None
        t = cohorts.timeline_of(cohort)
        opens, closes = t.evaluation_opens_at, t.evaluation_closes_at
        if opens is None or closes is None or not opens <= now < closes:
            return
        answered = set(
            session.scalars(
                select(EvaluationAnswer.application_id).where(
                    EvaluationAnswer.cohort_id == self.cohort_id
                )
            )
        )
        for pair in session.scalars(
            select(Pair).where(Pair.cohort_id == self.cohort_id, Pair.status == "active")
        ):
            for app in (pair.mentor, pair.mentee):
                if app.id in answered or not self._will_answer(
                    session, app, "evaluation", "evaluation_reminder", app.id
                ):
                    continue
                answers.submit_evaluation(
                    session,
                    app.id,
                    objectives_reached=4,
                    satisfaction=5,
                    recommend=9,
                    mentor_again=True if app.role == "mentor" else None,
                    comments="Très utile.",
                    channel="demo",
                    now=now,
                )
                self.answers["evaluation"] += 1
