"""Write output files into public/ only when their bytes change, and remove files no longer made."""

from __future__ import annotations

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

    def target(self, relative: str) -> Path:
        if "\0" in relative:
            raise OutputError(f"refusing a path with a NUL byte: {relative!r}")
        try:
            path = (self.out_dir / relative).resolve()
        except (OSError, UnicodeError, ValueError) as exc:  # lone surrogates, names too long
            raise OutputError(f"refusing a path the file system cannot hold: {relative!r}") from exc
        if not path.is_relative_to(self.out_dir) or path == self.out_dir:
            raise OutputError(f"refusing to write outside {self.out_dir}: {relative!r}")
        return path

    def write(self, relative: str, data: bytes) -> None:
        path = self.target(relative)
        self.report.files.add(relative)
        try:
            if path.exists() and path.read_bytes() == data:
                self.report.unchanged += 1
                return
            replace_file(path, data)
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


def replace_file(path: Path, data: bytes) -> None:
    """Write a file atomically: a temp file beside it, then one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
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
