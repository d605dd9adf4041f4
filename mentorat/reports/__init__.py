"""The cohort's bilan as files an HR team presents: HTML (charts as inline SVG), PDF (the
same HTML through WeasyPrint) and XLSX. Figures come from `mentorat.services.bilan`, which
has already applied the anonymity threshold; here they are only put into words.

matplotlib, WeasyPrint and openpyxl are imported by the writer that needs them, never at
import time: the command line stays fast.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from mentorat.services.bilan import Bilan

FORMATS = (".html", ".pdf", ".xlsx")


class ReportError(ValueError):
    """The bilan cannot be written as asked; the message is French, for the operator."""


class UnknownFormat(ReportError):
    """The file's extension names no format of the bilan."""


class PdfUnavailable(ReportError):
    """WeasyPrint cannot load (Debian's Pango is missing)."""


def check_format(path: Path) -> str:
    """The format the file's extension names (".pdf"…), or UnknownFormat naming the file."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnknownFormat(
            f"{path.name}\u00a0: format inconnu, le nom du fichier doit finir par "
            ".html, .pdf ou .xlsx"
        )
    return suffix


def write_bilan(bilan: Bilan, path: Path, *, now: datetime) -> None:
    """Write the bilan to `path`, in the format its extension names."""
    suffix = check_format(path)
    if suffix == ".html":
        from mentorat.reports.html import render_html

        path.write_text(render_html(bilan, now=now), encoding="utf-8")
    elif suffix == ".pdf":
        from mentorat.reports.pdf import write_pdf

        write_pdf(bilan, path, now=now)
    elif suffix == ".xlsx":
        from mentorat.reports.xlsx import write_xlsx

        write_xlsx(bilan, path, now=now)


def bilan_bytes(bilan: Bilan, suffix: str, *, now: datetime) -> bytes:
    """The bilan as a file's content (".pdf", ".xlsx", ".html"), for a download: written
    by `write_bilan` into a private temporary directory, read back, removed."""
    with tempfile.TemporaryDirectory(prefix="mentorat-bilan-") as folder:
        path = Path(folder) / f"bilan{suffix}"
        write_bilan(bilan, path, now=now)
        return path.read_bytes()
