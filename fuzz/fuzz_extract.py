"""atheris target: article extraction. Any HTML → an Extracted page, or ExtractError.

.venv/bin/python fuzz/fuzz_extract.py -max_total_time=60 -timeout=10
"""

from __future__ import annotations

import sys

import _common  # noqa: F401
import atheris

with atheris.instrument_imports(include=["scraper", "urllib", "feedparser", "lxml", "bs4"]):
    from scraper.errors import ExtractError
    from scraper.extract import extract_article

SELECTORS = {"title": "h1", "body": "#article", "date": ".date", "drop": [".ad"]}


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    selectors = SELECTORS if fdp.ConsumeBool() else None
    # decode_html never yields lone surrogates (its errors are replaced), so neither do we.
    html = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    try:
        page = extract_article(html, "https://news.example.kr/a/1", selectors)
    except ExtractError:
        return
    assert isinstance(page.text, str) and isinstance(page.title, str)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
