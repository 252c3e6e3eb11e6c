"""The Fetcher against a real loopback HTTP server."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WerkzeugResponse

from archive.records import FetchState
from scraper.errors import FetchError
from scraper.http import Fetcher, is_public_address


def make_fetcher(**options: object) -> Fetcher:
    settings: dict[str, object] = {"retries": 2, "backoff": 0.0, "read_timeout": 5.0}
    settings.update(options)
    return Fetcher("jiyeok-test/1.0", **settings)  # type: ignore[arg-type]


def test_get_returns_body_final_url_and_lowercased_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page", headers={"User-Agent": "jiyeok-test/1.0"}).respond_with_data(
        "<p>안녕</p>".encode(), content_type="text/html; charset=utf-8", headers={"ETag": '"v1"'}
    )
    response = make_fetcher().get(httpserver.url_for("/page"), allow_private=True)
    assert response.status == 200
    assert response.body == "<p>안녕</p>".encode()
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.etag == '"v1"'
    assert response.not_modified is False


def test_conditional_get_gives_not_modified(httpserver: HTTPServer) -> None:
    url = httpserver.url_for("/feed")
    httpserver.expect_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 02 Nov 2026 05:30:00 GMT"},
    ).respond_with_data("", status=304)
    state = FetchState("a", url, etag='"v1"', last_modified="Mon, 02 Nov 2026 05:30:00 GMT")
    response = make_fetcher().get(url, state=state, allow_private=True)
    assert response.not_modified is True
    assert response.status == 304
    assert response.body == b""


def test_validators_for_another_url_are_not_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("ok")
    state = FetchState("a", "http://elsewhere.example/feed", etag='"v1"')
    make_fetcher().get(httpserver.url_for("/feed"), state=state, allow_private=True)
    request, _ = httpserver.log[-1]
    assert "If-None-Match" not in request.headers


def test_redirects_are_followed_up_to_the_limit(httpserver: HTTPServer) -> None:
    for hop in range(7):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request("/r7").respond_with_data("end")
    fetcher = make_fetcher(max_redirects=5)
    response = fetcher.get(httpserver.url_for("/r2"), allow_private=True)  # 5 redirects
    assert response.url == httpserver.url_for("/r7")
    assert response.body == b"end"
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.get(httpserver.url_for("/r1"), allow_private=True)  # 6 redirects


def test_server_errors_are_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/flaky").respond_with_data("busy", status=503)
    httpserver.expect_request("/flaky").respond_with_data("ok")
    response = make_fetcher().get(httpserver.url_for("/flaky"), allow_private=True)
    assert response.body == b"ok"
    assert len(httpserver.log) == 2


def test_persistent_server_error_fails_after_the_retries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("no", status=500)
    with pytest.raises(FetchError, match="HTTP 500") as info:
        make_fetcher(retries=2).get(httpserver.url_for("/down"), allow_private=True)
    assert info.value.status == 500
    assert len(httpserver.log) == 3


def test_client_errors_are_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        make_fetcher().get(httpserver.url_for("/missing"), allow_private=True)
    assert len(httpserver.log) == 1


def test_connection_refused_fails_after_retries() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="connection failed after 3 attempt"):
        make_fetcher(retries=2).get(f"http://127.0.0.1:{port}/", allow_private=True)


def test_read_timeout(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> WerkzeugResponse:
        time.sleep(0.4)
        return WerkzeugResponse("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(FetchError, match="timed out"):
        make_fetcher(retries=0, read_timeout=0.1).get(
            httpserver.url_for("/slow"), allow_private=True
        )


def test_oversized_body_with_content_length_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(FetchError, match="too large"):
        make_fetcher(max_bytes=1000).get(httpserver.url_for("/big"), allow_private=True)


def test_oversized_streamed_body_is_refused(httpserver: HTTPServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"y" * 100

    httpserver.expect_request("/stream").respond_with_handler(
        lambda request: WerkzeugResponse(chunks(), content_type="text/html")
    )
    fetcher = make_fetcher(max_bytes=1000)
    with pytest.raises(FetchError, match="too large"):
        fetcher.get(httpserver.url_for("/stream"), allow_private=True)
    # under the cap the same stream is fine
    assert len(make_fetcher().get(httpserver.url_for("/stream"), allow_private=True).body) == 5000


def test_private_addresses_are_refused_unless_allowed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("secret")
    url = f"http://127.0.0.1:{httpserver.port}/x"
    with pytest.raises(FetchError, match=r"non-public address.*allow_private"):
        make_fetcher().get(url)
    assert len(httpserver.log) == 0
    assert make_fetcher().get(url, allow_private=True).body == b"secret"


def test_every_redirect_hop_is_checked(httpserver: HTTPServer) -> None:
    """A public-looking host that redirects to a private one is stopped at the second hop."""

    def resolver(host: str) -> list[str]:
        # Pretend the IP literal is a public host; `localhost` resolves for real.
        return ["93.184.216.34"] if host == "127.0.0.1" else ["127.0.0.1"]

    target = f"http://localhost:{httpserver.port}/inside"
    httpserver.expect_request("/out").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    httpserver.expect_request("/inside").respond_with_data("secret")
    fetcher = make_fetcher(resolver=resolver)
    with pytest.raises(FetchError, match=r"localhost.*non-public address"):
        fetcher.get(f"http://127.0.0.1:{httpserver.port}/out")
    assert [request.path for request, _ in httpserver.log] == ["/out"]


@pytest.mark.parametrize("url", ["ftp://example.kr/a", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        make_fetcher().get(url, allow_private=True)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public
