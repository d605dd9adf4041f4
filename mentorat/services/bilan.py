"""A cohort's bilan in figures, never names: participation, the final evaluation and the
programme's earlier cohorts.

The anonymity threshold (programme setting `bilan.anonymity_threshold`, default 5) is
applied here, once: a group with fewer answers than it comes out with `published=False` and
empty figures, so no renderer can show it. Free-text comments are handed out only where
their author ticked the evaluation's consent box (`EvaluationAnswer.comment_consent`), and
only for a role whose answers reach the threshold; they come sorted (not in the order of
the answers) and with the cohort's people's names and addresses taken out. Anything else
(a comment without consent, a reply by email) is counted, never quoted.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from mentorat.services.programmes import cohort_parts
from mentorat.services.status import PHASE_LABELS
from models import (
    Application,
    CallRecipient,
    CharterSignature,
    CheckIn,
    Cohort,
    EvaluationAnswer,
    OutboxMessage,
    Pair,
    Person,
    SupervisionAttendance,
    SupervisionSession,
)

SCALE5 = (1, 2, 3, 4, 5)
SCALE10 = tuple(range(11))
ROLES = (("mentor", "Mentors"), ("mentee", "Mentoré·es"))
# Pairs the operator approved (a proposal, or a pair a re-run replaced, never started).
NOT_FORMED = ("proposed", "superseded")
UNASKED = "unasked"

WITHDRAWN = "retrait du programme"
RESUMED = "réponses reprises ensuite"
SUPERVISED = "séance individuelle de supervision suivie"
SILENT = "sans réponse ultérieure"
# How an alert ended, the first that applies: the person withdrew, the supervisor saw the
# mentor in an individual session, the person answered again later (a check-in or the
# evaluation), or nothing since.
ESCALATION_OUTCOMES = (WITHDRAWN, SUPERVISED, RESUMED, SILENT)
# In a quoted comment, in place of a name or an address of one of the cohort's people.
NAME_REMOVED = "[nom retiré]"
CHARTER_SIGNED = "charte signée après relance"
CHARTER_UNSIGNED = "charte restée non signée"
MENTOR_AGAIN = ("oui", "non", "ne sait pas")


def hidden_text(threshold: int) -> str:
    """What a reader sees in place of a group under the threshold."""
    return f"moins de {threshold} réponses\u00a0: non publié"


@dataclass(frozen=True)
class Month:
    """The check-ins of one month. The answers' content (met, meetings) is published only
    from the threshold of answers on."""

    month: int
    requested: int
    answered: int
    missed: int
    published: bool
    met: int = 0  # answers saying the pair met that month
    meetings: int = 0  # meetings declared, once per pair (the higher of its two answers)


@dataclass(frozen=True)
class Escalations:
    """Alerts to the supervisor, and what followed (outcomes only from the threshold on)."""

    help_requested: int
    missed_checkins: int
    charter_unsigned: int
    published: bool
    outcomes: dict[str, int] = field(default_factory=dict)
    charter_published: bool = False
    charter_outcomes: dict[str, int] = field(default_factory=dict)
    # Months answered "pas vu" in a row (tasks/checkins.py, escalation_not_met).
    no_meeting: int = 0

    @property
    def checkin_total(self) -> int:
        return self.help_requested + self.missed_checkins + self.no_meeting


@dataclass(frozen=True)
class Scores:
    """One role's evaluation answers: the distribution of each score."""

    role: str
    label: str
    invited: int
    respondents: int
    published: bool
    objectives: dict[int, int] = field(default_factory=dict)  # 1..5 -> answers
    satisfaction: dict[int, int] = field(default_factory=dict)  # 1..5
    recommend: dict[int, int] = field(default_factory=dict)  # 0..10
    mentor_again: dict[str, int] = field(default_factory=dict)  # mentors only


@dataclass(frozen=True)
class ObjectiveGroup:
    """Objectives reached (1..5) by the respondents who had set this objective."""

    tag: str
    label: str
    respondents: int
    published: bool
    reached: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Comments:
    """One role's free-text comments. `texts`: those their authors allowed in the bilan,
    empty unless the role's answers reach the threshold (`published`)."""

    role: str
    label: str
    written: int  # answers with a comment
    published: bool
    allowed: int = 0  # of which the author allowed in the bilan (from the threshold on)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CohortSummary:
    """One cohort in a line, to compare a programme's cohorts."""

    code: str
    label: str
    opens_on: datetime
    applications: int
    pairs: int
    checkins_requested: int
    checkins_answered: int
    respondents: int
    published: bool
    satisfaction_mean: float | None = None
    recommend_mean: float | None = None
    nps: int | None = None
    objectives_reached_share: float | None = None  # answers of 4 or 5
    mentors_again_published: bool = False
    mentors_again_share: float | None = None


@dataclass(frozen=True)
class Bilan:
    programme: str
    code: str
    label: str
    phase: str
    threshold: int
    call_recipients: int
    applications: dict[str, int]  # role -> applications
    matched: dict[str, int]  # role -> people in a formed pair
    unmatched: int
    withdrawn: int
    late: int
    pairs: int
    active_pairs: int
    signatures: int
    months: list[Month]
    escalations: Escalations
    scores: list[Scores]
    objectives: list[ObjectiveGroup]
    evaluation_invited: int
    evaluation_respondents: int
    comments: int  # answers with a free-text comment
    comment_groups: list[Comments]  # per role: quoted only with consent, from the threshold
    earlier: list[CohortSummary]
    current: CohortSummary

    @property
    def hidden(self) -> str:
        return hidden_text(self.threshold)

    @property
    def checkins_answered(self) -> int:
        return sum(m.answered for m in self.months)

    @property
    def meetings(self) -> int:
        return sum(m.meetings for m in self.months if m.published)


# Figures from distributions (None for an empty one).


def total(distribution: dict[int, int]) -> int:
    return sum(distribution.values())


def mean(distribution: dict[int, int]) -> float | None:
    n = total(distribution)
    return sum(k * v for k, v in distribution.items()) / n if n else None


def share_at_least(distribution: dict[int, int], floor: int) -> float | None:
    n = total(distribution)
    return sum(v for k, v in distribution.items() if k >= floor) / n if n else None


def net_promoter(distribution: dict[int, int]) -> int | None:
    """Net promoter score: % of 9–10 minus % of 0–6, from −100 to 100."""
    n = total(distribution)
    if not n:
        return None
    promoters = sum(v for k, v in distribution.items() if k >= 9)
    detractors = sum(v for k, v in distribution.items() if k <= 6)
    return round(100 * (promoters - detractors) / n)


def threshold_of(cohort: Cohort) -> int:
    return cohort_parts(cohort).bilan.anonymity_threshold


def cohort_bilan(session: Session, cohort: Cohort) -> Bilan:
    threshold = threshold_of(cohort)
    cid = cohort.id
    apps = list(session.scalars(select(Application).where(Application.cohort_id == cid)))
    by_id = {a.id: a for a in apps}
    pairs = list(
        session.scalars(select(Pair).where(Pair.cohort_id == cid, Pair.status.not_in(NOT_FORMED)))
    )
    in_pair = {a for p in pairs for a in (p.mentor_application_id, p.mentee_application_id)}
    active_members = {
        a
        for p in pairs
        if p.status == "active"
        for a in (p.mentor_application_id, p.mentee_application_id)
    }
    checkins = list(session.scalars(select(CheckIn).where(CheckIn.cohort_id == cid)))
    answers = list(
        session.scalars(select(EvaluationAnswer).where(EvaluationAnswer.cohort_id == cid))
    )
    scores = [
        _scores(role, label, answers, by_id, active_members, threshold) for role, label in ROLES
    ]
    current = _summary(session, cohort, threshold)
    earlier = [
        _summary(session, other, threshold)
        for other in session.scalars(
            select(Cohort)
            .where(
                Cohort.programme_id == cohort.programme_id,
                Cohort.id != cid,
                Cohort.call_opens_at < cohort.call_opens_at,
            )
            .order_by(Cohort.call_opens_at)
        )
    ]
    return Bilan(
        programme=cohort.programme.name,
        code=cohort.code,
        label=cohort.label,
        phase=PHASE_LABELS.get(cohort.phase, cohort.phase),
        threshold=threshold,
        call_recipients=_count(session, select(func.count()).where(CallRecipient.cohort_id == cid)),
        applications={role: sum(a.role == role for a in apps) for role, _ in ROLES},
        matched={role: sum(a.role == role and a.id in in_pair for a in apps) for role, _ in ROLES},
        unmatched=sum(a.status == "unmatched" for a in apps),
        withdrawn=sum(a.status == "withdrawn" for a in apps),
        late=sum(a.status == "late" for a in apps),
        pairs=len(pairs),
        active_pairs=sum(p.status == "active" for p in pairs),
        signatures=_count(
            session,
            select(func.count())
            .select_from(CharterSignature)
            .join(Pair, Pair.id == CharterSignature.pair_id)
            .where(Pair.cohort_id == cid),
        ),
        months=_months(checkins, threshold),
        escalations=_escalations(session, cohort, checkins, answers, by_id, pairs, threshold),
        scores=scores,
        objectives=_objectives(answers, by_id, threshold),
        evaluation_invited=sum(s.invited for s in scores),
        evaluation_respondents=len(answers),
        comments=sum(bool(a.comments.strip()) for a in answers),
        comment_groups=_comments(session, cohort, answers, by_id, scores),
        earlier=earlier,
        current=current,
    )


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def _months(checkins: list[CheckIn], threshold: int) -> list[Month]:
    by_month: dict[int, list[CheckIn]] = defaultdict(list)
    for row in checkins:
        # Closed during an outage before its request left: it was never asked.
        if row.status != UNASKED:
            by_month[row.month].append(row)
    months = []
    for month in sorted(by_month):
        rows = by_month[month]
        answered = [r for r in rows if r.status == "answered"]
        published = len(answered) >= threshold
        per_pair: dict[int, int] = defaultdict(int)
        for r in answered:
            per_pair[r.pair_id] = max(per_pair[r.pair_id], r.meetings or 0)
        months.append(
            Month(
                month=month,
                requested=len(rows),
                answered=len(answered),
                missed=sum(r.status == "missed" for r in rows),
                published=published,
                met=sum(bool(r.met) for r in answered) if published else 0,
                meetings=sum(per_pair.values()) if published else 0,
            )
        )
    return months


def _occurrence(key: str) -> str:
    # letter_key: "c{cohort}:{step}:{who}:{occurrence}"
    return key.rsplit(":", 1)[-1]


def _escalations(
    session: Session,
    cohort: Cohort,
    checkins: list[CheckIn],
    answers: list[EvaluationAnswer],
    by_id: dict[int, Application],
    pairs: list[Pair],
    threshold: int,
) -> Escalations:
    rows = session.execute(
        select(OutboxMessage.step, OutboxMessage.key).where(
            OutboxMessage.cohort_id == cohort.id,
            OutboxMessage.kind.in_(("escalation", "charter_escalation")),
        )
    ).all()
    checkin_by_id = {c.id: c for c in checkins}
    answered_months: dict[int, set[int]] = defaultdict(set)
    for c in checkins:
        if c.status == "answered":
            answered_months[c.application_id].add(c.month)
    evaluated = {a.application_id for a in answers}
    supervised = set(
        session.scalars(
            select(SupervisionSession.application_id)
            .join(SupervisionAttendance, SupervisionAttendance.session_id == SupervisionSession.id)
            .where(
                SupervisionSession.cohort_id == cohort.id,
                SupervisionSession.kind == "individual",
                SupervisionAttendance.attended.is_(True),
            )
        )
    )
    pair_status = {p.id: p.status for p in pairs}
    outcomes: Counter[str] = Counter()
    charter: Counter[str] = Counter()
    help_requested = missed = no_meeting = 0
    for step, key in rows:
        occurrence = _occurrence(key)
        if step == "charter_escalation":
            signed = occurrence.isdigit() and pair_status.get(int(occurrence)) == "active"
            charter[CHARTER_SIGNED if signed else CHARTER_UNSIGNED] += 1
            continue
        if step == "escalation_help":
            help_requested += 1
            row = checkin_by_id.get(int(occurrence)) if occurrence.isdigit() else None
            if row is None:
                outcomes[SILENT] += 1  # its check-in is gone: nothing known since
                continue
            app_id, month = row.application_id, row.month
        else:
            if step == "escalation_not_met":
                no_meeting += 1
            else:
                missed += 1
            app_text, _, month_text = occurrence.partition("-")
            if not (app_text.isdigit() and month_text.isdigit()):
                outcomes[SILENT] += 1
                continue
            app_id, month = int(app_text), int(month_text)
        app = by_id.get(app_id)
        if app is not None and app.status == "withdrawn":
            outcomes[WITHDRAWN] += 1
        elif app_id in supervised:
            outcomes[SUPERVISED] += 1
        elif any(m > month for m in answered_months[app_id]) or app_id in evaluated:
            outcomes[RESUMED] += 1
        else:
            outcomes[SILENT] += 1
    published = help_requested + missed + no_meeting >= threshold
    charter_published = sum(charter.values()) >= threshold
    return Escalations(
        help_requested=help_requested,
        missed_checkins=missed,
        no_meeting=no_meeting,
        charter_unsigned=sum(charter.values()),
        published=published,
        outcomes={k: outcomes[k] for k in ESCALATION_OUTCOMES} if published else {},
        charter_published=charter_published,
        charter_outcomes=(
            {k: charter[k] for k in (CHARTER_SIGNED, CHARTER_UNSIGNED)} if charter_published else {}
        ),
    )


def _scores(
    role: str,
    label: str,
    answers: list[EvaluationAnswer],
    by_id: dict[int, Application],
    invited: set[int],
    threshold: int,
) -> Scores:
    mine = [a for a in answers if (app := by_id.get(a.application_id)) and app.role == role]
    invited_count = sum(1 for i in invited if by_id[i].role == role)
    if len(mine) < threshold:
        return Scores(role, label, invited_count, len(mine), published=False)
    again: Counter[str] = Counter(
        {True: "oui", False: "non", None: "ne sait pas"}[a.mentor_again] for a in mine
    )
    return Scores(
        role=role,
        label=label,
        invited=invited_count,
        respondents=len(mine),
        published=True,
        objectives=_distribution((a.objectives_reached for a in mine), SCALE5),
        satisfaction=_distribution((a.satisfaction for a in mine), SCALE5),
        recommend=_distribution((a.recommend for a in mine), SCALE10),
        mentor_again={k: again[k] for k in MENTOR_AGAIN} if role == "mentor" else {},
    )


def _distribution(values: Iterable[int], scale: tuple[int, ...]) -> dict[int, int]:
    counts = Counter(values)
    return {k: counts[k] for k in scale}


def _objectives(
    answers: list[EvaluationAnswer], by_id: dict[int, Application], threshold: int
) -> list[ObjectiveGroup]:
    """Per objective category the respondents had chosen (mentors and mentees together)."""
    labels: dict[str, str] = {}
    reached: dict[str, list[int]] = defaultdict(list)
    for answer in answers:
        app = by_id.get(answer.application_id)
        if app is None:
            continue
        for tag, text in (app.objectives or {}).items():
            labels.setdefault(tag, str(text))
            reached[tag].append(answer.objectives_reached)
    groups = []
    for tag in sorted(reached, key=lambda t: (-len(reached[t]), labels[t])):
        n = len(reached[tag])
        published = n >= threshold
        groups.append(
            ObjectiveGroup(
                tag=tag,
                label=labels[tag],
                respondents=n,
                published=published,
                reached=_distribution(reached[tag], SCALE5) if published else {},
            )
        )
    return groups


def _comments(
    session: Session,
    cohort: Cohort,
    answers: list[EvaluationAnswer],
    by_id: dict[int, Application],
    scores: list[Scores],
) -> list[Comments]:
    """Per role, the comments quoted: the author's consent, the role's group published."""
    written: dict[str, list[EvaluationAnswer]] = defaultdict(list)
    for answer in answers:
        app = by_id.get(answer.application_id)
        if app is not None and answer.comments.strip():
            written[app.role].append(answer)
    groups = []
    redact: _Redactor | None = None
    for group in scores:
        mine = written[group.role]
        if not group.published:
            groups.append(Comments(group.role, group.label, len(mine), published=False))
            continue
        allowed = [a.comments.strip() for a in mine if a.comment_consent]
        redact = redact or _Redactor(session, cohort)
        groups.append(
            Comments(
                group.role,
                group.label,
                len(mine),
                published=True,
                allowed=len(allowed),
                texts=sorted(redact.text(t) for t in allowed),
            )
        )
    return groups


class _Redactor:
    """Takes the names and addresses of the cohort's people out of a comment quoted (an
    author allowed their words, not their partner's name)."""

    def __init__(self, session: Session, cohort: Cohort) -> None:
        rows = session.execute(
            select(Person.first_name, Person.last_name, Person.email)
            .join(Application, Application.person_id == Person.id)
            .where(Application.cohort_id == cohort.id)
        ).all()
        words = {w.strip() for row in rows for w in (f"{row[0]} {row[1]}", *row) if w}
        words = {w for w in words if len(w) >= 2}
        # The longest first ("Anne Marie" before "Anne"), whole words, in any case: a
        # common word taken for a name is the lesser harm.
        self.pattern = (
            re.compile(
                "|".join(
                    rf"(?<!\w){re.escape(w)}(?!\w)" for w in sorted(words, key=len, reverse=True)
                ),
                re.IGNORECASE,
            )
            if words
            else None
        )

    def text(self, value: str) -> str:
        return self.pattern.sub(NAME_REMOVED, value) if self.pattern else value


def _summary(session: Session, cohort: Cohort, threshold: int) -> CohortSummary:
    cid = cohort.id
    checkins = session.execute(
        select(CheckIn.status, func.count())
        .where(CheckIn.cohort_id == cid)
        .group_by(CheckIn.status)
    ).all()
    by_status = {status: int(n) for status, n in checkins}
    rows = session.execute(
        select(
            Application.role,
            EvaluationAnswer.objectives_reached,
            EvaluationAnswer.satisfaction,
            EvaluationAnswer.recommend,
            EvaluationAnswer.mentor_again,
        )
        .join(Application, Application.id == EvaluationAnswer.application_id)
        .where(EvaluationAnswer.cohort_id == cid)
    ).all()
    summary = CohortSummary(
        code=cohort.code,
        label=cohort.label,
        opens_on=cohort.call_opens_at,
        applications=_count(session, select(func.count()).where(Application.cohort_id == cid)),
        pairs=_count(
            session,
            select(func.count()).where(Pair.cohort_id == cid, Pair.status.not_in(NOT_FORMED)),
        ),
        checkins_requested=sum(n for status, n in by_status.items() if status != UNASKED),
        checkins_answered=by_status.get("answered", 0),
        respondents=len(rows),
        published=False,
    )
    if len(rows) < threshold:
        return summary
    mentors = [r for r in rows if r.role == "mentor"]
    mentors_published = len(mentors) >= threshold
    return replace(
        summary,
        published=True,
        satisfaction_mean=mean(_distribution((r.satisfaction for r in rows), SCALE5)),
        recommend_mean=mean(_distribution((r.recommend for r in rows), SCALE10)),
        nps=net_promoter(_distribution((r.recommend for r in rows), SCALE10)),
        objectives_reached_share=share_at_least(
            _distribution((r.objectives_reached for r in rows), SCALE5), 4
        ),
        mentors_again_published=mentors_published,
        mentors_again_share=(
            sum(r.mentor_again is True for r in mentors) / len(mentors)
            if mentors_published
            else None
        ),
    )


def headline(bilan: Bilan) -> list[tuple[str, int]]:
    """The headline figures: counts only (for the Prefect artifact and the first page)."""
    return [
        ("Candidatures de mentors", bilan.applications["mentor"]),
        ("Candidatures de mentoré·es", bilan.applications["mentee"]),
        ("Binômes formés", bilan.pairs),
        ("Binômes actifs (charte signée par les deux)", bilan.active_pairs),
        ("Signatures de la charte", bilan.signatures),
        ("Points mensuels répondus", bilan.checkins_answered),
        ("Rencontres déclarées", bilan.meetings),
        ("Demandes d’aide transmises au référent", bilan.escalations.help_requested),
        ("Alertes pour points mensuels manqués", bilan.escalations.missed_checkins),
        ("Alertes pour binômes sans rencontre", bilan.escalations.no_meeting),
        ("Relances pour charte non signée", bilan.escalations.charter_unsigned),
        ("Réponses à l’évaluation finale", bilan.evaluation_respondents),
    ]


def headline_markdown(bilan: Bilan) -> str:
    lines = [
        f"# Bilan de la cohorte {bilan.code}",
        "",
        "Chiffres clés (effectifs, sans nom). Le bilan complet\u00a0: "
        f"`mentorat cohort report --cohort {bilan.code} --out bilan.pdf`.",
        "",
        "| Mesure | Effectif |",
        "|---|---:|",
    ]
    lines += [f"| {label} | {value} |" for label, value in headline(bilan)]
    return "\n".join(lines) + "\n"
