"""Replies as real mail clients write them: Outlook and Gmail quoting, multipart text and
HTML, an out-of-office notice. Built with the standard library, sent over real LMTP."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid


def _base(sender: str, to: str, subject: str, in_reply_to: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2027, 11, 12, 9, 12, tzinfo=UTC))
    message["Message-ID"] = make_msgid(domain="messagerie.exemple.fr")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    return message


def outlook(
    sender: str, to: str, subject: str, answer: str, original: str, in_reply_to: str | None = None
) -> bytes:
    """Outlook: the answer on top, a rule, a French header block, the original unquoted."""
    message = _base(sender, to, f"RE: {subject}", in_reply_to)
    header = (
        "De : Mentorat <mentorat@justice.exemple.fr>\n"
        "Envoyé : lundi 8 novembre 2027 09:00\nÀ : " + sender + "\nObjet : " + subject
    )
    message.set_content(
        f"{answer}\n\nCordialement,\nAgent du ministère\n\n"
        f"________________________________\n{header}\n\n{original}\n"
    )
    message.add_alternative(
        f"<html><head><style>p {{margin:0}}</style></head><body><div>{answer}</div>"
        f'<div><br></div><div>Cordialement,</div><div id="appendonsend"></div>'
        f'<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg">'
        f"<b>De :</b> Mentorat<br><b>Objet :</b> {subject}</div><div>{original}</div>"
        f"</body></html>",
        subtype="html",
        cte="quoted-printable",
    )
    return message.as_bytes(policy=SMTP)


def gmail(
    sender: str, to: str, subject: str, answer: str, original: str, in_reply_to: str | None = None
) -> bytes:
    """Gmail: the answer, a wrapped attribution line, the original quoted with « > »."""
    message = _base(sender, to, f"Re: {subject}", in_reply_to)
    quoted = "\n".join("> " + line for line in original.splitlines())
    message.set_content(
        f"{answer}\n\n-- \nAlice Martin\nGreffe du tribunal judiciaire\n\n"
        f"Le lun. 8 nov. 2027 à 09:00, Mentorat <mentorat@justice.exemple.fr> a\n"
        f"écrit :\n\n{quoted}\n"
    )
    message.add_alternative(
        f'<div dir="ltr">{answer}</div><br><div class="gmail_quote"><div dir="ltr" '
        f'class="gmail_attr">Le lun. 8 nov. 2027 à 09:00, Mentorat a écrit :<br></div>'
        f'<blockquote class="gmail_quote">{original}</blockquote></div>',
        subtype="html",
        cte="quoted-printable",
    )
    return message.as_bytes(policy=SMTP)


def html_only(sender: str, to: str, subject: str, answer: str, original: str) -> bytes:
    message = _base(sender, to, f"Re: {subject}", None)
    message.set_content(
        f"<p>{answer}</p><blockquote>{original}</blockquote>",
        subtype="html",
        cte="quoted-printable",
    )
    return message.as_bytes(policy=SMTP)


def out_of_office(sender: str, to: str, subject: str, in_reply_to: str | None = None) -> bytes:
    message = _base(sender, to, f"Réponse automatique : {subject}", in_reply_to)
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(
        "Bonjour,\n\nJe suis absente jusqu’au 15 novembre, oui, je lirai "
        "votre message à mon retour.\n"
    )
    message.add_alternative(
        "<p>Je suis absente jusqu’au 15 novembre.</p>", subtype="html", cte="quoted-printable"
    )
    return message.as_bytes(policy=SMTP)
