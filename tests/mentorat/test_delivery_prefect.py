"""Nothing personal reaches Prefect on any delivery failure path: the delivery task runs
under Prefect's test harness with a 450 and a 550 that quote their recipient's address, a
server down at the first attempt, a connection dropped mid-batch, then a server down for
good; Prefect's database (task and flow run states, logs) is then read back and searched
for every participant's address and name."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from demo.simulation import setup_cohort
from mentorat.db import session_scope
from models import OutboxMessage
from tasks import call
from tests.conftest import START
from tests.support import phases

pytestmark = [pytest.mark.fault_injection, pytest.mark.usefixtures("prefect_harness")]


def hostile_server(smtp, temporary: str, permanent: str) -> list[bool]:  # type: ignore[no-untyped-def]
    """Refusals quoting the address, as real servers do, and one connection dropped."""
    handler = smtp.handler
    rcpt, data = handler.handle_RCPT, handler.handle_DATA
    dropped = []

    async def refuse(server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if address == temporary:
            return f"450 4.2.2 <{address}>: Mailbox full"
        if address == permanent:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        return await rcpt(server, session, envelope, address, options)

    async def drop_once(server, session, envelope):  # type: ignore[no-untyped-def]
        if len(handler.messages) == 5 and not dropped:
            dropped.append(True)
            server.transport.close()  # the connection is lost before the answer to DATA
            return "421 4.4.2 connection dropped"
        return await data(server, session, envelope)

    handler.handle_RCPT, handler.handle_DATA = refuse, drop_once
    return dropped


class BackOnFirstFailure(logging.Handler):
    """Starts the stopped server again once the sender has reported it unavailable."""

    def __init__(self, smtp: Any) -> None:
        super().__init__()
        self.smtp = smtp
        self.failures = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "unavailable" in record.getMessage():
            self.failures += 1
            if self.failures == 1:
                self.smtp.start()


def prefect_records(flow_run_id: Any) -> str:
    """Everything Prefect stored about a flow run, its task runs and their logs, as text."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )

    parts: list[str] = []
    with get_client(sync_client=True) as client:
        parts.append(client.read_flow_run(flow_run_id).model_dump_json())
        parts += [s.model_dump_json() for s in client.read_flow_run_states(flow_run_id)]
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
        assert task_runs
        for task_run in task_runs:
            parts.append(task_run.model_dump_json())
            parts += [s.model_dump_json() for s in client.read_task_run_states(task_run.id)]
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        parts += [log.model_dump_json() for log in logs]
    return "\n".join(parts)


def test_no_address_or_name_reaches_prefect_when_delivery_fails_in_every_way(
    settings, smtp, monkeypatch
):
    from prefect import flow
    from prefect.runtime import flow_run

    from mentorat.settings import get_settings
    from tasks.delivery import deliver_emails

    cohort_id, pop = setup_cohort(settings, programme="jaae", pairs=10, opens_at=START)
    phases.advance(settings, cohort_id, call, START)
    mentees = [r for r in pop.rows if r["role"] == "mentee"]
    temporary, permanent = mentees[0]["email"], mentees[1]["email"]
    dropped = hostile_server(smtp, temporary, permanent)
    monkeypatch.setenv("MENTORAT_SEND_RETRY_DELAY_SECONDS", "1")
    monkeypatch.setenv("MENTORAT_SEND_RETRIES", "2")
    get_settings.cache_clear()

    @flow
    def deliver_now(cohort_id: int) -> dict[str, Any]:
        return {"run": str(flow_run.get_id()), **deliver_emails(cohort_id)}

    # Down at the first attempt, back for the retry (which meets the 450, 550 and the drop).
    smtp.stop()
    sender_log = logging.getLogger("mentorat.delivery.sender")
    back = BackOnFirstFailure(smtp)
    sender_log.addHandler(back)
    try:
        first = deliver_now(cohort_id)
    finally:
        sender_log.removeHandler(back)
    assert back.failures == 1 and dropped == [True]
    assert first["unreachable"] is False and first["deferred"] >= 1 and first["bounced"] == 1
    # Down for good: the retries run out, the task reports it and does not fail.
    smtp.stop()
    with session_scope(settings.database_url) as session:
        session.execute(
            OutboxMessage.__table__.update()
            .where(OutboxMessage.status == "sent")
            .values(status="pending")
        )
        waiting = session.scalar(select(func.count()).where(OutboxMessage.status == "pending"))
    second = deliver_now(cohort_id)
    get_settings.cache_clear()
    assert second["unreachable"] is True and second["pending"] == waiting

    personal = {r["email"] for r in pop.rows} | {r["last_name"] for r in pop.rows}
    # The scan reads what the failures wrote: the retried attempts, and the warning.
    for run, written in ((first["run"], "indisponible"), (second["run"], "injoignable")):
        records = records_holding(run, written)
        leaked = sorted(p for p in personal if p in records)
        assert leaked == [], leaked


def records_holding(run: str, text: str) -> str:
    """Prefect's records of a run once they hold `text` (logs reach the API in batches)."""
    for _ in range(60):
        records = prefect_records(run)
        if text in records:
            return records
        time.sleep(0.25)
    raise AssertionError(f"Prefect never recorded {text!r} for run {run}")
