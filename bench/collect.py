#!/usr/bin/env python3
"""Collect N articles from loopback outlets with politeness delays at zero: articles/s and CPU.

The outlets run in a separate process (so the collector's CPU time is its own): H hosts
(127.0.0.1 … 127.0.0.H, all loopback on Linux), each with an RSS feed of N/H items and the
article pages, in the ndsoft layout with a photo caption, related box and sidebar, no site
selectors (the generic extractor runs, as for unknown outlets). Each article's text is unique
(paragraphs of the demo corpus, shuffled, with a numbered sentence), so wire-copy grouping runs
over all of them without grouping any. Prints one table row per run.

Usage: .venv/bin/python bench/collect.py [-n 1000] [--hosts 4] [--workers 4] [--profile]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape as html_escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.records import KST, Source  # noqa: E402
from archive.store import Store  # noqa: E402
from scraper.collect import collect  # noqa: E402
from scraper.http import Fetcher  # noqa: E402
from scraper.settings import ScraperSettings  # noqa: E402

CORPUS = ROOT / "content" / "demo" / "corpus.jsonl"


def build_site(count: int, hosts: int) -> dict[tuple[int, str], bytes]:
    """Pages by (host number, path): a feed per host and `count` article pages in all."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    paragraphs = [p for row in rows for p in row["paragraphs"]]
    rng = random.Random(7)
    start = datetime(2026, 11, 2, 9, 0, tzinfo=KST)
    pages: dict[tuple[int, str], bytes] = {}
    items: dict[int, list[str]] = {h: [] for h in range(1, hosts + 1)}
    for n in range(count):
        host = n % hosts + 1
        base = f"http://127.0.0.{host}:{{port}}"  # the port is filled in when served
        body = [html_escape(p) for p in rng.sample(paragraphs, 5)]
        body.insert(
            1,
            f"이번 사업은 {n}번째 지역 AI 협력 과제로 선정됐으며 참여 기업 {n % 37 + 3}곳이 함께한다.",
        )
        title = html_escape(f"{rows[n % len(rows)]['title'][:40]} ({n})")
        published = start + timedelta(minutes=7 * n)
        page = (
            f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{title} - 벤치일보</title>'
            f'<meta property="og:title" content="{title}"><meta property="article:published_time" '
            f'content="{published.isoformat()}"></head><body><header><nav><a href="/">홈</a>'
            f'<a href="/ai">AI</a></nav></header><h1 class="heading">{title}</h1>'
            f'<article id="article-view-content-div"><figure><img src="/p.jpg"><figcaption>행사 모습. '
            f"/사진=벤치일보</figcaption></figure>{''.join(f'<p>{p}</p>' for p in body)}"
            '<p class="view-copyright">저작권자 © 벤치일보 무단전재 및 재배포 금지</p></article>'
            '<div class="related-news"><h3>관련기사</h3><ul><li><a href="/x">다른 기사</a></li></ul></div>'
            '<aside class="rank"><h2>많이 본 뉴스</h2><ol><li><a href="/y">인기 기사</a></li></ol></aside>'
            "</body></html>"
        )
        path = f"/news/articleView.html?idxno={n}"
        pages[(host, path)] = page.encode()
        items[host].append(
            f"<item><title>{title}</title><link>{base}{path}</link>"
            f"<pubDate>{format_datetime(published)}</pubDate></item>"
        )
    for host, entries in items.items():
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>벤치일보</title>'
            f"<link>http://127.0.0.{host}/</link>{''.join(entries)}</channel></rss>"
        )
        pages[(host, "/rss/allArticle.xml")] = feed.encode()
    return pages


def handler_for(host: int, pages: dict[tuple[int, str], bytes]) -> type[BaseHTTPRequestHandler]:
    """A request handler serving host number `host`'s pages (its port is set once bound)."""

    class Handler(BaseHTTPRequestHandler):
        port = 0

        def do_GET(self) -> None:
            body = pages.get((host, self.path))
            if body is None:
                self.send_error(404)
                return
            body = body.replace(b"{port}", str(self.port).encode())
            self.send_response(200)
            kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    return Handler


def serve(count: int, hosts: int, ready: multiprocessing.Queue) -> None:
    """Run one loopback server per host until the parent ends this process."""
    pages = build_site(count, hosts)
    ports = []
    for host in range(1, hosts + 1):
        handler = handler_for(host, pages)
        server = ThreadingHTTPServer((f"127.0.0.{host}", 0), handler)
        handler.port = server.server_address[1]
        ports.append(handler.port)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.put(ports)
    threading.Event().wait()


def run(count: int, hosts: int, workers: int, profile: bool) -> dict[str, float]:
    ready: multiprocessing.Queue = multiprocessing.Queue()
    outlets = multiprocessing.Process(target=serve, args=(count, hosts, ready), daemon=True)
    outlets.start()
    ports = ready.get(timeout=120)
    sources = [
        Source(
            key=f"bench{h}",
            name=f"벤치일보 {h}",
            url=f"http://127.0.0.{h}:{ports[h - 1]}/rss/allArticle.xml",
            allow_private=True,
            max_items=count,
        )
        for h in range(1, hosts + 1)
    ]
    settings = ScraperSettings(rate=0, hosts_in_parallel=workers)
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    try:
        with tempfile.TemporaryDirectory() as work, Store.open(Path(work) / "bench.db") as store:
            with Fetcher("jiyeok-bench/1.0", retries=0) as fetcher:
                wall, cpu = time.perf_counter(), time.process_time()
                report = collect(sources, store, fetcher=fetcher, settings=settings)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            stored = store.article_count()
    finally:
        outlets.terminate()
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])
    totals = report.totals
    return {
        "articles": stored,
        "failed": totals["failed"],
        "groups": totals["duplicate_groups"],
        "wall": wall,
        "cpu": cpu,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile")
    args = parser.parse_args()
    result = run(args.count, args.hosts, args.workers, args.profile)
    print(
        f"{'articles':>8} {'hosts':>5} {'workers':>7} {'wall s':>7} {'art/s':>7} {'CPU s':>7} {'CPU ms/art':>10} {'CPU/wall':>8} {'failed':>6} {'groups':>6}"
    )
    n = max(1, result["articles"])
    print(
        f"{result['articles']:>8} {args.hosts:>5} {args.workers:>7} {result['wall']:7.2f} "
        f"{n / result['wall']:7.1f} {result['cpu']:7.2f} {1000 * result['cpu'] / n:10.2f} "
        f"{result['cpu'] / result['wall']:8.2f} {result['failed']:>6} {result['groups']:>6}"
    )
    return 0 if result["articles"] == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
