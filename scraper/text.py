"""Small text helpers shared by feed reading and article extraction."""

from __future__ import annotations

import html
import re
import unicodedata

from bs4 import BeautifulSoup

_SPACE = re.compile(r"\s+")
# Controls a page can hide in text: C0/C1 controls (not XML-safe) and the bidirectional
# embeddings, overrides and isolates that make "\u202etxt.exe" read as "exe.txt".
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)
_BREAKING = ("br", "p", "div", "li", "tr", "td", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def normalise_space(text: str) -> str:
    """NFC-composed text with runs of whitespace (incl. NBSP) as one space, trimmed.

    Control characters and bidirectional overrides are dropped: they are invalid in XML feeds
    and let a stranger's title disguise itself on the site.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return _SPACE.sub(" ", text).strip()


def strip_html(text: str | None) -> str:
    """Plain text of an HTML fragment such as a feed title, entities unescaped, on one line."""
    if not text:
        return ""
    if "<" in text:
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup.find_all(["script", "style"]):
            tag.decompose()
        # Inline tags join words (<b>카카오</b>가); block tags and <br> separate them.
        for tag in soup.find_all(_BREAKING):
            tag.insert_after(" ")
        text = soup.get_text()
    else:
        text = html.unescape(text)
    if _ENTITY.search(text):  # feeds that escape twice: &amp;quot; → &quot; → "
        text = html.unescape(text)
    return normalise_space(text)
