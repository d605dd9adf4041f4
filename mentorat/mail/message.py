"""Build (never send) the MIME message for one rendered email."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime

from mentorat.mail.dates import as_utc
from mentorat.mail.rendering import Rendered

# Tell auto-responders (out-of-office) not to answer: Auto-Submitted per RFC 3834, and
# Exchange's own header, which Outlook and Exchange servers read instead.
AUTO_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "OOF, AutoReply"}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"
    params: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def invitation(cls, ics: bytes, method: str = "REQUEST") -> "Attachment":
        return cls("invitation.ics", ics, "text/calendar", {"method": method})


def _add_calendar(message: EmailMessage, attachment: Attachment) -> None:
    # Calendar clients act on a text/calendar part inside the alternative (Outlook, Gmail
    # show their "add to calendar" bar); people who open attachments get a named file.
    # The file is application/ics so that no client processes the invitation twice.
    alternative: MIMEPart = message
    if message.get_content_subtype() != "alternative":
        alternative = next(
            part for part in message.iter_parts() if part.get_content_subtype() == "alternative"
        )
    alternative.add_alternative(
        attachment.content.decode("utf-8"),
        subtype="calendar",
        params={"method": attachment.params.get("method", "REQUEST")},
    )
    message.add_attachment(
        attachment.content, maintype="application", subtype="ics", filename=attachment.filename
    )


def build_message(
    *,
    rendered: Rendered,
    sender: str,
    to: str,
    message_id: str,
    date: datetime,
    reply_to: str | None = None,
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """multipart/alternative (text, then HTML), wrapped in multipart/mixed when there are
    attachments. Header values containing line breaks raise (no header injection)."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(as_utc(date))
    message["Message-ID"] = message_id
    for name, value in AUTO_HEADERS.items():
        message[name] = value
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    for attachment in attachments:
        if attachment.mimetype == "text/calendar":
            _add_calendar(message, attachment)
            continue
        maintype, subtype = attachment.mimetype.split("/", 1)
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=dict(attachment.params),
        )
    # Last: set_content and the multipart conversions move or drop Content-* headers.
    message["Content-Language"] = "fr"
    return message
