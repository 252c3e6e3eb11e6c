"""Run jobs on a thread pool, one at a time per host and spaced out, results on the caller's thread.

Each host is a lane: its jobs run in order, never two at once, and a job starts no sooner than
the host's interval after the previous one started (the per-host rate limit). Parallelism is
across hosts only, bounded by the executor's workers. Results come back to the thread that
called `run()`; that thread alone touches the SQLite store.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

log = logging.getLogger(__name__)

Job = tuple[Callable[[], Any], Callable[[Any], None]]
Interval = Callable[[str], float]


class HostLanes:
    """A queue of (work, on_done) jobs per host over an executor, rate-limited per host."""

    def __init__(
        self,
        executor: Executor,
        interval: Interval = lambda host: 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.executor = executor
        self.interval = interval  # seconds between job starts on a host (read when scheduling)
        self.clock = clock
        self._queues: defaultdict[str, deque[Job]] = defaultdict(deque)
        self._running: dict[Future[Any], tuple[str, Callable[[Any], None]]] = {}
        self._busy: set[str] = set()
        self._last_start: dict[str, float] = {}

    def add(self, host: str, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Queue `work` on `host`'s lane; `on_done(result)` runs on the thread inside `run()`."""
        self._queues[host].append((work, on_done))
        self._start(host)

    def run(self) -> None:
        """Wait for every job, including jobs that `on_done` callbacks add, to finish."""
        while self._running or self._waiting():
            timeout = self._next_start_in()
            if self._running:
                finished, _ = wait(list(self._running), timeout, return_when=FIRST_COMPLETED)
            else:
                time.sleep(timeout or 0.0)
                finished = set()
            for future in finished:
                host, on_done = self._running.pop(future)
                self._busy.discard(host)
                on_done(future.result())
            for host in list(self._queues):
                self._start(host)

    def _waiting(self) -> bool:
        return any(self._queues[host] for host in self._queues if host not in self._busy)

    def _ready_at(self, host: str) -> float:
        last = self._last_start.get(host)
        return 0.0 if last is None else last + max(0.0, self.interval(host))

    def _next_start_in(self) -> float | None:
        """Seconds until the next waiting lane may start (None when no lane is waiting)."""
        hosts = [h for h, queue in self._queues.items() if queue and h not in self._busy]
        if not hosts:
            return None
        return max(0.0, min(self._ready_at(h) for h in hosts) - self.clock())

    def _start(self, host: str) -> None:
        if host in self._busy or not self._queues[host]:
            return
        now = self.clock()
        if now < self._ready_at(host):
            return  # `run()` comes back when the interval has passed
        work, on_done = self._queues[host].popleft()
        self._last_start[host] = now

        def timed() -> Any:
            self._last_start[host] = self.clock()  # when a worker really starts it
            return work()

        self._running[self.executor.submit(timed)] = (host, on_done)
        self._busy.add(host)
