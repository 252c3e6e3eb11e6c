"""collect() against sites that behave like the real ones: robots.txt, moved feeds, HTML pages
where a feed should be, broken XML, list pages, news sitemaps, charsets that lie, wire copies
on several outlets, pages that keep failing. A real loopback server and a real archive."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from archive.records import Source
from archive.store import Store
from scraper.collect import CollectReport
from scraper.collect import collect as scraper_collect
from scraper.feeds import parse_feed
from scraper.http import Fetcher
from scraper.settings import ScraperSettings
from tests.test_scraper_collect import SELECTORS, article_page, rss

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "scraper"
CORPUS = [
    json.loads(line)
    for line in (ROOT / "content" / "demo" / "corpus.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
NO_DELAY = ScraperSettings(rate=0)


def collect(sources: list[Source], store: Store, **options: object) -> CollectReport:
    options.setdefault("settings", NO_DELAY)
    return scraper_collect(sources, store, **options)  # type: ignore[arg-type]


def source(key: str, url: str, **options: object) -> Source:
    settings: dict[str, object] = {"selectors": SELECTORS, "allow_private": True}
    settings.update(options)
    return Source(key=key, name=key, url=url, **settings)  # type: ignore[arg-type]


def story_page(title: str, paragraphs: list[str], date: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
        f'<p class="date">입력 {date}</p><div id="body">{body}</div></body></html>'
    )


def paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


@pytest.fixture(autouse=True)
def unknown_paths_are_404(httpserver: HTTPServer) -> None:
    httpserver.no_handler_status_code = 404


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "a.db") as opened:
        yield opened


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher("jiyeok-test/1.0 (+https://example.org/contact)", retries=1, backoff=0.0)


# -- politeness ---------------------------------------------------------------------------------
def test_robots_txt_is_honoured_and_read_once(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /\n\n"  # everyone else: nothing
        "User-agent: jiyeok-test\nDisallow: /members/\nDisallow: /private/\n"
    )
    links = [
        ("공개 기사", httpserver.url_for("/news/1")),
        ("회원 기사", httpserver.url_for("/members/2")),
    ]
    httpserver.expect_request("/rss.xml").respond_with_data(rss(links))
    httpserver.expect_request("/news/1").respond_with_data(article_page("공개 기사"))
    httpserver.expect_request("/members/2").respond_with_data(article_page("회원 기사"))
    httpserver.expect_request("/private/rss.xml").respond_with_data(rss(links))
    run_id = store.start_run("collect")
    report = collect(
        [
            source("ok", httpserver.url_for("/rss.xml")),
            source("no", httpserver.url_for("/private/rss.xml")),
        ],
        store,
        fetcher=fetcher,
        run_id=run_id,
    )
    by_key = {r.key: r for r in report.sources}
    assert (by_key["ok"].new, by_key["ok"].skipped, by_key["ok"].failed) == (1, 1, 0)
    assert by_key["no"].status == "failed" and "robots.txt" in by_key["no"].error
    assert paths(httpserver).count("/robots.txt") == 1  # cached for the run
    assert "/members/2" not in paths(httpserver) and "/private/rss.xml" not in paths(httpserver)
    reasons = {f.url.rsplit("/", 2)[-2]: (f.stage, f.reason) for f in store.failures(run_id)}
    assert reasons["members"][0] == "robots" and "disallows" in reasons["members"][1]
    assert reasons["private"][0] == "robots"
    request = next(r for r, _ in httpserver.log if r.path == "/news/1")
    assert request.headers["User-Agent"] == "jiyeok-test/1.0 (+https://example.org/contact)"


def test_requests_to_one_host_are_spaced_by_its_rate(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    links = [(f"기사 {n}", httpserver.url_for(f"/news/{n}")) for n in range(3)]
    httpserver.expect_request("/rss.xml").respond_with_data(rss(links))
    stamps: list[float] = []
    for n in range(3):

        def page(request: object, n: int = n) -> object:
            from werkzeug import Response

            stamps.append(time.monotonic())
            return Response(article_page(f"기사 {n}"), content_type="text/html")

        httpserver.expect_request(f"/news/{n}").respond_with_handler(page)
    report = collect(
        [source("slow", httpserver.url_for("/rss.xml"), rate=5.0)],  # 5 requests/s = 0.2 s apart
        store,
        fetcher=fetcher,
        settings=ScraperSettings(rate=100.0),
    )
    assert report.totals["new"] == 3
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert len(gaps) == 2 and min(gaps) >= 0.18


# -- robustness ---------------------------------------------------------------------------------
def test_a_moved_feed_updates_the_stored_url_and_is_reported(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    old, new = httpserver.url_for("/old/rss.xml"), httpserver.url_for("/rss/allArticle.xml")
    httpserver.expect_request("/old/rss.xml").respond_with_data(
        "", status=301, headers={"Location": "/rss/allArticle.xml"}
    )
    httpserver.expect_request("/rss/allArticle.xml").respond_with_data(
        rss([("이사한 피드", httpserver.url_for("/news/1"))]), headers={"ETag": '"v1"'}
    )
    httpserver.expect_request("/news/1").respond_with_data(article_page("이사한 피드"))
    sources = [source("mv", old)]
    report = collect(sources, store, fetcher=fetcher)
    assert report.sources[0].moved_to == new
    assert report.totals["moved_sources"] == 1
    state = store.fetch_state("mv")
    assert state is not None and (state.url, state.moved_from, state.etag) == (new, old, '"v1"')
    # the next run goes straight to the new address, conditionally
    seen = len(httpserver.log)
    again = collect(sources, store, fetcher=fetcher)
    assert again.sources[0].moved_to == new
    later = [r for r, _ in httpserver.log[seen:]]
    assert "/old/rss.xml" not in [r.path for r in later]
    assert (
        next(r for r in later if r.path == "/rss/allArticle.xml").headers["If-None-Match"] == '"v1"'
    )
    # once the editor updates sources.toml, the move is no longer reported
    fixed = collect([source("mv", new)], store, fetcher=fetcher)
    assert fixed.sources[0].moved_to == ""
    state = store.fetch_state("mv")
    assert state is not None and state.moved_from == ""


def test_html_where_the_feed_should_be_is_a_clear_error(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(
        "<!DOCTYPE html><html><body><h1>페이지를 찾을 수 없습니다</h1></body></html>",
        content_type="text/html; charset=utf-8",
    )
    httpserver.expect_request("/feed-as-html.xml").respond_with_data(
        rss([("피드", httpserver.url_for("/news/1"))]), content_type="text/html"
    )
    httpserver.expect_request("/news/1").respond_with_data(article_page("피드"))
    report = collect(
        [
            source("html", httpserver.url_for("/rss.xml")),
            source("mislabelled", httpserver.url_for("/feed-as-html.xml")),
        ],
        store,
        fetcher=fetcher,
    )
    by_key = {r.key: r for r in report.sources}
    assert by_key["html"].status == "failed"
    assert "returned an HTML page (text/html), not RSS/Atom" in by_key["html"].error
    assert (by_key["mislabelled"].status, by_key["mislabelled"].new) == (
        "ok",
        1,
    )  # RSS sent as text/html


def test_broken_feeds_lose_nothing_already_stored(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    links = [
        ("첫 기사", httpserver.url_for("/news/1")),
        ("둘째 기사", httpserver.url_for("/news/2")),
    ]
    httpserver.expect_request("/news/1").respond_with_data(article_page("첫 기사"))
    httpserver.expect_request("/news/2").respond_with_data(article_page("둘째 기사"))
    httpserver.expect_oneshot_request("/rss.xml").respond_with_data(rss(links))
    sources = [source("cb", httpserver.url_for("/rss.xml"))]
    assert collect(sources, store, fetcher=fetcher).totals["new"] == 2
    stored = {a.url: a for a in store.articles()}

    # truncated XML: the entries before the cut are still read
    cut = (
        (FIXTURES / "truncated.xml")
        .read_bytes()
        .replace(  # its links, onto this server
            b"https://www.example-bs.kr", httpserver.url_for("").rstrip("/").encode()
        )
    )
    httpserver.expect_oneshot_request("/rss.xml").respond_with_data(
        cut, content_type="application/rss+xml"
    )
    truncated = collect(sources, store, fetcher=fetcher)
    assert truncated.sources[0].status == "ok"

    # invalid XML: the source fails with the reason, the archive keeps its articles
    httpserver.expect_oneshot_request("/rss.xml").respond_with_data(
        b"\x00\x01<rss><channel><item><title>\xff\xfe", content_type="application/xml"
    )
    run_id = store.start_run("collect")
    broken = collect(sources, store, fetcher=fetcher, run_id=run_id)
    assert broken.sources[0].status == "failed"
    assert [f.stage for f in store.failures(run_id)] == ["feed_parse"]

    # pages that now fail leave the stored copies as they were
    httpserver.clear()
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/rss.xml").respond_with_data(rss(links))
    collect(sources, store, fetcher=fetcher)
    assert {a.url: a for a in store.articles()} == stored
    state = store.fetch_state("cb")
    assert state is not None and state.failures == 0 and state.items == 2


def test_pages_that_keep_failing_are_given_up(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    links = [
        ("없는 기사", httpserver.url_for("/news/gone")),
        ("불안정", httpserver.url_for("/news/flaky")),
    ]
    httpserver.expect_request("/rss.xml").respond_with_data(rss(links), headers={"ETag": '"v"'})
    httpserver.expect_request("/news/gone").respond_with_data("no", status=404)
    httpserver.expect_request("/news/flaky").respond_with_data("busy", status=500)
    sources = [source("cb", httpserver.url_for("/rss.xml"))]
    settings = ScraperSettings(rate=0, page_attempts=2)
    for _ in range(3):
        collect(sources, store, fetcher=fetcher, settings=settings)
    assert paths(httpserver).count("/news/gone") == 1  # 404: gone for good, not asked again
    assert paths(httpserver).count("/news/flaky") == 2 * 2  # two runs, each with one retry
    state = store.fetch_state("cb")
    assert state is not None and state.etag == '"v"'  # given-up pages no longer block validators
    reasons = [f.reason for f in store.failures()]
    assert any("HTTP 404" in r for r in reasons) and any("HTTP 500" in r for r in reasons)


def test_redirect_to_a_private_address_from_a_source_that_does_not_allow_it(
    httpserver: HTTPServer, store: Store
) -> None:
    """The feed's host looks public (a custom resolver); its redirect to 127.0.0.1 is refused."""

    def resolver(host: str) -> list[str]:
        return ["93.184.216.34"] if host == "localhost" else ["127.0.0.1"]

    inside = f"http://127.0.0.1:{httpserver.port}/admin/rss.xml"
    httpserver.expect_request("/rss.xml").respond_with_data(
        "", status=302, headers={"Location": inside}
    )
    httpserver.expect_request("/admin/rss.xml").respond_with_data(rss([]))
    fetcher = Fetcher("jiyeok-test/1.0", retries=0, resolver=resolver)
    url = f"http://localhost:{httpserver.port}/rss.xml"
    run_id = store.start_run("collect")
    report = collect(
        [source("lan", url, allow_private=False)], store, fetcher=fetcher, run_id=run_id
    )
    assert report.sources[0].status == "failed"
    assert (
        "127.0.0.1" in report.sources[0].error and "non-public address" in report.sources[0].error
    )
    assert "/admin/rss.xml" not in paths(httpserver)
    assert [f.stage for f in store.failures(run_id)] == ["feed_fetch"]


# -- charsets that lie -------------------------------------------------------------------------
def test_header_charset_beats_a_wrong_meta_and_undeclared_utf8_feeds_read(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    feed = (
        (FIXTURES / "utf8_feed_undeclared.xml")
        .read_bytes()
        .replace(
            b"http://www.example-cb.kr/news/articleView.html?idxno=101&amp;utm_source=rss",
            httpserver.url_for("/news/101").encode(),
        )
    )
    httpserver.expect_request("/rss.xml").respond_with_data(feed, content_type="text/xml")
    httpserver.expect_request("/news/101").respond_with_data(
        (FIXTURES / "meta_utf8_bytes_cp949.html").read_bytes(),
        content_type="text/html; charset=euc-kr",
    )
    generic = Source("cb", "cb", httpserver.url_for("/rss.xml"), allow_private=True)
    report = collect([generic], store, fetcher=fetcher)
    assert report.totals["new"] == 1, report.as_dict()
    items = parse_feed(feed, httpserver.url_for("/rss.xml"), "text/xml")
    assert items[0].title == "똠방각하 거리에 AI 창업센터"  # undeclared UTF-8, not mis-guessed
    article = store.article(httpserver.url_for("/news/101"))
    assert article is not None
    assert article.title == "충북 AI 데이터센터"
    assert "똠방각하 골목의 스타트업 햏살도" in article.text  # CP949-only syllables intact
    assert "\ufffd" not in article.text


# -- source kinds ------------------------------------------------------------------------------
def test_html_list_page_source(httpserver: HTTPServer, store: Store, fetcher: Fetcher) -> None:
    items = "".join(
        f'<li class="item"><a class="tit" href="/news/view.php?no={n}&amp;utm_source=list">기사 {n}</a>'
        f'<span class="date">2026.11.0{n} 09:00</span></li>'
        for n in (1, 2)
    )
    listing = (
        '<html><head><meta charset="euc-kr"></head><body><ul class="gnb"><li><a href="/">홈</a></li></ul>'
        f'<ul class="news-list">{items}<li class="item"><span>광고</span></li></ul></body></html>'
    )
    httpserver.expect_request("/list.php").respond_with_data(
        listing.encode("cp949"), content_type="text/html"
    )
    for n in (1, 2):
        httpserver.expect_request(
            "/news/view.php", query_string=f"no={n}&utm_source=list"
        ).respond_with_data(article_page(f"목록 기사 {n}", date=""))
    list_source = source(
        "list",
        httpserver.url_for("/list.php"),
        kind="html",
        list_selectors={"item": "ul.news-list li.item", "link": "a.tit", "date": ".date"},
    )
    report = collect([list_source], store, fetcher=fetcher)
    assert (report.sources[0].status, report.sources[0].new) == ("ok", 2)
    article = store.article(httpserver.url_for("/news/view.php") + "?no=2")
    assert article is not None and article.title == "목록 기사 2"
    assert (
        article.published is not None
        and article.published.isoformat() == "2026-11-02T09:00:00+09:00"
    )

    httpserver.expect_request("/empty.php").respond_with_data(
        "<html><body><p>점검 중</p></body></html>"
    )
    broken = collect(
        [
            source(
                "list2",
                httpserver.url_for("/empty.php"),
                kind="html",
                list_selectors=list_source.list_selectors,
            )
        ],
        store,
        fetcher=fetcher,
    )
    assert (
        "matched nothing" in broken.sources[0].error
        and "update [source.list]" in broken.sources[0].error
    )


NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>{base}/news/10</loc>
    <news:news><news:publication><news:name>제주AI일보</news:name><news:language>ko</news:language></news:publication>
      <news:publication_date>2026-11-03T08:00:00+09:00</news:publication_date>
      <news:title>제주 AI 관광 안내 로봇</news:title></news:news></url>
  <url><loc>{base}/news/11</loc>
    <news:news><news:publication_date>2026-11-04T09:30:00Z</news:publication_date>
      <news:title>제주 스마트 항만 &amp; AI</news:title></news:news></url>
  <url><loc>mailto:desk@example.kr</loc></url>
</urlset>"""


def test_news_sitemap_source_newest_first(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/sitemap-news.xml").respond_with_data(
        NEWS_SITEMAP.format(base=base), content_type="application/xml"
    )
    for n in (10, 11):
        httpserver.expect_request(f"/news/{n}").respond_with_data(article_page("", date=""))
    report = collect(
        [source("map", httpserver.url_for("/sitemap-news.xml"), kind="sitemap", max_items=1)],
        store,
        fetcher=fetcher,
    )
    assert report.sources[0].new == 1
    (article,) = store.articles()
    assert article.url.endswith("/news/11")  # the newest entry (max_items = 1)
    assert article.title == "제주 스마트 항만 & AI"
    assert (
        article.published is not None
        and article.published.isoformat() == "2026-11-04T18:30:00+09:00"
    )


def test_sitemap_index_with_plain_gzipped_sitemaps(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    import gzip

    base = httpserver.url_for("").rstrip("/")
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap-2026-10.xml.gz</loc><lastmod>2026-10-31</lastmod></sitemap>"
        f"<sitemap><loc>{base}/sitemap-2026-11.xml.gz</loc><lastmod>2026-11-04</lastmod></sitemap>"
        "</sitemapindex>"
    )
    plain = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/news/21</loc><lastmod>2026-11-04T10:00:00+09:00</lastmod></url></urlset>"
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(index)
    httpserver.expect_request("/sitemap-2026-11.xml.gz").respond_with_data(
        gzip.compress(plain.encode()), content_type="application/x-gzip"
    )
    httpserver.expect_request("/sitemap-2026-10.xml.gz").respond_with_data("gone", status=404)
    httpserver.expect_request("/news/21").respond_with_data(article_page("사이트맵 기사"))
    report = collect(
        [source("idx", httpserver.url_for("/sitemap.xml"), kind="sitemap")], store, fetcher=fetcher
    )
    assert (report.sources[0].status, report.sources[0].new) == ("ok", 1)
    assert paths(httpserver).index("/sitemap-2026-11.xml.gz") < paths(httpserver).index(
        "/sitemap-2026-10.xml.gz"
    )


# -- duplicates and wire copies ------------------------------------------------------------------
def wire_copy(paragraphs: list[str], dateline: str) -> list[str]:
    """How a regional paper republishes wire text: its own dateline, the last paragraph cut,
    its own closing line."""
    first = paragraphs[0].split("] ", 1)[-1]
    return [
        f"{dateline} {first}",
        *paragraphs[1:-1],
        "한편 이번 사업은 지역 언론의 관심도 받고 있다.",
    ]


def test_wire_copies_are_grouped_under_the_earliest(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    wire, other = CORPUS[10], CORPUS[11]
    a_url, b_url = httpserver.url_for("/a/rss.xml"), f"http://127.0.0.1:{httpserver.port}/b/rss.xml"
    a_items = [
        ("대덕 AI 칩 서버", httpserver.url_for("/a/1")),
        ("오송 의료 AI", httpserver.url_for("/a/2")),
    ]
    b_base = f"http://127.0.0.1:{httpserver.port}"
    b_items = [("출연연, 국산 칩 추론 서버 도입", f"{b_base}/b/1")]
    httpserver.expect_request("/a/rss.xml").respond_with_data(rss(a_items))
    httpserver.expect_request("/b/rss.xml").respond_with_data(rss(b_items))
    httpserver.expect_request("/a/1").respond_with_data(
        story_page(wire["title"], wire["paragraphs"], "2026.09.18 14:00")
    )
    httpserver.expect_request("/a/2").respond_with_data(
        story_page(other["title"], other["paragraphs"], "2026.09.18 15:00")
    )
    httpserver.expect_request("/b/1").respond_with_data(
        story_page(
            "출연연, 국산 칩 추론 서버 도입",
            wire_copy(wire["paragraphs"], "[대전=뉴시스]"),
            "2026.09.18 16:10",
        )
    )
    sources = [source("a", a_url), source("b", b_url)]
    report = collect(sources, store, fetcher=fetcher)
    assert report.totals["new"] == 3 and report.totals["duplicate_groups"] == 1
    groups = store.duplicate_groups()
    kept = store.article(httpserver.url_for("/a/1"))
    assert kept is not None
    assert list(groups) == [kept.id]
    assert [a.url for a in groups[kept.id]] == [f"{b_base}/b/1"]
    assert store.duplicate_of(store.article(httpserver.url_for("/a/2")).id) is None  # type: ignore[union-attr]

    # a later run finds an earlier copy on a third outlet: it becomes the kept article
    c_base = b_base  # the same server, under another path
    httpserver.expect_request("/c/rss.xml").respond_with_data(
        rss([("국산 AI 칩 서버", f"{c_base}/c/1")])
    )
    httpserver.expect_request("/c/1").respond_with_data(
        story_page(
            "국산 AI 칩 서버", wire_copy(wire["paragraphs"], "(대전=연합뉴스)"), "2026.09.18 11:30"
        )
    )
    collect([*sources, source("c", f"{c_base}/c/rss.xml")], store, fetcher=fetcher)
    earliest = store.article(f"{c_base}/c/1")
    assert earliest is not None
    groups = store.duplicate_groups()
    assert list(groups) == [earliest.id]
    assert sorted(a.source for a in groups[earliest.id]) == ["a", "b"]


def test_wire_copies_published_at_the_same_time_keep_the_first_listed_source(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    wire = CORPUS[5]
    base_b = f"http://127.0.0.1:{httpserver.port}"
    httpserver.expect_request("/x/rss.xml").respond_with_data(
        rss([("a", httpserver.url_for("/x/1"))])
    )
    httpserver.expect_request("/y/rss.xml").respond_with_data(rss([("b", f"{base_b}/y/1")]))
    httpserver.expect_request("/x/1").respond_with_data(
        story_page(
            "송도 의료 AI 실증센터",
            wire_copy(wire["paragraphs"], "[인천=뉴시스]"),
            "2026.08.20 10:00",
        )
    )
    httpserver.expect_request("/y/1").respond_with_data(
        story_page(wire["title"], wire["paragraphs"], "2026.08.20 10:00")
    )
    # "y" is listed first in sources.toml, so its copy is kept although "x" was stored first
    sources = [source("y", f"{base_b}/y/rss.xml"), source("x", httpserver.url_for("/x/rss.xml"))]
    collect(sources, store, fetcher=fetcher)
    kept = store.article(f"{base_b}/y/1")
    assert kept is not None
    assert [a.source for a in store.duplicate_groups()[kept.id]] == ["x"]
