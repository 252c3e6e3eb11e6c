"""Write output files into public/ only when their bytes change, and remove files no longer made."""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".sitegen-manifest.json"


class OutputError(Exception):
    """A page could not be written (path escapes the output, disk full, read-only)."""


@dataclass
class WriteReport:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    files: set[str] = field(default_factory=set)


class Writer:
    """Writes files under one output directory; never outside it."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir.resolve()
        self.report = WriteReport()
        self._folders: dict[str, Path] = {}  # checked folder (relative) → its resolved path
        self._made: set[Path] = set()  # folders known to exist

    def target(self, relative: str) -> Path:
        """The file `relative` names, refused unless it lies inside the output folder (after
        following symlinks). Each folder is resolved once per writer, then only the file's name
        is checked: a site writes thousands of files into a few hundred folders."""
        if "\0" in relative:
            raise OutputError(f"refusing a path with a NUL byte: {relative!r}")
        folder, _, name = relative.rpartition("/")
        if name in ("", ".", "..") or relative.startswith("/"):
            return self._resolved(relative)
        parent = self._folder(folder)
        try:
            os.fsencode(name)
        except UnicodeError as exc:  # lone surrogates
            raise OutputError(f"refusing a path the file system cannot hold: {relative!r}") from exc
        path = parent / name
        if os.path.islink(path):  # a link in place of a file: where it leads must be inside too
            return self._resolved(relative)
        return path

    def _folder(self, relative: str) -> Path:
        """A folder under the output, resolved: from its checked parent when its own name is
        plain and not a symlink (one lstat), else in full."""
        if not relative:
            return self.out_dir
        found = self._folders.get(relative)
        if found is None:
            head, _, name = relative.rpartition("/")
            candidate = self._folder(head) / name if name not in ("", ".", "..") else None
            if candidate is None or os.path.islink(candidate):
                found = self._resolved(relative, folder=True)
            else:
                found = candidate
            self._folders[relative] = found
        return found

    def _resolved(self, relative: str, folder: bool = False) -> Path:
        try:
            path = (self.out_dir / relative).resolve()
        except (OSError, UnicodeError, ValueError) as exc:  # lone surrogates, names too long
            raise OutputError(f"refusing a path the file system cannot hold: {relative!r}") from exc
        if not path.is_relative_to(self.out_dir) or (path == self.out_dir and not folder):
            raise OutputError(f"refusing to write outside {self.out_dir}: {relative!r}")
        return path

    def write(self, relative: str, data: bytes) -> None:
        path = self.target(relative)
        self.report.files.add(relative)
        try:
            if path.exists() and path.read_bytes() == data:
                self.report.unchanged += 1
                return
            replace_file(path, data, self._made)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        self.report.written += 1

    def finish(self) -> WriteReport:
        """Remove files the previous render wrote that this one did not; save the manifest."""
        manifest = self.out_dir / MANIFEST
        previous: list[str] = []
        if manifest.exists():
            try:
                previous = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                previous = []
        for relative in sorted(set(previous) - self.report.files):
            path = self.target(relative)
            if path.exists():
                path.unlink()
                self.report.removed += 1
                _prune_empty(path.parent, self.out_dir)
        data = json.dumps(sorted(self.report.files), ensure_ascii=False, indent=0).encode()
        if not manifest.exists() or manifest.read_bytes() != data:
            replace_file(manifest, data)  # a killed render leaves the old manifest whole
        return self.report


_TEMP_NAMES = itertools.count()


def replace_file(path: Path, data: bytes, made: set[Path] | None = None) -> None:
    """Write a file atomically: a temp file beside it, then one rename. `made` remembers the
    folders already created (a render writes many files per folder)."""
    folder = path.parent
    if made is None or folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(folder)
    temp = f"{folder}{os.sep}.tmp-{os.getpid()}-{next(_TEMP_NAMES)}"
    try:  # a name no other process uses (pid) nor this one again (counter): no retry loop
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except FileExistsError:  # left by a killed run whose pid came back
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
