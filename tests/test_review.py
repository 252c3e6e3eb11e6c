"""The editors' review queue: built from the demo archive, opened in Chromium, commands that work."""

from __future__ import annotations

import re
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from archive.curation import Curation, Decision, TagRef
from archive.records import Article, Evidence, Tag
from archive.taxonomy import load_taxonomy
from sitegen.config import SiteConfig
from sitegen.review import build_queue, highlight
from tests.conftest import ROOT, launch_chromium, run_build

ARTIFACTS = ROOT / "test-artifacts"


def test_highlight_marks_evidence_spans():
    segments = highlight(
        "카카오가 제주에서", [(0, 3, "company", "company:카카오"), (5, 7, "region", "r")]
    )
    assert [(s.text, s.kind) for s in segments] == [
        ("카카오", "company"),
        ("가 ", ""),
        ("제주", "region"),
        ("에서", ""),
    ]


def test_queue_puts_tags_nearest_the_threshold_first(root):
    taxonomy = load_taxonomy(root / "content" / "taxonomy")
    sure = Article(url="https://e.kr/1", title="확실한 기사", text="본문", source="s")
    close = Article(
        url="https://e.kr/2", title="애매한 기사", text="판교에서 열린 행사", source="s"
    )
    evidence = (Evidence("body", "판교에서 열린 행사", 0, 2, "판교", "place"),)
    tags = {
        sure.id: [Tag("region", "제주특별자치도", 0.99, primary=True)],
        close.id: [
            Tag("region", "경기도", 0.52, primary=True, evidence=evidence),
            Tag("company", "카카오", 0.3),
        ],
    }
    curation = Curation({close.id: Decision(close.id, remove=(TagRef("company", "카카오"),))})
    items = build_queue([sure, close], tags, curation, taxonomy, SiteConfig(), {}, "build.py")
    assert [i.id for i in items] == [close.id, sure.id]
    rows = {r.key: r for r in items[0].tags}
    assert rows["경기도"].state == "listed"
    assert rows["경기도"].command == f"build.py curate {close.id} '-region:경기도'"
    assert rows["카카오"].state == "removed" and "~company:카카오" in rows["카카오"].command
    assert any(s.kind == "region" and s.text == "판교" for s in items[0].body_segments)


@pytest.fixture(scope="module")
def review(demo_site, root, tmp_path_factory):
    """A copy of the demo archive and content, and the review queue built from them."""
    work = tmp_path_factory.mktemp("review")
    archive = work / "archive.sqlite3"
    with sqlite3.connect(demo_site["archive"]) as source, sqlite3.connect(archive) as target:
        source.backup(target)
    content = work / "content"
    shutil.copytree(root / "content", content, ignore=shutil.ignore_patterns("site", "demo"))
    args = ["--content", str(content), "--archive", str(archive)]
    result = run_build(*args, "review", "--no-serve", "--out", str(work / "review"))
    return {"work": work, "args": args, "content": content, "stdout": result.stdout}


def test_review_refuses_to_write_into_the_published_site(review):
    result = run_build(
        *review["args"],
        "--public",
        str(review["work"] / "public"),
        "review",
        "--no-serve",
        "--out",
        str(review["work"] / "public" / "review"),
        check=False,
    )
    assert result.returncode == 1 and "must not be written into" in result.stderr


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.mark.browser
def test_review_page_in_chromium_copies_a_command_that_works(review, browser):
    from sitegen.serve import start_server

    assert re.search(r"review queue: \d+ articles, \d+ candidates", review["stdout"])
    server = start_server(review["work"] / "review")
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url[:-1])
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server.url)
        assert page.locator("html").get_attribute("lang") == "ko"
        items = page.locator("article.item")
        assert items.count() >= 40
        assert page.locator("article.item mark.region").count() > 0, "evidence highlighted"
        first = items.first
        first.locator("summary").click()
        assert first.locator(".text mark").count() > 0, "evidence highlighted in the full text"
        row = first.locator("tbody tr").first
        command = row.locator("code").inner_text()
        assert command.split()[1].endswith("build.py") and " curate " in command
        row.locator("button.copy").click()
        page.wait_for_function("document.querySelector('button.copy').textContent === '복사됨'")
        assert page.evaluate("navigator.clipboard.readText()") == command
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-1280.png"), full_page=False)
        assert all(url.startswith(server.url) for url in requests), "no third-party requests"
        context.close()
    finally:
        server.stop()
    # The copied command, run as the editor would, records the decision.
    before = (review["content"] / "curation.toml").read_text(encoding="utf-8")
    result = subprocess.run(
        shlex.split(command), cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    after = (review["content"] / "curation.toml").read_text(encoding="utf-8")
    assert after != before and after.startswith(before.rstrip("\n"))
    article_id = command.split(" curate ")[1].split()[0]
    assert f"[article.{article_id}]" in after


def test_review_is_never_in_the_published_output(demo_site):
    public: Path = demo_site["public"]
    assert not (public / "review").exists()
    html = (public / "index.html").read_text()
    assert "build.py curate" not in html and "__preview" not in html
