"""The Fetcher against a loopback server that misbehaves on purpose: each test asserts what the
collector needs to know (the reason it failed, or the correct body), quickly."""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WerkzeugResponse

from scraper.charset import decode_html
from scraper.errors import FetchError
from scraper.http import Fetcher, retry_after_seconds

PAGE = "<html><body><p>충북 AI 바우처 사업에 지역 기업 40곳이 뽑혔다.</p></body></html>"


def make_fetcher(**options: object) -> Fetcher:
    settings: dict[str, object] = {"retries": 2, "backoff": 0.0, "read_timeout": 2.0}
    settings.update(options)
    return Fetcher("jiyeok-test/1.0", **settings)  # type: ignore[arg-type]


def test_500s_then_success(httpserver: HTTPServer) -> None:
    for _ in range(2):
        httpserver.expect_oneshot_request("/flaky").respond_with_data("oops", status=500)
    httpserver.expect_request("/flaky").respond_with_data(PAGE)
    response = make_fetcher(retries=2).get(httpserver.url_for("/flaky"), allow_private=True)
    assert response.body.decode() == PAGE
    assert len(httpserver.log) == 3


def test_slow_drip_hits_the_total_timeout(httpserver: HTTPServer) -> None:
    """One byte every 50 ms never trips the read timeout, only the total one."""

    def drip() -> Iterator[bytes]:
        for _ in range(200):
            time.sleep(0.05)
            yield b"x"

    httpserver.expect_request("/drip").respond_with_handler(
        lambda request: WerkzeugResponse(drip(), content_type="text/html")
    )
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 0.5 s"):
        make_fetcher(retries=0, read_timeout=1.0, total_timeout=0.5).get(
            httpserver.url_for("/drip"), allow_private=True
        )
    assert time.monotonic() - started < 3


def test_50_mb_body_is_refused_at_the_cap_without_reading_it_all(httpserver: HTTPServer) -> None:
    sent = {"bytes": 0}
    chunk = b"z" * 65536

    def huge() -> Iterator[bytes]:
        for _ in range(50 * 1024 * 1024 // len(chunk)):  # 50 MB, no Content-Length
            sent["bytes"] += len(chunk)
            yield chunk

    httpserver.expect_request("/huge").respond_with_handler(
        lambda request: WerkzeugResponse(huge(), content_type="text/html")
    )
    with pytest.raises(FetchError, match=r"too large.*limit 1048576"):
        make_fetcher(retries=0, max_bytes=1024 * 1024).get(
            httpserver.url_for("/huge"), allow_private=True
        )
    time.sleep(0.2)  # let the server notice the closed connection
    assert sent["bytes"] < 10 * 1024 * 1024


def test_declared_50_mb_is_refused_before_the_body(httpserver: HTTPServer) -> None:
    def declared(request: Request) -> WerkzeugResponse:
        response = WerkzeugResponse(b"x" * 10, content_type="text/html")
        response.headers["Content-Length"] = str(50 * 1024 * 1024)
        response.direct_passthrough = True
        return response

    httpserver.expect_request("/declared").respond_with_handler(declared)
    with pytest.raises(FetchError, match=r"too large \(52428800 bytes"):
        make_fetcher(retries=0).get(httpserver.url_for("/declared"), allow_private=True)


def test_redirect_loop_is_named(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match=r"redirect loop \(.*/a → .*/b\)"):
        make_fetcher().get(httpserver.url_for("/a"), allow_private=True)
    assert len(httpserver.log) <= 6


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [("gzip", gzip.compress), ("deflate", zlib.compress)],
)
def test_compressed_bodies_are_unpacked(httpserver: HTTPServer, encoding: str, pack) -> None:
    httpserver.expect_request("/z").respond_with_data(
        pack(PAGE.encode("cp949")),
        headers={"Content-Encoding": encoding},
        content_type="text/html; charset=euc-kr",
    )
    response = make_fetcher().get(httpserver.url_for("/z"), allow_private=True)
    request, _ = httpserver.log[-1]
    assert "gzip" in request.headers.get("Accept-Encoding", "")
    assert decode_html(response.body, response.content_type) == PAGE


def test_a_corrupt_gzip_body_is_a_fetch_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/bad").respond_with_data(
        b"\x1f\x8b\x08\x00garbage-not-gzip", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchError, match=r"corrupt|cut off|failed"):
        make_fetcher(retries=0).get(httpserver.url_for("/bad"), allow_private=True)


def test_retry_after_seconds_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_request("/busy").respond_with_data(PAGE)
    started = time.monotonic()
    response = make_fetcher(retries=1).get(httpserver.url_for("/busy"), allow_private=True)
    assert response.status == 200
    assert time.monotonic() - started >= 0.95
    first, second = (when for _, when in _stamps(httpserver))
    assert second - first >= 0.95


def test_retry_after_http_date_is_honoured(httpserver: HTTPServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    httpserver.expect_oneshot_request("/maint").respond_with_data(
        "maintenance", status=503, headers={"Retry-After": when}
    )
    httpserver.expect_request("/maint").respond_with_data(PAGE)
    started = time.monotonic()
    assert (
        make_fetcher(retries=1).get(httpserver.url_for("/maint"), allow_private=True).status == 200
    )
    assert time.monotonic() - started >= 0.5  # HTTP-dates have 1 s resolution


def test_retry_after_beyond_the_cap_fails_at_once_with_the_reason(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/later").respond_with_data(
        "come back tomorrow", status=503, headers={"Retry-After": "3600"}
    )
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"HTTP 503.*asks to wait 3600 s \(Retry-After\)") as info:
        make_fetcher(retries=3, max_retry_after=30).get(
            httpserver.url_for("/later"), allow_private=True
        )
    assert info.value.status == 503
    assert time.monotonic() - started < 2
    assert len(httpserver.log) == 1


def test_retry_after_parsing() -> None:
    now = datetime(2026, 11, 2, 5, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Mon, 02 Nov 2026 05:01:30 GMT", now) == 90
    assert retry_after_seconds("Mon, 02 Nov 2026 04:00:00 GMT", now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_permanent_redirects_are_reported_and_temporary_ones_are_not(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(
        "", status=308, headers={"Location": "/newer"}
    )
    httpserver.expect_request("/newer").respond_with_data(PAGE)
    httpserver.expect_request("/tmp").respond_with_data(
        "", status=302, headers={"Location": "/old"}
    )
    fetcher = make_fetcher()
    moved = fetcher.get(httpserver.url_for("/old"), allow_private=True)
    assert moved.moved_to == httpserver.url_for("/newer")
    assert moved.url == httpserver.url_for("/newer")
    via_temporary = fetcher.get(httpserver.url_for("/tmp"), allow_private=True)
    assert via_temporary.moved_to == ""  # the address itself has not moved
    assert via_temporary.body.decode() == PAGE


def _stamps(server: HTTPServer) -> list[tuple[str, float]]:
    return [(request.path, stamp) for request, stamp in _STAMPS.get(id(server), [])]


_STAMPS: dict[int, list[tuple[Request, float]]] = {}
_LOCK = threading.Lock()


@pytest.fixture(autouse=True)
def record_request_times(httpserver: HTTPServer) -> Iterator[None]:
    """Note when each request arrived (pytest-httpserver keeps requests, not their times)."""
    original = httpserver.dispatch

    def dispatch(request: Request) -> WerkzeugResponse:
        with _LOCK:
            _STAMPS.setdefault(id(httpserver), []).append((request, time.monotonic()))
        return original(request)

    httpserver.dispatch = dispatch  # type: ignore[method-assign]
    yield
    httpserver.dispatch = original  # type: ignore[method-assign]
    _STAMPS.pop(id(httpserver), None)
