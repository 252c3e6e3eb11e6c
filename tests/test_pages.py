"""Editors' pages and introductions, and curation decisions, as they appear in the rendered site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.curation import DecisionEdit, TagRef, edit_curation, load_curation
from archive.jsonl import import_articles
from archive.store import Store
from archive.taxonomy import load_taxonomy
from sitegen.config import SiteConfig
from sitegen.pages import PageError, load_editorial, load_pages, render_markdown
from sitegen.render import render_site

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "articles.jsonl"


def test_markdown_is_sanitised_and_site_links_get_the_base_path():
    html = render_markdown(
        "[지역](/regions/jeju/) [밖](https://example.org/) [나쁜](javascript:alert(1))\n\n"
        '<script>alert(1)</script><p onclick="x()">문단</p>\n\n'
        "연락: <{{ site.contact_url }}>",
        "/news/",
        {"site.contact_url": "https://example.org/contact"},
    )
    assert 'href="/news/regions/jeju/"' in html
    assert 'href="https://example.org/"' in html and 'rel="noopener nofollow"' in html
    assert "javascript:" not in html and "<script" not in html and "onclick" not in html
    assert 'href="https://example.org/contact"' in html


def test_page_errors_name_file_and_line(tmp_path):
    (tmp_path / "about.md").write_text('+++\ntitle = "소개"\ndate = "어제"\n+++\n본문\n', "utf-8")
    with pytest.raises(PageError, match=r"about\.md:3: date '어제' is not a date"):
        load_pages(tmp_path)
    (tmp_path / "about.md").write_text('+++\ntitle = "소개"\ndraft = true\n+++\n본문\n', "utf-8")
    assert load_pages(tmp_path) == (), "drafts are not published"


def test_project_pages_load(root):
    editorial = load_editorial(root / "content", SiteConfig())
    slugs = {p.slug for p in editorial.pages}
    assert {"about", "contact", "policy"} <= slugs
    assert [p.slug for p in editorial.menu] == ["about", "contact", "policy"]
    contact = next(p for p in editorial.pages if p.slug == "contact")
    assert "기사 ID" in contact.html and SiteConfig().contact_url in contact.html
    assert "chungbuk" in editorial.region_intros and "kakao" in editorial.company_intros


def test_cached_editorial_follows_every_edit(root, tmp_path):
    """Pages come from the cache only while the files and the settings they quote are the same."""
    from archive.content_cache import DigestCache

    content, cache = tmp_path / "content", DigestCache(tmp_path / "cache")
    for name in ("pages", "regions", "companies"):
        shutil.copytree(root / "content" / name, content / name)
    config = SiteConfig()
    first = load_editorial(content, config, cache)
    assert list((tmp_path / "cache").glob("editorial-*.pickle"))
    assert load_editorial(content, config, cache) == first == load_editorial(content, config)
    about = content / "pages" / "about.md"
    about.write_text(about.read_text("utf-8") + "\n덧붙인 문단\n", "utf-8")
    edited = load_editorial(content, config, cache)
    assert "덧붙인 문단" in next(p for p in edited.pages if p.slug == "about").html
    moved = SiteConfig(base_url="https://example.org/news/", contact_url="https://example.org/c")
    contact = next(p for p in load_editorial(content, moved, cache).pages if p.slug == "contact")
    assert "https://example.org/c" in contact.html


@pytest.fixture
def site(root, tmp_path):
    """The fixture archive rendered with the project's pages and a curation file of our own."""
    content = tmp_path / "content"
    for name in ("pages", "regions", "companies"):
        shutil.copytree(root / "content" / name, content / name)
    store = Store.open(tmp_path / "a.db")
    import_articles(store, FIXTURE)
    articles = list(store.articles())
    hidden, pinned, retitled = articles[0], articles[-1], articles[1]
    path = content / "curation.toml"
    edit_curation(path, hidden.id, DecisionEdit(hide=True))
    edit_curation(path, pinned.id, DecisionEdit(pin=True))
    edit_curation(
        path,
        retitled.id,
        DecisionEdit(
            title="편집자가 고친 제목",
            remove=(TagRef("region", "충청북도"),),
            add=(TagRef("company", "네이버"),),
        ),
    )
    out = tmp_path / "public"
    config = SiteConfig(per_page=5)
    render_site(
        store,
        load_taxonomy(root / "content" / "taxonomy"),
        config,
        root / "site_templates",
        out,
        source_names={"fixture": "테스트일보"},
        curation=load_curation(path),
        editorial=load_editorial(content, config),
    )
    yield {"out": out, "hidden": hidden, "pinned": pinned, "retitled": retitled, "store": store}
    store.close()


def _article_file(out: Path, article) -> Path:
    stamp = article.published
    return out / "articles" / f"{stamp.year:04d}" / f"{stamp.month:02d}" / article.id / "index.html"


def test_pages_and_introductions_are_rendered(site):
    out = site["out"]
    about = (out / "about" / "index.html").read_text()
    assert "<h1>소개</h1>" in about and "원문 링크" in about
    home = (out / "index.html").read_text()
    assert 'href="/about/"' in home and 'href="/contact/"' in home, "footer links to the pages"
    region = (out / "regions" / "chungbuk" / "index.html").read_text()
    assert 'class="intro"' in region and "오송 생명과학단지" in region


def test_hide_pin_title_and_tags_are_visible_in_the_site(site):
    out, hidden, pinned, retitled = site["out"], site["hidden"], site["pinned"], site["retitled"]
    assert not _article_file(out, hidden).exists(), "a hidden article has no page"
    home = (out / "index.html").read_text()
    assert hidden.title not in home
    first = home.index('class="article-item')
    assert home.index(pinned.title) > first and home.index(pinned.title) < home.index(
        'class="article-item', first + 1
    ), "the pinned (oldest) article comes first on the home page"
    assert "pinned-mark" in home
    page = _article_file(out, retitled).read_text()
    assert "<h1>편집자가 고친 제목</h1>" in page and retitled.title not in page
    assert "/regions/chungbuk/" not in page, "a removed 시·도 is gone with its 시·군·구"
    assert "/companies/naver/" in page, "an added company is shown"
    region = (out / "regions" / "chungbuk" / "index.html").read_text()
    assert "편집자가 고친 제목" not in region
    assert "편집자가 고친 제목" in (out / "companies" / "naver" / "index.html").read_text()
