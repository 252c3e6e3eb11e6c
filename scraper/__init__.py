"""The collect stage: sources, polite HTTP, charsets, feeds, article extraction, de-duplication.

The names below are imported on first use (PEP 562), so a command that only reads sources.toml
(render, check) does not pay for trafilatura, BeautifulSoup, numpy and requests. Import the
`collect` function from `scraper.collect`: once that submodule is loaded, `scraper.collect` is
the module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name → the submodule that defines it
_EXPORTS = {
    "decode_html": "charset",
    "decode_xml": "charset",
    "CollectReport": "collect",
    "SourceReport": "collect",
    "collect": "collect",
    "parse_date": "dates",
    "ExtractError": "errors",
    "FeedError": "errors",
    "FetchError": "errors",
    "ScrapeError": "errors",
    "SourceConfigError": "errors",
    "Extracted": "extract",
    "excerpt": "extract",
    "extract_article": "extract",
    "FeedItem": "feeds",
    "parse_feed": "feeds",
    "Fetcher": "http",
    "Response": "http",
    "extract_target": "probe",
    "ScraperSettings": "settings",
    "load_scraper_settings": "settings",
    "make_fetcher": "settings",
    "load_sources": "sources",
    "canonical_url": "urls",
}

__all__ = [
    "CollectReport",
    "ExtractError",
    "Extracted",
    "FeedError",
    "FeedItem",
    "FetchError",
    "Fetcher",
    "Response",
    "ScrapeError",
    "ScraperSettings",
    "SourceConfigError",
    "SourceReport",
    "canonical_url",
    "collect",
    "decode_html",
    "decode_xml",
    "excerpt",
    "extract_article",
    "extract_target",
    "load_scraper_settings",
    "load_sources",
    "make_fetcher",
    "parse_date",
    "parse_feed",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scraper' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"scraper.{module}"), name)
    globals()[name] = value  # later look-ups skip this function (and `collect` is the function)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:  # what type checkers and editors see
    from scraper.charset import decode_html, decode_xml
    from scraper.collect import CollectReport, SourceReport, collect
    from scraper.dates import parse_date
    from scraper.errors import ExtractError, FeedError, FetchError, ScrapeError, SourceConfigError
    from scraper.extract import Extracted, excerpt, extract_article
    from scraper.feeds import FeedItem, parse_feed
    from scraper.http import Fetcher, Response
    from scraper.probe import extract_target
    from scraper.settings import ScraperSettings, load_scraper_settings, make_fetcher
    from scraper.sources import load_sources
    from scraper.urls import canonical_url
