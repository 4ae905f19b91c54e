"""HTML bodies turned into readable text (ATS mail is often HTML-only)."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

_INVISIBLE = ("script", "style", "head", "title", "meta", "noscript", "template")
_BLOCKS = ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote")
_SPACES = re.compile(r"[ \t\u00a0\u200b\u200c\u200d\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one line per block, quotes kept as `> `.

    Block quotes are prefixed like plain-text quoting, so that the rules that
    ignore quoted history treat HTML replies the same way as plain ones.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_INVISIBLE):
        tag.decompose()
    for quote in soup.find_all("blockquote"):
        text = quote.get_text("\n")
        quote.replace_with("\n" + "\n".join("> " + line for line in text.splitlines()) + "\n")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
    text = soup.get_text("")
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
