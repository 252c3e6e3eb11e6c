"""Pull an article out of its HTML page: site selectors first, page metadata, then trafilatura."""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import trafilatura
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
from bs4.element import ProcessingInstruction

from scraper.boilerplate import drop_furniture_lines, strip_furniture
from scraper.cleanup import clean_article_text, clean_author, excerpt
from scraper.dates import parse_date
from scraper.metadata import page_date, page_metadata
from scraper.text import normalise_space
from scraper.urls import canonical_url

__all__ = [
    "MIN_BODY_CHARS",
    "Extracted",
    "block_text",
    "excerpt",
    "extract_article",
    "generic_text",
]

log = logging.getLogger(__name__)

MIN_BODY_CHARS = 50  # less than this is not an article (a caption, a paywall stub)
BLOCK_TAGS = frozenset(
    {
        *("p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "hr"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote"),
        *("pre", "table", "thead", "tbody", "tr", "td", "th", "center", "address"),
    }
)
NOISE_TAGS = (  # never article text, wherever they sit
    *("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas"),
    *("video", "audio", "form", "button", "input", "select", "textarea", "figure", "figcaption"),
)
SHARE_BARS = '[class*="share"], [id*="share"], [class*="sns"], [id*="sns"]'


@dataclass(frozen=True, slots=True)
class Extracted:
    """What one article page says about itself; empty strings where it says nothing."""

    url: str
    canonical_url: str
    title: str = ""
    published: datetime | None = None
    text: str = ""
    author: str = ""


def extract_article(
    html: str, url: str, selectors: Mapping[str, object] | None = None
) -> Extracted:
    """Title, date, author, canonical URL and body text of the article page at `url`."""
    soup = BeautifulSoup(html, "lxml")
    selectors = selectors or {}
    meta = page_metadata(soup, url)
    title = _selected_text(soup, selectors.get("title")) or meta.title
    published = (
        parse_date(_selected_date(soup, selectors.get("date")))
        or meta.published
        or page_date(soup, meta.title)
    )
    author = _selected_text(soup, selectors.get("author")) or meta.author
    text = ""
    body_css = selectors.get("body")
    if isinstance(body_css, str):
        node = soup.select_one(body_css)
        if node is None:
            log.info(
                "%s: body selector %r matched nothing; using the generic extractor", url, body_css
            )
        else:
            text = block_text(node, drop=_as_list(selectors.get("drop")))
    for fallback in (lambda: generic_text(html, url), lambda: meta.article_body):
        if len(text) >= MIN_BODY_CHARS:
            break
        text = max(text, fallback(), key=len)
    return Extracted(
        url=url,
        canonical_url=meta.canonical or canonical_url(url),
        title=title,
        published=published,
        text=clean_article_text(text, titles=(title, meta.title)),
        author=clean_author(author),
    )


# -- site selectors ------------------------------------------------------------------------
def _selected_text(soup: BeautifulSoup, css: object) -> str:
    if not isinstance(css, str):
        return ""
    node = soup.select_one(css)
    return normalise_space(node.get_text(" ")) if node else ""


def _selected_date(soup: BeautifulSoup, css: object) -> str:
    """The text (or datetime/content attribute) of the first element matching `css`."""
    if not isinstance(css, str):
        return ""
    node = soup.select_one(css)
    if node is None:
        return ""
    for attr in ("datetime", "content"):
        value = node.get(attr)
        if isinstance(value, str) and value.strip():
            return value
    return node.get_text(" ")


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# -- body text -----------------------------------------------------------------------------
def block_text(node: Tag, drop: list[str] | None = None) -> str:
    """Paragraphs of `node` (block elements and `<br>` separate them) joined by blank lines.

    Removes `drop` selectors, figures and captions, scripts and share bars first (in place).
    """
    for css in drop or []:
        for element in node.select(css):
            element.decompose()
    for element in node.find_all(NOISE_TAGS):
        element.decompose()
    for element in node.select(SHARE_BARS):
        element.decompose()
    paragraphs: list[str] = []
    current: list[str] = []
    current_block: Tag | None = None

    def flush() -> None:
        line = normalise_space("".join(current))
        if line:
            paragraphs.append(line)
        current.clear()

    for item in node.descendants:
        if isinstance(item, Tag):
            if item.name in ("br", "hr"):
                flush()
            continue
        if isinstance(item, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(item, NavigableString):
            block = _enclosing_block(item, node)
            if block is not current_block:
                flush()
                current_block = block
            current.append(str(item))
    flush()
    return "\n\n".join(paragraphs)


def _enclosing_block(item: NavigableString, root: Tag) -> Tag:
    """The nearest block-level ancestor of `item` inside `root` (or `root` itself)."""
    parent = item.parent
    while parent is not None and parent is not root and parent.name not in BLOCK_TAGS:
        parent = parent.parent
    return parent if parent is not None else root


def generic_text(html: str, url: str) -> str:
    """The main text of a page by trafilatura (precision first, recall as a second try), read
    after the page furniture is stripped and without the lines that are furniture."""
    options: dict[str, Any] = {"include_comments": False, "include_tables": False, "url": url}
    tree, links = strip_furniture(html)
    if tree is None:
        return ""
    spare = copy.deepcopy(tree)  # trafilatura prunes the tree it is given
    text = trafilatura.extract(tree, favor_precision=True, **options)
    if not text:
        text = trafilatura.extract(spare, favor_recall=True, **options)
    if not text:
        return ""
    lines = [normalise_space(line) for line in text.splitlines()]
    return "\n\n".join(drop_furniture_lines(lines, links))
