"""The closed lists of values a candidates file may use, in French and in English.

Keys are folded (`text.fold`); values are the canonical codes stored on CandidateRow.
"""

from functools import cache
from typing import Literal

from babel import Locale

from mentorat.importing.text import fold

Role = Literal["mentor", "mentee"]
Format = Literal["in_person", "remote", "hybrid"]
Slot = Literal["morning", "noon", "evening"]
CareerStage = Literal["early", "mid", "late"]
Gender = Literal["female", "male"]

ROLES: dict[str, Role] = {
    # Matched on the accented lower-case text: « mentore » alone is left out on purpose,
    # since it is both the feminine of « mentor » and « mentoré » typed without accent.
    "mentor": "mentor", "mentors": "mentor",
    "mentoré": "mentee", "mentorée": "mentee", "mentoré(e)": "mentee",
    "mentoré·e": "mentee", "mentoré.e": "mentee", "mentoré-e": "mentee",
    "mentorés": "mentee", "mentorées": "mentee", "mentoree": "mentee",
    "mentore(e)": "mentee", "mentoré(e)s": "mentee",
    "mentee": "mentee", "mentees": "mentee", "mentée": "mentee",
}  # fmt: skip
AMBIGUOUS_ROLES = {"mentore", "mentores"}

FORMATS: dict[str, Format] = {
    "presentiel": "in_person", "en presentiel": "in_person", "sur site": "in_person",
    "in person": "in_person", "face to face": "in_person", "onsite": "in_person",
    "distanciel": "remote", "a distance": "remote", "en distanciel": "remote",
    "visio": "remote", "visioconference": "remote", "remote": "remote", "online": "remote",
    "mixte": "hybrid", "hybride": "hybrid", "hybrid": "hybrid", "mixed": "hybrid",
}  # fmt: skip

SLOTS: dict[str, Slot] = {
    "matin": "morning", "matinee": "morning", "morning": "morning",
    "midi": "noon", "pause dejeuner": "noon", "dejeuner": "noon", "lunch": "noon",
    "noon": "noon",
    "soir": "evening", "soiree": "evening", "fin de journee": "evening", "evening": "evening",
}  # fmt: skip

CAREER_STAGES: dict[str, CareerStage] = {
    "debut": "early", "debut de carriere": "early", "early": "early", "early career": "early",
    "milieu": "mid", "milieu de carriere": "mid", "mid": "mid", "mid career": "mid",
    "fin": "late", "fin de carriere": "late", "late": "late", "late career": "late",
}  # fmt: skip

GENDERS: dict[str, Gender] = {
    "f": "female", "femme": "female", "feminin": "female", "female": "female",
    "woman": "female",
    "m": "male", "h": "male", "homme": "male", "masculin": "male", "male": "male",
    "man": "male",
}  # fmt: skip

NO_PREFERENCE = {
    "indifferent", "indifferente", "indifferent e", "sans preference", "aucune",
    "aucune preference", "peu importe", "no preference", "any", "none", "non",
}  # fmt: skip

TRUE_WORDS = {"oui", "o", "vrai", "1", "x", "yes", "y", "true"}
FALSE_WORDS = {"non", "n", "faux", "0", "no", "false", ""}


@cache
def languages() -> dict[str, str]:
    """Folded language names in French and English, and two-letter codes -> ISO 639-1 code.

    From babel's CLDR data, so « portugais » or « arabe » work as well as « anglais ».
    """
    table: dict[str, str] = {}
    for locale in (Locale("en"), Locale("fr")):
        for code, name in locale.languages.items():
            if len(code) == 2:
                table.setdefault(fold(name), code)
                table.setdefault(code, code)
    return table
