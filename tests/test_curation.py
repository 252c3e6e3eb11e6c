"""The curation file model: reading with line numbers, applying decisions, editing with comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.curation import (
    Curation,
    CurationError,
    Decision,
    DecisionEdit,
    TagRef,
    TagVocabulary,
    apply_decision,
    edit_curation,
    load_curation,
    parse_curation,
)
from archive.records import Evidence, Tag
from archive.taxonomy import load_taxonomy
from archive.tomlfile import parse_toml, read_toml

ID = "3f2a9c1b7d4e"


@pytest.fixture(scope="module")
def vocabulary(root):
    return TagVocabulary.of(load_taxonomy(root / "content" / "taxonomy"), ["생성형 AI"])


def _tags() -> list[Tag]:
    evidence = (Evidence("body", "광주에서 열린 행사", 0, 2, "광주", "official"),)
    return [
        Tag("region", "광주광역시", 0.75, primary=True, evidence=evidence),
        Tag("region", "광주광역시 북구", 0.5),
        Tag("region", "서울특별시", 0.5),
        Tag("company", "네이버", 0.875),
    ]


def test_tag_refs_parse_and_reject_unknown_kinds():
    assert TagRef.parse(" company: 카카오 ") == TagRef("company", "카카오")
    assert str(TagRef.parse("region:충청북도  청주시")) == "region:충청북도 청주시"
    with pytest.raises(CurationError, match="did you mean company"):
        TagRef.parse("compny:카카오")
    with pytest.raises(CurationError, match="KIND:NAME"):
        TagRef.parse("카카오")


def test_removed_sido_takes_its_sigungu_and_primary_moves():
    decision = Decision(ID, remove=(TagRef("region", "광주광역시"),))
    tags = apply_decision(_tags(), decision)
    assert [t.key for t in tags if t.kind == "region"] == ["서울특별시"]
    assert tags[0].primary, "the remaining 시·도 becomes primary"


def test_added_tags_win_with_editor_origin_and_keep_evidence():
    decision = Decision(
        ID,
        add=(
            TagRef("company", "카카오"),
            TagRef("region", "충청북도 청주시"),
            TagRef("company", "네이버"),
        ),
    )
    tags = {(t.kind, t.key): t for t in apply_decision(_tags(), decision)}
    assert tags[("company", "카카오")].origin == "editor"
    assert tags[("company", "카카오")].score == 1.0
    assert ("region", "충청북도") in tags, "a 시·군·구 brings its 시·도"
    naver = tags[("company", "네이버")]
    assert naver.origin == "editor" and naver.score == 1.0
    assert tags[("region", "광주광역시")].primary and not tags[("region", "충청북도")].primary


def test_parse_reports_each_problem_with_its_line(vocabulary):
    text = f"""# header
[article.{ID}]
add = ["company:카카오", "region:충북"]
remove = ["company:카카오"]
hide = "yes"
pinned = true
relevance = "maybe"

[article.3f2a9c]
pin = true
"""
    curation, problems = parse_curation(parse_toml(Path("c.toml"), text), vocabulary)
    found = {(p.line, p.message.split(" (")[0]) for p in problems}
    assert (3, "unknown region '충북' in region:충북") in found
    assert any(p.hint == "did you mean region:충청북도?" for p in problems)
    assert (4, "company:카카오 is both added and removed") in found
    assert (5, "hide must be true or false") in found
    assert (6, "unknown key 'pinned' in [article.3f2a9c1b7d4e]") in found
    assert any(p.line == 6 and p.hint == "did you mean pin?" for p in problems)
    assert (7, "relevance must be one of include, exclude") in found
    assert any(p.line == 9 and "looks like a prefix" in p.hint for p in problems)
    assert curation.get(ID) is not None and curation.get("3f2a9c") is None


def test_load_raises_with_the_first_problem(tmp_path, vocabulary):
    path = tmp_path / "curation.toml"
    path.write_text(f'[article.{ID}]\nadd = ["company:없는회사"]\n', encoding="utf-8")
    with pytest.raises(CurationError, match=r"curation.toml:2: unknown company"):
        load_curation(path, vocabulary)
    assert len(load_curation(tmp_path / "missing.toml")) == 0


def test_vocabulary_resolves_what_editors_type(vocabulary):
    assert vocabulary.resolve(TagRef("region", "충북")) == TagRef("region", "충청북도")
    assert vocabulary.resolve(TagRef("region", "청주시")) == TagRef("region", "충청북도 청주시")
    assert vocabulary.resolve(TagRef("region", "판교")) == TagRef("region", "경기도 성남시")
    assert vocabulary.resolve(TagRef("company", "Kakao")) == TagRef("company", "카카오")
    assert vocabulary.resolve(TagRef("topic", "생성형 AI")) == TagRef("topic", "생성형 AI")
    with pytest.raises(CurationError, match="add-company"):
        vocabulary.resolve(TagRef("company", "전혀없는이름주식회사"))


def test_edit_keeps_comments_and_order_and_prints_each_change(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text(
        "# 편집 원칙: 광고성 기사는 숨긴다\n\n"
        "[article.aaaaaaaaaaaa] # 첫 기사\n"
        "# 사람이 쓴 메모\n"
        'add = ["company:카카오"]\n',
        encoding="utf-8",
    )
    changes = edit_curation(
        path,
        ID,
        DecisionEdit(
            add=(TagRef("company", "네이버"),), remove=(TagRef("region", "광주광역시"),), pin=True
        ),
        comment="제주 AI 허브 꿈꾸는 카카오",
    )
    assert changes == ["+ company:네이버", "- region:광주광역시", "pin: (unset) → true"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 편집 원칙: 광고성 기사는 숨긴다\n")
    assert "# 사람이 쓴 메모" in text and "[article.aaaaaaaaaaaa] # 첫 기사" in text
    assert text.index("aaaaaaaaaaaa") < text.index(ID), "new entries go after existing ones"
    assert f"[article.{ID}] # 제주 AI 허브 꿈꾸는 카카오" in text
    again = edit_curation(path, ID, DecisionEdit(pin=True))
    assert again == [], "nothing changes twice"
    moved = edit_curation(path, ID, DecisionEdit(add=(TagRef("region", "광주광역시"),)))
    assert moved == ["+ region:광주광역시"]
    decision = load_curation(path).get(ID)
    assert decision is not None and TagRef("region", "광주광역시") in decision.add
    assert decision.remove == ()
    cleared = edit_curation(
        path,
        ID,
        DecisionEdit(
            reset=(TagRef("region", "광주광역시"), TagRef("company", "네이버")), pin=False
        ),
    )
    assert cleared[-1] == "entry removed (nothing left to decide)"
    assert ID not in path.read_text(encoding="utf-8")


def test_overrides_and_publication_flags(tmp_path):
    path = tmp_path / "curation.toml"
    edit_curation(path, ID, DecisionEdit(title="새 제목", excerpt="새 발췌", ai=False, hide=True))
    decision = load_curation(path).get(ID)
    assert decision and decision.title == "새 제목" and decision.excerpt == "새 발췌"
    assert not decision.published
    edit_curation(path, ID, DecisionEdit(ai=True, hide=False, relevance="include"))
    decision = load_curation(path).get(ID)
    assert decision and decision.published and decision.ai is None
    assert decision.relevance == "include"
    assert read_toml(path).line_of("article", ID, "relevance") > 1
    with pytest.raises(CurationError):
        edit_curation(path, "3f2a9c", DecisionEdit(pin=True))


def test_curation_apply_leaves_other_articles_alone():
    curation = Curation({ID: Decision(ID, remove=(TagRef("company", "네이버"),))})
    assert curation.apply("bbbbbbbbbbbb", _tags()) == _tags()
    assert all(t.key != "네이버" for t in curation.apply(ID, _tags()))
