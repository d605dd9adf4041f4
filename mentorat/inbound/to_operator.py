"""A reply that records nothing goes to the operator: whose operator, in which words, how often.

Every such reply is a notice of the `inbound_unclear` kind (services.notices), written in
the transaction that logs the reply:
  - tied to a request, or to a person of the programme: that cohort's operator;
  - from an address the programme does not know (or an erased person's): the operator of
    each live cohort, once per operator; at most STRANGERS_PER_DAY such replies a day are
    passed on (mail to the reply address from outside is not flooded into the team's box;
    the later ones stay in the reply log);
  - an automatic reply (out of office, vacation, delivery report): one notice per person
    and request, or per sender and day when it is tied to no request; a responder answering
    every reminder writes to the operator once.
Nothing here reaches Prefect: the notice is an outbox row, the wake event carries ids only.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorat.inbound.reading import PROBLEMS, Reading
from mentorat.services import notices
from mentorat.services.targets import Target
from mentorat.settings import Settings
from models import Application, Cohort, InboundReply, OutboxMessage, Person

# Replies from outside the programme passed on to the operators, per day.
STRANGERS_PER_DAY = 20

LABELS = {
    "checkin": "point mensuel",
    "supervision": "séance de supervision",
    "workshop": "atelier de restitution",
    "charter": "signature de la charte",
    "evaluation": "évaluation finale",
    "apply": "candidature",
    "my_data": "informations personnelles",
}
REASONS = {
    "unclear": "Une réponse reçue par courriel n’a pas pu être comprise avec certitude.",
    "wrong_sender": "Une réponse a été reçue d’une autre adresse que celle de la personne "
    "à qui la demande avait été envoyée.",
    "closed": "Une réponse est arrivée par courriel après la date limite de la demande.",
    "not_answerable": "Une réponse a été reçue par courriel à une demande qui se traite "
    "sur la page web (charte, évaluation…).",
    "unverified": "Une réponse cite une demande envoyée à cette personne, mais l’identifiant "
    "du message cité n’a pas pu être vérifié (message ancien ou réponse contrefaite)\u00a0: elle "
    "n’a été rattachée à aucune demande.",
    "unmatched": "Une réponse a été reçue de l’adresse d’une personne du programme, sans "
    "adresse de réponse signée ni message d’origine reconnu\u00a0: elle n’a été rattachée à "
    "aucune demande.",
    "stranger": "Une réponse a été reçue d’une adresse inconnue du programme, sans adresse "
    "de réponse signée ni message d’origine reconnu\u00a0: elle n’a été rattachée à aucune "
    "demande.",
    "auto_reply": "Une réponse automatique (absence, congés, avis de non-distribution…) a "
    "été reçue\u00a0: la personne ne lira peut-être pas la demande à temps. Vous ne recevez "
    "qu’un avis de ce genre par personne et par demande (par jour si aucune demande n’est "
    "reconnue).",
}
LAST_STRANGER = (
    "C’est la {limit}e réponse d’une adresse inconnue reçue aujourd’hui\u00a0: les suivantes "
    "de la journée restent dans le journal des réponses, sans avis."
)


def tell(
    session: Session,
    settings: Settings,
    *,
    reply: InboundReply,
    reading: Reading,
    target: Target | None,
    concerned: tuple[Person | None, list[Cohort]],
    now: datetime,
) -> list[int]:
    """Write the notices for `reply` (logged, not recorded) to the cohorts `concerned`
    names; returns the cohorts whose operator was written to."""
    person, cohorts = concerned
    reason = REASONS["auto_reply"] if reply.outcome == "auto_reply" else None
    if person is None:
        passed_on = _strangers_today(session, now)
        if passed_on > STRANGERS_PER_DAY:
            return []
        reason = reason or REASONS["stranger"]
        if passed_on == STRANGERS_PER_DAY:
            reason = f"{reason} {LAST_STRANGER.format(limit=STRANGERS_PER_DAY)}"
    reason = reason or REASONS.get(reply.outcome, REASONS["unclear"])
    if reading.problem is not None:
        reason = f"{reason} {PROBLEMS[reading.problem]}"
    occurrence = _occurrence(reply, reading, target, person, now)
    told = []
    for cohort in cohorts:
        written = notices.queue_for_operator(
            session,
            settings,
            cohort,
            kind="inbound_unclear",
            occurrence=occurrence,
            now=now,
            reason=reason,
            request_label=LABELS.get(reply.purpose or "", "demande inconnue"),
            person={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
            }
            if person
            else None,
            received_at=now,
            sender=reading.sender,
            text=reading.text,
        )
        if written:
            told.append(cohort.id)
    return told


def concerned(
    session: Session, reading: Reading, target: Target | None, unverified: OutboxMessage | None
) -> tuple[Person | None, list[Cohort]]:
    """The person the reply concerns (None: a stranger) and the cohorts to tell."""
    if target is not None:
        return target.person, [target.cohort]
    if unverified is not None and unverified.cohort_id is not None:
        cohort = session.get(Cohort, unverified.cohort_id)
        person = session.get(Person, unverified.person_id) if unverified.person_id else None
        if cohort is not None:
            return person, [cohort]
    known = _known_sender(session, reading.sender)
    if known is not None:
        return known[0], [known[1]]
    return None, _live_cohorts(session)


def _known_sender(session: Session, sender: str) -> tuple[Person, Cohort] | None:
    """The person a reply tied to nothing comes from, and their latest cohort."""
    if not sender:
        return None
    person = session.scalar(select(Person).where(Person.email == sender))
    if person is None or person.erased_at is not None:
        return None
    cohort = session.scalar(
        select(Cohort)
        .join(Application, Application.cohort_id == Cohort.id)
        .where(Application.person_id == person.id)
        .order_by(Cohort.id.desc())
    )
    return (person, cohort) if cohort is not None else None


def _live_cohorts(session: Session) -> list[Cohort]:
    """The newest live cohort of each operator (the newest cohort if none is live)."""
    cohorts = list(
        session.scalars(
            select(Cohort)
            .where(Cohort.launched_at.is_not(None), Cohort.phase != "closed")
            .order_by(Cohort.id.desc())
        )
    )
    if not cohorts:
        cohorts = list(session.scalars(select(Cohort).order_by(Cohort.id.desc()).limit(1)))
    by_operator: dict[str, Cohort] = {}
    for cohort in cohorts:
        by_operator.setdefault(cohort.operator_email.strip().lower(), cohort)
    return list(by_operator.values())


def _strangers_today(session: Session, now: datetime) -> int:
    """Replies from strangers (no person in the log) since midnight UTC, this one included."""
    day = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    count = session.scalar(
        select(func.count())
        .select_from(InboundReply)
        .where(
            InboundReply.person_id.is_(None),
            InboundReply.received_at >= day,
            InboundReply.received_at < day + timedelta(days=1),
        )
    )
    return int(count or 0)


def _occurrence(
    reply: InboundReply,
    reading: Reading,
    target: Target | None,
    person: Person | None,
    now: datetime,
) -> str:
    """The notice's occurrence in its outbox key: an automatic reply's repeats share it."""
    if reply.outcome != "auto_reply":
        return f"{reply.outcome}-{reply.id}"
    if target is not None:
        return f"auto-p{target.person.id}-{target.purpose}-{reply.occurrence}"
    day = now.astimezone(UTC).strftime("%Y%m%d")
    if person is not None:
        return f"auto-p{person.id}-{day}"
    # The sender's address is not put in the key: a digest of it, for the day.
    digest = hashlib.sha256(reading.sender.encode()).hexdigest()[:16]
    return f"auto-{digest}-{day}"
