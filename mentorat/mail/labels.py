"""French labels of the codes Mentorat stores (statuses, channels, formats, genders…), for
what a participant reads about themselves (« Mes informations », its JSON download).

Each table covers every value the models and services write (their comments list them).
`label` never shows a code: an unknown one reads « autre » (a page about a person's data
must not fail for one odd value), and the tests check that each table is complete.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from babel import Locale

from mentorat.mail.words import ROLES

APPLICATION_STATUS = {
    "submitted": "reçue",
    "matched": "retenue (en binôme)",
    "unmatched": "sans binôme dans cette promotion",
    "withdrawn": "retirée",
    "late": "arrivée après la constitution des binômes",
    "unpaired": "sans binôme depuis la fin de votre binôme",
}
CHANNEL = {
    "web": "en ligne",
    "email": "par courriel",
    "import": "transmise par l’équipe du programme",
    "operator": "par l’équipe du programme",
    "demo": "démonstration",
}
CHECKIN_STATUS = {
    "open": "en attente de votre réponse",
    "answered": "répondu",
    "missed": "sans réponse",
    "unasked": "non demandé",
}
FORMAT = {"in_person": "en présentiel", "remote": "à distance", "hybrid": "mixte"}
GENDER = {"female": "femme", "male": "homme"}
CAREER_STAGE = {
    "early": "en début de carrière",
    "mid": "en milieu de carrière",
    "late": "en fin de carrière",
}
SLOT = {"morning": "le matin", "noon": "à midi", "evening": "en fin de journée"}
PAIR_STATUS = {
    "proposed": "proposé",
    "approved": "constitué, en attente des signatures de la charte",
    "active": "en cours",
    "ended": "terminé",
    "superseded": "remplacé",
    "cancelled": "annulé",
}
RSVP = {"yes": "je viendrai", "no": "je ne viendrai pas"}
OUTBOX_STATUS = {
    "pending": "en attente d’envoi",
    "sending": "en cours d’envoi",
    "sent": "envoyé",
    "failed": "refusé par votre messagerie",
    "cancelled": "non envoyé",
}
EMAIL_STATUS = {"ok": "valide", "failing": "en échec (nos courriels ne vous parviennent plus)"}
ERASURE_STATUS = {"pending": "en cours de traitement", "done": "effectuée"}
SESSION_KIND = {"group": "séance collective", "individual": "séance individuelle"}
INBOUND_OUTCOME = {
    "recorded": "réponse enregistrée",
    "unclear": "transmis à l’équipe du programme",
    "auto_reply": "réponse automatique, ignorée",
    "unmatched": "rattaché à aucune demande",
    "wrong_sender": "envoyé d’une autre adresse, ignoré",
    "unverified": "expéditeur non vérifié, ignoré",
    "closed": "arrivé après la clôture de la demande",
}
INBOUND_ANSWER = {
    "vu": "nous nous sommes vus",
    "pas-vu": "nous ne nous sommes pas vus",
    "aide": "demande d’aide",
    "oui": "oui",
    "non": "non",
}

TABLES: dict[str, dict[str, str]] = {
    "application_status": APPLICATION_STATUS,
    "channel": CHANNEL,
    "checkin_status": CHECKIN_STATUS,
    "format": FORMAT,
    "gender": GENDER,
    "career_stage": CAREER_STAGE,
    "slot": SLOT,
    "pair_status": PAIR_STATUS,
    "rsvp": RSVP,
    "outbox_status": OUTBOX_STATUS,
    "email_status": EMAIL_STATUS,
    "erasure_status": ERASURE_STATUS,
    "session_kind": SESSION_KIND,
    "inbound_outcome": INBOUND_OUTCOME,
    "inbound_answer": INBOUND_ANSWER,
    "role": ROLES,
}

UNKNOWN = "autre"


def label(table: str, code: str | None) -> str | None:
    """The French label of `code` in `table` (None stays None: « non renseigné »)."""
    if code is None or code == "":
        return None
    return TABLES[table].get(code, UNKNOWN)


def labels(table: str, codes: Iterable[str] | None) -> list[str]:
    return [label(table, code) or UNKNOWN for code in (codes or [])]


@cache
def _language_names() -> dict[str, str]:
    return dict(Locale("fr").languages)


def language(code: str) -> str:
    """« fr » -> « français » (CLDR's French names); an unknown code reads « autre »."""
    return _language_names().get(code, UNKNOWN)
