"""The open application link: anyone may apply to the cohort while its call is open, from
the address domains the operator allows (e.g. justice.fr) when a list is given.

An HR extract rarely lists everybody the call concerns; the link lets the call travel (an
intranet page, a forwarded email) without importing anyone beforehand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat import links
from mentorat.mail.dates import date_fr
from mentorat.services import ServiceError, audit, people
from mentorat.services.applications import acknowledgement, save_application
from mentorat.services.cohorts import timeline_of
from mentorat.settings import Settings
from models import Application, AuditEvent, Cohort, Person


@dataclass(frozen=True)
class Refusal:
    """Why this address may not apply now, in French, for the page."""

    reason: str
    """closed | not_yet | over | domain"""
    message: str


def link_path(code: str) -> str:
    """Where the pages serve the cohort's open form (mentorat.web.open_call)."""
    return f"/candidater/{quote(code, safe='')}"


def link_url(public_url: str, code: str) -> str:
    """The link `mentorat call link` gives the operator to pass on."""
    return f"{public_url.rstrip('/')}{link_path(code)}"


def open_link(
    session: Session, cohort: Cohort, *, domains: Iterable[str], now: datetime, actor: str
) -> list[str]:
    """Open the link; `domains` empty means any address. Returns the domains kept."""
    kept = sorted({_domain(d) for d in domains if d.strip()})
    for domain in kept:
        if "." not in domain or " " in domain:
            raise ServiceError(
                f"domaine d’adresse invalide\u00a0: «\u00a0{domain}\u00a0» (ex. justice.fr)"
            )
    cohort.open_applications, cohort.application_domains = True, kept
    audit.record(
        session, at=now, actor=actor, action="call.link_opened", entity="cohort",
        entity_id=cohort.id, cohort_id=cohort.id, domains=kept,
    )  # fmt: skip
    return kept


def close_link(session: Session, cohort: Cohort, *, now: datetime, actor: str) -> None:
    cohort.open_applications = False
    audit.record(
        session, at=now, actor=actor, action="call.link_closed", entity="cohort",
        entity_id=cohort.id, cohort_id=cohort.id,
    )  # fmt: skip


def refusal(cohort: Cohort, email: str | None, now: datetime) -> Refusal | None:
    """None when `email` (None: not typed yet) may apply through the link at `now`."""
    timeline = timeline_of(cohort)
    if now >= timeline.call_closes_at:
        closed = date_fr(timeline.call_closes_at)
        return Refusal(
            "over",
            f"L’appel à candidatures est clos depuis le {closed}\u00a0: les candidatures ne sont "
            "plus reçues pour cette cohorte. Pour connaître le prochain appel, écrivez à l’équipe "
            "du programme.",
        )
    if not cohort.open_applications:
        return Refusal(
            "closed",
            "Ce lien de candidature a été fermé par l’équipe du programme. Si vous avez reçu "
            "l’appel à candidatures par courriel, candidatez avec le lien qu’il contient.",
        )
    if now < timeline.call_opens_at:
        opens = date_fr(timeline.call_opens_at)
        return Refusal("not_yet", f"L’appel à candidatures ouvrira le {opens}.")
    if email is not None and not allowed(cohort, email):
        listed = ", ".join(f"@{d}" for d in cohort.application_domains)
        return Refusal(
            "domain",
            f"Cet appel est réservé aux adresses professionnelles ({listed})\u00a0: candidatez "
            "avec votre adresse professionnelle.",
        )
    return None


def allowed(cohort: Cohort, email: str) -> bool:
    """Whether the address's domain is one allowed, or a subdomain of one
    (justice.fr allows ta-lyon.justice.fr)."""
    if not cohort.application_domains:
        return True
    domain = _domain(email.rpartition("@")[2])
    return any(domain == d or domain.endswith(f".{d}") for d in cohort.application_domains)


def ever_opened(session: Session, cohort: Cohort) -> bool:
    """Whether the operator opened the link at some point: a link never opened is not shown
    (the page answers as for an unknown cohort); one closed since gets a clear page."""
    return cohort.open_applications or (
        session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.cohort_id == cohort.id, AuditEvent.action == "call.link_opened")
            .limit(1)
        )
        is not None
    )


def apply_openly(
    session: Session, cohort: Cohort, data: Mapping[str, Any], *, now: datetime
) -> tuple[Application, str]:
    """An application through the open link: the same form and service as an invitation's,
    once the link, the dates and the address's domain allow it.

    Returns the application and "created"; or, when this address already applied to the
    cohort, that application and "exists", unchanged: whoever fills an open form may not
    overwrite what the address's owner wrote. For the same reason a person already known
    keeps the names on file (an HR import or their own form), whatever this form says.
    """
    refused = refusal(cohort, str(data["email"]), now)
    if refused is not None:
        raise ServiceError(refused.message)
    email = str(data["email"]).strip().lower()
    person = session.scalar(select(Person).where(Person.email == email))
    if person is None:
        person = people.identify(
            session,
            email=email,
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data.get("phone"),
            now=now,
            actor="participant",
        ).person
    else:
        existing = session.scalar(
            select(Application)
            .where(Application.cohort_id == cohort.id, Application.person_id == person.id)
            .order_by(Application.id)
            .limit(1)
        )
        if existing is not None:
            audit.record(
                session, at=now, actor="participant", action="application.open_duplicate",
                entity="application", entity_id=existing.id, cohort_id=cohort.id,
            )  # fmt: skip
            return existing, "exists"
    return save_application(
        session, cohort, data, channel="web", now=now, actor="participant", person=person
    )


def acknowledge(
    session: Session,
    settings: Settings,
    cohort: Cohort,
    application: Application,
    outcome: str,
    *,
    now: datetime,
) -> bool:
    """Write the email that answers an open application, in the caller's transaction (send
    it after the commit: `notices.deliver`). A new application gets its « candidature reçue »,
    the very letter the call phase writes (same key: never twice). An address that had
    applied already gets the link to its application, at most once an hour: the page says
    the same in both cases, so that it never tells who applied. False if nothing was new."""
    # Here, not at the top: `mentorat call link` needs no renderer and no SMTP client.
    from mentorat.outbox import enqueue
    from mentorat.services import notices

    if outcome != "exists":
        letters = [acknowledgement(application, settings)]
        return enqueue(session, cohort, letters, now=now, settings=settings) > 0
    return notices.queue_for_person(
        session,
        settings,
        cohort,
        application.person,
        kind="application_exists",
        occurrence=f"{application.id}-{now:%Y%m%d%H}",
        now=now,
        role=application.role,
        call_closes_at=timeline_of(cohort).call_closes_at,
        apply_url=links.make_url(
            settings.public_url, settings.secret_key, application.person_id, "apply", cohort.id
        ),
    )


def _domain(text: str) -> str:
    return text.strip().lower().lstrip("@").rstrip(".")
