"""Pull an article out of its HTML page: site selectors first, page metadata, then trafilatura."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
from bs4.element import ProcessingInstruction

from scraper.dates import parse_date
from scraper.text import normalise_space
from scraper.urls import canonical_url, is_web_url

log = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    [
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
    ]
)
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "center",
        "address",
        "hr",
    ]
)
NOISE_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "video",
    "audio",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "figure",
    "figcaption",
]
SHARE_BARS = '[class*="share"], [id*="share"], [class*="sns"], [id*="sns"]'
PUBLISHED_META = [
    "article:published_time",
    "og:regdate",
    "article:published",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
]
MIN_BODY_CHARS = 50  # less than this is not an article (a caption, a paywall stub)
AUTHOR_META = ["article:author", "dable:author", "author", "byl", "dc.creator"]

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_SIGN_OFF = re.compile(
    rf"^[\[(/<]?\s*(?:[가-힣A-Za-z·]{{2,10}}\s*){{1,3}}(?:기자|특파원|통신원|에디터)\s*[\])>]?"
    rf"\s*(?:[\[(<]?\s*{_EMAIL}\s*[\])>]?)?$"
)
_BARE_EMAIL = re.compile(rf"^[\[(<]?\s*{_EMAIL}\s*[\])>]?$")
_TRAILING_REPORTER = re.compile(
    rf"\s*[\[(/]?\s*[가-힣]{{2,4}}\s*기자\s*[\[(<]?\s*{_EMAIL}\s*[\])>]?\s*$"
)
_COPYRIGHT = re.compile(r"ⓒ|©|\(c\)\s|저작권자|무단\s*전재|재배포\s*금지|all rights reserved", re.I)
_CAPTION = re.compile(r"^.{0,150}[(\[<]\s*(?:사진|자료|그래픽|영상|이미지)\s*[=:/].{0,40}[)\]>]$")
_SENTENCE_END = re.compile(r"[.!?。](?:[\"'”’)\]]*)(?=\s|$)")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " : ", " < ", " · ")


@dataclass(frozen=True, slots=True)
class Extracted:
    """What one article page says about itself; empty strings where it says nothing."""

    url: str
    canonical_url: str
    title: str = ""
    published: datetime | None = None
    text: str = ""
    author: str = ""


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Metadata from JSON-LD, Open Graph and plain HTML, before any site selector."""

    title: str = ""
    published: datetime | None = None
    author: str = ""
    canonical: str = ""
    article_body: str = ""


def extract_article(
    html: str, url: str, selectors: Mapping[str, object] | None = None
) -> Extracted:
    """Title, date, author, canonical URL and body text of the article page at `url`."""
    soup = BeautifulSoup(html, "lxml")
    selectors = selectors or {}
    meta = page_metadata(soup, url)
    title = _selected_text(soup, selectors.get("title")) or meta.title
    published = parse_date(_selected_date(soup, selectors.get("date"))) or meta.published
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


# -- metadata ------------------------------------------------------------------------------
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
        for sep in _TITLE_SEPARATORS:
            if title.endswith(sep + name) and len(title) > len(sep + name):
                return title[: -len(sep + name)].strip()
            if title.startswith(name + sep) and len(title) > len(name + sep):
                return title[len(name + sep) :].strip()
    return title


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
    """The main text of a page by trafilatura (precision first, recall as a second try)."""
    options: dict[str, Any] = {"include_comments": False, "include_tables": False, "url": url}
    text = trafilatura.extract(html, favor_precision=True, **options)
    if not text:
        text = trafilatura.extract(html, favor_recall=True, **options)
    if not text:
        return ""
    lines = (normalise_space(line) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def clean_article_text(text: str, titles: Iterable[str] = ()) -> str:
    """Article text without a repeated title, copyright, photo-credit and sign-off lines."""
    paragraphs = [normalise_space(p) for p in text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and paragraphs[0] in {normalise_space(t) for t in titles}:
        paragraphs.pop(0)  # generic extractors often keep the headline as the first line
    paragraphs = [
        p
        for p in paragraphs
        if p and not (len(p) < 200 and (_COPYRIGHT.search(p) or _CAPTION.match(p)))
    ]
    while paragraphs and _is_reporter_line(paragraphs[-1]):
        paragraphs.pop()
    if paragraphs:
        paragraphs[-1] = _TRAILING_REPORTER.sub("", paragraphs[-1])
    return "\n\n".join(p for p in paragraphs if p)


def clean_author(author: str) -> str:
    """A byline reduced to names: e-mail addresses and the trailing 기자/특파원 dropped."""
    author = re.sub(_EMAIL, "", author)
    author = re.sub(r"\s*(?:기자|특파원|객원기자|통신원|에디터)(?=\s*(?:[,·/]|$))", "", author)
    return normalise_space(author.strip(" ,·/()[]<>"))


def _is_reporter_line(paragraph: str) -> bool:
    """A short sign-off such as "김민수 기자 minsu@example.kr" or a bare e-mail address."""
    return len(paragraph) <= 80 and bool(_SIGN_OFF.match(paragraph) or _BARE_EMAIL.match(paragraph))


def excerpt(text: str, limit: int = 160) -> str:
    """The opening of `text` in at most `limit` characters: whole sentences, else words and "…"."""
    flat = normalise_space(text)
    if len(flat) <= limit:
        return flat
    ends = [m.end() for m in _SENTENCE_END.finditer(flat, 0, limit + 1) if m.end() <= limit]
    if ends and ends[-1] >= limit * 0.4:
        return flat[: ends[-1]]
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,·:;-–—") + "…"
