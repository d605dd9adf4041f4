"""Turning one cell into a typed value, or a French reason why it cannot be.

Each parser takes the raw cell (text from a CSV, any type from an XLSX) and raises
CellError with a message that follows « colonne « X » : » in the final report.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from openpyxl.utils.datetime import from_excel

from mentorat.importing.table import Cell
from mentorat.importing.text import clean, fold, quoted, tag_of
from mentorat.importing.vocabulary import FALSE_WORDS, TRUE_WORDS

T = TypeVar("T")


class CellError(ValueError):
    """The French reason a cell was refused."""


def text_of(cell: Cell) -> str:
    """The cell as text, the way the spreadsheet displays it."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "oui" if cell else "non"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime) and cell.time() == time(0):
        return cell.date().strftime("%d/%m/%Y")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return clean(str(cell))


def one_line(cell: Cell) -> str:
    """The cell's text, refusing a line break: in a name, a unit or an address, one is a
    pasting mistake at best, and a header injection (« Robert⏎Bcc: … ») at worst."""
    text = text_of(cell)
    if "\n" in text:
        shown = text.replace("\n", "⏎")
        raise CellError(f"retour à la ligne dans une valeur d'une seule ligne ({quoted(shown)})")
    return text


def optional_text(cell: Cell, limit: int = 200) -> str | None:
    text = " ".join(one_line(cell).split())
    if len(text) > limit:
        raise CellError(f"texte trop long ({len(text)} caractères, {limit} au plus)")
    return text or None


def long_text(cell: Cell, limit: int) -> str | None:
    """Free text that keeps its line breaks."""
    text = text_of(cell)
    if len(text) > limit:
        raise CellError(f"texte trop long ({len(text)} caractères, {limit} au plus)")
    return text or None


def name(cell: Cell) -> str:
    text = optional_text(cell, limit=100)
    if text is None:
        raise CellError("valeur obligatoire manquante")
    return text


_ANGLE_ADDRESS = re.compile(r"<([^<>]+)>\s*$")


def email(cell: Cell) -> str | None:
    """A lower-case address; also accepts « mailto: » links and « Nom <adresse> »."""
    raw = one_line(cell)
    if not raw:
        return None
    address = raw
    if match := _ANGLE_ADDRESS.search(address):
        address = match.group(1)
    address = address.strip()
    if address.casefold().startswith("mailto:"):
        address = address[len("mailto:") :]
    try:
        # No DNS look-up: the import must work offline and give the same answer twice.
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise CellError(f"adresse électronique invalide ({quoted(raw)})") from None
    return checked.normalized.lower()


def yes_no(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    key = fold(text_of(cell))
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise CellError(f"valeur non reconnue ({quoted(text_of(cell))}), oui ou non attendu")


_LIST_SEPARATORS = re.compile(r"\s*[,;|/\n]\s*|\s+et\s+", re.IGNORECASE)


def split_list(cell: Cell) -> list[str]:
    """« a, b | c / d et e » -> [a, b, c, d, e], blanks dropped."""
    parts = _LIST_SEPARATORS.split(text_of(cell))
    return [" ".join(part.split()) for part in parts if part.strip()]


def choice(cell: Cell, vocabulary: Mapping[str, T], accepted: str) -> T | None:
    text = text_of(cell)
    if not text:
        return None
    try:
        return vocabulary[fold(text)]
    except KeyError:
        raise CellError(f"valeur non reconnue ({quoted(text)}), attendu parmi {accepted}") from None


def choices(cell: Cell, vocabulary: Mapping[str, T], accepted: str) -> tuple[T, ...]:
    """Several values, each once, in the order written (it may be a preference)."""
    found: dict[T, None] = {}
    for part in split_list(cell):
        value = vocabulary.get(fold(part))
        if value is None:
            raise CellError(f"valeur non reconnue ({quoted(part)}), attendu parmi {accepted}")
        found[value] = None
    return tuple(found)


def tags(cell: Cell) -> dict[str, str]:
    """« Mobilité hors juridiction, Encadrement » ->
    {"mobilite-hors-juridiction": "Mobilité hors juridiction", "encadrement": "Encadrement"}.
    The first label written wins when two labels give the same tag."""
    labels: dict[str, str] = {}
    for label in split_list(cell):
        tag = tag_of(label)
        if len(label) > 100:
            raise CellError(f"intitulé trop long ({quoted(label)}), 100 caractères au plus")
        if tag:
            labels.setdefault(tag, label)
    return labels


_WHOLE = re.compile(r"(\d+)(?:[.,]0+)?(?:\s*ans?)?")


def whole_number(cell: Cell, low: int, high: int, unit: str = "") -> int | None:
    if isinstance(cell, bool):
        raise CellError(f"nombre entier attendu ({quoted(text_of(cell))})")
    text = text_of(cell)
    if not text:
        return None
    match = _WHOLE.fullmatch(text.casefold())
    if not match:
        raise CellError(f"nombre entier attendu entre {low} et {high}{unit} ({quoted(text)})")
    number = int(match.group(1))
    if not low <= number <= high:
        raise CellError(
            f"nombre hors limites ({quoted(text)}), entre {low} et {high}{unit} attendu"
        )
    return number


_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_FIRST_SERIAL, _LAST_SERIAL = 36_526, 73_050
"""2000-01-01 and 2099-12-31 as Excel day numbers: a date cell left in « Standard » format."""


def a_date(cell: Cell) -> date | None:
    """dd/mm/yyyy, yyyy-mm-dd, or an Excel date cell."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if (
        isinstance(cell, int | float)
        and not isinstance(cell, bool)
        and _FIRST_SERIAL <= cell <= _LAST_SERIAL
    ):
        return from_excel(cell).date()
    text = text_of(cell)
    if not text:
        return None
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise CellError(f"date invalide ({quoted(text)}), format attendu jj/mm/aaaa")
    try:
        value = date(year, month, day)
    except ValueError:
        raise CellError(f"date inexistante ({quoted(text)})") from None
    if not 1950 <= value.year <= 2100:
        raise CellError(f"date invraisemblable ({quoted(text)})")
    return value
