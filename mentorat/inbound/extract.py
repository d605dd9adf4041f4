"""The words a person wrote in a reply: the text part (or the HTML one, as text), without
the quoted message below it nor the signature."""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

# A line that starts the quoted original, the signature or a phone's footer: everything from
# it is dropped.
_CUT = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*>",  # quoted lines
        r"^\s*-- ?$",  # the signature separator
        r"^\s*-{2,}\s*(original message|message d[’']origine|message original|mail original|"
        r"courriel original|forwarded message|message transf[ée]r[ée])",
        r"^\s*_{8,}\s*$",  # Outlook's rule above the header
        r"^\s*\*?(de|from)\s*:\*?\s.*",  # Outlook's quoted header block
        r"^\s*(envoy[ée] (de|depuis|à partir de) (mon|ma|mes|l[’']|outlook|courrier|yahoo)|"
        r"sent from (my|outlook|mail)|obtenir outlook|get outlook|"
        r"provenance\s*:\s*courrier)",
    )
]
# A closing formula alone on its line ends the answer when words came before it (« Oui.\n
# Bonne journée,\nAlice »); on a line that goes on (« Bonne journée ! Oui on s'est vus. »)
# or above everything, it is part of the text.
_CLOSING = re.compile(
    r"^\s*((bien |tr[èe]s )?cordialement|bien [àa] (toi|vous)|bonne (journ[ée]e|soir[ée]e|"
    r"semaine|fin de (journ[ée]e|semaine))|belle journ[ée]e|sinc[èe]res salutations|"
    r"(bien )?amicalement|bises|regards|best regards|kind regards)\s*[,.!]*\s*$",
    re.IGNORECASE,
)
# Gmail, Thunderbird and Apple Mail: « Le lun. 4 oct. 2027 à 09:12, Mentorat <…> a écrit : »,
# which clients often wrap over two or three lines; English clients: « On …, … wrote: ». An
# attribution names a year, an hour or an address; « il m'a écrit : » is not one.
_ATTRIBUTION = re.compile(r"^\s*(le\s.+|on\s.+)", re.IGNORECASE)
_WROTE = re.compile(r"(?<![mt][’'])(a\s+[ée]crit|wrote)\s*:\s*$", re.IGNORECASE | re.DOTALL)
_STAMP = re.compile(r"\b\d{4}\b|\d{1,2}[:h]\d{2}|@", re.IGNORECASE)


def _attribution(lines: list[str], index: int) -> int:
    """How many lines the attribution starting at `index` spans (0: none starts there)."""
    if not _ATTRIBUTION.match(lines[index]):
        return 0
    for size in (1, 2, 3):
        last = lines[index + size - 1] if index + size <= len(lines) else ""
        if size > 1 and (
            not last.strip()
            or _ATTRIBUTION.match(last)
            or lines[index + size - 2].rstrip()[-1:] == ":"
        ):
            return 0  # a wrapped attribution goes on with its next line, never past a blank one
        joined = " ".join(lines[index : index + size])
        if _WROTE.search(joined):
            return size if _STAMP.search(joined) else 0
    return 0


def _answer_lines(lines: list[str]) -> list[str]:
    kept: list[str] = []
    for index, line in enumerate(lines):
        if any(p.match(line) for p in _CUT) or _attribution(lines, index):
            break
        if _CLOSING.match(line) and any(k.strip() for k in kept):
            break
        kept.append(line)
    return kept


def strip_reply(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = _answer_lines(lines)
    if not any(line.strip() for line in kept):
        # Written below the quote (Thunderbird's default): the first unquoted lines after it.
        after = len(kept)
        while after < len(lines):
            if not lines[after].strip() or lines[after].lstrip().startswith(">"):
                after += 1
            elif size := _attribution(lines, after):
                after += size
            else:
                break
        kept = _answer_lines(lines[after:]) if after > len(kept) else kept
    return "\n".join(kept).strip()


class _Text(HTMLParser):
    """HTML to text, leaving out what clients put around the quoted original."""

    _QUOTES = (
        "gmail_quote",
        "divrplyfwdmsg",
        "moz-cite-prefix",
        "ms-outlook-quote",
        "appendonsend",
        "yahoo_quoted",
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._stack: list[bool] = []
        self.stopped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "p", "div", "li", "tr"}:
            self.parts.append("\n")
        if tag in {"br", "hr", "img", "meta", "link", "input"}:
            if tag == "hr":
                self.stopped = True  # Outlook's separator above the quoted header
            return
        marks = " ".join(f"{v or ''}" for k, v in attrs if k in {"class", "id"}).lower()
        skip = tag in {"blockquote", "style", "script", "head", "title"} or any(
            q in marks for q in self._QUOTES
        )
        self._stack.append(skip)
        if skip:
            self._skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"br", "hr", "img", "meta", "link", "input"} or not self._stack:
            return
        if self._stack.pop():
            self._skip_depth -= 1
        if tag in {"p", "div", "li", "tr"}:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth and not self.stopped:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\u00a0", " ")
    return re.sub(r"\n\s*\n+", "\n\n", text)


def reply_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = body.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if body.get_content_type() == "text/html":
        content = html_to_text(content)
    return strip_reply(content)


CALENDAR_TYPES = ("text/calendar", "application/ics")


def calendar_answer(message: EmailMessage) -> str | None:
    """The answer an iTIP REPLY carries (« oui » / « non »), from the first calendar part
    that holds one; None when there is none."""
    from mentorat.mail.ics import reply_answer

    for part in message.walk():
        if part.get_content_type() not in CALENDAR_TYPES:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and len(payload) < 100_000:
            answer = reply_answer(payload)
            if answer:
                return answer
    return None
