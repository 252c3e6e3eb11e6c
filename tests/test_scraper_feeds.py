"""Feed reading: RSS 2.0, Atom, EUC-KR, broken XML, HTML in titles, dates and de-duplication."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest

from archive.records import KST
from scraper.errors import FeedError
from scraper.feeds import parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "scraper"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_rss2_items_are_cleaned_canonical_and_deduplicated() -> None:
    items = parse_feed(fixture("rss2.xml"), "https://news.example-gj.kr/rss/ai.xml")
    assert [item.link for item in items] == [
        "https://news.example-gj.kr/news/articleView.html?idxno=2001",
        "https://news.example-gj.kr/news/articleView.html?idxno=2002",
    ]
    first, second = items
    assert first.title == '광주 AI 집적단지 2단계 "속도"'
    assert first.original_link.endswith("idxno=2001&utm_source=rss&utm_medium=feed")
    assert first.published == datetime(2026, 11, 3, 10, 15, tzinfo=KST)
    assert first.author == "이서연 기자"
    assert first.summary == "광주시가 인공지능 집적단지 2단계 사업을 앞당긴다. 둘째 문단"
    assert second.title == "첨단3지구 데이터센터 착공 <속보>"
    assert (
        second.original_link
        == "https://news.example-gj.kr/news/articleView.html?idxno=2002#comments"
    )
    # no offset in the feed: the time is Korean time
    assert second.published == datetime(2026, 11, 3, 8, 0, tzinfo=KST)
    assert second.published.utcoffset().total_seconds() == 9 * 3600


def test_atom_entries_with_xml_base_and_utc_dates() -> None:
    items = parse_feed(fixture("atom.xml").decode("utf-8"), "https://www.example-dj.kr/atom")
    assert [item.link for item in items] == [
        "https://www.example-dj.kr/article/3001",
        "https://www.example-dj.kr/article/3002",
    ]
    first, second = items
    assert first.title == "대덕특구 AI 반도체 실증센터 개소"
    assert first.author == "박준호"
    # published (not updated) wins, converted from UTC to KST
    assert first.published == datetime(2026, 11, 4, 9, 30, tzinfo=KST)
    assert first.published.tzinfo == KST
    assert second.published == datetime(2026, 11, 4, 8, 0, tzinfo=KST)
    assert second.original_link.endswith("?ref=main")


def test_euckr_feed_with_cp949_only_syllables() -> None:
    items = parse_feed(fixture("euckr_feed.xml"), "http://www.example-cb.kr/rss.xml", "text/xml")
    assert [item.title for item in items] == [
        "똠방각하 거리에 AI 창업센터",
        "오송 바이오 AI 인재 양성",
    ]
    assert items[0].summary == "청주 상당구에 인공지능 창업센터가 문을 연다."
    assert items[1].link == "http://www.example-cb.kr/news/articleView.html?idxno=102"


def test_euckr_feed_mislabelled_by_the_server_still_reads() -> None:
    items = parse_feed(
        fixture("euckr_feed.xml"), "http://x.example.kr/rss", "text/xml; charset=utf-8"
    )
    assert items[0].title == "똠방각하 거리에 AI 창업센터"


def test_truncated_feed_keeps_the_entries_it_has(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="scraper.feeds"):
        items = parse_feed(fixture("truncated.xml"), "https://www.example-bs.kr/rss")
    assert [item.link for item in items][:2] == [
        "https://www.example-bs.kr/news/4001",
        "https://www.example-bs.kr/news/4002",
    ]
    assert "malformed" in caplog.text


@pytest.mark.parametrize(
    "body",
    [b"<html><body><p>not a feed</p></body></html>", b"<rss><chann", b"", b"\x00\x01garbage"],
)
def test_unreadable_feed_raises_feed_error_naming_the_url(body: bytes) -> None:
    with pytest.raises(FeedError, match=r"https://bad\.example\.kr/rss"):
        parse_feed(body, "https://bad.example.kr/rss")


def test_empty_but_valid_feed_has_no_items() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert parse_feed(body, "https://empty.example.kr/rss") == []
