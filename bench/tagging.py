#!/usr/bin/env python3
"""Tagging speed: analyzer start, tagging with cache misses, re-tagging from the cache, memory.

Usage: .venv/bin/python bench/tagging.py [N] [--workers W ...]
       (default: 2000 articles of 2,000 characters; worker counts 1 and every core)

The corpus is made from the demo articles (content/demo/corpus.jsonl), each copy made unique,
so every first analysis is a cache miss. For each worker count it tags a fresh archive (cache
misses: analysis included), then changes the taxonomy fingerprint and tags again, then tags
every article again in full, and again as after a TAGGER_VERSION bump. Wall times include
starting the worker processes; the "steady" column leaves that start-up out (time from the
first finished chunk to the end). CPU seconds are the main process's and, all, with the worker
processes' (user + system): on a shared machine, compare CPU per article.
"taxonomy changed elsewhere": a new taxonomy version that changes nothing these articles name,
so each is checked from the cache (its names and keywords found and digested) and keeps its
tags; "all in full": `build.py tag --all`, every article decoded from the cache and tagged;
"new TAGGER_VERSION": the same after a version bump (emulated in the archive: every article
tagged by other rules, so none can keep its tags).
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.records import KST, Article  # noqa: E402
from archive.store import Store  # noqa: E402
from nlp.pipeline import open_pipeline, tag_archive  # noqa: E402

ARTICLE_CHARS = 2000


def corpus(n: int, chars: int = ARTICLE_CHARS) -> list[Article]:
    """N unique articles of `chars` characters built from the demo corpus."""
    base = [
        json.loads(line) for line in (ROOT / "content/demo/corpus.jsonl").open() if line.strip()
    ]
    start = datetime(2026, 1, 1, 9, tzinfo=KST)
    articles = []
    for i in range(n):
        paragraphs: list[str] = []
        k = 1
        while sum(len(p) + 2 for p in paragraphs) < chars:
            paragraphs += base[(i * k + k) % len(base)]["paragraphs"]
            k += 6
        body = "\n\n".join(paragraphs)[:chars]
        articles.append(
            Article(
                url=f"https://bench.example.kr/{i}",
                title=base[i % len(base)]["title"],
                text=f"{body}\n\n(기사 {i}번)",
                source="bench",
                published=start + timedelta(hours=i),
            )
        )
    return articles


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def timed_tag(
    store: Store, pipeline, workers: int, retag_all: bool = False
) -> tuple[float, float, float, float, int]:
    """(wall seconds, steady seconds, parent CPU seconds, all processes' CPU seconds, articles
    tagged). Worker processes count once the pool has shut down (their usage is then the
    children's)."""
    first: list[float] = []

    def progress(done: int, total: int) -> None:
        if not first:
            first.append(time.perf_counter())

    started, cpu = time.perf_counter(), cpu_seconds(resource.RUSAGE_SELF)
    children = cpu_seconds(resource.RUSAGE_CHILDREN)
    report = tag_archive(
        store, pipeline, retag_all=retag_all, workers=workers, batch_size=200, progress=progress
    )
    wall = time.perf_counter() - started
    steady = time.perf_counter() - first[0] if first else wall
    parent = cpu_seconds(resource.RUSAGE_SELF) - cpu
    total = parent + cpu_seconds(resource.RUSAGE_CHILDREN) - children
    return wall, steady, parent, total, report.tagged


def new_rules(store: Store) -> None:
    """Make the archive look tagged by other rules (another TAGGER_VERSION): other versions and
    input digests, as after a version bump (every article is then tagged in full)."""
    with store.transaction() as conn:
        conn.execute("UPDATE articles SET tagged_with = 't0:' || tagged_with")
        conn.execute("UPDATE tag_inputs SET digest = 'other rules ' || digest")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000, help="articles")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, os.cpu_count() or 1])
    args = parser.parse_args()
    articles = corpus(args.n)
    chars = sum(len(a.title) + len(a.text) for a in articles) / len(articles)
    rows: list[tuple] = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        pipeline = open_pipeline(ROOT / "content/taxonomy", cache_dir=Path(tmp) / "cache")
        rows.append(("analyzer + taxonomy start", "", time.perf_counter() - started))
        for workers in args.workers:
            with Store.open(Path(tmp) / f"bench-{workers}.db") as store:
                for article in articles:
                    store.save_article(article)
                measured = timed_tag(store, pipeline, workers)
                assert measured[-1] == len(articles)
                rows.append(("tag, cache miss (analysis included)", workers, *measured))
                fingerprint = pipeline.taxonomy.fingerprint
                pipeline.taxonomy = replace(pipeline.taxonomy, fingerprint=f"bench-{workers}")
                measured = timed_tag(store, pipeline, workers)
                pipeline.taxonomy = replace(pipeline.taxonomy, fingerprint=fingerprint)
                assert measured[-1] == len(articles)
                rows.append(("re-tag, taxonomy changed elsewhere", workers, *measured))
                measured = timed_tag(store, pipeline, workers, retag_all=True)
                rows.append(("re-tag from cache, all in full (--all)", workers, *measured))
                new_rules(store)
                measured = timed_tag(store, pipeline, workers)
                assert measured[-1] == len(articles)
                rows.append(("re-tag from cache, new TAGGER_VERSION", workers, *measured))
    print(
        f"\n{len(articles)} articles, {chars:,.0f} characters each on average, backend "
        f"{pipeline.analyzer.backend}, {os.cpu_count()} cores, load average {load:.1f} at the "
        f"start, {os.getloadavg()[0]:.1f} at the end\n"
    )
    print(
        f"| {'step':<38} | workers | seconds | articles/s | steady /s | parent CPU s "
        "| CPU s, all | CPU ms/article |"
    )
    print(f"|{'-' * 40}|--------:|--------:|-----------:|----------:|-------------:|---:|---:|")
    for name, workers, wall, *measured in rows:
        if not measured:
            print(f"| {name:<38} | {'':>7} | {wall:>7.2f} | | | | | |")
            continue
        steady, parent, total, tagged = measured
        print(
            f"| {name:<38} | {workers:>7} | {wall:>7.2f} | {tagged / wall:>10,.0f} | "
            f"{tagged / steady:>9,.0f} | {parent:>12.2f} | {total:>10.2f} | "
            f"{total / tagged * 1000:>14.2f} |"
        )
    print(
        f"\npeak RSS: this process {peak_rss_mb():.0f} MB, "
        f"largest worker {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )


if __name__ == "__main__":
    main()
