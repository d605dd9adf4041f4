"""Reading a file's bytes with French messages for the usual file-system failures."""

from pathlib import Path

from mentorat.importing.table import TableError
from mentorat.importing.text import count


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's content, or a French TableError for the usual file-system failures."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise TableError(
                path.name,
                f"le fichier pèse {count(size // 1_000_000)} Mo, {count(limit // 1_000_000)} Mo "
                "au plus sont acceptés.",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise TableError(path.name, "fichier introuvable.") from None
    except IsADirectoryError:
        raise TableError(path.name, "c'est un dossier, pas un fichier.") from None
    except PermissionError:
        raise TableError(path.name, "lecture refusée (droits insuffisants).") from None
    except OSError as error:
        raise TableError(path.name, f"lecture impossible ({error.strerror}).") from None
