"""Sources to and from OPML, the outline format feed readers exchange subscriptions in.

Export writes one `<outline type="rss">` per source with the standard `text`, `title`, `xmlUrl`
and `htmlUrl` attributes, plus our own settings as extra attributes (`key`, `kind`, `policy`,
`region`, `rate`, `enabled`, `allowPrivate`, `maxItems`, and `selectors.NAME` / `list.NAME` for
CSS selectors), so that an export imports back to the same sources. Import appends the outlines
whose URLs are new to a sources.toml file (comments and layout kept, by tomlkit).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import tomlkit
from lxml import etree

from archive.records import Source
from scraper.errors import SourceConfigError
from scraper.sources import parse_source

log = logging.getLogger(__name__)

HOST_NOISE = frozenset({"www", "rss", "feeds", "feed", "news", "m", "api", "xml"})
HOST_SUFFIXES = frozenset({"com", "co", "kr", "net", "org", "or", "go", "re", "ne", "io", "tv"})


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an OPML import did: keys added, and URLs skipped because a source already has them."""

    added: tuple[str, ...]
    skipped: tuple[str, ...]


def sources_to_opml(sources: list[Source], title: str = "지역 AI 뉴스 sources") -> str:
    """An OPML 2.0 document listing `sources` (pretty-printed, UTF-8 declared)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for source in sources:
        ET.SubElement(body, "outline", _outline_attributes(source))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _outline_attributes(source: Source) -> dict[str, str]:
    parts = urlsplit(source.url)
    attributes = {
        "type": "rss",
        "text": source.name,
        "title": source.name,
        "xmlUrl": source.url,
        "htmlUrl": f"{parts.scheme}://{parts.netloc}/",
        "key": source.key,
        "kind": source.kind,
        "policy": str(source.policy),
    }
    if source.region:
        attributes["region"] = source.region
    if source.rate is not None:
        attributes["rate"] = f"{source.rate:g}"
    if not source.enabled:
        attributes["enabled"] = "false"
    if source.allow_private:  # true, or the networks allowed ("127.0.0.0/8 10.0.0.0/8")
        allowed = source.allow_private
        attributes["allowPrivate"] = "true" if allowed is True else " ".join(allowed)
    if source.max_items != 200:
        attributes["maxItems"] = str(source.max_items)
    for name, value in source.selectors.items():
        attributes[f"selectors.{name}"] = (
            json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)
        )
    for name, value in source.list_selectors.items():
        attributes[f"list.{name}"] = value
    return attributes


def opml_tables(data: bytes, origin: str) -> list[dict[str, Any]]:
    """`[[source]]` tables (as dicts) for every feed outline in an OPML document."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceConfigError(f"{origin}: not valid OPML/XML ({exc}); check the file") from exc
    if root is None or etree.QName(root).localname != "opml":
        raise SourceConfigError(f"{origin}: not an OPML file (no <opml> root element)")
    tables: list[dict[str, Any]] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder, or a link that is not a feed
        tables.append(_table(dict(outline.attrib), url))
    return tables


def _table(attributes: dict[str, str], url: str) -> dict[str, Any]:
    name = (attributes.get("title") or attributes.get("text") or "").strip()
    table: dict[str, Any] = {"key": attributes.get("key", "").strip(), "name": name, "url": url}
    table["kind"] = attributes.get("kind", "rss")
    table["policy"] = attributes.get("policy", "filter")
    if attributes.get("region"):
        table["region"] = attributes["region"]
    if attributes.get("rate"):
        table["rate"] = float(attributes["rate"])
    if attributes.get("enabled") == "false":
        table["enabled"] = False
    allowed = attributes.get("allowPrivate", "").strip()
    if allowed == "true":
        table["allow_private"] = True
    elif allowed and allowed != "false":
        table["allow_private"] = allowed.split()
    if attributes.get("maxItems", "").isdigit():
        table["max_items"] = int(attributes["maxItems"])
    for prefix, target in (("selectors.", "selectors"), ("list.", "list")):
        values = {k[len(prefix) :]: v for k, v in attributes.items() if k.startswith(prefix)}
        if "drop" in values:
            values["drop"] = json.loads(values["drop"])
        if values:
            table[target] = values
    return table


def import_opml(opml_file: Path, sources_file: Path) -> ImportResult:
    """Append the OPML file's feeds that `sources_file` lacks (by URL) as new `[[source]]`s."""
    opml_file, sources_file = Path(opml_file), Path(sources_file)
    try:
        data = opml_file.read_bytes()
    except FileNotFoundError as exc:
        raise SourceConfigError(f"{opml_file}: no such file") from exc
    tables = opml_tables(data, str(opml_file))
    text = sources_file.read_text(encoding="utf-8") if sources_file.exists() else ""
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise SourceConfigError(f"{sources_file}: not valid TOML ({exc}); fix it first") from exc
    existing = document.get("source") or tomlkit.aot()
    keys = {str(t.get("key")) for t in existing}
    urls = {str(t.get("url")) for t in existing}
    added: list[str] = []
    skipped: list[str] = []
    for position, table in enumerate(tables, start=1):
        if table["url"] in urls:
            skipped.append(table["url"])
            continue
        table["key"] = _unique_key(table["key"] or key_from_url(table["url"]), keys)
        table["name"] = table["name"] or table["key"]
        parse_source(dict(table), origin=str(opml_file), position=position)  # validate first
        existing.append(_toml_table(table))
        keys.add(table["key"])
        urls.add(table["url"])
        added.append(table["key"])
    if added:
        document["source"] = existing
        sources_file.parent.mkdir(parents=True, exist_ok=True)
        sources_file.write_text(tomlkit.dumps(document), encoding="utf-8")
    log.info("%s: %d sources added, %d already there", sources_file, len(added), len(skipped))
    return ImportResult(tuple(added), tuple(skipped))


def _toml_table(table: dict[str, Any]) -> tomlkit.items.Table:
    out = tomlkit.table()
    for name, value in table.items():
        if isinstance(value, dict):
            sub = tomlkit.table()
            for k, v in value.items():
                sub.add(k, v)
            out.add(name, sub)
        else:
            out.add(name, value)
    return out


def key_from_url(url: str) -> str:
    """A short source key from a feed URL's host: https://rss.etnews.com/… → "etnews"."""
    labels = [label for label in (urlsplit(url).hostname or "").split(".") if label]
    meaningful = [
        label for label in labels if label not in HOST_NOISE and label not in HOST_SUFFIXES
    ]
    key = (meaningful or labels or ["source"])[0].lower()
    return re.sub(r"[^a-z0-9-]+", "-", key).strip("-") or "source"


def _unique_key(key: str, taken: set[str]) -> str:
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}-{number}", number + 1
    return candidate
