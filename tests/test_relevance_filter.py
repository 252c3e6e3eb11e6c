"""What the relevance filter publishes, the [ai] vocabulary file, the split and the fitting."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from archive.curation import Curation, Decision
from archive.records import Article
from archive.relevance import (
    RelevanceError,
    RelevanceFilter,
    SourcePolicy,
    load_ai_vocabulary,
    parse_policy,
)
from nlp.labels import LabelError
from nlp.relevance import load_model
from nlp.relevance_eval import (
    Counts,
    choose_threshold,
    evaluate_relevance,
    fit_logistic,
    format_evaluation,
    load_relevance_labels,
    predict,
    score_labels,
    set_of,
    split_of,
)

CORPUS = Path(__file__).parent / "fixtures" / "relevance" / "articles.jsonl"
FRESH = CORPUS.with_name("fresh.jsonl")


def article(ident: str, source: str) -> Article:
    return Article(url=f"https://news.example.kr/{ident}", title=ident, text="본문", source=source)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("all", SourcePolicy(keep_all=True)),
        ("filter", SourcePolicy()),
        (0.7, SourcePolicy(threshold=0.7)),
        (1, SourcePolicy(threshold=1.0)),
        ("0.25", SourcePolicy(threshold=0.25)),  # from OPML attributes
    ],
)
def test_parse_policy(value, expected):
    assert parse_policy(value) == expected


@pytest.mark.parametrize("value", ["some", 1.5, -0.1, True, "nan", None])
def test_parse_policy_refuses_with_what_to_write(value):
    with pytest.raises(ValueError, match=r'"all".*"filter".*threshold between 0 and 1'):
        parse_policy(value)


def test_verdicts_policy_threshold_and_editors():
    scores = {article(n, "s").id: score for n, score in [("hi", 0.8), ("mid", 0.5), ("lo", 0.1)]}
    gate = RelevanceFilter(
        scores,
        {"all": SourcePolicy(keep_all=True), "strict": SourcePolicy(threshold=0.6)},
        threshold=0.4,
    )
    assert gate.verdict(article("hi", "general")).reason == "above"
    assert gate.verdict(article("mid", "general")).published  # 0.5 ≥ default 0.4
    assert not gate.verdict(article("mid", "strict")).published  # 0.5 < the source's 0.6
    below = gate.verdict(article("lo", "general"))
    assert (below.published, below.reason, below.threshold) == (False, "below", 0.4)
    assert below.margin == pytest.approx(0.3)
    assert gate.verdict(article("lo", "all")).reason == "source-all"
    assert gate.verdict(article("new", "general")).reason == "not-scored"
    include = Decision(article("lo", "general").id, relevance="include")
    exclude = Decision(article("hi", "all").id, relevance="exclude")
    assert gate.verdict(article("lo", "general"), include).published
    assert not gate.verdict(article("hi", "all"), exclude).published  # editors decide last


def test_keep_and_counts_per_source():
    items = [article(n, src) for n, src in [("a", "g"), ("b", "g"), ("c", "g"), ("d", "all")]]
    scores = {items[0].id: 0.9, items[1].id: 0.1, items[3].id: 0.0}
    curation = Curation({items[0].id: Decision(items[0].id, hide=True)})
    gate = RelevanceFilter(scores, {"all": SourcePolicy(keep_all=True)}, 0.5)
    assert [a.title for a in gate.keep(items, curation)] == ["a", "d"]  # hide applies later
    assert gate.counts(items, curation) == {
        "all": {"collected": 1, "published": 1, "below": 0, "not_scored": 0, "editors": 0},
        "g": {"collected": 3, "published": 0, "below": 1, "not_scored": 1, "editors": 1},
    }


def test_vocabulary_file_problems_name_the_file(tmp_path):
    path = tmp_path / "topics.toml"
    path.write_text('[ai]\nterms = ["AI"]\nwords = ["x"]\n', encoding="utf-8")
    with pytest.raises(RelevanceError, match=r"topics\.toml: \[ai\] has unknown list\(s\) words"):
        load_ai_vocabulary(path)
    path.write_text('[ai]\nterms = "AI"\n', encoding="utf-8")
    with pytest.raises(RelevanceError, match=r"\[ai\] terms must be a list"):
        load_ai_vocabulary(path)
    path.write_text('[[topic]]\nname = "x"\n', encoding="utf-8")
    assert load_ai_vocabulary(path).terms == ()  # no [ai] table: an empty vocabulary


def test_vocabulary_fingerprint_changes_with_a_word(root, tmp_path):
    shipped = root / "content" / "taxonomy" / "topics.toml"
    vocabulary = load_ai_vocabulary(shipped)
    assert "인공지능" in vocabulary.terms and "고병원성" in vocabulary.avian
    grown = tmp_path / "topics.toml"
    text = shipped.read_text(encoding="utf-8")
    grown.write_text(text.replace("terms = [\n", 'terms = [\n    "시냅스엔진",\n', 1), "utf-8")
    assert load_ai_vocabulary(grown).fingerprint != vocabulary.fingerprint


def test_the_shipped_model_matches_the_features():
    model = load_model()
    assert 0 < model.threshold < 1
    assert model.trained["train_articles"] > 100
    assert model.weights["term_title"] > 0 and model.weights["commerce_title"] < 0
    assert model.weights["market_share"] < 0 and model.weights["culture_share"] < 0


def test_split_is_by_id_and_stable():
    labels = load_relevance_labels(CORPUS)
    splits = [label.split for label in labels]
    assert splits == [split_of(label.id) for label in labels]
    test = splits.count("test") / len(splits)
    assert 0.2 < test < 0.4
    assert split_of("rel_001") == split_of("rel_001")


def test_held_out_sets_are_their_own_split():
    assert split_of("fresh_012") == "fresh"
    assert split_of("fresh2_001") == "fresh2"
    assert split_of("rel_001") in ("train", "test")
    labels = [
        *load_relevance_labels(CORPUS),
        *load_relevance_labels(CORPUS.with_name("fresh.jsonl")),
        *load_relevance_labels(CORPUS.with_name("fresh2.jsonl")),
        *load_relevance_labels(CORPUS.with_name("fresh3.jsonl")),
        *load_relevance_labels(CORPUS.with_name("fresh4.jsonl")),
    ]
    result = evaluate_relevance(
        score_labels(labels, lambda label: 1.0 if label.relevant else 0.0), 0.5, "all"
    )
    held_out = ["fresh", "fresh2", "fresh3", "fresh4"]
    assert list(result.splits) == ["train", "test", *held_out, "all"]
    assert result.held_out == held_out
    assert result.splits["fresh"].tp + result.splits["fresh"].tn == 89
    assert result.splits["fresh2"].tp + result.splits["fresh2"].tn == 47
    fitted_train_only = evaluate_relevance(score_labels(labels, lambda label: 1.0), 0.5)
    assert fitted_train_only.held_out == ["test", *held_out]
    fitted_on_four = ",".join(["train", "test", *held_out])  # the shipped model's fitted_on
    assert (
        evaluate_relevance(score_labels(labels, lambda label: 1.0), 0.5, fitted_on_four).held_out
        == []
    )


def test_a_set_in_parts_is_reported_per_part_and_whole():
    labels = load_relevance_labels(CORPUS.with_name("fresh7.jsonl"))
    assert {label.split for label in labels} == {"fresh7_feed", "fresh7_trap"}
    assert set_of("fresh7_feed") == "fresh7" and set_of("fresh6") == "fresh6"
    # a stand-in score that publishes every article: precision is the share of relevant ones
    result = evaluate_relevance(score_labels(labels, lambda label: 1.0), 0.5, "train")
    assert list(result.splits) == ["fresh7_feed", "fresh7_trap", "fresh7", "all"]
    assert result.held_out == ["fresh7_feed", "fresh7_trap", "fresh7"]
    feed, trap, whole = (result.splits[n] for n in ("fresh7_feed", "fresh7_trap", "fresh7"))
    assert (feed.tp, feed.fp, trap.tp, trap.fp) == (12, 41, 12, 30)
    assert (whole.tp, whole.fp) == (feed.tp + trap.tp, feed.fp + trap.fp)
    rows = [line.split()[:2] for line in format_evaluation(result).splitlines()]
    assert ["fresh7_trap", "42"] in rows and ["fresh7", "95"] in rows


def test_fitting_refuses_a_held_out_set(root):
    done = subprocess.run(
        [
            sys.executable,
            "scripts/fit_relevance.py",
            "--dry-run",
            "--labels",
            str(CORPUS.with_name("fresh7.jsonl")),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "held-out articles (fresh7_feed, fresh7_trap ids)" in done.stderr


def test_labels_errors_name_the_line(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "본문", "relevant": "yes"}) + "\n", "utf-8")
    with pytest.raises(LabelError, match=r"labels\.jsonl:1: x: `relevant` must be true or false"):
        load_relevance_labels(path)


def test_fit_logistic_learns_the_direction_and_threshold_prefers_precision():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] - 0.5 * x[:, 1] + rng.normal(scale=0.3, size=200) > 0).astype(float)
    weights, bias = fit_logistic(x, y, l2=1.0)
    assert weights[0] > 0 > weights[1]
    scores = predict(x, weights, bias)
    threshold, counts = choose_threshold(scores, y, min_precision=0.97)
    assert counts.precision >= 0.97
    measured = Counts.of(scores >= threshold, y == 1)  # the middle of the best cuts
    assert measured.precision >= 0.95 and measured.recall > 0.5
