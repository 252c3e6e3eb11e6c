"""What a page says about itself: JSON-LD, Open Graph and article meta, canonical link, title."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

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
HEADLINE_TAGS = ("h1", "h2", "h3", "h4")
_TITLE_NAME = re.compile(r"title|headline|subject|tit", re.I)
# A short trailing segment after a separator that titles do not use inside headlines.
_TRAILING_SEGMENT = re.compile(r"\s+(?:\||>|<|::|»|«)\s+[^|><:»«]{1,25}$")
# A first-publication label ("입력", "등록일 :", "기사입력"...), with or without the date after it.
_DATE_LABEL = re.compile(
    r"(?:입력|등록|승인|게재|송고|발행)\s*(?:일시|시간|일자|시각|일)?\s*[:：]?"
)
_REVISION_LABEL = re.compile(r"수정|업데이트|최종|갱신")
_YEAR = re.compile(r"(?:19|20)\d\d")
DATE_ATTRIBUTES = ("data-date-time", "data-published-time", "data-published", "data-pubdate")
CONTEXT_CHARS = 120  # how much text around a label is read for its date


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
    og_title = normalise_space(metas.get("og:title", ""))
    html_title = normalise_space(title_tag.get_text()) if title_tag else ""
    title = normalise_space(_ld_text(ld.get("headline")) or _ld_text(ld.get("name")))
    if not title:
        title = headline_element(soup, [t for t in (og_title, html_title) if t], site_names)
    if not title:
        title = strip_sections(strip_site_name(og_title or html_title, site_names))
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


def headline_element(soup: BeautifulSoup, references: list[str], site_names: set[str]) -> str:
    """The page's headline element: the heading (or title-classed element) whose text is the
    longest part of `<title>` / og:title — not a logo, section name or sidebar heading."""
    if not references:
        return ""
    reference = strip_sections(strip_site_name(references[0], site_names))
    names = {normalise_space(n) for n in site_names}
    best, best_overlap = "", 0
    headings = soup.find_all(HEADLINE_TAGS)
    for candidates in (headings, _title_classed(soup)):
        for node in candidates:
            if node.name == "a" or node.find_parent(["a", "nav", "footer", "aside"]) is not None:
                continue
            text = normalise_space(node.get_text(" "))
            if not 4 <= len(text) <= 300 or text in names:
                continue
            overlap = max(_contained_length(text, ref) for ref in references)
            if overlap > best_overlap:
                best, best_overlap = text, overlap
        if best_overlap >= 0.9 * len(reference):
            break  # a heading holds the whole title: no need to look at classed elements
    # a logo or section heading matches a little of the title; the headline most of it
    return best if best_overlap >= max(8, 0.6 * len(reference)) else ""


def _title_classed(soup: BeautifulSoup) -> list[Tag]:
    """Elements whose class or id says title/headline/subject (ndsoft, legacy and mobile CMSs)."""
    return [
        *soup.find_all(class_=_TITLE_NAME),
        *soup.find_all(id=_TITLE_NAME),
        *soup.find_all(itemprop="headline"),
    ]


def _contained_length(text: str, reference: str) -> int:
    """Length of `text` when (nearly) all of it appears in `reference`, else 0."""
    if text in reference:
        return len(text)
    match = SequenceMatcher(None, text, reference, autojunk=False).find_longest_match()
    return match.size if match.size >= 0.9 * len(text) else 0


def strip_sections(title: str) -> str:
    """`title` without trailing " > 섹션 | 매체"-style segments (short, after | > < :: separators)."""
    while True:
        match = _TRAILING_SEGMENT.search(title)
        if match is None or match.start() < 4:
            return title
        title = title[: match.start()].rstrip()


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


def page_date(soup: BeautifulSoup, title: str = "") -> datetime | None:
    """The publication time shown on the page when its metadata gives none: `<time datetime>` and
    data attributes, then a labelled date ("입력 2026.11.02 14:30"), then the first date
    after the headline."""
    return element_date(soup) or labelled_date(soup) or date_after_headline(soup, title)


def element_date(soup: BeautifulSoup) -> datetime | None:
    """A machine-readable date: `<time itemprop=datePublished|class*=publish>`, a data-*
    attribute (data-date-time...), then the first `<time datetime>` outside comments."""
    preferred = soup.select(
        'time[datetime][itemprop="datePublished"], time[datetime][class*="publish" i]'
    )
    with_data = [node for name in DATE_ATTRIBUTES for node in soup.find_all(attrs={name: True})]
    plain = soup.find_all("time", datetime=True)
    for node in [*preferred, *with_data, *plain]:
        if _in_comments(node):
            continue
        for attribute in ("datetime", *DATE_ATTRIBUTES):
            value = node.get(attribute)
            if isinstance(value, str) and (found := parse_date(value)) is not None:
                return found
    return None


def labelled_date(soup: BeautifulSoup) -> datetime | None:
    """The first "입력 2026.11.02 14:30"-style date in the page's text (label and date may sit in
    neighbouring elements; a date before its label, "… 14시 22분 입력", is read too)."""
    for string in soup.find_all(string=_DATE_LABEL):
        parent = string.parent
        if parent is None or parent.name in ("script", "style", "title") or _in_comments(parent):
            continue
        context = normalise_space(str(string))
        if not _YEAR.search(context) and len(parent.get_text(" ")) <= CONTEXT_CHARS:
            context = normalise_space(parent.get_text(" "))  # "<span>입력</span><span>날짜</span>"
            if not _YEAR.search(context) and parent.parent is not None:
                wider = normalise_space(parent.parent.get_text(" "))
                context = wider if len(wider) <= CONTEXT_CHARS else context
        label = _DATE_LABEL.search(context)
        if label is None:
            continue
        after = context[label.start() :]
        revision = _REVISION_LABEL.search(after, 2)
        value = parse_date(after[: revision.start()] if revision else after)
        if value is None and not _REVISION_LABEL.search(context[: label.start()]):
            value = parse_date(context[: label.start()])  # the date came first
        if value is not None:
            return value
    return None


def date_after_headline(soup: BeautifulSoup, title: str) -> datetime | None:
    """The first date with a time in the few strings that follow the headline element."""
    if not title:
        return None
    heading = next(
        (n for n in soup.find_all(HEADLINE_TAGS) if normalise_space(n.get_text(" ")) == title),
        None,
    )
    if heading is None:
        return None
    for count, string in enumerate(heading.find_all_next(string=True)):
        if count > 40:
            break
        text = str(string)
        if _YEAR.search(text) and (":" in text or "시" in text):
            value = parse_date(text)
            if value is not None and (value.hour or value.minute):
                return value
    return None


def _in_comments(node: Tag) -> bool:
    """True inside a comment section (its dates are readers', not the article's)."""
    for parent in [node, *node.parents]:
        marks = " ".join([*(parent.get("class") or []), str(parent.get("id") or "")]).lower()
        if "comment" in marks or "cbox" in marks or "reply" in marks:
            return True
    return False


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
