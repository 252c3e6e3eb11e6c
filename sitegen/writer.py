"""Write output files into public/ only when their bytes change, and remove files no longer made."""

from __future__ import annotations

import contextlib
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
        self._root = str(self.out_dir)
        self._folders: dict[str, Path] = {}  # checked folder (relative) → its resolved path
        self._made: set[str] = set()  # folders known to exist (written into by _write_at)
        # folder (relative) → (its absolute path, made by this writer), for write()
        self._places: dict[str, tuple[str, bool]] = {}

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
        _check_name(name, relative)
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

    def _place(self, relative: str) -> tuple[str, bool] | None:
        """The folder `relative` (under the output) to write into, made when missing: its
        absolute path and whether this writer made it (then nothing can be in it yet but what
        this writer put there). None when a part of it is not a plain name: `target` decides.
        One mkdir per new folder, one lstat per existing one, once per writer."""
        known = self._places.get(relative)
        if known is not None:
            return known
        if not relative:  # the output folder itself, checked when the writer was made
            os.makedirs(self._root, exist_ok=True)
            self._places[relative] = (self._root, False)
            return self._places[relative]
        head, _, name = relative.rpartition("/")
        if name in ("", ".", ".."):
            return None
        parent = self._place(head)
        if parent is None:
            return None
        _check_name(name, relative)
        path = parent[0] + os.sep + name
        try:
            os.mkdir(path)
            found = (path, True)
        except FileExistsError:
            if os.path.islink(path):  # where it leads must be inside the output
                found = (str(self._resolved(relative, folder=True)), False)
            else:
                found = (path, False)
        except OSError as exc:
            raise OutputError(f"{path}: cannot make the folder ({exc.strerror or exc})") from exc
        self._places[relative] = found
        return found

    def write(self, relative: str, data: bytes) -> None:
        """Write `data` to `relative` unless the file already holds exactly these bytes; each
        file replaced atomically (a temp file beside it, then one rename)."""
        folder, _, name = relative.rpartition("/")
        place = None
        if name not in ("", ".", "..") and "\0" not in relative and not relative.startswith("/"):
            place = self._place(folder)
        if place is None:  # an odd name ('..', absolute…): resolved in full, refused if outside
            self._write_at(str(self.target(relative)), relative, data)
            return
        _check_name(name, relative)
        path = place[0] + os.sep + name
        if place[1]:  # a folder this writer made: no file there, no link in its place
            self.report.files.add(relative)
            try:
                _write_new(place[0], path, data)
            except OSError as exc:
                raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
            self.report.written += 1
            return
        if os.path.islink(path):  # a link in place of the file: where it leads must be inside
            path = str(self._resolved(relative))
        self._write_at(path, relative, data)

    def _write_at(self, path: str, relative: str, data: bytes) -> None:
        """Write a file whose folder this writer did not make: compared with what is there."""
        self.report.files.add(relative)
        try:
            if _holds(path, data):
                self.report.unchanged += 1
                return
            folder = os.path.dirname(path)
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            _write_new(folder, path, data)
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


def _check_name(name: str, relative: str) -> None:
    try:
        os.fsencode(name)
    except UnicodeError as exc:  # lone surrogates
        raise OutputError(f"refusing a path the file system cannot hold: {relative!r}") from exc


def _holds(path: str, data: bytes) -> bool:
    """True when the file at `path` holds exactly `data` (a size look first: one stat)."""
    try:
        if os.stat(path).st_size != len(data):
            return False
    except FileNotFoundError:
        return False
    with open(path, "rb") as existing:
        return existing.read() == data


_TEMP_NAMES = itertools.count()
_PID = os.getpid()


def _forked() -> None:
    global _PID
    _PID = os.getpid()


os.register_at_fork(after_in_child=_forked)


def _write_new(folder: str, path: str, data: bytes) -> None:
    """Write `data` to `path` atomically: a temp file in `folder` (beside it), then one rename,
    so a render killed mid-write leaves the old file or none, never a truncated one."""
    temp = f"{folder}{os.sep}.tmp-{_PID}-{next(_TEMP_NAMES)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:  # a name no other process uses (pid) nor this one again (counter): no retry loop
        handle = os.open(temp, flags, 0o666)
    except FileExistsError:  # left by a killed run whose pid came back
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def replace_file(path: Path, data: bytes, made: set[Path] | None = None) -> None:
    """Write a file atomically: a temp file beside it, then one rename. `made` remembers the
    folders already created (a render writes many files per folder)."""
    folder = path.parent
    if made is None or folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(folder)
    _write_new(str(folder), str(path), data)


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
