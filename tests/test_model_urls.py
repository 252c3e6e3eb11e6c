"""`http_url` decides which links reach a page: its fast path must agree with urlsplit() exactly."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest

from sitegen.model import http_url


def _by_urlsplit(url: str) -> str | None:
    """What http_url answered before its fast path (None where urlsplit refuses the URL)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example.kr/a?b=c#d", "https://news.example.kr/a?b=c#d"),
        ("HTTP://NEWS.EXAMPLE.KR", "HTTP://NEWS.EXAMPLE.KR"),
        ("  http://news.example.kr/a  ", "http://news.example.kr/a"),
        ("https://뉴스.kr/기사", "https://뉴스.kr/기사"),
        ("http:///no-host", ""),
        ("javascript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("//news.example.kr/a", ""),
        ("/relative", ""),
        ("", ""),
    ],
)
def test_http_url(url, expected):
    assert http_url(url) == expected == _by_urlsplit(url)


def test_fast_path_agrees_with_urlsplit_on_random_urls():
    rnd = random.Random(20261123)
    alphabet = "hHtTpPsS:/?#[]@ \t\n.a1%한\x00\x0b\u3000"
    for _ in range(20000):
        tail = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        for url in (tail, rnd.choice(["http://", "https://", "HTTPS://", "http:/"]) + tail):
            expected = _by_urlsplit(url)
            if expected is not None:
                assert http_url(url) == expected, repr(url)
