"""Remove what is never article text before the generic extractor reads a page, and after.

Before: elements whose class or id names them as page furniture on Korean news sites (photo
captions, bylines, share bars, "관련기사", "많이 본 뉴스", polls, subscription boxes, comments,
copyright lines) are dropped, the way readability drops "unlikely candidates" — but never one
that holds most of the page's text, so a CMS that names its article box oddly keeps it.
After: lines of the extracted text that are link texts on the page (sidebar and related-article
headlines), date or contact lines, and short label lines at the edges are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html
from lxml import etree

from scraper.text import normalise_space

# Class/id tokens (split on - _ and spaces, lowercased) that name page furniture.
FURNITURE_TOKENS = frozenset(
    {
        *("share", "sns", "social", "related", "relation", "recommend", "popular", "rank"),
        *("ranking", "poll", "survey", "vote", "subscribe", "subscription", "newsletter"),
        *("banner", "ad", "ads", "advert", "advertisement", "sponsor", "promo", "copyright"),
        *("reporter", "writer", "byline", "profile", "caption", "desc", "keyword", "tags"),
        *("breadcrumb", "pagination", "comment", "comments", "reply", "cbox", "gnb", "lnb"),
        *("nav", "menu", "sidebar", "widget", "footer", "next", "prev", "photojournal"),
        *("thumcont", "linked", "license", "contact", "datestamp", "series"),
    }
)
FURNITURE_PREFIXES = ("relat", "commen", "copyright", "caption", "subscri", "popular", "recommend")
FURNITURE_TAGS = ("nav", "aside", "footer", "header", "form", "figure", "figcaption", "button")
KEEP_TAGS = frozenset({"html", "body", "article", "main"})
MAX_SHARE = 0.3  # furniture never holds more than this share of the page's text
PARAGRAPH_CHARS = 150  # nor a run of text this long (captions, headlines, comments are shorter)
IMAGE_TAGS = ("img", "amp-img", "picture")
PHOTO_BLOCK_TAGS = frozenset({"div", "td", "tr", "table", "span", "p", "dl", "dd", "figure"})
CAPTION_CHARS = 150
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")

_DATE_LINE = re.compile(
    r"^(?:기사\s*)?(?:입력|등록|승인|게재|송고|발행|수정|업데이트)\s*(?:일시|시간|일자|시각|일)?\s*[:：]?"
    r"\s*(?:19|20)\d\d[\d\s.:\-/년월일시분초()오전후AMPamp|]*$"
)
_LABELLED_DATE = re.compile(
    r"(?:입력|등록|승인|게재|송고|발행)\s*(?:일시|시간|일자|시각|일)?[\s:：]*(?:19|20)\d\d[.\-/년]"
)
_URL = re.compile(r"https?://\S+")
_CONTACT_LINE = re.compile(r"^(?:문의|담당|연락처)\s*[:：]")
_SENTENCE_FINAL = re.compile(r"[.!?。…\"'”’)\]」』>]$")
EDGE_LABEL_CHARS = 30  # a line this short without a sentence end, at the top or bottom, is a label


def strip_furniture(html: str) -> tuple[lxml.html.HtmlElement | None, frozenset[str]]:
    """The page's tree without its furniture (see the module docstring), and the texts of all
    its links (read before anything is removed); (None, ∅) when the page does not parse."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None, frozenset()
    etree.strip_elements(root, etree.Comment, "script", "style", "noscript", with_tail=False)
    links = frozenset(t for a in root.iter("a") if len(t := _text(a)) >= 2)
    total = len(_text(root)) or 1
    doomed = [
        node
        for node in root.iter()
        if isinstance(node.tag, str)
        and node.tag not in KEEP_TAGS
        and (node.tag in FURNITURE_TAGS or _named_furniture(node))
    ]
    doomed += [b for image in root.iter(*IMAGE_TAGS) if (b := _photo_block(image)) is not None]
    for node in doomed:
        if node.getparent() is None or _holds_article_text(node, total):
            continue
        node.drop_tree()
    unwrap_layout_tables(root)
    return root, links


def unwrap_layout_tables(root: etree._Element) -> None:
    """Turn tables used for page layout (a cell of prose, or of blocks) into plain divs, so the
    extractor reads old table-layout pages; data tables are left alone."""
    for table in list(root.iter("table")):
        cells = table.findall(".//td") + table.findall(".//th")
        layout = any(
            len(_text(cell)) >= PARAGRAPH_CHARS
            or cell.find(".//table") is not None
            or cell.find(".//div") is not None
            or cell.find(".//p") is not None
            for cell in cells
        )
        if not layout:
            continue
        for node in [table, *table.iter("thead", "tbody", "tfoot", "tr", "td", "th")]:
            node.tag = "div"


def _photo_block(image: etree._Element) -> etree._Element | None:
    """The largest block around an image whose text is no more than a caption, if any."""
    block = None
    node = image.getparent()
    while node is not None and node.tag not in KEEP_TAGS:
        if len(_text(node)) > CAPTION_CHARS:
            break
        if node.tag in PHOTO_BLOCK_TAGS:
            block = node
        node = node.getparent()
    return block if block is not None and _text(block) else None


def _named_furniture(node: etree._Element) -> bool:
    names = f"{node.get('class', '')} {node.get('id', '')}".lower()
    if not names.strip():
        return False
    tokens = [t for t in _TOKEN_SPLIT.split(names) if t]
    return any(t in FURNITURE_TOKENS or t.startswith(FURNITURE_PREFIXES) for t in tokens)


def _holds_article_text(node: etree._Element, total: int) -> bool:
    """Too much of the page, or a run of prose as long as an article paragraph, to be furniture."""
    if len(_text(node)) > MAX_SHARE * total:
        return True
    return any(len(chunk.strip()) >= PARAGRAPH_CHARS for chunk in node.itertext())


def _text(node: etree._Element) -> str:
    return normalise_space(node.text_content())


def drop_furniture_lines(lines: Iterable[str], links: frozenset[str] = frozenset()) -> list[str]:
    """Lines of extracted text without link headlines, date/contact lines and edge labels."""
    lines = [line.replace("\\|", "|").strip("| ").strip() for line in lines]
    kept = [
        line
        for line in lines
        if line
        and line.strip("·•-–—|> ") not in links
        and not _metadata_line(line)
        and not (len(line) < 60 and line.strip("·•-–—|> ") == "")
    ]
    while kept and (_edge_label(kept[0]) or _metadata_line(kept[0])):
        kept.pop(0)
    while kept and (_edge_label(kept[-1]) or _CONTACT_LINE.match(kept[-1]) or _url_line(kept[-1])):
        kept.pop()
    return kept


def _metadata_line(line: str) -> bool:
    """A short line with a labelled date: "등록일 : 2026-09-08 11:30 | 기자 : 한지우"."""
    return len(line) <= 80 and bool(_DATE_LINE.match(line) or _LABELLED_DATE.search(line))


def _url_line(line: str) -> bool:
    """A short line that is mostly an address ("이 기사 주소: http://…")."""
    match = _URL.search(line)
    return match is not None and len(line) <= 120 and len(match.group(0)) >= len(line) / 2


def _edge_label(line: str) -> bool:
    return len(line) <= EDGE_LABEL_CHARS and not _SENTENCE_FINAL.search(line)
