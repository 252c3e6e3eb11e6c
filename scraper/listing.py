"""Article links from an outlet's HTML list page (`kind = "html"`), by the source's CSS selectors.

`[source.list]` names `item` (one element per article), `link` (inside it, an `<a href>` or an
element containing one), and optionally `title` and `date`; the link's text is the title when
no title selector is given.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from scraper.dates import parse_date
from scraper.errors import FeedError
from scraper.feeds import FeedItem
from scraper.text import normalise_space
from scraper.urls import canonical_url, is_web_url

log = logging.getLogger(__name__)


def parse_list_page(html: str, url: str, selectors: Mapping[str, str]) -> list[FeedItem]:
    """The articles an HTML list page links to, in page order, de-duplicated by canonical link."""
    soup = BeautifulSoup(html, "lxml")
    base = _base_href(soup, url)
    nodes = soup.select(selectors["item"])
    if not nodes:
        raise FeedError(
            f"{url}: the list selector item = {selectors['item']!r} matched nothing; "
            "the page layout may have changed: update [source.list]"
        )
    items: dict[str, FeedItem] = {}
    for node in nodes:
        item = _list_item(node, base, selectors)
        if item is None:
            log.debug("%s: a list item without an http(s) link was skipped", url)
        elif item.link not in items:
            items[item.link] = item
    if not items:
        raise FeedError(
            f"{url}: {len(nodes)} list items but no link matched link = {selectors['link']!r}; "
            "update [source.list]"
        )
    return list(items.values())


def _list_item(node: Tag, base: str, selectors: Mapping[str, str]) -> FeedItem | None:
    anchor = _anchor(node.select_one(selectors["link"]))
    if anchor is None:
        return None
    href = anchor.get("href")
    original = urljoin(base, href.strip()) if isinstance(href, str) and href.strip() else ""
    if not is_web_url(original):
        return None
    title_node = node.select_one(selectors["title"]) if "title" in selectors else anchor
    title = normalise_space(title_node.get_text(" ")) if title_node else ""
    published = None
    if "date" in selectors and (date_node := node.select_one(selectors["date"])) is not None:
        raw = date_node.get("datetime") or date_node.get("content") or date_node.get_text(" ")
        published = parse_date(raw if isinstance(raw, str) else "")
    return FeedItem(
        title=title, link=canonical_url(original), original_link=original, published=published
    )


def _anchor(node: Tag | None) -> Tag | None:
    """`node` when it is a link, else the first `<a href>` inside it."""
    if node is None:
        return None
    if node.name == "a" and node.get("href"):
        return node
    found = node.find("a", href=True)
    return found if isinstance(found, Tag) else None


def _base_href(soup: BeautifulSoup, url: str) -> str:
    base = soup.find("base", href=True)
    href = base.get("href") if isinstance(base, Tag) else None
    return urljoin(url, href) if isinstance(href, str) and href.strip() else url
