"""Serve Mentorat's flows on one machine: `python -m deployments.serve` (with PREFECT_API_URL
set to a started Prefect server). For several machines, use prefect.yaml instead
(`prefect deploy --all`, then `prefect worker start --pool mentorat` on each machine).

Three deployments:
- `cohort-lifecycle/cohort`: each cohort run schedules the next one there, and the operator's
  commands, the sweeper and the urgent answers ask for runs there. Its form in the Prefect UI
  takes the cohort's code.
- `cohort-sweeper/sweeper`: every hour, revives any live cohort left with no run ahead.
- `retention/retention`: every day, anonymises the cohorts closed for longer than their
  programme's retention period and tells their operators a week before (flows/retention.py).

The settings (database, SMTP, secret key) come from this process's environment, as they
do for a worker: nothing secret is a deployment parameter or a job variable.
"""

from __future__ import annotations

from datetime import timedelta

from prefect.deployments.runner import RunnerDeployment

from flows.cohort import cohort_lifecycle
from flows.retention import retention_flow
from flows.sweeper import cohort_sweeper

SWEEP_EVERY = timedelta(hours=1)
RETAIN_EVERY = timedelta(days=1)


def deployment() -> RunnerDeployment:
    made = cohort_lifecycle.to_deployment(
        name="cohort",
        tags=["mentorat"],
        description="Avance une cohorte Mentorat jusqu’à maintenant ; se reprogramme à chaque "
        "échéance. Paramètre : le code de la cohorte.",
    )
    # Called from synchronous code (`serve` below, the tests), where Prefect builds the
    # deployment at once; only inside an event loop would it hand back a coroutine.
    assert isinstance(made, RunnerDeployment)
    return made


def sweeper(every: timedelta = SWEEP_EVERY) -> RunnerDeployment:
    made = cohort_sweeper.to_deployment(
        name="sweeper",
        interval=every,
        tags=["mentorat"],
        description="Relance toute cohorte en cours qui n’a plus d’exécution prévue.",
    )
    assert isinstance(made, RunnerDeployment)
    return made


def retention(every: timedelta = RETAIN_EVERY) -> RunnerDeployment:
    made = retention_flow.to_deployment(
        name="retention",
        interval=every,
        tags=["mentorat"],
        description="Anonymise les cohortes closes depuis la durée de conservation de leur "
        "programme ; prévient leur opérateur·rice une semaine avant.",
    )
    assert isinstance(made, RunnerDeployment)
    return made


if __name__ == "__main__":
    from prefect import serve

    serve(deployment(), sweeper(), retention())
