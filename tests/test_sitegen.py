"""Rendering: pages, pagination, feeds, sitemap, escaping, sub-path hosting, determinism."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from sitegen.config import SiteConfig, SiteConfigError, load_site_config
from sitegen.render import render_site
from sitegen.writer import OutputError, Writer


def _render(store, taxonomy, root, out: Path, **config) -> object:
    settings = SiteConfig(**{"per_page": 5, **config})
    return render_site(
        store,
        taxonomy,
        settings,
        root / "site_templates",
        out,
        source_names={"fixture": "테스트일보"},
    )


def _all_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_site_has_the_pages_readers_need(store, taxonomy, root, tmp_path):
    out = tmp_path / "public"
    report = _render(store, taxonomy, root, out)
    assert report.pages > 40
    for path in (
        "index.html",
        "regions/index.html",
        "regions/chungbuk/index.html",
        "regions/jeju/index.html",
        "companies/index.html",
        "feed.xml",
        "regions/chungbuk/feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "static/style.css",
        "archive/index.html",
        "archive/2026/09/index.html",
    ):
        assert (out / path).is_file(), path
    home = (out / "index.html").read_text()
    assert '<html lang="ko">' in home
    assert "충청북도" in home and "지역 AI 소식 24호" in home


def test_region_pages_are_paginated_newest_first(store, taxonomy, root, tmp_path):
    out = tmp_path / "public"
    _render(store, taxonomy, root, out)
    first = (out / "regions/chungbuk/index.html").read_text()
    oldest = (out / "regions/chungbuk/page/1/index.html").read_text()
    titles = re.findall(r"지역 AI 소식 (\d+)호", first)
    assert [int(t) for t in titles] == sorted((int(t) for t in titles), reverse=True)
    older = [int(t) for t in re.findall(r"지역 AI 소식 (\d+)호", oldest)]
    assert older and max(older) < min(int(t) for t in titles)  # no article on two pages
    assert 'rel="next" href="/regions/chungbuk/page/1/"' in first
    assert 'rel="prev" href="/regions/chungbuk/"' in oldest and 'rel="next"' not in oldest
    assert "청주시" in first  # the 시·군·구 list links to its own page
    assert "청주시" not in oldest  # the list's figures are on its first page only
    assert (out / "regions/chungbuk-cheongju-si/index.html").exists()


def test_new_articles_change_only_a_lists_first_and_newest_pages(store, taxonomy, root, tmp_path):
    """Stable pagination: archive pages are counted from the oldest article, so news changes the
    first page and the newest archive page of each list it is on, never the older pages."""
    out = tmp_path / "public"
    ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY published, id")]
    newest = ids[-3:]
    marks = ",".join("?" * len(newest))
    saved = store.conn.execute(f"SELECT * FROM articles WHERE id IN ({marks})", newest).fetchall()
    store.conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", newest)
    _render(store, taxonomy, root, out, per_page=1)
    before = _all_files(out)
    holes = ",".join("?" * len(saved[0]))
    store.conn.executemany(f"INSERT INTO articles VALUES ({holes})", saved)
    _render(store, taxonomy, root, out, per_page=1)
    after = _all_files(out)
    changed = {p for p in before if p in after and before[p] != after[p]}
    archive_pages = re.compile(r"^(regions|companies|topics)/[^/]+/page/(\d+)/index\.html$")
    lists: dict[str, list[int]] = {}
    for path in before:
        found = archive_pages.match(path)
        if found:
            lists.setdefault(path.split("/page/")[0], []).append(int(found.group(2)))
    assert lists, "the fixture should give lists with archive pages at per_page=1"
    kept = 0
    for prefix, numbers in lists.items():
        for number in sorted(numbers)[:-1]:  # every archive page but the newest one
            path = f"{prefix}/page/{number}/index.html"
            assert path not in changed, path
            kept += 1
    assert kept > 0 and changed


def test_untrusted_text_is_escaped_and_bad_links_dropped(store, taxonomy, root, tmp_path):
    out = tmp_path / "public"
    _render(store, taxonomy, root, out)
    pages = list(out.glob("articles/2026/11/*/index.html"))
    html = "".join(p.read_text() for p in pages)
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;" in html
    assert 'onerror="' not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html
    for path in out.rglob("*.html"):
        assert "<script>window" not in path.read_text()


def test_feeds_are_valid_atom_with_kst_dates(store, taxonomy, root, tmp_path):
    out = tmp_path / "public"
    _render(store, taxonomy, root, out)
    for feed_path in ("feed.xml", "regions/chungbuk/feed.xml", "companies/kakao/feed.xml"):
        feed = feedparser.parse((out / feed_path).read_bytes())
        assert not feed.bozo, (feed_path, feed.get("bozo_exception"))
        assert feed.entries, feed_path
        assert feed.entries[0].published.endswith("+09:00")
    titles = [e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries]
    assert any("<script>" in t for t in titles)  # text, escaped in the XML, intact for readers
    feeds = sorted(out.rglob("feed.xml"))
    assert len(feeds) > 5
    for path in feeds:  # strictly well-formed (feedparser alone forgives a lot)
        root_element = ElementTree.parse(path).getroot()
        assert root_element.tag == "{http://www.w3.org/2005/Atom}feed", path


def test_feed_drops_characters_xml_forbids(store, taxonomy, root, tmp_path):
    store.conn.execute(
        "UPDATE articles SET title = ? WHERE url = 'https://news.example.kr/ai/21'",
        ("제어\x01문자 ]]> & \ufffe 제목",),
    )
    out = tmp_path / "public"
    _render(store, taxonomy, root, out)
    data = (out / "feed.xml").read_bytes()
    titles = [
        e.findtext("{http://www.w3.org/2005/Atom}title") for e in ElementTree.fromstring(data)
    ]
    assert "제어문자 ]]> &  제목" in titles


def test_sitemap_lists_every_page_with_absolute_urls(store, taxonomy, root, tmp_path):
    out = tmp_path / "public"
    _render(store, taxonomy, root, out, base_url="https://example.org/news/")
    sitemap = (out / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert "https://example.org/news/" in locs
    assert "https://example.org/news/regions/chungbuk/" in locs
    assert all(loc.startswith("https://example.org/news/") for loc in locs)


def test_sub_path_hosting_prefixes_every_internal_link(store, taxonomy, root, tmp_path):
    out = tmp_path / "public"
    _render(store, taxonomy, root, out, base_url="https://example.org/news/")
    html = (out / "regions/jeju/index.html").read_text()
    hrefs = re.findall(r'(?:href|src)="(/[^"]*)"', html)
    assert hrefs and all(h.startswith("/news/") for h in hrefs)


def test_render_is_deterministic_and_incremental(store, taxonomy, root, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    _render(store, taxonomy, root, one)
    _render(store, taxonomy, root, two)
    assert _all_files(one) == _all_files(two)
    again = _render(store, taxonomy, root, one)
    assert again.written == 0 and again.unchanged > 0


def test_pages_no_longer_made_are_removed(store, taxonomy, root, tmp_path):
    out = tmp_path / "public"
    _render(store, taxonomy, root, out)
    assert (out / "regions/chungbuk/page/1/index.html").exists()
    store.conn.execute("DELETE FROM articles WHERE url LIKE 'https://news.example.kr/ai/1%'")
    report = _render(store, taxonomy, root, out)
    assert report.removed > 0
    assert not (out / "regions/chungbuk/page/1/index.html").exists()
    assert not (out / "regions/chungbuk/page").exists()  # empty folders pruned too


def test_writer_refuses_paths_outside_the_output(tmp_path):
    writer = Writer(tmp_path / "out")
    for bad in ("../escape.html", "/etc/passwd", "a/../../x", "a\0b"):
        with pytest.raises(OutputError):
            writer.write(bad, b"x")
    assert not (tmp_path / "escape.html").exists()


def test_site_config_errors_name_the_key(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[site]\ntitle = "x"\nper_pgae = 3\n')
    with pytest.raises(SiteConfigError, match="per_pgae"):
        load_site_config(path)
    path.write_text('[site]\nper_page = "many"\n')
    with pytest.raises(SiteConfigError, match="per_page"):
        load_site_config(path)


def test_writer_checks_symlinks_below_folders_it_already_checked(tmp_path):
    public, outside = tmp_path / "public", tmp_path / "outside"
    (public / "a").mkdir(parents=True)
    outside.mkdir()
    writer = Writer(public)
    writer.write("a/one.html", b"ok")  # the folder 'a' is now known to the writer
    (public / "a" / "b").symlink_to(outside)
    (public / "a" / "link.html").symlink_to(outside / "target.html")
    for relative in ("a/b/c/index.html", "a/b/index.html", "a/link.html"):
        with pytest.raises(OutputError, match="refusing to write outside"):
            writer.write(relative, b"pwned")
    assert list(outside.iterdir()) == []
    assert (public / "a" / "one.html").read_bytes() == b"ok"
