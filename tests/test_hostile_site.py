"""No script injection: a hostile outlet and a hostile import go through the real scraper, tagger
and render, then every page is opened in Chromium with a canary that any payload would set.

The outlet (tests/fixtures/hostile/site, written by make_site.py) puts <script>, onerror=,
javascript: and data: links, SVG payloads, broken markup and U+202E overrides in feed titles,
authors, descriptions, canonical links and article pages; the import
(tests/fixtures/hostile/import.jsonl) adds control characters, hostile source keys and tag names;
the editors' page (evil.md) carries raw HTML that must come out sanitised by nh3.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest

from tests.conftest import CHROMIUM, ROOT, launch_chromium, run_build

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
BIDI_AND_CONTROLS = {chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 0x202E, 0x202D]}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> dict[str, Path]:
    """The hostile outlet collected, the hostile import added, tagged and rendered."""
    from sitegen.serve import start_server

    work = tmp_path_factory.mktemp("hostile")
    content = work / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("demo"))
    shutil.copy(HOSTILE / "evil.md", content / "pages" / "evil.md")
    archive, public = work / "archive.sqlite3", work / "public"
    args = ["--content", str(content), "--archive", str(archive), "--public", str(public)]
    run_build(*args, "import", str(HOSTILE / "import.jsonl"))
    server = start_server(HOSTILE / "site", placeholder="__BASE__")
    try:
        sources = work / "sources.toml"
        base = server.url.rstrip("/")
        sources.write_text((HOSTILE / "sources.toml").read_text().replace("__BASE__", base))
        run_build(*args, "update", "--sources", str(sources), "--no-search")
    finally:
        server.stop()
    return {"archive": archive, "public": public}


def test_every_hostile_article_reaches_the_site(hostile_site):
    with sqlite3.connect(hostile_site["archive"]) as conn:
        rows = conn.execute("SELECT source, title, author, url FROM articles").fetchall()
    assert len(rows) == 6  # 4 collected (2 feed entries with javascript:/data: links dropped) + 2
    collected = [r for r in rows if r[0] == "hostile"]
    assert len(collected) == 4
    for _source, title, author, url in collected:
        assert url.startswith("http://127.0.0.1:")  # never the page's javascript: canonical
        assert "<script" not in title.lower() and "onerror" not in (author or "").lower()
        assert not BIDI_AND_CONTROLS & set(title + (author or ""))
    pages = list(hostile_site["public"].glob("articles/*/*/*/index.html"))
    assert len(pages) == 6


def _pages(public: Path) -> list[str]:
    return sorted(p.relative_to(public).as_posix() for p in public.rglob("*.html"))


def test_no_markup_from_strangers_survives_in_the_html(hostile_site):
    public = hostile_site["public"]
    from html.parser import HTMLParser

    bad: list[tuple[str, str]] = []

    class Audit(HTMLParser):
        def __init__(self, page: str) -> None:
            super().__init__()
            self.page = page
            self.in_script = False

        def handle_starttag(self, tag, attrs):
            self.in_script = tag == "script"
            for name, value in attrs:
                value = (value or "").strip().lower()
                if name.startswith("on"):
                    bad.append((self.page, f"<{tag} {name}>"))
                if name in ("href", "src", "action", "formaction", "data", "xlink:href") and (
                    value.startswith(("javascript:", "data:", "vbscript:"))
                ):
                    bad.append((self.page, f"<{tag} {name}={value[:40]}>"))
            if tag in ("iframe", "object", "embed", "base"):  # the site has none of its own
                bad.append((self.page, f"<{tag}>"))

        def handle_data(self, data):
            if self.in_script and "__pwned" in data:
                bad.append((self.page, "script with the payload"))

        def handle_endtag(self, tag):
            self.in_script = False

    pages = _pages(public)
    assert "evil/index.html" in pages
    for page in pages:
        text = (public / page).read_text()
        assert not BIDI_AND_CONTROLS & set(text), page
        Audit(page).feed(text)
    assert not bad, bad[:10]


def test_feeds_and_sitemap_stay_well_formed(hostile_site):
    public = hostile_site["public"]
    feeds = sorted(public.rglob("*.xml"))
    assert any(f.name == "feed.xml" for f in feeds) and (public / "sitemap.xml") in feeds
    for path in feeds:
        ET.fromstring(path.read_bytes())  # raises on anything not well-formed
        if path.name == "feed.xml":
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    home = feedparser.parse((public / "feed.xml").read_bytes())
    titles = [e.title for e in home.entries]
    assert len(titles) == 6
    assert any("txt.exe" in t for t in titles)
    assert not any(BIDI_AND_CONTROLS & set(t) for t in titles)
    for entry in home.entries:
        for link in entry.links:
            assert link.href.startswith(("http://", "https://")), link.href


@pytest.mark.browser
def test_the_canary_never_fires_in_chromium(hostile_site):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh --test")
    from playwright.sync_api import sync_playwright

    from sitegen.serve import start_server

    public = hostile_site["public"]
    server = start_server(public)
    fired: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            # The canary: any payload that runs sets window.__pwned or opens a dialog.
            page.add_init_script("window.__pwned = 0;")
            page.on(
                "dialog",
                lambda dialog: (fired.append(f"dialog {dialog.message}"), dialog.dismiss()),
            )
            # The canary works: the same payload, unescaped, does fire.
            page.set_content('<img src="x" onerror="window.__pwned=1">')
            page.wait_for_function("window.__pwned === 1", timeout=5000)
            visited = 0
            for path in _pages(public):
                page.goto(server.url + path, wait_until="load")
                page.wait_for_timeout(20)
                # Click every link whose target is a script URL (there must be none, but if a
                # payload slipped through, following it is what would run it).
                hostile_links = page.eval_on_selector_all(
                    "a[href]",
                    "els => els.filter(a => !/^(https?:|\\/|#|\\.)/i.test("
                    "a.getAttribute('href'))).map(a => a.getAttribute('href'))",
                )
                assert not hostile_links, (path, hostile_links)
                if page.evaluate("window.__pwned") != 0:
                    fired.append(path)
                visited += 1
            browser.close()
    finally:
        server.stop()
    assert visited > 40
    assert not fired, fired
