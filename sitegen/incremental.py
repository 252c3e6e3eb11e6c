"""Render pages incrementally: skip those whose fingerprint is unchanged, render the rest in
parallel worker processes when there are many, and write them through the Writer.

`render_site` hands this module the page list (`site_pages`) and the lazily built feeds; it
returns the paths rendered and skipped. Nothing here knows what a page shows.
"""

from __future__ import annotations

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

PARALLEL_MIN_PAGES = 600  # below this, starting workers costs more than it saves


class PageLike(Protocol):
    path: str
    template: str
    context: dict[str, object]


@dataclass
class IncrementalReport:
    """How many outputs were rendered and how many skipped as unchanged."""

    rendered: int = 0
    skipped: int = 0
    workers: int = 1
    html_paths: list[str] = field(default_factory=list)


def worker_count() -> int:
    """Worker processes for a large render: $JIYEOK_RENDER_WORKERS, else the usable cores."""
    configured = os.environ.get("JIYEOK_RENDER_WORKERS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def render_page(env: Environment, page: PageLike) -> bytes:
    html = env.get_template(page.template).render(page_path=page.path, **page.context)
    return html.encode("utf-8")


# Set in the parent just before the worker processes fork; read by them (never pickled).
_JOB: tuple[Environment, list[PageLike], str] | None = None


def _render_share(start: int, step: int) -> tuple[int, int]:
    """In a worker: render every `step`-th page from `start`; returns (written, unchanged)."""
    assert _JOB is not None
    env, pages, out_dir = _JOB
    writer = Writer(Path(out_dir))
    for page in pages[start::step]:
        writer.write(routes.output_file(page.path), render_page(env, page))
    return writer.report.written, writer.report.unchanged


def _render_parallel(env: Environment, pages: list[PageLike], writer: Writer, workers: int) -> int:
    """Render pages in forked workers (they inherit the pages; nothing is pickled but counts)."""
    global _JOB
    _JOB = (env, pages, str(writer.out_dir))
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            shares = list(pool.map(_render_share, range(workers), [workers] * workers))
    finally:
        _JOB = None
    for page in pages:
        writer.report.files.add(routes.output_file(page.path))
    writer.report.written += sum(written for written, _ in shares)
    writer.report.unchanged += sum(unchanged for _, unchanged in shares)
    return workers


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
    report = IncrementalReport()
    todo: list[PageLike] = []
    for count, page in enumerate(pages, start=1):
        relative = routes.output_file(page.path)
        fingerprint = fingerprints.page(page.path, page.template, page.context)
        stored.record(relative, fingerprint)
        report.html_paths.append(page.path)
        if stored.unchanged(relative, fingerprint) and writer.keep(relative):
            report.skipped += 1
        else:
            todo.append(page)
        if progress and count % 500 == 0:
            progress(count)
    report.rendered = len(todo)
    workers = worker_count() if workers is None else workers
    if workers > 1 and len(todo) >= PARALLEL_MIN_PAGES and _can_fork():
        report.workers = _render_parallel(env, todo, writer, min(workers, len(todo)))
    else:
        for page in todo:
            writer.write(routes.output_file(page.path), render_page(env, page))
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
) -> IncrementalReport:
    """Write non-template outputs (feeds…): a `functools.partial` is fingerprinted from its
    arguments and only called when they changed; plain bytes are always compared and written."""
    report = IncrementalReport()
    for relative, data in outputs:
        if isinstance(data, bytes):
            writer.write(relative, data)
            continue
        fingerprint = None
        if isinstance(data, partial):
            name = getattr(data.func, "__qualname__", "")
            fingerprint = fingerprints.value(
                f"{data.func.__module__}.{name}:{relative}", data.args, data.keywords
            )
        stored.record(relative, fingerprint)
        if stored.unchanged(relative, fingerprint) and writer.keep(relative):
            report.skipped += 1
            continue
        writer.write(relative, data())
        report.rendered += 1
    return report


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
