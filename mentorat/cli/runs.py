"""Running a cohort from the command line: on the Prefect server when one is configured,
in this process otherwise.

With PREFECT_API_URL set, the commands hand the work to the cohort deployment (a worker runs
it; the run schedules the next one) and answer at once: they speak to the server's REST API
(mentorat.prefect_api) and import neither Prefect nor SciPy (a test checks it; timings in
bench/command_latency.py). Without it, the flow runs here, on a temporary
Prefect server, and nothing will run by itself afterwards: the command says so, and how to
start a server and a worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from mentorat.cli.common import console, err, fail
from mentorat.mail.dates import datetime_fr

if TYPE_CHECKING:
    from mentorat.prefect_api import PrefectApiError

NO_SERVER = (
    "[yellow]Aucun serveur Prefect n’est configuré (PREFECT_API_URL)[/yellow] : la cohorte a "
    "avancé dans ce terminal, mais rien ne s’exécutera tout seul à la prochaine échéance. "
    "Pour qu’elle avance d’elle-même, démarrez un serveur et un worker (README, « Faire "
    "tourner une vraie cohorte ») : prefect server start, puis prefect deploy --all et "
    "prefect worker start --pool mentorat."
)


def server_configured() -> bool:
    """True when the operator points Prefect at a server (environment or Prefect profile)."""
    from mentorat.prefect_api import configured

    return configured()


def paris(moment: datetime | str | None) -> str:
    if moment is None or moment == "":
        return "aucune"
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return f"{datetime_fr(value, weekday=False)} (heure de Paris)"


def _server_error(exc: PrefectApiError) -> typer.Exit:
    """The operator's French message for a request the Prefect server did not grant."""
    from mentorat.prefect_api import NotFound, Unreachable
    from mentorat.settings import get_settings

    if isinstance(exc, NotFound):
        name = get_settings().deployment_name
        return fail(
            f"le déploiement «\u00a0{name}\u00a0» est inconnu du serveur Prefect\u00a0: "
            "déployez-le (prefect deploy --all, ou python -m deployments.serve)."
        )
    if isinstance(exc, Unreachable):
        return fail(
            f"le serveur Prefect ne répond pas ({exc.reason})\u00a0: vérifiez PREFECT_API_URL."
        )
    if exc.status == 404:
        return fail(
            "l’adresse PREFECT_API_URL ne mène pas à l’API du serveur Prefect (HTTP 404)\u00a0: "
            "elle se termine d’ordinaire par /api."
        )
    return fail(f"le serveur Prefect a refusé la demande ({exc})\u00a0: vérifiez PREFECT_API_URL.")


def hand_over(code: str, *, reason: str, due: datetime | None = None) -> None:
    """Ask the server for a run of the cohort (now, or when its clock shows `due`)."""
    from mentorat.cohort_runs import request_run
    from mentorat.prefect_api import PrefectApiError

    try:
        run = request_run(code, due, reason=reason, phase=reason)
    except PrefectApiError as exc:
        raise _server_error(exc) from None
    when = "dès qu’un worker est libre" if due is None else paris(run.scheduled_time)
    console.print(f"Exécution « {run.name} » confiée au serveur Prefect : {when}.")


def run_here(code: str, at: datetime | None) -> dict[str, Any]:
    """Run the cohort flow in this process (at `at`; None: the clock)."""
    from flows.cohort import cohort_lifecycle

    with console.status("Avancement de la cohorte…"):
        result = cohort_lifecycle(code, now=at)
    if at is None:
        err.print(NO_SERVER)
    return result


def advance_now(code: str, *, reason: str, run: bool = True) -> None:
    """After an operator's change, a run of the cohort acts on it now: on the server when one
    is configured, here otherwise (`run` False: at its next due date)."""
    if not run:
        console.print("La cohorte en tiendra compte à sa prochaine exécution.")
        return
    if server_configured():
        hand_over(code, reason=reason)
        return
    run_here(code, None)


def cancel_waiting_approval(code: str) -> int:
    """Cancel the cohort's runs suspended on the approval form (answered here instead)."""
    from mentorat import cohort_runs
    from mentorat.prefect_api import PrefectApiError

    try:
        return cohort_runs.cancel_waiting_approval(code, "Validation faite en ligne de commande")
    except PrefectApiError as exc:
        raise _server_error(exc) from None
