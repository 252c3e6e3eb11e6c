#!/usr/bin/env python3
"""Tagging speed: analyzer start, tagging with cache misses, re-tagging from the cache, peak RSS.

Usage: .venv/bin/python bench/tagging.py [N]   (default 1000 articles of ~2,000 characters)

The corpus is made from the demo articles (content/demo/corpus.jsonl), each copy made unique,
so every first analysis is a cache miss. Prints a table; asserts nothing.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.records import KST, Article  # noqa: E402
from archive.store import Store  # noqa: E402
from nlp.pipeline import open_pipeline, tag_archive  # noqa: E402


def corpus(n: int) -> list[Article]:
    """N unique ~2,000-character articles built from the demo corpus."""
    base = [json.loads(line) for line in (ROOT / "content/demo/corpus.jsonl").open() if line.strip()]
    from datetime import datetime

    start = datetime(2026, 1, 1, 9, tzinfo=KST)
    articles = []
    for i in range(n):
        a, b, c = (base[(i * k + k) % len(base)] for k in (1, 7, 13))
        body = "\n\n".join(a["paragraphs"] + b["paragraphs"] + c["paragraphs"])
        text = body[:2000] + f"\n\n(기사 {i}번)"
        articles.append(Article(url=f"https://bench.example.kr/{i}", title=a["title"], text=text,
                                source="bench", published=start + timedelta(hours=i)))
    return articles


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    articles = corpus(n)
    chars = sum(len(a.title) + len(a.text) for a in articles)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.db") as store:
        for article in articles:
            store.save_article(article)
        started = time.perf_counter()
        pipeline = open_pipeline(ROOT / "content/taxonomy", cache_dir=Path(tmp) / "cache")
        rows.append(("analyzer + taxonomy start", time.perf_counter() - started, "", ""))
        started = time.perf_counter()
        cpu = time.process_time()
        report = tag_archive(store, pipeline)
        wall = time.perf_counter() - started
        rows.append(("tag, cache miss (analysis included)", wall, f"{n / wall:,.0f}",
                     f"{time.process_time() - cpu:.2f}"))
        # A taxonomy change: a new fingerprint, the same cached analyses.
        pipeline.taxonomy = replace(pipeline.taxonomy, fingerprint="bench-changed")
        started = time.perf_counter()
        cpu = time.process_time()
        report = tag_archive(store, pipeline)
        wall = time.perf_counter() - started
        rows.append(("re-tag from cache (taxonomy changed)", wall, f"{n / wall:,.0f}",
                     f"{time.process_time() - cpu:.2f}"))
        assert report.tagged == n
    print(f"\n{n} articles, {chars / n:,.0f} characters each on average, backend "
          f"{pipeline.analyzer.backend}\n")
    print(f"| {'step':<38} | {'seconds':>8} | {'articles/s':>10} | {'CPU s':>6} |")
    print(f"|{'-' * 40}|{'-' * 10}|{'-' * 12}|{'-' * 8}|")
    for name, seconds, rate, cpu_s in rows:
        print(f"| {name:<38} | {seconds:>8.2f} | {rate:>10} | {cpu_s:>6} |")
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
