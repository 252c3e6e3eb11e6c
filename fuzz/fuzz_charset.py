"""atheris target: charset decoding. Any bytes and any Content-Type → text, never an exception.

.venv/bin/python fuzz/fuzz_charset.py -max_total_time=60
"""

from __future__ import annotations

import sys

import _common  # noqa: F401
import atheris

with atheris.instrument_imports(include=["scraper", "urllib", "feedparser", "lxml", "bs4"]):
    from scraper.charset import decode_html, decode_xml


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    content_type = fdp.ConsumeUnicodeNoSurrogates(40)
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    assert isinstance(decode_html(body, content_type or None), str)
    assert isinstance(decode_xml(body, content_type or None), str)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
