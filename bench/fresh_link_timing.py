"""How long the fresh-link form takes to answer, for a known and for an unknown address.

A difference is an enumeration oracle: whoever can time the answer learns who takes part in a
programme. The app runs for real (uvicorn on localhost, SQLite, a local SMTP server); each
known request is an hour after the previous one, so that every one of them really queues an
email (one per person and hour). Before each timed request the background work of the
previous one is allowed to finish (--back-to-back times them without that pause: then the
figures include the contention of the worker on this machine's cores). Prints the median and
p90 of each, in milliseconds.

    .venv/bin/python bench/fresh_link_timing.py [--requests 50] [--back-to-back]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(requests: int, pause: bool) -> dict[str, list[float]]:
    import httpx

    from demo.clock import SimulatedClock
    from demo.smtp_sink import SmtpSink
    from mentorat import db
    from mentorat.settings import get_settings
    from mentorat.web import create_app
    from mentorat.web.limits import Limits
    from tests.web.live import free_port, serving
    from tests.web.pages import csrf_of
    from tests.web.world import build_world, deliver_pending

    folder = Path(tempfile.mkdtemp(prefix="mentorat-bench-"))
    url = f"sqlite:///{folder / 'mentorat.db'}"
    db.upgrade(url)
    port = free_port()
    with SmtpSink(folder=folder / "mail") as sink:
        os.environ.update(
            {
                "MENTORAT_ENVIRONMENT": "test",
                "MENTORAT_DATABASE_URL": url,
                "MENTORAT_SMTP_HOST": sink.host,
                "MENTORAT_SMTP_PORT": str(sink.port),
                "MENTORAT_MAIL_FROM": "Mentorat <mentorat@justice.exemple.fr>",
                "MENTORAT_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "MENTORAT_SECRET_KEY": "bench-secret-key-0123456789abcdef012345",
                "MENTORAT_EMIT_EVENTS": "false",
            }
        )
        get_settings.cache_clear()
        settings = get_settings()
        world = build_world(settings)
        deliver_pending(settings)
        clock = SimulatedClock(world.checkins_due_at + timedelta(days=1))
        app = create_app(settings, clock=clock, limits=Limits(fresh_links_per_client=10**9))
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        worker = app.state.fresh_links
        with serving(app, port) as base, httpx.Client(base_url=base) as client:
            csrf = csrf_of(client.get("/").text)
            for i in range(requests):
                for name, address in (
                    ("known", "mentor00000@exemple.fr"),
                    ("unknown", f"personne{i}@exemple.fr"),
                ):
                    clock.advance(timedelta(hours=1))
                    if pause:
                        worker.wait_idle(30)
                    started = time.perf_counter()
                    answer = client.post(
                        "/lien/nouveau",
                        data={"csrf": csrf, "email": address},
                        headers={"Origin": base},
                    )
                    times[name].append((time.perf_counter() - started) * 1000)
                    assert answer.status_code == 200, answer.status_code
            worker.wait_idle(30)
        print(f"emails received by the SMTP server: {len(sink.messages)}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--back-to-back", action="store_true")
    args = parser.parse_args()
    for name, values in measure(args.requests, pause=not args.back_to_back).items():
        ordered = sorted(values)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        print(
            f"{name:8} n={len(values)} median={statistics.median(values):6.1f} ms "
            f"p90={p90:6.1f} ms min={ordered[0]:5.1f} max={ordered[-1]:6.1f}"
        )


if __name__ == "__main__":
    main()
