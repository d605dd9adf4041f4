"""The documented columns of a candidates file and the header names each one accepts.

Headers are compared by key (`headers.key_of`: no accents, case, punctuation, inclusive
writing, plurals, filler words or word order), so « Prénom », « PRENOM » and « prenom »
are one header, and so are « Nombre de mentoré·e·s souhaité » and « nb mentorés ».
Keep docs/candidates.md in step.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from mentorat.importing.headers import HeaderKey, key_of, readings


@dataclass(frozen=True)
class Column:
    name: str
    """Canonical field name, as on CandidateRow."""
    french: str
    """The documented French header, used in messages when the column is missing."""
    english: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("email", "Courriel", "Email",
           ("e-mail", "mail", "mél", "adresse électronique", "adresse e-mail", "adresse mail",
            "adresse courriel", "adresse email", "email address", "courriel professionnel",
            "adresse électronique professionnelle", "adresse de messagerie", "messagerie",
            "e-mail pro", "work email"), required=True),
    Column("first_name", "Prénom", "First name",
           ("firstname", "given name", "prénom usuel", "prénom de l'agent", "forename"),
           required=True),
    Column("last_name", "Nom", "Last name",
           ("nom de famille", "lastname", "surname", "family name", "nom d'usage",
            "nom patronymique", "nom de naissance", "nom usuel", "nom de l'agent"),
           required=True),
    Column("role", "Rôle", "Role",
           ("rôle souhaité", "mentor ou mentoré", "mentor / mentoré", "candidature comme",
            "candidature en tant que", "type de candidature", "vous candidatez comme",
            "participation comme", "participant en tant que", "statut dans le programme",
            "mentor or mentee"), required=True),
    Column("hr_id", "Matricule", "Employee ID",
           ("identifiant RH", "id RH", "numéro d'agent", "n° agent", "n° d'agent", "matricule RH",
            "numéro de matricule", "matricule agent", "identifiant agent", "code agent",
            "numéro RH", "employee number", "staff id", "HR id", "personnel number")),
    Column("objectives", "Objectifs", "Objectives",
           ("objectif", "objectifs du mentorat", "objectifs recherchés", "objectifs professionnels",
            "domaines souhaités", "thèmes souhaités", "thématiques souhaitées",
            "sujets souhaités", "besoins", "besoins d'accompagnement", "accompagnement recherché",
            "ce que je cherche", "goals", "wished domains", "domaines recherchés")),
    Column("expertise", "Domaines d'expertise", "Expertise",
           ("domaine d'expertise", "expertises", "areas of expertise", "compétences",
            "domaines de compétence", "thèmes proposés", "thématiques proposées",
            "sujets proposés", "domaines proposés", "savoir-faire", "expérience à partager",
            "domaines d'intervention", "points forts", "skills", "ce que je propose")),
    Column("unit", "Unité", "Unit",
           ("service", "juridiction", "department", "direction", "structure", "établissement",
            "affectation", "juridiction d'affectation", "service d'affectation",
            "lieu d'affectation", "unité d'affectation", "structure d'affectation",
            "établissement d'affectation", "direction d'affectation", "entité", "tribunal",
            "juridiction ou service", "site", "administration d'affectation", "team")),
    Column("manager_email", "Responsable hiérarchique", "Manager",
           ("courriel du responsable", "courriel du responsable hiérarchique",
            "responsable", "n+1", "manager email", "manager's email", "supérieur hiérarchique",
            "courriel du n+1", "mail du n+1", "adresse du responsable", "email du manager",
            "hiérarchie", "supérieur", "chef de service", "responsable direct", "line manager",
            "courriel du supérieur hiérarchique", "encadrant direct")),
    Column("region", "Région", "Region",
           ("région d'affectation", "zone géographique", "localisation", "territoire",
            "ressort", "académie", "région administrative", "location", "area")),
    Column("overseas", "Outre-mer", "Overseas",
           ("ultramarin", "affectation outre-mer", "en outre-mer", "DOM", "DROM",
            "territoire ultramarin", "poste outre-mer")),
    Column("formats", "Formats", "Formats",
           ("format", "format des rencontres", "format souhaité", "modalités",
            "modalités des rencontres", "modalité de rencontre", "mode de rencontre",
            "présentiel ou distanciel", "type de rencontres", "meeting format",
            "format des échanges")),
    Column("languages", "Langues", "Languages",
           ("langue", "language", "langues parlées", "langues de travail", "langues maîtrisées",
            "spoken languages", "langues pratiquées", "langue de travail")),
    Column("capacity", "Capacité", "Capacity",
           ("nombre de mentorés", "nombre de mentorés souhaité", "max mentees",
            "nombre maximal de mentorés", "nb de mentorés", "nb mentorés", "mentorés max",
            "nombre de personnes accompagnées", "capacité d'accompagnement",
            "nombre de binômes", "combien de mentorés", "nombre de mentorés accepté",
            "number of mentees")),
    Column("career_stage", "Étape de carrière", "Career stage",
           ("carrière", "career", "stade de carrière", "moment de carrière", "niveau de carrière",
            "phase de carrière", "position dans la carrière", "étape professionnelle")),
    Column("seniority_years", "Ancienneté", "Seniority",
           ("années d'expérience", "years of experience", "ancienneté en années",
            "nombre d'années d'expérience", "années de service", "ancienneté dans la fonction",
            "ancienneté professionnelle", "expérience en années", "ancienneté de service",
            "ancienneté dans le corps")),
    Column("gender", "Genre", "Gender", ("sexe", "civilité", "sex")),
    Column("preferred_mentor_gender", "Préférence de genre du mentor", "Preferred mentor gender",
           ("genre souhaité du mentor", "genre du mentor souhaité", "genre du mentor",
            "préférence de genre", "sexe du mentor", "mentor gender")),
    Column("availability", "Disponibilités", "Availability",
           ("disponibilité", "créneaux", "créneaux préférés", "moments disponibles",
            "plages horaires", "horaires", "disponibilités horaires", "time slots")),
    Column("post_start_date", "Date de prise de poste", "Post start date",
           ("prise de poste", "start date", "date d'entrée en fonction",
            "date de prise de fonction",
            "date d'arrivée", "date d'arrivée dans le poste", "date d'affectation",
            "date de nomination", "date d'entrée", "entrée en fonction", "date de début",
            "date d'installation", "date de prise de fonctions")),
    Column("expectations", "Attentes", "Expectations",
           ("profil", "commentaire", "commentaires", "profile", "comments", "comment",
            "motivation", "lettre de motivation", "remarques", "observations", "précisions",
            "présentation", "texte libre")),
    Column("phone", "Téléphone", "Phone",
           ("tél", "tel", "portable", "mobile", "phone number", "numéro de téléphone",
            "téléphone professionnel", "numéro de portable", "tél portable")),
)  # fmt: skip

BY_NAME = {column.name: column for column in COLUMNS}
IGNORE = "ignorer"
"""What a mapping file gives a column to say « read nothing from it », knowingly."""


def _build_aliases() -> dict[HeaderKey, str]:
    aliases: dict[HeaderKey, str] = {}
    for column in COLUMNS:
        for header in (column.name.replace("_", " "), column.french, column.english,
                       *column.aliases):  # fmt: skip
            key = key_of(header)
            owner = aliases.setdefault(key, column.name)
            assert owner == column.name, f"header {header!r} claimed by {owner} and {column.name}"
    return aliases


ALIASES = _build_aliases()


def fields_of(header: str) -> tuple[str, ...]:
    """The canonical fields a header may name: one when it is recognised, several when its
    parts name different columns (« Prénom / Nom »), none when nothing is recognised."""
    for keys in readings(header):
        found = dict.fromkeys(ALIASES[key] for key in keys if key in ALIASES)
        if found:
            return tuple(found)
    return ()


def field_of(header: str) -> str | None:
    """The canonical field a header names, or None (unknown or ambiguous)."""
    found = fields_of(header)
    return found[0] if len(found) == 1 else None


def field_named(name: str) -> str | None:
    """A field as a mapping file may name it: « unit », « Unité », « juridiction »…"""
    if name in BY_NAME or name == IGNORE:
        return name
    return field_of(name)


@dataclass
class HeaderMap:
    fields: dict[int, str] = field(default_factory=dict)
    """Column index -> canonical field, for every recognised column."""
    mapped: set[int] = field(default_factory=set)
    """Indexes read through the operator's mapping rather than recognised."""
    ignored: list[int] = field(default_factory=list)
    """Indexes the mapping says to ignore."""
    unknown: list[int] = field(default_factory=list)
    """Indexes of columns whose header names no field."""
    ambiguous: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Indexes of columns whose header names several fields, with those fields."""
    repeated: list[tuple[int, int]] = field(default_factory=list)
    """(first index, later index) of two columns naming the same field; the later is ignored."""
    missing: list[Column] = field(default_factory=list)
    """Required columns absent from the header."""


def map_header(
    header: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    required: Collection[str] | None = None,
) -> HeaderMap:
    """Which field each column gives. `mapping` (header text -> field name or IGNORE) wins
    over recognition; its headers are compared by key, so case and accents do not matter."""
    by_key = {key_of(text): name for text, name in (mapping or {}).items()}
    result = HeaderMap()
    first_index: dict[str, int] = {}
    for index, text in enumerate(header):
        if not text:
            continue
        forced = by_key.get(key_of(text))
        if forced == IGNORE:
            result.ignored.append(index)
            continue
        found = (forced,) if forced else fields_of(text)
        if not found:
            result.unknown.append(index)
        elif len(found) > 1:
            result.ambiguous[index] = found
        elif found[0] in first_index:
            result.repeated.append((first_index[found[0]], index))
        else:
            first_index[found[0]] = index
            result.fields[index] = found[0]
            if forced:
                result.mapped.add(index)
    needed = {c.name for c in COLUMNS if c.required} if required is None else set(required)
    result.missing = [c for c in COLUMNS if c.name in needed and c.name not in first_index]
    return result
