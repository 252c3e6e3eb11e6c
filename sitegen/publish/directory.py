"""Publish to a local directory served by nginx or any web server, swapped atomically.

`DEST` is a symbolic link to a release folder in `DEST.releases/`. A publish assembles the new
release beside the live one (`<stamp>.partial`, files hard-linked from the previous release when
their bytes are equal, copied otherwise), renames it into place, then points `DEST` at it with
one `rename(2)` of a new link over the old one. A reader's request resolves `DEST` once: it gets
a file of the old release or of the new one, never a half-written folder; files already open
keep being served from the old release. The releases of the last `keep` publishes stay on disk,
and `rollback` points `DEST` back at the one before the live one.
"""

from __future__ import annotations

import filecmp
import json
import logging
import os
import shutil
from datetime import datetime
from pathlib import Path

from archive.records import KST
from sitegen.publish.base import PublishError, PublishReport, Target, site_files

log = logging.getLogger(__name__)

HISTORY = "history.json"


class DirectoryTarget(Target):
    """A directory (really a symbolic link to the live release) on this machine."""

    name = "dir"

    def __init__(self, dest: Path, keep: int = 2) -> None:
        self.dest = Path(os.path.abspath(dest))
        self.releases = self.dest.with_name(self.dest.name + ".releases")
        self.keep = max(2, keep)

    # -- state -------------------------------------------------------------------------------
    def _history(self) -> list[str]:
        """Release names in the order they went live (the last one is live)."""
        path = self.releases / HISTORY
        try:
            names = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise PublishError(f"{path}: unreadable ({exc}); repair or delete it") from exc
        return [n for n in names if isinstance(n, str) and (self.releases / n).is_dir()]

    def _save_history(self, names: list[str]) -> None:
        path = self.releases / HISTORY
        temp = path.with_name(".tmp-" + HISTORY)
        temp.write_text(json.dumps(names, indent=0), encoding="utf-8")
        os.replace(temp, path)

    def live(self) -> Path | None:
        """The release the destination points at, if any."""
        if not self.dest.is_symlink():
            return None
        return (self.dest.parent / os.readlink(self.dest)).resolve()

    def _check_destination(self) -> None:
        if self.dest.exists() and not self.dest.is_symlink():
            raise PublishError(
                f"{self.dest} is a real directory: the directory target manages it as a link to "
                f"{self.releases}/<release>. Move it away (or publish to a new path) and run again"
            )

    # -- publish -----------------------------------------------------------------------------
    @staticmethod
    def _assemble(
        files: dict[str, Path], building: Path, previous: Path | None, report: PublishReport
    ) -> None:
        """Fill the new release: hard links to the previous release's equal files, else copies."""
        for relative, path in files.items():
            target = building / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            old = previous / relative if previous else None
            if old is not None and old.is_file() and filecmp.cmp(path, old, shallow=False):
                os.link(old, target)  # equal bytes: share the previous release's file
                report.unchanged += 1
            else:
                shutil.copyfile(path, target)
                report.changed += 1

    def publish(self, source: Path) -> PublishReport:
        self._check_destination()
        files = site_files(source)
        self.releases.mkdir(parents=True, exist_ok=True)
        self._clear_partials()
        name = self._new_name()
        building = self.releases / f"{name}.partial"
        previous = self.live()
        report = PublishReport(self.name, str(self.dest), files=len(files))
        try:
            self._assemble(files, building, previous, report)
        except OSError as exc:  # a full disk, a file-size limit, no permission
            shutil.rmtree(building, ignore_errors=True)
            raise PublishError(
                f"{building}: cannot assemble the release ({exc.strerror or exc}: "
                f"{exc.filename or ''}); the live site is unchanged. Free space (or fix the "
                "permissions) and publish again"
            ) from exc
        if previous is not None:
            old_files = {
                p.relative_to(previous).as_posix() for p in previous.rglob("*") if p.is_file()
            }
            report.deleted = len(old_files - set(files))
        release = self.releases / name
        os.rename(building, release)
        self._point_at(release)
        history = [n for n in self._history() if n != name] + [name]
        self._save_history(history)
        self._prune(history)
        report.version = name
        report.previous = previous.name if previous else ""
        log.info(
            "published %s → %s (%d changed, %d kept, %d gone)",
            source,
            release,
            report.changed,
            report.unchanged,
            report.deleted,
        )
        return report

    def rollback(self) -> PublishReport:
        self._check_destination()
        history = self._history()
        live = self.live()
        if live is not None and history and history[-1] != live.name:
            history = [n for n in history if n != live.name] + [live.name]
        if len(history) < 2:
            raise PublishError(
                f"{self.releases}: no earlier release to roll back to "
                f"({len(history)} release(s) kept)"
            )
        current, previous = history[-1], history[-2]
        self._point_at(self.releases / previous)
        self._save_history(history[:-1])
        log.warning("rolled back %s from %s to %s", self.dest, current, previous)
        report = PublishReport(self.name, str(self.dest), version=previous, previous=current)
        report.files = sum(1 for p in (self.releases / previous).rglob("*") if p.is_file())
        report.notes.append(f"{current} is kept until the next publish")
        return report

    # -- helpers -----------------------------------------------------------------------------
    def _new_name(self) -> str:
        stamp = datetime.now(KST).strftime("%Y%m%dT%H%M%S")
        name, n = stamp, 1
        while (self.releases / name).exists():
            n += 1
            name = f"{stamp}-{n}"
        return name

    def _point_at(self, release: Path) -> None:
        """Swap the destination link in one rename (atomic on POSIX file systems)."""
        link = self.dest.with_name(f".{self.dest.name}.tmp-{os.getpid()}")
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(release, self.dest.parent), link)
        os.replace(link, self.dest)

    def _clear_partials(self) -> None:
        """Remove releases a killed publish left half-assembled (never live)."""
        for partial in self.releases.glob("*.partial"):
            log.info("removing %s, left by an interrupted publish", partial)
            shutil.rmtree(partial, ignore_errors=True)

    def _prune(self, history: list[str]) -> None:
        """Keep the releases of the last `keep` publishes (and whatever is live)."""
        wanted = set(history[-self.keep :])
        live = self.live()
        if live is not None:
            wanted.add(live.name)
        for release in self.releases.iterdir():
            if release.is_dir() and release.name not in wanted:
                shutil.rmtree(release, ignore_errors=True)
        self._save_history([n for n in history if n in wanted])
