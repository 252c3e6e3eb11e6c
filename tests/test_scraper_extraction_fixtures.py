"""The generic extractor on pages in the layouts of real Korean news CMSs (tests/fixtures/extraction).

Each page is read as bytes (charset sniffed) with no site selectors. bench/extraction.py prints
the same scores as a table; here each page must keep its exact title and date and a text F1
of at least 0.95 (whitespace tokens), so that a change that breaks one layout is caught.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from scraper.charset import decode_html
from scraper.extract import extract_article

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
PAGES = sorted(FIXTURES.glob("*.html"))


def test_the_fixture_set_is_large_enough() -> None:
    assert len(PAGES) >= 20
    assert any(json.loads(p.with_suffix(".json").read_text())["encoding"] == "cp949" for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_generic_extraction(page: Path) -> None:
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    found = extract_article(decode_html(page.read_bytes()), expected["url"])
    assert found.title == expected["title"]
    assert found.published is not None
    assert found.published.isoformat() == expected["published"]
    want, got = Counter(expected["text"].split()), Counter(found.text.split())
    overlap = sum((want & got).values())
    precision, recall = overlap / max(1, sum(got.values())), overlap / sum(want.values())
    assert 2 * precision * recall / max(precision + recall, 1e-9) >= 0.95, (
        f"missing: {' '.join((want - got).elements())[:300]} | "
        f"extra: {' '.join((got - want).elements())[:300]}"
    )
    # captions, bylines, related headlines and copyright lines stay out
    assert "저작권" not in found.text and "무단" not in found.text
    assert "@" not in found.text
