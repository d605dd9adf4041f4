"""The simulated population: candidates with French names, and how each will behave.

``population`` gives the application rows of a cohort, as the importer takes them, and
each person's behaviour (what ``demo.participants`` acts on): most answer at once
("prompt"), some after a reminder ("late"), some not at all ("silent"); the first mentee
asks for help, the second is silent (every demo shows a missed-months escalation), the
last one's address bounces. The call for candidates goes to more people than apply: about
a third more receive it and never apply (``Population.outsiders``). No database: seeded,
the same arguments give the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FIRST = [
    "Alice",
    "Bruno",
    "Chloé",
    "Damien",
    "Élise",
    "François",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Jérôme",
    "Karine",
    "Léo",
    "Maëlle",
    "Nicolas",
    "Océane",
    "Pierre",
    "Quentin",
    "Rose",
    "Sébastien",
    "Thérèse",
    "Ulysse",
    "Valérie",
    "William",
    "Yasmine",
    "Zoé",
    "Aurélien",
    "Béatrice",
    "Cédric",
    "Delphine",
    "Étienne",
]
LAST = [
    "Martin",
    "Lefèvre",
    "Dubois",
    "Moreau",
    "Laurent",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
]
REGIONS = [
    "Île-de-France",
    "Auvergne-Rhône-Alpes",
    "Provence-Alpes-Côte d’Azur",
    "Occitanie",
    "Nouvelle-Aquitaine",
    "Grand Est",
    "Hauts-de-France",
    "Bretagne",
]
OVERSEAS = ["La Réunion", "Guadeloupe", "Martinique", "Guyane", "Mayotte"]
OBJECTIVES = {
    "jaae": [
        "Mobilité hors juridiction",
        "Responsabilités accrues",
        "Candidature au Conseil d’État",
        "Prise de parole en public",
        "Équilibre des temps",
    ],
    "mirhe": [
        "Prise de fonctions d’encadrement",
        "Management d’équipe",
        "Prévenir l’isolement professionnel",
        "Gouvernance de la juridiction",
        "Dialogue avec les partenaires",
    ],
    "menesr": [
        "Prise de poste",
        "Pilotage académique",
        "Dialogue social",
        "Posture de cadre dirigeant",
        "Conduite du changement",
    ],
    # The hospital seed's expected benefits (003_27bffbbda5949016.txt).
    "hopital": [
        "Pratiques managériales",
        "Communication interpersonnelle",
        "Art du feedback",
        "Découverte d’autres métiers",
        "Autonomie dans ses décisions",
        "Travail en équipe",
    ],
    # Young people mentored by volunteers (002_22fd28a78cd53926.txt).
    "collectif": [
        "Orientation scolaire et professionnelle",
        "Recherche de stage ou d’alternance",
        "Confiance en soi",
        "Méthodes de travail",
        "Découverte du monde de l’entreprise",
        "Insertion professionnelle",
    ],
}
HOSPITAL_SERVICES = (
    "Service des urgences",
    "Service de cardiologie",
    "Service de pédiatrie",
    "Bloc opératoire",
    "Service de réanimation",
    "Pharmacie à usage intérieur",
    "Direction des soins",
    "Direction des ressources humaines",
    "Laboratoire de biologie médicale",
    "Service d’imagerie médicale",
)


@dataclass(frozen=True)
class Setting:
    """Where a programme's candidates work or study, and how its pairs are formed.

    The default is the first presets' (JAAE, MIRHE, MENESR): jurisdictions, regions with
    some overseas mentees, mentors of two mentees, some mentees reporting to a mentor."""

    mentor_units: tuple[str, ...] = ()  # (): « Juridiction N », for mentors and mentees
    mentee_units: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # (): REGIONS
    overseas: bool = True
    one_mentee_per_mentor: bool = False
    line_managers: bool = True  # some mentees report to a mentor
    mentor_seniority: tuple[int, int] = (18, 35)
    mentee_seniority: tuple[int, int] = (1, 8)


SETTINGS = {
    # Staff of one hospital: experienced professionals and less experienced colleagues.
    "hopital": Setting(
        mentor_units=HOSPITAL_SERVICES,
        mentee_units=HOSPITAL_SERVICES,
        regions=("Île-de-France",),
        overseas=False,
        mentor_seniority=(10, 35),
        mentee_seniority=(0, 4),
    ),
    # Volunteer mentors and young people, one mentee each (« un mentor pour un mentoré »),
    # in the two territories the seed's speakers come from (Strasbourg, Lille).
    "collectif": Setting(
        mentor_units=(
            "Bénévole — industrie",
            "Bénévole — banque et assurance",
            "Bénévole — fonction publique territoriale",
            "Bénévole — commerce et distribution",
            "Bénévole — numérique",
            "Bénévole — retraité·e de l’enseignement",
        ),
        mentee_units=(
            "Lycée professionnel Jean-Jaurès",
            "Lycée général et technologique Louis-Pasteur",
            "Université, première année de licence",
            "Mission locale",
            "Institut universitaire de technologie",
        ),
        regions=("Grand Est", "Hauts-de-France"),
        overseas=False,
        one_mentee_per_mentor=True,
        line_managers=False,
        mentor_seniority=(3, 40),
        mentee_seniority=(0, 1),
    ),
}
FORMATS = [["in_person"], ["remote"], ["hybrid"], ["in_person", "hybrid"], ["remote", "hybrid"]]
# A reserved domain (RFC 2606/6761): it never resolves, so every relay refuses it, and the
# sender refuses it itself without asking one (mentorat.delivery). The demo's bouncing
# participant lives there.
BOUNCE_DOMAIN = "adresse-inconnue.invalid"


def _tags(labels: list[str]) -> dict[str, str]:
    import unicodedata

    def tag(label: str) -> str:
        ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        return "-".join("".join(c if c.isalnum() else " " for c in ascii_.lower()).split())

    return {tag(label): label for label in labels}


@dataclass
class Population:
    rows: list[dict[str, Any]]  # application rows, as the importer gives them
    behaviour: dict[str, str]  # email -> prompt | late | silent | help | bounce
    bounce: set[str]
    outsiders: list[dict[str, str]] = field(default_factory=list)
    """People the call goes to who never apply (email, first_name, last_name)."""
    applications_at: datetime | None = None
    """When the candidates' applications come in, if not at the call's opening."""

    @property
    def recipients(self) -> list[tuple[str, str, str]]:
        """Everyone the call for candidates goes to: the candidates and the outsiders."""
        return [
            (r["email"], r["first_name"], r["last_name"]) for r in [*self.rows, *self.outsiders]
        ]


def population(
    pairs: int,
    programme: str,
    *,
    seed: int = 7,
    domain: str = "exemple.fr",
    bounce_domain: str | None = None,
) -> Population:
    """`pairs` mentees and enough mentors, with a few who are late, silent, need help or bounce.

    The bouncing participant's address is on `domain` (an SMTP sink refuses it when told to)
    or, given `bounce_domain` (e.g. BOUNCE_DOMAIN), on that domain."""
    rng = random.Random(seed)
    objectives = OBJECTIVES.get(programme, OBJECTIVES["jaae"])
    setting = SETTINGS.get(programme, Setting())
    # Some mentors take two mentees, unless the programme says one each.
    mentors = pairs if setting.one_mentee_per_mentor else max(1, (pairs * 4 + 4) // 5)
    rows: list[dict[str, Any]] = []
    jurisdictions = [f"Juridiction {n}" for n in range(1, max(4, pairs // 3) + 1)]
    regions = setting.regions or REGIONS
    for index in range(mentors + pairs):
        role = "mentor" if index < mentors else "mentee"
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7 + index // 30) % len(LAST)]
        bounces = role == "mentee" and pairs > 1 and index == mentors + pairs - 1
        email = f"{role}{index:05d}@{bounce_domain if bounces and bounce_domain else domain}"
        overseas = role == "mentee" and rng.random() < 0.08 and setting.overseas
        region = rng.choice(OVERSEAS) if overseas else rng.choice(regions)
        units = (setting.mentor_units if role == "mentor" else setting.mentee_units) or (
            jurisdictions
        )
        low, high = setting.mentor_seniority if role == "mentor" else setting.mentee_seniority
        row: dict[str, Any] = {
            "email": email,
            "first_name": first,
            "last_name": last,
            "role": role,
            "objectives": _tags(rng.sample(objectives, 2)),
            "expertise": _tags(rng.sample(objectives, 2)) if role == "mentor" else {},
            "unit": rng.choice(units),
            "region": region,
            "overseas": overseas,
            "formats": ["remote", "hybrid"] if overseas else rng.choice(FORMATS),
            "languages": ["fr"],
            "capacity": 2
            if role == "mentor" and index % 4 == 0 and not setting.one_mentee_per_mentor
            else 1,
            "career_stage": "late" if role == "mentor" else rng.choice(["early", "mid"]),
            "seniority_years": rng.randint(low, high),
            "gender": rng.choice(["female", "male"]),
            "preferred_mentor_gender": None,
            "availability": rng.sample(["morning", "noon", "evening"], 2),
            "expectations": "",
            "post_start_date": None,
            "manager_email": None,
        }
        rows.append(row)
    # Some mentees report to a mentor: the hierarchy rule must keep them apart.
    mentor_emails = [r["email"] for r in rows if r["role"] == "mentor"]
    for row in rows:
        if setting.line_managers and row["role"] == "mentee" and rng.random() < 0.2:
            row["manager_email"] = rng.choice(mentor_emails)
    behaviour: dict[str, str] = {}
    for row in rows:
        roll = rng.random()
        behaviour[row["email"]] = "prompt" if roll < 0.72 else "late" if roll < 0.92 else "silent"
    mentees = [r["email"] for r in rows if r["role"] == "mentee"]
    behaviour[mentees[0]] = "help"
    if len(mentees) > 2:
        behaviour[mentees[1]] = "silent"  # every demo shows a missed-months escalation
    bounce = {mentees[-1]} if len(mentees) > 1 else set()
    for address in bounce:
        behaviour[address] = "bounce"
    # About a third more people receive the call and never apply (no seeded draw: the
    # candidates above stay the same people).
    outsiders = [
        {
            "email": f"agent{n:05d}@{domain}",
            "first_name": FIRST[(n * 11 + 5) % len(FIRST)],
            "last_name": LAST[(n * 13 + 3) % len(LAST)],
        }
        for n in range(max(1, round(len(rows) / 3)))
    ]
    return Population(rows, behaviour, bounce, outsiders)
