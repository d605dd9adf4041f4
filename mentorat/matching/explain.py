"""Plain-French explanations of each pair's score and of each person left unmatched."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from .candidate import REMOTE_FORMATS, Candidate
from .concepts import Matcher
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
        self.matcher = Matcher(self.labels)
        self._said: dict[frozenset[str], str] = {}
        self.criteria: dict[tuple[str, object], str] = {}  # wordings of criteria, see below

    def __call__(self, tags: frozenset[str]) -> str:
        said = self._said.get(tags)
        if said is None:
            said = ", ".join(tag_label(t, self.labels) for t in sorted(tags))
            self._said[tags] = said
        return said


def _tags(tags: Sequence[str] | frozenset[str], labels: Mapping[str, str] | TagWords) -> str:
    return words_of(labels)(frozenset(tags))


def words_of(labels: Mapping[str, str] | TagWords) -> TagWords:
    return labels if isinstance(labels, TagWords) else TagWords(labels)


def sought_label(name: str, mentor: Candidate, mentee: Candidate, words: TagWords) -> str:
    """« objectif de la personne mentorée (prise de poste) couvert par l’expertise du
    mentor (management d’équipe) »: what the mentee seeks, and what of the mentor's
    offer meets it."""
    wanted = sorted(getattr(mentee, name))
    covers = [(t, words.matcher.best(t, mentor.expertise, mentor.objectives)) for t in wanted]
    met = [(t, c) for t, c in covers if c.share > 0]
    noun = "objectif" if name == "objectives" else "domaine souhaité"
    many = len(met) > 1 or (not met and len(wanted) > 1)
    head = f"{noun}{'s' if many else ''} de la personne mentorée"
    if not met:
        none = "aucun " + ("objectif" if name == "objectives" else "domaine souhaité")
        return (
            f"{none} de la personne mentorée ({words(frozenset(wanted))}) n’est couvert "
            "par l’expertise du mentor"
        )
    sought = ", ".join(words(frozenset({t})) for t, _ in met)
    offered = ", ".join(
        dict.fromkeys(words(frozenset({c.offered})) for _, c in met if c.offered is not None)
    )
    whose = (
        "l’expertise du mentor"
        if all(c.source == "expertise" for _, c in met)
        else "les thèmes proposés par le mentor"
    )
    partly = "en partie " if any(c.share < 1 for _, c in met) else ""
    covered = f"{partly}couvert{'s' if many else ''}"
    same = all(c.offered == t for t, c in met)
    tail = "" if same else f" ({offered})"
    return f"{head} ({sought}) {covered} par {whose}{tail}"


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
        return f"{CRITERION_LABELS_FR[name]}{COLON}sans réponse de la personne mentorée"
    if name in ("objectives", "expertise"):
        return sought_label(name, mentor, mentee, words_of(labels))
    if name == "region":
        if mentee.overseas:
            offered = sorted(mentor.formats & REMOTE_FORMATS) or ["distanciel"]
            remote = ", ".join(offered)
            return f"personne mentorée en outre-mer{COLON}accompagnement à distance ({remote})"
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
            "préférence de la personne mentorée respectée"
            if points > 0
            else "préférence de la personne mentorée non respectée"
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


_BLANK = {
    name: f"{CRITERION_LABELS_FR[name]}{COLON}sans réponse de la personne mentorée"
    for name in CRITERIA
}


def _key(
    name: str, mentor: Candidate, mentee: Candidate, points: float, max_points: float
) -> Hashable | None:
    """What a criterion's wording depends on: pairs with the same key read the same."""
    if max_points == 0:
        return None
    if name in ("objectives", "expertise"):
        return (getattr(mentee, name), mentor.expertise, mentor.objectives)
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
            known = said.get((name, key))
            if known is None:
                known = criterion_label(name, mentor, mentee, p, mx, words)
                said[(name, key)] = known
            label = known
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
            f"déjà attribué{'s' if allowed_count > 1 else ''} à d’autres personnes mentorées",
            ("capacity",),
            allowed_count,
        )
    return Unmatched(
        mentee_id,
        "mentee",
        "capacity_exhausted",
        f"capacité épuisée{COLON}les {allowed_count} mentors possibles accompagnent déjà "
        f"d’autres personnes mentorées",
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
            "ne figure parmi les meilleurs mentors possibles d’aucune personne mentorée",
        )
    if eligible == 0:
        return Unmatched(
            mentor_id,
            "mentor",
            "no_eligible_mentee",
            "aucune personne mentorée compatible avec les règles du programme",
        )
    text = (
        "la seule personne mentorée compatible a été mieux appariée avec un autre mentor"
        if eligible == 1
        else f"les {eligible} personnes mentorées compatibles ont été mieux appariées "
        "avec d’autres mentors"
    )
    return Unmatched(mentor_id, "mentor", "not_needed", text, (), eligible)
