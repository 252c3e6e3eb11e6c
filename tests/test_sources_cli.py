"""`build.py sources` (health), `sources import|export` (OPML) and `extract` with site selectors."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer

from archive.records import KST, Failure, FetchState, Source
from archive.store import Store
from scraper.health import plain_table, source_health
from scraper.opml import import_opml, key_from_url, sources_to_opml
from scraper.sources import load_sources
from tests.conftest import run_build

ROOT = Path(__file__).resolve().parent.parent
SOURCES_TOML = """
[[source]]
key = "gn"
name = "경남AI신문"
url = "https://www.example-gn.kr/rss/allArticle.xml"
policy = "all"
region = "경상남도"
rate = 0.5
[source.selectors]
title = "h1.heading"
body = "#article-view-content-div"
drop = ["figure", ".share, .related"]

[[source]]
key = "jb-list"
name = "전북 목록"
url = "https://news.example-jb.kr/list.php?section=ai"
kind = "html"
enabled = false
[source.list]
item = "ul.list li"
link = "a.title"
date = "span.date"

[[source]]
key = "jj-map"
name = "제주 사이트맵"
url = "https://www.example-jj.kr/sitemap-news.xml"
kind = "sitemap"
max_items = 50
"""


def fields(source: Source) -> tuple[object, ...]:
    return (
        *(source.key, source.name, source.url, source.kind, source.policy, source.region),
        *(source.rate, source.enabled, source.max_items, source.selectors, source.list_selectors),
    )


def test_opml_round_trip_through_the_cli(tmp_path: Path) -> None:
    original = tmp_path / "sources.toml"
    original.write_text(SOURCES_TOML, encoding="utf-8")
    opml = tmp_path / "sources.opml"
    run_build("sources", "--sources", str(original), "export", str(opml))
    text = opml.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert 'xmlUrl="https://www.example-gn.kr/rss/allArticle.xml"' in text
    assert text.count("<outline") == 3

    copy = tmp_path / "copy.toml"
    result = run_build("sources", "--sources", str(copy), "import", str(opml))
    assert json.loads(result.stdout) == {"added": ["gn", "jb-list", "jj-map"], "skipped": []}
    assert [fields(s) for s in load_sources(copy)] == [fields(s) for s in load_sources(original)]
    # importing again adds nothing: every feed URL is already there
    again = run_build("sources", "--sources", str(copy), "import", str(opml))
    assert json.loads(again.stdout)["added"] == []
    assert len(json.loads(again.stdout)["skipped"]) == 3


def test_import_from_a_feed_reader_keeps_comments_and_derives_keys(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '# our outlets\n[[source]]\nkey = "etnews"\nname = "전자신문"\n'
        'url = "https://rss.etnews.com/Section901.xml"\n',
        encoding="utf-8",
    )
    opml = tmp_path / "reader.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="1.0"><head><title>내 구독</title></head><body>'
        '<outline text="IT"><outline type="rss" text="전자신문 속보" '
        'xmlUrl="https://rss.etnews.com/Section902.xml"/>'
        '<outline type="rss" title="AI타임스" xmlUrl="https://www.aitimes.com/rss/allArticle.xml"/>'
        '<outline type="rss" text="dup" xmlUrl="https://rss.etnews.com/Section901.xml"/>'
        "</outline></body></opml>",
        encoding="utf-8",
    )
    result = import_opml(opml, sources)
    assert result.added == ("etnews-2", "aitimes")
    assert result.skipped == ("https://rss.etnews.com/Section901.xml",)
    text = sources.read_text(encoding="utf-8")
    assert text.startswith("# our outlets\n")
    loaded = {s.key: s for s in load_sources(sources)}
    assert loaded["aitimes"].name == "AI타임스"
    assert loaded["etnews-2"].url == "https://rss.etnews.com/Section902.xml"
    assert key_from_url("https://feeds.feedburner.com/zdkorea") == "feedburner"


def test_export_escapes_names_and_selectors() -> None:
    source = Source(
        key="q",
        name='"AI" & <뉴스>',
        url="https://a.example.kr/rss?x=1&y=2",
        selectors={"drop": ["a > b"]},
    )
    text = sources_to_opml([source])
    assert 'text="&quot;AI&quot; &amp; &lt;뉴스&gt;"' in text
    assert 'xmlUrl="https://a.example.kr/rss?x=1&amp;y=2"' in text


def _sources() -> list[Source]:
    return [
        Source("fresh", "새 소식", "https://a.example.kr/rss"),
        Source("broken", "고장", "https://b.example.kr/rss"),
        Source("quiet", "조용", "https://c.example.kr/rss"),
        Source("moved", "이사", "https://d.example.kr/rss"),
        Source("new", "처음", "https://e.example.kr/rss"),
        Source("off", "쉼", "https://f.example.kr/rss", enabled=False),
    ]


def test_health_verdicts() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=KST)
    recent, old = now - timedelta(hours=3), now - timedelta(days=10)
    states = {
        "fresh": FetchState(
            "fresh",
            "https://a.example.kr/rss",
            last_status="200",
            last_success=recent,
            items=40,
            last_attempt=recent,
            last_new=recent,
        ),
        "broken": FetchState(
            "broken",
            "https://b.example.kr/rss",
            last_status="HTTP 404",
            last_success=old,
            failures=3,
            items=12,
            last_attempt=recent,
            last_new=old,
        ),
        "quiet": FetchState(
            "quiet",
            "https://c.example.kr/rss",
            last_status="304",
            last_success=recent,
            items=5,
            last_attempt=recent,
            last_new=old,
        ),
        "moved": FetchState(
            "moved",
            "https://d2.example.kr/feed",
            last_status="200",
            last_success=recent,
            items=3,
            last_attempt=recent,
            last_new=recent,
            moved_from="https://d.example.kr/rss",
        ),
    }
    failures = {
        "broken": Failure("broken", "https://b.example.kr/rss", "feed_fetch", "HTTP 404 (gone)")
    }
    rows = {row.key: row for row in source_health(_sources(), states, failures, now, stale_days=7)}
    verdicts = {key: row.verdict for key, row in rows.items()}
    assert verdicts == {
        "fresh": "ok",
        "broken": "failing",
        "quiet": "stale",
        "moved": "moved",
        "new": "never collected",
        "off": "disabled",
    }
    assert (
        rows["broken"].consecutive_failures == 3 and rows["broken"].last_error == "HTTP 404 (gone)"
    )
    assert rows["moved"].moved_to == "https://d2.example.kr/feed"
    assert rows["quiet"].stale and not rows["fresh"].stale
    # with a longer horizon the quiet source is fine
    longer = source_health(_sources(), states, failures, now, stale_days=30)
    assert {r.key: r.verdict for r in longer}["quiet"] == "ok"
    table = plain_table(list(rows.values()))
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["source", "verdict"]
    assert any(
        line.startswith("moved") and "moved to https://d2.example.kr/feed" in line for line in lines
    )


def test_sources_command_reads_the_archive(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nkey = "a"\nname = "가"\nurl = "https://a.example.kr/rss"\n'
        '[[source]]\nkey = "b"\nname = "나"\nurl = "https://b.example.kr/rss"\n',
        encoding="utf-8",
    )
    archive = tmp_path / "archive.sqlite3"
    with Store.open(archive) as store:
        store.record_fetch("a", "https://a.example.kr/rss", "200", ok=True, new_items=4)
        store.record_fetch("b", "https://b.example.kr/rss", "HTTP 500", ok=False)
        store.record_fetch("b", "https://b.example.kr/rss", "HTTP 500", ok=False)
        store.record_failure(
            Failure("b", "https://b.example.kr/rss", "feed_fetch", "HTTP 500 (server error)")
        )
    result = run_build("--archive", str(archive), "sources", "--sources", str(sources), "--json")
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["a"]["verdict"] == "ok" and rows["a"]["items"] == 4
    assert rows["a"]["last_success"].endswith("+09:00")
    assert rows["b"]["verdict"] == "failing" and rows["b"]["consecutive_failures"] == 2
    assert rows["b"]["last_error"] == "HTTP 500 (server error)"
    plain = run_build("--archive", str(archive), "sources", "--sources", str(sources))
    assert "failing" in plain.stdout and "HTTP 500 (server error)" in plain.stdout
    assert "\x1b[" not in plain.stdout  # no terminal colours when piped


def test_extract_uses_the_matching_source_selectors(tmp_path: Path, httpserver: HTTPServer) -> None:
    page = (ROOT / "content" / "demo" / "site" / "b" / "article" / "42.html").read_bytes()
    httpserver.expect_request("/b/article/42.html").respond_with_data(
        page, content_type="text/html"
    )
    sources = tmp_path / "sources.toml"
    demo = (ROOT / "content" / "demo" / "sources.toml").read_text(encoding="utf-8")
    sources.write_text(
        demo.replace("__BASE__", httpserver.url_for("").rstrip("/")), encoding="utf-8"
    )
    url = httpserver.url_for("/b/article/42.html")
    chosen = json.loads(run_build("extract", url, "--sources", str(sources), "--json").stdout)
    assert chosen["selectors_from"] == "demo-b"
    generic = json.loads(
        run_build("extract", url, "--sources", str(sources), "--generic", "--json").stdout
    )
    assert generic["selectors_from"] is None
    for result in (chosen, generic):
        assert result["title"] == "세종 다문화 요리 교실에 'AI 통역'…태국 똠얌꿍 끓이며 이웃 된다"
        assert result["published"] == "2026-11-05T10:10:00+09:00"
        assert result["text"].startswith("세종특별자치시 가족센터가")
