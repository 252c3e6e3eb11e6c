"""The SQLite archive: migrations, idempotent storage, tags, cache, JSON Lines round trip."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import datetime

import pytest

from archive.jsonl import RecordError, export_articles, import_articles
from archive.records import KST, Article, Evidence, Failure, Tag
from archive.schema import MIGRATIONS
from archive.store import ArchiveError, Store


def _article(n: int = 1, text: str = "청주 오송에서 AI 교육이 열렸다.") -> Article:
    return Article(
        url=f"https://news.example.kr/{n}",
        title=f"기사 {n}",
        text=text,
        source="demo",
        published=datetime(2026, 11, n, 9, 0, tzinfo=KST),
    )


def test_new_archive_is_migrated_with_wal_and_foreign_keys(tmp_path):
    with Store.open(tmp_path / "a.db") as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.integrity_ok()


def test_archive_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "a.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (999)")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="newer than this program"):
        Store.open(path)


def test_same_article_is_stored_once_and_updates_are_detected(tmp_path):
    with Store.open(tmp_path / "a.db") as store:
        assert store.save_article(_article()) == "new"
        assert store.save_article(_article()) == "unchanged"
        assert store.save_article(_article(text="고친 본문")) == "updated"
        assert store.article_count() == 1
        assert store.article(_article().id).text == "고친 본문"


def test_tags_are_replaced_per_origin_and_deleted_with_the_article(tmp_path):
    evidence = (Evidence("body", "청주 오송에서", 3, 5, "오송", "place"),)
    with Store.open(tmp_path / "a.db") as store:
        article = _article()
        store.save_article(article)
        store.replace_tags(article.id, [Tag("region", "충청북도", 0.9, evidence=evidence)], "v1")
        store.replace_tags(article.id, [Tag("company", "카카오", 1.0, "editor")], "v1", "editor")
        store.replace_tags(article.id, [Tag("region", "충청북도 청주시", 0.5)], "v2")
        tags = store.tags(article.id)[article.id]
        assert {(t.key, t.origin) for t in tags} == {
            ("충청북도 청주시", "auto"),
            ("카카오", "editor"),
        }
        assert store.articles_to_tag("v2") == []
        assert [a.id for a in store.articles_to_tag("v3")] == [article.id]
        store.conn.execute("DELETE FROM articles")
        assert store.tags() == {}


def test_evidence_round_trips(tmp_path):
    evidence = (Evidence("title", "카카오가 제주에", 0, 3, "카카오", "company:alias:word"),)
    with Store.open(tmp_path / "a.db") as store:
        store.save_article(_article())
        store.replace_tags(_article().id, [Tag("company", "카카오", 0.75, evidence=evidence)], "v")
        assert store.tags()[_article().id][0].evidence == evidence


def test_failures_and_runs_are_recorded(tmp_path):
    with Store.open(tmp_path / "a.db") as store:
        run = store.start_run("update")
        store.record_failure(Failure("demo", "http://x/1", "fetch", "HTTP 500"), run)
        store.finish_run(run, "partial", {"new": 3})
        assert store.failures(run)[0].reason == "HTTP 500"
        row = store.conn.execute("SELECT status, report FROM runs").fetchone()
        assert row[0] == "partial" and json.loads(row[1]) == {"new": 3}


def test_jsonl_round_trip_keeps_articles_and_given_tags(tmp_path):
    source = tmp_path / "in.jsonl"
    records = [
        {
            "url": "https://a.kr/1",
            "title": "충북 AI",
            "published": "2026-11-01T10:00:00+09:00",
            "source": "a",
            "text": "오송 바이오 AI",
            "tags": {"regions": ["충청북도"], "companies": ["카카오"]},
        },
        {
            "url": "https://a.kr/2",
            "title": "제주",
            "published": "2026-11-02T10:00:00",
            "source": "a",
            "text": "제주 AI",
        },
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    with Store.open(tmp_path / "a.db") as store:
        counts = import_articles(store, source)
        assert counts["new"] == 2 and counts["with_tags"] == 1
        assert import_articles(store, source)["unchanged"] == 2
        assert len(store.articles_to_tag("any")) == 1  # the tagged one is left alone
        out = io.StringIO()
        assert export_articles(store, out) == 2
    exported = {r["url"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert exported["https://a.kr/1"]["tags"] == {"regions": ["충청북도"], "companies": ["카카오"]}
    assert exported["https://a.kr/2"]["published"] == "2026-11-02T10:00:00+09:00"
    assert len(exported["https://a.kr/1"]["id"]) == 12


def test_bad_jsonl_line_names_file_and_line(tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"url": "https://a.kr/1", "title": "t", "text": "x"}\n{"url": 3}\n')
    with Store.open(tmp_path / "a.db") as store, pytest.raises(RecordError, match=r"bad\.jsonl:2"):
        import_articles(store, source)
