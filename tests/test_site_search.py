"""Search with the pinned Pagefind: the nouns from the tagger's stored analyses make Korean words
with particles and compounds findable. Real KoNLPy tags the articles, real Pagefind indexes the
rendered pages, and Chromium runs Pagefind's own search code against them on loopback."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from archive.records import KST, Article
from archive.store import Store
from sitegen.config import SiteConfig
from sitegen.render import render_site
from sitegen.search import (
    SearchIndexError,
    analysed_text,
    build_search_index,
    nouns_from_analysis,
)
from tests.conftest import CHROMIUM, launch_chromium

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

ARTICLES = [
    ("ulsan", "울산AI데이터센터 착공", "울산시는 울산AI데이터센터를 새로 짓는다고 밝혔다."),
    ("kakao", "제주 첨단단지 새 교육과정", "카카오가 제주에서 청년 교육과정을 연다고 밝혔다."),
    ("seoul", "지역 균형발전 포럼 열려", "서울에서 열린 포럼에서 지역 격차가 논의됐다."),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory, pipeline, root) -> Path:
    """Three articles tagged by the real analyzer (analyses stored), rendered and indexed."""
    from nlp.pipeline import tag_archive

    work = tmp_path_factory.mktemp("search")
    with Store.open(work / "archive.sqlite3") as store:
        for i, (key, title, text) in enumerate(ARTICLES, start=1):
            store.save_article(
                Article(
                    url=f"https://news.example.kr/{key}",
                    title=title,
                    text=text,
                    source="fixture",
                    published=datetime(2026, 11, i, 9, tzinfo=KST),
                    excerpt=text[:20],
                )
            )
        tag_archive(store, pipeline)
        render_site(
            store, pipeline.taxonomy, SiteConfig(), root / "site_templates", work / "public"
        )
    report = build_search_index(work / "public", NODE_MODULES)
    assert report.pages == 3 and report.words > 0
    return work / "public"


@pytest.fixture(scope="module")
def search(site):
    """A function that runs a query through Pagefind's JS API in Chromium; returns result URLs."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh --test")
    from playwright.sync_api import sync_playwright

    from sitegen.serve import start_server

    server = start_server(site)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.goto(server.url + "search/")

        def run(query: str) -> list[str]:
            return page.evaluate(
                """async (q) => {
                    const pagefind = await import('/pagefind/pagefind.js');
                    const found = await pagefind.search(q);
                    return Promise.all(found.results.map(async r => (await r.data()).url));
                }""",
                query,
            )

        yield run
        browser.close()
    server.stop()


def _words(public: Path) -> dict[str, str]:
    """Each article page's visible text (the hidden noun block removed), by its slug."""
    import re

    pages = {}
    for page in public.glob("articles/*/*/*/index.html"):
        html = page.read_text()
        body = re.sub(r"<div hidden data-pagefind-weight[^>]*>.*?</div>", "", html, flags=re.S)
        pages[page.parent.name] = re.sub(r"<[^>]+>", " ", body)
    return pages


def test_each_article_page_carries_its_nouns(site):
    blocks = [
        p.read_text().split('<div hidden data-pagefind-weight="0.1">', 1)[1].split("</div>")[0]
        for p in site.glob("articles/*/*/*/index.html")
    ]
    joined = " ".join(blocks).split()
    for noun in ("카카오", "서울", "데이터센터", "센터", "울산"):
        assert noun in joined, noun
    assert "카카오가" not in joined and "서울에서" not in joined  # nouns, not word forms


def test_kakao_finds_the_page_whose_text_says_kakaoga(search):
    results = search("카카오")
    assert len(results) == 1 and "/articles/2026/11/" in results[0]


def test_seoul_finds_seoul_eseo(search):
    assert len(search("서울")) == 1


def test_a_noun_inside_a_compound_is_found_only_through_the_noun_block(site, search):
    """No word on the pages starts with 센터 (it is inside 울산AI데이터센터를): Pagefind's prefix
    matching alone cannot find it; the noun block can."""
    tokens = [w for text in _words(site).values() for w in text.split()]
    assert any("데이터센터를" in w for w in tokens)
    assert not any(w.startswith("센터") for w in tokens)
    assert len(search("센터")) == 1


def test_nouns_from_a_real_analysis(pipeline):
    article = Article(
        url="https://x.example/1", title="울산AI데이터센터", text="카카오가 왔다.", source="x"
    )
    text = analysed_text(article)
    from nlp.pipeline import encode_morphemes

    raw = encode_morphemes(pipeline.morphemes(text))
    nouns = nouns_from_analysis(text, raw)
    assert {"울산", "AI", "데이터", "센터", "데이터센터", "카카오"} <= set(nouns)
    assert nouns_from_analysis(text, "not json") == ()


def test_missing_pagefind_is_a_clear_error(tmp_path):
    (tmp_path / "index.html").write_text("<html></html>")
    with pytest.raises(SearchIndexError, match=r"scripts/setup.sh.*--no-search"):
        build_search_index(tmp_path, tmp_path / "no_node_modules")


def test_reindexing_swaps_the_bundle_whole(site):
    first = sorted(p.name for p in (site / "pagefind").iterdir())
    build_search_index(site, NODE_MODULES)
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == first
    assert not (site / ".pagefind-staging").exists() and not (site / ".pagefind-old").exists()
