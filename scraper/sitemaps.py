"""Article links from sitemaps (`kind = "sitemap"`): Google News sitemaps and plain ones.

A news sitemap gives `<news:title>` and `<news:publication_date>`; a plain one `<lastmod>`.
A sitemap index is answered with its child sitemaps, newest first, for the caller to fetch.
Gzipped sitemaps (`.xml.gz`) are unpacked (with the size cap applied to the unpacked bytes).
"""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from scraper.charset import xml_as_utf8
from scraper.dates import parse_date
from scraper.errors import FeedError
from scraper.feeds import FeedItem
from scraper.text import strip_html
from scraper.urls import canonical_url, is_web_url

log = logging.getLogger(__name__)

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: article items, or (for an index) the child sitemaps to read."""

    items: tuple[FeedItem, ...] = ()
    children: tuple[str, ...] = ()


def parse_sitemap(
    body: bytes, url: str, content_type: str | None = None, max_bytes: int = 0
) -> Sitemap:
    """Items of a `<urlset>` (newest first) or child sitemaps of a `<sitemapindex>`."""
    body = _gunzip(body, url, max_bytes) if body.startswith(GZIP_MAGIC) else body
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(xml_as_utf8(body, content_type), parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"{url}: not a readable sitemap ({exc}); check the source URL") from exc
    if root is None:
        raise FeedError(f"{url}: not a readable sitemap (no XML); check the source URL")
    kind = _local(root)
    if kind == "sitemapindex":
        children = [
            (_date(_child_text(node, "lastmod")), loc)
            for node in root
            if _local(node) == "sitemap"
            and is_web_url(loc := urljoin(url, _child_text(node, "loc")))
        ]
        children.sort(key=_newest_first)
        return Sitemap(children=tuple(loc for _, loc in children))
    if kind != "urlset":
        raise FeedError(f"{url}: not a sitemap (root element <{kind}>); check the source URL")
    items: dict[str, FeedItem] = {}
    for node in root:
        if _local(node) != "url":
            continue
        item = _url_item(node, url)
        if item is not None and item.link not in items:
            items[item.link] = item
    ordered = sorted(items.values(), key=lambda item: _newest_first((item.published, "")))
    return Sitemap(items=tuple(ordered))


def _url_item(node: etree._Element, sitemap_url: str) -> FeedItem | None:
    original = urljoin(sitemap_url, _child_text(node, "loc"))
    if not is_web_url(original):
        return None
    news = next(
        (
            child
            for child in node
            if etree.QName(child).namespace == NEWS_NS and _local(child) == "news"
        ),
        None,
    )
    title, published = "", None
    if news is not None:
        title = strip_html(_child_text(news, "title"))
        published = parse_date(_child_text(news, "publication_date"))
    if published is None:
        published = parse_date(_child_text(node, "lastmod"))
    return FeedItem(
        title=title, link=canonical_url(original), original_link=original, published=published
    )


def _newest_first(pair: tuple[datetime | None, str]) -> tuple[int, float]:
    """Sort key: dated entries newest first, then undated ones in document order."""
    when = pair[0]
    return (0, -when.timestamp()) if when is not None else (1, 0.0)


def _date(text: str) -> datetime | None:
    return parse_date(text) if text else None


def _local(node: etree._Element) -> str:
    """The element's name without its namespace ("" for comments and names lxml refuses)."""
    if not isinstance(node.tag, str):
        return ""
    try:
        return etree.QName(node).localname
    except ValueError:  # recover=True keeps tags such as <https: from broken markup
        return ""


def _child_text(node: etree._Element, name: str) -> str:
    for child in node:
        if _local(child) == name:
            return (child.text or "").strip()
    return ""


def _gunzip(body: bytes, url: str, max_bytes: int) -> bytes:
    """Unpack a gzipped sitemap, refusing one that unpacks past `max_bytes` (a zip bomb)."""
    limit = max_bytes or 50 * 1024 * 1024
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as packed:
            data = packed.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"{url}: a gzipped sitemap that does not unpack ({exc})") from exc
    if len(data) > limit:
        raise FeedError(f"{url}: the sitemap unpacks to more than {limit} bytes; refused")
    return data
