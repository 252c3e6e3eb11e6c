"""`build.py eval`: labels loading, strict and lenient scoring, the CLI on a tiny labels file."""

from __future__ import annotations

import json

import pytest

from nlp.evaluate import Predicted, evaluate, predicted_from_tags
from nlp.labels import LabelError, load_labels
from tests.conftest import run_build


def _write(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    return path


def _label(**fields):
    base = {"id": "a1", "title": "", "text": "본문.", "sido": [], "sigungu": [], "companies": []}
    return {**base, **fields}


def test_strict_counts_soft_labels_lenient_ignores_them(tmp_path):
    path = _write(
        tmp_path / "labels.jsonl",
        [
            _label(
                sido=["충청북도", "충청남도"],
                sigungu=["충청북도 청주시"],
                companies=[["카카오", "Kakao"], ["페이스북", "Facebook"]],
                soft_labels={"sido": ["충청남도"], "sigungu": [], "companies": ["페이스북"]},
            )
        ],
    )
    (label,) = load_labels(path)
    predicted = Predicted(
        sido=frozenset({"충청북도", "서울특별시"}),
        sigungu=frozenset({"충청북도 청주시"}),
        companies=frozenset({"Kakao Corp", "페이스북", "넥슨"}),
    )
    result = evaluate([(label, predicted)], {"Kakao Corp": ["Kakao"]})
    strict, lenient = result.scores["strict"], result.scores["lenient"]
    # 충청남도 (soft) missed: a miss when strict only; 서울 is a false positive in both modes.
    assert (strict["sido"].tp, strict["sido"].fp, strict["sido"].fn) == (1, 1, 1)
    assert (lenient["sido"].tp, lenient["sido"].fp, lenient["sido"].fn) == (1, 1, 0)
    # The soft company 페이스북 was predicted: a true positive when strict, not counted lenient.
    assert (strict["companies"].tp, strict["companies"].fp, strict["companies"].fn) == (2, 1, 0)
    assert (lenient["companies"].tp, lenient["companies"].fp, lenient["companies"].fn) == (1, 1, 0)
    assert strict["sido"].precision == pytest.approx(0.5)
    assert lenient["sido"].recall == pytest.approx(1.0)
    misses = [(e.kind, e.name, e.soft) for e in result.errors if e.error == "miss"]
    assert misses == [("sido", "충청남도", True)]
    fps = {(e.kind, e.name) for e in result.errors if e.error == "false-positive"}
    assert fps == {("sido", "서울특별시"), ("companies", "넥슨")}


def test_texts_come_from_files_beside_the_labels_or_in_texts_dir(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "001.txt").write_text("제목입니다\n\n본문입니다.", encoding="utf-8")
    path = _write(
        tmp_path / "labels.jsonl",
        [_label(text=None, source="nlp/001.txt", title="제목입니다")],
    )
    with pytest.raises(LabelError, match=r"001\.txt.*--texts"):
        load_labels(path)
    (label,) = load_labels(path, texts)
    assert (label.title, label.body) == ("제목입니다", "본문입니다.")


def test_bad_labels_name_the_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "text": "a", "sido": "서울"}\n', encoding="utf-8")
    with pytest.raises(LabelError, match=r"bad.jsonl:1: `sido` must be a list"):
        load_labels(path)


def test_predictions_follow_the_listing_thresholds(pipeline):
    result = pipeline.tag_text("", "카카오가 충북 청주에 연구소를 연다. 서울대 연구팀도 참여한다.")
    predicted = predicted_from_tags(result.tags, 0.5, 0.5)
    assert predicted.sido == {"충청북도"}
    assert predicted.sigungu == {"충청북도 청주시"}
    assert predicted.companies == {"카카오"}
    assert not predicted_from_tags(result.tags, 1.0, 1.0).sido


def test_eval_command_prints_scores_and_errors(tmp_path):
    path = _write(
        tmp_path / "labels.jsonl",
        [
            _label(
                id="ok",
                title="카카오, 제주에 AI 캠퍼스",
                text="카카오가 제주에서 AI 교육을 연다.",
                sido=["제주특별자치도"],
                companies=[["카카오"]],
            ),
            _label(
                id="trap",
                text="경기 침체 속에 네이버는 부산에 데이터센터를 짓는다.",
                sido=["부산광역시", "울산광역시"],
                companies=[["네이버"], ["업스테이지"]],
            ),
        ],
    )
    data = json.loads(run_build("eval", str(path), "--json").stdout)
    assert data["articles"] == 2
    assert data["scores"]["strict"]["sido"] == {
        "tp": 2,
        "fp": 0,
        "fn": 1,
        "precision": 1.0,
        "recall": 0.6667,
        "f1": 0.8,
    }
    assert {(m["article"], m["name"]) for m in data["misses"]} == {
        ("trap", "울산광역시"),
        ("trap", "업스테이지"),
    }
    assert data["false_positives"] == []
    text = run_build("eval", str(path)).stdout
    assert "sido       strict" in text and "trap" in text and "업스테이지" in text
