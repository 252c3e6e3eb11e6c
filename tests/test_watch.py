"""Live preview: the watcher re-renders after an edit and tells the browser to reload (SSE)."""

from __future__ import annotations

import http.client
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.jsonl import import_articles
from archive.store import Store
from archive.taxonomy import load_taxonomy
from sitegen.config import SiteConfig
from sitegen.render import render_site
from sitegen.watch import (
    EVENTS,
    PreviewBuilder,
    PreviewServer,
    inject_reload_script,
    watch_and_rebuild,
)
from tests.conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "articles.jsonl"


class EventStream:
    """A tiny Server-Sent Events client: events land in a queue as (name, data, arrival time)."""

    def __init__(self, base_url: str, version: int) -> None:
        parts = urlsplit(base_url)
        self.events: queue.Queue[tuple[str, str, float]] = queue.Queue()
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.conn.request("GET", f"{EVENTS}?v={version}")
        self.response = self.conn.getresponse()
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif not line and data:
                    self.events.put((name, data, time.monotonic()))
                    name, data = "message", ""
        except (OSError, ValueError):
            return

    def next(self, timeout: float = 20) -> tuple[str, str, float]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.conn.close()


def test_reload_script_is_added_to_served_pages_only():
    html = b"<html><body><p>x</p></body></html>"
    served = inject_reload_script(html, 7)
    assert served.endswith(b"</body></html>") and b"EventSource" in served
    assert f"{EVENTS}?v=7".encode() in served


def test_watcher_rerenders_after_a_template_edit_and_reports_problems(root, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(root / "site_templates", templates)
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    out = tmp_path / "preview"
    db = tmp_path / "a.db"
    with Store.open(db) as store:
        import_articles(store, FIXTURE)
    taxonomy = load_taxonomy(root / "content" / "taxonomy")
    server = PreviewServer(out, 0)
    broken = content / "broken.flag"

    def check() -> list[str]:
        return ["content/curation.toml:3: unknown region '충북'"] if broken.exists() else []

    def render() -> str:
        with Store.open(db) as store:  # the watcher runs in its own thread
            report = render_site(store, taxonomy, SiteConfig(base_url=server.url), templates, out)
        return f"{report.written} written"

    builder = PreviewBuilder(root / "content" / "taxonomy", check, render)
    server.state.publish(builder(set()))
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_and_rebuild, args=([content, templates], builder, server.state, stop)
    )
    watcher.start()
    stream = EventStream(server.url, server.state.version)
    try:
        time.sleep(0.5)  # let the watcher start listening
        article = templates / "article.html"
        article.write_text(
            article.read_text().replace(
                "{% block main %}", '{% block main %}<p class="watched">고친 틀</p>', 1
            )
        )
        name, _, _ = stream.next()
        assert name == "reload"
        page = next(out.glob("articles/*/*/*/index.html"))
        assert 'class="watched"' in page.read_text(), "re-rendered with the edited template"
        assert "EventSource" not in page.read_text(), "the file on disk has no preview script"
        relative = page.relative_to(out).parent.as_posix()
        with urllib.request.urlopen(f"{server.url}{relative}/") as response:
            served = response.read().decode()
        assert 'class="watched"' in served and "EventSource" in served
        broken.write_text("x")
        name, data, _ = stream.next()
        assert name == "problems" and "unknown region '충북'" in data
        broken.unlink()
        name, _, _ = stream.next()
        assert name == "reload"
    finally:
        stop.set()
        stream.close()
        watcher.join(timeout=10)
        server.stop()


@pytest.fixture
def preview(demo_site, root, tmp_path):
    """`build.py serve --watch --port 0` over copies of the demo archive and content/."""
    archive = tmp_path / "archive.sqlite3"
    with sqlite3.connect(demo_site["archive"]) as source, sqlite3.connect(archive) as target:
        source.backup(target)
    content = tmp_path / "content"
    shutil.copytree(root / "content", content, ignore=shutil.ignore_patterns("site", "demo"))
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--archive",
         str(archive), "serve", "--watch", "--port", "0", "--out", str(tmp_path / "preview")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    url = ""
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"preview of .* at (http://127\.0\.0\.1:\d+/)", line)
        if found:
            url = found.group(1)
            break
    if not url:
        process.kill()
        pytest.fail("serve --watch did not start:\n" + "".join(lines))
    threading.Thread(target=lambda: [lines.append(x) for x in process.stdout], daemon=True).start()
    yield {
        "url": url,
        "content": content,
        "archive": archive,
        "out": tmp_path / "preview",
        "log": lines,
    }
    process.terminate()
    process.wait(timeout=20)


def test_serve_watch_hides_an_article_after_a_curation_edit(preview):
    with sqlite3.connect(preview["archive"]) as conn:
        ident, published = conn.execute(
            "SELECT id, published FROM articles ORDER BY published DESC LIMIT 1"
        ).fetchone()
    path = f"articles/{published[:4]}/{published[5:7]}/{ident}/"
    with urllib.request.urlopen(preview["url"] + path) as response:
        html = response.read().decode()
    version = int(re.search(r"\?v=(\d+)", html).group(1))
    stream = EventStream(preview["url"], version)
    try:
        curation = preview["content"] / "curation.toml"
        time.sleep(0.5)
        curation.write_text(
            curation.read_text(encoding="utf-8") + f"\n[article.{ident}]\nhide = true\n",
            encoding="utf-8",
        )
        name, _, _ = stream.next(timeout=60)
        assert name == "reload", "".join(preview["log"])
    finally:
        stream.close()
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(preview["url"] + path)
    assert failed.value.code == 404
    assert not (preview["out"] / path).exists()
    deadline = time.monotonic() + 10
    while not any("rebuilt in" in line for line in preview["log"]) and time.monotonic() < deadline:
        time.sleep(0.1)  # the summary is printed just after the reload signal
    assert any("rebuilt in" in line for line in preview["log"])
