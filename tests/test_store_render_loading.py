"""What a render loads from the archive (Store.articles, Store.tags): read as plain rows, the
records come back exactly as they were saved, evidence with escaped lone surrogates included."""

from __future__ import annotations

from datetime import datetime

from archive.records import KST, Article, Evidence, Tag
from archive.store import Store


def _article(n: int, published: datetime | None) -> Article:
    return Article(
        url=f"https://news.example/ai/{n}",
        title=f"충북 AI 기사 {n}",
        text=f"본문 {n}. 청주 오송에서 AI 데이터센터를 짓는다.",
        source="example",
        published=published,
        excerpt=f"요약 {n}",
        author="기자",
        fetched=datetime(2026, 3, 2, 9, 0, tzinfo=KST),
        original_url=f"https://origin.example/{n}" if n % 2 else "",
    )


def test_articles_and_tags_load_as_saved(tmp_path):
    store = Store.open(tmp_path / "archive.sqlite3")
    saved = [
        _article(1, datetime(2026, 3, 1, 8, 30, tzinfo=KST)),
        _article(2, datetime(2026, 3, 2, 8, 30, tzinfo=KST)),
        _article(3, None),
    ]
    for article in saved:
        store.save_article(article)
    evidence = (Evidence("body", "청주 오송에서", 3, 5, "오송", "place"),)
    tags = {
        saved[0].id: [
            Tag("region", "충청북도", 0.9, primary=True, evidence=evidence),
            Tag("company", "카카오", 0.7, evidence=evidence),
            Tag("topic", "AI 데이터센터", 0.5),
        ],
        saved[1].id: [Tag("region", "충청북도 청주시", 0.8, evidence=evidence)],
    }
    for ident, article_tags in tags.items():
        store.replace_tags(ident, article_tags, "test-tagger")

    # an older archive's row: json escaped a lone surrogate, which orjson does not read
    raw = '[{"field":"title","sentence":"\\ud800 AI","start":0,"end":1,"surface":"\\ud800",'
    raw += '"rule":"place"}]'
    with store.conn:
        store.conn.execute(
            "INSERT INTO tags (article_id, kind, key, score, origin, is_primary, evidence) "
            "VALUES (?, 'region', '충청북도', 1.0, 'editor', 0, ?)",
            (saved[2].id, raw),
        )
    odd = (Evidence("title", "\ud800 AI", 0, 1, "\ud800", "place"),)
    tags[saved[2].id] = [Tag("region", "충청북도", 1.0, "editor", evidence=odd)]

    loaded = list(store.articles())
    assert loaded == [saved[1], saved[0], saved[2]]  # newest first, undated last
    assert store.tags() == {
        ident: sorted(ts, key=lambda t: (t.kind, -t.score, t.key)) for ident, ts in tags.items()
    }
    assert store.tags(saved[1].id) == {saved[1].id: tags[saved[1].id]}
    assert store.tags(saved[2].id) == {saved[2].id: tags[saved[2].id]}
