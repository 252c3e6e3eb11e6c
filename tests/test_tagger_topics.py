"""Topic tags from content/taxonomy/topics.toml, and the reusable keyword matcher under them."""

from __future__ import annotations

import pytest

from archive.taxonomy import TaxonomyError, load_taxonomy
from nlp.document import Document, doc_text
from nlp.keywords import KeywordMatcher


def _doc(pipeline, body: str, title: str = "") -> Document:
    return Document.build(title, body, pipeline.morphemes(doc_text(title, body)))


def _found(matcher: KeywordMatcher, doc: Document) -> list[tuple[str, str]]:
    hits, _ = matcher.find(doc)
    return [(h.label, h.surface) for h in hits]


def test_latin_keywords_never_match_inside_latin_words(pipeline):
    matcher = KeywordMatcher({"ai": ["AI"]})
    doc = _doc(pipeline, "KAIST와 TRAIN 팀, OpenAI, xAI는 빼고 AI와 생성형AI만 센다. ai는 소문자.")
    assert _found(matcher, doc) == [("ai", "AI"), ("ai", "AI")]
    _, misses = matcher.find(doc)
    assert {m.hit.surface for m in misses if m.reason == "inside-word"} >= {"AI"}


def test_phrases_match_with_and_without_spaces_and_longer_latin_in_any_case(pipeline):
    matcher = KeywordMatcher({"chip": ["AI 반도체"], "chat": ["ChatGPT"]})
    doc = _doc(pipeline, "AI반도체와 AI 반도체를 만든다. chatgpt와 CHATGPT를 쓴다.")
    assert _found(matcher, doc) == [
        ("chip", "AI반도체"),
        ("chip", "AI 반도체"),
        ("chat", "chatgpt"),
        ("chat", "CHATGPT"),
    ]


def test_hangul_keywords_end_compounds_on_morpheme_boundaries(pipeline):
    matcher = KeywordMatcher({"robot": ["로봇"], "farm": ["스마트팜"]})
    doc = _doc(pipeline, "협동로봇과 로봇청소기, 스마트팜에서 일하는 로봇이 늘었다.")
    assert [s for _, s in _found(matcher, doc)].count("로봇") == 3
    assert ("farm", "스마트팜") in _found(matcher, doc)


def test_negative_phrases_cancel_nearby_keywords_of_their_label(pipeline):
    matcher = KeywordMatcher({"ai": ["AI"]}, {"ai": ["조류인플루엔자"]})
    doc = _doc(pipeline, "인공지능(AI) 예찰을 한다. 고병원성 조류인플루엔자(AI) 발생에 대비한다.")
    hits, misses = matcher.find(doc)
    assert len(hits) == 1 and hits[0].start < doc.text.index("조류")
    assert [m.reason for m in misses] == ["negative:조류인플루엔자"]


def test_articles_get_topic_tags_with_evidence(pipeline):
    result = pipeline.tag_text(
        "업스테이지, 광주에 생성형 AI 아카데미",
        "업스테이지가 광주에서 거대언어모델(LLM) 교육 과정을 열고 지역 기업과 업무협약을 맺었다. "
        "KAIST 연구진도 참여한다.",
    )
    topics = {t.key: t for t in result.of_kind("topic")}
    assert {"생성형 AI", "인재 양성", "업무협약"} <= set(topics)
    generative = topics["생성형 AI"]
    assert generative.score > topics["업무협약"].score  # the title weighs most
    evidence = generative.evidence[0]
    assert evidence.sentence[evidence.start : evidence.end] == evidence.surface
    assert evidence.rule.startswith("topic:keyword:")
    assert not any(t.primary for t in result.of_kind("topic"))


def test_bird_flu_is_not_an_ai_topic(pipeline):
    result = pipeline.tag_text(
        "", "고병원성 조류인플루엔자(AI) 확산에 대비해 가금 농장 방역을 강화한다."
    )
    assert "의료·바이오 AI" not in {t.key for t in result.of_kind("topic")}


def test_topics_file_is_validated(tmp_path, root):
    for name in ("regions.toml",):
        (tmp_path / name).write_bytes((root / "content" / "taxonomy" / name).read_bytes())
    (tmp_path / "topics.toml").write_text(
        '[[topic]]\nname = "로봇"\nslug = "robotics"\nkeywords = ["로봇", ""]\n', encoding="utf-8"
    )
    with pytest.raises(TaxonomyError, match=r"topics\.toml: topic 로봇: `keywords`"):
        load_taxonomy(tmp_path)
    taxonomy = load_taxonomy(root / "content" / "taxonomy")
    assert 12 <= len(taxonomy.topics) <= 20
    assert len({t.slug for t in taxonomy.topics}) == len(taxonomy.topics)
