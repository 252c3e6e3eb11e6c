"""Atom feeds (site-wide and per region/company) and the sitemap."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from feedgen.feed import FeedGenerator

from sitegen.config import SiteConfig
from sitegen.model import ArticleView

# Characters XML 1.0 forbids (lxml refuses them): one stray control in an imported title must
# not fail the whole render.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", text)


def atom_feed(
    config: SiteConfig, title: str, page_path: str, feed_path: str, articles: list[ArticleView]
) -> bytes:
    """An Atom feed of the newest articles; deterministic (its updated time is the newest entry's)."""
    items = [a for a in articles if a.published][: config.feed_items]
    feed = FeedGenerator()
    feed.id(config.absolute(feed_path))
    feed.title(xml_text(title))
    feed.language(config.language)
    feed.link(href=config.absolute(page_path), rel="alternate", type="text/html")
    feed.link(href=config.absolute(feed_path), rel="self", type="application/atom+xml")
    feed.generator("jiyeok-ai-news")
    feed.subtitle(config.description)
    feed.updated(items[0].published if items else "2000-01-01T00:00:00+09:00")
    for article in reversed(items):  # feedgen prepends entries
        entry = feed.add_entry()
        entry.id(config.absolute(article.path))
        entry.title(xml_text(article.title))
        entry.link(href=config.absolute(article.path), rel="alternate", type="text/html")
        if article.original_url:
            entry.link(href=xml_text(article.original_url), rel="related", type="text/html")
        entry.published(article.published)
        entry.updated(article.published)
        entry.summary(xml_text(article.excerpt or article.title))
        entry.author(name=xml_text(article.source_name))
        for link in article.regions + article.companies:
            entry.category(term=xml_text(link.key), label=xml_text(link.label))
    return feed.atom_str(pretty=True)


def sitemap(config: SiteConfig, paths: list[str]) -> bytes:
    """sitemap.xml listing every HTML page."""
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    urlset = ET.Element("urlset", xmlns=ns)
    for path in sorted(paths):
        loc = ET.SubElement(ET.SubElement(urlset, "url"), "loc")
        loc.text = config.absolute(path)
    ET.indent(urlset)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(urlset, encoding="utf-8")
