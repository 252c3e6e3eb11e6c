#!/usr/bin/env python3
"""Benchmark the reader's site: page weights of the demo site, and render + Pagefind time at scale.

Usage: .venv/bin/python bench/site.py [ARTICLES]   (default 2000)

1. Builds the demo (`build.py demo --no-serve`) and prints the bytes of one page of each type,
   with the home page's HTML+CSS against its 60 KB budget.
2. Imports ARTICLES synthetic articles (the demo corpus's texts under new URLs and dates, with
   given region/company tags), renders them and indexes them with Pagefind, and prints the times.
Everything runs in a temporary folder; nothing is written to the project.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.jsonl import import_articles  # noqa: E402
from archive.store import Store  # noqa: E402
from archive.taxonomy import load_taxonomy  # noqa: E402
from sitegen.config import load_site_config  # noqa: E402
from sitegen.map import load_map  # noqa: E402
from sitegen.render import render_site  # noqa: E402
from sitegen.search import build_search_index  # noqa: E402

PAGE_TYPES = {
    "home": "index.html",
    "regions": "regions/index.html",
    "region (충북)": "regions/chungbuk/index.html",
    "region group": "regions/groups/chungcheong-gwon/index.html",
    "companies index": "companies/index.html",
    "company": "companies/kakao/index.html",
    "topics index": "topics/index.html",
    "article": "articles/*/*/*/index.html",
    "archive month": "archive/*/*/index.html",
    "search": "search/index.html",
}


def page_weights(public: Path) -> list[tuple[str, int]]:
    rows = []
    for label, pattern in PAGE_TYPES.items():
        found = sorted(public.glob(pattern))
        if found:
            rows.append((label, max(p.stat().st_size for p in found[:20])))
    return rows


def synthetic(count: int, out: Path) -> None:
    corpus = [
        json.loads(line)
        for line in (ROOT / "content" / "demo" / "corpus.jsonl").read_text().splitlines()
        if line
    ]
    taxonomy = load_taxonomy(ROOT / "content" / "taxonomy")
    sidos = [r.key for r in taxonomy.sidos]
    companies = [c.name for c in taxonomy.companies if c.curated][:80]
    rng = random.Random(5)
    start = datetime(2025, 1, 1, 9)
    with out.open("w", encoding="utf-8") as handle:
        for i in range(count):
            source = corpus[i % len(corpus)]
            stamp = start + timedelta(hours=7 * i)
            record = {
                "url": f"https://bench.example.kr/{i}",
                "title": f"{source['title']} ({i})",
                "published": stamp.isoformat() + "+09:00",
                "source": "bench",
                "text": "\n".join(source["paragraphs"]),
                "excerpt": source["paragraphs"][0][:160],
                "tags": {
                    "regions": rng.sample(sidos, 2),
                    "companies": rng.sample(companies, 2),
                },
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "-q",
                "--archive",
                str(work_dir / "a.sqlite3"),
                "--public",
                str(work_dir / "demo"),
                "demo",
                "--no-serve",
            ],
            check=True,
            capture_output=True,
        )
        demo = work_dir / "demo"
        weights = page_weights(demo)
        css = sum(p.stat().st_size for p in (demo / "static").glob("*.css"))
        print("| page (demo site) | HTML bytes |")
        print("|---|---:|")
        for label, size in weights:
            print(f"| {label} | {size:,} |")
        home = (demo / "index.html").stat().st_size
        print(f"| **home HTML + CSS** (budget 61,440) | **{home + css:,}** |")
        print()

        data = work_dir / "synthetic.jsonl"
        synthetic(count, data)
        public = work_dir / "public"
        config = load_site_config(ROOT / "content" / "site.toml")
        taxonomy = load_taxonomy(ROOT / "content" / "taxonomy")
        map_data = load_map(ROOT / "content" / "taxonomy" / "map.json")
        with Store.open(work_dir / "bench.sqlite3") as store:
            import_articles(store, data)
            started = time.perf_counter()
            report = render_site(
                store, taxonomy, config, ROOT / "site_templates", public, map_data=map_data
            )
            render_s = time.perf_counter() - started
        search = build_search_index(public, ROOT / "node_modules")
        bundle = sum(p.stat().st_size for p in (public / "pagefind").rglob("*") if p.is_file())
        print(f"| step ({count:,} articles) | pages | seconds | pages/s |")
        print("|---|---:|---:|---:|")
        print(
            f"| render (cold) | {report.pages:,} | {render_s:.2f} | {report.pages / render_s:,.0f} |"
        )
        print(
            f"| Pagefind index | {search.pages:,} | {search.seconds:.2f} | "
            f"{search.pages / search.seconds:,.0f} |"
        )
        print(
            f"\nPagefind bundle: {bundle / 1e6:.1f} MB, {search.words:,} words, {search.filters} filters"
        )


if __name__ == "__main__":
    main()
