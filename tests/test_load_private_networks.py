"""Load (issue 7, point 6) exposed: loopback outlets need `allow_private`, and `true` let a feed's
redirect reach any private address (cloud metadata included). `allow_private` may now list the
networks a source's hosts may be in; a hop outside them is refused before connecting."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from archive.store import Store
from scraper.collect import collect
from scraper.errors import FetchError, SourceConfigError
from scraper.http import Fetcher, resolve_host
from scraper.opml import opml_tables, sources_to_opml
from scraper.settings import ScraperSettings
from scraper.sources import load_sources, parse_source

BODY = "".join(
    f"<p>대전 유성구의 인공지능 기업이 AI 반도체 연구 인력 {n}명을 새로 뽑는다고 밝혔다.</p>"
    for n in range(3)
)
PAGE = f'<html><head><meta charset="utf-8"></head><body><h1>제목</h1><div id="b">{BODY}</div></body></html>'
DNS = {"metadata.internal": ["169.254.169.254"], "intranet.example": ["10.0.0.7"]}


def resolver(host: str) -> list[str]:
    return DNS.get(host) or resolve_host(host)


def _source(base: str, allow: object) -> dict:
    return {
        "key": "loop",
        "url": f"{base}/rss.xml",
        "allow_private": allow,
        "rate": 0,
        "policy": "all",
        "selectors": {"title": "h1", "body": "#b"},
    }


def test_only_the_listed_networks_are_reachable(httpserver: HTTPServer, tmp_path: Path) -> None:
    base = httpserver.url_for("").rstrip("/")
    port = httpserver.port
    links = [
        f"{base}/ok",
        f"{base}/to-metadata",  # a loopback page that redirects to the metadata address
        f"http://metadata.internal:{port}/latest/meta-data/",  # a name that resolves there
        f"http://intranet.example:{port}/secret",
        f"http://169.254.169.254:{port}/latest/meta-data/",
    ]
    items = "".join(
        f"<item><title>기사 {n}</title><link>{link}</link></item>" for n, link in enumerate(links)
    )
    httpserver.expect_request("/rss.xml").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/ok").respond_with_data(PAGE, content_type="text/html")
    httpserver.expect_request("/to-metadata").respond_with_data(
        "", status=302, headers={"Location": f"http://169.254.169.254:{port}/latest/meta-data/"}
    )
    source = parse_source(_source(base, ["127.0.0.0/8"]))
    assert source.allow_private == ("127.0.0.0/8",)
    with Store.open(tmp_path / "archive.sqlite3") as store, Fetcher(resolver=resolver) as fetcher:
        report = collect(
            [source], store, fetcher=fetcher, settings=ScraperSettings(rate=0, retries=0)
        )
        failures = store.conn.execute("SELECT url, reason FROM failures").fetchall()
        stored = [row[0] for row in store.conn.execute("SELECT url FROM articles")]
    assert report.sources[0].status == "ok" and report.sources[0].new == 1
    assert stored == [f"{base}/ok"]
    reasons = {url: reason for url, reason in failures}
    assert set(reasons) == set(links[1:])
    for url in links[1:]:
        assert "non-public address" in reasons[url] and "outside allow_private" in reasons[url]
        assert "127.0.0.0/8" in reasons[url]
    assert "169.254.169.254" in reasons[f"{base}/to-metadata"]
    # The server only ever saw its own paths: nothing was fetched on the refused hosts' behalf.
    seen = {request.path for request, _ in httpserver.log}
    assert seen <= {"/rss.xml", "/robots.txt", "/ok", "/to-metadata"}


def test_true_still_allows_everything_and_false_nothing_private() -> None:
    with Fetcher(resolver=resolver) as fetcher:
        fetcher._check_target("http://intranet.example/x", True)
        with pytest.raises(FetchError, match="set allow_private = true"):
            fetcher._check_target("http://intranet.example/x", False)
        fetcher._check_target("http://intranet.example/x", ("10.0.0.0/8",))
        with pytest.raises(FetchError, match=r"outside allow_private \(10\.0\.0\.0/8\)"):
            fetcher._check_target("http://metadata.internal/x", ("10.0.0.0/8",))


@pytest.mark.parametrize("value", [[], ["not a network"], ["127.0.0.1/99"], "127.0.0.0/8", 1])
def test_a_bad_allow_private_names_the_source_and_the_form(value: object) -> None:
    with pytest.raises(SourceConfigError, match="source 'loop': allow_private must be true"):
        parse_source(_source("http://127.0.0.1:1", value))


def test_networks_survive_toml_and_opml(tmp_path: Path) -> None:
    toml = tmp_path / "sources.toml"
    toml.write_text(
        '[[source]]\nkey = "loop"\nurl = "http://127.0.0.1:1/rss.xml"\n'
        'allow_private = ["127.0.0.1/8", "fd00::/8"]\n'
    )
    (source,) = load_sources(toml)
    assert source.allow_private == ("127.0.0.0/8", "fd00::/8")  # normalised
    (back,) = opml_tables(sources_to_opml([source]).encode(), "sources.opml")
    assert parse_source(back).allow_private == ("127.0.0.0/8", "fd00::/8")
