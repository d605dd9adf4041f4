"""The same MIME structure as `build_message`, written straight to bytes.

`build_message` (email.message.EmailMessage) is the reference, used to inspect messages;
the email package spends about 3 ms per message building and folding headers. A cohort
of a thousand pairs sends some 30,000 emails, so the sender writes the few shapes it needs
here (about 0.1 ms): base64 bodies, RFC 2047 headers through `email.header` where a value is
not plain ASCII. tests/mail/test_raw.py checks that every kind parses to the same parts,
headers and texts as the reference.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime, formataddr, parseaddr

from mentorat.mail.dates import as_utc
from mentorat.mail.message import Attachment
from mentorat.mail.render import Rendered

CRLF = b"\r\n"


def _check(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("line break in a header value")
    return value


def _text_header(name: str, value: str) -> str:
    _check(value)
    if value.isascii() and len(name) + len(value) < 76:
        return value
    return _encoded_words(value)


def _encoded_words(value: str) -> str:
    """RFC 2047 base64 encoded words of at most 42 UTF-8 bytes (never splitting a
    character), one per folded line: with "Subject: " every line stays under 78 characters.
    email.header.Header does the same, ten times slower."""
    words, chunk, size = [], [], 0
    for char in value:
        length = len(char.encode("utf-8"))
        if size + length > 42:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    words.append("".join(chunk))
    encoded = (base64.b64encode(word.encode("utf-8")).decode("ascii") for word in words)
    return "\r\n ".join(f"=?utf-8?b?{word}?=" for word in encoded)


def _address_header(value: str) -> str:
    _check(value)
    if value.isascii():
        return value
    name, address = parseaddr(value)
    if not address.isascii():
        raise ValueError("an internationalised address needs SMTPUTF8")
    return formataddr((name, address), charset="utf-8")


def _base64(content: bytes) -> bytes:
    return base64.encodebytes(content).replace(b"\n", CRLF)


def _part(content_type: str, content: bytes, *extra: str) -> bytes:
    head = [f"Content-Type: {content_type}", "Content-Transfer-Encoding: base64", *extra]
    return CRLF.join(line.encode("ascii") for line in head) + CRLF + CRLF + _base64(content)


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
        _part('text/plain; charset="utf-8"', _with_newline(rendered.text)),
        _part('text/html; charset="utf-8"', _with_newline(rendered.html)),
    ]
    files = []
    for attachment in attachments:
        if attachment.mimetype == "text/calendar":
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
                f'Content-Disposition: attachment; filename="{_check(attachment.filename)}"',
            )
        )
    content_type, body = _multipart("alternative", f"=_alt_{seed}", texts)
    if files:
        inner = f"Content-Type: {content_type}".encode("ascii") + CRLF + CRLF + body
        content_type, body = _multipart("mixed", f"=_mix_{seed}", [inner, *files])
    lines = [
        f"Subject: {_text_header('Subject', rendered.subject)}",
        f"From: {_address_header(sender)}",
        f"To: {_address_header(to)}",
    ]
    if reply_to:
        lines.append(f"Reply-To: {_address_header(reply_to)}")
    lines += [
        f"Date: {format_datetime(as_utc(date))}",
        f"Message-ID: {_check(message_id)}",
        "Auto-Submitted: auto-generated",
        *(
            f"{_check(name)}: {_text_header(name, value)}"
            for name, value in (headers or {}).items()
        ),
        "Content-Language: fr",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
    ]
    return CRLF.join(line.encode("ascii") for line in lines) + CRLF + CRLF + body


def _with_newline(text: str) -> bytes:
    # Like EmailMessage.set_content, end each text part with a line break.
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")
