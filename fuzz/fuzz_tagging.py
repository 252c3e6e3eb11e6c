"""atheris target: tagging (real KoNLPy analyzer and the project's taxonomy). Any title and
body → tags with scores in [0, 1].

    .venv/bin/python fuzz/fuzz_tagging.py -max_total_time=60 -rss_limit_mb=4096
"""

from __future__ import annotations

import sys

import _common
import atheris

with atheris.instrument_imports(include=["nlp"]):
    from nlp.pipeline import open_pipeline

PIPELINE = None


def test_one_input(data: bytes) -> None:
    global PIPELINE
    if PIPELINE is None:
        PIPELINE = open_pipeline(
            _common.ROOT / "content" / "taxonomy", cache_dir=_common.ROOT / ".cache" / "analyzer"
        )
    fdp = atheris.FuzzedDataProvider(data)
    title = fdp.ConsumeUnicodeNoSurrogates(80)
    body = fdp.ConsumeUnicodeNoSurrogates(2000)
    for tag in PIPELINE.tag_text(title, body).tags:
        assert 0 <= tag.score <= 1, tag  # 1 − 0.5^weight rounds to 1.0 past ~53 mentions


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
