"""A small valid candidates file, as French Excel saves it, for demos and tests.

docs/candidates.md shows the same rows; `mentorat candidates import` accepts it as is.
"""

import csv
import io

SAMPLE_HEADER = (
    "Prénom", "Nom", "Courriel", "Rôle", "Unité", "Responsable hiérarchique", "Région",
    "Outre-mer", "Objectifs", "Domaines d'expertise", "Formats", "Langues", "Capacité",
    "Étape de carrière", "Ancienneté", "Date de prise de poste", "Disponibilités", "Attentes",
)  # fmt: skip

SAMPLE_ROWS = (
    ("Alice", "Martin", "alice.martin@example.org", "mentor", "Cour d'appel de Lyon", "",
     "Auvergne-Rhône-Alpes", "non", "", "Encadrement, Mobilité hors juridiction",
     "présentiel, distanciel", "français, anglais", "2", "fin", "24", "", "matin, soir", ""),
    ("Bruno", "Lefèvre", "bruno.lefevre@example.org", "mentor", "Tribunal judiciaire de Lille",
     "", "Hauts-de-France", "non", "", "Management d'équipe", "distanciel", "français", "1",
     "fin", "18", "", "midi", ""),
    ("Chloé", "Dubois", "chloe.dubois@example.org", "mentorée", "Tribunal judiciaire de Cayenne",
     "marc.bernard@example.org", "Guyane", "oui", "Prise de poste, Management d'équipe", "",
     "distanciel", "français", "", "début", "3", "01/09/2027", "soir",
     "Je prends mon premier poste de directrice de greffe.\nJe cherche un regard extérieur."),
    ("Damien", "Roux", "damien.roux@example.org", "mentoré(e)", "Cour d'appel de Lyon",
     "alice.martin@example.org", "Auvergne-Rhône-Alpes", "non",
     "Mobilité hors juridiction", "", "mixte", "français", "", "milieu", "9", "15/09/2027",
     "matin", ""),
)  # fmt: skip


def sample_csv_bytes() -> bytes:
    """SAMPLE_ROWS as French Excel writes a CSV: `;`, Windows-1252, CRLF, quotes as needed."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(SAMPLE_HEADER)
    writer.writerows(SAMPLE_ROWS)
    return buffer.getvalue().encode("cp1252")
