"""Atom feeds (site-wide and per region/company/topic) and the sitemap.

A feed is a page like the others: `site_templates/feed.xml` rendered with the list's newest
dated articles, autoescaped by Jinja (titles, summaries and names are text, escaped as XML) and
fingerprinted with its template, so an unchanged feed is never made again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup

from sitegen.config import SiteConfig
from sitegen.model import ArticleView

FEED_TEMPLATE = "feed.xml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NO_ENTRIES = "2000-01-01T00:00:00+09:00"  # the `updated` of a feed without entries

# Characters XML 1.0 forbids (an XML parser refuses them): one stray control in an imported
# title must not make a whole feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: object) -> str:
    """`text` without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", str(text))


def xml_escape(text: object) -> Markup:
    """The `xml` template filter: `text` as XML character data or a double-quoted attribute
    value (forbidden characters dropped; &, <, > and " escaped; apostrophes left readable)."""
    clean = xml_text(text)
    return Markup(
        clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def feed_context(
    config: SiteConfig, title: str, list_path: str, articles: Iterable[ArticleView]
) -> dict[str, object]:
    """The feed template's context: the newest `config.feed_items` dated articles, newest first;
    deterministic (`updated` is the newest entry's time, not the clock's)."""
    entries: list[ArticleView] = []
    for article in articles:
        if article.published:
            entries.append(article)
            if len(entries) >= config.feed_items:
                break
    updated = entries[0].published.isoformat() if entries and entries[0].published else None
    return {
        "title": title,
        "list_path": list_path,
        "entries": entries,
        "updated": updated or NO_ENTRIES,
    }


def sitemap(config: SiteConfig, paths: list[str]) -> bytes:
    """sitemap.xml listing every HTML page (what ElementTree would write, a string join faster)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path in sorted(paths):
        loc = xml_text(config.absolute(path))
        loc = loc.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines.append(f"  <url>\n    <loc>{loc}</loc>\n  </url>")
    lines.append("</urlset>")
    return "\n".join(lines).encode("utf-8")
