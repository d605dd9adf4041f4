"""The bilan as PDF: the HTML page printed by WeasyPrint (which needs Debian's Pango).

Nothing is fetched: the page holds its style and charts, and any URL WeasyPrint would
still ask for is refused, and fails the rendering rather than reaching the network.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from mentorat.reports import PdfUnavailable
from mentorat.reports.html import render_html
from mentorat.services.bilan import Bilan


class FetchRefused(RuntimeError):
    pass


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise FetchRefused(f"the bilan fetches nothing: {url[:80]}")


def write_pdf(bilan: Bilan, path: Path, *, now: datetime) -> None:
    # WeasyPrint loads Pango through cffi: only when a PDF is asked for.
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            "le PDF ne peut pas être produit sur cette machine (WeasyPrint ne se charge pas\u00a0: "
            f"{exc}). Installez la bibliothèque Pango de Debian (./scripts/setup) "
            "ou choisissez le format .html."
        ) from None

    refused: list[str] = []

    def fetcher(url: str, *args: Any, **kwargs: Any) -> NoReturn:
        refused.append(url)
        _refuse(url)

    document = HTML(string=render_html(bilan, now=now), url_fetcher=fetcher).render()
    if refused:
        # WeasyPrint logs a failed fetch and goes on; the bilan must be whole.
        raise FetchRefused(f"the bilan asked for {len(refused)} outside resource(s)")
    document.write_pdf(path)
