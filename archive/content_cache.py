"""Results computed from editors' files (the check's verdict, the parsed taxonomy), kept in the
cache folder under a digest of everything they were computed from.

A result is stored as one pickle per kind and input folder (`<cache>/<kind>-<folder digest>.pickle`)
holding the key it was computed under (the KEEP_PER_KIND most recently written per kind are
kept); a later run computes the key again and uses the stored result only when the keys are
equal. Keys hash the input files' bytes (not their modification
times, which a same-size edit within one clock tick would not change) plus the code that computes
the result (paths, modification times and sizes of its source files, which change on every edit
and every checkout). A missing, truncated, unreadable or stale cache file is a miss, never an
error: the result is computed again and the file replaced. Delete the folder to clear the cache.

The files are pickles: only this program writes them, in the project's own cache folder.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Bump when the layout of a cache file changes; every stored result then counts as stale.
CACHE_FORMAT = 1
# Results kept per kind (one per input folder: the project's content/, a test's or a bench's
# copy); the least recently written beyond this are deleted.
KEEP_PER_KIND = 16


def tree_files(folder: Path) -> list[Path]:
    """Every file under `folder`, sorted, leaving out dot-named folders (.git; nothing reads files
    inside them); an absent folder has none."""
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root, f) for f in files]
    return sorted(found)


def files_digest(files: Iterable[Path], relative_to: Path | None = None) -> str:
    """A digest of the files' names and bytes (a missing file counts as missing, not empty)."""
    h = hashlib.blake2b(digest_size=20)
    for path in files:
        name = str(path.relative_to(relative_to) if relative_to else path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            h.update(b"-" + name.encode("utf-8", "surrogateescape") + b"\0")
            continue
        h.update(b"+" + name.encode("utf-8", "surrogateescape") + b"\0")
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def code_stamp(paths: Iterable[Path]) -> str:
    """A digest of the source files under `paths` (files or folders of .py files): their paths,
    modification times and sizes, plus the Python version. Cheap (stat only) and changed by any
    edit or checkout of that code."""
    h = hashlib.blake2b(digest_size=20)
    h.update(sys.version.encode())
    for path in paths:
        sources = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for source in sources:
            try:
                stat = source.stat()
            except FileNotFoundError:
                h.update(f"{source}:missing\n".encode("utf-8", "surrogateescape"))
                continue
            h.update(
                f"{source}:{stat.st_mtime_ns}:{stat.st_size}\n".encode("utf-8", "surrogateescape")
            )
    return h.hexdigest()


@dataclass(frozen=True)
class DigestCache:
    """One result per (kind, input folder) in `folder`, valid while its key is unchanged."""

    folder: Path

    def _file(self, kind: str, scope: Path) -> Path:
        where = hashlib.blake2b(str(Path(scope).resolve()).encode("utf-8", "surrogateescape"))
        return self.folder / f"{kind}-{where.hexdigest()[:16]}.pickle"

    def get(self, kind: str, scope: Path, key: str) -> Any | None:
        """The result stored for (kind, scope) under `key`, or None (absent, stale or unreadable)."""
        path = self._file(kind, scope)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            stored_format, stored_key, value = pickle.loads(data)
        except Exception as exc:  # truncated, corrupt or from another version of the code
            log.debug("ignoring unreadable cache file %s: %s", path, exc)
            return None
        if stored_format != CACHE_FORMAT or stored_key != key:
            return None
        log.debug("%s for %s: cached in %s", kind, scope, path)
        return value

    def put(self, kind: str, scope: Path, key: str, value: Any) -> None:
        """Store `value` for (kind, scope) under `key`, replacing the file in one rename; a cache
        that cannot be written is logged and skipped (the next run computes the result again)."""
        path = self._file(kind, scope)
        data = pickle.dumps((CACHE_FORMAT, key, value), protocol=pickle.HIGHEST_PROTOCOL)
        temp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{kind}-", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except OSError as exc:
            log.warning(
                "could not write the cache file %s (%s); it is recomputed next run", path, exc
            )
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
            return
        self._prune(kind)

    def _prune(self, kind: str) -> None:
        """Delete all but the KEEP_PER_KIND most recently written results of `kind`."""
        stamped = []
        for path in self.folder.glob(f"{kind}-*.pickle"):
            try:
                stamped.append((path.stat().st_mtime_ns, path))
            except FileNotFoundError:  # removed by a concurrent run
                continue
        for _, path in sorted(stamped, reverse=True)[KEEP_PER_KIND:]:
            path.unlink(missing_ok=True)
