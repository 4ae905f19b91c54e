"""HTML bodies turned into readable text (ATS mail is often HTML-only)."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, CData, MarkupResemblesLocatorWarning, NavigableString, Tag, XMLParsedAsHTMLWarning

_INVISIBLE = ("script", "style", "head", "title", "meta", "noscript", "template")
_BLOCKS = ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote")
_SPACES = re.compile(r"[ \t\u00a0\u200b\u200c\u200d\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
_TEXT_TYPES = (NavigableString, CData)  # not comments, doctypes or processing instructions


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one line per block, quotes kept as `> `.

    Block quotes are prefixed like plain-text quoting, so that the rules that
    ignore quoted history treat HTML replies the same way as plain ones.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # mail calls XHTML HTML; html.parser copes
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_INVISIBLE):
        tag.decompose()
    for quote in soup.find_all("blockquote"):
        text = quote.get_text("\n")
        quote.replace_with("\n" + "\n".join("> " + line for line in text.splitlines()) + "\n")
    text = "".join(_pieces(soup))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _pieces(soup: BeautifulSoup) -> list[str]:
    """The visible strings in document order, with a line break before each block.

    One pass over the tree: inserting the breaks as nodes costs a scan of the
    parent per block, which is quadratic on wide tables.
    """
    pieces = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name in _BLOCKS:
                pieces.append("\n")
        elif type(node) in _TEXT_TYPES:
            pieces.append(str(node))
    return pieces
