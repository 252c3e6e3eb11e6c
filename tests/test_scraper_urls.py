"""Canonical URLs: one spelling per article."""

from __future__ import annotations

import pytest

from scraper.urls import canonical_url, is_tracking_param, is_web_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # tracking parameters go, the rest are sorted
        (
            "https://news.example.kr/view.html?utm_source=rss&idxno=12&utm_medium=feed&fbclid=x",
            "https://news.example.kr/view.html?idxno=12",
        ),
        (
            "https://news.example.kr/view?b=2&gclid=1&a=1&from=naver&ref=main&mc_cid=9",
            "https://news.example.kr/view?a=1&b=2",
        ),
        ("https://news.example.kr/view?UTM_Campaign=x&id=3", "https://news.example.kr/view?id=3"),
        # fragments, default ports, case of scheme and host; the path's case is kept
        ("HTTPS://News.Example.KR:443/News/View#comments", "https://news.example.kr/News/View"),
        ("http://news.example.kr:80/a", "http://news.example.kr/a"),
        ("http://news.example.kr:8080/a", "http://news.example.kr:8080/a"),
        ("https://news.example.kr", "https://news.example.kr/"),
        ("https://news.example.kr/a?", "https://news.example.kr/a"),
        # Hangul paths are percent-encoded; escapes are upper-cased
        ("https://news.example.kr/기사/1", "https://news.example.kr/%EA%B8%B0%EC%82%AC/1"),
        (
            "https://news.example.kr/%ea%b8%b0%ec%82%ac/1",
            "https://news.example.kr/%EA%B8%B0%EC%82%AC/1",
        ),
        # EUC-KR escapes in query values survive untouched
        ("http://n.example.kr/s?q=%C7%D1%B1%DB&p=1", "http://n.example.kr/s?p=1&q=%C7%D1%B1%DB"),
        # repeated keys keep their order
        ("http://n.example.kr/s?tag=b&tag=a", "http://n.example.kr/s?tag=b&tag=a"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected  # idempotent


def test_relative_links_are_made_absolute() -> None:
    base = "https://news.example.kr/rss/all.xml"
    assert canonical_url("/news/1?utm_source=rss", base) == "https://news.example.kr/news/1"
    assert canonical_url("../news/2", base) == "https://news.example.kr/news/2"


def test_non_web_urls_are_left_alone() -> None:
    assert canonical_url("mailto:desk@example.kr") == "mailto:desk@example.kr"
    assert canonical_url("javascript:void(0)") == "javascript:void(0)"
    assert not is_web_url("ftp://example.kr/a")
    assert is_web_url("https://example.kr/a")


def test_tracking_param_names() -> None:
    assert is_tracking_param("utm_content")
    assert is_tracking_param("fbclid")
    assert not is_tracking_param("idxno")
    assert not is_tracking_param("id")
