"""Programmes: created or updated from a preset; a changed charter is a new version."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat import presets
from mentorat.services import audit
from models import (
    CharterVersion,
    Cohort,
    Programme,
)


def add_programme(session: Session, preset_name: str, *, now: datetime, actor: str) -> Programme:
    """Create the programme from a preset, or update it; a changed charter is a new version."""
    preset, charter_text = presets.load(preset_name)
    info = preset.programme
    programme = session.scalar(select(Programme).where(Programme.slug == info.slug))
    if programme is None:
        programme = Programme(
            slug=info.slug,
            name=info.name,
            short_name=info.short_name,
            # A preset's name (jaae), or the slug of a preset given as a file (a long path).
            preset=info.slug if Path(preset_name).suffix else preset_name,
            settings=preset.settings(),
            created_at=now,
        )
        session.add(programme)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="programme.created",
            entity="programme",
            entity_id=programme.id,
        )
    else:
        programme.name, programme.short_name = info.name, info.short_name
        programme.settings = preset.settings()
    digest = presets.charter_digest(charter_text)
    latest = _latest_charter(session, programme.id)
    if latest is None or latest.sha256 != digest:
        version = CharterVersion(
            programme_id=programme.id,
            version=(latest.version + 1) if latest else 1,
            title=preset.charter.title,
            text=charter_text,
            sha256=digest,
            created_at=now,
        )
        session.add(version)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="charter.versioned",
            entity="charter_version",
            entity_id=version.id,
            version=version.version,
        )
    return programme


def _latest_charter(session: Session, programme_id: int) -> CharterVersion | None:
    return session.scalar(
        select(CharterVersion)
        .where(CharterVersion.programme_id == programme_id)
        .order_by(CharterVersion.version.desc())
        .limit(1)
    )


def programme_parts(programme: Programme) -> presets.ProgrammePreset:
    """The programme's current settings: for what belongs to no cohort (a new cohort, the
    preset itself). A cohort reads its own snapshot: `cohort_parts`."""
    return _parts(programme, programme.settings)


def cohort_parts(cohort: Cohort) -> presets.ProgrammePreset:
    """The settings the cohort was created with (or last brought onto by the operator):
    a preset edited since changes nothing here."""
    return _parts(cohort.programme, cohort.settings)


def _parts(programme: Programme, settings: dict[str, object]) -> presets.ProgrammePreset:
    return presets.ProgrammePreset.model_validate(
        {
            "programme": {
                "slug": programme.slug,
                "name": programme.name,
                "short_name": programme.short_name,
            },
            "charter": {"title": "", "file": ""},
            **settings,
        }
    )
