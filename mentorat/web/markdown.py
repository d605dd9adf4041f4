"""The charters are short Markdown files (headings, lists, bold, paragraphs): this renders
that subset to HTML, escaping everything first, so no charter text can inject markup."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BOLD = re.compile(r"\*\*(.+?)\*\*")


_SPACE_BEFORE = re.compile(r"[ \t]+([;:!?])")


def _inline(text: str) -> str:
    # French typography on display: a no-break space before ; : ! ? and inside « ».
    text = _SPACE_BEFORE.sub("\u00a0\\1", text).replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    return _BOLD.sub(r"<strong>\1</strong>", str(escape(text)))


def charter_html(text: str) -> Markup:
    out: list[str] = []
    paragraph: list[str] = []
    in_list = False

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if in_list:
            out.append("</ul>")
            in_list = False

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            # The page's own <h1> is the charter title: Markdown headings start at <h2>.
            tag = f"h{min(level + 1, 4)}"
            out.append(f"<{tag}>{_inline(stripped.lstrip('#').strip())}</{tag}>")
        elif stripped.startswith(("- ", "* ")):
            if paragraph:
                out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
                paragraph.clear()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_inline(stripped[2:])}</li>")
        else:
            if in_list:
                out.append("</ul>")
                in_list = False
            paragraph.append(stripped)
    flush()
    return Markup("\n".join(out))
