"""Load, small: 20 sources on loopback, 2 of them failing in different ways; `update` completes,
reports the failing sources and stores every article of the healthy ones."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.conftest import run_build

HEALTHY = 18
BODY = "".join(
    f"<p>충북 청주 오송의 인공지능 기업 {{n}}호가 AI 반도체 연구소를 열었다고 {i}일 밝혔다.</p>"
    for i in range(1, 4)
)


def _feed(base: str, source: int) -> str:
    items = "".join(
        f"<item><title>인공지능 기업 {source}-{n} 오송 연구소</title>"
        f"<link>{base}/s{source}/{n}.html</link>"
        f"<pubDate>Mon, 02 Nov 2026 0{n}:00:00 +0900</pubDate></item>"
        for n in range(2)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>s</title>{items}</channel></rss>'
    )


def test_twenty_sources_two_failing(httpserver: HTTPServer, tmp_path: Path) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    sources = []
    for source in range(HEALTHY):
        httpserver.expect_request(f"/s{source}/rss.xml").respond_with_data(
            _feed(base, source), content_type="application/rss+xml"
        )
        for n in range(2):
            page = BODY.replace("{n}", f"{source}{n}")
            httpserver.expect_request(f"/s{source}/{n}.html").respond_with_data(
                f'<html><head><meta charset="utf-8"><title>t</title></head><body>'
                f"<h1>인공지능 기업 {source}-{n} 오송 연구소</h1><div id='b'>{page}</div>"
                "</body></html>",
                content_type="text/html; charset=utf-8",
            )
        sources.append(f"s{source}")
    httpserver.expect_request("/gone/rss.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/junk/rss.xml").respond_with_data(
        "<html><body>not a feed</body></html>", content_type="text/html"
    )
    lines = []
    for key in [*sources, "gone", "junk"]:
        lines += [
            "[[source]]",
            f'key = "{key}"',
            f'name = "{key}"',
            f'url = "{base}/{key}/rss.xml"',
            'kind = "rss"',
            'policy = "all"',
            "allow_private = true",
            "rate = 0",
            "[source.selectors]",
            'title = "h1"',
            'body = "#b"',
            "",
        ]
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text("\n".join(lines))
    archive = tmp_path / "archive.sqlite3"
    args = ["--archive", str(archive), "--public", str(tmp_path / "public")]
    result = run_build(*args, "update", "--sources", str(sources_file), "--no-search", check=False)
    assert result.returncode == 3, result.stdout + result.stderr[-3000:]  # degraded, not failed
    totals = json.loads(result.stdout.splitlines()[-1])
    assert totals["new"] == 2 * HEALTHY and totals["failed_sources"] == 2
    assert "gone" in result.stdout + result.stderr and "junk" in result.stdout + result.stderr
    health = json.loads(
        run_build(*args, "sources", "--json", "--sources", str(sources_file)).stdout
    )
    failing = {row["key"] for row in health if row.get("consecutive_failures")}
    assert failing == {"gone", "junk"}
    with sqlite3.connect(archive) as conn:
        per_source = dict(conn.execute("SELECT source, count(*) FROM articles GROUP BY source"))
    assert per_source == {key: 2 for key in sources}
    assert len(list((tmp_path / "public").glob("articles/*/*/*/index.html"))) == 2 * HEALTHY
