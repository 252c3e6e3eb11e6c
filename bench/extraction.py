#!/usr/bin/env python3
"""Score the generic article extractor on the fixture pages in tests/fixtures/extraction/.

For each `<name>.html` with its `<name>.json` (expected title, published, text) the page is
decoded as a server would send it (bytes, no charset header) and run through
`scraper.extract_article` with no site selectors, which is what pages of unknown outlets get.
Text is scored by whitespace tokens (multiset overlap): precision, recall, F1; title and date
by exact match (the date as ISO 8601 with its offset). Prints a table per page and overall.

Usage: .venv/bin/python bench/extraction.py [FIXTURE_DIR] [--show NAME]
Targets (issue 3): text F1 ≥ 0.95, dates ≥ 0.95 exact.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.charset import decode_html  # noqa: E402
from scraper.extract import extract_article  # noqa: E402

DEFAULT_DIR = ROOT / "tests" / "fixtures" / "extraction"


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    title_ok: bool
    date_ok: bool
    seconds: float


def token_scores(expected: str, found: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of `found`'s whitespace tokens against `expected`'s."""
    want, got = Counter(expected.split()), Counter(found.split())
    overlap = sum((want & got).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_page(html_path: Path, show: bool = False) -> Score:
    expected = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    page = extract_article(decode_html(html_path.read_bytes()), expected["url"])
    seconds = time.perf_counter() - started
    precision, recall, f1 = token_scores(expected["text"], page.text)
    published = page.published.isoformat() if page.published else None
    if show:
        print(f"title:    {page.title!r}\nexpected: {expected['title']!r}")
        print(f"date:     {published}\nexpected: {expected['published']}")
        print("text:\n" + page.text + "\n")
        want, got = Counter(expected["text"].split()), Counter(page.text.split())
        print("missing:", " ".join((want - got).elements())[:600])
        print("extra:  ", " ".join((got - want).elements())[:600])
    return Score(
        html_path.stem,
        precision,
        recall,
        f1,
        page.title == expected["title"],
        published == expected["published"],
        seconds,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fixtures", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--show", help="print what the extractor found on this page")
    args = parser.parse_args()
    pages = sorted(args.fixtures.glob("*.html"))
    if not pages:
        print(f"{args.fixtures}: no *.html fixtures", file=sys.stderr)
        return 1
    if args.show:
        score_page(args.fixtures / f"{args.show}.html", show=True)
        return 0
    scores = [score_page(path) for path in pages]
    print(f"{'page':<20} {'P':>6} {'R':>6} {'F1':>6} {'title':>5} {'date':>5} {'ms':>6}")
    for s in scores:
        print(
            f"{s.name:<20} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{'ok' if s.title_ok else 'MISS':>5} {'ok' if s.date_ok else 'MISS':>5} "
            f"{s.seconds * 1000:6.1f}"
        )
    n = len(scores)
    mean = lambda values: sum(values) / n  # noqa: E731
    print("-" * 61)
    print(
        f"{'mean (' + str(n) + ' pages)':<20} {mean([s.precision for s in scores]):6.3f} "
        f"{mean([s.recall for s in scores]):6.3f} {mean([s.f1 for s in scores]):6.3f} "
        f"{mean([s.title_ok for s in scores]):5.2f} {mean([s.date_ok for s in scores]):5.2f} "
        f"{mean([s.seconds for s in scores]) * 1000:6.1f}"
    )
    print(f"pages with text F1 < 0.95: {sum(s.f1 < 0.95 for s in scores)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
