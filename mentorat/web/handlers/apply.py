"""The application form of the call for candidates. The confirmation email is the cohort
flow's: saving the application wakes it (services.save_application queues the event)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from mentorat import services
from mentorat.web.forms import Form, tags
from mentorat.web.visit import Visit

REGIONS = [
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d’Azur",
]
OVERSEAS = [
    "Guadeloupe",
    "Guyane",
    "La Réunion",
    "Martinique",
    "Mayotte",
    "Collectivités d’outre-mer",
]
ROLES = {"mentor": "mentor", "mentee": "mentee"}
FORMATS = {"in_person": "in_person", "remote": "remote", "hybrid": "hybrid"}
SLOTS = {"morning": "morning", "noon": "noon", "evening": "evening"}
STAGES = {"early": "early", "mid": "mid", "late": "late"}
CAPACITY = {"1": 1, "2": 2}


def _values(visit: Visit) -> dict[str, Any]:
    person, app = visit.target.person, visit.target.application
    values: dict[str, Any] = {
        "role": None,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "phone": person.phone or "",
        "unit": "",
        "region": None,
        "manager_email": "",
        "formats": [],
        "availability": [],
        "career_stage": None,
        "seniority_years": None,
        "objectives": "",
        "expertise": "",
        "capacity": 1,
        "expectations": "",
        "consent": False,
    }
    if app is not None:
        values.update(
            role=app.role,
            unit=app.unit or "",
            region=app.region,
            manager_email=app.manager_email or "",
            formats=list(app.formats),
            availability=list(app.availability),
            career_stage=app.career_stage,
            seniority_years=app.seniority_years,
            capacity=app.capacity,
            objectives="\n".join(app.objectives.values()),
            expertise="\n".join(app.expertise.values()),
            expectations=app.expectations,
            consent=True,
        )
    return values


def _page(visit: Visit, **ctx: Any) -> Response:
    t = services.timeline_of(visit.target.cohort)
    return visit.page(
        "apply.html",
        regions=REGIONS,
        overseas=OVERSEAS,
        closes_at=t.call_closes_at,
        application=visit.target.application,
        **ctx,
    )


def show(visit: Visit, answer: str | None, saved: bool) -> Response:
    return _page(visit, values=_values(visit), saved=saved)


def submit(visit: Visit, data: Any) -> Response:
    if not visit.is_open:
        return visit.closed()
    limits = visit.limits
    form = Form(data, limits)
    existing = visit.target.application
    role = (
        existing.role
        if existing is not None
        else form.choice(
            "role", ROLES, message="Indiquez si vous candidatez comme mentor ou comme mentoré·e."
        )
    )
    form.result.values["role"] = role
    first = form.text("first_name", required=True, max_len=120, label="votre prénom")
    last = form.text("last_name", required=True, max_len=120, label="votre nom")
    phone = form.text("phone", max_len=40)
    unit = form.text("unit", required=True, label="votre service ou juridiction")
    region = form.choice(
        "region",
        {r: r for r in REGIONS + OVERSEAS},
        message="Choisissez votre région d’affectation.",
    )
    manager = form.email("manager_email")
    formats = form.choices(
        "formats", FORMATS, required=True, message="Cochez au moins un format de rencontre."
    )
    availability = form.choices("availability", SLOTS)
    stage = form.choice(
        "career_stage", STAGES, message="Indiquez où vous en êtes de votre carrière."
    )
    seniority = form.integer("seniority_years", 0, 50, required=True)
    objectives = form.text("objectives", required=True, max_len=1000, label="vos objectifs")
    expertise = form.text("expertise", max_len=1000)
    capacity = form.choice("capacity", CAPACITY, required=False) or 1
    expectations = form.text("expectations", max_len=limits.long_text)
    consent = form.flag("consent")
    errors = form.result.errors
    if role == "mentor" and not expertise and "expertise" not in errors:
        errors["expertise"] = "Indiquez au moins un domaine d’expérience à transmettre."
    if objectives and "objectives" not in errors and not 1 <= len(tags(objectives)) <= 5:
        errors["objectives"] = "Indiquez de un à cinq objectifs, un par ligne."
    if not consent:
        errors["consent"] = "Cochez la case pour accepter l’utilisation de vos informations."
    if errors:
        values = {**_values(visit), **form.result.values}
        return _page(visit, status=400, values=values, errors=errors)
    services.save_application(
        visit.session,
        visit.target.cohort,
        {
            "email": visit.target.person.email,
            "first_name": first,
            "last_name": last,
            "phone": phone or None,
            "role": role,
            "unit": unit,
            "region": region,
            "overseas": region in OVERSEAS,
            "manager_email": manager,
            "formats": formats,
            "availability": availability,
            "languages": ["fr"],
            "career_stage": stage,
            "seniority_years": seniority,
            "objectives": tags(objectives),
            "expertise": tags(expertise) if role == "mentor" else {},
            "capacity": capacity if role == "mentor" else 1,
            "expectations": expectations,
            "gender": None,
            "preferred_mentor_gender": None,
            "post_start_date": None,
        },
        channel="web",
        now=visit.now,
        actor=f"person:{visit.target.person.id}",
    )
    return visit.saved()
