"""Articles to and from JSON Lines: backups, migrations, benchmarks and hand-made corpora."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from archive.records import KST, Article, Tag
from archive.store import Store


class RecordError(Exception):
    """A JSON Lines record is malformed; the message names the file and line."""


def export_articles(store: Store, out: IO[str]) -> int:
    """Write every article (with its id and tags) as one JSON object per line."""
    tags = store.tags()
    count = 0
    for article in store.articles():
        record = {
            "id": article.id,
            "url": article.url,
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "source": article.source,
            "text": article.text,
            "excerpt": article.excerpt,
            "original_url": article.original_url,
            "tags": _tag_lists(tags.get(article.id, [])),
        }
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def _tag_lists(tags: list[Tag]) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {"regions": [], "companies": []}
    for tag in tags:
        name = {"region": "regions", "company": "companies"}.get(tag.kind)
        if name and tag.key not in lists[name]:
            lists[name].append(tag.key)
    return lists


def read_records(path: Path) -> Iterator[tuple[int, Article, list[Tag] | None]]:
    """Parse a JSON Lines file into articles and their given tags (None when not given)."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield number, _article(record), _given_tags(record.get("tags"))
            except (ValueError, KeyError, TypeError) as exc:
                raise RecordError(f"{path}:{number}: {exc}") from exc


def _article(record: dict) -> Article:
    for key in ("url", "title", "text"):
        if not isinstance(record.get(key), str) or not record[key]:
            raise ValueError(f"field {key!r} must be a non-empty string")
    published = record.get("published")
    stamp = datetime.fromisoformat(published) if published else None
    if stamp is not None and stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=KST)
    return Article(
        url=record["url"],
        title=record["title"],
        text=record["text"],
        source=str(record.get("source") or "import"),
        published=stamp,
        excerpt=str(record.get("excerpt") or ""),
        original_url=str(record.get("original_url") or ""),
    )


def _given_tags(raw: object) -> list[Tag] | None:
    if not raw:
        return None
    if not isinstance(raw, dict):
        raise ValueError("'tags' must be an object with 'regions' and/or 'companies' lists")
    tags = []
    for field, kind in (("regions", "region"), ("companies", "company")):
        for key in raw.get(field, []):
            tags.append(Tag(kind=kind, key=str(key), score=1.0, origin="import"))
    return tags


def import_articles(store: Store, path: Path) -> dict[str, int]:
    """Store the file's articles; given tags are kept and the tag stage leaves them alone."""
    counts = {"new": 0, "updated": 0, "unchanged": 0, "with_tags": 0}
    for _, article, tags in read_records(path):
        counts[store.save_article(article)] += 1
        if tags is not None:
            store.replace_tags(article.id, tags, tagged_with="import", origin="import")
            counts["with_tags"] += 1
    return counts
