"""Document: sentences and boilerplate lines, as the tagger's evidence and filters need them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.document import _BOILERPLATE_LINE, Document, _boilerplate_lines

ROOT = Path(__file__).resolve().parent.parent


def _sentences(text: str) -> list[str]:
    doc = Document.build("", text)
    return [doc.text[s.start : s.end] for s in doc.sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("첫 문장이다. 둘째 문장이다.", ["첫 문장이다.", "둘째 문장이다."]),
        ('그는 "좋다." 라고 말했다.', ['그는 "좋다.', "라고 말했다."]),  # quotes go between
        ("끝…\n\n다음 줄", ["끝…", "다음 줄"]),
        ("a.. b", ["a..", "b"]),
        (".x", [".x"]),
        ("x\n.\ny", ["x", ".", "y"]),
        ("버전 2.0을 냈다.", ["버전 2.0을 냈다."]),
    ],
)
def test_sentences_end_after_the_mark_or_at_a_line_break(text, expected):
    assert _sentences(text) == expected


def _texts() -> list[str]:
    corpus = ROOT / "content/demo/corpus.jsonl"
    texts = [
        "\n\n".join(json.loads(line)["paragraphs"])
        for line in corpus.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [
        *texts,
        "본문입니다.\n트위터 페이스북 Copyright ⓒ 메트로신문",
        "본문.\nCOPYRIGHT Ⓒ 2026 지역AI타임즈. ALL RIGHTS RESERVED",
        "본문.\n저작권자 © 무단\n전재 및 재배포 금지",  # one match over two lines
        "박 대표는 말했다.\n대표\n전화 02-123-4567\n주소 : 서울 중구",
        "청소년 AI 교육이 열린다.\n청소년보호책임자 김철수",
        "İ 문자 뒤 copyright 줄\n발행인 이영희 편집인 박민수",  # İ lower-cases to two letters
        "대표 발표가 있었다. 대표 전화가 없다.",  # a word that starts no imprint line
    ]


def test_boilerplate_lines_are_what_the_pattern_finds_on_every_line():
    """Trying the pattern only on lines with one of its first words finds the same spans as
    scanning every line with it."""
    texts = _texts()
    found = [_boilerplate_lines(text) for text in texts]
    assert found == [[m.span() for m in _BOILERPLATE_LINE.finditer(t)] for t in texts]
    assert sum(bool(spans) for spans in found) >= 6


def test_boilerplate_line_is_skipped_but_the_story_is_not():
    doc = Document.build("제목", "카카오가 발표했다.\n대표\n전화 02-123-4567")
    story, phone = doc.text.index("카카오"), doc.text.index("02-")
    assert not doc.in_boilerplate(story)
    assert doc.in_boilerplate(phone) and doc.in_boilerplate(doc.text.index("대표"))
