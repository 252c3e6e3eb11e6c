"""Worker-thread steps of collecting: read a source's listing, read an article page.

No archive access here: each step returns an outcome record that the collect run stores.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archive.records import Failure, FetchState, Source
from scraper import minhash
from scraper.charset import decode_html
from scraper.errors import ExtractError, FeedError, FetchError
from scraper.extract import Extracted, extract_article
from scraper.feeds import FeedItem, parse_feed
from scraper.http import Fetcher, Response
from scraper.listing import parse_list_page
from scraper.robots import RobotsCache
from scraper.sitemaps import parse_sitemap
from scraper.sources import FEED_KINDS

if TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGE_TYPES = (*HTML_TYPES, "text/plain", "application/xml", "text/xml", "")
MAX_CHILD_SITEMAPS = 3
PERMANENT_STATUSES = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class ListingOutcome:
    """A source's feed, list page or sitemap after fetching and parsing."""

    response: Response | None = None
    items: tuple[FeedItem, ...] = ()
    failure: Failure | None = None
    status: str = ""  # on failure, a short status for the sources table ("HTTP 404")


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """An article page after fetching and extracting: the extraction, or why there is none.

    `permanent` failures (gone, not HTML, disallowed) are not retried on later runs; `skipped`
    ones are not errors (a PDF or an image linked from a feed).
    """

    item: FeedItem
    result: Extracted | Failure
    signature: bytes = b""
    permanent: bool = False
    skipped: bool = False


def read_listing(
    source: Source, url: str, fetcher: Fetcher, state: FetchState | None, robots: RobotsCache | None
) -> ListingOutcome:
    """Fetch (conditionally) and parse a source's feed, HTML list page or sitemap at `url`."""
    if robots is not None:
        verdict = robots.check(url, source.allow_private)
        if not verdict.allowed:
            return ListingOutcome(
                failure=Failure(source.key, url, "robots", verdict.reason), status="robots.txt"
            )
    try:
        response = fetcher.get(url, state=state, allow_private=source.allow_private)
    except FetchError as exc:
        status = f"HTTP {exc.status}" if exc.status else "fetch error"
        return ListingOutcome(
            failure=Failure(source.key, url, "feed_fetch", str(exc)), status=status
        )
    if response.not_modified:
        return ListingOutcome(response=response)
    try:
        items = _parse_listing(source, response, fetcher, robots)
    except FeedError as exc:
        failure = Failure(source.key, url, "feed_parse", str(exc))
        return ListingOutcome(response=response, failure=failure, status=f"not a {_noun(source)}")
    return ListingOutcome(response=response, items=tuple(items[: source.max_items]))


def _parse_listing(
    source: Source, response: Response, fetcher: Fetcher, robots: RobotsCache | None
) -> Sequence[FeedItem]:
    if source.kind in FEED_KINDS:
        check_feed_type(response)
        return parse_feed(response.body, response.url, response.content_type)
    if source.kind == "html":
        mime = _mime(response)
        if mime not in PAGE_TYPES:
            raise FeedError(f"{response.url}: a list page must be HTML, the server sent {mime}")
        html = decode_html(response.body, response.content_type)
        return parse_list_page(html, response.url, source.list_selectors)
    sitemap = parse_sitemap(response.body, response.url, response.content_type, fetcher.max_bytes)
    items = list(sitemap.items)
    for child in sitemap.children[:MAX_CHILD_SITEMAPS]:  # an index: read its newest sitemaps
        if robots is not None and not robots.check(child, source.allow_private).allowed:
            continue
        try:
            part = fetcher.get(child, allow_private=source.allow_private)
            items.extend(
                parse_sitemap(part.body, part.url, part.content_type, fetcher.max_bytes).items
            )
        except (FetchError, FeedError) as exc:
            log.warning("%s: child sitemap skipped (%s)", source.key, exc)
    if sitemap.children and not items:
        raise FeedError(f"{response.url}: a sitemap index whose newest sitemaps gave no articles")
    return items


def check_feed_type(response: Response) -> None:
    """Refuse an HTML page (or an image, a PDF...) where a feed was expected, saying so."""
    mime = _mime(response)
    head = response.body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    looks_xml = head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf"))
    if mime in HTML_TYPES and not looks_xml:
        raise FeedError(
            f"{response.url}: the feed URL returned an HTML page ({mime}), not RSS/Atom; the "
            "outlet may have moved its feed: open the URL and update sources.toml"
        )
    if mime.startswith(("image/", "audio/", "video/")) or mime in ("application/pdf",):
        raise FeedError(f"{response.url}: the feed URL returned {mime}, not RSS/Atom")


def read_page(
    source: Source, item: FeedItem, fetcher: Fetcher, robots: RobotsCache | None
) -> PageOutcome:
    """Fetch an item's page and extract its article with the source's selectors."""
    url = item.original_link
    if robots is not None:
        verdict = robots.check(url, source.allow_private)
        if not verdict.allowed:
            failure = Failure(source.key, item.link, "robots", verdict.reason)
            return PageOutcome(item, failure, permanent=True, skipped=True)
    try:
        response = fetcher.get(url, allow_private=source.allow_private)
    except FetchError as exc:
        gone = exc.status in PERMANENT_STATUSES
        return PageOutcome(
            item, Failure(source.key, item.link, "page_fetch", str(exc)), permanent=gone
        )
    mime = _mime(response)
    if mime not in PAGE_TYPES:
        reason = f"{response.url}: not an HTML page ({mime}); skipped, nothing to extract"
        return PageOutcome(
            item, Failure(source.key, item.link, "page_skip", reason), permanent=True, skipped=True
        )
    try:
        page = extract_article(
            decode_html(response.body, response.content_type), response.url, source.selectors
        )
    except ExtractError as exc:
        return PageOutcome(item, Failure(source.key, item.link, "extract", str(exc)))
    except Exception as exc:  # a bug or a pathological page must not end the run
        log.exception("%s: extraction crashed", item.link)
        reason = f"extraction crashed ({type(exc).__name__}: {exc}); report this page"
        return PageOutcome(item, Failure(source.key, item.link, "extract", reason))
    return PageOutcome(item, page, signature=minhash.to_bytes(minhash.signature(page.text)))


def _mime(response: Response) -> str:
    return (response.content_type or "").split(";", 1)[0].strip().lower()


def _noun(source: Source) -> str:
    return {"html": "list page", "sitemap": "sitemap"}.get(source.kind, "feed")
