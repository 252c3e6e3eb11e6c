"""The collect stage: sources, polite HTTP, charsets, feeds, article extraction, de-duplication."""

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
