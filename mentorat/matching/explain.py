"""Plain-French explanations of each pair's score and of each person left unmatched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .candidate import REMOTE_FORMATS, Candidate
from .features import format_compatibility
from .labels_fr import (
    COLON,
    CRITERION_LABELS_FR,
    RULE_LABELS_FR,
    SEMICOLON,
    number,
    plural,
    quoted,
    tag_label,
)
from .proposal import CriterionScore, Unmatched
from .rules import CRITERIA, MatchingRules


class TagWords:
    """Tag sets in French (« mobilité hors juridiction, réseau »), each set worded once:
    the same few sets come back in thousands of pairs."""

    def __init__(self, labels: Mapping[str, str]):
        self.labels = dict(labels)
        self._said: dict[frozenset[str], str] = {}
        self.criteria: dict[tuple[str, object], str] = {}  # wordings of criteria, see below

    def __call__(self, tags: frozenset[str]) -> str:
        said = self._said.get(tags)
        if said is None:
            said = ", ".join(tag_label(t, self.labels) for t in sorted(tags))
            self._said[tags] = said
        return said


def _tags(tags: Sequence[str] | frozenset[str], labels: Mapping[str, str] | TagWords) -> str:
    words = labels if isinstance(labels, TagWords) else TagWords(labels)
    return words(frozenset(tags))


def criterion_label(
    name: str,
    mentor: Candidate,
    mentee: Candidate,
    points: float,
    max_points: float,
    labels: Mapping[str, str] | TagWords,
) -> str:
    """What this criterion says about the pair, in French."""
    if max_points == 0:
        return f"{CRITERION_LABELS_FR[name]}{COLON}sans réponse du mentoré"
    if name in ("objectives", "expertise"):
        wanted = getattr(mentee, name)
        common = wanted & getattr(mentor, name)
        word = "objectif" if name == "objectives" else "expertise"
        if not common:
            return f"aucun{'e' if word == 'expertise' else ''} {word} en commun"
        adjective = "commun" if word == "objectif" else "commune"
        head = f"{word}{'s' if len(common) > 1 else ''} {adjective}{'s' if len(common) > 1 else ''}"
        return f"{head}{COLON}{_tags(common, labels)}"
    if name == "region":
        if mentee.overseas:
            offered = sorted(mentor.formats & REMOTE_FORMATS) or ["distanciel"]
            return f"mentoré en outre-mer{COLON}accompagnement à distance ({', '.join(offered)})"
        return "même région" if points > 0 else "régions différentes"
    if name == "format":
        compat = format_compatibility(mentee.formats, mentor.formats)
        if compat == 1.0:
            return "formats compatibles"
        if compat > 0:
            return "formats partiellement compatibles (mixte)"
        return "formats incompatibles"
    if name == "preference":
        return (
            "préférence du mentoré respectée"
            if points > 0
            else "préférence du mentoré non respectée"
        )
    if name == "availability":
        if not mentor.availability:
            return "mentor disponible sur tous les créneaux"
        common = mentee.availability & mentor.availability
        if not common:
            return "aucune disponibilité commune"
        return f"disponibilités communes{COLON}{_tags(common, labels)}"
    # Text: the points are the cosine similarity scaled to the criterion's weight.
    similarity = points / max_points
    closeness = (
        "proches" if similarity >= 0.2 else "peu proches" if similarity > 0 else "sans point commun"
    )
    return f"attentes et profil {closeness} (similarité {number(similarity, 2)})"


_BLANK = {name: f"{CRITERION_LABELS_FR[name]}{COLON}sans réponse du mentoré" for name in CRITERIA}


def _key(name: str, mentor: Candidate, mentee: Candidate, points: float, max_points: float):
    """What a criterion's wording depends on: pairs with the same key read the same."""
    if max_points == 0:
        return None
    if name == "objectives":
        return mentee.objectives & mentor.objectives
    if name == "expertise":
        return mentee.expertise & mentor.expertise
    if name == "region":
        return (mentee.overseas, mentor.formats if mentee.overseas else None, points > 0)
    if name == "format":
        return (mentee.formats, mentor.formats)
    if name == "preference":
        return points > 0
    if name == "availability":
        return (bool(mentor.availability), mentee.availability & mentor.availability)
    return (points, max_points)


def explain_pair(
    mentor: Candidate,
    mentee: Candidate,
    points: Sequence[float],
    max_points: Sequence[float],
    words: TagWords,
    pinned: bool,
) -> tuple[float, list[CriterionScore], str]:
    """Score, criteria and sentence of a pair; points already rounded to hundredths.

    Thousands of pairs share the same few wordings: each is written once per ``words``.
    """
    said = words.criteria
    criteria: list[CriterionScore] = []
    met: list[str] = []
    for name, p, mx in zip(CRITERIA, points, max_points, strict=True):
        key = _key(name, mentor, mentee, p, mx)
        if key is None:
            label = _BLANK[name]
        else:
            label = said.get((name, key))
            if label is None:
                label = criterion_label(name, mentor, mentee, p, mx, words)
                said[(name, key)] = label
        criteria.append(CriterionScore(name, p, mx, label))
        if p > 0:
            # Only what brings the pair together goes into the sentence; the list has all.
            met.append(label)
    score = round(sum(points), 2)
    parts = (["binôme fixé par l’opérateur"] if pinned else []) + (
        met or ["aucun critère d’affinité en commun"]
    )
    return score, criteria, SEMICOLON.join(parts)


def mentee_reason(
    mentee_id: int,
    eligible: int,
    allowed_count: int,
    blocking: list[tuple[str, int]],
    best_score: float | None,
    rules: MatchingRules,
    n_mentors: int,
) -> Unmatched:
    if n_mentors == 0:
        return Unmatched(mentee_id, "mentee", "no_mentor", "aucun mentor dans cette session")
    if eligible == 0:
        detail = ", ".join(
            f"{quoted(RULE_LABELS_FR[r])} ({plural(c, 'mentor', 'mentors')})" for r, c in blocking
        )
        return Unmatched(
            mentee_id,
            "mentee",
            "no_eligible_mentor",
            f"aucun mentor éligible{COLON}règles {detail}" if detail else "aucun mentor éligible",
            tuple(r for r, _ in blocking),
        )
    if allowed_count == 0:
        best = f"{SEMICOLON}meilleur score possible{COLON}{number(best_score or 0.0)}"
        return Unmatched(
            mentee_id,
            "mentee",
            "below_threshold",
            f"aucun mentor n’atteint le seuil de qualité du programme "
            f"({number(rules.quality_threshold)}){best}",
            ("threshold",),
            0,
        )
    if allowed_count <= rules.few_candidates:
        return Unmatched(
            mentee_id,
            "mentee",
            "few_candidates",
            f"seulement {plural(allowed_count, 'mentor possible', 'mentors possibles')}, "
            f"déjà attribué{'s' if allowed_count > 1 else ''} à d’autres mentorés",
            ("capacity",),
            allowed_count,
        )
    return Unmatched(
        mentee_id,
        "mentee",
        "capacity_exhausted",
        f"capacité épuisée{COLON}les {allowed_count} mentors possibles accompagnent déjà "
        f"d’autres mentorés",
        ("capacity",),
        allowed_count,
    )


def mentor_reason(
    mentor_id: int, failed: list[str], eligible: int, shortlist: bool = False
) -> Unmatched:
    """Why a mentor got nobody; ``shortlist``: counts are of mentees who had the mentor
    among their best candidates (the sparse solver does not count every compatible one)."""
    if failed:
        detail = ", ".join(quoted(RULE_LABELS_FR[r]) for r in failed)
        return Unmatched(
            mentor_id,
            "mentor",
            "mentor_not_eligible",
            f"ne remplit pas les conditions du programme{COLON}{detail}",
            tuple(failed),
        )
    if eligible == 0 and shortlist:
        return Unmatched(
            mentor_id,
            "mentor",
            "not_shortlisted",
            "ne figure parmi les meilleurs mentors possibles d’aucun mentoré",
        )
    if eligible == 0:
        return Unmatched(
            mentor_id,
            "mentor",
            "no_eligible_mentee",
            "aucun mentoré compatible avec les règles du programme",
        )
    text = (
        "le seul mentoré compatible a été mieux apparié avec un autre mentor"
        if eligible == 1
        else f"les {eligible} mentorés compatibles ont été mieux appariés avec d’autres mentors"
    )
    return Unmatched(mentor_id, "mentor", "not_needed", text, (), eligible)
