"""SSRF: a feed on a (pretend) public host links and redirects its readers to loopback, private,
link-local and cloud-metadata addresses, directly and through DNS names that resolve there.
Through the real collect, with the Fetcher's `resolver=` hook simulating DNS on loopback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from archive.records import Source
from archive.store import Store
from scraper.collect import collect
from scraper.http import Fetcher, resolve_host
from scraper.settings import ScraperSettings

BODY = "".join(
    f"<p>충북 청주의 인공지능 기업이 지역 대학과 AI 인재 {n}명을 키운다고 밝혔다.</p>"
    for n in range(3)
)
PAGE = f'<html><head><meta charset="utf-8"></head><body><h1>제목</h1><div id="b">{BODY}</div></body></html>'
# Fake DNS: the test server's address passes for a public host; these names point inside.
FAKE_DNS = {
    "127.0.0.1": ["93.184.216.34"],
    "metadata.internal": ["169.254.169.254"],
    "intranet.example": ["10.0.0.7"],
    "rebind.example": ["93.184.216.35", "192.168.0.1"],  # one public, one private answer
    "v6.example": ["::1"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "nowhere.example": [],
}


def resolver(host: str) -> list[str]:
    if host in FAKE_DNS:
        return FAKE_DNS[host]
    return resolve_host(host)  # IP literals and odd spellings go through the real resolver


def _rss(links: list[str]) -> str:
    items = "".join(
        f"<item><title>기사 {n}</title><link>{link}</link>"
        "<pubDate>Mon, 02 Nov 2026 09:00:00 +0900</pubDate></item>"
        for n, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )


def _store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "archive.sqlite3")


def test_links_and_redirects_into_private_networks_are_refused(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    port = httpserver.port
    inside = [
        f"http://localhost:{port}/secret/localhost",
        f"http://metadata.internal:{port}/latest/meta-data/",
        f"http://intranet.example:{port}/secret/intranet",
        f"http://rebind.example:{port}/secret/rebind",
        f"http://v6.example:{port}/secret/v6",
        f"http://mapped.example:{port}/secret/mapped",
        f"http://nowhere.example:{port}/secret/nowhere",
        f"http://0x7f000001:{port}/secret/hex",  # 127.0.0.1 spelled in hex
        f"http://2130706433:{port}/secret/decimal",  # and as one number
        f"http://[::1]:{port}/secret/v6literal",
        f"http://169.254.169.254:{port}/latest/meta-data/",
        f"http://127.0.0.1:{port}/redirect",  # a public-looking page that redirects inside
    ]
    links = [*inside, f"http://127.0.0.1:{port}/ok"]
    httpserver.expect_request("/rss.xml").respond_with_data(
        _rss(links), content_type="application/rss+xml"
    )
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/redirect").respond_with_data(
        "", status=302, headers={"Location": f"http://metadata.internal:{port}/latest/meta-data/"}
    )
    httpserver.expect_request("/ok").respond_with_data(PAGE, content_type="text/html")
    source = Source(
        key="outlet",
        name="outlet",
        url=f"http://127.0.0.1:{port}/rss.xml",
        selectors={"title": "h1", "body": "#b"},
    )
    assert not source.allow_private
    with _store(tmp_path) as store:
        report = collect(
            [source],
            store,
            fetcher=Fetcher(resolver=resolver, retries=0),
            settings=ScraperSettings(rate=0),
        )
        failures = store.failures()
        stored = [a.url for a in store.articles()]
    paths = [request.path for request, _ in httpserver.log]
    assert not [p for p in paths if p.startswith(("/secret", "/latest"))], paths
    assert stored == [f"http://127.0.0.1:{port}/ok"]  # the healthy article still lands
    # Each inside host is refused at its first request (its robots.txt, or the redirect's
    # target) and the refusal is recorded with the address and what to do.
    assert report.totals["failed_sources"] == 0
    reasons = "\n".join(f.reason for f in failures)
    assert reasons.count("non-public address") >= len(inside) - 1
    assert "allow_private = true" in reasons
    for host in (
        "localhost",
        "metadata.internal",
        "intranet.example",
        "rebind.example",
        "v6.example",
        "mapped.example",
        "nowhere.example",
        "0x7f000001",
        "2130706433",
        "'::1'",
        "169.254.169.254",
    ):
        assert f"{host}" in reasons, host


def test_a_feed_on_a_private_address_is_refused_unless_allowed(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(_rss([]))
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    url = httpserver.url_for("/rss.xml")
    with _store(tmp_path) as store:
        refused = collect(
            [Source(key="lan", name="lan", url=url)],
            store,
            fetcher=Fetcher(retries=0),
            settings=ScraperSettings(rate=0),
        )
        assert refused.totals["failed_sources"] == 1
        assert httpserver.log == []
        allowed = collect(
            [Source(key="lan", name="lan", url=url, allow_private=True)],
            store,
            fetcher=Fetcher(retries=0),
            settings=ScraperSettings(rate=0),
        )
    assert allowed.totals["failed_sources"] == 0
    assert [request.path for request, _ in httpserver.log][-1] == "/rss.xml"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://example.kr/", "dict://x:11211/"],
)
def test_other_schemes_are_never_fetched(url: str) -> None:
    from scraper.http import FetchError

    with pytest.raises(FetchError, match="only http and https"):
        Fetcher(resolver=resolver).get(url, allow_private=True)
