"""The tag stage reads the due articles' ids, then their texts one chunk at a time: after a
TAGGER_VERSION bump every article is due, and reading them all with their texts at once made
memory grow with the archive (~550 MB at 100,000 articles)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from archive.records import KST, Article
from archive.store import Store
from nlp.parallel import CHUNK_SIZE
from nlp.pipeline import tag_archive
from tests.conftest import CountingStore as Counting

ARTICLES = 2 * CHUNK_SIZE + 20


class CountingStore(Counting, Store):
    """The real archive, noting the most articles (with texts) read by one call."""

    def articles_to_tag(self, tagger_version: str) -> list[Article]:
        raise AssertionError("the tag stage must not read every due article at once")


def _article(n: int) -> Article:
    return Article(
        url=f"https://news.example.kr/tag/{n}",
        title=f"충북 청주 AI 기업 {n}호, 오송에 연구소",
        text=f"충청북도 청주시의 인공지능 기업 {n}호가 오송에 연구소를 열었다고 밝혔다. "
        "카카오와 네이버도 생성형 AI 실증에 참여한다.",
        source="demo",
        published=datetime(2026, 11, 2, 9, 0, tzinfo=KST),
    )


def _tags(store: Store) -> dict:
    return {
        ident: sorted((t.kind, t.key, t.score, t.primary, t.evidence) for t in tags)
        for ident, tags in store.tags().items()
    }


def test_a_version_bump_tags_every_article_reading_one_chunk_at_a_time(pipeline, tmp_path: Path):
    with CountingStore.open(tmp_path / "archive.sqlite3") as store:
        for n in range(ARTICLES):
            store.save_article(_article(n))
        # few articles, all new: the cache is looked up from their texts, a chunk at a time
        first = tag_archive(store, pipeline, workers=1)
        assert first.tagged == ARTICLES and first.failed == 0
        assert 0 < store.largest <= CHUNK_SIZE
        expected = _tags(store)
        assert len(expected) == ARTICLES and all(expected.values())

        # As after a TAGGER_VERSION bump: every article due and tagged in full, same tags.
        store.conn.execute("UPDATE articles SET tagged_with = 't0:' || tagged_with")
        store.conn.execute("UPDATE tag_inputs SET digest = 'other rules ' || digest")
        store.largest = 0
        again = tag_archive(store, pipeline, workers=1)
        assert (again.tagged, again.unchanged, again.failed) == (ARTICLES, 0, 0)
        assert 0 < store.largest <= CHUNK_SIZE
        assert _tags(store) == expected
        assert tag_archive(store, pipeline, workers=1).tagged == 0  # nothing is stale
