"""Render pages incrementally: skip those whose fingerprint is unchanged, render the rest, in
parallel worker processes when there are many, and write them through the Writer.

`render_site` hands this module the pages and feeds (`site_pages`, `feed_pages`). Each
output becomes a job: its fingerprint is computed, compared with the last render's, and only a
changed (or missing) output is made and written. When the site has many outputs, forked workers
take contiguous slices of them, fingerprint each slice and make its changed outputs: they inherit
the pages and the site model, so nothing is pickled but their fingerprints and counts. A small
site is fingerprinted and made in this process. Nothing here knows what a page shows.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Protocol

from jinja2 import Environment

from sitegen import routes
from sitegen.fingerprint import FingerprintFile, PageFingerprints
from sitegen.writer import MANIFEST, Writer

log = logging.getLogger(__name__)

PARALLEL_MIN_JOBS = 600  # fewer outputs than this: starting workers costs more than it saves


class PageLike(Protocol):
    """A page: its URL path, template and context. The context may be a function that makes it
    (called once, in the worker that renders the page, so the parent's serial part stays small)."""

    path: str
    template: str
    context: dict[str, object] | Callable[[], dict[str, object]]


@dataclass
class IncrementalReport:
    """How many outputs were rendered and how many skipped as unchanged."""

    rendered: int = 0
    skipped: int = 0
    workers: int = 1
    html_paths: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Job:
    """One output: where it goes, how to fingerprint it, how to make its bytes."""

    relative: str
    fingerprint: Callable[[], str | None]
    make: Callable[[], bytes]


@dataclass
class ShareResult:
    """What one worker (or the parent, rendering alone) did with its share of the jobs: with
    `fingerprints` (relative path, fingerprint) when the worker also decided which changed."""

    rendered: int = 0
    written: int = 0
    unchanged: int = 0
    fingerprints: list[tuple[str, str | None]] = field(default_factory=list)


def worker_count() -> int:
    """Worker processes for a large render: $JIYEOK_RENDER_WORKERS, else the usable cores."""
    configured = os.environ.get("JIYEOK_RENDER_WORKERS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def page_context(page: PageLike) -> dict[str, object]:
    context = page.context
    return context() if callable(context) else context


def render_page(env: Environment, page: PageLike) -> bytes:
    html = env.get_template(page.template).render(page_path=page.path, **page_context(page))
    return html.encode("utf-8")


class _PageJob:
    """Fingerprints and renders one page from a context made at most once."""

    __slots__ = ("_context", "env", "fingerprints", "page")

    def __init__(self, page: PageLike, env: Environment, fingerprints: PageFingerprints) -> None:
        self.page, self.env, self.fingerprints = page, env, fingerprints
        self._context: dict[str, object] | None = None

    def context(self) -> dict[str, object]:
        if self._context is None:
            self._context = page_context(self.page)
        return self._context

    def fingerprint(self) -> str | None:
        return self.fingerprints.page(self.page.path, self.page.template, self.context())

    def make(self) -> bytes:
        page = _MadePage(self.page.path, self.page.template, self.context())
        self._context = None  # rendered: let the context go
        return render_page(self.env, page)


@dataclass(frozen=True, slots=True)
class _MadePage:
    path: str
    template: str
    context: dict[str, object]


def page_jobs(
    pages: Iterable[PageLike], env: Environment, fingerprints: PageFingerprints
) -> list[Job]:
    jobs = []
    for page in pages:
        job = _PageJob(page, env, fingerprints)
        jobs.append(Job(routes.output_file(page.path), job.fingerprint, job.make))
    return jobs


def output_jobs(
    outputs: Iterable[tuple[str, bytes | Callable[[], bytes]]], fingerprints: PageFingerprints
) -> list[Job]:
    """Jobs for non-template outputs (feeds…): a `functools.partial` is fingerprinted from its
    arguments and only called when they changed; plain bytes are always compared and written."""
    jobs = []
    for relative, data in outputs:
        if isinstance(data, bytes):
            jobs.append(Job(relative, lambda: None, partial(bytes, data)))
        elif isinstance(data, partial):
            label = f"{data.func.__module__}.{getattr(data.func, '__qualname__', '')}:{relative}"
            jobs.append(
                Job(relative, partial(fingerprints.value, label, data.args, data.keywords), data)
            )
        else:
            jobs.append(Job(relative, lambda: None, data))
    return jobs


def decide(jobs: list[Job], previous: dict[str, str], out_dir: Path) -> tuple[list, list[Job]]:
    """Fingerprint every job: (relative path, fingerprint) of each, and the jobs to make (those
    whose fingerprint changed or is unknown, or whose file is missing)."""
    root = str(out_dir) + os.sep
    fingerprints: list[tuple[str, str | None]] = []
    todo: list[Job] = []
    for job in jobs:
        fingerprint = job.fingerprint()
        fingerprints.append((job.relative, fingerprint))
        if (
            fingerprint is None
            or previous.get(job.relative) != fingerprint
            or not os.path.isfile(root + job.relative)
        ):
            todo.append(job)
    return fingerprints, todo


def run_share(jobs: list[Job], out_dir: Path) -> ShareResult:
    """Make and write the given jobs (all changed or missing)."""
    result = ShareResult()
    writer = Writer(out_dir)
    for job in jobs:
        writer.write(job.relative, job.make())
        result.rendered += 1
    result.written, result.unchanged = writer.report.written, writer.report.unchanged
    return result


# Set in the parent just before the workers fork; read by them (never pickled): the jobs, the
# output folder and, when the workers decide what changed, the last render's fingerprints.
_JOB: tuple[list[Job], Path, dict[str, str] | None] | None = None


CHUNKS_PER_WORKER = 4  # contiguous slices handed out as workers finish (balance, locality)


def _worker_share(start: int, stop: int) -> ShareResult:
    assert _JOB is not None
    jobs, out_dir, previous = _JOB
    if previous is None:  # the parent decided: every job here is to be made
        return run_share(jobs[start:stop], out_dir)
    fingerprints, todo = decide(jobs[start:stop], previous, out_dir)
    result = run_share(todo, out_dir)
    result.fingerprints = fingerprints
    return result


def _in_workers(
    jobs: list[Job], out_dir: Path, workers: int, previous: dict[str, str] | None = None
) -> list[ShareResult]:
    """Make the jobs in forked workers, in contiguous slices: neighbouring pages show the same
    articles, whose fragments each worker renders once (sitegen.fragments). With `previous`
    (the last render's fingerprints) each worker first fingerprints its slices and makes only
    the changed outputs, so the parent's serial part ends when the pages are listed."""
    global _JOB
    _JOB = (jobs, out_dir, previous)
    size = -(-len(jobs) // (workers * CHUNKS_PER_WORKER))
    starts = list(range(0, len(jobs), size))
    stops = [min(start + size, len(jobs)) for start in starts]
    # The workers' collector leaves the inherited objects (and their pages) alone. No collection
    # first: the site model holds no garbage, and walking it cost 0.15-0.25 s at 10,000 articles.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_worker_share, starts, stops))
    finally:
        gc.unfreeze()
        _JOB = None


def run_jobs(
    jobs: list[Job],
    writer: Writer,
    stored: FingerprintFile,
    workers: int | None = None,
) -> IncrementalReport:
    """Decide which jobs changed and make those, and record it all. With many jobs and more
    than one core, forked workers do both, each for contiguous slices of the jobs (the
    fingerprints of the whole site cost about as much as a few hundred pages, so they are
    shared out too); otherwise this process decides (one memo of record digests) and makes the
    changed ones."""
    report = IncrementalReport()
    workers = worker_count() if workers is None else workers
    workers = min(workers, len(jobs))
    if workers > 1 and len(jobs) >= PARALLEL_MIN_JOBS and _can_fork():
        shares = _in_workers(jobs, writer.out_dir, workers, stored.previous)
        fingerprints = [pair for share in shares for pair in share.fingerprints]
        report.workers = workers
    else:
        fingerprints, todo = decide(jobs, stored.previous, writer.out_dir)
        shares = [run_share(todo, writer.out_dir)]
    for relative, fingerprint in fingerprints:
        stored.record(relative, fingerprint)
        writer.report.files.add(relative)
    report.skipped = len(jobs) - sum(share.rendered for share in shares)
    writer.report.unchanged += report.skipped
    for share in shares:
        report.rendered += share.rendered
        writer.report.written += share.written
        writer.report.unchanged += share.unchanged
    return report


def render_pages(
    pages: Iterable[PageLike],
    env: Environment,
    writer: Writer,
    fingerprints: PageFingerprints,
    stored: FingerprintFile,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> IncrementalReport:
    """Render every page whose inputs changed (or whose file is missing); keep the others."""
    pages = list(pages)
    report = run_jobs(page_jobs(pages, env, fingerprints), writer, stored, workers)
    report.html_paths = [page.path for page in pages]
    if progress:
        progress(len(pages))
    log.debug(
        "pages: %d rendered (%d workers), %d unchanged inputs",
        report.rendered,
        report.workers,
        report.skipped,
    )
    return report


def write_outputs(
    outputs: Iterable[tuple[str, bytes | Callable[[], bytes]]],
    writer: Writer,
    fingerprints: PageFingerprints,
    stored: FingerprintFile,
    workers: int | None = None,
) -> IncrementalReport:
    """Write non-template outputs (feeds…), skipping those whose inputs did not change."""
    return run_jobs(output_jobs(outputs, fingerprints), writer, stored, workers)


def unchanged_site(out_dir: Path, stored: FingerprintFile, inputs: str | None) -> int | None:
    """The number of files kept when nothing a render reads changed since the last complete
    render and every file it made is still there; None when the site must be rendered."""
    if not inputs or stored.inputs != inputs:
        return None
    try:
        made = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    root = str(out_dir) + os.sep
    if not all(os.path.isfile(root + relative) for relative in made):
        return None
    return len(made)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
