"""Read the outlets to collect from a sources.toml file into `Source` records."""

from __future__ import annotations

import ipaddress
import logging
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.records import Source
from archive.relevance import parse_policy
from scraper.errors import SourceConfigError

log = logging.getLogger(__name__)

FEED_KINDS = ("rss", "atom", "feed")
KINDS = (*FEED_KINDS, "html", "sitemap")
POLICIES = ("all", "filter")  # or a number: the source's own relevance threshold
SELECTOR_KEYS = ("title", "body", "date", "author", "drop")
LIST_KEYS = ("item", "link", "title", "date")
SOURCE_KEYS = frozenset(
    {
        *("key", "name", "url", "kind", "enabled", "allow_private", "policy", "max_items"),
        *("selectors", "list", "rate", "region"),
    }
)
BASE_PLACEHOLDER = "__BASE__"


def load_sources(path: Path, base: str | None = None) -> list[Source]:
    """All `[[source]]` tables of `path`, validated; `__BASE__` in URLs becomes `base`."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourceConfigError(f"{path}: no such file; create it or pass another path") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceConfigError(f"{path}: not valid UTF-8 TOML ({exc}); fix the file") from exc
    tables = data.get("source", [])
    if not isinstance(tables, list):
        raise SourceConfigError(f"{path}: write sources as [[source]] tables")
    sources: list[Source] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        source = parse_source(table, base=base, origin=str(path), position=number)
        if source.key in seen:
            raise SourceConfigError(
                f"{path}: source {source.key!r}: duplicate key; each source needs its own key"
            )
        seen.add(source.key)
        sources.append(source)
    log.debug("%s: %d sources", path, len(sources))
    return sources


def parse_source(
    table: dict[str, Any], *, base: str | None = None, origin: str = "sources", position: int = 0
) -> Source:
    """One `[[source]]` table as a `Source`; `origin` (the file) prefixes error messages."""
    if not isinstance(table, dict):
        raise SourceConfigError(f"{origin}: write sources as [[source]] tables")
    key = table.get("key")
    if not isinstance(key, str) or not key.strip():
        raise SourceConfigError(
            f"{origin}: [[source]] #{position} has no 'key'; add a short unique name such as 'cbinews'"
        )
    where = f"{origin}: source {key!r}"
    unknown = sorted(set(table) - SOURCE_KEYS)
    if unknown:
        raise SourceConfigError(
            f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(SOURCE_KEYS))}"
        )
    url = _source_url(table.get("url"), base, where)
    kind = table.get("kind", "rss")
    if kind not in KINDS:
        raise SourceConfigError(f"{where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    max_items = table.get("max_items", 200)
    if not isinstance(max_items, int) or isinstance(max_items, bool) or max_items < 1:
        raise SourceConfigError(f"{where}: max_items must be a positive integer")
    if not isinstance(table.get("enabled", True), bool):
        raise SourceConfigError(f"{where}: enabled must be true or false")
    allow_private = _allow_private(table.get("allow_private", False), where)
    policy = table.get("policy", "filter")
    try:  # "all", "filter" or the source's own relevance threshold (0.7)
        parsed = parse_policy(policy)
    except ValueError as exc:
        raise SourceConfigError(f"{where}: {exc}") from exc
    policy = str(parsed) if parsed.threshold is None else parsed.threshold
    rate = table.get("rate")
    if rate is not None and (
        isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 0
    ):
        raise SourceConfigError(
            f"{where}: rate must be a number of requests per second ≥ 0 (0 = no delay)"
        )
    region = table.get("region", "")
    if not isinstance(region, str):
        raise SourceConfigError(f'{where}: region must be a 시·도 name such as "충청북도"')
    list_selectors = _list_selectors(table.get("list"), kind, where)
    return Source(
        key=key,
        name=str(table.get("name") or key),
        url=url,
        kind=kind,
        selectors=_selectors(table.get("selectors", {}), where),
        allow_private=allow_private,
        enabled=table.get("enabled", True),
        policy=policy,
        max_items=max_items,
        rate=float(rate) if rate is not None else None,
        region=region.strip(),
        list_selectors=list_selectors,
    )


def _allow_private(value: object, where: str) -> bool | tuple[str, ...]:
    """`allow_private`: true, false, or the private networks the source's hosts may be in
    (["127.0.0.0/8"]: loopback only, so a redirect to 10.x or 169.254.169.254 is still refused)."""
    if isinstance(value, bool):
        return value
    usage = (
        f"{where}: allow_private must be true, false or a list of networks such as "
        '["127.0.0.0/8", "10.1.0.0/16"]'
    )
    if not isinstance(value, list) or not value:
        raise SourceConfigError(usage)
    networks = []
    for item in value:
        try:
            networks.append(str(ipaddress.ip_network(str(item), strict=False)))
        except ValueError as exc:
            raise SourceConfigError(f"{usage} ({item!r}: {exc})") from exc
    return tuple(networks)


def _source_url(url: object, base: str | None, where: str) -> str:
    """The validated feed URL, with the `__BASE__` placeholder filled in."""
    if not isinstance(url, str) or not url.strip():
        raise SourceConfigError(f"{where}: missing 'url' (the feed address)")
    url = url.strip()
    if BASE_PLACEHOLDER in url:
        if base is None:
            raise SourceConfigError(
                f"{where}: url {url!r} uses {BASE_PLACEHOLDER}; pass a base URL to fill it in"
            )
        url = url.replace(BASE_PLACEHOLDER, base.rstrip("/"))
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SourceConfigError(f"{where}: url {url!r} is not an http(s) address")
    return url


def _selectors(raw: object, where: str) -> dict[str, object]:
    """The `[source.selectors]` table, with each CSS selector checked to compile."""
    if not isinstance(raw, dict):
        raise SourceConfigError(f"{where}: selectors must be a table ([source.selectors])")
    unknown = sorted(set(raw) - set(SELECTOR_KEYS))
    if unknown:
        raise SourceConfigError(
            f"{where}: unknown selector(s) {', '.join(unknown)}; known: {', '.join(SELECTOR_KEYS)}"
        )
    selectors: dict[str, object] = {}
    for name, value in raw.items():
        values = value if name == "drop" and isinstance(value, list) else [value]
        for css in values:
            if not isinstance(css, str) or not css.strip():
                raise SourceConfigError(f"{where}: selector {name!r} must be a CSS selector string")
            import soupsieve  # here: most sources have no selectors (soupsieve loads bs4)

            try:
                soupsieve.compile(css)
            except soupsieve.SelectorSyntaxError as exc:
                raise SourceConfigError(
                    f"{where}: selector {name!r} = {css!r} is not valid CSS ({exc.args[0]})"
                ) from exc
        selectors[name] = list(values) if name == "drop" else value
    return selectors


def _list_selectors(raw: object, kind: str, where: str) -> dict[str, str]:
    """The `[source.list]` table of an HTML list page: item, link (required), title, date."""
    if raw is None:
        if kind == "html":
            raise SourceConfigError(
                f'{where}: kind = "html" needs a [source.list] table with CSS selectors: '
                "item (one per article), link (its <a>), and optionally title and date"
            )
        return {}
    if kind != "html":
        raise SourceConfigError(f'{where}: [source.list] only applies to kind = "html"')
    if not isinstance(raw, dict):
        raise SourceConfigError(f"{where}: list must be a table ([source.list])")
    unknown = sorted(set(raw) - set(LIST_KEYS))
    if unknown:
        raise SourceConfigError(
            f"{where}: unknown list selector(s) {', '.join(unknown)}; known: {', '.join(LIST_KEYS)}"
        )
    for required in ("item", "link"):
        if required not in raw:
            raise SourceConfigError(f"{where}: [source.list] needs {required!r}")
    selectors: dict[str, str] = {}
    for name, css in raw.items():
        if not isinstance(css, str) or not css.strip():
            raise SourceConfigError(
                f"{where}: list selector {name!r} must be a CSS selector string"
            )
        import soupsieve  # here: most sources have no selectors (soupsieve loads bs4)

        try:
            soupsieve.compile(css)
        except soupsieve.SelectorSyntaxError as exc:
            raise SourceConfigError(
                f"{where}: list selector {name!r} = {css!r} is not valid CSS ({exc.args[0]})"
            ) from exc
        selectors[name] = css.strip()
    return selectors
