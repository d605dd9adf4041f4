"""Named people and CSV text shared by the import tests."""

import csv
import io
from collections.abc import Sequence
from typing import Any

FRENCH_HEADER = ("Prénom", "Nom", "Courriel", "Rôle")

ALICE = ("Alice", "Martin", "alice.martin@justice.gouv.fr", "mentor")
BRUNO = ("Bruno", "Lefèvre", "bruno.lefevre@justice.gouv.fr", "mentoré")
CHLOE = ("Chloé", "Dubois", "chloe.dubois@justice.gouv.fr", "mentorée")


def csv_text(rows: Sequence[Sequence[Any]], delimiter: str = ";") -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
