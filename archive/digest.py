"""A digest of the archive's contents, for telling cheaply that nothing a render reads changed.

Every table counts except the run bookkeeping and fetch state, which change on every run without
changing any page; a table added later counts too (the safe side: at worst a render that could
have been skipped is not). Article texts and stored analyses are represented by the content
hash they are keyed by, which is much cheaper to read. Rows are read in table order: the same
rows stored in another order (deleted and inserted again) make a different digest, and the
render then checks every page's own fingerprint instead, which is still correct.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import select
import signal
import sqlite3
import threading
import time
from pathlib import Path

from archive.store import Store

log = logging.getLogger(__name__)

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


class BackgroundDigest:
    """`archive_digest` of an archive file, computed by a forked child process while this one
    goes on reading the archive (a render needs the digest only to tell whether anything
    changed, and builds its model meanwhile).

    The child opens its own read-only connection (never one of this process's), writes the
    digest to a pipe and leaves with `os._exit`. Where forking is unsafe or unavailable (other
    threads running, no fork, an in-memory archive) or the child fails or takes over
    `timeout` seconds, the digest is computed here instead: the same value, later.
    """

    def __init__(self, store: Store, timeout: float = 120.0) -> None:
        self._store, self._timeout = store, timeout
        self._value: str | None = None
        self._child: tuple[int, int] | None = None  # (pid, read end of the pipe)
        path = Path(str(store.path))
        if not _can_fork() or not path.is_file():
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its own connection, the digest, out without any clean-up
            code = 1
            try:
                os.close(read)
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                os.write(write, archive_digest(Store(conn, path)).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._child = (pid, read)

    def ready(self) -> bool:
        """Whether `value` would answer without waiting."""
        if self._value is not None or self._child is None:
            return True
        return bool(select.select([self._child[1]], [], [], 0)[0])

    def value(self) -> str:
        """The digest (waiting for the child if it is still at work)."""
        if self._value is None:
            self._value = self._from_child() or archive_digest(self._store)
        return self._value

    def _from_child(self) -> str | None:
        if self._child is None:
            return None
        pid, read = self._child
        self._child = None
        data, deadline = b"", time.monotonic() + self._timeout
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([read], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    break
                chunk = os.read(read, 64)
                if not chunk:
                    break
                data += chunk
        finally:
            os.close(read)
            if len(data) != 32:  # failed or too slow: not waited for again
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if len(data) != 32:
            log.warning("archive digest: the background process gave no digest; computing it here")
            return None
        return data.decode()


def _can_fork() -> bool:
    """Fork only where it is safe: a POSIX fork and no other thread (one could hold a lock the
    child would wait on forever)."""
    return hasattr(os, "fork") and threading.active_count() == 1
