"""What a short French reply means, or None when it is not plain: then a person reads it.

Only replies to a check-in (met / not met / need help) and to an invitation (coming or not)
are read. A negated phrase (« je ne pourrai pas venir », « on ne s'est pas encore vus ») is
taken out before looking for a positive one, and a reply that says both is never guessed.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 400  # a longer reply deserves a human reader

_NEGATED = re.compile(r"\bn(?:e\s+|')(?:\S+\s+){0,3}?(?:pas|plus|jamais|point)\b(?:\s+\S+){0,2}")
_NO_HELP = re.compile(r"\b(pas|aucun|sans)\s+(de\s+)?besoin\b|\bpas besoin\b|\btout va bien\b")
_HELP = re.compile(
    r"\bbesoin d[' ]?(aide|un coup de main|soutien|parler)|\baidez[- ]moi\b|"
    r"\bau secours\b|\bj'ai besoin\b|\bbesoin d'aide\b|\baide svp\b"
)
_MET = re.compile(
    r"^\s*oui\b|\bon s'est (vus?|vues?|rencontres?|rencontrees?|parle|appeles?)\b|"
    r"\bnous nous sommes (vus?|vues?|rencontres?|rencontrees?|parle|appeles?)\b|"
    r"\bnous avons (echange|eu (notre|une) (seance|rencontre|reunion))\b|"
    r"\bon a (echange|eu (notre|une) (seance|rencontre|reunion))\b|"
    r"\b(c'est fait|rencontre faite|seance faite|bien eu lieu)\b|\byes\b"
)
_NOT_MET = re.compile(
    r"^\s*non\b|\bpas encore\b|\bpas ce mois|\bpas (eu|pu|trouve) |"
    r"\bpas de (rencontre|seance|rendez-vous)\b|\baucune (rencontre|seance)\b|"
    r"\breporte|\bannule"
)
_YES = re.compile(
    r"^\s*(oui|ok|d'accord)\b|\bje viendrai\b|\bje serai (la|present|presente)\b|"
    r"\bje participerai\b|\bj'y serai\b|\bavec plaisir\b|\bje confirme\b|"
    r"\bvolontiers\b|\bje suis disponible\b|\bcompte[zr]? sur moi\b|\bpresente?\b"
)
_NO = re.compile(
    r"^\s*non\b|\bindisponible\b|\bempeche(e)?\b|\babsente?\b|"
    r"\bmalheureusement\b|\bpas disponible\b|\bje decline\b|\bexcuse[sz]?-moi\b"
)


def fold(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").lower()
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_.split())


def checkin_answer(text: str) -> str | None:
    """« vu », « pas-vu », « aide » or None."""
    folded = fold(text)
    if not folded or len(folded) > MAX_LENGTH:
        return None
    if _HELP.search(folded) and not _NO_HELP.search(folded):
        return "aide"
    negated = bool(_NEGATED.search(folded)) or bool(_NOT_MET.search(folded))
    positive = bool(_MET.search(_NEGATED.sub(" ", folded)))
    if positive and not negated:
        return "vu"
    if negated and not positive:
        return "pas-vu"
    return None


def rsvp_answer(text: str) -> str | None:
    """« oui », « non » or None."""
    folded = fold(text)
    if not folded or len(folded) > MAX_LENGTH:
        return None
    negated = bool(_NEGATED.search(folded)) or bool(_NO.search(folded))
    positive = bool(_YES.search(_NEGATED.sub(" ", folded)))
    if positive and not negated:
        return "oui"
    if negated and not positive:
        return "non"
    return None
