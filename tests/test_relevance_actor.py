"""Industry actors as subjects (nlp/relevance_actor.py), read from the real analyzer."""

from __future__ import annotations

import pytest

from archive.relevance import load_ai_vocabulary
from nlp.keywords import KeywordMatcher
from nlp.relevance_actor import is_actor, is_person, linked_actor, object_head, subjects


@pytest.fixture(scope="module")
def vocabulary(root):
    return load_ai_vocabulary(root / "content" / "taxonomy" / "topics.toml")


@pytest.fixture(scope="module")
def actors(vocabulary):
    return vocabulary.actors


def test_is_actor_reads_how_the_name_ends(actors):
    assert is_actor("광주시", actors) and is_actor("스타트업 새솔바이오", actors)
    assert is_actor("특허청", actors) and is_actor("회사", actors)
    assert not is_actor("도시", actors) and not is_actor("정도", actors)
    assert not is_actor("출연자들", actors) and not is_actor("강좌", actors)


def test_subjects_are_noun_runs_before_subject_particles(pipeline, actors, vocabulary):
    doc = pipeline.tag_text(
        "누리칩스, NPU 공급 계약",
        "(판교=신우람 기자) 지역 AI 기업 온담헬스가 판독 소프트웨어를 출시했다. "
        "출연자들은 AI 비서에게 길을 물었다.",
    ).doc
    title = [s.surface for s in subjects(doc, 0, doc.title_end, headline=True)]
    assert title == ["누리칩스"]
    body = [s.surface for s in subjects(doc, doc.title_end, len(doc.text))]
    assert "지역 AI 기업 온담헬스" in body and "출연자들" in body
    industry, _ = KeywordMatcher({"industry": vocabulary.industry}).find(doc)
    first = doc.sentences[1]
    found = linked_actor(doc, first.start, first.end, actors, industry)
    assert found is not None and found[0].surface == "지역 AI 기업 온담헬스"
    assert found[1].surface == "출시"
    last = doc.sentences[-1]
    assert linked_actor(doc, last.start, last.end, actors, industry) is None


def test_people_and_talk_events_are_not_actors(vocabulary):
    assert is_person("학생들", vocabulary.people) and is_person("여섯 명", vocabulary.people)
    assert is_person("논쟁", vocabulary.people)
    assert not is_person("광주시", vocabulary.people) and not is_person("회사", vocabulary.people)


def test_object_head_is_what_the_industry_word_acts_on(pipeline, vocabulary):
    doc = pipeline.tag_text(
        "편의점, 로봇 캐릭터 굿즈 출시…SF 명작 10편 편성",
        "(서울=신우람 기자) 제과업체가 한정판 과자를 출시했다. 회사는 AI 플랫폼을 개발했다. "
        "시는 예산을 늘려 지원했다.",
    ).doc
    industry, _ = KeywordMatcher({"industry": vocabulary.industry}).find(doc)
    heads = {}
    for hit in industry:
        sentence = doc.sentence_at(hit.start)
        heads[hit.surface + str(hit.start)] = object_head(
            doc, hit, sentence.start, headline=sentence.field == "title"
        )
    found = set(heads.values())
    assert {"굿즈", "명작", "과자", "플랫폼"} <= found  # numbers and counters read through
    assert "예산" not in found  # 늘려 지원했다: the object is not the industry word's
