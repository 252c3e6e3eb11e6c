"""robots.txt: fetched once per host and run, read with Protego (RFC 9309, longest match wins).

A missing robots.txt (any 4xx) allows everything; one that cannot be reached (5xx, network error)
disallows the host for this run, as RFC 9309 asks. `Crawl-delay` lengthens the host's interval.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from scraper.errors import FetchError
from scraper.http import Fetcher, PrivateAllowance

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RobotsVerdict:
    """Whether a URL may be fetched and, when not, why."""

    allowed: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class _HostRules:
    parser: Protego | None  # None: everything allowed (no robots.txt)
    unreachable: str = ""  # why the host is off limits for this run


class RobotsCache:
    """The robots.txt rules of each origin (scheme, host, port), fetched at most once."""

    def __init__(self, fetcher: Fetcher, agent: str) -> None:
        self.fetcher = fetcher
        self.agent = agent.split("/", 1)[0].strip() or agent  # the product token matches groups
        self._rules: dict[str, _HostRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def check(self, url: str, allow_private: PrivateAllowance = False) -> RobotsVerdict:
        """May `url` be fetched? Fetches the origin's robots.txt the first time it is asked."""
        rules = self._host_rules(url, allow_private)
        if rules.unreachable:
            return RobotsVerdict(False, rules.unreachable)
        if rules.parser is None or rules.parser.can_fetch(url, self.agent):
            return RobotsVerdict(True)
        return RobotsVerdict(
            False,
            f"robots.txt of {_origin(url)} disallows this URL for {self.agent}; "
            "it is skipped (ask the outlet, or remove the source)",
        )

    def crawl_delay(self, url: str) -> float:
        """The Crawl-delay robots.txt asks of us on `url`'s origin (0 when none or not fetched)."""
        rules = self._rules.get(_origin(url))
        if rules is None or rules.parser is None:
            return 0.0
        return float(rules.parser.crawl_delay(self.agent) or 0.0)

    def _host_rules(self, url: str, allow_private: PrivateAllowance) -> _HostRules:
        origin = _origin(url)
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = self._rules[origin] = self._fetch(origin, allow_private)
            return rules

    def _fetch(self, origin: str, allow_private: PrivateAllowance) -> _HostRules:
        robots_url = f"{origin}/robots.txt"
        try:
            response = self.fetcher.get(robots_url, allow_private=allow_private)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                log.debug("%s: HTTP %d; everything allowed", robots_url, exc.status)
                return _HostRules(None)
            log.warning("%s: unreachable (%s); the host is skipped this run", robots_url, exc)
            return _HostRules(
                None, f"robots.txt of {origin} could not be read ({exc.reason}); retried next run"
            )
        text = response.body.decode("utf-8", errors="replace").lstrip("\ufeff")
        return _HostRules(Protego.parse(text))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
