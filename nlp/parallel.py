"""Tag jobs in this process or in a pool of worker processes, one analyzer per worker.

A job is one article with its cached analysis, if any; a result is its tags, candidate
companies and, for a cache miss, the new analysis. Workers never touch the archive: the parent
reads the cached analyses and does every SQLite write.

Workers are forked where that is safe (Linux, a MeCab analyzer, no JVM started and no other
thread in this process): they start in milliseconds with the parent's tagger and analyzer.
Elsewhere they are started with the "spawn" method, safe even after a JVM analyzer (Komoran)
has started in the parent (forking after the JVM starts deadlocks; see nlp/analyzer.py); a
spawned worker gets the parent's tagger (pickled, ~15 ms to load, instead of reading the
taxonomy again) and opens its analyzer from a `PipelineSpec` (backend, cache folder, reusing
the user dictionary the parent compiled) only when a job needs analysing: a re-tag from the
cache never starts one. Starting two spawned workers costs ~0.35 s of CPU, forked ones ~0.01 s.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from archive.runtime import collector_paused
from archive.store import TagRow, tag_rows, tags_digest

if TYPE_CHECKING:
    from nlp.analyzer import Analyzer
    from nlp.pipeline import Pipeline
    from nlp.tagger import Tagger

log = logging.getLogger(__name__)

CHUNK_SIZE = 50  # articles per task sent to a worker
# Less work than this (in articles tagged in full from the cache, ~2 ms each; a cache miss
# counts 3) is done in-process: starting two spawned workers costs ~0.35 s of CPU and ~0.4 s
# before the first result (forked ones ~10 ms), measured with bench/tagging.py on 2 cores.
PARALLEL_MIN = 1000


class ParallelError(Exception):
    """The worker pool could not start or died; the message says what to do."""


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """How a worker process opens the same analyzer as the parent."""

    backend: str = "mecab"
    cache_dir: str | None = None


class Job(NamedTuple):  # tuples pickle in C: jobs and results cross process boundaries
    article: str  # article id
    title: str
    text: str
    digest: str  # content hash of the analysed text: the analysis cache key
    analysis: str | None  # the cached analysis (encoded), or None to analyse
    inputs: str | None = None  # the input digest of the last tagging (None: tag in any case)
    stored: str | None = None  # the `rows_digest` of the stored automatic tags, if known


class JobResult(NamedTuple):
    article: str
    tags: tuple[TagRow, ...] = ()  # encoded for the archive (cheaper to send than Tag objects)
    candidates: tuple[tuple[str, str, str], ...] = ()  # (name, sentence, cue)
    digest: str = ""
    analysis: str | None = None  # a new analysis to cache (cache misses only)
    error: str = ""
    inputs: str = ""  # Tagger.input_digest of this tagging
    unchanged: bool = False  # same inputs as last time: tags and candidates stay as stored
    # Tagged in full, with the rows stored already (`Job.stored`): `tags` is left empty, the
    # rows stay and only the candidates are written (most of a full re-tag: nothing to send).
    same_tags: bool = False
    rows_digest: str = ""  # `archive.store.rows_digest` of `tags`, made here, not in the parent


class _Tagging(Protocol):
    """What `tag_jobs` needs: a `Pipeline`, or a worker's `_WorkerPipeline`."""

    @property
    def tagger(self) -> Tagger: ...

    @property
    def analyzer(self) -> Analyzer: ...


# Tagging makes tens of thousands of short-lived objects per article and no reference cycles, yet
# each allocation burst set off collections that walked the taxonomy's objects too: about a fifth
# of the tagging time (bench/tagging.py) went to them before the collector was paused.
gc_paused = collector_paused


def tag_jobs(pipeline: _Tagging, jobs: Iterable[Job]) -> list[JobResult]:
    """Analyse (cache misses only) and tag each job whose inputs changed; one failing article
    does not stop the others."""
    with gc_paused():
        return _tag_jobs(pipeline, jobs)


def _tag_jobs(pipeline: _Tagging, jobs: Iterable[Job]) -> list[JobResult]:
    from nlp.document import Document, Morphemes, doc_text
    from nlp.pipeline import decode_morphemes, encode_morphemes

    results = []
    for job in jobs:
        try:
            text = doc_text(job.title, job.text)
            inputs = pipeline.tagger.input_digest(text, job.digest)
            if inputs == job.inputs:
                results.append(
                    JobResult(job.article, digest=job.digest, inputs=inputs, unchanged=True)
                )
                continue
            new_analysis = None
            if job.analysis is None:
                morphemes = Morphemes.of(text, pipeline.analyzer.analyze(text))
                new_analysis = encode_morphemes(morphemes)
            else:
                morphemes = decode_morphemes(text, job.analysis)
            result = pipeline.tagger.tag(Document.build(job.title, job.text, morphemes))
            candidates = tuple((c.name, c.sentence, c.cue) for c in result.candidates)
            digest = tags_digest(result.tags)
            same = digest == job.stored
            results.append(
                JobResult(
                    job.article,
                    () if same else tuple(tag_rows(result.tags)),
                    candidates,
                    job.digest,
                    new_analysis,
                    inputs=inputs,
                    same_tags=same,
                    rows_digest=digest,
                )
            )
        except Exception as exc:  # one bad article must not stop the stage
            log.exception("tagging article %s failed", job.article)
            results.append(JobResult(job.article, error=f"{type(exc).__name__}: {exc}"))
    return results


# -- worker side ----------------------------------------------------------------------------
class _WorkerPipeline:
    """The parent's tagger, and its analyzer (forked workers) or one opened on the first cache
    miss (spawned workers)."""

    def __init__(self, tagger: Tagger, spec: PipelineSpec, analyzer: Analyzer | None) -> None:
        self.tagger, self.spec = tagger, spec
        self._analyzer = analyzer

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            from nlp.analyzer import open_analyzer

            cache = Path(self.spec.cache_dir) if self.spec.cache_dir else None
            words = self.tagger.gazetteer.words()
            self._analyzer = open_analyzer(self.spec.backend, user_words=words, cache_dir=cache)
        return self._analyzer


_WORKER_PIPELINE: _WorkerPipeline | None = None


def _init_worker(tagger: Tagger, spec: PipelineSpec, analyzer: Analyzer | None = None) -> None:
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = _WorkerPipeline(tagger, spec, analyzer)
    gc.enable()  # a forked worker inherits the parent's gc_paused()
    gc.freeze()  # the taxonomy's objects live as long as the worker: no collection walks them


def _run_in_worker(jobs: list[Job]) -> list[JobResult]:
    if _WORKER_PIPELINE is None:
        raise ParallelError("worker pipeline not initialised")
    return tag_jobs(_WORKER_PIPELINE, jobs)


# -- parent side ----------------------------------------------------------------------------
def worker_count(requested: int | None = None) -> int:
    """Workers to use: `requested`, else $JIYEOK_WORKERS, else every core."""
    if requested is not None:
        return max(1, requested)
    env = os.environ.get("JIYEOK_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def run_jobs(
    pipeline: Pipeline,
    chunks: Iterable[list[Job]],
    total: int,
    workers: int,
    parallel_min: int = PARALLEL_MIN,
) -> Iterator[list[JobResult]]:
    """Results chunk by chunk, in order: in a worker pool when the work (`total`, in articles to
    tag in full) reaches `parallel_min` and there are workers, else in this process. `chunks` is
    consumed lazily (a few chunks in flight)."""
    spec = getattr(pipeline, "spec", None)
    if workers <= 1 or total < parallel_min or spec is None:
        for chunk in chunks:
            yield tag_jobs(pipeline, chunk)
        return
    method = start_method(pipeline.analyzer.backend)
    # A forked worker shares the parent's analyzer; a spawned one opens its own if it needs one.
    analyzer = pipeline.analyzer if method == "fork" else None
    yield from _pooled(
        method,
        (pipeline.tagger, spec, analyzer),
        chunks,
        workers,
        lambda chunk: tag_jobs(pipeline, chunk),
    )


def start_method(backend: str) -> str:
    """ "fork" where forking is safe: Linux, a MeCab analyzer, no JVM started in this process
    (Komoran: forking after the JVM starts deadlocks) and no other Python thread (one holding
    a lock at the fork would leave it held in the worker); else "spawn"."""
    jpype = sys.modules.get("jpype")
    jvm = jpype is not None and jpype.isJVMStarted()
    if sys.platform == "linux" and backend == "mecab" and not jvm:
        if threading.active_count() == 1:
            return "fork"
    return "spawn"


def _pooled(
    method: str,
    initargs: tuple[Tagger, PipelineSpec, Analyzer | None],
    chunks: Iterable[list[Job]],
    workers: int,
    fallback: Callable[[list[Job]], list[JobResult]],
) -> Iterator[list[JobResult]]:
    context = multiprocessing.get_context(method)
    in_flight: deque[tuple[list[Job], Future[list[JobResult]]]] = deque()
    source = iter(chunks)
    log.info("tagging with %d worker processes (%s)", workers, method)
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=initargs
        ) as pool:
            for chunk in source:
                in_flight.append((chunk, pool.submit(_run_in_worker, chunk)))
                if len(in_flight) >= 2 * workers:
                    yield _next_result(in_flight)
            while in_flight:
                yield _next_result(in_flight)
    except BrokenProcessPool as exc:
        # A worker died (killed, out of memory): finish in this process rather than fail.
        log.warning("worker pool broke (%s); tagging the rest in this process", exc)
        for chunk, _ in in_flight:
            yield fallback(chunk)
        for chunk in source:
            yield fallback(chunk)


def _next_result(in_flight: deque[tuple[list[Job], Future[list[JobResult]]]]) -> list[JobResult]:
    """The oldest chunk's results; the chunk leaves the queue only once they are in."""
    results = in_flight[0][1].result()
    in_flight.popleft()
    return results
