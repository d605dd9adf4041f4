"""Serve the cohort flow: `python -m deployments.serve` (with PREFECT_API_URL set to a
started Prefect server). The deployment `cohort-lifecycle/cohort` is where each cohort run
schedules the next one, and where a participant's answer (the event
`mentorat.answer.recorded`) starts a run for that cohort."""

from __future__ import annotations

from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger

from flows.cohort import cohort_lifecycle

ANSWER_TRIGGER = DeploymentEventTrigger(
    name="answer-recorded",
    expect={"mentorat.answer.recorded"},
    match={"prefect.resource.id": "mentorat.cohort.*"},
    for_each={"prefect.resource.id"},
    parameters={"cohort_id": "{{ event.payload.cohort_id }}"},
)


def deployment():  # type: ignore[no-untyped-def]
    return cohort_lifecycle.to_deployment(
        name="cohort",
        triggers=[ANSWER_TRIGGER],
        tags=["mentorat"],
        description="Advance a Mentorat cohort as far as today allows; reschedules itself.",
    )


if __name__ == "__main__":
    from prefect import serve

    serve(deployment())
