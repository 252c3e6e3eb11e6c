"""Read RSS and Atom feeds into `FeedItem`s: clean titles, canonical links, KST dates."""

from __future__ import annotations

import io
import logging
import re
import time
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from scraper.charset import xml_as_utf8
from scraper.dates import parse_date, to_kst
from scraper.errors import FeedError
from scraper.text import strip_html
from scraper.urls import canonical_url, is_web_url

log = logging.getLogger(__name__)
# Character references XML forbids (NUL, other C0 controls, UTF-16 surrogates): feedparser turns
# "&#xD800;" into a lone surrogate and fails on it, so they become U+FFFD before parsing.
_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _xml_char_ref(match: re.Match[bytes]) -> bytes:
    """The reference if XML allows its character, else one to U+FFFD."""
    digits = match.group(1)
    code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0x10FFFF
    return match.group(0) if allowed and code not in (0xFFFE, 0xFFFF) else b"&#xFFFD;"


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One feed entry: `link` is canonical, `original_link` absolute as the feed gave it."""

    title: str
    link: str
    original_link: str
    published: datetime | None = None
    summary: str = ""
    author: str = ""


def parse_feed(data: str | bytes, url: str, content_type: str | None = None) -> list[FeedItem]:
    """The items of a feed fetched from `url`, de-duplicated by canonical link, in feed order."""
    if isinstance(data, str):
        body = data.lstrip("\ufeff").encode("utf-8")
        content_type = "application/xml; charset=utf-8"
    else:
        body = data
    # feedparser is given UTF-8 with a matching declaration, so it cannot mis-guess EUC-KR.
    parsed = feedparser.parse(
        io.BytesIO(_CHAR_REF.sub(_xml_char_ref, xml_as_utf8(body, content_type))),
        response_headers={
            "content-location": url,
            "content-type": "application/xml; charset=utf-8",
        },
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = parsed.get("entries", [])
    if parsed.get("bozo"):
        reason = parsed.get("bozo_exception") or "malformed XML"
        if not entries:
            raise FeedError(f"{url}: not a readable RSS/Atom feed ({reason}); check the source URL")
        log.warning(
            "%s: feed is malformed (%s); kept the %d entries read", url, reason, len(entries)
        )
    elif not entries and not parsed.get("version"):
        raise FeedError(f"{url}: not an RSS or Atom feed; check the source URL")
    items: dict[str, FeedItem] = {}
    for entry in entries:
        item = feed_item(entry, url)
        if item is None:
            log.info("%s: skipped an entry without an http(s) link (%r)", url, entry.get("title"))
        elif item.link not in items:
            items[item.link] = item
    if parsed.get("bozo") and not items:
        raise FeedError(
            f"{url}: not a readable RSS/Atom feed ({parsed.get('bozo_exception')}); "
            "no entry with a link could be read: check the source URL"
        )
    return list(items.values())


def feed_item(entry: Any, feed_url: str) -> FeedItem | None:
    """A `FeedItem` from one feedparser entry, or None when it has no usable link."""
    raw_link = (entry.get("link") or "").strip()
    if not raw_link:
        raw_link = next(
            (link.get("href", "") for link in entry.get("links", []) if link.get("href")), ""
        )
    original = urljoin(feed_url, raw_link) if raw_link else ""
    if not is_web_url(original):
        return None
    return FeedItem(
        title=strip_html(entry.get("title")),
        link=canonical_url(original),
        original_link=original,
        published=entry_date(entry),
        summary=strip_html(entry.get("summary")),
        author=strip_html(entry.get("author")),
    )


def entry_date(entry: Any) -> datetime | None:
    """An entry's publication (else update) time in KST, read from the raw string first."""
    for key in ("published", "updated", "created"):
        value = parse_date(entry.get(key))
        if value is not None:
            return value
    for key in ("published_parsed", "updated_parsed"):
        struct: time.struct_time | None = entry.get(key)
        if struct is not None:  # feedparser's own reading, already in UTC
            return to_kst(datetime.fromtimestamp(timegm(struct), tz=UTC))
    return None
