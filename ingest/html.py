"""HTML bodies turned into readable text (ATS mail is often HTML-only), with beautifulsoup4.

Every step is linear in the document: line breaks are inserted inside each block
element (inserting them before it costs a search of the parent's children, which
made wide tables quadratic), and only the outermost block quotes are rewritten.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.exceptions import ParserRejectedMarkup

_INVISIBLE = ("script", "style", "head", "title", "noscript", "template")
_BLOCKS = ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote")
_SPACES = re.compile(r"[ \t\u00a0\u200b\u200c\u200d\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one line per block, quotes kept as `> `.

    Block quotes are prefixed like plain-text quoting, so that the rules that
    ignore quoted history treat HTML replies the same way as plain ones.
    """
    soup = _soup(html)
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for quote in soup.find_all("blockquote"):
        if quote.find_parent("blockquote") is None:
            lines = quote.get_text("\n").splitlines()
            quote.replace_with("\n" + "\n".join("> " + line for line in lines) + "\n")
    for tag in soup.find_all(_BLOCKS):
        tag.insert(0, "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in soup.get_text("").splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _soup(html: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        try:
            return BeautifulSoup(html, "html.parser")
        except (AssertionError, ParserRejectedMarkup):  # a malformed "<![" section: read it as text
            return BeautifulSoup(html.replace("<![", "&lt;!["), "html.parser")
