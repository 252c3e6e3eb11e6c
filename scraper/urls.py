"""Canonical article URLs: one spelling per article, so the archive stores each article once.

`canonical_url` makes a URL absolute, lowercases the scheme and host, drops default ports and
the fragment, removes tracking parameters and sorts the rest. The path's case and the raw bytes
of query values are kept (EUC-KR percent-escapes must survive). courlan was considered; its
fixed tracker list and query re-encoding make a small pure function the safer choice here.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

# Exact parameter names (compared lowercased) that only say where a click came from.
TRACKING_PARAMS = frozenset(
    {
        # ad and social click ids
        *("fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid"),
        *("twclid", "ttclid", "igshid", "li_fat_id", "srsltid"),
        # mail and marketing platforms
        *("mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id"),
        *("oly_anon_id", "oly_enc_id", "wt.mc_id", "s_cid", "cmpid", "icid", "ncid", "spm"),
        # referrer markers that outlets and portals append to article links
        *("ref", "ref_src", "ref_url", "referrer", "from"),
    }
)
# Parameter name prefixes with the same meaning (utm_source, utm_medium, ...).
TRACKING_PREFIXES = ("utm_", "pk_")
DEFAULT_PORTS = {"http": 80, "https": 443}
WEB_SCHEMES = frozenset(DEFAULT_PORTS)

_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_PATH_SAFE = "/%:@!$&'()*+,;=~-._"


def canonical_url(url: str, base: str | None = None) -> str:
    """The canonical spelling of `url` (made absolute against `base` first)."""
    url = url.strip()
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
    except ValueError:  # "http://[": not a URL; leave it for is_web_url and the fetcher to refuse
        return url
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES or not parts.hostname:
        return url
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: leave the URL for the fetcher to refuse
        return url
    host = parts.hostname.rstrip(".")  # hostname is already lowercased
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = _normalise_escapes(quote(parts.path or "/", safe=_PATH_SAFE))
    return urlunsplit((scheme, netloc, path, clean_query(parts.query), ""))


def clean_query(query: str) -> str:
    """A query string without tracking parameters, sorted by name; values are left as they are."""
    pairs = [pair for pair in query.split("&") if pair]
    kept = [pair for pair in pairs if not is_tracking_param(pair.split("=", 1)[0])]
    kept.sort(key=lambda pair: pair.split("=", 1)[0])
    return "&".join(_normalise_escapes(quote(pair, safe=_PATH_SAFE + "?")) for pair in kept)


def is_tracking_param(name: str) -> bool:
    """True for query parameter names that only track clicks (utm_*, fbclid, ...)."""
    name = unquote_plus(name).strip().lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def is_web_url(url: str) -> bool:
    """True for absolute http(s) URLs with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced IPv6 bracket
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def _normalise_escapes(text: str) -> str:
    """Percent-escapes in upper case (%ea → %EA), so both spellings compare equal."""
    return _ESCAPE.sub(lambda m: m.group(0).upper(), text)
