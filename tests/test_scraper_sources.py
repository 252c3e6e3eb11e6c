"""sources.toml loading and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.records import Source
from scraper.errors import SourceConfigError
from scraper.sources import load_sources

VALID = """
[[source]]
key = "cbinews"
name = "충북AI일보"
url = "__BASE__/cb/rss.xml"
kind = "rss"
max_items = 30
allow_private = true

[source.selectors]
title = "h3.heading"
body = "#article-view-content-div"
date = "ul.infomation li:nth-of-type(2)"
drop = [".ad-template", "figure"]

[[source]]
key = "djatom"
url = "https://www.example-dj.kr/atom"
kind = "atom"
enabled = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_sources_fills_base_and_defaults(tmp_path: Path) -> None:
    sources = load_sources(write(tmp_path, VALID), base="http://127.0.0.1:8000/")
    assert sources[0] == Source(
        key="cbinews",
        name="충북AI일보",
        url="http://127.0.0.1:8000/cb/rss.xml",
        kind="rss",
        selectors={
            "title": "h3.heading",
            "body": "#article-view-content-div",
            "date": "ul.infomation li:nth-of-type(2)",
            "drop": [".ad-template", "figure"],
        },
        allow_private=True,
        enabled=True,
        policy="filter",
        max_items=30,
    )
    assert sources[1].name == "djatom"
    assert sources[1].enabled is False
    assert sources[1].selectors == {}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[source]]\nkey = "a"\n', r"source 'a': missing 'url'"),
        ('[[source]]\nurl = "https://a.kr/rss"\n', r"#1 has no 'key'"),
        (
            '[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\n'
            '[[source]]\nkey = "a"\nurl = "https://b.kr/rss"\n',
            r"source 'a': duplicate key",
        ),
        (
            '[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\nkind = "gopher"\n',
            r"unknown kind 'gopher'",
        ),
        (
            '[[source]]\nkey = "a"\nurl = "https://a.kr/list"\nkind = "html"\n',
            r"kind = \"html\" needs a \[source.list\] table",
        ),
        (
            '[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\n[source.list]\nitem = "li"\n',
            r"\[source.list\] only applies to kind = \"html\"",
        ),
        (
            '[[source]]\nkey = "a"\nurl = "https://a.kr/l"\nkind = "html"\n[source.list]\nitem = "li"\n',
            r"\[source.list\] needs 'link'",
        ),
        (
            '[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\npolicy = "some"\n',
            r"policy 'some' is unknown",
        ),
        ('[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\nrate = -1\n', r"rate must be"),
        ('[[source]]\nkey = "a"\nurl = "ftp://a.kr/rss"\n', r"not an http\(s\) address"),
        ('[[source]]\nkey = "a"\nurl = "/rss.xml"\n', r"not an http\(s\) address"),
        ('[[source]]\nkey = "a"\nurl = "__BASE__/rss"\n', r"pass a base URL"),
        ('[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\nmax_item = 3\n', r"unknown setting"),
        ('[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\nmax_items = 0\n', r"max_items"),
        (
            '[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\n[source.selectors]\nbody = "div[["\n',
            r"selector 'body' = 'div\[\[' is not valid CSS",
        ),
        (
            '[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\n[source.selectors]\nbodie = "p"\n',
            r"unknown selector\(s\) bodie",
        ),
        ("[[source]\n", r"not valid UTF-8 TOML"),
    ],
)
def test_invalid_sources_name_the_file_and_the_source(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(SourceConfigError, match=message) as info:
        load_sources(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match="no such file"):
        load_sources(tmp_path / "nope.toml")
