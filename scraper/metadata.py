"""What a page says about itself: JSON-LD, Open Graph and article meta, canonical link, title."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from scraper.dates import parse_date
from scraper.text import normalise_space
from scraper.urls import canonical_url, is_web_url

log = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        *("NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle"),
        *("OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting"),
    }
)
PUBLISHED_META = (  # <meta property|name> keys, most specific first
    *("article:published_time", "og:regdate", "article:published", "pubdate", "publishdate"),
    *("publish-date", "date", "dc.date", "dc.date.issued", "dcterms.created", "parsely-pub-date"),
)
AUTHOR_META = ("article:author", "dable:author", "author", "byl", "dc.creator")
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " : ", " < ", " · ")
_LABELLED_DATE = re.compile(
    r"(?:입력|등록|승인)\s*(?:일시|시간)?\s*[:：]?\s*(?:19|20)\d\d\s*[.\-/년]"
)


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Metadata from JSON-LD, Open Graph and plain HTML, before any site selector."""

    title: str = ""
    published: datetime | None = None
    author: str = ""
    canonical: str = ""
    article_body: str = ""


def page_metadata(soup: BeautifulSoup, url: str) -> PageMeta:
    """JSON-LD NewsArticle, then Open Graph / article meta, then `<link rel=canonical>`, `<title>`."""
    ld = _json_ld_article(soup)
    metas = _meta_tags(soup)
    site_names = {n for n in (metas.get("og:site_name"), metas.get("application-name")) if n}
    publisher = ld.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        site_names.add(publisher["name"])
    title_tag = soup.find("title")
    titles = (
        _ld_text(ld.get("headline")) or _ld_text(ld.get("name")),
        metas.get("og:title", ""),
        title_tag.get_text() if title_tag else "",
    )
    title = next((normalise_space(t) for t in titles if t and t.strip()), "")
    published = parse_date(_ld_text(ld.get("datePublished")))
    for name in PUBLISHED_META:
        if published is not None:
            break
        published = parse_date(metas.get(name))
    authors = [_ld_author(ld.get("author")), *(metas.get(name, "") for name in AUTHOR_META)]
    author = next((normalise_space(a) for a in authors if a.strip() and "://" not in a), "")
    return PageMeta(
        title=strip_site_name(title, site_names),
        published=published,
        author=author,
        canonical=_canonical(soup, metas, url),
        article_body=normalise_space(_ld_text(ld.get("articleBody"))),
    )


def strip_site_name(title: str, site_names: set[str]) -> str:
    """`title` without a trailing or leading " | 사이트명" that names the site."""
    for name in sorted(site_names, key=len, reverse=True):
        name = normalise_space(name)
        for sep in TITLE_SEPARATORS:
            if title.endswith(sep + name) and len(title) > len(sep + name):
                return title[: -len(sep + name)].strip()
            if title.startswith(name + sep) and len(title) > len(name + sep):
                return title[len(name + sep) :].strip()
    return title


def labelled_date(soup: BeautifulSoup) -> datetime | None:
    """The first "입력 2026.11.02 14:30"-style date in the page's text (a last resort)."""
    for string in soup.find_all(string=_LABELLED_DATE):
        if string.parent is not None and string.parent.name in ("script", "style"):
            continue
        value = parse_date(str(string))
        if value is not None:
            return value
    return None


def _canonical(soup: BeautifulSoup, metas: dict[str, str], url: str) -> str:
    """The page's own canonical URL when it declares a plausible one, else ""."""
    link = soup.find("link", rel=lambda rel: rel and "canonical" in rel, href=True)
    for candidate in (link.get("href") if link else "", metas.get("og:url", "")):
        if not isinstance(candidate, str) or not candidate.strip():
            continue
        absolute = urljoin(url, candidate.strip())
        # Some CMSs point every page's canonical at the home page; that is no article's URL.
        if is_web_url(absolute) and (urlsplit(absolute).path not in ("", "/") or _is_root(url)):
            return canonical_url(absolute)
    return ""


def _is_root(url: str) -> bool:
    return urlsplit(url).path in ("", "/")


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """`<meta property|name|itemprop=... content=...>` as a dict (first wins, keys lowercased)."""
    metas: dict[str, str] = {}
    for tag in soup.find_all("meta", content=True):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        if isinstance(key, str) and isinstance(tag["content"], str):
            metas.setdefault(key.strip().lower(), tag["content"].strip())
    return metas


def _json_ld_article(soup: BeautifulSoup) -> dict[str, Any]:
    """The first JSON-LD object typed as a news article (or an empty dict)."""
    for script in soup.find_all("script", type=lambda t: t and "ld+json" in t.lower()):
        try:
            data = json.loads(script.string or script.get_text(), strict=False)
        except (json.JSONDecodeError, TypeError):
            log.debug("skipped a JSON-LD block that is not valid JSON")
            continue
        for node in _ld_nodes(data):
            types = node.get("@type")
            types = types if isinstance(types, list) else [types]
            if ARTICLE_TYPES.intersection(t for t in types if isinstance(t, str)):
                return node
    return {}


def _ld_nodes(data: object) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: top level, lists and @graph members."""
    if isinstance(data, list):
        for item in data:
            yield from _ld_nodes(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_nodes(data.get("@graph", []))


def _ld_text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def _ld_author(value: object) -> str:
    """Author names from a JSON-LD author (a string, a Person, or a list of either)."""
    values = value if isinstance(value, list) else [value]
    names = [v.get("name") if isinstance(v, dict) else v for v in values]
    return ", ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
