"""The scraper's settings: the `[scraper]` table of content/site.toml, with polite defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from scraper.errors import SourceConfigError
from scraper.http import Fetcher


@dataclass(frozen=True, slots=True)
class ScraperSettings:
    """How hard the collector may push: per-host rate, parallel hosts, timeouts and caps."""

    rate: float = 1.0  # requests per second per host (0 = no delay); a source's `rate` overrides
    hosts_in_parallel: int = 4
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    max_retry_after: float = 120.0  # longest Retry-After waited for; longer ones fail the fetch
    max_crawl_delay: float = 30.0  # robots.txt Crawl-delay is honoured up to this many seconds
    page_attempts: int = 3  # an article page failing this many runs is given up

    def interval(self, rate: float | None) -> float:
        """Seconds between two requests to a host at `rate` (None: this default rate)."""
        rate = self.rate if rate is None else rate
        return 0.0 if rate <= 0 else 1.0 / rate


_POSITIVE_INTS = ("hosts_in_parallel", "max_bytes", "page_attempts")
_COUNTS = ("max_redirects", "retries")


def load_scraper_settings(site_toml: Path) -> ScraperSettings:
    """The `[scraper]` table of `site_toml` (defaults for what it leaves out or when it is absent)."""
    path = Path(site_toml)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ScraperSettings()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceConfigError(f"{path}: not valid UTF-8 TOML ({exc}); fix the file") from exc
    return scraper_settings(data.get("scraper", {}), origin=f"{path} [scraper]")


def scraper_settings(table: Any, origin: str = "[scraper]") -> ScraperSettings:
    """Validated `ScraperSettings` from a TOML table."""
    if not isinstance(table, dict):
        raise SourceConfigError(f"{origin}: must be a table")
    known = {f.name: f for f in fields(ScraperSettings)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise SourceConfigError(
            f"{origin}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    values: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SourceConfigError(f"{origin}: {name} must be a number ≥ 0")
        if name in _POSITIVE_INTS or name in _COUNTS:
            least = 1 if name in _POSITIVE_INTS else 0
            if not isinstance(value, int) or value < least:
                raise SourceConfigError(f"{origin}: {name} must be a whole number ≥ {least}")
            values[name] = value
        else:
            values[name] = float(value)
    return ScraperSettings(**values)


def make_fetcher(settings: ScraperSettings, user_agent: str, **options: Any) -> Fetcher:
    """A `Fetcher` with these settings' timeouts and caps (`options` override, e.g. resolver)."""
    values: dict[str, Any] = {
        "connect_timeout": settings.connect_timeout,
        "read_timeout": settings.read_timeout,
        "total_timeout": settings.total_timeout,
        "max_bytes": settings.max_bytes,
        "max_redirects": settings.max_redirects,
        "retries": settings.retries,
        "max_retry_after": settings.max_retry_after,
    }
    values.update(options)
    return Fetcher(user_agent, **values)
