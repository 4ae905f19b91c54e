"""HTML bodies turned into readable text (ATS mail is often HTML-only).

One streaming pass of the standard library's `html.parser` (the tokenizer
beautifulsoup4's "html.parser" builder uses): building a tree first cost four
times as much, and HTML newsletters and job alerts are a large share of what a
sync reads.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_INVISIBLE = frozenset({"script", "style", "head", "title", "noscript", "template"})
_BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"})
_PREFORMATTED = frozenset({"pre", "textarea"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr", "basefont", "bgsound", "frame", "keygen", "spacer"})
_SPACES = re.compile(r"[ \t\u00a0\u200b\u200c\u200d\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one line per block, quotes kept as `> `.

    Block quotes are prefixed like plain-text quoting, so that the rules that
    ignore quoted history treat HTML replies the same way as plain ones.
    """
    try:
        text = _visible_text(html)
    except AssertionError:  # html.parser gives up on a malformed "<![" section: read it as text
        text = _visible_text(html.replace("<![", "&lt;!["))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _visible_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.text()


class _TextParser(HTMLParser):
    """Collects visible text: a line break before each block, quoted blocks prefixed with `> `.

    Strings are cut at tags and comments, a string of spaces only becomes one
    line break or one space (outside `pre`), and an end tag closes every element
    opened after its own start tag, as in beautifulsoup4's tree.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._pieces: list[str] = []
        self._string: list[str] = []  # the tokenizer may split one string over several calls
        self._open: list[str] = []  # names of the open elements
        self._hidden = 0  # open invisible elements: their content is skipped
        self._quote: list[str] | None = None  # strings of the outermost open blockquote
        self._quote_depth = 0
        self._preformatted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._end_string()
        if tag in _BLOCKS and self._quote is None and not self._hidden and tag != "blockquote":
            self._pieces.append("\n")
        if tag in _VOID:
            return
        self._open.append(tag)
        self._count(tag, 1)
        if tag == "blockquote" and self._quote is None and not self._hidden:
            self._quote = []

    def handle_endtag(self, tag: str) -> None:
        self._end_string()
        if tag not in self._open:
            return
        start = len(self._open) - 1 - self._open[::-1].index(tag)
        for name in self._open[start:]:
            self._count(name, -1)
        del self._open[start:]
        if self._quote is not None and not self._quote_depth:
            self._close_quote()

    def _count(self, tag: str, step: int) -> None:
        self._hidden += step * (tag in _INVISIBLE)
        self._quote_depth += step * (tag == "blockquote")
        self._preformatted += step * (tag in _PREFORMATTED)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._string.append(data)

    def handle_comment(self, data: str) -> None:
        self._end_string()

    def unknown_decl(self, data: str) -> None:
        self._end_string()
        if data.startswith("CDATA["):
            self.handle_data(data[len("CDATA[") :])
            self._end_string()

    def close(self) -> None:
        super().close()
        self._end_string()
        if self._quote is not None:
            self._close_quote()

    def text(self) -> str:
        return "".join(self._pieces)

    def _end_string(self) -> None:
        if not self._string:
            return
        string = "".join(self._string)
        self._string = []
        if not string.strip() and not self._preformatted:
            string = "\n" if "\n" in string else " "
        (self._pieces if self._quote is None else self._quote).append(string)

    def _close_quote(self) -> None:
        """The quote's strings, one per line, each line prefixed with `> `."""
        quoted = "\n".join(self._quote or ())
        self._pieces.append("\n" + "\n".join("> " + line for line in quoted.splitlines()) + "\n")
        self._quote, self._quote_depth = None, 0
