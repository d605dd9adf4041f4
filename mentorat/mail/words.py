"""Small French wording helpers, used as Jinja filters.

Unknown values raise instead of rendering something vague: a wrong role or alert kind
is a bug in the caller and must not reach a participant's mailbox.
"""

from collections.abc import Sequence

ROLES = {"mentor": "mentor", "mentee": "mentoré·e"}

ALERT_LABELS = {
    "bounce": "Adresse électronique en échec",
    "charter_unsigned": "Charte non signée",
    "unclear_reply": "Réponse à lire",
    "matching_ready": "Proposition de binômes prête",
    "matching_infeasible": "Appariement impossible",
    "matching_problem": "Proposition de binômes insuffisante",
    "run_failed": "Exécution de la cohorte interrompue",
    "cohort_revived": "Cohorte relancée",
    "deferred": "Message en attente chez le destinataire",
    "checkin_unasked": "Point mensuel non demandé",
    "generic": "Information",
}


# Why a candidate got no pair, as the notice tells them: in the programme's words, without
# the engine's rules, counts and scores (those are for the operator: matching show).
NOT_MATCHED_REASONS = {
    "no_mentor": "Aucun mentor n’était disponible dans cette promotion.",
    "no_eligible_mentor": (
        "Parmi les mentors de cette promotion, aucun ne répondait aux conditions que le "
        "programme fixe pour former un binôme avec vous."
    ),
    "below_threshold": (
        "Aucun mentor de cette promotion ne correspondait suffisamment à vos attentes pour "
        "former un binôme de qualité."
    ),
    "few_candidates": (
        "Les mentors qui correspondaient à votre profil accompagnent déjà d’autres personnes "
        "dans cette promotion."
    ),
    "capacity_exhausted": (
        "Les mentors qui correspondaient à votre profil accompagnent déjà d’autres personnes "
        "dans cette promotion."
    ),
    "mentor_not_eligible": (
        "Votre candidature ne remplissait pas l’une des conditions de participation des "
        "mentors à ce programme ; l’équipe du programme peut vous en préciser le motif."
    ),
    "not_shortlisted": (
        "Les personnes mentorées de cette promotion étaient moins nombreuses que les mentors, "
        "ou leurs attentes ne correspondaient pas à votre profil."
    ),
    "no_eligible_mentee": (
        "Les personnes mentorées de cette promotion étaient moins nombreuses que les mentors, "
        "ou leurs attentes ne correspondaient pas à votre profil."
    ),
    "not_needed": (
        "Les personnes mentorées de cette promotion étaient moins nombreuses que les mentors, "
        "ou leurs attentes ne correspondaient pas à votre profil."
    ),
}
NOT_MATCHED_DEFAULT = (
    "Les candidatures reçues n’ont pas permis de former un binôme adapté cette fois-ci."
)


def not_matched_reason(code: str | None) -> str:
    return NOT_MATCHED_REASONS.get(code or "", NOT_MATCHED_DEFAULT)


def _lookup(table: dict[str, str], key: str, what: str) -> str:
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"unknown {what}: {key!r}") from None


def role_fr(role: str) -> str:
    """« mentor » or « mentoré·e »."""
    return _lookup(ROLES, role, "role")


def partner_role_fr(role: str) -> str:
    """The role of the other member of the pair, seen from `role`."""
    other = {"mentor": "mentee", "mentee": "mentor"}
    return role_fr(_lookup(other, role, "role"))


def alert_label(kind: str) -> str:
    return _lookup(ALERT_LABELS, kind, "alert kind")


def ordinal_fr(number: int) -> str:
    """1 -> « 1er », 2 -> « 2e »."""
    return "1er" if number == 1 else f"{number}e"


def join_fr(items: Sequence[object]) -> str:
    """[2, 3, 5] -> « 2, 3 et 5 »."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} et {words[-1]}"
