"""The collect stage: read each source's feed, fetch the new articles, store them in the archive.

Network and parsing run on worker threads (one lane per host, see `lanes`); every archive read
and write happens on the calling thread, because a `Store` connection is not thread-safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from archive.records import Article, Failure, FetchState, Source
from archive.store import Store, now_kst
from scraper.charset import decode_html
from scraper.cleanup import clean_author, excerpt
from scraper.errors import ExtractError, FeedError, FetchError
from scraper.extract import MIN_BODY_CHARS, Extracted, extract_article
from scraper.feeds import FeedItem, parse_feed
from scraper.http import Fetcher, Response
from scraper.lanes import HostLanes
from scraper.urls import is_web_url

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")

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


@dataclass(slots=True)
class CollectReport:
    """Per-source outcomes of one collect run, and their totals."""

    sources: list[SourceReport] = field(default_factory=list)

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
        return counts

    @property
    def ok(self) -> bool:
        """True when every source's feed was read (article failures do not count)."""
        return all(report.status != "failed" for report in self.sources)

    def as_dict(self) -> dict[str, object]:
        return {"sources": [asdict(report) for report in self.sources], "totals": self.totals}


# -- work done on worker threads (no archive access) ---------------------------------------
@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """A source's feed after fetching and parsing: items, not modified, or a failure."""

    response: Response | None = None
    items: tuple[FeedItem, ...] = ()
    failure: Failure | None = None
    status: str = ""  # on failure, a short status for the sources table ("HTTP 404")


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """An article page after fetching and extracting: the extraction or a failure."""

    item: FeedItem
    result: Extracted | Failure


def read_feed(source: Source, fetcher: Fetcher, state: FetchState | None) -> FeedOutcome:
    """Fetch (conditionally) and parse `source`'s feed."""
    try:
        response = fetcher.get(source.url, state=state, allow_private=source.allow_private)
    except FetchError as exc:
        status = f"HTTP {exc.status}" if exc.status else "fetch error"
        failure = Failure(source.key, source.url, "feed_fetch", str(exc))
        return FeedOutcome(failure=failure, status=status)
    if response.not_modified:
        return FeedOutcome(response=response)
    try:
        items = parse_feed(response.body, response.url, response.content_type)
    except FeedError as exc:
        failure = Failure(source.key, source.url, "feed_parse", str(exc))
        return FeedOutcome(failure=failure, status="not a feed")
    return FeedOutcome(response=response, items=tuple(items[: source.max_items]))


def read_page(source: Source, item: FeedItem, fetcher: Fetcher) -> PageOutcome:
    """Fetch an item's page and extract its article with the source's selectors."""
    try:
        response = fetcher.get(item.original_link, allow_private=source.allow_private)
    except FetchError as exc:
        return PageOutcome(item, Failure(source.key, item.link, "page_fetch", str(exc)))
    try:
        return PageOutcome(item, extract_page(response, source.selectors))
    except ExtractError as exc:
        return PageOutcome(item, Failure(source.key, item.link, "extract", str(exc)))
    except Exception as exc:  # a bug or a pathological page must not end the run
        log.exception("%s: extraction crashed", item.link)
        reason = f"extraction crashed ({type(exc).__name__}: {exc}); report this page"
        return PageOutcome(item, Failure(source.key, item.link, "extract", reason))


def extract_page(response: Response, selectors: dict[str, object]) -> Extracted:
    """The article in an HTML response; ExtractError when it is not an HTML page."""
    mime = (response.content_type or "text/html").split(";", 1)[0].strip().lower()
    if mime not in HTML_TYPES:
        raise ExtractError(f"{response.url}: not an HTML page ({mime}); check the feed's links")
    return extract_article(
        decode_html(response.body, response.content_type), response.url, selectors
    )


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
    title = item.title if item.title and item.title in page.title else page.title or item.title
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


# -- the run (archive access on this thread only) ------------------------------------------
def collect(
    sources: Iterable[Source],
    store: Store,
    *,
    fetcher: Fetcher,
    run_id: int | None = None,
    progress: Progress | None = None,
    max_workers: int = 4,
) -> CollectReport:
    """Collect new articles from every enabled source into `store`; failures are recorded."""
    run = _Run(store, fetcher, run_id, progress or (lambda message: None))
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="collect") as pool:
        lanes = HostLanes(pool)
        for source in sources:
            if not source.enabled:
                log.info("%s: disabled; skipped", source.key)
                continue
            run.start(source, lanes)
        lanes.run()
    return run.report


@dataclass(slots=True)
class _SourceRun:
    """A source in progress: its report, pages still out, and the feed's validators."""

    source: Source
    report: SourceReport
    pending: int = 0
    etag: str = ""
    last_modified: str = ""
    status: str = ""


class _Run:
    """The bookkeeping of one collect run; all its methods run on the calling thread."""

    def __init__(self, store: Store, fetcher: Fetcher, run_id: int | None, progress: Progress):
        self.store = store
        self.fetcher = fetcher
        self.run_id = run_id
        self.progress = progress
        self.report = CollectReport()
        self.claimed: set[str] = set()  # links queued in this run, across sources

    def start(self, source: Source, lanes: HostLanes) -> None:
        state = self.store.fetch_state(source.key)
        current = _SourceRun(source, SourceReport(source.key))
        self.report.sources.append(current.report)
        lanes.add(
            _host(source.url),
            lambda: read_feed(source, self.fetcher, state),
            lambda outcome: self.on_feed(current, outcome, state, lanes),
        )

    def on_feed(
        self, current: _SourceRun, outcome: FeedOutcome, state: FetchState | None, lanes: HostLanes
    ) -> None:
        source, report = current.source, current.report
        if outcome.failure is not None:
            report.status, report.error = "failed", outcome.failure.reason
            self.fail(outcome.failure)
            self.store.record_fetch(source.key, source.url, outcome.status, ok=False)
            self.progress(f"{source.key}: failed ({outcome.failure.reason})")
            return
        response = outcome.response
        assert response is not None
        current.status = str(response.status)
        current.etag = response.etag or (state.etag if state else "")
        current.last_modified = response.last_modified or (state.last_modified if state else "")
        if response.not_modified:
            report.status = "not_modified"
            self.finish(current)
            return
        for item in outcome.items:
            if item.link in self.claimed or self.store.has_article(item.link):
                report.skipped += 1
                continue
            self.claimed.add(item.link)
            current.pending += 1
            lanes.add(
                _host(source.url),
                lambda item=item: read_page(source, item, self.fetcher),
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
            report.failed += 1
        elif built.url != outcome.item.link and self.store.has_article(built.url):
            log.info("%s: already stored as %s", outcome.item.link, built.url)
            report.skipped += 1
        else:
            result = self.store.save_article(built)
            if result == "new":
                report.new += 1
            elif result == "updated":
                report.updated += 1
            else:
                report.skipped += 1
        if current.pending == 0:
            self.finish(current)

    def finish(self, current: _SourceRun) -> None:
        """Remember the feed's validators, unless an article failed and should be retried."""
        source, report = current.source, current.report
        retry = report.failed > 0
        self.store.record_fetch(
            source.key,
            source.url,
            current.status,
            ok=True,
            etag="" if retry else current.etag,
            last_modified="" if retry else current.last_modified,
            new_items=report.new,
        )
        self.progress(
            f"{source.key}: {report.status}, {report.new} new, {report.updated} updated, "
            f"{report.skipped} skipped, {report.failed} failed"
        )

    def fail(self, failure: Failure) -> None:
        log.warning("%s: %s failed: %s", failure.source, failure.stage, failure.reason)
        self.store.record_failure(failure, self.run_id)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
