"""The HTTP client of the collect stage: caps, retries, conditional GET and a private-address guard."""

from __future__ import annotations

import functools
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from archive.records import FetchState
from scraper.errors import FetchError

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "jiyeok-ai-news/0.1 (regional AI news aggregator)"
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,*/*;q=0.8"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 64 * 1024

Resolver = Callable[[str], list[str]]
# A source's `allow_private`: False (public addresses only), True (any address) or the private
# networks its hosts may be in, e.g. ("127.0.0.0/8",) for loopback outlets.
PrivateAllowance = bool | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Response:
    """A finished HTTP exchange: final URL, status, lowercased headers and the body."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    not_modified: bool = False
    moved_to: str = ""  # where the requested URL permanently redirects (301/308 hops only)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")


def resolve_host(host: str) -> list[str]:
    """The IP addresses `host` resolves to (IP literals resolve to themselves)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses; false for loopback, private, link-local..."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


class Fetcher:
    """GETs URLs politely and safely; one `requests.Session` per thread."""

    def __init__(
        self,
        user_agent: str = DEFAULT_USER_AGENT,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        total_timeout: float = 60.0,
        max_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 5,
        retries: int = 2,
        backoff: float = 0.5,
        max_retry_after: float = 120.0,
        resolver: Resolver = resolve_host,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = (connect_timeout, read_timeout)
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.resolver = resolver
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """This thread's session (sessions and their cookie jars are not shared by threads)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(
                {"User-Agent": self.user_agent, "Accept": ACCEPT, "Accept-Language": "ko,en;q=0.5"}
            )
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def get(
        self,
        url: str,
        *,
        state: FetchState | None = None,
        allow_private: PrivateAllowance = False,
    ) -> Response:
        """GET `url`, following redirects hop by hop; conditional when `state` has validators."""
        headers: dict[str, str] = {}
        if state is not None and state.url == url:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        current = url
        moved_to = ""
        permanent = True  # every hop so far was a permanent redirect
        seen = [url]
        for _hop in range(self.max_redirects + 1):
            self._check_target(current, allow_private)
            response = self._get_with_retries(current, headers)
            if response.status in REDIRECT_STATUSES and "location" in response.headers:
                current = urljoin(current, response.headers["location"].strip())
                permanent = permanent and response.status in PERMANENT_REDIRECTS
                if permanent:
                    moved_to = current
                log.debug("%s: HTTP %d to %s", url, response.status, current)
                seen.append(current)
                continue
            if response.status == 304:
                return Response(current, 304, response.headers, b"", True, moved_to)
            if response.status >= 400:
                raise FetchError(
                    current,
                    _status_reason(response.status, response.headers.get("retry-after")),
                    status=response.status,
                )
            log.debug("%s: HTTP %d, %d bytes", current, response.status, len(response.body))
            return Response(
                current, response.status, response.headers, response.body, False, moved_to
            )
        if len(set(seen)) < len(seen):
            loop = " → ".join(dict.fromkeys(seen))
            raise FetchError(url, f"redirect loop ({loop}); check the URL or tell the outlet")
        raise FetchError(url, f"more than {self.max_redirects} redirects; check the URL")

    def close(self) -> None:
        """Close every thread's session (their pooled connections)."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one hop ---------------------------------------------------------------------------
    def _check_target(self, url: str, allow_private: PrivateAllowance) -> None:
        """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to private addresses
        (with `allow_private` a tuple of networks, private addresses outside them)."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FetchError(url, "only http and https URLs can be fetched")
        if allow_private is True:
            return
        networks = private_networks(tuple(allow_private or ()))
        try:
            addresses = self.resolver(parts.hostname)
        except (OSError, UnicodeError) as exc:
            raise FetchError(url, f"cannot resolve host {parts.hostname!r} ({exc})") from exc
        blocked = [a for a in addresses if not is_public_address(a) and not _within(a, networks)]
        if blocked or not addresses:
            allowed = (
                f"outside allow_private ({', '.join(str(n) for n in networks)}); add its "
                "network to allow_private for this source if that is intended"
                if networks
                else "set allow_private = true for this source if that is intended"
            )
            raise FetchError(
                url,
                f"host {parts.hostname!r} resolves to a non-public address "
                f"({', '.join(blocked) or 'none'}); {allowed}",
            )

    def _get_with_retries(self, url: str, headers: dict[str, str]) -> Response:
        """One hop, retried with exponential backoff on connection errors, timeouts and 5xx."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._get_once(url, headers)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if last:
                    kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                    raise FetchError(url, f"{kind} after {attempt + 1} attempt(s) ({exc})") from exc
                log.info("%s: %s; retrying", url, type(exc).__name__)
            except requests.RequestException as exc:
                raise FetchError(url, f"request failed ({exc})") from exc
            else:
                if response.status not in RETRY_STATUSES or last:
                    return response
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None:
                    if wait > self.max_retry_after:
                        log.info("%s: Retry-After %.0f s is too long; giving up", url, wait)
                        return response
                    log.info("%s: HTTP %d, Retry-After %.1f s", url, response.status, wait)
                    time.sleep(wait)
                    continue
                log.info("%s: HTTP %d; retrying", url, response.status)
            time.sleep(self.backoff * (2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        """One request, body streamed and capped at `max_bytes` and `total_timeout`."""
        started = time.monotonic()
        with self.session.get(
            url, headers=headers, timeout=self.timeout, stream=True, allow_redirects=False
        ) as raw:
            lowered = {k.lower(): v for k, v in raw.headers.items()}
            if raw.status_code in REDIRECT_STATUSES or raw.status_code == 304:
                return Response(raw.url, raw.status_code, lowered, b"")
            declared = lowered.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(url, self._too_large(int(declared)))
            if raw.status_code in RETRY_STATUSES or raw.status_code >= 400:
                return Response(raw.url, raw.status_code, lowered, b"")  # the body is not needed
            return Response(raw.url, raw.status_code, lowered, self._read_body(url, raw, started))

    def _read_body(self, url: str, raw: requests.Response, started: float) -> bytes:
        """The (gzip/deflate-decoded) body, read as it arrives so slow drips hit the deadline."""
        chunks: list[bytes] = []
        size = 0
        stream = raw.raw
        while True:
            try:
                chunk = stream.read1(CHUNK, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError as exc:
                raise requests.Timeout(str(exc)) from exc
            except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError) as exc:
                raise requests.ConnectionError(f"body cut off or corrupt ({exc})") from exc
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(url, self._too_large(size))
            if time.monotonic() - started > self.total_timeout:
                raise FetchError(
                    url,
                    f"took longer than {self.total_timeout:g} s in all (a slow server); try later",
                )
            chunks.append(chunk)

    def _too_large(self, size: int) -> str:
        return (
            f"response too large ({size} bytes or more, limit {self.max_bytes}); "
            "raise max_bytes if the page is genuine"
        )


@functools.lru_cache(maxsize=64)
def private_networks(
    names: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The networks of a source's `allow_private` list (validated by `scraper.sources`)."""
    return tuple(ipaddress.ip_network(name, strict=False) for name in names)


def _within(
    address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP-date), or None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _status_reason(status: int, retry_after: str | None = None) -> str:
    """An error status with what to do about it."""
    if status in (401, 403):
        advice = "the server refuses access; check the URL or ask the outlet"
    elif status in (404, 410):
        advice = "the address is gone; check the URL in sources.toml or the feed"
    elif status == 429:
        advice = "rate limited; collect less often or lower the source's rate"
    elif status >= 500:
        advice = "server error; it is retried on the next run"
    else:
        advice = "unexpected status"
    wait = retry_after_seconds(retry_after)
    if wait is not None:
        advice += f"; the server asks to wait {wait:.0f} s (Retry-After)"
    return f"HTTP {status} ({advice})"
