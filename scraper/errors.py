"""Exception types of the collect stage, one per failure family."""

from __future__ import annotations


class ScrapeError(Exception):
    """Base of every error the scraper raises on purpose."""


class SourceConfigError(ScrapeError):
    """content/sources.toml (or another sources file) is malformed or inconsistent."""


class FetchError(ScrapeError):
    """An HTTP request failed, was refused by policy, or returned an error status."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class FeedError(ScrapeError):
    """A response could not be read as an RSS or Atom feed."""


class ExtractError(ScrapeError):
    """A page gave no usable article (not HTML, no text)."""
