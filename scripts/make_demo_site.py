"""Write the demo news web (``content/demo/site/``) from ``content/demo/corpus.jsonl``.

`build.py demo` serves the written folder on loopback and runs the real scraper against it, so
the two fictional outlets imitate the layouts the scraper meets on real Korean news sites:

* outlet ``a`` (지역AI타임즈): UTF-8, a modern CMS page (canonical link, Open Graph, JSON-LD),
  an RSS 2.0 feed with tracking parameters on two items and one article listed twice;
* outlet ``b`` (충청AI일보): EUC-KR labelled pages written as CP949 bytes (so a CP949-only
  syllable such as 똠 really is in them), a table layout with ``<br><br>`` paragraphs, an ad
  block inside the body and no metadata; its feed keeps strictly to KS X 1001 by writing any
  CP949-only syllable as a numeric character reference, as feed readers trust the declaration.

Absolute URLs use the ``__BASE__`` placeholder, which the demo server replaces with its own
address. The output is deterministic: rerunning gives byte-identical files, and pages of
articles no longer in the corpus are removed.

Run: ``.venv/bin/python scripts/make_demo_site.py`` (``--help`` for the paths).
"""

from __future__ import annotations

import argparse
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = PROJECT_ROOT / "content" / "demo" / "corpus.jsonl"
DEFAULT_OUT = PROJECT_ROOT / "content" / "demo" / "site"
BASE = "__BASE__"

# Outlet a's feed quirks, to exercise URL canonicalisation and de-duplication.
TRACKING_QUERY = "?utm_source=rss&utm_medium=feed"
TRACKED_IDS = ("demo_003", "demo_010")
REPEATED_ID = "demo_007"
REPEAT_QUERY = "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly"

# Outlet b prints the reporter's address under each article; unknown reporters get the desk.
REPORTER_EMAILS = {
    "김민수": "minsu@example.kr",
    "김유성": "yusung@example.kr",
    "서정훈": "jeonghun@example.kr",
    "오세진": "sejin@example.kr",
    "윤가람": "garam@example.kr",
}
NEWSDESK_EMAIL = "news@example.kr"
POPULAR_COUNT = 5
FICTION_NOTICE = "이 매체와 기사는 지역 AI 뉴스 데모를 위해 지어낸 가상의 내용입니다."
_SENTENCE_END = re.compile(r"[.?!](?=\s|$)")


class CorpusError(ValueError):
    """A corpus line is malformed; the message names the file, the line and the field."""


@dataclass(frozen=True, slots=True)
class Outlet:
    """One fictional outlet: its name, page encoding and article URL pattern."""

    key: str
    name: str
    encoding: str
    article_path: str  # str.format pattern with {n}

    def path_of(self, number: int) -> str:
        """Site-absolute path of article `number`, e.g. ``/a/news/articleView/3.html``."""
        return self.article_path.format(n=number)


OUTLETS = {
    "a": Outlet("a", "지역AI타임즈", "utf-8", "/a/news/articleView/{n}.html"),
    "b": Outlet("b", "충청AI일보", "cp949", "/b/article/{n}.html"),
}


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """One corpus record: an original demo article of outlet ``a`` or ``b``."""

    id: str
    outlet: str
    title: str
    published: datetime
    author: str
    caption: str
    paragraphs: tuple[str, ...]
    related: tuple[tuple[str, str], ...]  # (title, site-absolute path)

    @property
    def number(self) -> int:
        """The article number in its outlet's URLs (``demo_007`` -> 7)."""
        return int(self.id.rsplit("_", 1)[1])

    @property
    def path(self) -> str:
        """Site-absolute path of this article's page."""
        return OUTLETS[self.outlet].path_of(self.number)

    @property
    def url(self) -> str:
        """Absolute URL of this article's page, with the base placeholder."""
        return BASE + self.path

    @property
    def reporter(self) -> str:
        """The reporter's name without the trailing '기자'."""
        return self.author.removesuffix("기자").strip()


# ---------------------------------------------------------------- corpus


def load_corpus(path: Path) -> list[DemoArticle]:
    """Every article of the corpus file, validated, in file order."""
    articles: list[DemoArticle] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                articles.append(_parse_record(line, f"{path}:{number}"))
    _check_links(articles, path)
    return articles


def _parse_record(line: str, where: str) -> DemoArticle:
    """One JSON line as a `DemoArticle`; `where` (file:line) prefixes error messages."""
    try:
        record = json.loads(line)
        article = DemoArticle(
            id=_text(record, "id"),
            outlet=_text(record, "outlet"),
            title=_text(record, "title"),
            published=datetime.fromisoformat(_text(record, "published")),
            author=_text(record, "author"),
            caption=str(record.get("lead_image_caption", "")),
            paragraphs=tuple(str(p) for p in record["paragraphs"]),
            related=tuple((str(title), str(href)) for title, href in record.get("related", [])),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{where}: {exc}; fix the record") from exc
    if article.outlet not in OUTLETS or article.published.tzinfo is None:
        raise CorpusError(f"{where}: outlet must be 'a' or 'b' and published needs +09:00")
    if not article.paragraphs:
        raise CorpusError(f"{where}: {article.id} has no paragraphs")
    return article


def _text(record: dict, key: str) -> str:
    """A required non-empty string field of `record`."""
    value = record[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"field {key!r} must be a non-empty string")
    return value


def _check_links(articles: list[DemoArticle], path: Path) -> None:
    """Ids are unique and related links point to other articles of the same outlet."""
    paths = {(a.outlet, a.path) for a in articles}
    if len({a.id for a in articles}) != len(articles):
        raise CorpusError(f"{path}: article ids must be unique")
    for article in articles:
        for _, href in article.related:
            if (article.outlet, href) not in paths or href == article.path:
                raise CorpusError(f"{path}: {article.id}: related link {href} is not a sibling")


# ---------------------------------------------------------------- shared helpers


def esc(text: str) -> str:
    """Text escaped for HTML and XML content and attribute values."""
    return html.escape(text, quote=True)


def first_sentence(text: str) -> str:
    """The first sentence of `text` (up to the first . ? or ! followed by a space)."""
    match = _SENTENCE_END.search(text)
    return text[: match.end()] if match else text


def rfc822(stamp: datetime) -> str:
    """An RSS pubDate such as ``Mon, 02 Nov 2026 14:30:00 +0900``."""
    return format_datetime(stamp)


def korean_stamp(stamp: datetime) -> str:
    """A byline date as Korean sites print it: ``2026.11.02 14:30`` (KST implied)."""
    return stamp.strftime("%Y.%m.%d %H:%M")


def newest_first(articles: Iterable[DemoArticle]) -> list[DemoArticle]:
    """Articles sorted by publication time, newest first (ties by id)."""
    return sorted(articles, key=lambda a: (a.published, a.id), reverse=True)


def of_outlet(articles: Iterable[DemoArticle], outlet: str) -> list[DemoArticle]:
    """The articles of one outlet, in corpus order."""
    return [a for a in articles if a.outlet == outlet]


def json_ld(data: dict) -> str:
    """JSON for a ``<script>`` block: no ``</script>`` or markup can close it early."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---------------------------------------------------------------- outlet a: modern CMS, UTF-8


def render_a_page(article: DemoArticle) -> str:
    """One outlet-a article page."""
    lead = first_sentence(article.paragraphs[0])
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(article.title)} - 지역AI타임즈</title>
<link rel="canonical" href="{article.url}">
<meta name="description" content="{esc(lead)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="지역AI타임즈">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:description" content="{esc(lead)}">
<meta property="og:url" content="{article.url}">
{_a_image_meta(article)}<meta property="article:published_time" content="{article.published.isoformat()}">
<meta property="article:author" content="{esc(article.author)}">
<script type="application/ld+json">
{json_ld(_a_news_article(article))}
</script>
<style>body{{font-family:sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem}}nav ul{{display:flex;gap:1rem;list-style:none;padding:0}}</style>
</head>
<body>
{_a_header()}
<main class="container">
<nav class="breadcrumbs" aria-label="현재 위치"><a href="/a/">홈</a> &gt; <a href="/a/#region">지역 AI</a> &gt; <span>기사</span></nav>
<header class="article-header">
<h1 class="heading">{esc(article.title)}</h1>
<div class="byline"><span class="writer">{esc(article.author)}</span> <span class="published">입력 {korean_stamp(article.published)}</span></div>
</header>
<article id="article-view-content-div" class="article-body">
{_a_figure(article)}{_paragraphs_p(article.paragraphs)}
<div class="copyright">저작권자 © 지역AI타임즈 무단전재 및 재배포 금지</div>
{_a_share(article)}
{_a_related(article)}</article>
</main>
{_a_footer()}
</body>
</html>
"""


def _a_news_article(article: DemoArticle) -> dict:
    """The JSON-LD NewsArticle object of an outlet-a page."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
        "dateModified": article.published.isoformat(),
        "author": [{"@type": "Person", "name": article.author}],
        "publisher": {"@type": "Organization", "name": "지역AI타임즈"},
        "mainEntityOfPage": article.url,
    }
    if article.caption:
        data["image"] = [f"{BASE}/a/img/{article.number}.jpg"]
    return data


def _a_image_meta(article: DemoArticle) -> str:
    """The og:image tag, when the article has a lead photo."""
    if not article.caption:
        return ""
    return f'<meta property="og:image" content="{BASE}/a/img/{article.number}.jpg">\n'


def _a_header() -> str:
    """Site header with the logo and the section menu."""
    sections = ("AI산업", "지역 AI", "AI 반도체", "데이터센터", "정책", "인물", "오피니언")
    items = "".join(f'<li><a href="/a/#s{i}">{name}</a></li>' for i, name in enumerate(sections))
    return f"""<header class="site-header">
<div class="logo"><a href="{BASE}/a/">지역AI타임즈</a></div>
<nav class="gnb" aria-label="주 메뉴"><ul>{items}</ul></nav>
<form class="search" action="/a/" method="get"><input type="search" name="q" placeholder="기사 검색"></form>
</header>"""


def _a_figure(article: DemoArticle) -> str:
    """The lead photo with its caption (dropped by the scraper's selectors)."""
    if not article.caption:
        return ""
    return (
        f'<figure class="photo-layout"><img src="/a/img/{article.number}.jpg" alt="">'
        f"<figcaption>{esc(article.caption)}</figcaption></figure>\n"
    )


def _paragraphs_p(paragraphs: Iterable[str]) -> str:
    """Body paragraphs as ``<p>`` elements, one per line."""
    return "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def _a_share(article: DemoArticle) -> str:
    """The share bar inside the article container (names 카카오톡, a trap for taggers)."""
    return (
        f'<div class="share" data-url="{article.url}">'
        '<button type="button">페이스북</button> <button type="button">X(트위터)</button> '
        '<button type="button">카카오톡 공유</button> <button type="button">URL 복사</button>'
        "</div>"
    )


def _a_related(article: DemoArticle) -> str:
    """The '관련기사' list, when the article has related links."""
    if not article.related:
        return ""
    items = "\n".join(
        f'<li><a href="{BASE}{href}">{esc(title)}</a></li>' for title, href in article.related
    )
    return f'<section class="related"><h2>관련기사</h2>\n<ul>\n{items}\n</ul>\n</section>\n'


def _a_footer() -> str:
    """The site footer."""
    return f"""<footer class="site-footer">
<p>지역AI타임즈 | 주소: 가상 주소 | 등록번호 데모-00000 | 청소년보호책임자 편집국장</p>
<p>※ {FICTION_NOTICE}</p>
<p>Copyright © 2026 지역AI타임즈. All rights reserved.</p>
</footer>"""


def a_feed_entries(articles: Iterable[DemoArticle]) -> Iterator[tuple[DemoArticle, str]]:
    """(article, link) pairs of outlet a's feed, newest first, with its tracking quirks."""
    for article in newest_first(articles):
        query = TRACKING_QUERY if article.id in TRACKED_IDS else ""
        yield article, article.url + query
        if article.id == REPEATED_ID:
            yield article, article.url + REPEAT_QUERY


def render_a_feed(articles: list[DemoArticle]) -> str:
    """Outlet a's RSS 2.0 feed (UTF-8)."""
    items = "".join(_rss_item(article, link) for article, link in a_feed_entries(articles))
    return _rss(
        title="지역AI타임즈",
        link=f"{BASE}/a/",
        description=f"전국 지역 인공지능 산업 뉴스 ({FICTION_NOTICE})",
        encoding="UTF-8",
        built=newest_first(articles)[0].published,
        items=items,
    )


def _rss(
    *, title: str, link: str, description: str, encoding: str, built: datetime, items: str
) -> str:
    """An RSS 2.0 document around pre-rendered items."""
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0">
<channel>
<title>{esc(title)}</title>
<link>{link}</link>
<description>{esc(description)}</description>
<language>ko</language>
<lastBuildDate>{rfc822(built)}</lastBuildDate>
{items}</channel>
</rss>
"""


def _rss_item(article: DemoArticle, link: str) -> str:
    """One ``<item>``: title, link, first sentence, date, author and the link as guid."""
    return f"""<item>
<title>{esc(article.title)}</title>
<link>{esc(link)}</link>
<description>{esc(first_sentence(article.paragraphs[0]))}</description>
<pubDate>{rfc822(article.published)}</pubDate>
<author>{esc(article.author)}</author>
<guid isPermaLink="true">{esc(link)}</guid>
</item>
"""


# ---------------------------------------------------------------- outlet b: table layout, EUC-KR


def render_b_page(article: DemoArticle, popular: list[DemoArticle]) -> str:
    """One outlet-b article page (text; written as CP949 bytes)."""
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
<title>{esc(article.title)} &gt; 뉴스 | 충청AI일보</title>
</head>
<body topmargin="0" leftmargin="0">
<table width="980" border="0" cellspacing="0" cellpadding="0" align="center" id="top">
<tr>
<td class="logo" width="240"><a href="{BASE}/b/"><img src="/b/img/logo.gif" alt="충청AI일보" border="0"></a></td>
<td class="top_menu">{_b_menu()}</td>
</tr>
</table>
<table width="980" border="0" cellspacing="0" cellpadding="0" align="center" id="main">
<tr>
<td width="680" valign="top" class="news_view">
<table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="news_title"><h2>{esc(article.title)}</h2></td></tr>
<tr><td class="news_info"><span class="date">입력 {korean_stamp(article.published)}</span> | <span class="reporter">{esc(article.author)}</span></td></tr>
<tr><td class="news_text">
<div id="news_body_area">
{_b_photo(article)}{_b_body(article)}
<p class="reporter_mail">{esc(article.author)} {_b_email(article)}</p>
<p class="copyright">ⓒ 충청AI일보 무단전재 및 재배포 금지</p>
</div>
</td></tr>
{_b_related(article)}</table>
</td>
<td width="20"></td>
<td width="280" valign="top" class="side">
{_b_popular(popular)}
</td>
</tr>
</table>
{_b_footer()}
</body>
</html>
"""


def _b_menu() -> str:
    """The old-style top menu: links separated by bars."""
    names = ("전체기사", "충북", "충남", "대전", "세종", "AI산업", "오피니언")
    return " | ".join(f'<a href="/b/?part={i}">{name}</a>' for i, name in enumerate(names))


def _b_photo(article: DemoArticle) -> str:
    """The lead photo block inside the body container (dropped by selector ``.photo``)."""
    if not article.caption:
        return ""
    return (
        f'<div class="photo"><img src="/b/img/{article.number}.jpg" width="500" border="0">'
        f'<p class="caption">{esc(article.caption)}</p></div>\n'
    )


def _b_body(article: DemoArticle) -> str:
    """Paragraphs separated by ``<br><br>``, with an ad block after the second one."""
    parts = [esc(p) for p in article.paragraphs]
    ad = '<div class="ad"><a href="/b/ad/1"><img src="/b/img/ad_banner.gif" alt="광고"></a> 광고</div>'
    head, tail = parts[:2], parts[2:]
    body = "<br><br>\n".join(head)
    if tail:
        body += f"<br><br>\n{ad}\n" + "<br><br>\n".join(tail)
    return body


def _b_email(article: DemoArticle) -> str:
    """The reporter's e-mail address (the desk's when the reporter is not listed)."""
    return REPORTER_EMAILS.get(article.reporter, NEWSDESK_EMAIL)


def _b_related(article: DemoArticle) -> str:
    """A '관련기사' row under the body, outside the body container."""
    if not article.related:
        return ""
    links = "<br>\n".join(f'· <a href="{href}">{esc(title)}</a>' for title, href in article.related)
    return f'<tr><td class="relation"><b>관련기사</b><br>\n{links}</td></tr>\n'


def _b_popular(popular: list[DemoArticle]) -> str:
    """The '많이 본 뉴스' sidebar."""
    items = "\n".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in popular)
    return f'<div class="best_news"><h3>많이 본 뉴스</h3>\n<ol>\n{items}\n</ol>\n</div>'


def _b_footer() -> str:
    """The table footer with the publisher's (fictional) details."""
    return f"""<table width="980" border="0" cellspacing="0" cellpadding="0" align="center" id="footer">
<tr><td>충청AI일보 | 주소: 가상 주소 | 등록번호 데모-00001<br>
※ {FICTION_NOTICE}<br>
Copyright ⓒ 충청AI일보. All rights reserved.</td></tr>
</table>"""


def popular_for(article: DemoArticle, siblings: list[DemoArticle]) -> list[DemoArticle]:
    """The sidebar's 'most read' list: the next outlet articles after `article`, cyclically."""
    others = [a for a in siblings if a.id != article.id]
    start = sum(1 for a in others if a.id < article.id)
    rotated = others[start:] + others[:start]
    return rotated[:POPULAR_COUNT]


def render_b_feed(articles: list[DemoArticle]) -> str:
    """Outlet b's RSS 2.0 feed text, declared EUC-KR (CP949-only syllables as references)."""
    items = "".join(_rss_item(a, a.url) for a in newest_first(articles))
    feed = _rss(
        title="충청AI일보",
        link=f"{BASE}/b/",
        description=f"충청권 인공지능 산업 뉴스 ({FICTION_NOTICE})",
        encoding="euc-kr",
        built=newest_first(articles)[0].published,
        items=items,
    )
    return ks_x_1001_only(feed)


def in_ks_x_1001(char: str) -> bool:
    """True when `char` is ASCII or encodes in CP949 as a KS X 1001 (EUC-KR) pair."""
    if char.isascii():
        return True
    try:
        encoded = char.encode("cp949")
    except UnicodeEncodeError:
        return False
    return all(byte >= 0xA1 for byte in encoded)


def ks_x_1001_only(text: str) -> str:
    """`text` with every character outside KS X 1001 written as a numeric reference."""
    return "".join(c if in_ks_x_1001(c) else f"&#{ord(c)};" for c in text)


# ---------------------------------------------------------------- outlet indexes


def render_index(outlet: Outlet, articles: list[DemoArticle]) -> str:
    """A plain list page of an outlet's articles (the feeds' channel link)."""
    charset = "euc-kr" if outlet.encoding == "cp949" else "utf-8"
    items = "\n".join(
        f'<li><a href="{a.path}">{esc(a.title)}</a> <span class="date">'
        f"{korean_stamp(a.published)}</span></li>"
        for a in newest_first(articles)
    )
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{esc(outlet.name)}</title>
<link rel="alternate" type="application/rss+xml" href="{BASE}/{outlet.key}/rss.xml">
</head>
<body>
<h1>{esc(outlet.name)}</h1>
<p>※ {FICTION_NOTICE}</p>
<ul class="article-list">
{items}
</ul>
</body>
</html>
"""


# ---------------------------------------------------------------- writing


def site_files(articles: list[DemoArticle]) -> dict[str, bytes]:
    """Every file of the demo web, by path relative to the site folder."""
    a_articles, b_articles = of_outlet(articles, "a"), of_outlet(articles, "b")
    files: dict[str, str | bytes] = {
        "robots.txt": "User-agent: *\nAllow: /\n",
        "a/rss.xml": render_a_feed(a_articles),
        "a/index.html": render_index(OUTLETS["a"], a_articles),
        "b/rss.xml": render_b_feed(b_articles).encode("cp949"),
        "b/index.html": render_index(OUTLETS["b"], b_articles).encode("cp949"),
    }
    for article in a_articles:
        files[article.path.lstrip("/")] = render_a_page(article)
    for article in b_articles:
        page = render_b_page(article, popular_for(article, b_articles))
        files[article.path.lstrip("/")] = page.encode("cp949")
    return {
        path: data.encode("utf-8") if isinstance(data, str) else data
        for path, data in files.items()
    }


def write_site(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write `files` under `out` (only when changed); remove stale pages; return stale ones."""
    for relative, data in sorted(files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    return _remove_stale(out, set(files))


def _remove_stale(out: Path, keep: set[str]) -> list[Path]:
    """Delete generated-looking files (html, xml) under `out` that are not in `keep`."""
    stale = [
        path
        for pattern in ("**/*.html", "**/*.xml")
        for path in out.glob(pattern)
        if path.relative_to(out).as_posix() not in keep
    ]
    for path in stale:
        path.unlink()
    return sorted(stale)


def main(argv: list[str] | None = None) -> None:
    """Command line: read the corpus, write the demo web, print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus JSON Lines")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="site folder to write")
    args = parser.parse_args(argv)
    articles = load_corpus(args.corpus)
    files = site_files(articles)
    stale = write_site(files, args.out)
    counts = {key: len(of_outlet(articles, key)) for key in OUTLETS}
    print(
        f"{args.out}: {len(files)} files from {len(articles)} articles "
        f"(a: {counts['a']}, b: {counts['b']}); {len(stale)} stale removed"
    )


if __name__ == "__main__":
    main()
