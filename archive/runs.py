"""Unattended runs: a lock so that two runs never overlap, and the report of what a run did.

The lock is `fcntl.flock` on a file beside the archive. The kernel drops it when its process
ends in any way, kill -9 included, so a killed run never leaves a lock that blocks the next one;
the file also records who holds it (PID, host, start time, command) for the message a waiting
run prints, and a run that finds the record of a holder that is gone says it takes over.

The report (`RunReport`) is recorded in the archive's `runs` table, written as
`public/_status.json` for monitoring, and summed up in a few plain lines for cron mail and CI logs.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from pathlib import Path

from archive.store import Store, now_kst

log = logging.getLogger(__name__)

STATUS_FILE = "_status.json"


class ExitCode(IntEnum):
    """What `build.py update` exits with (1 and 2 stay click's: an error before the run, usage)."""

    OK = 0  # every stage ran and every source was read
    DEGRADED = 3  # some sources (or articles, or the tag stage) failed, but the site was built
    FAILED = 4  # nothing could be built or published: the render or the publish failed
    LOCKED = 75  # another run holds the lock (EX_TEMPFAIL: try again later)


class LockedError(Exception):
    """Another run holds the lock and did not let go within the wait."""

    def __init__(self, path: Path, holder: LockHolder | None, waited: float) -> None:
        who = holder.describe() if holder else "another process"
        super().__init__(
            f"{path}: locked by {who}; waited {waited:.0f}s. Another run is still going: "
            "let it finish, or raise --wait"
        )
        self.holder = holder


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds (or last held) a lock, as written in the lock file."""

    pid: int
    host: str
    started: str
    command: str = ""

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host} ({self.command or 'a run'}, since {self.started})"

    def is_gone(self) -> bool:
        """True when this holder's process no longer exists (only knowable on the same host)."""
        if self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def lock_path_for(archive: Path) -> Path:
    """The lock file of an archive: `data/archive.sqlite3.lock`."""
    return archive.with_name(archive.name + ".lock")


class RunLock:
    """An exclusive lock for one run over an archive; use `with RunLock(path).acquire(wait):`."""

    def __init__(self, path: Path, command: str = "update") -> None:
        self.path = path
        self.command = command
        self._fd: int | None = None
        self.took_over: LockHolder | None = None

    def holder(self) -> LockHolder | None:
        """The holder recorded in the lock file, if any."""
        try:
            raw = self.path.read_text(encoding="utf-8").strip()
            return LockHolder(**json.loads(raw)) if raw else None
        except (OSError, ValueError, TypeError):
            return None

    def acquire(self, wait: float = 0.0, poll: float = 0.2) -> RunLock:
        """Take the lock, waiting up to `wait` seconds; LockedError when it stays taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        started = time.monotonic()
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
            waited = time.monotonic() - started
            if waited >= wait:
                os.close(fd)
                raise LockedError(self.path, self.holder(), waited) from None
            if not announced:
                holder = self.holder()
                log.info(
                    "waiting up to %.0fs for the lock %s (held by %s)",
                    wait,
                    self.path,
                    holder.describe() if holder else "another process",
                )
                announced = True
            time.sleep(min(poll, max(0.0, wait - waited)))
        self._fd = fd
        previous = self.holder()
        if previous is not None:  # a record left by a run that ended without releasing
            self.took_over = previous
            state = "gone" if previous.is_gone() else "no longer holding it"
            log.warning(
                "taking over the lock %s from %s: %s", self.path, previous.describe(), state
            )
        me = LockHolder(os.getpid(), socket.gethostname(), now_kst().isoformat(), self.command)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(me)).encode(), 0)
        os.fsync(fd)
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)  # an empty file: released cleanly
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# -- the report ------------------------------------------------------------------------------
@dataclass
class StageResult:
    """One stage of a run: how long it took and whether it worked."""

    name: str
    seconds: float = 0.0
    ok: bool = True
    error: str = ""


@dataclass
class RunReport:
    """What a run did, for the runs table, public/_status.json and the printed summary."""

    command: str
    started: str
    run_id: int | None = None
    finished: str = ""
    status: str = "running"  # ok | degraded | failed
    exit_code: int = ExitCode.OK
    stages: list[StageResult] = field(default_factory=list)
    new_articles: int = 0
    updated_articles: int = 0
    article_failures: int = 0
    tag_failures: int = 0
    source_failures: list[dict[str, str]] = field(default_factory=list)
    sources: int = 0
    pages: int = 0
    written: int = 0
    removed: int = 0
    rendered: int = 0
    published: dict[str, object] = field(default_factory=dict)
    took_over_lock_from: str = ""
    # per source: articles collected (in the archive) and published, and why the others are not
    # (below the relevance threshold, not scored yet, editors' decisions)
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[StageResult]:
        """Time a stage; an exception is recorded and re-raised."""
        result = StageResult(name)
        self.stages.append(result)
        started = time.perf_counter()
        try:
            yield result
        except BaseException as exc:
            result.ok = False
            result.error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            result.seconds = round(time.perf_counter() - started, 3)

    def stage_ok(self, name: str) -> bool | None:
        """Whether a stage ran and worked (None when it did not run)."""
        for result in self.stages:
            if result.name == name:
                return result.ok
        return None

    def add_collect(self, collect: dict) -> None:
        totals = collect.get("totals", {})
        self.sources = int(totals.get("sources", 0))
        self.new_articles = int(totals.get("new", 0))
        self.updated_articles = int(totals.get("updated", 0))
        self.article_failures = int(totals.get("failed", 0))
        self.source_failures = [
            {"source": str(s.get("key", "")), "error": str(s.get("error", ""))}
            for s in collect.get("sources", [])
            if s.get("status") == "failed"
        ]

    def add_render(self, render: dict) -> None:
        self.pages = int(render.get("pages", 0))
        self.written = int(render.get("written", 0))
        self.removed = int(render.get("removed", 0))
        self.rendered = int(render.get("rendered", 0))
        self.per_source = dict(render.get("sources", {}))

    def finish(self) -> RunReport:
        """Settle the status and exit code from the stages (see `outcome`)."""
        self.status, self.exit_code = outcome(self)
        self.finished = now_kst().isoformat()
        return self

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["exit_code"] = int(self.exit_code)
        return data

    def totals(self) -> dict[str, object]:
        """One line of JSON for scripts: the counts, the status and the exit code."""
        return {
            "new": self.new_articles,
            "updated": self.updated_articles,
            "failed_sources": len(self.source_failures),
            "failed_articles": self.article_failures,
            "pages": self.pages,
            "written": self.written,
            "removed": self.removed,
            "status": self.status,
            "exit_code": int(self.exit_code),
        }


def outcome(report: RunReport) -> tuple[str, ExitCode]:
    """ok/0 when everything worked; degraded/3 when sources, tagging or the search index failed
    but the site was rendered (and published, if asked); failed/4 when the render or the publish
    failed. Articles that could not be fetched are counted, not a failure of the run."""
    for name in ("render", "publish"):
        if report.stage_ok(name) is False:
            return "failed", ExitCode.FAILED
    if report.stage_ok("render") is None:
        return "failed", ExitCode.FAILED
    troubles = (
        report.source_failures,
        report.tag_failures,
        report.stage_ok("collect") is False,
        report.stage_ok("tag") is False,
        report.stage_ok("search") is False,
    )
    if any(troubles):
        return "degraded", ExitCode.DEGRADED
    return "ok", ExitCode.OK


def summary_lines(report: RunReport) -> list[str]:
    """A short human summary: what changed, what failed, how long each stage took."""
    lines = [
        f"{report.command} {report.status} (exit {int(report.exit_code)}), run {report.run_id}, "
        f"{report.started} → {report.finished}",
        f"articles: {report.new_articles} new, {report.updated_articles} updated, "
        f"{report.article_failures} failed; sources: {report.sources} read, "
        f"{len(report.source_failures)} failed",
    ]
    for failure in report.source_failures:
        lines.append(f"  source {failure['source']} failed: {failure['error']}")
    if report.tag_failures:
        lines.append(f"tagging: {report.tag_failures} articles failed")
    if report.stage_ok("render") is not None:
        lines.append(
            f"site: {report.pages} pages, {report.rendered} rendered, {report.written} files "
            f"written, {report.removed} removed"
        )
    if report.per_source:
        lines.append(
            "published/collected per source: "
            + ", ".join(
                f"{k} {v['published']}/{v['collected']}" for k, v in report.per_source.items()
            )
        )
    if report.published:
        sent = report.published
        lines.append(
            f"published to {sent.get('target')} {sent.get('destination')}: "
            f"{sent.get('changed', 0)} changed, {sent.get('deleted', 0)} deleted, "
            f"{sent.get('unchanged', 0)} unchanged; live: {sent.get('version', '')}"
        )
    timing = ", ".join(
        f"{s.name} {s.seconds:.1f}s" + ("" if s.ok else " FAILED") for s in report.stages
    )
    lines.append(f"time: {timing}")
    for stage in report.stages:
        if not stage.ok:
            lines.append(f"  {stage.name} failed: {stage.error}")
    if report.took_over_lock_from:
        lines.append(f"lock taken over from {report.took_over_lock_from}")
    return lines


def write_status(public: Path, report: RunReport) -> Path:
    """public/_status.json: the run report, for monitoring (the one file that changes per run)."""
    path = public / STATUS_FILE
    data = json.dumps(report.as_dict(), ensure_ascii=False, indent=1, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".tmp-{os.getpid()}-{STATUS_FILE}")
    temp.write_text(data + "\n", encoding="utf-8")
    os.replace(temp, path)  # readers see the old report or the new one, never half of one
    return path


def start_run(store: Store, command: str) -> int:
    """Record a run's start (call it holding the lock): runs still marked running were killed,
    so they are marked abandoned."""
    with store.transaction() as conn:
        abandoned = conn.execute(
            "UPDATE runs SET status = 'abandoned' WHERE status = 'running'"
        ).rowcount
    if abandoned:
        log.warning("%d earlier run(s) never finished (killed?); marked abandoned", abandoned)
    return store.start_run(command)
