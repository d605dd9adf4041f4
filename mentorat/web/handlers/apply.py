"""The application form of the call for candidates. The confirmation email is the cohort
flow's: saving the application wakes it (applications.save_application queues the event)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from mentorat.services import applications, cohorts
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
    t = cohorts.timeline_of(visit.target.cohort)
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


def read(form: Form, role: str | None, *, ask_email: bool = False) -> dict[str, Any]:
    """The application's fields as `applications.save_application` takes them (the address
    too when `ask_email`: the open form), with the errors in `form.result`. `role` is the
    one already chosen, if any."""
    limits = form.limits
    if role is None:
        role = form.choice(
            "role", ROLES, message="Indiquez si vous candidatez comme mentor ou comme mentoré·e."
        )
    form.result.values["role"] = role
    first = form.line("first_name", required=True, max_len=120, label="votre prénom")
    last = form.line("last_name", required=True, max_len=120, label="votre nom")
    email = form.email("email", required=True) if ask_email else None
    phone = form.line("phone", max_len=40, label="votre numéro de téléphone")
    unit = form.line("unit", required=True, label="votre service ou juridiction")
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
    fields: dict[str, Any] = {
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
    }
    if ask_email:
        fields["email"] = email
    return fields


def submit(visit: Visit, data: Any) -> Response:
    if not visit.is_open:
        return visit.closed()
    form = Form(data, visit.limits)
    existing = visit.target.application
    fields = read(form, existing.role if existing is not None else None)
    if form.result.errors:
        values = {**_values(visit), **form.result.values}
        return _page(visit, status=400, values=values, errors=form.result.errors)
    applications.save_application(
        visit.session,
        visit.target.cohort,
        {"email": visit.target.person.email, **fields},
        channel="web",
        now=visit.now,
        actor=f"person:{visit.target.person.id}",
    )
    return visit.saved()
