"""atheris target: URL canonicalisation. Any text → a string; web URLs are canonical once.

.venv/bin/python fuzz/fuzz_urls.py -max_total_time=60
"""

from __future__ import annotations

import sys

import _common  # noqa: F401
import atheris

with atheris.instrument_imports(include=["scraper", "urllib", "feedparser", "lxml", "bs4"]):
    import scraper.urls  # noqa: F401
    from scraper.urls import canonical_url, is_web_url


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    url = fdp.ConsumeUnicode(fdp.remaining_bytes())
    once = canonical_url(url)
    if is_web_url(once) and "#" not in url:
        assert canonical_url(once) == once, (url, once)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
