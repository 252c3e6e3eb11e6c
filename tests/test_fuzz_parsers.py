"""Fuzzed parsers (hypothesis): feed and sitemap reading, charset decoding, article extraction, URL
canonicalisation and tagging. Any input gives a result or a typed error (FeedError, ExtractError),
never another exception; the deadlines are the time caps (a hang fails the example). Example counts
stay modest so the suite stays fast; fuzz/ has atheris targets for long runs.
"""

from __future__ import annotations

import gzip
import time
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scraper.charset import decode_html, decode_xml
from scraper.errors import ExtractError, FeedError
from scraper.extract import extract_article
from scraper.feeds import parse_feed
from scraper.sitemaps import parse_sitemap
from scraper.urls import canonical_url, is_web_url

URL = "https://news.example.kr/rss.xml"
FAST = settings(max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.too_slow])

# Pieces attackers and broken CMSs put in feeds and pages, recombined by hypothesis.
FRAGMENTS = [
    '<?xml version="1.0" encoding="euc-kr"?>',
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0"><channel>',
    "</channel></rss>",
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    "</feed>",
    "<item>",
    "</item>",
    "<entry>",
    "</entry>",
    "<title>",
    "</title>",
    "<link>",
    "</link>",
    '<link href="',
    '"/>',
    "https://news.example.kr/a/1",
    "javascript:alert(1)",
    "data:text/html,<script>x</script>",
    "//evil.example/x",
    "<![CDATA[",
    "]]>",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "&amp;",
    "&#0;",
    "&#xD800;",
    "&nbsp;",
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
    "&a;",
    "<pubDate>Mon, 02 Nov 2026 09:00:00 +0900</pubDate>",
    "<pubDate>99999999</pubDate>",
    "<description>",
    "</description>",
    "충북 오송 인공지능",
    "\u202e",
    "\x00",
    "\ufeff",
    "<",
    ">",
    '"',
]
fragment_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=40).map(
    "".join
)
encodings = st.sampled_from(["utf-8", "cp949", "utf-16", "latin-1"])


@st.composite
def feed_bytes(draw) -> bytes:
    text = draw(fragment_text)
    return text.encode(draw(encodings), errors="ignore") + draw(st.binary(max_size=30))


@FAST
@given(feed_bytes(), st.sampled_from([None, "text/xml", "application/rss+xml; charset=euc-kr"]))
@example(
    b'<rss version="2.0"><channel><item><link>javascript:x</link></item></channel></rss>', None
)
def test_any_feed_gives_items_or_a_feed_error(body: bytes, content_type: str | None) -> None:
    try:
        items = parse_feed(body, URL, content_type)
    except FeedError as exc:
        assert URL in str(exc)
        return
    for item in items:
        assert item.link.startswith(("http://", "https://")), item.link
        assert "\x00" not in item.title


@FAST
@given(feed_bytes())
def test_any_sitemap_gives_items_or_a_feed_error(body: bytes) -> None:
    try:
        sitemap = parse_sitemap(body, URL, max_bytes=1 << 20)
    except FeedError:
        return
    for item in sitemap.items:
        assert item.link.startswith(("http://", "https://"))


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']><rss version="2.0"><channel><item><title>&lol9;</title>'
    "<link>https://news.example.kr/a/1</link></item></channel></rss>"
)


def test_entity_expansion_bombs_stay_small_and_fast() -> None:
    started = time.monotonic()
    for parse in (
        lambda: parse_feed(BOMB.encode(), URL),
        lambda: parse_sitemap(BOMB.replace("rss", "urlset").encode(), URL),
    ):
        try:
            result = parse()
        except FeedError:
            continue
        assert len(repr(result)) < 100_000
    assert time.monotonic() - started < 10


def test_a_gzip_bomb_sitemap_is_cut_at_the_size_cap() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (50 << 20) + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(FeedError, match=URL):
        parse_sitemap(bomb, URL, max_bytes=1 << 20)


@FAST
@given(
    st.binary(max_size=400),
    st.sampled_from([None, "text/html; charset=euc-kr", "x; charset=bogus"]),
)
def test_any_bytes_decode_to_text(body: bytes, content_type: str | None) -> None:
    assert isinstance(decode_html(body, content_type), str)
    assert isinstance(decode_xml(body, content_type), str)


@settings(max_examples=100, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(fragment_text, st.sampled_from([None, {"title": "h1", "body": "#b", "drop": ["x"]}]))
@example("<html><body><h1>" + "<div>" * 5000 + "x</body></html>", None)
def test_any_page_extracts_or_gives_an_extract_error(html: str, selectors) -> None:
    try:
        page = extract_article(html, "https://news.example.kr/a/1", selectors)
    except ExtractError:
        return
    assert isinstance(page.text, str) and isinstance(page.title, str)
    assert page.canonical_url == "" or isinstance(page.canonical_url, str)


url_text = st.lists(
    st.sampled_from(
        [
            "http://",
            "https://",
            "HTTP://",
            "javascript:",
            "news.example.kr",
            ":80",
            ":443",
            ":99999",
            ":x",
            "/",
            "..",
            "%2e",
            "%",
            "%zz",
            "?",
            "&",
            "=",
            "utm_source=a",
            "fbclid=b",
            "#frag",
            "@",
            "user:pw@",
            "[::1]",
            "한글",
            "\u202e",
            " ",
            "\t",
            "\x00",
        ]
    )
    | st.text(max_size=8),
    max_size=14,
).map("".join)


@settings(max_examples=300, deadline=1000)
@given(url_text)
@example("http://[")  # an unbalanced IPv6 bracket: urlsplit raises on it
@example("https://[::1/path?utm_source=x")
def test_canonical_urls_are_stable_and_clean(url: str) -> None:
    once = canonical_url(url)
    assert isinstance(once, str)
    if not is_web_url(once):
        return  # not a web URL: returned for is_web_url and the fetcher to refuse, never raised
    if "#" not in url:
        assert canonical_url(once) == once  # idempotent
        query = urlsplit(once).query
        assert "utm_source=" not in query and "fbclid=" not in query


@settings(
    max_examples=40,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=fragment_text, body=st.text(max_size=600) | fragment_text)
def test_tagging_any_text_gives_a_result(pipeline, title: str, body: str) -> None:
    result = pipeline.tag_text(title, body)
    for tag in result.tags:
        assert 0 <= tag.score <= 1 and tag.kind in {"region", "company", "group", "topic"}
