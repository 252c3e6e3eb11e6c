"""atheris target: RSS/Atom feed reading. Any bytes → items with http(s) links, or FeedError.

.venv/bin/python fuzz/fuzz_feeds.py -max_total_time=60 -rss_limit_mb=1024
"""

from __future__ import annotations

import sys

import _common  # noqa: F401  (sys.path, logging)
import atheris

with atheris.instrument_imports(include=["scraper", "urllib", "feedparser", "lxml", "bs4"]):
    from scraper.errors import FeedError
    from scraper.feeds import parse_feed


def test_one_input(data: bytes) -> None:
    try:
        items = parse_feed(data, "https://news.example.kr/rss.xml")
    except FeedError:
        return
    for item in items:
        assert item.link.startswith(("http://", "https://")), item.link


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
