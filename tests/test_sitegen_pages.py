"""The reader's pages: map, region charts and groups, company index, topics, article tags with
evidence, other reports of a story, related articles, feeds and sub-path hosting."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import feedparser
import pytest

from archive.jsonl import import_articles
from archive.records import KST, Article, Evidence, Tag
from archive.store import Store
from archive.taxonomy import load_taxonomy
from sitegen.charts import chart_summary, month_series, monthly_chart
from sitegen.config import SiteConfig
from sitegen.initials import group_by_heading, index_heading
from sitegen.map import compact_path, load_map
from sitegen.render import render_site
from sitegen.search import TITLE_GAP, nouns_from_analysis

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "articles.jsonl"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def taxonomy(root):
    return load_taxonomy(root / "content" / "taxonomy")


@pytest.fixture(scope="module")
def map_data(root):
    return load_map(root / "content" / "taxonomy" / "map.json")


def _evidence(sentence: str, surface: str) -> tuple[Evidence, ...]:
    start = sentence.index(surface)
    return (Evidence("body", sentence, start, start + len(surface), surface, "test"),)


def _id(n: int) -> str:
    from archive.records import article_id

    return article_id(f"https://news.example.kr/ai/{n}")


@pytest.fixture
def store(tmp_path):
    """The site fixture plus topics, a region group, evidence, a stored analysis and a copy."""
    with Store.open(tmp_path / "a.db") as store:
        import_articles(store, FIXTURE)
        jeju = _id(2)
        store.replace_tags(
            jeju,
            [
                Tag(
                    "region",
                    "제주특별자치도",
                    0.9,
                    primary=True,
                    evidence=_evidence("카카오가 제주에서 데이터센터를 짓는다.", "제주"),
                ),
                Tag(
                    "company",
                    "네이버",
                    0.8,
                    evidence=_evidence("네이버 관계자는 이렇게 말했다.", "네이버"),
                ),
                Tag("company", "카카오", 0.75),
                Tag(
                    "topic",
                    "데이터센터",
                    0.9,
                    evidence=_evidence("카카오가 제주에서 데이터센터를 짓는다.", "데이터센터"),
                ),
                Tag("group", "호남", 0.5),
            ],
            tagged_with="test",
        )
        for n in (7, 12):
            store.replace_tags(
                _id(n), [Tag("topic", "데이터센터", 0.9), Tag("group", "호남", 0.9)], "test"
            )
        copy = Article(
            url="https://other.example.kr/copy/2",
            title="다른 신문의 같은 기사",
            text="같은 이야기",
            source="other",
            published=datetime(2026, 9, 4, 11, 0, tzinfo=KST),
        )
        store.save_article(copy)
        store.set_duplicate_group(jeju, [copy.id])
        yield store


def _render(store, taxonomy, root, out: Path, map_data=None, **config):
    settings = SiteConfig(per_page=5, **config)
    return render_site(
        store,
        taxonomy,
        settings,
        root / "site_templates",
        out,
        source_names={"fixture": "테스트일보", "other": "다른일보"},
        map_data=map_data,
    )


@pytest.fixture
def public(store, taxonomy, root, tmp_path, map_data) -> Path:
    out = tmp_path / "public"
    _render(store, taxonomy, root, out, map_data)
    return out


def _page(public: Path, path: str) -> str:
    return (public / path.strip("/") / "index.html").read_text(encoding="utf-8")


def _article_page(public: Path, n: int) -> str:
    (page,) = public.glob(f"articles/*/*/{_id(n)}/index.html")
    return page.read_text(encoding="utf-8")


def test_home_and_regions_show_the_map_with_links_counts_and_credit(public):
    for path in ("/", "/regions/"):
        html = _page(public, path)
        svg = ET.fromstring(re.search(r"<svg[^>]*class=\"province-map\".*?</svg>", html, re.S)[0])
        anchors = {a.get("aria-label"): a.get("href") for a in svg.iter(f"{SVG}a")}
        assert len(anchors) == 17
        assert anchors["충청북도 6건"] == "/regions/chungbuk/"
        assert anchors["제주특별자치도 5건"] == "/regions/jeju/"
        assert "map-legend" in html and "KOSTAT, 공공누리 제1유형" in html
        assert 'href="/static/map.css"' in html


def test_map_outlines_are_compacted_without_moving_any_vertex(map_data):
    for region in map_data["regions"].values():
        original = [round(float(v)) for v in re.findall(r"-?\d+(?:\.\d+)?", region["path"])]
        compact = compact_path(region["path"])
        assert compact.startswith("M") and compact.endswith("z")
        points = []
        for ring in re.findall(r"M[^M]*", compact):
            numbers = [int(v) for v in re.findall(r"-?\d+", ring)]
            x, y = numbers[0], numbers[1]
            points.append((x, y))
            for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
                x, y = x + dx, y + dy
                points.append((x, y))
        assert set(points) <= set(zip(original[0::2], original[1::2], strict=True))
        assert len(compact) < len(region["path"]) * 0.6


def test_region_page_has_chart_topics_companies_groups_and_its_feed(public):
    html = _page(public, "/regions/jeju/")
    assert 'class="month-chart"' in html and '<table class="chart-table">' in html
    assert 'href="/regions/jeju/feed.xml"' in html  # the page's own feed, also in the header
    assert re.search(
        r'<li><a href="/regions/jeju/feed.xml" type="application/atom\+xml">구독', html
    )
    assert 'href="/topics/' in html and "데이터센터" in html
    assert 'href="/companies/naver/"' in html
    assert 'href="/regions/groups/jeju-gwon/"' in html  # the 권역 it belongs to


def test_region_groups_link_to_their_sido(public, taxonomy):
    honam = _page(public, "/regions/groups/honam/")
    for slug in ("gwangju", "jeonbuk", "jeonnam"):
        assert f'href="/regions/{slug}/"' in honam
    assert honam.count('class="article-item"') == 3  # the articles that name 호남
    index = _page(public, "/regions/groups/")
    assert all(f'href="/regions/groups/{g.slug}/"' in index for g in taxonomy.groups)


def test_company_page_lists_facts_regions_and_companies_mentioned_with_it(public):
    html = _page(public, "/companies/naver/")
    assert "종목코드" in html and "035420" in html
    assert "다른 이름" in html and "본사" in html
    aside = html.split('class="side-col"', 1)[1]
    assert 'href="/regions/jeju/"' in aside  # a region it appears in
    assert 'href="/companies/kakao/"' in aside  # mentioned in the same article
    assert 'href="/companies/naver/feed.xml"' in html


def test_company_index_is_grouped_by_initial_consonant_then_latin(public):
    html = _page(public, "/companies/")
    headings = re.findall(r'<h2 id="idx-\d+">(.*?)</h2>', html)
    assert headings == sorted(headings, key=lambda h: (h.isascii(), h))
    assert "ㅋ" in headings and "ㄴ" in headings
    section = html.split(">ㅋ</h2>", 1)[1].split("</section>", 1)[0]
    assert "카카오" in section and "크라우드웍스" in section


def test_index_headings():
    assert index_heading("카카오") == "ㅋ"
    assert index_heading("까치") == "ㄱ"  # a tense consonant is filed under its plain one
    assert index_heading("SK텔레콤") == "S" and index_heading("kt") == "K"
    assert index_heading("3D팩토리") == "#" and index_heading("㈜네이버") == "ㄴ"
    groups = group_by_heading(["LG", "네이버", "42dot", "가온", "Arm"], str)
    assert [h for h, _ in groups] == ["ㄱ", "ㄴ", "A", "L", "#"]


def test_topic_pages_index_and_feeds(public):
    index = _page(public, "/topics/")
    assert "데이터센터" in index and "3건" in index
    (topic_dir,) = [p for p in (public / "topics").iterdir() if p.is_dir()]
    html = (topic_dir / "index.html").read_text()
    assert "<h1>데이터센터</h1>" in html and html.count('class="article-item"') == 3
    feed = feedparser.parse((topic_dir / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 3
    assert all(e.published.endswith("+09:00") for e in feed.entries)


def test_article_tags_link_to_their_pages_with_evidence_on_focus(public):
    html = _article_page(public, 2)
    link = re.search(
        r'<a class="tag topic" href="(/topics/[^"]+)" aria-describedby="([^"]+)"', html
    )
    assert link, "topic tag with a description"
    evidence = re.search(
        rf'<span class="evidence" id="{link[2]}" role="tooltip"[^>]*>(.*?)</span>', html
    )
    assert evidence and "데이터센터를 짓는다" in evidence[1]
    assert 'class="tag group" href="/regions/groups/honam/"' in html
    assert 'data-pagefind-filter="지역">제주특별자치도</a>' in html
    assert 'data-pagefind-filter="기업">네이버</a>' in html
    assert 'data-pagefind-filter="주제">데이터센터</a>' in html
    assert '<details class="evidence-all"' in html  # the same sentences for touch screens


def test_other_reports_of_the_same_story_are_listed_not_duplicated(public):
    html = _article_page(public, 2)
    others = html.split('id="others-h"', 1)[1].split("</section>", 1)[0]
    assert "https://other.example.kr/copy/2" in others and "다른일보" in others
    home = _page(public, "/")
    assert "다른 신문의 같은 기사" not in home
    assert not list(
        public.glob("articles/*/*/" + Article("https://other.example.kr/copy/2", "", "", "").id)
    )


def test_related_articles_share_a_company_topic_or_region_newest_first(public):
    html = _article_page(public, 2)
    related = html.split('id="related-h"', 1)[1]
    numbers = [int(n) for n in re.findall(r"지역 AI 소식 (\d+)호", related)]
    assert related.count('class="article-item"') == 5
    assert numbers and numbers == sorted(numbers, reverse=True)


def test_feeds_of_every_list_page_parse_without_bozo(public):
    feeds = list(public.rglob("feed.xml"))
    assert any("topics" in str(f) for f in feeds) and any("companies" in str(f) for f in feeds)
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert all(e.published.endswith("+09:00") for e in parsed.entries), path


def test_sub_path_hosting_covers_new_pages_and_the_search_bundle(
    store, taxonomy, root, tmp_path, map_data
):
    out = tmp_path / "news"
    _render(store, taxonomy, root, out, map_data, base_url="https://example.org/news/")
    for path in ("/", "/regions/groups/honam/", "/topics/", "/companies/", "/search/"):
        html = _page(out, path)
        hrefs = re.findall(r'(?:href|src|data-bundle)="(/[^"]*)"', html)
        assert hrefs and all(h.startswith("/news/") for h in hrefs), (path, hrefs[:5])
        assert f'<link rel="canonical" href="https://example.org/news/{path.lstrip("/")}">' in html
        assert '<meta property="og:url"' in html and '<meta property="og:description"' in html
    search = _page(out, "/search/")
    assert 'data-bundle="/news/pagefind/"' in search and 'data-base="/news/"' in search
    assert re.search(r'<script src="/news/pagefind/pagefind-ui.js" defer>', search)
    svg_links = re.findall(r'<a href="([^"]+)" class="q\d"', _page(out, "/"))
    assert len(svg_links) == 17 and all(h.startswith("/news/regions/") for h in svg_links)


def test_only_the_search_page_has_scripts(public):
    for page in public.rglob("*.html"):
        html = page.read_text()
        if page.parent.name == "search":
            assert html.count("<script") == 2 and html.count(" defer>") == 2
        else:
            assert "<script" not in html, page


def test_monthly_chart_counts_every_month_and_names_itself():
    dates = [datetime(2026, m, 1, tzinfo=KST) for m in (9, 9, 11)] + [None]
    series = month_series(dates)
    assert [(m.month, m.count) for m in series] == [(9, 2), (10, 0), (11, 1)]
    svg = str(monthly_chart(series, title="제주 월별 기사 수", id_prefix="c"))
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}desc").text == chart_summary(series)
    assert "가장 많은 달은 2026년 9월 2건" in chart_summary(series)
    assert len(root.findall(f"{SVG}rect")) == 2  # no bar for an empty month
    assert month_series([]) == []


def test_nouns_block_comes_from_the_stored_analysis(store, taxonomy, root, tmp_path):
    article = store.article(_id(3))
    text = f"{article.title}{TITLE_GAP}{article.text}"
    start = text.index("산업")
    analysis = json.dumps({"s": [0, start], "e": [2, start + 2], "t": ["NNG", "NNG"]})
    from archive.records import content_hash

    store.cache_analyses([(content_hash(text), "test-analyzer", analysis)])
    assert nouns_from_analysis(text, analysis) == ("지역", "산업")
    out = tmp_path / "public"
    _render(store, taxonomy, root, out)
    html = _article_page(out, 3)
    assert '<div hidden data-pagefind-weight="0.1">지역 산업</div>' in html
    assert "data-pagefind-weight" not in _article_page(out, 4)  # no analysis stored: no block


def test_title_gap_matches_the_tagger(pipeline):
    from nlp.document import doc_text

    assert doc_text("제목", "본문") == f"제목{TITLE_GAP}본문"
