"""Reading and checking the submitted forms. Each checker returns the clean values and,
per field, the French message to show beside it; nothing here touches the database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email

from mentorat.web.limits import Limits

NBSP = "\u00a0"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What ends a line for some reader: a spreadsheet, a CSV file, an email header.
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


@dataclass
class Checked:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class Form:
    """The submitted fields (a multi-dict), with typed readers that record errors."""

    def __init__(self, data: Mapping[str, Any], limits: Limits) -> None:
        self.data, self.limits, self.result = data, limits, Checked()

    def _raw(self, name: str) -> str:
        value = self.data.get(name)
        return clean(value) if isinstance(value, str) else ""

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_len: int | None = None,
        label: str = "ce champ",
    ) -> str:
        value = self._raw(name).strip()
        limit = max_len or self.limits.short_text
        if required and not value:
            self.result.errors[name] = f"Renseignez {label}."
        elif len(value) > limit:
            self.result.errors[name] = (
                f"Ce texte est trop long{NBSP}: {group(len(value))} caractères pour "
                f"{group(limit)} au plus."
            )
        self.result.values[name] = value
        return value

    def line(
        self,
        name: str,
        *,
        required: bool = False,
        max_len: int | None = None,
        label: str = "ce champ",
    ) -> str:
        """A one-line field (a name, a unit, a phone number). A line break is refused with a
        message, not joined silently: it would break the CSV exports and the email headers."""
        value = self.text(name, required=required, max_len=max_len, label=label)
        if name not in self.result.errors and _LINE_BREAK.search(value):
            self.result.errors[name] = (
                f"Saisissez {label} sur une seule ligne, sans retour à la ligne."
            )
        return value

    def choice(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        required: bool = True,
        message: str = "Choisissez une réponse.",
    ) -> Any:
        raw = self._raw(name)
        if raw in options:
            value = options[raw]
        else:
            value = None
            if required or raw:
                self.result.errors[name] = message
        self.result.values[name] = value
        return value

    def choices(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        required: bool = False,
        message: str = "Cochez au moins une case.",
    ) -> list[Any]:
        getlist = getattr(self.data, "getlist", None)
        raw = getlist(name) if getlist else [self.data.get(name)]
        picked = [options[r] for r in raw if isinstance(r, str) and r in options]
        if len(picked) != len([r for r in raw if r]):
            self.result.errors[name] = "Une des cases cochées n’est pas proposée."
        elif required and not picked:
            self.result.errors[name] = message
        self.result.values[name] = picked
        return picked

    def integer(self, name: str, low: int, high: int, *, required: bool = False) -> int | None:
        raw = self._raw(name).strip()
        value: int | None = None
        if raw:
            if raw.isdigit() and low <= int(raw) <= high:
                value = int(raw)
            else:
                self.result.errors[name] = f"Indiquez un nombre entier de {low} à {high}."
        elif required:
            self.result.errors[name] = f"Indiquez un nombre de {low} à {high}."
        self.result.values[name] = value
        return value

    def flag(self, name: str) -> bool:
        value = self._raw(name) in {"1", "on", "oui"}
        self.result.values[name] = value
        return value

    def email(self, name: str, *, required: bool = False) -> str | None:
        raw = self._raw(name).strip()
        value: str | None = None
        if raw:
            try:
                value = validate_email(raw, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                self.result.errors[name] = (
                    f"Saisissez une adresse électronique valide{NBSP}: prenom.nom@exemple.fr."
                )
        elif required:
            self.result.errors[name] = "Renseignez une adresse électronique."
        self.result.values[name] = value if value is not None else raw
        return value


def clean(value: str) -> str:
    """Drop control characters (PostgreSQL refuses NUL) and normalise to NFC."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", value.replace("\r\n", "\n")))


def group(number: int) -> str:
    """4000 -> « 4 000 » with a narrow no-break space, as French writes numbers."""
    return f"{number:,}".replace(",", "\u202f")


def fold(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in ascii_.lower()).split())


def tags(lines: str) -> dict[str, str]:
    """One label per line (or separated by « ; ») -> {tag: label}, as the importer stores them."""
    out: dict[str, str] = {}
    for label in re.split(r"[\n;]", lines):
        label = label.strip(" -•\t")
        if label:
            out.setdefault(fold(label).replace(" ", "-"), label)
    return out
