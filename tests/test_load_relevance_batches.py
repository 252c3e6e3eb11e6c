"""Load (issue 7, point 6) exposed: when the relevance scorer changes (topics.toml's [ai]
vocabulary, the AI companies, the model) every archived article is due, and the tag stage read
all of them with their texts at once (~550 MB at 100,000 articles, growing with the archive).
Scoring now reads the due ids, then the articles one batch at a time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from archive.records import KST, Article
from archive.store import Store
from nlp.relevance_stage import BATCH, open_scorer, score_archive
from tests.conftest import ROOT
from tests.conftest import CountingStore as Counting

ARTICLES = 2 * BATCH + 50


class CountingStore(Counting, Store):
    """The real archive, noting the most articles (with texts) read by one call."""


def _article(n: int) -> Article:
    return Article(
        url=f"https://news.example.kr/ai/{n}",
        title=f"대전 인공지능 기업 {n}호, AI 반도체 연구소 열어",
        text=f"대전 유성구의 인공지능 기업 {n}호가 AI 반도체 연구소를 열었다고 밝혔다. "
        "생성형 AI 모델을 지역 제조 현장에 적용하는 실증도 함께 추진한다.",
        source="demo",
        published=datetime(2026, 11, 2, 9, 0, tzinfo=KST),
    )


def test_scoring_reads_the_due_articles_one_batch_at_a_time(pipeline, tmp_path: Path) -> None:
    scorer = open_scorer(ROOT / "content" / "taxonomy", pipeline)
    with CountingStore.open(tmp_path / "archive.sqlite3") as store:
        for n in range(ARTICLES):
            store.save_article(_article(n))
        assert len(store.ids_to_score(scorer.version)) == ARTICLES
        report = score_archive(store, pipeline, scorer)
        assert report.scored == ARTICLES and report.failed == 0
        assert 0 < store.largest <= BATCH
        assert store.ids_to_score(scorer.version) == []  # all scored: the next run reads none
        assert score_archive(store, pipeline, scorer).scored == 0
        # a new scorer makes every article due again, still read batch by batch
        store.largest = 0
        again = score_archive(store, pipeline, scorer, rescore_all=True)
        assert again.scored == ARTICLES and store.largest <= BATCH
        scores = store.relevance_scores()
    assert len(scores) == ARTICLES and all(0.0 <= s <= 1.0 for s in scores.values())


def test_articles_with_tagged_with_keeps_the_order_and_skips_unknown_ids(tmp_path: Path) -> None:
    with Store.open(tmp_path / "archive.sqlite3") as store:
        for n in range(3):
            store.save_article(_article(n))
        ids = [_article(n).id for n in range(3)]
        wanted = [ids[2], "000000000000", ids[0]]
        got = store.articles_with_tagged_with(wanted)
    assert [a.id for a, _ in got] == [ids[2], ids[0]]
