"""French wording for criteria, rules and numbers (typography: NBSP before « : » and « ; »)."""

from __future__ import annotations

NBSP = "\u00a0"
COLON = f"{NBSP}: "
SEMICOLON = f"{NBSP}; "

CRITERION_LABELS_FR = {
    "objectives": "objectifs",
    "expertise": "expertise",
    "region": "région",
    "format": "format",
    "preference": "préférence",
    "availability": "disponibilités",
    "text": "attentes et profil",
}

RULE_LABELS_FR = {
    "same_person": "même personne",
    "hierarchy": "même ligne hiérarchique",
    "excluded": "exclusion par l’opérateur",
    "no_repeat": "binôme déjà formé lors d’une session précédente",
    "same_unit": "même unité ou juridiction",
    "career_stage": "étape de carrière du mentor",
    "seniority": "ancienneté du mentor",
    "language": "aucune langue commune",
    "overseas_format": "format à distance requis pour l’outre-mer",
    "threshold": "score sous le seuil du programme",
    "capacity": "capacité du mentor",
    "pinned": "binôme fixé par l’opérateur",
}


def quoted(text: str) -> str:
    return f"«{NBSP}{text}{NBSP}»"


def number(value: float, decimals: int = 1) -> str:
    """French decimal comma: 42.5 -> "42,5"."""
    return f"{value:.{decimals}f}".replace(".", ",")


def plural(count: int, singular: str, plural_form: str) -> str:
    return f"{count} {singular if count <= 1 else plural_form}"


def tag_label(tag: str, labels: dict[str, str] | None) -> str:
    if labels and tag in labels:
        return labels[tag]
    return tag.replace("-", " ").replace("_", " ")
