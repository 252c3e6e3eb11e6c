"""Group wire copies in the archive: one kept article per story, the others marked as its copies.

The kept article is the earliest published; on a tie, the one from the source listed first in
sources.toml (then the smaller id, so the choice is stable). Copies are looked for among articles
published within `WINDOW` of each other.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from archive.records import Article
from archive.store import Store
from scraper import minhash

log = logging.getLogger(__name__)

WINDOW = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class Signed:
    """An article's id, source and date with its MinHash signature."""

    id: str
    source: str
    when: datetime | None
    signature: np.ndarray


def copy_pairs(
    new: list[Signed], pool: list[Signed], threshold: float = minhash.CONTAINMENT
) -> list[tuple[str, str]]:
    """(new id, pool id) for every pool article within `WINDOW` that `new` copies (or is copied by)."""
    if not new or not pool:
        return []
    matrix = np.stack([item.signature for item in pool])
    stamps = np.array([_stamp(item.when) for item in pool], dtype=np.float64)
    pairs: list[tuple[str, str]] = []
    window = WINDOW.total_seconds()
    for item in new:
        scores = minhash.containments(item.signature, matrix)
        near = np.abs(stamps - _stamp(item.when)) <= window
        for index in np.flatnonzero((scores >= threshold) & near):
            if pool[index].id != item.id:
                pairs.append((item.id, pool[index].id))
    return pairs


def kept_article(members: Iterable[Article], source_rank: Mapping[str, int]) -> Article:
    """The article a group shows: earliest published, then first-listed source, then id."""
    last = len(source_rank)
    return min(
        members,
        key=lambda a: (
            a.published.timestamp() if a.published else float("inf"),
            source_rank.get(a.source, last),
            a.id,
        ),
    )


def group_copies(store: Store, new_ids: Iterable[str], source_rank: Mapping[str, int]) -> int:
    """Find wire copies of the given (just stored) articles and regroup; returns groups changed."""
    new = [signed for ident in dict.fromkeys(new_ids) if (signed := _signed(store, ident))]
    dated = [s.when for s in new if s.when is not None]
    if not dated:
        return 0
    start, end = min(dated), max(dated)
    pool = [
        Signed(ident, source, when, minhash.from_bytes(raw))
        for ident, source, when, raw in store.signatures_between(start - WINDOW, end + WINDOW)
    ]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in copy_pairs(new, pool):
        parent[find(a)] = find(b)
    if not parent:
        return 0
    components: dict[str, set[str]] = {}
    for ident in list(parent):
        components.setdefault(find(ident), set()).add(ident)
    changed = 0
    for component in components.values():
        members: set[str] = set()
        for ident in component:  # bring in the groups these articles already belong to
            root = store.duplicate_of(ident) or ident
            members.update({root, *store.duplicate_members(root)})
        articles = [a for ident in sorted(members) if (a := store.article(ident)) is not None]
        if len(articles) < 2:
            continue
        kept = kept_article(articles, source_rank)
        store.set_duplicate_group(kept.id, [a.id for a in articles if a.id != kept.id])
        log.info("wire copies: %s kept, %d copies", kept.url, len(articles) - 1)
        changed += 1
    return changed


def _signed(store: Store, ident: str) -> Signed | None:
    article = store.article(ident)
    if article is None:
        return None
    return Signed(
        article.id, article.source, article.published or article.fetched, _stored(store, article)
    )


def _stored(store: Store, article: Article) -> np.ndarray:
    raw = store.signature(article.id)
    if raw is not None:
        return minhash.from_bytes(raw)
    sig = minhash.signature(article.text)
    store.save_signature(article.id, minhash.to_bytes(sig))
    return sig


def _stamp(when: datetime | None) -> float:
    return when.timestamp() if when is not None else float("inf")
