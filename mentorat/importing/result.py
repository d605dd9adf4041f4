"""What reading a candidates file gives: typed rows, located errors, warnings."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from mentorat.importing.columns import HeaderMap
from mentorat.importing.text import COLON, quoted
from mentorat.importing.vocabulary import CareerStage, Format, Gender, Role, Slot


class CandidateRow(BaseModel):
    """One candidate as read from the file, values normalised (see docs/candidates.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    """Where the row is in the file; for messages only, not part of the person's data."""
    email: str
    first_name: str
    last_name: str
    role: Role
    hr_id: str | None = None
    """The HR identifier (« matricule »): identifies the person across imports, when given."""
    objectives: dict[str, str] = Field(default_factory=dict)
    """Tag -> label as written, e.g. {"mobilite-hors-juridiction": "Mobilité hors juridiction"}."""
    expertise: dict[str, str] = Field(default_factory=dict)
    unit: str | None = None
    manager_email: str | None = None
    region: str | None = None
    overseas: bool = False
    formats: tuple[Format, ...] = ()
    languages: tuple[str, ...] = ()
    """ISO 639-1 codes: "fr", "en"…"""
    capacity: int | None = None
    """How many mentees a mentor takes (1 by default); always None for a mentee."""
    career_stage: CareerStage | None = None
    seniority_years: int | None = None
    gender: Gender | None = None
    preferred_mentor_gender: Gender | None = None
    """None also when the candidate said it does not matter."""
    availability: tuple[Slot, ...] = ()
    post_start_date: date | None = None
    expectations: str | None = None
    phone: str | None = None


class PersonRow(BaseModel):
    """Someone a call goes to, as read from an HR extract."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    email: str
    first_name: str
    last_name: str
    hr_id: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    """The header as written in the file ("" when the problem is the whole row)."""
    field: str
    """The canonical field name ("" when the problem is the whole row)."""
    message: str
    """French, lower-case start: it follows the location in `str(error)`."""

    def __str__(self) -> str:
        where = f"{self.file}, ligne {self.line}"
        if self.column:
            where += f", colonne {quoted(self.column)}"
        return f"{where}{COLON} {self.message}"


@dataclass
class ImportResult:
    file: str = ""
    header: tuple[str, ...] = ()
    header_line: int = 1
    header_map: HeaderMap | None = None
    """How each column was read (None before the header is read)."""
    by_role: Counter[str] = field(default_factory=Counter)
    """Rows per role ("mentor", "mentee"), errors or not."""
    filled: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(field, role) -> rows of that role where the cell gave a value (before defaults)."""
    people: list[PersonRow] = field(default_factory=list)
    """With `people_only`: the rows that passed, instead of `rows`."""
    rows: list[CandidateRow] = field(default_factory=list)
    """The rows that passed. Import them only when `ok`: a file is all or nothing."""
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """French sentences, each naming the file and, when it has one, the line."""
    unknown_columns: list[str] = field(default_factory=list)
    """Headers that name no documented column; their values are ignored."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def column_of(self, field_name: str) -> str | None:
        """The header, as written in the file, of the column read as `field_name`."""
        for index, name in (self.header_map.fields if self.header_map else {}).items():
            if name == field_name:
                return self.header[index]
        return None
