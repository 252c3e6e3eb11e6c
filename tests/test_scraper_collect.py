"""collect() end to end: a loopback HTTP server, a real SQLite archive, no mocks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from archive.records import KST, Source
from archive.store import Store
from scraper.collect import CollectReport
from scraper.collect import collect as scraper_collect
from scraper.http import Fetcher
from scraper.settings import ScraperSettings

SELECTORS = {"title": "h1", "body": "#body", "date": ".date"}
NO_DELAY = ScraperSettings(rate=0)  # loopback: no per-host delay


def collect(sources: list[Source], store: Store, **options: object) -> CollectReport:
    """`scraper.collect` without politeness delays (the server is ours)."""
    options.setdefault("settings", NO_DELAY)
    return scraper_collect(sources, store, **options)  # type: ignore[arg-type]


PARAGRAPH = (
    "{region}의 인공지능 기업들이 지역 대학과 함께 데이터 인재를 키운다. 도는 내년 예산을 늘린다."
)


def article_page(
    title: str,
    region: str = "충북",
    date: str = "2026.11.02 14:30",
    canonical: str = "",
    html_title: str = "",
) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    link += f"<title>{html_title}</title>" if html_title else ""
    dated = f'<p class="date">입력 {date}</p>' if date else ""
    heading = f"<h1>{title}</h1>" if title else ""
    body = "".join(f"<p>{PARAGRAPH.format(region=region)}</p>" for _ in range(3))
    return (
        f'<html><head><meta charset="utf-8">{link}</head><body>{heading}{dated}'
        f'<div id="body">{body}</div></body></html>'
    )


def rss(
    items: list[tuple[str, str]],
    pub_date: str = "Mon, 02 Nov 2026 09:00:00 +0900",
    author: str = "",
) -> str:
    byline = f"<author>{author}</author>" if author else ""
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{pub_date}</pubDate>"
        f"{byline}</item>"
        for title, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>http://example.kr/</link>{entries}</channel></rss>"
    )


def source(key: str, url: str, **options: object) -> Source:
    settings: dict[str, object] = {"selectors": SELECTORS, "allow_private": True}
    settings.update(options)
    return Source(key=key, name=key, url=url, **settings)  # type: ignore[arg-type]


def page_requests(server: HTTPServer, prefix: str = "/news/") -> list[str]:
    return [request.path for request, _ in server.log if request.path.startswith(prefix)]


@pytest.fixture(autouse=True)
def unknown_paths_are_404(httpserver: HTTPServer) -> None:
    """Unmatched requests (such as /robots.txt) get 404, as on a real site; reset after each test."""
    httpserver.no_handler_status_code = 404


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "a.db") as opened:
        yield opened


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher("jiyeok-test/1.0", retries=1, backoff=0.0, read_timeout=5.0)


def serve_site(server: HTTPServer, titles: dict[str, str], feed: str = "/rss.xml") -> None:
    """A feed listing /news/<n> pages (plus a tracking-param duplicate) and the pages."""
    links = [(title, server.url_for(f"/news/{n}")) for n, title in titles.items()]
    first_title, first_link = links[0]
    links.append((first_title, first_link + "?utm_source=rss"))
    server.expect_request(feed).respond_with_data(rss(links), content_type="application/rss+xml")
    for n, title in titles.items():
        server.expect_request(f"/news/{n}").respond_with_data(
            article_page(title), content_type="text/html; charset=utf-8"
        )


def test_two_runs_store_each_article_once(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    serve_site(httpserver, {"1": "충북 AI 바우처", "2": "오송 데이터센터"})
    sources = [source("cb", httpserver.url_for("/rss.xml"))]
    lines: list[str] = []
    first = collect(sources, store, fetcher=fetcher, progress=lines.append)
    assert first.totals["new"] == 2
    assert first.sources[0].skipped == 0  # the utm_source duplicate is merged by the feed reader
    second = collect(sources, store, fetcher=fetcher)
    assert second.sources[0].status == "ok"
    assert (second.sources[0].new, second.sources[0].skipped) == (0, 2)
    assert store.article_count() == 2
    assert sorted(page_requests(httpserver)) == ["/news/1", "/news/2"]  # each page fetched once
    assert any("cb:" in line for line in lines)

    article = store.article(httpserver.url_for("/news/1"))
    assert article is not None
    assert article.title == "충북 AI 바우처"
    assert article.source == "cb"
    assert article.published == datetime(2026, 11, 2, 14, 30, tzinfo=KST)  # page date over feed
    assert article.text.startswith("충북의 인공지능 기업들이")
    assert article.excerpt and len(article.excerpt) <= 160
    assert article.fetched is not None and article.fetched.utcoffset() == KST.utcoffset(None)
    assert article.original_url == httpserver.url_for("/news/1")


def test_failing_page_is_recorded_and_the_others_land(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    serve_site(httpserver, {"1": "첫 기사", "3": "셋째 기사"})
    links = [
        (t, httpserver.url_for(f"/news/{n}")) for n, t in (("1", "첫"), ("2", "둘"), ("3", "셋"))
    ]
    httpserver.clear()
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/rss.xml").respond_with_data(
        rss(links), headers={"ETag": '"feed-v1"'}
    )
    httpserver.expect_request("/news/2").respond_with_data("broken", status=500)
    for n in ("1", "3"):
        httpserver.expect_request(f"/news/{n}").respond_with_data(article_page(f"기사 {n}"))
    run_id = store.start_run("collect")
    report = collect(
        [source("cb", httpserver.url_for("/rss.xml"))], store, fetcher=fetcher, run_id=run_id
    )
    assert (report.sources[0].status, report.sources[0].new, report.sources[0].failed) == (
        "ok",
        2,
        1,
    )
    assert report.ok
    failures = store.failures(run_id)
    assert [(f.source, f.url, f.stage) for f in failures] == [
        ("cb", httpserver.url_for("/news/2"), "page_fetch")
    ]
    assert "HTTP 500" in failures[0].reason
    assert page_requests(httpserver).count("/news/2") == 2  # retried once
    # the feed's validators are not kept, so the next run re-reads it and retries the page
    state = store.fetch_state("cb")
    assert state is not None and state.etag == "" and state.failures == 0
    report = collect([source("cb", httpserver.url_for("/rss.xml"))], store, fetcher=fetcher)
    assert (report.sources[0].skipped, report.sources[0].failed) == (2, 1)


def test_failing_feed_is_recorded_and_the_other_source_lands(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    serve_site(httpserver, {"1": "제주 AI 허브"})
    httpserver.expect_request("/gone.xml").respond_with_data("nope", status=404)
    httpserver.expect_request("/html.xml").respond_with_data("<html><body>홈</body></html>")
    sources = [
        source("gone", httpserver.url_for("/gone.xml")),
        source("html", httpserver.url_for("/html.xml")),
        source("jj", httpserver.url_for("/rss.xml")),
        source("off", httpserver.url_for("/never.xml"), enabled=False),
    ]
    run_id = store.start_run("collect")
    report = collect(sources, store, fetcher=fetcher, run_id=run_id)
    by_key = {r.key: r for r in report.sources}
    assert set(by_key) == {"gone", "html", "jj"}
    assert by_key["gone"].status == "failed" and "HTTP 404" in by_key["gone"].error
    assert by_key["html"].status == "failed" and "not an RSS or Atom feed" in by_key["html"].error
    assert (by_key["jj"].status, by_key["jj"].new) == ("ok", 1)
    assert not report.ok
    assert report.totals["failed_sources"] == 2
    assert [(f.source, f.stage) for f in store.failures(run_id)] == [
        ("gone", "feed_fetch"),
        ("html", "feed_parse"),
    ]
    gone = store.fetch_state("gone")
    assert gone is not None and gone.failures == 1 and gone.last_status == "HTTP 404"
    assert store.article_count() == 1
    assert report.as_dict()["totals"]["new"] == 1


def test_not_modified_feed_costs_no_page_fetches(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    links = [("충북 AI", httpserver.url_for("/news/1"))]
    httpserver.expect_request("/rss.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    httpserver.expect_request("/rss.xml").respond_with_data(rss(links), headers={"ETag": '"v1"'})
    httpserver.expect_request("/news/1").respond_with_data(article_page("충북 AI"))
    sources = [source("cb", httpserver.url_for("/rss.xml"))]
    assert collect(sources, store, fetcher=fetcher).totals["new"] == 1
    state = store.fetch_state("cb")
    assert state is not None and state.etag == '"v1"'
    seen = len(httpserver.log)
    report = collect(sources, store, fetcher=fetcher)
    assert report.sources[0].status == "not_modified"
    assert report.totals["not_modified"] == 1
    later = [request.path for request, _ in httpserver.log[seen:]]
    assert later == ["/robots.txt", "/rss.xml"]  # robots.txt is read once per run


def test_page_problems_become_failures(httpserver: HTTPServer, store: Store) -> None:
    fetcher = Fetcher("jiyeok-test/1.0", retries=0, backoff=0.0, max_bytes=20_000)
    links = [
        ("큰 페이지", httpserver.url_for("/news/big")),
        ("빈 페이지", httpserver.url_for("/news/empty")),
        ("PDF", httpserver.url_for("/news/file.pdf")),
        ("정상", httpserver.url_for("/news/ok")),
    ]
    httpserver.expect_request("/rss.xml").respond_with_data(rss(links))
    httpserver.expect_request("/news/big").respond_with_data(
        b"x" * 30_000, content_type="text/html"
    )
    httpserver.expect_request("/news/empty").respond_with_data(
        '<html><body><h1>제목</h1><div id="body"><p>짧다.</p></div></body></html>'
    )
    httpserver.expect_request("/news/file.pdf").respond_with_data(
        b"%PDF-1.4", content_type="application/pdf"
    )
    httpserver.expect_request("/news/ok").respond_with_data(article_page("정상 기사"))
    run_id = store.start_run("collect")
    report = collect(
        [source("cb", httpserver.url_for("/rss.xml"))], store, fetcher=fetcher, run_id=run_id
    )
    assert (report.sources[0].new, report.sources[0].failed, report.sources[0].skipped) == (
        1,
        2,
        1,
    )
    reasons = {f.url.rsplit("/", 1)[1]: (f.stage, f.reason) for f in store.failures(run_id)}
    assert reasons["big"][0] == "page_fetch" and "too large" in reasons["big"][1]
    assert reasons["empty"][0] == "extract" and "no article text found" in reasons["empty"][1]
    assert reasons["file.pdf"][0] == "page_skip" and "not an HTML page" in reasons["file.pdf"][1]
    assert store.article_count() == 1


def test_page_canonical_url_is_used_and_deduplicates(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    canonical = httpserver.url_for("/news/view/7")
    links = [("모바일", httpserver.url_for("/m/7")), ("PC", httpserver.url_for("/news/7?sc=pc"))]
    httpserver.expect_request("/rss.xml").respond_with_data(rss(links))
    for path in ("/m/7", "/news/7"):
        httpserver.expect_request(path).respond_with_data(
            article_page("같은 기사", canonical=canonical + "?utm_source=m")
        )
    report = collect([source("cb", httpserver.url_for("/rss.xml"))], store, fetcher=fetcher)
    assert (report.sources[0].new, report.sources[0].skipped) == (1, 1)
    stored = list(store.articles())
    assert [a.url for a in stored] == [canonical]
    assert stored[0].original_url == httpserver.url_for("/m/7")


def test_feed_title_and_date_fill_in_for_the_page(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    links = [("피드 제목", httpserver.url_for("/news/1")), ("둘째", httpserver.url_for("/news/2"))]
    httpserver.expect_request("/rss.xml").respond_with_data(
        rss(links, pub_date="2026-11-03 08:00:00", author="김민수 기자")
    )
    httpserver.expect_request("/news/1").respond_with_data(article_page("", date=""))
    httpserver.expect_request("/news/2").respond_with_data(
        article_page("", html_title="둘째 &gt; 뉴스 | 충청AI일보")
    )
    collect([source("cb", httpserver.url_for("/rss.xml"))], store, fetcher=fetcher)
    article = store.article(httpserver.url_for("/news/1"))
    assert article is not None
    assert article.title == "피드 제목"
    assert article.published == datetime(2026, 11, 3, 8, 0, tzinfo=KST)
    assert article.author == "김민수"
    decorated = store.article(httpserver.url_for("/news/2"))
    assert decorated is not None
    assert decorated.title == "둘째"  # the feed's title, not "둘째 > 뉴스 | 충청AI일보"


def test_euckr_feed_and_pages_end_to_end(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    feed = rss([("똠방각하 거리 AI", httpserver.url_for("/news/1"))]).replace(
        'encoding="utf-8"', 'encoding="euc-kr"'
    )
    httpserver.expect_request("/rss.xml").respond_with_data(
        feed.encode("cp949"), content_type="text/xml"
    )
    page = article_page("똠방각하 거리에 AI 창업센터", region="똠방각하 거리").replace(
        '<meta charset="utf-8">', ""
    )
    httpserver.expect_request("/news/1").respond_with_data(
        page.encode("cp949"), content_type="text/html"
    )
    collect([source("cb", httpserver.url_for("/rss.xml"))], store, fetcher=fetcher)
    article = store.article(httpserver.url_for("/news/1"))
    assert article is not None
    assert article.title == "똠방각하 거리에 AI 창업센터"
    assert article.text.startswith("똠방각하 거리의 인공지능 기업들이")


def test_private_feed_is_refused_without_allow_private(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(rss([]))
    url = f"http://127.0.0.1:{httpserver.port}/rss.xml"
    report = collect([source("lan", url, allow_private=False)], store, fetcher=fetcher)
    assert report.sources[0].status == "failed"
    assert "non-public address" in report.sources[0].error
    assert len(httpserver.log) == 0


def test_sources_on_different_hosts_run_side_by_side(
    httpserver: HTTPServer, store: Store, fetcher: Fetcher
) -> None:
    serve_site(httpserver, {"1": "가", "2": "나", "3": "다"})
    by_name = source("a", httpserver.url_for("/rss.xml"))
    by_ip = source("b", f"http://127.0.0.1:{httpserver.port}/rss.xml")
    report = collect([by_name, by_ip], store, fetcher=fetcher, max_workers=2)
    assert report.totals["new"] == 3  # the second source finds them already claimed or stored
    assert report.totals["failed"] == 0
    assert store.article_count() == 3
