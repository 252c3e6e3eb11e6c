"""Company candidates found by the tagger (the archive's `candidates` table), as editors see them.

The table belongs to the tagger's candidate discovery; these helpers only read it generically and
drop a row once an editor has decided, so they work whatever columns the table has.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection

from archive.store import Store

log = logging.getLogger(__name__)

NAME_COLUMNS = ("name", "surface", "candidate")
COUNT_COLUMNS = ("count", "mentions", "articles", "n")


def _has_table(store: Store) -> bool:
    row = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'candidates'"
    ).fetchone()
    return row is not None


def _columns(store: Store) -> tuple[str, ...]:
    return tuple(row[1] for row in store.conn.execute("PRAGMA table_info(candidates)"))


def read_candidates(
    store: Store, limit: int = 200, skip: Collection[str] = ()
) -> tuple[tuple[str, ...], list[dict]]:
    """(columns, rows) of the candidates, most frequent first, without the names in `skip`
    (rejected by editors); ((), []) when the archive has no candidates table.

    One row per (name, article) is summarised per name: articles, an example sentence, cues.
    """
    if not _has_table(store):
        return (), []
    columns = _columns(store)
    if {"name", "article_id", "sentence"} <= set(columns):
        cue = ", group_concat(DISTINCT cue) AS cues" if "cue" in columns else ""
        query = (
            "SELECT name, count(DISTINCT article_id) AS articles, min(sentence) AS example"
            f"{cue} FROM candidates GROUP BY name ORDER BY articles DESC, name"
        )
    else:
        count = next((c for c in COUNT_COLUMNS if c in columns), None)
        query = "SELECT * FROM candidates" + (f' ORDER BY "{count}" DESC' if count else "")
    try:
        cursor = store.conn.execute(query)
    except sqlite3.DatabaseError as exc:
        log.warning("%s: cannot read candidates (%s)", store.path, exc)
        return (), []
    names = tuple(d[0] for d in cursor.description)
    rows = []
    for row in cursor:
        record = dict(zip(names, row, strict=True))
        if str(record.get("name", "")) in skip:
            continue
        rows.append(record)
        if len(rows) >= limit:
            break
    return names, rows


def forget_candidate(store: Store, name: str) -> int:
    """Delete a decided candidate from the table; returns the number of rows removed."""
    if not _has_table(store):
        return 0
    column = next((c for c in NAME_COLUMNS if c in _columns(store)), None)
    if column is None:
        return 0
    with store.transaction() as conn:
        cursor = conn.execute(f'DELETE FROM candidates WHERE "{column}" = ?', (name,))
    return cursor.rowcount
