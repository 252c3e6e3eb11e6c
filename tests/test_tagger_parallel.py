"""The tag stage: worker processes give the same tags as one process, and a taxonomy change
re-tags the archive from the cached analyses without analysing anything again."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import pytest

from archive.records import KST, Article, Evidence, Tag, content_hash
from archive.store import Store, rows_digest, tag_rows, tags_digest
from nlp.document import doc_text
from nlp.parallel import Job, start_method, tag_jobs
from nlp.pipeline import open_pipeline, tag_archive
from nlp.tagger import TAGGER_VERSION


def _labelled_articles(root) -> list[Article]:
    """The 60+ hand-labelled articles (demo and hard ones) as archive articles."""
    articles = []
    start = datetime(2026, 1, 1, 9, tzinfo=KST)
    for path in sorted((root / "tests" / "fixtures" / "labels").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            articles.append(
                Article(
                    url=f"https://example.kr/{record['id']}",
                    title=record["title"],
                    text=record["text"],
                    source="labels",
                    published=start + timedelta(hours=len(articles)),
                )
            )
    return articles


def _snapshot(store: Store) -> dict:
    tags = {
        article: sorted(
            (
                t.kind,
                t.key,
                t.score,
                t.primary,
                tuple((e.rule, e.start, e.sentence) for e in t.evidence),
            )
            for t in found
        )
        for article, found in store.tags().items()
    }
    candidates = [(c.name, c.count, c.articles, c.examples) for c in store.candidates()]
    return {"tags": tags, "candidates": candidates}


class CountingAnalyzer:
    """The real analyzer, counting how often it is asked to analyse."""

    def __init__(self, analyzer) -> None:
        self.inner, self.calls = analyzer, 0
        self.backend, self.version = analyzer.backend, analyzer.version

    def analyze(self, text):
        self.calls += 1
        return self.inner.analyze(text)


@pytest.fixture(scope="module")
def articles(root):
    found = _labelled_articles(root)
    assert len(found) >= 60
    return found


def test_worker_processes_tag_exactly_like_one_process(pipeline, articles, tmp_path):
    with Store.open(tmp_path / "serial.sqlite3") as serial:
        for article in articles:
            serial.save_article(article)
        report = tag_archive(serial, pipeline, workers=1)
        assert report.tagged == len(articles) and report.failed == 0
        expected = _snapshot(serial)
    with Store.open(tmp_path / "parallel.sqlite3") as parallel:
        for article in articles:
            parallel.save_article(article)
        report = tag_archive(parallel, pipeline, workers=2, parallel_min=0, batch_size=25)
        assert report.tagged == len(articles) and report.failed == 0
        assert _snapshot(parallel) == expected
        cached = parallel.conn.execute("SELECT count(*) FROM analyses").fetchone()[0]
        assert cached == len(articles)  # the workers' analyses were cached by the parent
    assert any(t for t in expected["tags"].values())


_FORKED_RUN = """
import json, sys
from archive.store import Store
from nlp.parallel import start_method
from nlp.pipeline import open_pipeline, tag_archive
pipeline = open_pipeline(sys.argv[1], cache_dir=sys.argv[2])
with Store.open(sys.argv[3]) as store:
    report = tag_archive(store, pipeline, workers=2, parallel_min=0, batch_size=5)
print(json.dumps([start_method(pipeline.analyzer.backend), report.tagged, report.failed]))
"""


def test_forked_and_spawned_workers_tag_alike(root, pipeline, articles, tmp_path):
    """A fresh process with nothing else running forks its workers (they share its tagger and
    analyzer); with another thread running, workers are spawned (they load the tagger sent to
    them and open their own analyzer). Both tag like one process."""
    sample = articles[:12]
    for name in ("forked", "spawned"):
        with Store.open(tmp_path / f"{name}.sqlite3") as store:
            for article in sample:
                store.save_article(article)
    forked = subprocess.run(
        [
            sys.executable,
            "-c",
            _FORKED_RUN,
            str(root / "content" / "taxonomy"),
            str(root / ".cache" / "analyzer"),
            str(tmp_path / "forked.sqlite3"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(forked.stdout.splitlines()[-1]) == ["fork", len(sample), 0]

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert start_method(pipeline.analyzer.backend) == "spawn"
        with Store.open(tmp_path / "spawned.sqlite3") as store:
            report = tag_archive(store, pipeline, workers=2, parallel_min=0, batch_size=5)
            assert report.tagged == len(sample) and report.failed == 0
            spawned = _snapshot(store)
    finally:
        stop.set()
        other.join()
    with Store.open(tmp_path / "forked.sqlite3") as store:
        assert _snapshot(store) == spawned
    with Store.open(tmp_path / "serial.sqlite3") as store:
        for article in sample:
            store.save_article(article)
        tag_archive(store, pipeline, workers=1)
        assert _snapshot(store) == spawned and any(spawned["tags"].values())


def test_taxonomy_change_retags_from_the_cache_without_analysing(root, articles, tmp_path):
    """Adding a company re-tags from the cache: no analyzer call, no new analysis row, and only
    the article whose names changed is tagged anew; the others keep their tags."""
    taxonomy = tmp_path / "taxonomy"
    shutil.copytree(root / "content" / "taxonomy", taxonomy)
    cache = root / ".cache" / "analyzer"
    story = Article(
        url="https://example.kr/nuri",
        title="누리비전, 청주에 공장",
        text='김현배 누리비전 대표는 "충북 청주에 공장을 짓는다"고 말했다.',
        source="test",
    )
    with Store.open(tmp_path / "archive.sqlite3") as store:
        for article in [*articles, story]:
            store.save_article(article)
        first = open_pipeline(taxonomy, cache_dir=cache)
        first.analyzer = CountingAnalyzer(first.analyzer)
        tag_archive(store, first, workers=1)
        assert first.analyzer.calls == len(articles) + 1
        assert [c.name for c in store.candidates()] == ["누리비전"]
        rows = store.conn.execute("SELECT count(*) FROM analyses").fetchone()[0]

        with (taxonomy / "companies.toml").open("a", encoding="utf-8") as out:
            out.write(
                '\n[[company]]\nname = "누리비전"\nslug = "nurivision"\nregion = "충청북도"\n'
            )
        second = open_pipeline(taxonomy, cache_dir=cache)
        assert second.version != first.version
        assert second.analysis_key == first.analysis_key
        second.analyzer = CountingAnalyzer(second.analyzer)
        report = tag_archive(store, second, workers=1)

        assert report.tagged == len(articles) + 1  # every article re-tagged...
        assert second.analyzer.calls == 0  # ...without analysing any text again
        naming = sum("누리비전" in a.title + a.text for a in [*articles, story])
        assert (
            naming >= 2 and report.unchanged == len(articles) + 1 - naming
        )  # only those naming it
        assert store.conn.execute("SELECT count(*) FROM analyses").fetchone()[0] == rows
        assert "누리비전" in {t.key for t in store.tags(story.id)[story.id]}
        assert store.candidates() == []  # now a known company, no longer a candidate
        assert tag_archive(store, second, workers=1).tagged == 0  # and nothing is stale
        forced = tag_archive(store, second, retag_all=True, workers=1)
        assert (forced.tagged, forced.unchanged) == (len(articles) + 1, 0)


def test_full_retag_tells_unchanged_tags_by_their_digest(pipeline, articles, tmp_path):
    """`--all` keeps an article's rows when the digest of its new rows matches the stored one;
    an archive from before the digests (schema v5) compares rows once and records them."""
    sample = articles[:6]
    with Store.open(tmp_path / "archive.sqlite3") as store:
        for article in sample:
            store.save_article(article)
        tag_archive(store, pipeline, workers=1)
        expected = _snapshot(store)
        digests = dict(store.conn.execute("SELECT article_id, digest FROM tag_digests"))
        assert set(digests) == {a.id for a in sample}

        store.conn.execute("DELETE FROM tag_digests")  # as migrated from schema v5
        report = tag_archive(store, pipeline, retag_all=True, workers=1)
        assert report.tagged == len(sample)
        assert _snapshot(store) == expected
        assert dict(store.conn.execute("SELECT article_id, digest FROM tag_digests")) == digests

        # Rows that no longer match their digest are written anew by the next full re-tag.
        victim = sample[0].id
        store.conn.execute(
            "UPDATE tag_digests SET digest = 'stale' WHERE article_id = ?", (victim,)
        )
        store.conn.execute("UPDATE tags SET score = 0.01 WHERE article_id = ?", (victim,))
        tag_archive(store, pipeline, retag_all=True, workers=1)
        assert _snapshot(store) == expected
        assert dict(store.conn.execute("SELECT article_id, digest FROM tag_digests")) == digests


def test_articles_tagged_by_other_rules_count_in_full(pipeline, articles, tmp_path, caplog):
    """After a TAGGER_VERSION bump every article is tagged in full, so the work is counted in
    full and starts the workers; articles last tagged by these rules count 1/6 (they are
    probably unchanged) and are tagged in this process."""
    sample = articles[:12]
    with Store.open(tmp_path / "archive.sqlite3") as store:
        for article in sample:
            store.save_article(article)
        tag_archive(store, pipeline, workers=1)
        expected = _snapshot(store)
        # What the archive looks like to a tagger with new rules (another TAGGER_VERSION).
        store.conn.execute("UPDATE articles SET tagged_with = 't0:' || tagged_with")
        store.conn.execute("UPDATE tag_inputs SET digest = 'other rules ' || digest")
        with caplog.at_level(logging.INFO, logger="nlp.parallel"):
            report = tag_archive(store, pipeline, workers=2, parallel_min=len(sample))
        assert report.tagged == len(sample) and report.unchanged == 0
        assert "tagging with 2 worker processes" in caplog.text
        assert _snapshot(store) == expected

        caplog.clear()
        store.conn.execute(  # a taxonomy change that none of them names
            "UPDATE articles SET tagged_with = ?", (f"t{TAGGER_VERSION}:other taxonomy",)
        )
        with caplog.at_level(logging.INFO, logger="nlp.parallel"):
            report = tag_archive(store, pipeline, workers=2, parallel_min=len(sample))
        assert report.tagged == len(sample) and report.unchanged == len(sample)
        assert "worker processes" not in caplog.text


def test_workers_send_rows_only_when_their_digest_differs(pipeline, articles, tmp_path):
    """A worker digests its tags without encoding them (`tags_digest`, the same digest as the
    encoded rows give) and, where it matches the stored one, sends no rows back: the stored
    rows stay. Where it differs (rows edited behind the tagger's back), the rows come back and
    replace them."""
    sample = articles[:8]
    for article in sample:
        tags = pipeline.tag_text(article.title, article.text).tags
        assert tags_digest(tags) == rows_digest(tag_rows(tags))
        assert tags_digest(list(reversed(tags))) == tags_digest(tags)
    odd = Tag(
        "company", "이상\ud800한", 0.5, evidence=(Evidence("body", "a\ud800", 0, 1, "a", "r"),)
    )
    assert tags_digest([odd]) == rows_digest(tag_rows([odd]))  # a lone surrogate (json path)

    with Store.open(tmp_path / "archive.sqlite3") as store:
        for article in sample:
            store.save_article(article)
        tag_archive(store, pipeline, workers=1)
        expected = _snapshot(store)
        ids = sorted(a.id for a in sample)
        stored = store.tag_digests(ids)
        jobs = [
            Job(a.id, a.title, a.text, content_hash(doc_text(a.title, a.text)), None, None, d)
            for a in sample
            for d in (stored[a.id], "another digest")
        ]
        results = tag_jobs(pipeline, jobs)
        same, different = results[::2], results[1::2]
        assert all(r.same_tags and r.tags == () for r in same)
        assert all(not r.same_tags and r.tags for r in different)
        assert all(rows_digest(r.tags) == r.rows_digest for r in different)
        assert all(r.rows_digest == stored[r.article] for r in results)

        victim = ids[0]
        store.conn.execute("UPDATE tags SET score = 0.01 WHERE article_id = ?", (victim,))
        store.conn.execute(
            "UPDATE tag_digests SET digest = 'edited' WHERE article_id = ?", (victim,)
        )
        report = tag_archive(store, pipeline, retag_all=True, workers=1)
        assert report.tagged == len(sample)
        assert _snapshot(store) == expected
        assert store.tag_digests(ids) == stored
