"""Programme presets: one TOML file per seed programme, with its charter text beside it.

A preset fixes the charter, the cadence of the lifecycle, the supervision sessions, who the
recognition workshop invites and the matching rules. Everything here is data: tuning a
programme needs no code change.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

HERE = Path(__file__).resolve().parent


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgrammeInfo(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    name: str
    short_name: str
    seed: str = ""


class CharterInfo(_Strict):
    title: str
    file: str


class Timing(_Strict):
    call_days: int = Field(21, ge=1)
    call_reminder_days_before_close: int = Field(5, ge=0)
    charter_days: int = Field(14, ge=1)
    charter_reminder_days: list[int] = [5, 10]
    checkin_months: int = Field(6, ge=1, le=24)
    checkin_reminder_days: int = Field(7, ge=1)
    checkin_close_days: int = Field(14, ge=2)
    escalate_after_missed: int = Field(2, ge=1)
    # Months in a row answered "pas vu" (no meeting) before the supervisor is told.
    escalate_after_not_met: int = Field(2, ge=1)
    evaluation_days_after_last_checkin: int = Field(14, ge=0)
    evaluation_reminder_days: list[int] = [7, 14]
    evaluation_close_days: int = Field(21, ge=1)
    workshop_days_after_evaluation_close: int = Field(30, ge=1)


class SessionSpec(_Strict):
    month: int = Field(ge=1)
    audience: Literal["mentors", "pairs"] = "mentors"
    title: str
    hours: float = Field(2, gt=0, le=12)
    location: str


class Supervision(_Strict):
    sessions: list[SessionSpec] = []
    invite_days_before: int = Field(14, ge=1)
    reminder_days_before: int = Field(2, ge=0)
    individual_after_escalation: bool = True
    individual_days_after: int = Field(7, ge=1)


class Workshop(_Strict):
    title: str
    invite: list[Literal["mentor", "mentee"]] = ["mentor"]
    hours: float = Field(3, gt=0, le=12)
    location: str


class Pages(_Strict):
    # Only a State service (a ministry, a prefecture…) may show the « République française »
    # block: the State design system's terms reserve it. Others show their organisation.
    state_service: bool = False
    organisation: str = ""


class Bilan(_Strict):
    # The cohort's bilan publishes no figure and no comment for a group of fewer answers.
    anonymity_threshold: int = Field(5, ge=1)


class Privacy(_Strict):
    # The privacy notice (« Données personnelles ») and the retention schedule. Empty fields
    # fall back on the cohort's operator as the contact.
    controller: str = ""  # who is responsible for the processing (an organisation)
    contact: str = ""  # where to write to exercise one's rights (an address)
    dpo: str = ""  # the data protection officer's address, when there is one
    # Months after a cohort closes before its personal data is anonymised (retention flow).
    retention_months: int = Field(12, ge=1, le=120)
    # Days before that the operator is told.
    retention_notice_days: int = Field(7, ge=1, le=60)


class ProgrammePreset(_Strict):
    programme: ProgrammeInfo
    charter: CharterInfo
    timing: Timing = Timing()
    supervision: Supervision = Supervision()
    workshop: Workshop
    matching: dict[str, Any] = {}
    bilan: Bilan = Bilan()
    pages: Pages = Pages()
    privacy: Privacy = Privacy()

    def settings(self) -> dict[str, Any]:
        """What the programme row stores (everything but identity and charter)."""
        return self.model_dump(
            include={
                "timing",
                "supervision",
                "workshop",
                "matching",
                "bilan",
                "pages",
                "privacy",
            }
        )


class PresetError(ValueError):
    pass


def available() -> list[str]:
    return sorted(path.stem for path in HERE.glob("*.toml"))


def load(name_or_path: str | Path) -> tuple[ProgrammePreset, str]:
    """The preset and its charter text, from a preset name (jaae) or a TOML file path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = HERE / f"{name_or_path}.toml"
    if not path.is_file():
        raise PresetError(
            f"{path.name} : préréglage introuvable (disponibles : {', '.join(available())})"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        preset = ProgrammePreset.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{path} : TOML invalide ({exc})") from None
    except ValidationError as exc:
        lines = [f"{'.'.join(map(str, e['loc']))} : {e['msg']}" for e in exc.errors()]
        raise PresetError(f"{path} :\n  " + "\n  ".join(lines)) from None
    charter_path = path.parent / preset.charter.file
    if not charter_path.is_file():
        raise PresetError(f"{path} : fichier de charte introuvable ({preset.charter.file})")
    return preset, charter_path.read_text(encoding="utf-8")


def charter_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
