"""`build.py explain`: every tag with its evidence, every rejected match with its reason."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from archive.records import KST, Article
from archive.store import Store
from nlp.explain import highlight
from nlp.pipeline import tag_archive
from tests.conftest import run_build

TITLE = "경기 침체에도 충북 AI 투자 늘어"
TEXT = (
    "[청주=뉴시스] 충북 청주의 AI 기업 아크릴이 새 연구소를 연다. "
    '박외진 아크릴 대표는 "이 방식이 업계에서 용인될지 지켜봐야 한다"고 말했다. '
    "중구에 사무소도 둔다. 누리비전 관계자도 참석했다."
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory, pipeline):
    path = tmp_path_factory.mktemp("explain") / "archive.sqlite3"
    article = Article(
        url="https://example.kr/news/1",
        title=TITLE,
        text=TEXT,
        source="test",
        published=datetime(2026, 3, 1, 9, tzinfo=KST),
    )
    with Store.open(path) as store:
        store.save_article(article)
        tag_archive(store, pipeline, workers=1)
    return path, article


def test_highlight_marks_the_match():
    assert highlight("카카오가  제주에\n간다", 0, 3) == "⟦카카오⟧가 제주에 간다"


def test_explain_json_has_evidence_rejections_and_candidates(archive):
    path, article = archive
    data = json.loads(run_build("--archive", str(path), "explain", article.id[:8], "--json").stdout)
    assert data["article"]["id"] == article.id
    assert data["version"]["stale"] is False
    tags = {(t["kind"], t["key"]): t for t in data["tags"]}
    chungbuk = tags[("region", "충청북도")]
    assert chungbuk["primary"] and chungbuk["listed"]
    assert sum(t["primary"] for t in data["tags"]) == 1
    rules = {e["rule"] for e in tags[("region", "충청북도 청주시")]["evidence"]}
    assert "sigungu:short:dateline" in rules
    acryl = tags[("company", "아크릴")]["evidence"]
    assert {e["rule"].rsplit(":", 1)[-1] for e in acryl} <= {"cue", "cue-elsewhere"}
    assert all("⟦아크릴⟧" in e["highlighted"] for e in acryl)
    reasons = {(r["surface"], r["reason"]) for r in data["rejected"]}
    assert ("경기", "common-word") in reasons
    assert ("용인", "verb-or-adjective") in reasons
    assert ("중구", "ambiguous-without-city") in reasons
    assert "뉴시스" not in {t["key"] for t in data["tags"]}
    assert [c["name"] for c in data["candidates"]] == ["누리비전"]


def test_explain_text_and_lookup_by_url(archive):
    path, article = archive
    text = run_build("--archive", str(path), "explain", article.url).stdout
    assert "Found but not tagged:" in text
    assert "경기 → sido 경기도: common-word" in text
    assert "⟦충북⟧" in text and "★" in text


def test_unknown_article_is_a_clear_error(archive):
    path, _ = archive
    result = run_build("--archive", str(path), "explain", "ffffffffffff", check=False)
    assert result.returncode != 0
    assert "no article with id, id prefix or URL 'ffffffffffff'" in result.stderr
