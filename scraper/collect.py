"""The collect stage: read each source's listing, fetch the new articles, store them.

Network and parsing run on worker threads (one lane per host, rate-limited, see `lanes`; the
steps are in `reading`); every archive read and write happens on the calling thread, because a
`Store` connection is not thread-safe. After the run, wire copies are grouped (`duplicates`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from archive.records import Article, Failure, FetchState, Source
from archive.store import Store, now_kst
from scraper.cleanup import clean_author, excerpt
from scraper.duplicates import group_copies
from scraper.extract import MIN_BODY_CHARS, Extracted
from scraper.feeds import FeedItem
from scraper.http import Fetcher
from scraper.lanes import HostLanes
from scraper.reading import ListingOutcome, PageOutcome, read_listing, read_page
from scraper.robots import RobotsCache
from scraper.settings import ScraperSettings
from scraper.urls import is_web_url

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(slots=True)
class SourceReport:
    """What collecting one source did: status is "ok", "not_modified" or "failed"."""

    key: str
    status: str = "ok"
    new: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    error: str = ""
    moved_to: str = ""  # the listing URL permanently redirects here: update sources.toml


@dataclass(slots=True)
class CollectReport:
    """Per-source outcomes of one collect run, and their totals."""

    sources: list[SourceReport] = field(default_factory=list)
    duplicate_groups: int = 0  # groups of wire copies formed or changed by this run

    @property
    def totals(self) -> dict[str, int]:
        counts = {"sources": len(self.sources), "failed_sources": 0, "not_modified": 0}
        for name in ("new", "updated", "skipped", "failed"):
            counts[name] = sum(getattr(report, name) for report in self.sources)
        for report in self.sources:
            if report.status == "failed":
                counts["failed_sources"] += 1
            elif report.status == "not_modified":
                counts["not_modified"] += 1
        counts["moved_sources"] = sum(1 for report in self.sources if report.moved_to)
        counts["duplicate_groups"] = self.duplicate_groups
        return counts

    @property
    def ok(self) -> bool:
        """True when every source's listing was read (article failures do not count)."""
        return all(report.status != "failed" for report in self.sources)

    def as_dict(self) -> dict[str, object]:
        return {"sources": [asdict(report) for report in self.sources], "totals": self.totals}


def build_article(source: Source, item: FeedItem, page: Extracted) -> Article | Failure:
    """The article to store from a page and its feed item, or why there is none."""
    url = page.canonical_url if is_web_url(page.canonical_url) else item.link
    if len(page.text) < MIN_BODY_CHARS:
        return Failure(
            source.key,
            item.link,
            "extract",
            f"no article text found ({len(page.text)} characters); add a body selector "
            f"for source {source.key!r}",
        )
    # A page title that merely decorates the feed's ("<title> > 뉴스 | 매체명") loses to it.
    title = item.title if decorates(page.title, item.title) else page.title or item.title
    if not title:
        return Failure(source.key, item.link, "extract", "no title in the page or the feed")
    return Article(
        url=url,
        title=title,
        text=page.text,
        source=source.key,
        published=page.published or item.published,
        excerpt=excerpt(page.text),
        author=page.author or clean_author(item.author),
        fetched=now_kst(),
        original_url=item.original_link,
    )


def decorates(page_title: str, feed_title: str) -> bool:
    """True when `page_title` is `feed_title` plus a site or section label before or after it,
    set off by a separator ("제목 > 뉴스 | 매체", "[경제] 제목", "매체 :: 제목")."""
    if not feed_title or feed_title == page_title or feed_title not in page_title:
        return False
    before, _, after = page_title.partition(feed_title)
    return (not after or _DECORATION_AFTER.match(after) is not None) and (
        not before or _DECORATION_BEFORE.search(before) is not None
    )


_DECORATION_AFTER = re.compile(r"^\s*(?:[|>:<»·\-–—]|::)")
_DECORATION_BEFORE = re.compile(r"(?:[|>:<»·\-–—\]]|::)\s*$")


# -- the run (archive access on this thread only) ------------------------------------------
def collect(
    sources: Iterable[Source],
    store: Store,
    *,
    fetcher: Fetcher,
    run_id: int | None = None,
    progress: Progress | None = None,
    max_workers: int | None = None,
    settings: ScraperSettings | None = None,
    robots: bool = True,
) -> CollectReport:
    """Collect new articles from every enabled source into `store`; failures are recorded.

    `settings` gives the per-host rate and the number of hosts fetched in parallel;
    `robots=False` skips robots.txt (for loopback benchmarks only).
    """
    settings = settings or ScraperSettings()
    sources = list(sources)
    robots_cache = RobotsCache(fetcher, fetcher.user_agent) if robots else None
    run = _Run(store, fetcher, run_id, progress or (lambda message: None), settings, robots_cache)
    run.source_rank = {source.key: rank for rank, source in enumerate(sources)}
    workers = max_workers or settings.hosts_in_parallel
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="collect") as pool:
        lanes = HostLanes(pool, interval=run.interval)
        for source in sources:
            if not source.enabled:
                log.info("%s: disabled; skipped", source.key)
                continue
            run.start(source, lanes)
        lanes.run()
    if run.stored:
        run.report.duplicate_groups = group_copies(store, run.stored, run.source_rank)
    return run.report


@dataclass(slots=True)
class _SourceRun:
    """A source in progress: its report, pages still out, and the listing's validators."""

    source: Source
    report: SourceReport
    url: str = ""  # the listing URL fetched (the configured one, or where it moved)
    pending: int = 0
    retry: bool = False  # a page failed and should be retried: keep no validators
    etag: str = ""
    last_modified: str = ""
    status: str = ""
    moved_from: str = ""


class _Run:
    """The bookkeeping of one collect run; all its methods run on the calling thread."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        run_id: int | None,
        progress: Progress,
        settings: ScraperSettings,
        robots: RobotsCache | None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.run_id = run_id
        self.progress = progress
        self.settings = settings
        self.robots = robots
        self.report = CollectReport()
        self.claimed: set[str] = set()  # links queued in this run, across sources
        self.stored: list[str] = []  # ids of articles stored new or changed
        self.source_rank: dict[str, int] = {}
        self._intervals: dict[str, float] = {}
        self._origins: dict[str, str] = {}

    # -- politeness ------------------------------------------------------------------------
    def interval(self, host: str) -> float:
        """Seconds between requests to `host`: the slowest configured rate, or Crawl-delay."""
        configured = self._intervals.get(host, self.settings.interval(None))
        delay = 0.0
        if self.robots is not None and host in self._origins:
            delay = min(self.robots.crawl_delay(self._origins[host]), self.settings.max_crawl_delay)
        return max(configured, delay) if configured > 0 else 0.0

    def _lane(self, url: str, source: Source) -> str:
        """The lane (host) for `url`, remembering the source's rate for that host."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        wanted = self.settings.interval(source.rate)
        self._intervals[host] = max(self._intervals.get(host, 0.0), wanted)
        self._origins.setdefault(host, f"{parts.scheme}://{parts.netloc}")
        return host

    # -- steps -----------------------------------------------------------------------------
    def start(self, source: Source, lanes: HostLanes) -> None:
        state = self.store.fetch_state(source.key)
        current = _SourceRun(source, SourceReport(source.key), url=source.url)
        if state is not None and state.moved_from == source.url and state.url != source.url:
            current.url, current.moved_from = state.url, source.url  # it moved; sources.toml lags
            current.report.moved_to = state.url
        self.report.sources.append(current.report)
        lanes.add(
            self._lane(current.url, source),
            lambda: read_listing(source, current.url, self.fetcher, state, self.robots),
            lambda outcome: self.on_listing(current, outcome, state, lanes),
        )

    def on_listing(
        self,
        current: _SourceRun,
        outcome: ListingOutcome,
        state: FetchState | None,
        lanes: HostLanes,
    ) -> None:
        source, report = current.source, current.report
        response = outcome.response
        if response is not None and response.moved_to:
            current.moved_from = current.moved_from or source.url
            current.url = report.moved_to = response.moved_to
            log.warning(
                "%s: %s moved permanently to %s; update url in sources.toml",
                source.key,
                source.url,
                response.moved_to,
            )
        if outcome.failure is not None:
            report.status, report.error = "failed", outcome.failure.reason
            self.fail(outcome.failure)
            self.store.record_fetch(source.key, current.url, outcome.status, ok=False)
            self.progress(f"{source.key}: failed ({outcome.failure.reason})")
            return
        assert response is not None
        current.status = str(response.status)
        current.etag = response.etag or (state.etag if state else "")
        current.last_modified = response.last_modified or (state.last_modified if state else "")
        if response.not_modified:
            report.status = "not_modified"
            self.finish(current)
            return
        fresh = [
            item
            for item in outcome.items
            if item.link not in self.claimed and not self.store.has_article(item.link)
        ]
        report.skipped += len(outcome.items) - len(fresh)
        failed_before = self.store.page_failures(item.link for item in fresh)
        for item in fresh:
            count, permanent = failed_before.get(item.link, (0, False))
            if permanent or count >= self.settings.page_attempts:
                report.skipped += 1  # given up on earlier runs; its failures are recorded
                continue
            self.claimed.add(item.link)
            current.pending += 1
            lanes.add(
                self._lane(item.original_link, source),
                lambda item=item: read_page(source, item, self.fetcher, self.robots),
                lambda page: self.on_page(current, page),
            )
        self.progress(f"{source.key}: {len(outcome.items)} items, {current.pending} new to fetch")
        if current.pending == 0:
            self.finish(current)

    def on_page(self, current: _SourceRun, outcome: PageOutcome) -> None:
        current.pending -= 1
        report = current.report
        built = outcome.result
        if isinstance(built, Extracted):
            built = build_article(current.source, outcome.item, built)
        if isinstance(built, Failure):
            self.fail(built)
            count = self.store.record_page_failure(
                outcome.item.link, current.source.key, built.reason, outcome.permanent
            )
            if outcome.skipped:
                report.skipped += 1
            else:
                report.failed += 1
            if not outcome.permanent and count < self.settings.page_attempts:
                current.retry = True
        elif built.url != outcome.item.link and self.store.has_article(built.url):
            log.info("%s: already stored as %s", outcome.item.link, built.url)
            report.skipped += 1
        else:
            self.store_article(report, built, outcome)
        if current.pending == 0:
            self.finish(current)

    def store_article(self, report: SourceReport, article: Article, outcome: PageOutcome) -> None:
        result = self.store.save_collected(article, outcome.signature, outcome.item.link)
        if result == "unchanged":
            report.skipped += 1
            return
        if result == "new":
            report.new += 1
        else:
            report.updated += 1
        self.stored.append(article.id)

    def finish(self, current: _SourceRun) -> None:
        """Remember the listing's validators, unless a page failed and should be retried."""
        source, report = current.source, current.report
        self.store.record_fetch(
            source.key,
            current.url,
            current.status,
            ok=True,
            etag="" if current.retry else current.etag,
            last_modified="" if current.retry else current.last_modified,
            new_items=report.new,
            moved_from=current.moved_from,
        )
        moved = f", moved to {report.moved_to}" if report.moved_to else ""
        self.progress(
            f"{source.key}: {report.status}, {report.new} new, {report.updated} updated, "
            f"{report.skipped} skipped, {report.failed} failed{moved}"
        )

    def fail(self, failure: Failure) -> None:
        log.warning("%s: %s failed: %s", failure.source, failure.stage, failure.reason)
        self.store.record_failure(failure, self.run_id)
