"""The privacy notice (« Données personnelles ») of a programme, public, at
`/confidentialite/<programme slug>`: who is responsible, why the data is processed, what is
kept and for how long, the rights and whom to write to. Every email's footer links to it.

Its values come from the programme's `[privacy]` settings (mentorat.presets.Privacy); an
empty controller falls back on the programme's organisation or name, an empty contact on the
operator of its latest cohort.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat.services.programmes import programme_parts
from models import Cohort, Programme

PREFIX = "/confidentialite"
# A programme's slug, as mentorat.presets.ProgrammeInfo allows it: anything else (a NUL byte
# PostgreSQL refuses, a path) is no programme, and never reaches the database.
SLUG = re.compile(r"[a-z0-9-]{2,40}")


def privacy_path(slug: str) -> str:
    return f"{PREFIX}/{slug}"


@dataclass(frozen=True)
class Notice:
    controller: str
    contact_name: str
    contact_email: str
    dpo: str
    retention_months: int
    notice_days: int
    anonymity_threshold: int


def notice_of(session: Session, programme: Programme) -> Notice:
    parts = programme_parts(programme)
    privacy = parts.privacy
    latest = session.scalar(
        select(Cohort)
        .where(Cohort.programme_id == programme.id)
        .order_by(Cohort.call_opens_at.desc(), Cohort.id.desc())
        .limit(1)
    )
    controller = privacy.controller or programme.organisation or programme.name
    if privacy.contact:
        contact_name, contact_email = "", privacy.contact
    elif latest is not None:
        contact_name, contact_email = latest.operator_name, latest.operator_email
    else:
        contact_name, contact_email = "", ""
    return Notice(
        controller=controller,
        contact_name=contact_name,
        contact_email=contact_email,
        dpo=privacy.dpo,
        retention_months=privacy.retention_months,
        notice_days=privacy.retention_notice_days,
        anonymity_threshold=parts.bilan.anonymity_threshold,
    )


def show(session: Session, slug: str, page: Any) -> HTMLResponse:
    """The notice, or the French « page introuvable » (404) for an unknown programme."""
    programme = (
        session.scalar(select(Programme).where(Programme.slug == slug))
        if SLUG.fullmatch(slug)
        else None
    )
    if programme is None:
        response: HTMLResponse = page("not_found.html", 404)
        return response
    response = page(
        "privacy.html", programme=programme, notice=notice_of(session, programme), public=True
    )
    return response
