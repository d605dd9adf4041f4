"""Header lines within the mail standards, written fast for mentorat/mail/raw.py.

- every line of a header is at most 78 characters, folded at whitespace (RFC 5322 §2.1.1),
  never right after the header's name;
- only the words that need it become RFC 2047 encoded words, each of at most 75
  characters, cut between characters (never inside one's UTF-8 bytes): pure-ASCII headers
  stay readable, since an encoded ASCII subject is a spam sign;
- display names are plain atoms, a quoted string (ASCII with specials) or encoded words.
The standard library does the same through email.headerregistry, some fifty times slower.
"""

from __future__ import annotations

import base64
import re
import string
from collections.abc import Sequence
from email.utils import getaddresses

LINE = 78  # RFC 5322's recommended limit for every line, headers included
WORD = 75  # RFC 2047's limit for one encoded word
ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender"})

_WSP = re.compile(r"([ \t]+)")
_UNQUOTE = re.compile(r"\\(.)")
_SPECIAL = re.compile(r'[\s<>()\[\],;:"\\]')
_ATEXT = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~")
# RFC 2047 §5 (3): the characters an encoded word may carry as themselves inside a phrase;
# the strictest of the three contexts, used for all of them.
_Q_SAFE = "!*+-/" + string.ascii_letters + string.digits


class _QTable(dict[int, str]):
    """str.translate's table for the Q encoding, filled as characters come (few distinct)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char == " ":
            encoded = "_"
        elif char in _Q_SAFE:
            encoded = char
        else:
            encoded = "".join(f"={byte:02X}" for byte in char.encode("utf-8"))
        if len(self) < 8192:
            self[code] = encoded
        return encoded


_Q_TABLE = _QTable()


def check(value: str) -> str:
    """The value, refused if it holds a line break (no header injection)."""
    if "\n" in value or "\r" in value:
        raise ValueError("line break in a header value")
    return value


class _Folder:
    """Lays the tokens of one header out in lines of at most 78 characters, folding (CRLF)
    before the whitespace that precedes a token, never right after the header's name."""

    __slots__ = ("lines", "line", "empty")

    def __init__(self, name: str) -> None:
        self.lines: list[str] = []
        self.line = f"{name}:"
        self.empty = True

    def room(self, sep: str) -> int:
        return LINE - len(self.line) - len(sep)

    def fold(self) -> None:
        if not self.empty:
            self.lines.append(self.line)
            self.line = ""

    def put(self, token: str, sep: str) -> None:
        if len(token) > self.room(sep):
            self.fold()
        self.line += sep + token
        self.empty = False

    def text(self) -> str:
        return "\r\n".join([*self.lines, self.line])

    def encode(self, text: str, sep: str) -> None:
        """`text` as encoded words of at most 75 characters that fill the lines: Q, readable
        for Latin text, unless B is clearly shorter (emoji, other scripts).
        Readers drop the whitespace between adjacent encoded words (RFC 2047 §6.2), so
        `text` keeps its own spaces inside the words, joined by one folding space, and a
        word is cut between characters, never inside one's UTF-8 bytes."""
        data = text.encode("utf-8")
        q = text.translate(_Q_TABLE)
        use_b = len(q) > 5 * ((len(data) + 2) // 3)  # Q unless B is 20 % shorter
        prefix = "=?utf-8?b?" if use_b else "=?utf-8?q?"
        size = len(data) if use_b else len(q)
        start = 0
        while start < size:
            room = min(WORD, self.room(sep)) - len(prefix) - 2
            if room < 12 and not self.empty:  # maybe not one character: next line
                self.fold()
                room = min(WORD, self.room(sep)) - len(prefix) - 2
            # At least one character: 4 bytes, or 12 characters of Q.
            end = start + (max(room // 4 * 3, 4) if use_b else max(room, 12))
            if end >= size:
                end = size
            elif use_b:
                end = _cut_bytes(data, start, end)
            else:
                end = _cut_q(q, start, end)
            chunk = base64.b64encode(data[start:end]).decode("ascii") if use_b else q[start:end]
            self.put(f"{prefix}{chunk}?=", sep)
            sep, start = " ", end


def _cut_bytes(data: bytes, start: int, end: int) -> int:
    """Where to end a B word that may hold data[start:end]: before a UTF-8 lead byte, and
    before a near space when there is one (see _cut_q)."""
    while data[end] & 0xC0 == 0x80:
        end -= 1
    space = data.rfind(b" ", start + 1, end)
    return space if space > start + (end - start) // 2 else end


def _cut_q(q: str, start: int, end: int) -> int:
    """Where to end a Q word that may hold q[start:end]: not inside an =XX, not inside a
    character's bytes (=80 to =BF continue one), and before a near space ("_") so that a
    reader that wrongly keeps the whitespace between encoded words (CPython before
    gh-128110, in display names) doubles a space rather than splitting a word."""
    if q[end - 1] == "=":
        end -= 1
    elif q[end - 2] == "=":
        end -= 2
    while q[end] == "=" and q[end + 1] in "89AB":
        end -= 3
    space = q.rfind("_", start + 1, end)
    return space if space > start + (end - start) // 2 else end


def _words(value: str) -> tuple[list[str], list[str]]:
    """The words of a value and the whitespace before each (one space before the first)."""
    parts = _WSP.split(value.strip(" \t"))
    return parts[0::2], [" ", *parts[1::2]]


def _lay_out(folder: _Folder, value: str, plain: frozenset[str] | None) -> None:
    """Plain words as themselves, each run of other words (with the spaces between them) as
    encoded words. A word is plain when it is printable ASCII (atext only inside a phrase,
    `plain` given), does not look like an encoded word and fits on a line."""
    words, seps = _words(value)
    run: list[str] = []
    run_sep = " "
    for word, sep in zip(words, seps, strict=True):
        limit = folder.room(sep) if folder.empty else LINE - len(sep)
        if (
            word.isascii()
            and word.isprintable()
            and "=?" not in word
            and len(word) <= limit
            and (plain is None or plain.issuperset(word))
        ):
            if run:
                folder.encode("".join(run), run_sep)
                run = []
            folder.put(word, sep)
        elif run:
            run += [sep, word]
        else:
            run, run_sep = [word], sep
    if run:
        folder.encode("".join(run), run_sep)


def _text_header(name: str, value: str) -> str:
    """An unstructured header (Subject, X-…): folded, encoded only where needed."""
    check(value)
    if (
        value.isascii()
        and value.isprintable()
        and len(name) + 2 + len(value) <= LINE
        and "=?" not in value
    ):
        return f"{name}: {value}"
    folder = _Folder(name)
    _lay_out(folder, value, None)
    return folder.text()


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mailbox(value: str) -> tuple[str, str]:
    """One mailbox, read the way settings.mail_from is checked: the address inside the last
    <…>, everything before it the display name (quoted or not: an operator's
    "Mentorat, DRH <…>" keeps its comma)."""
    value = value.strip()
    if not (value.endswith(">") and "<" in value):
        return "", value
    display, _, address = value[:-1].rpartition("<")
    display = display.strip(" \t")
    if len(display) >= 2 and display[0] == display[-1] == '"':
        display = _UNQUOTE.sub(r"\1", display[1:-1])
    return display, address.strip()


def _address_header(name: str, mailboxes: Sequence[tuple[str, str]]) -> str:
    """An address header (From, To, Reply-To, Cc): display names as plain atoms, a quoted
    string (ASCII with specials) or encoded words; one address per token, folded between
    tokens. Internationalised addresses need SMTPUTF8, which the sender does not ask for."""
    if not mailboxes:
        raise ValueError("no address in an address header")
    folder = _Folder(name)
    for index, (display, address) in enumerate(mailboxes):
        if not address.isascii():
            raise ValueError("an internationalised address needs SMTPUTF8")
        if "@" not in address or not address.isprintable() or _SPECIAL.search(address):
            raise ValueError("not an email address in an address header")
        display = display.strip(" \t")
        if display:
            quoted = _quoted(display)
            if (  # Python decodes encoded-word lookalikes even inside quotes: encode those
                display.isascii()
                and display.isprintable()
                and "=?" not in display
                and not _ATEXT.issuperset(display.replace(" ", ""))
                and len(quoted) <= (folder.room(" ") if folder.empty else LINE - 1)
            ):
                folder.put(quoted, " ")
            else:
                _lay_out(folder, display, _ATEXT)
        token = f"<{address}>" if display else address
        folder.put(token + ("," if index < len(mailboxes) - 1 else ""), " ")
    return folder.text()


def header(name: str, value: str) -> str:
    if not name.isascii() or not name.isprintable() or ":" in name or " " in name:
        raise ValueError("not a header name")
    if name.lower() in ADDRESS_HEADERS:
        # Extra headers may hold lists (Cc: a, b): read them as RFC 5322 lists.
        return _address_header(name, getaddresses([check(value)]))
    return _text_header(name, value)


def mailbox_header(name: str, value: str) -> str:
    """From, To, Reply-To: the builder's arguments, one mailbox each."""
    return _address_header(name, [_mailbox(check(value))])
