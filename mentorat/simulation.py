"""Simulated participants and a simulated clock: a whole cohort in seconds.

Used by `mentorat demo`, the end-to-end tests and the benchmark. The participants answer
through the same service layer as the web pages would; the clock jumps from one due date
to the next, as the cohort flow schedules itself.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mentorat import pairing, services
from mentorat.db import session_scope
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

FIRST = [
    "Alice",
    "Bruno",
    "Chloé",
    "Damien",
    "Élise",
    "François",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Jérôme",
    "Karine",
    "Léo",
    "Maëlle",
    "Nicolas",
    "Océane",
    "Pierre",
    "Quentin",
    "Rose",
    "Sébastien",
    "Thérèse",
    "Ulysse",
    "Valérie",
    "William",
    "Yasmine",
    "Zoé",
    "Aurélien",
    "Béatrice",
    "Cédric",
    "Delphine",
    "Étienne",
]
LAST = [
    "Martin",
    "Lefèvre",
    "Dubois",
    "Moreau",
    "Laurent",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
]
REGIONS = [
    "Île-de-France",
    "Auvergne-Rhône-Alpes",
    "Provence-Alpes-Côte d’Azur",
    "Occitanie",
    "Nouvelle-Aquitaine",
    "Grand Est",
    "Hauts-de-France",
    "Bretagne",
]
OVERSEAS = ["La Réunion", "Guadeloupe", "Martinique", "Guyane", "Mayotte"]
OBJECTIVES = {
    "jaae": [
        "Mobilité hors juridiction",
        "Responsabilités accrues",
        "Candidature au Conseil d’État",
        "Prise de parole en public",
        "Équilibre des temps",
    ],
    "mirhe": [
        "Prise de fonctions d’encadrement",
        "Management d’équipe",
        "Prévenir l’isolement professionnel",
        "Gouvernance de la juridiction",
        "Dialogue avec les partenaires",
    ],
    "menesr": [
        "Prise de poste",
        "Pilotage académique",
        "Dialogue social",
        "Posture de cadre dirigeant",
        "Conduite du changement",
    ],
}
FORMATS = [["in_person"], ["remote"], ["hybrid"], ["in_person", "hybrid"], ["remote", "hybrid"]]


def _tags(labels: list[str]) -> dict[str, str]:
    import unicodedata

    def tag(label: str) -> str:
        ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        return "-".join("".join(c if c.isalnum() else " " for c in ascii_.lower()).split())

    return {tag(label): label for label in labels}


@dataclass
class Population:
    rows: list[dict[str, Any]]  # application rows, as the importer gives them
    behaviour: dict[str, str]  # email -> prompt | late | silent | help | bounce
    bounce: set[str]


def population(
    pairs: int, programme: str, *, seed: int = 7, domain: str = "exemple.fr"
) -> Population:
    """`pairs` mentees and enough mentors, with a few who are late, silent, need help or bounce."""
    rng = random.Random(seed)
    objectives = OBJECTIVES.get(programme, OBJECTIVES["jaae"])
    mentors = max(1, (pairs * 4 + 4) // 5)  # some mentors take two mentees
    rows: list[dict[str, Any]] = []
    units = [f"Juridiction {n}" for n in range(1, max(4, pairs // 3) + 1)]
    for index in range(mentors + pairs):
        role = "mentor" if index < mentors else "mentee"
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7 + index // 30) % len(LAST)]
        email = f"{role}{index:05d}@{domain}"
        overseas = role == "mentee" and rng.random() < 0.08
        region = rng.choice(OVERSEAS) if overseas else rng.choice(REGIONS)
        row: dict[str, Any] = {
            "email": email,
            "first_name": first,
            "last_name": last,
            "role": role,
            "objectives": _tags(rng.sample(objectives, 2)),
            "expertise": _tags(rng.sample(objectives, 2)) if role == "mentor" else {},
            "unit": rng.choice(units),
            "region": region,
            "overseas": overseas,
            "formats": ["remote", "hybrid"] if overseas else rng.choice(FORMATS),
            "languages": ["fr"],
            "capacity": 2 if role == "mentor" and index % 4 == 0 else 1,
            "career_stage": "late" if role == "mentor" else rng.choice(["early", "mid"]),
            "seniority_years": rng.randint(18, 35) if role == "mentor" else rng.randint(1, 8),
            "gender": rng.choice(["female", "male"]),
            "preferred_mentor_gender": None,
            "availability": rng.sample(["morning", "noon", "evening"], 2),
            "expectations": "",
            "post_start_date": None,
            "manager_email": None,
        }
        rows.append(row)
    # Some mentees report to a mentor: the hierarchy rule must keep them apart.
    mentor_emails = [r["email"] for r in rows if r["role"] == "mentor"]
    for row in rows:
        if row["role"] == "mentee" and rng.random() < 0.2:
            row["manager_email"] = rng.choice(mentor_emails)
    behaviour: dict[str, str] = {}
    for row in rows:
        roll = rng.random()
        behaviour[row["email"]] = "prompt" if roll < 0.72 else "late" if roll < 0.92 else "silent"
    mentees = [r["email"] for r in rows if r["role"] == "mentee"]
    behaviour[mentees[0]] = "help"
    if len(mentees) > 2:
        behaviour[mentees[1]] = "silent"  # every demo shows a missed-months escalation
    bounce = {mentees[-1]} if len(mentees) > 1 else set()
    for address in bounce:
        behaviour[address] = "bounce"
    return Population(rows, behaviour, bounce)


@contextmanager
def quiet_events() -> Iterator[None]:
    """The simulation drives the flow itself: no Prefect event per simulated answer."""
    import os

    before = os.environ.get("MENTORAT_EMIT_EVENTS")
    os.environ["MENTORAT_EMIT_EVENTS"] = "false"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MENTORAT_EMIT_EVENTS", None)
        else:
            os.environ["MENTORAT_EMIT_EVENTS"] = before


@contextmanager
def _no_heartbeats() -> Iterator[None]:
    """Flow-run heartbeats detect crashed runs of real cohorts; a simulated run lasts a
    second, and stopping the heartbeat thread costs up to one second per run."""
    import prefect.settings

    setting = prefect.settings.PREFECT_FLOWS_HEARTBEAT_FREQUENCY  # type: ignore[attr-defined]
    with prefect.settings.temporary_settings(updates={setting: None}):
        yield


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
                services.sign_charter(
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
            services.record_checkin(
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
                services.rsvp_supervision(session, att.id, coming=True, now=now)
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
                services.rsvp_workshop(session, inv.id, coming=True, now=now)
                self.answers["workshop_rsvp"] += 1

    def _evaluate(self, session: Session, now: datetime) -> None:
        cohort = session.get(Cohort, self.cohort_id)
        assert cohort is not None
        t = services.timeline_of(cohort)
        if t.evaluation_opens_at is None or not (
            t.evaluation_opens_at <= now < t.evaluation_closes_at
        ):  # type: ignore[operator]
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
                services.submit_evaluation(
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


def run_cohort(
    settings: Settings,
    cohort_id: int,
    behaviour: dict[str, str],
    run_flow: Callable[[datetime], dict[str, Any]],
    *,
    on_step: Callable[[datetime, dict[str, Any]], None] | None = None,
    max_steps: int = 200,
) -> Participants:
    """Drive the cohort to its end: run the flow at each due date, let participants answer."""
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        now = cohort.call_opens_at
    participants = Participants(settings, cohort_id, behaviour)
    with quiet_events(), _no_heartbeats():
        for _ in range(max_steps):
            result = run_flow(now)
            if on_step:
                on_step(now, result)
            # People answer a few hours after the emails of this step arrive.
            answered = participants.act(now + timedelta(hours=3))
            following = result.get("next_run")
            if following is None:
                if not answered:
                    break
                # An answer (the operator's approval) wakes the cohort, as its event would.
                now += timedelta(hours=4)
                continue
            now = datetime.fromisoformat(following)
        else:
            raise RuntimeError("the cohort did not finish within max_steps")
    return participants


def setup_cohort(
    settings: Settings,
    *,
    programme: str,
    pairs: int,
    opens_at: datetime,
    code: str | None = None,
    seed: int = 7,
    domain: str = "exemple.fr",
) -> tuple[int, Population]:
    """Programme from its preset, a cohort, its candidates imported, launched."""
    pop = population(pairs, programme, seed=seed, domain=domain)
    with session_scope(settings.database_url) as session:
        services.add_programme(session, programme, now=opens_at, actor="operator:demo")
        cohort = services.create_cohort(
            session,
            programme_slug=programme,
            code=code or f"{programme.upper()}-{opens_at:%Y}",
            label=f"Cohorte {opens_at:%Y}–{opens_at.year + 1}",
            call_opens_at=opens_at,
            operator_name="Camille Roux",
            operator_email=f"rh-mentorat@{domain}",
            supervisor_name="Dominique Perret",
            supervisor_email=f"referent@{domain}",
            now=opens_at,
            actor="operator:demo",
        )
        services.add_call_recipients(
            session,
            cohort,
            [(r["email"], r["first_name"], r["last_name"]) for r in pop.rows],
            now=opens_at,
        )
        services.import_applications(session, cohort, pop.rows, now=opens_at, actor="operator:demo")
        services.launch_cohort(session, cohort, now=opens_at, actor="operator:demo")
        cohort_id = cohort.id
    return cohort_id, pop
