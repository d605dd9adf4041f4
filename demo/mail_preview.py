"""Write every sample email as .eml, .html and .txt for eyeballing.

    python -m demo.mail_preview OUTDIR

Exits 1 (after writing) when a sample breaks French typography.
"""

import sys
from datetime import UTC, datetime
from pathlib import Path

from demo.mail_samples import variants
from mentorat.mail.ics import event_of, invitation_ics
from mentorat.mail.kinds import INVITATION_KINDS
from mentorat.mail.message import Attachment, build_message
from mentorat.mail.message_id import make_message_id
from mentorat.mail.rendering import render
from mentorat.mail.typography import faults, visible_text

DOMAIN = "mentorat.exemple.fr"
SENT_AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def write_all(outdir: Path) -> list[str]:
    """Write each sample; return the typography faults found, one line each."""
    outdir.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, kind, ctx in variants():
        rendered = render(kind, ctx)
        attachments = []
        if kind in INVITATION_KINDS:
            ics = invitation_ics(
                uid=f"{name}@{DOMAIN}",
                organizer_email=ctx["operator"]["email"],
                attendee_email="destinataire@exemple.fr",
                stamp=SENT_AT,
                **event_of(kind, ctx),
            )
            attachments.append(Attachment.invitation(ics))
        message = build_message(
            rendered=rendered,
            sender=f"Mentorat <no-reply@{DOMAIN}>",
            to="destinataire@exemple.fr",
            message_id=make_message_id(
                f"preview:{name}", DOMAIN, secret_key="preview", installation="preview"
            ),
            date=SENT_AT,
            reply_to=f"reponses@{DOMAIN}",
            attachments=attachments,
        )
        (outdir / f"{name}.eml").write_bytes(bytes(message))
        (outdir / f"{name}.html").write_text(rendered.html, encoding="utf-8")
        (outdir / f"{name}.txt").write_text(rendered.text, encoding="utf-8")
        for part, text in (
            ("subject", rendered.subject),
            ("text", rendered.text),
            ("html", visible_text(rendered.html)),
        ):
            problems += [f"{name} {part}: {fault}" for fault in faults(text)]
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m demo.mail_preview OUTDIR", file=sys.stderr)
        return 2
    outdir = Path(argv[0])
    problems = write_all(outdir)
    print(f"wrote {len(list(outdir.glob('*.eml')))} samples to {outdir}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
