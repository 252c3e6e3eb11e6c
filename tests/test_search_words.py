"""The search words cache: a render reads an article's text and stored analysis only when one of
them changed since the words were last made; every other time the cached words are the same
words the archive would give."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from archive.records import KST, Article, content_hash
from archive.store import Store
from sitegen.config import SiteConfig
from sitegen.render import WORDS_CACHE, render_site
from sitegen.search import TITLE_GAP, article_words


def _article(key: str, title: str, text: str) -> Article:
    return Article(
        url=f"https://news.example.kr/{key}",
        title=title,
        text=text,
        source="fixture",
        published=datetime(2026, 11, 2, 9, tzinfo=KST),
        excerpt=text[:20],
    )


def _analyse(store: Store, article: Article, nouns: list[str], analyzer: str = "mecab") -> None:
    """Store an analysis marking each given word (at its first place in the text) as a noun."""
    full = f"{article.title}{TITLE_GAP}{article.text}"
    starts = [full.index(noun) for noun in nouns]
    data = {
        "s": starts,
        "e": [s + len(n) for s, n in zip(starts, nouns, strict=True)],
        "t": ["NNP"] * len(nouns),
    }
    store.cache_analyses([(content_hash(full), analyzer, json.dumps(data))])


@pytest.fixture
def archive(tmp_path):
    with Store.open(tmp_path / "archive.sqlite3") as store:
        yield store


def _words(store: Store, cache: Path | None) -> dict[str, str]:
    return article_words(store, list(store.articles(texts=False)), cache)


def test_cached_words_are_used_while_text_and_analysis_stay(archive, tmp_path):
    ulsan = _article("ulsan", "울산 데이터센터 착공", "울산시는 데이터센터를 짓는다.")
    archive.save_article(ulsan)
    _analyse(archive, ulsan, ["울산", "데이터센터"])
    cache = tmp_path / "cache" / WORDS_CACHE
    first = _words(archive, cache)
    assert first == {ulsan.id: "울산 데이터센터"} and cache.exists()
    # The body changes behind the content hash's back: only a cache hit still gives the old words.
    archive.conn.execute("UPDATE articles SET text = '바뀐 본문' WHERE id = ?", (ulsan.id,))
    assert _words(archive, cache) == first
    assert _words(archive, None) == {}  # read from the archive: that body has no analysis


def test_an_analysis_stored_later_brings_the_words(archive, tmp_path):
    kakao = _article("kakao", "카카오 교육과정", "카카오가 제주에서 교육과정을 연다.")
    archive.save_article(kakao)
    cache = tmp_path / WORDS_CACHE
    assert _words(archive, cache) == {}  # not analysed yet
    _analyse(archive, kakao, ["카카오", "제주"])
    assert _words(archive, cache) == {kakao.id: "카카오 제주"}
    _analyse(archive, kakao, ["교육과정"], analyzer="zz-newer")  # analyses_any picks this one now
    assert _words(archive, cache) == {kakao.id: "교육과정"}


def test_a_changed_text_is_read_again(archive, tmp_path):
    old = _article("jeju", "제주 포럼", "제주에서 포럼이 열렸다.")
    archive.save_article(old)
    _analyse(archive, old, ["제주", "포럼"])
    cache = tmp_path / WORDS_CACHE
    assert _words(archive, cache) == {old.id: "제주 포럼"}
    new = _article("jeju", "제주 학회", "제주에서 학회가 열렸다.")
    archive.save_article(new)  # same URL, new content hash
    _analyse(archive, new, ["학회"])
    assert _words(archive, cache) == {new.id: "학회"}


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe3not marshal"])
def test_a_damaged_cache_is_rebuilt(archive, tmp_path, damage):
    seoul = _article("seoul", "서울 포럼", "서울에서 포럼이 열렸다.")
    archive.save_article(seoul)
    _analyse(archive, seoul, ["서울"])
    cache = tmp_path / WORDS_CACHE
    cache.write_bytes(damage)
    assert _words(archive, cache) == {seoul.id: "서울"}
    assert _words(archive, cache) == {seoul.id: "서울"}  # and the rewritten file is read back
    assert cache.read_bytes() != damage


def test_a_render_with_the_cache_writes_the_same_pages(archive, tmp_path, root, taxonomy):
    for key, title, text in [
        ("a", "울산 데이터센터 착공", "울산시는 데이터센터를 짓는다."),
        ("b", "카카오 교육과정", "카카오가 제주에서 교육과정을 연다."),
    ]:
        article = _article(key, title, text)
        archive.save_article(article)
        _analyse(archive, article, [text.split()[0][:2]])
    trees = []
    for name, cache in [("plain", None), ("cold", tmp_path / "c"), ("warm", tmp_path / "c")]:
        out = tmp_path / name
        render_site(archive, taxonomy, SiteConfig(), root / "site_templates", out, cache_dir=cache)
        trees.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.html")})
    assert trees[0] == trees[1] == trees[2]
    assert any('data-pagefind-weight="0.1">울산</div>' in b.decode() for b in trees[2].values())
