"""A small programme whose answers are known, written straight through the models: the
figures of its bilan are checked against these numbers, not recomputed.

MIRHE-2028 (the cohort under test), default threshold 5:
- 6 mentors, 8 mentees (one without a pair, one arrived late); 6 pairs, 5 active
  (both signed) and 1 whose mentee never signed: 11 signatures.
- Month 1: 10 check-ins asked, 8 answered (6 « met »), 2 missed; meetings per pair 2, 1, 3, 0.
- Month 2: 10 asked, 4 answered (under the threshold: met and meetings hidden), 6 missed.
- Month 3: 2 check-ins closed before they were asked (an outage): counted nowhere.
- 5 alerts from the check-ins (1 help request, 4 missed months): resumed 2, supervision 1,
  withdrawal 1, silence 1; 1 charter escalation (under the threshold: its outcome hidden).
- Evaluation: 5 mentors (published), 3 mentees (hidden).
MIRHE-2027 before it (6 answers, published), MIRHE-2029 after it and JAAE-2027 of another
programme (neither is compared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy.orm import Session

from mentorat.services import cohorts, programmes
from models import (
    Application,
    CharterSignature,
    CheckIn,
    Cohort,
    EvaluationAnswer,
    MatchingDecision,
    OutboxMessage,
    Pair,
    Person,
    SupervisionAttendance,
    SupervisionSession,
)

T0 = datetime(2028, 9, 4, 7, 0, tzinfo=UTC)
MANAGEMENT = {"management": "Management d’équipe"}
MOBILITY = {"mobilite": "Mobilité professionnelle"}
NETWORK = {"reseau": "Réseau professionnel"}

# (objectives reached, satisfaction, recommend, mentor again, comment), for M1..M5.
MENTOR_ANSWERS = [
    (5, 5, 10, True, "Très utile, merci à Héloïse Marchand-Quintard."),
    (4, 5, 9, True, ""),
    (4, 4, 9, False, ""),
    (3, 4, 6, None, ""),
    (2, 3, 3, True, ""),
]
# For E1..E3 (under the threshold of 5).
MENTEE_ANSWERS = [
    (4, 5, 10, None, '=HYPERLINK("https://exemple.fr/fuite","Cliquez")'),
    (4, 4, 8, None, "Ma mentore Zéphirine Vautrin-Lacaze m’a beaucoup aidée."),
    (5, 5, 9, None, ""),
]
SECRETS = ("Héloïse", "Marchand-Quintard", "Zéphirine", "Vautrin-Lacaze", "HYPERLINK")


@dataclass
class World:
    cohort_id: int
    code: str
    mentors: list[Application]
    mentees: list[Application]
    pairs: list[Pair]


_serial = count(1)


def programme(session: Session, slug: str = "mirhe") -> None:
    programmes.add_programme(session, slug, now=T0 - timedelta(days=800), actor="test")


def cohort(session: Session, code: str, opens_at: datetime, slug: str = "mirhe") -> Cohort:
    return cohorts.create_cohort(
        session,
        programme_slug=slug,
        code=code,
        label=f"Cohorte {opens_at:%Y}–{opens_at.year + 1}",
        call_opens_at=opens_at,
        operator_name="Camille Roux",
        operator_email="rh@exemple.fr",
        supervisor_name="Dominique Perret",
        supervisor_email="referent@exemple.fr",
        now=opens_at,
        actor="test",
    )


def application(
    session: Session,
    c: Cohort,
    role: str,
    objectives: dict[str, str] | None = None,
    status: str = "matched",
) -> Application:
    n = next(_serial)
    person = Person(
        email=f"personne{n}@exemple.fr",
        first_name=f"Prénom{n}",
        last_name=f"Nom{n}",
        created_at=c.call_opens_at,
    )
    session.add(person)
    session.flush()
    app = Application(
        cohort_id=c.id,
        person_id=person.id,
        role=role,
        status=status,
        channel="import",
        objectives=objectives or {},
        created_at=c.call_opens_at,
        updated_at=c.call_opens_at,
    )
    session.add(app)
    session.flush()
    return app


def pairs_of(
    session: Session, c: Cohort, mentors: list[Application], mentees: list[Application]
) -> list[Pair]:
    decision = MatchingDecision(
        cohort_id=c.id,
        mode="optimal",
        status="approved",
        report={},
        unmatched=[],
        created_at=c.call_opens_at,
    )
    session.add(decision)
    session.flush()
    made = []
    for mentor, mentee in zip(mentors, mentees, strict=True):
        pair = Pair(
            cohort_id=c.id,
            decision_id=decision.id,
            mentor_application_id=mentor.id,
            mentee_application_id=mentee.id,
            score=1.0,
            criteria=[],
            explanation="",
            status="active",
            created_at=c.call_opens_at,
        )
        session.add(pair)
        made.append(pair)
    session.flush()
    return made


def sign(session: Session, c: Cohort, pair: Pair, app: Application) -> None:
    session.add(
        CharterSignature(
            pair_id=pair.id,
            application_id=app.id,
            charter_version_id=c.charter_version_id,
            signed_name="signé",
            signed_at=c.call_opens_at,
            channel="web",
        )
    )


def checkin(
    session: Session,
    c: Cohort,
    pair: Pair,
    app: Application,
    month: int,
    *,
    answered: bool,
    met: bool = True,
    meetings: int = 1,
    need_help: bool = False,
) -> CheckIn:
    due = c.call_opens_at + timedelta(days=30 * month)
    row = CheckIn(
        cohort_id=c.id,
        pair_id=pair.id,
        application_id=app.id,
        month=month,
        due_at=due,
        closes_at=due + timedelta(days=14),
        status="answered" if answered else "missed",
        answered_at=due if answered else None,
        met=met if answered else None,
        meetings=meetings if answered else None,
        need_help=need_help,
    )
    session.add(row)
    session.flush()
    return row


def escalation(session: Session, c: Cohort, kind: str, step: str, occurrence: str) -> None:
    session.add(
        OutboxMessage(
            key=f"c{c.id}:{step}:sup:{occurrence}",
            cohort_id=c.id,
            kind=kind,
            step=step,
            to_addr="referent@exemple.fr",
            subject="Alerte",
            body_text="",
            body_html="",
            message_id=f"<{c.id}.{step}.{occurrence}@exemple.fr>",
            status="sent",
            created_at=c.call_opens_at,
        )
    )


def evaluate(
    session: Session, c: Cohort, app: Application, answer: tuple[int, int, int, bool | None, str]
) -> None:
    objectives, satisfaction, recommend, again, comment = answer
    session.add(
        EvaluationAnswer(
            cohort_id=c.id,
            application_id=app.id,
            answered_at=c.call_opens_at + timedelta(days=200),
            channel="web",
            objectives_reached=objectives,
            satisfaction=satisfaction,
            recommend=recommend,
            mentor_again=again,
            comments=comment,
        )
    )


def build(session: Session) -> World:
    programme(session)
    programme(session, "jaae")
    _earlier(session, cohort(session, "MIRHE-2027", T0 - timedelta(days=364)))
    c = cohort(session, "MIRHE-2028", T0)
    mentors = [
        application(session, c, "mentor", {**MANAGEMENT, **MOBILITY} if i < 2 else MANAGEMENT)
        for i in range(6)
    ]
    mentees = [
        application(session, c, "mentee", {**MOBILITY, **NETWORK} if i == 0 else MOBILITY)
        for i in range(6)
    ]
    application(session, c, "mentee", status="unmatched")
    application(session, c, "mentee", status="late")
    pairs = pairs_of(session, c, mentors, mentees)
    pairs[5].status = "approved"  # its mentee never signed
    for pair, mentor, mentee in zip(pairs[:5], mentors[:5], mentees[:5], strict=True):
        sign(session, c, pair, mentor)
        sign(session, c, pair, mentee)
    sign(session, c, pairs[5], mentors[5])
    # Month 1: P1..P4 answered (P4 did not meet), P5 missed. Meetings 2, 1, 3, 0 per pair.
    mentee_help = None
    for i, (mentor_meetings, mentee_meetings) in enumerate([(2, 1), (1, 1), (1, 3), (0, 0)]):
        met = i != 3
        checkin(
            session, c, pairs[i], mentors[i], 1, answered=True, met=met, meetings=mentor_meetings
        )
        row = checkin(
            session,
            c,
            pairs[i],
            mentees[i],
            1,
            answered=True,
            met=met,
            meetings=mentee_meetings,
            need_help=i == 0,
        )
        mentee_help = mentee_help or row
    checkin(session, c, pairs[4], mentors[4], 1, answered=False)
    checkin(session, c, pairs[4], mentees[4], 1, answered=False)
    # Month 2: P1 and P2 answered, the others missed.
    for i in range(5):
        checkin(session, c, pairs[i], mentors[i], 2, answered=i < 2)
        checkin(session, c, pairs[i], mentees[i], 2, answered=i < 2)
    # Month 3 closed during an outage before its requests left: never asked, not counted.
    for app in (mentors[0], mentees[0]):
        checkin(session, c, pairs[0], app, 3, answered=False).status = "unasked"
    assert mentee_help is not None
    # Alerts: E1's help (answered month 2: resumed), M5 (individual session attended),
    # E5 (withdrew), M3 (answered the evaluation: resumed), E4 (nothing since).
    escalation(session, c, "escalation", "escalation_help", str(mentee_help.id))
    escalation(session, c, "escalation", "escalation_missed", f"{mentors[4].id}-2")
    escalation(session, c, "escalation", "escalation_missed", f"{mentees[4].id}-2")
    escalation(session, c, "escalation", "escalation_missed", f"{mentors[2].id}-2")
    escalation(session, c, "escalation", "escalation_missed", f"{mentees[3].id}-2")
    escalation(session, c, "charter_escalation", "charter_escalation", str(pairs[5].id))
    mentees[4].status = "withdrawn"
    individual = SupervisionSession(
        cohort_id=c.id,
        kind="individual",
        number=1,
        starts_at=T0 + timedelta(days=70),
        ends_at=T0 + timedelta(days=70, hours=1),
        location="Visioconférence",
        application_id=mentors[4].id,
        created_at=T0 + timedelta(days=63),
    )
    session.add(individual)
    session.flush()
    session.add(
        SupervisionAttendance(session_id=individual.id, application_id=mentors[4].id, attended=True)
    )
    for app, answer in zip(mentors, MENTOR_ANSWERS, strict=False):
        evaluate(session, c, app, answer)
    for app, answer in zip(mentees, MENTEE_ANSWERS, strict=False):
        evaluate(session, c, app, answer)
    # Neither of these is compared: a later cohort, another programme's.
    _earlier(session, cohort(session, "MIRHE-2029", T0 + timedelta(days=364)))
    _earlier(session, cohort(session, "JAAE-2027", T0 - timedelta(days=364), "jaae"))
    session.flush()
    return World(c.id, c.code, mentors, mentees, pairs)


# MIRHE-2027: 3 pairs, 10 check-ins of which 9 answered, 6 answers: satisfaction 4,4,5,5,3,3
# (mean 4), recommend 9,9,9,8,8,5 (mean 8, NPS 50 − 17 = 33), objectives 4,4,4,5,2,2
# (4 of 6 reached), mentors again True, True, False (mentors under the threshold: hidden).
EARLIER = [
    (4, 4, 9, True),
    (4, 4, 9, True),
    (4, 5, 9, False),
    (5, 5, 8, None),
    (2, 3, 8, None),
    (2, 3, 5, None),
]


def _earlier(session: Session, c: Cohort) -> None:
    mentors = [application(session, c, "mentor", MANAGEMENT) for _ in range(3)]
    mentees = [application(session, c, "mentee", MOBILITY) for _ in range(3)]
    pairs = pairs_of(session, c, mentors, mentees)
    members = [(p, m) for p in pairs for m in (p.mentor, p.mentee)]
    for month in (1, 2):
        for index, (pair, member) in enumerate(members):
            if month == 2 and index >= 4:
                continue
            checkin(session, c, pair, member, month, answered=not (month == 2 and index == 3))
    people = [*mentors, *mentees]
    for app, (objectives, satisfaction, recommend, again) in zip(people, EARLIER, strict=True):
        evaluate(session, c, app, (objectives, satisfaction, recommend, again, ""))
