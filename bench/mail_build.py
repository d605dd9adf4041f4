"""Benchmark: messages built per second by the sender's fast builder (mentorat/mail/raw.py).

Every message has long accented display names (From, To, Reply-To), a long accented
subject and the text and HTML parts of a real kind; every fifth one carries a calendar
invitation. The baseline, in the same process, builds the same messages with the standard
library (email.message.EmailMessage through `build_message`, serialised with policy.SMTP).
Prints the machine, both rates (best of a few rounds, in CPU time of this process, which
other processes on a shared machine barely move) and their ratio.

    .venv/bin/python bench/mail_build.py [--messages 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo.mail_samples import sample  # noqa: E402
from mentorat.mail import Attachment, build_message, invitation_ics, render  # noqa: E402
from mentorat.mail.raw import build_raw  # noqa: E402

WHEN = datetime(2027, 11, 11, 10, 0, tzinfo=UTC)
SENDER = (
    "Mission mentorat — Secrétariat général, Délégation à l’encadrement supérieur "
    "<mentorat@justice.exemple.fr>"
)


def machine() -> str:
    return (
        f"{platform.node()} · {platform.system()} {platform.machine()} · "
        f"{os.cpu_count()} CPU · Python {platform.python_version()}"
    )


def messages(count: int) -> list[dict[str, Any]]:
    """The builder's arguments for `count` messages (rendered once, outside the timing)."""
    rendered = render("checkin_request", sample("checkin_request"))
    ics = invitation_ics(
        uid="supervision-2-7@mentorat.exemple.fr",
        summary="Séance de supervision des mentors",
        description="Échanges de pratiques, préparation du bilan",
        starts_at=WHEN,
        ends_at=WHEN.replace(hour=12),
        location="Paris",
        organizer_email="chloe.dubois@justice.exemple.fr",
        attendee_email="bruno.lefevre@justice.exemple.fr",
    )
    out = []
    for n in range(count):
        subject = f"{rendered.subject} — Marie-Hélène Lefèvre-Châteaubriand ({n})"
        out.append(
            dict(
                rendered=type(rendered)(subject, rendered.text, rendered.html),
                sender=SENDER,
                to=f"Marie-Hélène Lefèvre-Châteaubriand d’Épinay {n} <mh.lefevre{n}@exemple.fr>",
                message_id=f"<m{n}.0123abcd@mentorat.exemple.fr>",
                date=WHEN,
                reply_to=f"Réponses au programme de mentorat <mentorat+c1.{n}@exemple.fr>",
                attachments=[Attachment.invitation(ics)] if n % 5 == 0 else [],
                headers={"X-Mentorat-Kind": "checkin_request", "X-Mentorat-Step": "m3"},
            )
        )
    return out


def fast(args: dict[str, Any]) -> bytes:
    return build_raw(**args)


def standard(args: dict[str, Any]) -> bytes:
    return build_message(**args).as_bytes(policy=policy.SMTP)


def rate(
    build: Callable[[dict[str, Any]], bytes], batch: list[dict[str, Any]], rounds: int
) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for args in batch:
            build(args)
        best = min(best, time.perf_counter() - start)
    return len(batch) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    batch = messages(options.messages)
    print(f"machine: {machine()}")
    fast_rate = rate(fast, batch, options.rounds)
    # The standard library is ~30 times slower: a tenth of the batch is enough to time it.
    standard_rate = rate(standard, batch[: max(1, len(batch) // 10)], options.rounds)
    print(f"messages: {len(batch)} (best of {options.rounds} rounds, CPU time)")
    print(f"build_raw: {fast_rate:,.0f} messages/s")
    print(f"standard library (EmailMessage, policy.SMTP): {standard_rate:,.0f} messages/s")
    print(f"ratio: build_raw is {fast_rate / standard_rate:.1f} times as fast")


if __name__ == "__main__":
    main()
