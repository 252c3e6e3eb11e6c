"""A digest of the archive's contents, for telling cheaply that nothing a render reads changed.

Every table counts except the run bookkeeping and fetch state, which change on every run without
changing any page; a table added later counts too (the safe side: at worst a render that could
have been skipped is not). Article texts and stored analyses are represented by the content
hash they are keyed by, which is much cheaper to read. Rows are read in table order: the same
rows stored in another order (deleted and inserted again) make a different digest, and the
render then checks every page's own fingerprint instead, which is still correct.
"""

from __future__ import annotations

import hashlib
import sqlite3

from archive.store import Store

# Tables whose rows never reach a page: runs, failures and fetch state of sources and pages.
VOLATILE_TABLES = frozenset({"runs", "failures", "sources", "page_failures"})
# Columns another column of the same row stands for (articles.content_hash, analyses' key).
STANDING_IN = {"articles": frozenset({"text"}), "analyses": frozenset({"morphemes"})}


def archive_digest(store: Store) -> str:
    """A digest of every row a render could read; equal digests mean equal contents."""
    h = hashlib.blake2b(digest_size=16)
    tables = [
        row[0]
        for row in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        if row[0] not in VOLATILE_TABLES
    ]
    for table in tables:
        skip = STANDING_IN.get(table, frozenset())
        columns = [
            row[1]
            for row in store.conn.execute(f'PRAGMA table_info("{table}")')
            if row[1] not in skip
        ]
        quoted = ", ".join(f'"{c}"' for c in columns)
        h.update(f"{table}({quoted})\n".encode())
        cursor = store.conn.cursor()
        cursor.row_factory = None  # plain tuples: their repr is computed in C
        try:  # table order: equal rows stored in another order only cost a page-by-page check
            cursor.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid')
        except sqlite3.OperationalError:  # a WITHOUT ROWID table
            cursor.execute(f'SELECT {quoted} FROM "{table}" ORDER BY {quoted}')
        while chunk := cursor.fetchmany(5000):
            h.update(repr(chunk).encode("utf-8", "surrogatepass"))
    return h.hexdigest()
