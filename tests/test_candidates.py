"""Candidate companies: names next to company cues that the taxonomy does not know."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from archive.records import KST, Article
from archive.store import Store
from nlp.document import Document, doc_text
from nlp.pipeline import tag_archive
from tests.conftest import run_build


def _names(pipeline, text: str) -> dict[str, str]:
    doc = Document.build("", text, pipeline.morphemes(doc_text("", text)))
    return {c.name: c.cue for c in pipeline.tagger.candidates.find(doc)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('AI 스타트업 딥그린랩 김철수 대표는 "좋다"고 말했다.', {"딥그린랩": "대표"}),
        ("김현배 누리비전 대표는 투자 유치를 발표했다.", {"누리비전": "대표"}),
        ("세븐코어(대표 김주영)은 칩을 만든다.", {"세븐코어": "대표"}),
        ("㈜누리모빌리티는 제주에서 달린다.", {"누리모빌리티": "㈜"}),
        ("(주)마인드위즈는 AI 교육 콘텐츠를 만든다.", {"마인드위즈": "㈜"}),
        ("라온데이터(123456)는 데이터 라벨링 기업이다.", {"라온데이터": "ticker"}),
        ("비전웨이브 관계자는 이같이 밝혔다.", {"비전웨이브": "관계자"}),
        ("Bright Labs 관계자는 이같이 말했다.", {"Bright Labs": "관계자"}),
    ],
)
def test_names_next_to_company_cues_are_candidates(pipeline, text, expected):
    """(Made-up names: a company that joins the taxonomy is no longer a candidate.)"""
    assert _names(pipeline, text) == expected


def test_people_public_bodies_known_names_and_counts_are_not_candidates(pipeline):
    text = (
        "업계 관계자는 말했다. 과학기술정보통신부 관계자와 서울대 관계자, KAIST 관계자도 왔다. "
        "지방자치단체 관계자 300명이 참석했다. 아크릴 박외진 대표와 박외진 아크릴 대표. "
        "카카오 관계자와 구글코리아 관계자. 입주 기업 12곳을 뽑았다. "
        "[제주=이데일리 김유성 기자] 회사는 인공지능(AI) 서버를 늘린다. 기업 지원사업이 늘었다."
    )
    assert _names(pipeline, text) == {}


def test_the_company_before_a_persons_name(pipeline):
    assert _names(pipeline, "딥그린랩 박철민 대표는 말했다.") == {"딥그린랩": "대표"}


def _article(n: int, title: str, text: str) -> Article:
    return Article(
        url=f"https://example.kr/c/{n}",
        title=title,
        text=text,
        source="test",
        published=datetime(2026, 3, n, 9, tzinfo=KST),
    )


def test_tag_stage_stores_candidates_and_the_cli_lists_them(pipeline, tmp_path):
    archive = tmp_path / "archive.sqlite3"
    articles = [
        _article(
            1, "누리비전, 청주에 공장", '김현배 누리비전 대표는 "청주에 공장을 짓는다"고 말했다.'
        ),
        _article(
            2, "AI 투자 늘어", '누리비전 관계자는 "투자를 늘린다"고 밝혔다. ㈜딥그린랩도 참여했다.'
        ),
        _article(3, "AI 교육", "충북에서 AI 교육이 열린다."),
    ]
    with Store.open(archive) as store:
        for article in articles:
            store.save_article(article)
        tag_archive(store, pipeline, workers=1)
        tag_archive(store, pipeline, retag_all=True, workers=1)  # re-tagging does not double
        found = {c.name: c for c in store.candidates()}
        assert set(found) == {"누리비전", "딥그린랩"}
        nuri = found["누리비전"]
        assert nuri.count == 2 and set(nuri.cues) == {"대표", "관계자"}
        assert nuri.articles == (articles[1].id, articles[0].id)  # newest first
        assert len(nuri.examples) == 2 and "투자를 늘린다" in nuri.examples[0]
        assert [c.name for c in store.candidates(min_count=2)] == ["누리비전"]
    listed = json.loads(
        run_build("--archive", str(archive), "candidates", "--min-count", "2", "--json").stdout
    )
    assert [(c["name"], c["count"]) for c in listed] == [("누리비전", 2)]
    text = run_build("--archive", str(archive), "candidates").stdout
    assert "누리비전" in text and "딥그린랩" in text and "cues:" in text
