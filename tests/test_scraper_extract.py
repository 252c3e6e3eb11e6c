"""Article extraction (selectors, JSON-LD, trafilatura), dates, text clean-up and excerpts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.records import KST
from scraper.cleanup import clean_article_text, excerpt
from scraper.dates import parse_date
from scraper.extract import extract_article
from scraper.probe import extract_target

FIXTURES = Path(__file__).parent / "fixtures" / "scraper"
SELECTORS = {
    "title": "h3.heading",
    "body": "#article-view-content-div",
    "date": "ul.infomation li:nth-of-type(2)",
    "author": ".writer",
    "drop": [".ad-template", ".relation-news"],
}


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_site_selectors_path() -> None:
    url = "https://www.example-cb.kr/news/articleView.html?idxno=77&utm_source=rss"
    got = extract_article(page("article_selectors.html"), url, SELECTORS)
    assert got.title == "충북 AI 바우처, 지역기업 40곳 선정"
    assert got.published == datetime(2026, 11, 2, 14, 30, tzinfo=KST)  # 입력, not 수정
    assert got.author == "김민수"
    assert got.url == url
    assert got.canonical_url == "https://www.example-cb.kr/news/articleView.html?idxno=77"
    assert got.text.split("\n\n") == [
        "[청주=충북AI일보 김민수 기자] 충청북도가 인공지능(AI) 바우처 사업에 참여할 지역기업 40곳을 선정했다.",
        "도는 오송과 오창의 바이오·이차전지 기업이 AI 솔루션을 도입하도록 기업당 최대 2억 원을 지원한다고 2일 밝혔다.",
        '선정 기업은 청주와 충주, 제천에 고루 분포했다. 도 관계자는 "지역 제조업의 생산성을 높이겠다"고 말했다.',
    ]
    for noise in ("사진=", "광고 영역", "관련기사", "tracker", "페이스북", "minsu@", "무단전재"):
        assert noise not in got.text


def test_body_selector_that_matches_nothing_falls_back_to_the_generic_extractor() -> None:
    selectors = {"body": "#no-such-element"}
    got = extract_article(page("article_generic.html"), "https://gn.example.kr/a/9", selectors)
    assert got.text.startswith("[창원=경남AI뉴스 정하늘 기자]")


def test_json_ld_path() -> None:
    url = "https://www.example-jj.kr/news/articleView.html?idxno=5001"
    got = extract_article(page("article_jsonld.html"), url)
    assert got.title == "제주, 탐라 AI 허브 선언"  # JSON-LD headline beats og:title and <title>
    assert got.published == datetime(2026, 11, 5, 9, 0, tzinfo=KST)  # no offset given → KST
    assert got.published.utcoffset() == timedelta(hours=9)
    assert got.author == "고은비, 문태호"
    assert got.canonical_url == "https://www.example-jj.kr/news/5001"  # rel=canonical before og:url
    assert got.text.startswith("[제주=제주AI일보 고은비 기자] 제주특별자치도가")  # dateline kept
    assert "많이 본 뉴스" not in got.text and "한라산 첫눈" not in got.text


def test_trafilatura_fallback_path() -> None:
    got = extract_article(page("article_generic.html"), "https://gn.example.kr/news/6001")
    assert got.title == "창원 스마트공장에 제조 AI 확산"  # og:title without " | 경남AI뉴스"
    assert got.published == datetime(2026, 11, 6, 7, 45, tzinfo=KST)
    assert got.author == "정하늘"
    assert got.canonical_url == "https://gn.example.kr/news/6001"
    paragraphs = got.text.split("\n\n")
    assert paragraphs[0].startswith("[창원=경남AI뉴스 정하늘 기자] 경상남도 창원국가산업단지의")
    assert (
        paragraphs[-1]
        == '한 부품업체 대표는 "숙련공이 줄어드는 상황에서 AI 검사 장비가 큰 도움이 된다"고 말했다.'
    )
    for noise in ("창원 스마트공장에 제조 AI 확산", "사진=", "sky@", "ⓒ", "관련 기사", "대표전화"):
        assert noise not in got.text


def test_home_page_canonical_is_ignored() -> None:
    html = '<html><head><link rel="canonical" href="https://cms.example.kr/"></head><body></body></html>'
    got = extract_article(html, "https://cms.example.kr/news/1?utm_source=x")
    assert got.canonical_url == "https://cms.example.kr/news/1"


def test_page_without_article_gives_next_to_no_text() -> None:
    got = extract_article("<html><body><nav>홈</nav></body></html>", "https://x.example.kr/a")
    assert len(got.text) < 50  # collect records such pages as failures
    assert got.title == ""
    assert got.published is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02T14:30:00+09:00", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("2026-11-02T05:30:00Z", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("2026-11-02T14:30:00", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("2026.11.02 14:30", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("2026-11-02 14:30:00", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("2026년 11월 2일 14시 30분", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("2026년 11월 2일 오후 2시 30분", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("입력 2026.11.02 14:30 수정 2026.11.03 09:00", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("기사입력 : 2026-11-02 오전 9:05", datetime(2026, 11, 2, 9, 5, tzinfo=KST)),
        ("2026.11.02(월) 14:30", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("Mon, 02 Nov 2026 14:30:00 +0900", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("Mon, 02 Nov 2026 05:30:00 GMT", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("Mon, 02 Nov 2026 14:30:00", datetime(2026, 11, 2, 14, 30, tzinfo=KST)),
        ("2026-11-02 14:30:00 -0500", datetime(2026, 11, 2, 19, 30, tzinfo=UTC)),
        ("2026.11.02", datetime(2026, 11, 2, tzinfo=KST)),
    ],
)
def test_parse_date(text: str, expected: datetime) -> None:
    value = parse_date(text)
    assert value == expected
    assert value is not None and value.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize("text", [None, "", "어제", "2026.13.45 10:00", "1850-01-01"])
def test_parse_date_gives_none_for_non_dates(text: str | None) -> None:
    assert parse_date(text) is None


def test_clean_article_text_removes_sign_offs_and_copyright_but_keeps_the_dateline() -> None:
    text = "\n".join(
        [
            "(서울=연합뉴스) 김민수 기자 = 인공지능 기업들이 지역으로 향한다.",
            "둘째 문단이다.",
            "▲ 판교 테크노밸리 전경. (사진=경기도 제공)",
            "아크릴 충청 개발센터 개소식. /사진=아크릴",
            "광고",
            "셋째 문단이다. 김민수 기자 minsu@example.kr",
            "김민수 기자 minsu@example.kr",
            "<저작권자 ⓒ 연합뉴스, 무단 전재-재배포 금지>",
        ]
    )
    assert clean_article_text(text).split("\n\n") == [
        "(서울=연합뉴스) 김민수 기자 = 인공지능 기업들이 지역으로 향한다.",
        "둘째 문단이다.",
        "셋째 문단이다.",
    ]


def test_excerpt_short_text_is_unchanged() -> None:
    assert excerpt("짧은 본문이다.\n\n둘째 문단.") == "짧은 본문이다. 둘째 문단."


def test_excerpt_cuts_at_a_sentence_boundary() -> None:
    text = "첫 문장은 이렇게 끝난다. " * 4 + "마지막 문장은 아주 길어서 한도를 넘는다 " * 10
    result = excerpt(text, limit=80)
    assert len(result) <= 80
    assert result.endswith("끝난다.")
    assert not result.endswith("…")


def test_excerpt_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    text = "충청북도는 오송 바이오밸리에 인공지능 데이터센터를 세우고 " * 10
    result = excerpt(text, limit=60)
    assert len(result) <= 60
    assert result.endswith("…")
    assert text.startswith(result[:-1])
    assert result[-2] != " "
    words = set(text.split())
    assert result[:-1].split()[-1] in words  # the last word is whole


def test_excerpt_without_spaces_cuts_with_an_ellipsis() -> None:
    result = excerpt("가" * 300, limit=20)
    assert result == "가" * 19 + "…"


def test_json_ld_article_body_is_the_last_resort() -> None:
    body = "울산시가 조선업 공정에 인공지능을 도입하는 실증 사업을 시작한다고 7일 밝혔다. " * 2
    html = (
        '<html><head><script type="application/ld+json">'
        f'{{"@type": "NewsArticle", "headline": "울산 조선 AI", "articleBody": "{body}"}}'
        "</script></head><body><div id='app'></div></body></html>"
    )
    got = extract_article(html, "https://us.example.kr/n/1")
    assert got.title == "울산 조선 AI"
    assert got.text == body.strip()


def test_extract_target_reads_a_saved_file() -> None:
    result = extract_target(str(FIXTURES / "euckr_declared_ttom.html"))
    assert result["title"] == "충북 AI 데이터센터"
    assert "똠방각하" in str(result["text"])
    assert result["chars"] == len(str(result["text"]))
    assert str(result["url"]).startswith("file://")


def test_labelled_date_in_the_page_text_is_the_last_resort() -> None:
    html = (
        "<html><body><script>var d = '입력 2020.01.01 00:00';</script>"
        "<table><tr><td><span>입력 2026.08.03 14:30</span> | <span>수정 2026.08.04 09:00</span>"
        "</td></tr></table></body></html>"
    )
    got = extract_article(html, "https://b.example.kr/article/25.html")
    assert got.published == datetime(2026, 8, 3, 14, 30, tzinfo=KST)
