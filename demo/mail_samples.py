"""A complete sample context for every kind, with named fixture people.

Used by the tests and the preview. Alice Martin is a newly appointed head of a court
registry (mentee), Bruno Lefèvre an experienced court president (mentor), Chloé Dubois
the programme's supervisor and Delphine Roux the HR operator.
"""

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from mentorat.mail.kinds import KINDS
from mentorat.mail.words import ALERT_LABELS

NBSP = "\u00a0"
PUBLIC_URL = "https://mentorat.exemple.fr"

ALICE = {"first_name": "Alice", "last_name": "Martin", "email": "alice.martin@justice.exemple.fr"}
BRUNO = {"first_name": "Bruno", "last_name": "Lefèvre", "email": "bruno.lefevre@justice.exemple.fr"}
CHLOE = {"first_name": "Chloé", "last_name": "Dubois", "email": "chloe.dubois@justice.exemple.fr"}
DELPHINE = {
    "first_name": "Delphine",
    "last_name": "Roux",
    "email": "delphine.roux@justice.exemple.fr",
}


def _link(purpose: str) -> str:
    # Shaped like the lead's signed links: the token is opaque to the templates.
    return f"{PUBLIC_URL}/r/{purpose}?t=eyJwIjo0MiwicyI6InRlc3QifQ.ZmFrZS1zaWduYXR1cmU"


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _person(who: dict[str, str]) -> dict[str, str]:
    return {"first_name": who["first_name"], "last_name": who["last_name"]}


CHARTER = {
    "role": "mentee",
    "partner": _person(BRUNO),
    "charter_url": _link("charter"),
    "charter_deadline": _at(2026, 10, 14, 21, 59),
}

CHECKIN = {
    "role": "mentee",
    "month": 2,
    "partner": {"first_name": "Bruno"},
    "deadline": _at(2026, 12, 9, 22, 59),
    "urls": {
        "met": _link("checkin/met"),
        "not_met": _link("checkin/not-met"),
        "need_help": _link("checkin/help"),
        "form": _link("checkin/form"),
    },
}

SESSION_FACTS: dict[str, Any] = {
    "number": 2,
    "kind": "group",
    "starts_at": _at(2026, 11, 17, 13, 30),
    "ends_at": _at(2026, 11, 17, 15, 30),
    "location": "Direction des services judiciaires, salle Portalis, 13 place Vendôme, Paris",
}
SESSION = {
    "session": SESSION_FACTS,
    "urls": {"yes": _link("rsvp/yes"), "no": _link("rsvp/no")},
}

EVALUATION = {
    "role": "mentee",
    "evaluation_url": _link("evaluation"),
    "deadline": _at(2027, 4, 15, 21, 59),
}

SPECIFIC: dict[str, dict[str, Any]] = {
    "call": {
        "call_closes_at": _at(2026, 6, 30, 21, 59),
        "apply_url": f"{PUBLIC_URL}/candidature/MIRHE-2027",
    },
    "call_reminder": {
        "call_closes_at": _at(2026, 6, 30, 21, 59),
        "apply_url": f"{PUBLIC_URL}/candidature/MIRHE-2027",
    },
    "application_received": {"role": "mentee", "late": False, "my_data_url": _link("my-data")},
    "pair_introduction": {
        "role": "mentee",
        "partner": {
            **_person(BRUNO),
            "email": BRUNO["email"],
            "unit": "Tribunal judiciaire de Lyon",
            "region": "Auvergne-Rhône-Alpes",
        },
        "explanation": [
            "Bruno Lefèvre n’exerce pas dans votre ligne hiérarchique",
            "il a dirigé une juridiction de taille comparable à la vôtre",
            "vos attentes en matière de management d’équipe rejoignent son expérience",
        ],
        "charter_url": _link("charter"),
        "charter_deadline": _at(2026, 10, 14, 21, 59),
    },
    "not_matched": {
        "role": "mentee",
        "reason": (
            "Le nombre de mentors disponibles pour les fonctions de direction de greffe "
            "n’a pas permis de constituer tous les binômes demandés."
        ),
    },
    "charter_request": CHARTER,
    "charter_reminder": {**CHARTER, "reminder_number": 1},
    "charter_new_version": {
        "role": "mentee",
        "partner": _person(BRUNO),
        "charter_url": _link("charter"),
        "charter_version": 2,
        "pair_active": True,
        "reminder_number": 0,
    },
    "charter_escalation": {
        "pair_ref": "B-12",
        "unsigned": [{**_person(BRUNO), "role": "mentor"}],
        "charter_deadline": _at(2026, 10, 14, 21, 59),
        "supervisor": {"name": "Chloé Dubois"},
    },
    "checkin_request": CHECKIN,
    "checkin_reminder": CHECKIN,
    "escalation": {
        "reason": "help_requested",
        "person": {**_person(ALICE), "role": "mentee", "email": ALICE["email"]},
        "partner": _person(BRUNO),
        "month": 2,
        "missed_months": [],
        "message": (
            f"Nous avons du mal à trouver des créneaux depuis ma prise de poste{NBSP};"
            f" j’aimerais en parler.\nMerci{NBSP}!"
        ),
        "supervisor": {"name": "Chloé Dubois"},
    },
    "supervision_invitation": SESSION,
    "supervision_reminder": SESSION,
    "evaluation_request": EVALUATION,
    "evaluation_reminder": {**EVALUATION, "reminder_number": 1},
    "workshop_invitation": {
        "role": "mentor",
        "workshop": {
            "starts_at": _at(2027, 6, 10, 12, 0),
            "ends_at": _at(2027, 6, 10, 15, 0),
            "location": "École nationale de la magistrature, 3 ter quai aux Fleurs, Paris",
        },
        "urls": {"yes": _link("rsvp/yes"), "no": _link("rsvp/no")},
    },
    "certificate": {
        "role": "mentor",
        "months": 6,
        "started_on": date(2026, 10, 1),
        "ended_on": date(2027, 3, 31),
        "checkins_answered": 6,
        "certificate_ref": "MIRHE-2027-B-12-M",
    },
    "application_exists": {
        "role": "mentee",
        "call_closes_at": _at(2026, 6, 30, 21, 59),
        "apply_url": _link("apply"),
    },
    "fresh_links": {
        "requests": [
            {
                "label": "Point mensuel du 2e mois",
                "url": _link("checkin/form"),
                "deadline": _at(2026, 12, 9, 22, 59),
            },
            {"label": "Mes informations", "url": _link("my_data"), "deadline": None},
        ]
    },
    "erasure_request": {
        "person": ALICE,
        "requested_at": _at(2026, 12, 3, 9, 30),
    },
    "erasure_done": {},
    "inbound_unclear": {
        "reason": "Une réponse reçue par courriel n’a pas pu être comprise.",
        "request_label": "point mensuel",
        "person": ALICE,
        "received_at": _at(2026, 12, 3, 9, 30),
        "sender": ALICE["email"],
        "text": "Nous avons dû reporter, je vous redis.",
    },
    "operator_login": {
        "login_url": f"{PUBLIC_URL}/gestion/connexion/exemple.signature",
        "expires_at": _at(2026, 12, 3, 9, 45),
    },
    "retention_notice": {
        "anonymise_on": _at(2028, 6, 10, 15, 0),
        "closed_on": _at(2027, 6, 10, 15, 0),
        "months": 12,
        "people": 57,
    },
    "pair_ended": {"role": "mentee", "partner": _person(BRUNO), "cause": "withdrawal"},
    "participation_withdrawn": {"role": "mentor"},
    "session_moved": {
        **SESSION,
        "session": {**SESSION_FACTS, "title": f"Séance de supervision collective n°{NBSP}2"},
        "moved_from": _at(2026, 11, 10, 13, 30),
    },
    "session_cancelled": {
        "session": {**SESSION_FACTS, "title": f"Séance de supervision collective n°{NBSP}2"},
    },
    "operator_alert": {
        "alert": {
            "kind": "bounce",
            "title": "Adresse électronique en échec",
            "lines": [
                f"Destinataire{NBSP}: Alice Martin (mentoré·e)",
                f"Message{NBSP}: point mensuel du 2e mois",
                f"Réponse du serveur{NBSP}: 550 5.1.1 boîte inconnue",
            ],
        }
    },
}

# Who receives each kind in the samples; everyone else gets Alice.
RECIPIENTS = {
    "charter_escalation": CHLOE,
    "escalation": CHLOE,
    "supervision_invitation": BRUNO,
    "supervision_reminder": BRUNO,
    "workshop_invitation": BRUNO,
    "certificate": BRUNO,
    "operator_alert": DELPHINE,
    "erasure_request": DELPHINE,
    "inbound_unclear": DELPHINE,
    "operator_login": DELPHINE,
    "retention_notice": DELPHINE,
}


def common() -> dict[str, Any]:
    return {
        "programme": {
            "name": "MIRHE – Mentorat et innovation RH pour les encadrants",
            "short_name": "MIRHE",
            "slug": "mirhe",
        },
        "cohort": {"code": "MIRHE-2027", "label": "Promotion 2027"},
        "recipient": _person(ALICE),
        "operator": {"name": "Delphine Roux", "email": "mentorat.dsj@justice.exemple.fr"},
        "public_url": PUBLIC_URL,
    }


def sample(kind: str) -> dict[str, Any]:
    """A fresh, complete context for `kind` (a deep copy: tests may change it)."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind: {kind!r}")
    ctx = {**common(), **copy.deepcopy(SPECIFIC[kind])}
    ctx["recipient"] = _person(RECIPIENTS.get(kind, ALICE))
    return ctx


def _with(kind: str, **changes: Any) -> dict[str, Any]:
    ctx = sample(kind)
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        target = ctx
        for key in path:
            target = target[key]
        target[last] = value
    return ctx


def variants() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(name, kind, context) for every kind and every branch its templates take."""
    for kind in KINDS:
        yield kind, kind, sample(kind)
    # The same kinds seen by Bruno, the mentor, whose partner is Alice.
    mentor = {"role": "mentor", "recipient": _person(BRUNO)}
    for kind in ("application_received", "not_matched", "evaluation_request"):
        yield f"{kind}-mentor", kind, _with(kind, **mentor)
    yield (
        "application_received-late",
        "application_received",
        _with("application_received", late=True),
    )
    yield (
        "charter_new_version-reminder",
        "charter_new_version",
        _with("charter_new_version", reminder_number=1, pair_active=False),
    )
    yield (
        "charter_request-mentor",
        "charter_request",
        _with("charter_request", **mentor, partner=_person(ALICE)),
    )
    yield (
        "checkin_request-mentor",
        "checkin_request",
        _with("checkin_request", **mentor, partner={"first_name": "Alice"}),
    )
    yield (
        "pair_introduction-mentor",
        "pair_introduction",
        _with(
            "pair_introduction",
            **mentor,
            partner={
                **_person(ALICE),
                "email": ALICE["email"],
                "unit": "Cour d’appel de Saint-Denis de La Réunion",
                "region": "La Réunion",
            },
            explanation=[
                "vous n’exercez pas dans la ligne hiérarchique d’Alice Martin",
                "votre expérience de chef de juridiction répond à ses attentes",
                "vous avez l’un et l’autre indiqué préférer des échanges en visioconférence",
            ],
        ),
    )
    yield "charter_reminder-last", "charter_reminder", _with("charter_reminder", reminder_number=2)
    yield (
        "evaluation_reminder-last",
        "evaluation_reminder",
        _with("evaluation_reminder", reminder_number=2),
    )
    yield (
        "charter_escalation-both",
        "charter_escalation",
        _with(
            "charter_escalation",
            unsigned=[{**_person(ALICE), "role": "mentee"}, {**_person(BRUNO), "role": "mentor"}],
        ),
    )
    yield "checkin_request-first", "checkin_request", _with("checkin_request", month=1)
    yield "escalation-silent-help", "escalation", _with("escalation", message=None)
    yield (
        "escalation-missed-one",
        "escalation",
        _with("escalation", reason="missed_checkins", month=3, missed_months=[3], message=None),
    )
    yield (
        "escalation-missed-two",
        "escalation",
        _with(
            "escalation",
            reason="missed_checkins",
            month=4,
            missed_months=[3, 4],
            message=None,
            person={**_person(BRUNO), "role": "mentor", "email": BRUNO["email"]},
            partner=_person(ALICE),
        ),
    )
    yield (
        "escalation-not-meeting",
        "escalation",
        _with("escalation", reason="not_meeting", month=4, missed_months=[3, 4], message=None),
    )
    for kind in ("supervision_invitation", "supervision_reminder"):
        yield f"{kind}-individual", kind, _with(kind, session__kind="individual")
    yield (
        "workshop_invitation-mentee",
        "workshop_invitation",
        _with("workshop_invitation", role="mentee", recipient=_person(ALICE)),
    )
    yield (
        "certificate-mentee",
        "certificate",
        _with("certificate", role="mentee", recipient=_person(ALICE), checkins_answered=1),
    )
    for alert_kind, label in ALERT_LABELS.items():
        yield (
            f"operator_alert-{alert_kind}",
            "operator_alert",
            _with("operator_alert", alert__kind=alert_kind, alert__title=label),
        )
