"""A real cohort runs by itself, in accelerated real time, on a started Prefect server with a
process work pool and two workers, PostgreSQL as Mentorat's database and a real SMTP server.

The operator launches it with the command line and approves the pairs with it; nothing else
drives it: each run schedules the next one at the real instant of the next due date. The
participants answer the way people do (tests/realtime/participants.py): charters signed on the
pages of a real `mentorat web` process, check-ins answered on the pages, by a reply over SMTP
to a real `mentorat inbound` listener and by a reply in the IMAP mailbox (Dovecot) that
`mentorat inbound --imap` reads. The SMTP server goes down for a while (the mail waits, the
cohort goes on) and one run is killed with SIGKILL mid-work (it crashes; the worker's hook
hands the cohort to a new run). At the end every email was received once (but for those in
flight when the run was killed, bounded by the SMTP connections), every answer was recorded
by the channel it took, the runs are named by cohort and phase, and their number and lateness
are printed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import statistics
import subprocess
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.objects import FlowRun
from sqlalchemy import func, select

from demo.simulation import setup_cohort
from demo.smtp_sink import SmtpSink
from mentorat.db import session_scope
from models import (
    CharterSignature,
    CheckIn,
    Cohort,
    InboundReply,
    MatchingDecision,
    OutboxMessage,
    Pair,
)
from tests.conftest import PG_SKIP, PG_URL, configured, fresh_database
from tests.inbound import dovecot
from tests.realtime.participants import Participants
from tests.realtime.server import BIN, free_port, run, stop

pytestmark = [
    pytest.mark.timeout(1500),  # about ten minutes of real time: more than the default
    pytest.mark.realtime,
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason=PG_SKIP),
]

CODE = "RT-2027"
# About 270 days of a JAAE cohort in about eight minutes of real time: a check-in's two weeks
# are 24 s, enough for a run that starts a few seconds late on a loaded 2-core machine (a new
# process per run) and for the participants to answer.
SPEED = 50_000
LIMIT = 840  # seconds of real time for the whole cohort
BUSY = {"RUNNING", "PENDING"}
SMTP_CONNECTIONS = 4  # Settings.smtp_connections


def test_a_launched_cohort_runs_from_the_call_to_the_workshop_by_itself(deployed_server, tmp_path):
    if not dovecot.available():
        pytest.skip(dovecot.SKIP_REASON)
    # The cohort's clock reaches the call's opening about 40 s from now, once the database,
    # the candidates and the workers are ready: the launch schedules the first run then.
    origin = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=40)
    web_port, inbound_port = free_port(), free_port()
    web = f"http://127.0.0.1:{web_port}"
    sink = SmtpSink(folder=tmp_path / "mail").start()
    with (
        fresh_database("postgresql", tmp_path) as url,
        configured(url, sink, MENTORAT_PUBLIC_URL=web) as settings,
        dovecot.running_dovecot() as mailbox,
    ):
        mentorat_env = {
            "MENTORAT_ENVIRONMENT": "test",
            "MENTORAT_DATABASE_URL": url,
            "MENTORAT_SMTP_HOST": sink.host,
            "MENTORAT_SMTP_PORT": str(sink.port),
            "MENTORAT_MAIL_FROM": settings.mail_from,
            "MENTORAT_PUBLIC_URL": web,
            "MENTORAT_SECRET_KEY": "realtime-test-key-0123456789abcdefghijkl",
            "MENTORAT_CLOCK_SPEED": str(SPEED),
            "MENTORAT_CLOCK_ORIGIN": origin.isoformat(),
            "MENTORAT_SEND_RETRIES": "1",
            "MENTORAT_SEND_RETRY_DELAY_SECONDS": "0.2",
            "MENTORAT_RETRY_AFTER_FAILURE_MINUTES": "600",
            "MENTORAT_IMAP_POLL_SECONDS": "1",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            **mailbox.env(),
        }
        env = deployed_server.env(**mentorat_env, PYTHONFAULTHANDLER="1")
        cohort_id, _ = setup_cohort(
            settings, programme="jaae", pairs=6, opens_at=origin + timedelta(hours=6), code=CODE
        )
        with session_scope(url) as session:
            session.get(Cohort, cohort_id).launched_at = None  # the operator launches it
        logs = tmp_path / "logs"
        logs.mkdir()
        processes = [
            start(
                logs,
                name,
                [str(BIN / "prefect"), "worker", "start", "--pool", "mentorat", "--name", name],
                env,
            )
            for name in ("worker-a", "worker-b")
        ]
        processes += [
            start(logs, "web", [str(BIN / "mentorat"), "web", "--port", str(web_port)], env),
            start(
                logs,
                "inbound-smtp",
                [
                    str(BIN / "mentorat"),
                    "inbound",
                    "--protocol",
                    "smtp",
                    "--port",
                    str(inbound_port),
                ],
                env,
            ),
            start(logs, "inbound-imap", [str(BIN / "mentorat"), "inbound", "--imap"], env),
        ]
        named = dict(
            zip(
                ("worker-a", "worker-b", "web", "inbound-smtp", "inbound-imap"),
                processes,
                strict=True,
            )
        )

        def dump_threads(name: str, exc: BaseException) -> None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(named[name].pid, signal.SIGABRT)
            time.sleep(2)
            log = (logs / f"{name}.log").read_text(errors="replace")
            print(f"\n{name} did not answer ({exc!r}); its log:\n{log[-20000:]}")

        people = Participants(url, sink, web, inbound_port, mailbox, on_stuck=dump_threads)
        people.start()
        killer = RunKiller(origin.isoformat(), deployed_server.api)
        try:
            wait_for_port(web_port, logs / "web.log")
            wait_for_port(inbound_port, logs / "inbound-smtp.log")
            started = time.monotonic()
            launch = run([str(BIN / "mentorat"), "cohort", "launch", "--cohort", CODE], env)
            assert launch.returncode == 0, launch.stdout + launch.stderr
            assert "confiée au serveur Prefect" in launch.stdout, launch.stdout
            assert time.monotonic() - started < 30  # bench/ measures it on a quiet machine
            drive(url, env, sink, cohort_id, people, killer)
            wait_for_the_mailbox(mailbox)
            wait_for_the_runs(deployed_server.api, logs)
        finally:
            people.stop()
            killer.stop()
            for process in processes:
                stop(process)
            sink.stop()
        assert killer.killed, "no run of the cohort could be killed during the check-ins"
        check_the_runs(deployed_server.api, crashed=len(killer.killed))
        check_every_email_once(url, sink, cohort_id, crashed=len(killer.killed))
        check_every_answer(url, cohort_id, people)


def start(
    logs: Path, name: str, command: list[str], env: dict[str, str]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env=env,
        stdout=(logs / f"{name}.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_port(port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    pytest.fail(f"nothing listens on {port}:\n{log.read_text(errors='replace')}")


def wait_for_the_mailbox(mailbox: dovecot.Dovecot) -> None:
    """`mentorat inbound --imap` has moved every reply out of the inbox."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        client = mailbox.client()
        try:
            status, data = client.select("INBOX", readonly=True)
            assert status == "OK", status
            if int(data[0] or 0) == 0:
                return
        finally:
            client.logout()
        time.sleep(1)
    pytest.fail("replies left unread in the IMAP inbox")


class RunKiller:
    """Kills (SIGKILL) one flow-run process of this test's cohort once armed, as a machine
    losing power or the OOM killer would: the worker marks the run crashed and runs its hook."""

    def __init__(self, origin: str, api: str) -> None:
        self.marker = f"MENTORAT_CLOCK_ORIGIN={origin}".encode()
        self.api = api
        self.armed = threading.Event()
        self.done = threading.Event()
        self.killed: list[str] = []
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        self.armed.wait()
        while not self.done.is_set() and not self.killed:
            for pid, run_id in self._flow_run_processes():
                if not self._running(run_id):
                    continue  # still starting, or finishing: it would not crash
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(run_id)
                    break
            self.done.wait(0.1)

    def _flow_run_processes(self) -> list[tuple[int, str]]:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if self.marker not in environ:
                continue
            run_id = next(
                (v.split(b"=", 1)[1] for v in environ if v.startswith(b"PREFECT__FLOW_RUN_ID=")),
                None,
            )
            cmdline = (entry / "cmdline").read_bytes() if run_id else b""
            if run_id and b"hook" not in cmdline:
                found.append((int(entry.name), run_id.decode()))
        return found

    def _running(self, run_id: str) -> bool:
        with contextlib.suppress(httpx.HTTPError):
            run = httpx.get(f"{self.api}/flow_runs/{run_id}", timeout=5).json()
            return bool(run.get("state_type") == "RUNNING")
        return False

    def stop(self) -> None:
        self.done.set()
        self.armed.set()
        self.thread.join(5)


def drive(
    url: str,
    env: dict[str, str],
    sink: SmtpSink,
    cohort_id: int,
    people: Participants,
    killer: RunKiller,
) -> None:
    """Wait for the cohort to close, approving the pairs when they are proposed, answering
    what the participants receive, taking the SMTP server down once for a while and having
    one run killed during the check-ins, as real life does."""
    deadline = time.monotonic() + LIMIT
    approved = smtp_was_down = False
    phase = "?"
    while time.monotonic() < deadline:
        with session_scope(url) as session:
            cohort = session.get(Cohort, cohort_id)
            phase = cohort.phase
            proposed = session.scalar(
                select(MatchingDecision.id).where(
                    MatchingDecision.cohort_id == cohort_id, MatchingDecision.status == "proposed"
                )
            )
        if phase == "closed":
            return
        if proposed and not approved:
            done = run(
                [str(BIN / "mentorat"), "matching", "approve", "--cohort", CODE, "--by", "RH"], env
            )
            assert done.returncode == 0, done.stdout + done.stderr
            approved = True
        people.check()
        if phase == "checkins" and not smtp_was_down:
            # About six days of the cohort without mail; the participants go on answering.
            sink.stop()
            threading.Timer(10, sink.start).start()
            threading.Timer(10, killer.armed.set).start()  # then a run dies mid-work
            smtp_was_down = True
        time.sleep(0.5)
    pytest.fail(f"the cohort did not close in {LIMIT} s (phase {phase})")


def check_every_email_once(url: str, sink: SmtpSink, cohort_id: int, crashed: int) -> None:
    ids = Counter(m.message()["Message-ID"] for m in sink.messages)
    twice = [i for i, n in ids.items() if n > 1]
    # Only what was in flight on the killed run's SMTP connections may arrive twice, and
    # then under its original Message-ID (counted here by it).
    assert ids and max(ids.values()) <= 2, twice
    assert len(twice) <= crashed * SMTP_CONNECTIONS, twice
    with session_scope(url) as session:
        statuses = dict(
            session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.cohort_id == cohort_id)
                .group_by(OutboxMessage.status)
            ).all()
        )
        kinds = set(
            session.scalars(select(OutboxMessage.kind).where(OutboxMessage.cohort_id == cohort_id))
        )
        # A check-in request held back (the SMTP outage, a late run) past its month's close
        # is withdrawn, not sent with a past deadline (tasks/checkins.py).
        withdrawn = list(
            session.execute(
                select(OutboxMessage.kind, OutboxMessage.last_error).where(
                    OutboxMessage.cohort_id == cohort_id, OutboxMessage.status == "cancelled"
                )
            )
        )
    assert set(statuses) <= {"sent", "cancelled"}, statuses
    assert all(
        kind in ("checkin_request", "checkin_reminder", "evaluation_request", "evaluation_reminder")
        and "clos" in (error or "")
        for kind, error in withdrawn
    ), withdrawn
    assert len(withdrawn) <= statuses["sent"] // 10, withdrawn
    assert statuses["sent"] == len(ids)
    assert {
        "call",
        "application_received",
        "pair_introduction",
        "charter_request",
        "checkin_request",
        "evaluation_request",
        "workshop_invitation",
        "operator_alert",  # the killed run
    } <= kinds, kinds


def check_every_answer(url: str, cohort_id: int, people: Participants) -> None:
    """Every charter was signed on its page; every check-in answer was recorded, by the
    channel it took (the web page, or email for the SMTP and IMAP replies, each found in the
    replies' log under its own Message-ID)."""
    with session_scope(url) as session:
        signatures = session.scalars(
            select(CharterSignature.channel)
            .join(Pair, Pair.id == CharterSignature.pair_id)
            .where(Pair.cohort_id == cohort_id)
        ).all()
        channels = Counter(
            session.scalars(
                select(CheckIn.channel).where(
                    CheckIn.cohort_id == cohort_id, CheckIn.status == "answered"
                )
            )
        )
        logged = dict(
            session.execute(
                select(InboundReply.message_id, InboundReply.outcome).where(
                    InboundReply.cohort_id == cohort_id
                )
            ).all()
        )
    people.check()
    sent = {k: len(v) for k, v in people.sent.items()}
    print(
        f"seconds per answer: median {statistics.median(people.took):.2f}, "
        f"max {max(people.took):.2f}"
    )
    print(
        f"\nanswers recorded: {dict(channels)}; sent: {sent}; too late on the page: "
        f"{len(people.late['web'])}"
    )
    assert people.signed == len(signatures) == 12, (people.signed, signatures)
    assert set(signatures) == {"web"}, signatures
    assert all(people.sent.values()), people.sent  # each way was taken
    # The one-click answer on the page, confirmed: recorded as such, every time.
    assert channels["web-quick"] == len(people.sent["web"]), channels
    # Every reply by email was read, and recorded unless its check-in had closed (a request
    # the SMTP outage delayed): never unclear, never unmatched.
    outcomes = Counter(logged.get(r) for c in ("smtp", "imap") for r in people.sent[c])
    assert set(outcomes) <= {"recorded", "closed"}, outcomes
    assert channels["email"] == outcomes["recorded"] > 0, (channels, outcomes)
    assert len(people.late["web"]) + outcomes["closed"] <= sum(sent.values()) // 3, (
        people.late,
        outcomes,
    )


def read_the_runs(api: str) -> list[FlowRun]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api}):
        from prefect import get_client

        client: SyncPrefectClient
        with get_client(sync_client=True) as client:
            return client.read_flow_runs(
                flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"cohort:{CODE}"])),
                limit=200,
            )


def wait_for_the_runs(api: str, logs: Path) -> None:
    """The run that closed the cohort goes on a little after `closed` is written (delivery,
    the dashboard, naming itself): wait for it while the workers are still up, or stopping
    them would leave it RUNNING on the server for ever."""
    deadline = time.monotonic() + 180
    while True:
        busy = [r for r in read_the_runs(api) if r.state_type and r.state_type.value in BUSY]
        if not busy:
            return
        if time.monotonic() > deadline:
            for name in ("worker-a", "worker-b"):
                print(
                    f"\n{name}'s log:\n{(logs / f'{name}.log').read_text(errors='replace')[-8000:]}"
                )
            pytest.fail(f"runs still busy 180 s after the cohort closed: {[r.name for r in busy]}")
        time.sleep(2)


def check_the_runs(api: str, crashed: int) -> None:
    runs = read_the_runs(api)
    states = Counter(r.state_type.value if r.state_type else "?" for r in runs)
    print(f"\nflow runs of {CODE} on the server: {len(runs)} {dict(states)}")
    names = sorted(r.name for r in runs)
    print("\n".join(names))
    assert all(name.startswith(f"cohort-{CODE}-") for name in names), names
    phases = {r.name.removeprefix(f"cohort-{CODE}-") for r in runs}
    assert {"call", "checkins", "closed"} <= phases, phases
    # The killed run crashed; the cohort went on all the same (a new run took over).
    assert states.get("CRASHED", 0) == crashed, states
    assert states.get("FAILED", 0) == 0, states
    late = sorted(
        (r.start_time - r.expected_start_time).total_seconds()
        for r in runs
        if r.start_time and r.expected_start_time
    )
    print(
        f"start lateness (s): median {statistics.median(late):.1f}, max {late[-1]:.1f} "
        f"over {len(late)} runs"
    )
