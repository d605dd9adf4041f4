"""The same MIME structure as `build_message`, written straight to bytes.

`build_message` (email.message.EmailMessage) is the reference, used to inspect messages;
the email package spends a few milliseconds per message building and folding headers. A
cohort of a thousand pairs sends some 30,000 emails, so the sender writes the few shapes it
needs here, some fifty times faster (bench/mail_build.py), within the mail standards:
headers folded and encoded by mentorat/mail/headers.py; text parts (plain, HTML, the
calendar) quoted-printable UTF-8, readable in an .eml file and smaller than base64 for
French; attached files base64, byte for byte; no line over 78 characters.
tests/mail/test_raw.py and tests/mail/test_raw_standards.py check every kind, and random
names, addresses, subjects and bodies, against the standard library's parser and output.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime

from mentorat.mail.dates import as_utc
from mentorat.mail.headers import check, header, mailbox_header
from mentorat.mail.message import AUTO_HEADERS, Attachment
from mentorat.mail.rendering import Rendered

CRLF = b"\r\n"


def _quoted_printable(content: bytes) -> bytes:
    """Lines of at most 76 characters, CRLF line breaks (a lone CR or LF is one too, as in
    EmailMessage.set_content), a final line break."""
    return binascii.b2a_qp(CRLF.join(content.splitlines()) + CRLF, istext=True)


def _part(content_type: str, content: bytes, *extra: str, text: bool = True) -> bytes:
    if text:
        encoding, body = "quoted-printable", _quoted_printable(content)
    else:
        encoding, body = "base64", base64.encodebytes(content).replace(b"\n", CRLF)
    head = [f"Content-Type: {content_type}", f"Content-Transfer-Encoding: {encoding}", *extra]
    return CRLF.join(line.encode("ascii") for line in head) + CRLF + CRLF + body


def _multipart(subtype: str, boundary: str, parts: Sequence[bytes]) -> tuple[str, bytes]:
    mark = f"--{boundary}".encode("ascii")
    body = b"".join(mark + CRLF + part + CRLF for part in parts) + mark + b"--" + CRLF
    return f'multipart/{subtype}; boundary="{boundary}"', body


def build_raw(
    *,
    rendered: Rendered,
    sender: str,
    to: str,
    message_id: str,
    date: datetime,
    reply_to: str | None = None,
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
) -> bytes:
    # Deterministic boundaries: a retry sends the very same bytes.
    seed = hashlib.sha1(message_id.encode("utf-8")).hexdigest()[:24]
    texts = [
        _part('text/plain; charset="utf-8"', rendered.text.encode("utf-8")),
        _part('text/html; charset="utf-8"', rendered.html.encode("utf-8")),
    ]
    files = []
    for attachment in attachments:
        if attachment.mimetype == "text/calendar":
            # In the alternative for calendar clients (method= tells them what to do), and
            # as a file, application/ics so that no client acts on the invitation twice.
            method = attachment.params.get("method", "REQUEST")
            texts.append(
                _part(f'text/calendar; charset="utf-8"; method="{method}"', attachment.content)
            )
            mimetype, params = "application/ics", ""
        else:
            mimetype = attachment.mimetype
            params = "".join(f'; {k}="{v}"' for k, v in attachment.params.items())
        files.append(
            _part(
                f"{mimetype}{params}",
                attachment.content,
                f'Content-Disposition: attachment; filename="{check(attachment.filename)}"',
                text=False,
            )
        )
    content_type, body = _multipart("alternative", f"=_alt_{seed}", texts)
    if files:
        inner = f"Content-Type: {content_type}".encode("ascii") + CRLF + CRLF + body
        content_type, body = _multipart("mixed", f"=_mix_{seed}", [inner, *files])
    lines = [
        header("Subject", rendered.subject),
        mailbox_header("From", sender),
        mailbox_header("To", to),
    ]
    if reply_to:
        lines.append(mailbox_header("Reply-To", reply_to))
    lines += [
        f"Date: {format_datetime(as_utc(date))}",
        f"Message-ID: {check(message_id)}",
        *(f"{name}: {value}" for name, value in AUTO_HEADERS.items()),
        *(header(name, value) for name, value in (headers or {}).items()),
        "Content-Language: fr",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
    ]
    return CRLF.join(line.encode("ascii") for line in lines) + CRLF + CRLF + body
