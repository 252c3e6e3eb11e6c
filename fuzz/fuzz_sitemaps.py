"""atheris target: sitemap reading (plain and gzipped). Any bytes → items, or FeedError.

.venv/bin/python fuzz/fuzz_sitemaps.py -max_total_time=60
"""

from __future__ import annotations

import sys

import _common  # noqa: F401
import atheris

with atheris.instrument_imports(include=["scraper", "urllib", "feedparser", "lxml", "bs4"]):
    from scraper.errors import FeedError
    from scraper.sitemaps import parse_sitemap


def test_one_input(data: bytes) -> None:
    try:
        sitemap = parse_sitemap(data, "https://news.example.kr/sitemap.xml", max_bytes=1 << 20)
    except FeedError:
        return
    for item in sitemap.items:
        assert item.link.startswith(("http://", "https://")), item.link


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
