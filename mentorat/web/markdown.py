"""The charters are Markdown files: rendered with markdown-it-py (CommonMark: wrapped list
items, numbered and nested lists, emphasis), raw HTML escaped, so no charter text can
inject markup, with French typography applied to the text on display."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_SPACE_BEFORE = re.compile(r"[ \t]+([;:!?»])")
_SPACE_AFTER = re.compile(r"«[ \t]+")


def french_spacing(text: str) -> str:
    """A no-break space before ; : ! ? » and after «, where the author typed a space."""
    return _SPACE_AFTER.sub("«\u00a0", _SPACE_BEFORE.sub("\u00a0\\1", text))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "html": False escapes any raw HTML; links keep markdown-it's scheme check (no javascript:).
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


def _adjust(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            # The page's own <h1> is the charter's title: Markdown headings start at <h2>.
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
        elif token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "text":
                    child.content = french_spacing(child.content)


def charter_html(text: str) -> Markup:
    parser = _parser()
    tokens = parser.parse(text)
    _adjust(tokens)
    return Markup(parser.renderer.render(tokens, parser.options, {}))  # noqa: S704 — escaped
