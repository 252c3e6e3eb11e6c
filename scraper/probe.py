"""Try the extractor on one saved HTML file or URL, for editors writing site selectors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from archive.records import Source
from scraper.charset import decode_html
from scraper.extract import excerpt, extract_article
from scraper.http import Fetcher
from scraper.urls import is_web_url


def extract_target(
    target: str, selectors: Mapping[str, object] | None = None, fetcher: Fetcher | None = None
) -> dict[str, object]:
    """What `extract_article` finds in a file or URL, as a JSON-ready dict (nothing stored)."""
    if is_web_url(target):
        # A URL typed by a person is trusted, so local test servers work; feed links are not.
        client = fetcher or Fetcher()
        try:
            response = client.get(target, allow_private=True)
        finally:
            if fetcher is None:
                client.close()
        html, url = decode_html(response.body, response.content_type), response.url
    else:
        path = Path(target)
        html, url = decode_html(path.read_bytes()), path.resolve().as_uri()
    page = extract_article(html, url, selectors)
    return {
        "url": page.url,
        "canonical_url": page.canonical_url,
        "title": page.title,
        "published": page.published.isoformat() if page.published else None,
        "author": page.author,
        "excerpt": excerpt(page.text),
        "chars": len(page.text),
        "text": page.text,
    }


def source_for(target: str, sources: Iterable[Source]) -> Source | None:
    """The configured source on the URL's host (www., m., rss. prefixes aside), if any."""
    if not is_web_url(target):
        return None
    host = _site_host(target)
    matches = [s for s in sources if _site_host(s.url) == host]
    path = urlsplit(target).path
    # several sources on one host (sections, outlets under paths): the longest shared path wins
    return max(matches, key=lambda s: _shared_prefix(urlsplit(s.url).path, path), default=None)


def _shared_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y:
            break
        size += 1
    return size


def _site_host(url: str) -> str:
    labels = (urlsplit(url).hostname or "").lower().split(".")
    while len(labels) > 2 and labels[0] in ("www", "m", "rss", "feeds", "feed", "mobile"):
        labels = labels[1:]
    return ".".join(labels)
