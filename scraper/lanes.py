"""Run jobs on a thread pool, one at a time per host, handling results on the calling thread.

Each host is a lane: its jobs run in order and never two at once, so parallelism is across
hosts only (politeness), while results come back to the thread that called `run()`; that
thread alone touches the SQLite store. Per-host rate limits and robots.txt delays belong here.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

log = logging.getLogger(__name__)

Job = tuple[Callable[[], Any], Callable[[Any], None]]


class HostLanes:
    """A queue of (work, on_done) jobs per host over an executor."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self._queues: defaultdict[str, deque[Job]] = defaultdict(deque)
        self._running: dict[Future[Any], tuple[str, Callable[[Any], None]]] = {}
        self._busy: set[str] = set()

    def add(self, host: str, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Queue `work` on `host`'s lane; `on_done(result)` runs on the thread inside `run()`."""
        self._queues[host].append((work, on_done))
        self._start(host)

    def run(self) -> None:
        """Wait for every job, including jobs that `on_done` callbacks add, to finish."""
        while self._running:
            finished, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
            for future in finished:
                host, on_done = self._running.pop(future)
                self._busy.discard(host)
                on_done(future.result())
                self._start(host)

    def _start(self, host: str) -> None:
        if host in self._busy or not self._queues[host]:
            return
        work, on_done = self._queues[host].popleft()
        self._running[self.executor.submit(work)] = (host, on_done)
        self._busy.add(host)
