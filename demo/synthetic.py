"""Random but realistic cohorts, for benchmarks and large tests (no real person in them)."""

from __future__ import annotations

import numpy as np

from mentorat.matching.candidate import Candidate


def _words(text: str) -> list[str]:
    return text.split()


OBJECTIVES = (
    "mobilite-hors-juridiction",
    "prise-de-responsabilites",
    "candidature-conseil-etat",
    "premier-poste-encadrement",
    "gestion-equipe",
    "conduite-du-changement",
    "equilibre-vie-pro-perso",
    "reseau-professionnel",
    "prise-de-parole",
    "management-crise",
    "carriere-internationale",
    "reconversion",
)
EXPERTISE = (
    "droit-public",
    "droit-penal",
    "droit-civil",
    "greffe",
    "ressources-humaines",
    "budget",
    "numerique",
    "marches-publics",
    "communication",
    "contentieux",
    "europe",
    "sante",
    "education",
    "administration-penitentiaire",
    "protection-judiciaire-jeunesse",
    "immobilier",
    "achats",
    "statistiques",
    "securite",
    "international",
)
REGIONS = (
    "auvergne-rhone-alpes",
    "bourgogne-franche-comte",
    "bretagne",
    "centre-val-de-loire",
    "corse",
    "grand-est",
    "hauts-de-france",
    "ile-de-france",
    "normandie",
    "nouvelle-aquitaine",
    "occitanie",
    "pays-de-la-loire",
    "provence-alpes-cote-d-azur",
)
OVERSEAS = ("guadeloupe", "martinique", "guyane", "la-reunion", "mayotte")
FORMAT_SETS = (
    frozenset({"presentiel"}),
    frozenset({"distanciel"}),
    frozenset({"mixte"}),
    frozenset({"presentiel", "mixte"}),
    frozenset({"distanciel", "mixte"}),
    frozenset({"presentiel", "distanciel", "mixte"}),
)
SLOTS = ("matin", "midi", "apres-midi", "soir")
WORDS = _words(
    """
    mobilité juridiction responsabilités encadrement équipe greffe magistrat tribunal cour
    conseil état carrière poste management changement réseau parole crise projet dossier
    audience réforme numérique budget ressources humaines recrutement formation
    accompagnement écoute confiance expérience transmission organisation priorités temps
    charge travail relations collègues hiérarchie décision arbitrage négociation
    communication stratégie juridique contentieux administratif pénal civil famille mineurs
    détention insertion territoire outre-mer métropole mutation concours promotion
    évaluation objectifs méthode leadership animation réunion délégation conflit médiation
    qualité service public usagers
    """
)
FILLER = _words(
    """
    je souhaite être accompagné pour mieux comprendre et développer ma pratique de
    """
)


def _pick(rng: np.random.Generator, pool: tuple[str, ...], low: int, high: int) -> frozenset[str]:
    k = int(rng.integers(low, high + 1))
    return frozenset(pool[t] for t in rng.choice(len(pool), size=min(k, len(pool)), replace=False))


def _text(rng: np.random.Generator, length: int) -> str:
    # Skewed word choice, as in real answers where a few themes dominate.
    weights = 1.0 / np.arange(1, len(WORDS) + 1) ** 0.8
    words = rng.choice(WORDS, size=length, p=weights / weights.sum())
    return " ".join([*FILLER[: int(rng.integers(0, len(FILLER)))], *words])


def cohort(
    n_mentors: int, n_mentees: int, seed: int = 0, *, units: int = 200, managers: bool = True
) -> tuple[list[Candidate], list[Candidate], dict[str, str | None]]:
    """Mentors, mentees and an org chart in which some mentors manage some mentees."""
    rng = np.random.default_rng(seed)
    mentors: list[Candidate] = []
    for j in range(n_mentors):
        mentors.append(
            Candidate(
                id=j + 1,
                role="mentor",
                person_key=f"mentor{j}@exemple.gouv.fr",
                unit=f"unite-{int(rng.integers(units))}",
                region=REGIONS[int(rng.integers(13))],
                formats=FORMAT_SETS[int(rng.integers(len(FORMAT_SETS)))],
                languages=frozenset({"fr", "en"}) if rng.random() < 0.3 else frozenset({"fr"}),
                objectives=_pick(rng, OBJECTIVES, 2, 5),
                expertise=_pick(rng, EXPERTISE, 1, 4),
                capacity=int(rng.choice([1, 1, 2, 2, 3])),
                career_stage=str(rng.choice(["milieu", "fin", "fin", "fin"])),
                seniority_years=int(rng.integers(5, 40)),
                gender=str(rng.choice(["F", "M"])),
                availability=_pick(rng, SLOTS, 0, 3),
                text=_text(rng, int(rng.integers(8, 30))) if rng.random() < 0.8 else "",
            )
        )
    mentees: list[Candidate] = []
    hierarchy: dict[str, str | None] = {}
    for i in range(n_mentees):
        overseas = rng.random() < 0.05
        key = f"mentore{i}@exemple.gouv.fr"
        if managers and n_mentors and rng.random() < 0.3:
            # A chain of one or two managers above the mentee, the top one often a mentor.
            boss = f"mentor{int(rng.integers(n_mentors))}@exemple.gouv.fr"
            if rng.random() < 0.5:
                middle = f"cadre{i}@exemple.gouv.fr"
                hierarchy[middle] = boss
                hierarchy[key] = middle
            else:
                hierarchy[key] = boss
        mentees.append(
            Candidate(
                id=100_000 + i,
                role="mentee",
                person_key=key,
                unit=f"unite-{int(rng.integers(units))}",
                region=OVERSEAS[int(rng.integers(5))]
                if overseas
                else REGIONS[int(rng.integers(13))],
                overseas=overseas,
                formats=FORMAT_SETS[int(rng.integers(len(FORMAT_SETS)))],
                languages=frozenset({"fr"}),
                objectives=_pick(rng, OBJECTIVES, 1, 3),
                expertise=_pick(rng, EXPERTISE, 0, 2),
                career_stage="debut",
                seniority_years=int(rng.integers(0, 10)),
                gender=str(rng.choice(["F", "M"])),
                preferred_mentor_gender=str(rng.choice(["F", "M"]))
                if rng.random() < 0.25
                else None,
                availability=_pick(rng, SLOTS, 0, 2),
                text=_text(rng, int(rng.integers(5, 25))) if rng.random() < 0.7 else "",
            )
        )
    return mentors, mentees, hierarchy
