#!/usr/bin/env python3
"""지역 AI 뉴스 — the command line: collect → tag → render, and the tools around them.

This is the composition root: it reads options, wires the packages together and reports.
Run `python build.py --help`, or `python build.py COMMAND --help` for one command.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from archive.store import Store  # noqa: E402

log = logging.getLogger("build")


@dataclass(frozen=True)
class Paths:
    """Where the project's inputs and outputs live (each overridable by an option)."""

    content: Path
    archive: Path
    public: Path
    cache: Path

    @property
    def taxonomy(self) -> Path:
        return self.content / "taxonomy"

    @property
    def templates(self) -> Path:
        return ROOT / "site_templates"


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO)
    handler: logging.Handler
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler = RichHandler(show_path=False, markup=False)
        fmt = "%(message)s"
    else:
        handler = logging.StreamHandler()
        fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, handlers=[handler], force=True)
    for noisy in ("urllib3", "trafilatura", "htmldate", "charset_normalizer", "jpype"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--content",
    type=click.Path(path_type=Path),
    default=ROOT / "content",
    show_default=True,
    help="Editor-owned content folder.",
)
@click.option(
    "--archive",
    "archive_path",
    type=click.Path(path_type=Path),
    default=lambda: os.environ.get("JIYEOK_ARCHIVE", ROOT / "data" / "archive.sqlite3"),
    show_default="data/archive.sqlite3 or $JIYEOK_ARCHIVE",
    help="SQLite archive.",
)
@click.option(
    "--public",
    type=click.Path(path_type=Path),
    default=ROOT / "public",
    show_default=True,
    help="Output folder of the rendered site.",
)
@click.option("-v", "--verbose", count=True, help="More log output.")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
@click.pass_context
def cli(
    ctx: click.Context, content: Path, archive_path: Path, public: Path, verbose: int, quiet: bool
) -> None:
    """지역 AI 뉴스: collect Korean AI news, tag regions and companies, render a static site."""
    _setup_logging(verbose, quiet)
    ctx.obj = Paths(
        content=content, archive=Path(archive_path), public=public, cache=ROOT / ".cache"
    )


def _site_config(paths: Paths, base_url: str | None = None):
    from sitegen.config import load_site_config

    config = load_site_config(paths.content / "site.toml")
    return config.with_base_url(base_url) if base_url else config


def _sources(path: Path, base: str | None = None):
    from scraper import SourceConfigError, load_sources

    try:
        return load_sources(path, base=base)
    except SourceConfigError as exc:
        raise click.ClickException(str(exc)) from exc


# -- stages ---------------------------------------------------------------------------------
def run_collect(paths: Paths, store: Store, sources: list, run_id: int | None = None) -> dict:
    from scraper.collect import collect
    from scraper.settings import load_scraper_settings, make_fetcher

    config = _site_config(paths)
    settings = load_scraper_settings(paths.content / "site.toml")
    user_agent = f"{config.user_agent} (+{config.contact_url})"
    with make_fetcher(settings, user_agent) as fetcher:
        report = collect(
            sources,
            store,
            fetcher=fetcher,
            run_id=run_id,
            settings=settings,
            progress=lambda line: log.info("%s", line),
        )
    return report.as_dict()


def run_tag(
    paths: Paths, store: Store, retag_all: bool = False, workers: int | None = None
) -> dict:
    from nlp.pipeline import open_pipeline, tag_archive

    started = time.perf_counter()
    pipeline = open_pipeline(
        paths.taxonomy, cache_dir=paths.cache / "analyzer", taxonomy_cache=content_cache(paths)
    )
    log.info("analyzer %s ready in %.2fs", pipeline.analyzer.version, time.perf_counter() - started)
    report = tag_archive(
        store, pipeline, retag_all=retag_all, workers=workers, progress=_progress("tag")
    )
    log.info(
        "tagged %d articles (%d up to date, %d failed)",
        report.tagged,
        report.skipped,
        report.failed,
    )
    result = report.as_dict()
    result["relevance"] = run_relevance(paths, store, pipeline, retag_all)
    result["failed"] = int(result["failed"]) + int(result["relevance"]["failed"])
    return result


def run_relevance(paths: Paths, store: Store, pipeline, rescore_all: bool = False) -> dict:
    """The tag stage's second half: AI-relevance scores of new and stale articles."""
    from archive.relevance import RelevanceError
    from nlp.relevance_stage import open_scorer, score_archive

    try:
        scorer = open_scorer(paths.taxonomy, pipeline)
    except RelevanceError as exc:
        raise click.ClickException(str(exc)) from exc
    return score_archive(
        store, pipeline, scorer, rescore_all=rescore_all, progress=_progress("relevance")
    ).as_dict()


def run_render(
    paths: Paths,
    store: Store,
    base_url: str | None = None,
    source_names: dict[str, str] | None = None,
    search: bool = True,
    sources: list | None = None,
) -> dict:
    from archive.digest import BackgroundDigest

    digest = BackgroundDigest(store)  # made by another process while all this is loaded

    from archive.checks import cached_taxonomy
    from archive.curation import load_curation
    from sitegen.map import load_map
    from sitegen.pages import load_editorial
    from sitegen.render import render_site
    from sitegen.search import build_search_index

    config = _site_config(paths, base_url)
    names = dict(source_names or {})
    default_sources = paths.content / "sources.toml"
    if sources is None and default_sources.exists():
        sources = _sources(default_sources)
    if not names and sources:
        names = {s.key: s.name for s in sources}
    curation = load_curation(paths.content / "curation.toml")
    relevance = _relevance_filter(store, sources or [])
    report = render_site(
        store,
        cached_taxonomy(paths.taxonomy, content_cache(paths)),  # .cache/content, and in-process
        config,
        paths.templates,
        paths.public,
        source_names=names,
        map_data=load_map(paths.taxonomy / "map.json"),
        curation=curation,
        editorial=load_editorial(paths.content, config, content_cache(paths)),
        relevance=relevance,
        cache_dir=paths.cache / "render",
        digest=digest,
    )
    log.info(
        "site: %d pages, %d files written, %d unchanged, %d removed → %s",
        report.pages,
        report.written,
        report.unchanged,
        report.removed,
        paths.public,
    )
    result = report.as_dict()
    result["sources"] = relevance.counts(store.article_refs(), curation)  # collected, published
    if search:  # Pagefind indexes the written pages into public/pagefind/
        result["search"] = build_search_index(paths.public, ROOT / "node_modules").as_dict()
    return result


def _relevance_filter(store: Store, sources: list):
    """What the site publishes: the stored relevance scores against each source's policy
    (sources.toml) and the fitted model's default threshold."""
    from archive.relevance import RelevanceError, RelevanceFilter, parse_policy
    from nlp.relevance import load_model

    try:
        threshold = load_model().threshold
    except RelevanceError as exc:
        raise click.ClickException(str(exc)) from exc
    policies = {s.key: parse_policy(s.policy) for s in sources}
    return RelevanceFilter(store.relevance_scores(), policies, threshold)


def _progress(label: str):
    """A (done, total) callback: a rich progress bar on a terminal, else a log line every 2 s."""
    if sys.stderr.isatty() and logging.getLogger().isEnabledFor(logging.INFO):
        return _progress_bar(label)
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - last[0] > 2:
            last[0] = now
            log.info("%s: %d/%d", label, done, total)

    return report


def _progress_bar(label: str):
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task(label, total=None)

    def report(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)
        if done >= total:
            bar.stop()

    return report


def run_update(
    paths: Paths,
    sources_file: Path,
    base: str | None = None,
    base_url: str | None = None,
    *,
    search: bool = True,
    publisher=None,
    run=None,
) -> dict:
    """collect → tag → render (→ publish), each stage timed in `run` (an archive.runs.RunReport).

    A failing collect or tag stage is recorded and the site is still rendered from the archive
    (degraded); a failing render or publish fails the run. The report goes to the runs table and
    public/_status.json.
    """
    from archive.runs import RunReport, start_run, write_status
    from archive.store import now_kst

    require_valid_content(paths)  # refuse to publish what `build.py check` rejects
    run = run or RunReport("update", now_kst().isoformat())
    report: dict = {"run": run}
    with Store.open(paths.archive) as store:
        run.run_id = start_run(store, "update")
        try:
            sources = _sources(sources_file, base)
            names = {s.key: s.name for s in sources}
            with _stage(run, "collect"):
                report["collect"] = run_collect(paths, store, sources, run.run_id)
                run.add_collect(report["collect"])
            with _stage(run, "tag"):
                report["tag"] = run_tag(paths, store)
                run.tag_failures = int(report["tag"].get("failed", 0))
            with _stage(run, "render"):
                report["render"] = run_render(
                    paths, store, base_url, names, search=False, sources=sources
                )
                run.add_render(report["render"])
            rendered = report.get("render", {})
            if search and run.stage_ok("render"):
                from sitegen.search_schedule import plan_search

                with _stage(run, "search"):  # timed apart from the render; see site.toml [search]
                    plan = plan_search(paths.content / "site.toml", paths.public, rendered)
                    if plan.due:
                        from sitegen.search import build_search_index

                        index = build_search_index(paths.public, ROOT / "node_modules")
                        report["render"]["search"] = index.as_dict()
                    plan.keep()  # after a successful index only: a failed one is tried again
            if run.stage_ok("render"):
                write_status(paths.public, run.finish())  # published with the site
                if publisher is not None:
                    with _stage(run, "publish"):
                        run.published = publisher.publish(paths.public).as_dict()
        finally:
            run.finish()
            store.finish_run(run.run_id, run.status, run.as_dict())
            if paths.public.is_dir():
                write_status(paths.public, run)
    return report


class _stage:
    """Run one update stage: time it and, on an error, log it and go on to the next stage."""

    def __init__(self, run, name: str) -> None:
        self.run, self.name = run, name

    def __enter__(self):
        self.context = self.run.stage(self.name)
        return self.context.__enter__()

    def __exit__(self, kind, exc, tb) -> bool:
        self.context.__exit__(kind, exc, tb)
        if kind is None or not issubclass(kind, Exception):
            return False
        log.error("%s failed: %s", self.name, exc, exc_info=(kind, exc, tb))
        return True


# -- commands -------------------------------------------------------------------------------
@cli.command("collect")
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Sources file (default: content/sources.toml).",
)
@click.pass_obj
def collect_cmd(paths: Paths, sources_file: Path | None) -> None:
    """Fetch the sources' feeds and new articles into the archive."""
    with Store.open(paths.archive) as store:
        sources = _sources(sources_file or paths.content / "sources.toml")
        report = run_collect(paths, store, sources)
    click.echo(json.dumps(report["totals"], ensure_ascii=False))


@cli.command("tag")
@click.option("--all", "retag_all", is_flag=True, help="Re-tag every article, not just stale ones.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: $JIYEOK_WORKERS or every core; small runs, under about "
    "a second's work per worker, are done in-process).",
)
@click.pass_obj
def tag_cmd(paths: Paths, retag_all: bool, workers: int | None) -> None:
    """Tag archived articles with regions, companies and topics (cached analyses are reused).

    Also records candidate companies (names next to company cues that the taxonomy does not
    know) for `build.py candidates`, then scores the AI relevance of every article whose score
    is missing or stale (rules, model, topics.toml's [ai] vocabulary or its tags changed); --all
    re-scores every article too.
    """
    with Store.open(paths.archive) as store:
        report = run_tag(paths, store, retag_all, workers)
    click.echo(json.dumps(report, ensure_ascii=False))
    if report["failed"]:
        sys.exit(1)


@cli.command("render")
@click.option("--base-url", default=None, help="Override site.toml's base_url.")
@click.option("--clean", is_flag=True, help="Delete the output folder first.")
@click.option(
    "--search/--no-search",
    default=True,
    show_default=True,
    help="Index the written pages with the pinned Pagefind (public/pagefind/) for /search/.",
)
@click.pass_obj
def render_cmd(paths: Paths, base_url: str | None, clean: bool, search: bool) -> None:
    """Render the archive into the static site folder (only changed files are written), then
    build the search index with Pagefind unless --no-search.

    Only published articles reach the site: those the relevance filter keeps (their source's
    policy in sources.toml and their score; see README "Relevance") and editors do not hide.
    """
    from sitegen.search import SearchIndexError

    require_valid_content(paths)  # refuse to publish what `build.py check` rejects
    if clean and paths.public.exists():
        shutil.rmtree(paths.public)
    with Store.open(paths.archive) as store:
        try:
            report = run_render(paths, store, base_url, search=search)
        except SearchIndexError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report, ensure_ascii=False))


def publish_options(command):
    """The options that choose and configure a publish target (shared by update and publish)."""
    options = [
        click.option(
            "--target",
            type=click.Choice(["dir", "git", "s3"]),
            envvar="JIYEOK_PUBLISH_TARGET",
            default=None,
            help="Where to publish: a directory (atomic link swap), a git branch, an S3 bucket. "
            "[env: JIYEOK_PUBLISH_TARGET]",
        ),
        click.option(
            "--dest",
            type=click.Path(path_type=Path),
            envvar="JIYEOK_PUBLISH_DEST",
            help="dir: the path the web server serves (a link to DEST.releases/<release>). "
            "[env: JIYEOK_PUBLISH_DEST]",
        ),
        click.option(
            "--keep",
            type=click.IntRange(2),
            default=2,
            show_default=True,
            help="dir: releases kept for --rollback.",
        ),
        click.option(
            "--remote", envvar="JIYEOK_GIT_REMOTE", help="git: remote URL. [env: JIYEOK_GIT_REMOTE]"
        ),
        click.option("--branch", default="gh-pages", show_default=True, help="git: branch."),
        click.option(
            "--git-workdir",
            type=click.Path(path_type=Path),
            default=None,
            help="git: the local work tree kept between runs (default: .cache/publish/git-*).",
        ),
        click.option(
            "--bucket", envvar="JIYEOK_S3_BUCKET", help="s3: bucket name. [env: JIYEOK_S3_BUCKET]"
        ),
        click.option("--prefix", default="", help="s3: key prefix (a folder in the bucket)."),
        click.option(
            "--endpoint-url",
            envvar="AWS_ENDPOINT_URL",
            help="s3: endpoint of an S3-compatible service. [env: AWS_ENDPOINT_URL]",
        ),
        click.option(
            "--force", is_flag=True, help="s3: upload every object, changed or not (new headers)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _publisher(paths: Paths, options: dict):
    """The publish target the options name, or None when no --target was given."""
    target = options.get("target")
    if target is None:
        return None
    if target == "dir":
        from sitegen.publish.directory import DirectoryTarget

        if not options.get("dest"):
            raise click.UsageError("--target dir needs --dest PATH (or $JIYEOK_PUBLISH_DEST)")
        return DirectoryTarget(options["dest"], keep=options.get("keep") or 2)
    if target == "git":
        from sitegen.publish.gitbranch import GitBranchTarget

        if not options.get("remote"):
            raise click.UsageError("--target git needs --remote URL (or $JIYEOK_GIT_REMOTE)")
        return GitBranchTarget(
            options["remote"],
            options.get("branch") or "gh-pages",
            workdir=options.get("git_workdir"),
            cache=paths.cache,
        )
    from sitegen.publish.s3 import S3Target

    if not options.get("bucket"):
        raise click.UsageError("--target s3 needs --bucket NAME (or $JIYEOK_S3_BUCKET)")
    return S3Target(
        options["bucket"],
        options.get("prefix") or "",
        endpoint_url=options.get("endpoint_url"),
        force=bool(options.get("force")),
    )


EXIT_CODES_HELP = """\b
Exit codes: 0 ok; 3 some sources, articles or the tag stage failed but the site
was built (and published); 4 nothing could be built or published (render or
publish failed; the live site is unchanged); 75 another run holds the lock
(try again later); 1 content/ or the sources file has errors (nothing ran);
2 usage error."""


@cli.command("update", epilog=EXIT_CODES_HELP)
@click.option("--sources", "sources_file", type=click.Path(path_type=Path), default=None)
@click.option("--base-url", default=None, help="Override site.toml's base_url.")
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=0,
    show_default=True,
    help="Seconds to wait for a run already going (the lock) before exiting with 75.",
)
@click.option(
    "--quiet",
    "quiet_run",
    is_flag=True,
    help="For cron: print nothing when the run is ok (warnings, errors and the summary of a "
    "run that is not ok still print).",
)
@click.option(
    "--search/--no-search",
    default=True,
    show_default=True,
    help="Re-index the site with Pagefind after a render that changed pages, as often as "
    "site.toml [search] allows (default: every such update).",
)
@publish_options
@click.pass_obj
def update_cmd(
    paths: Paths,
    sources_file: Path | None,
    base_url: str | None,
    wait: float,
    quiet_run: bool,
    search: bool,
    **publish: object,
) -> None:
    """collect → tag → render (→ publish with --target), for cron and CI.

    Holds a lock beside the archive so that two runs never overlap (a killed run's lock is
    freed by the kernel), records a report in the archive's runs table and in
    public/_status.json, and prints a short summary, then one line of JSON.
    """
    from archive.runs import LockedError, RunLock, lock_path_for, summary_lines
    from archive.store import ArchiveError

    if quiet_run:
        logging.getLogger().setLevel(logging.WARNING)
    publisher = _publisher(paths, publish)
    lock = RunLock(lock_path_for(paths.archive), "update")
    try:
        lock.acquire(wait)
    except LockedError as exc:
        click.echo(f"update: {exc}", err=True)
        sys.exit(75)
    try:
        report = run_update(
            paths,
            sources_file or paths.content / "sources.toml",
            base_url=base_url,
            search=search,
            publisher=publisher,
        )
    except ArchiveError as exc:  # the archive cannot be opened or written (full disk, damage)
        click.echo(f"update: {exc}; nothing was published (the live site is unchanged)", err=True)
        sys.exit(4)
    finally:
        lock.release()
    run = report["run"]
    if lock.took_over:
        run.took_over_lock_from = lock.took_over.describe()
    if not quiet_run or run.exit_code:
        for line in summary_lines(run):
            click.echo(line)
        click.echo(json.dumps(run.totals(), ensure_ascii=False))
    sys.exit(int(run.exit_code))


@cli.command(
    "publish",
    epilog="Exit codes: 0 published (or rolled back); 4 the publish failed and the live site "
    "is unchanged; 75 another run holds the lock; 2 usage error.",
)
@publish_options
@click.option(
    "--source",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The rendered site to publish (default: the --public folder).",
)
@click.option("--rollback", is_flag=True, help="Make the previously published site live again.")
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=0,
    show_default=True,
    help="Seconds to wait for a run holding the lock before exiting with 75.",
)
@click.pass_obj
def publish_cmd(
    paths: Paths, source: Path | None, rollback: bool, wait: float, **publish: object
) -> None:
    """Publish the rendered site: --target dir (swapped atomically, previous kept), git (a
    branch such as gh-pages, only changed files committed) or s3 (only changed objects).

    \b
    Examples:
      build.py publish --target dir --dest /srv/www/news
      build.py publish --target dir --dest /srv/www/news --rollback
      build.py publish --target git --remote git@github.com:me/news.git --branch gh-pages
      AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… build.py publish --target s3 --bucket news
    """
    from archive.runs import LockedError, RunLock, lock_path_for
    from sitegen.publish import PublishError

    publisher = _publisher(paths, publish)
    if publisher is None:
        raise click.UsageError("choose a target: --target dir|git|s3 (or $JIYEOK_PUBLISH_TARGET)")
    lock = RunLock(lock_path_for(paths.archive), "publish")
    try:
        lock.acquire(wait)
    except LockedError as exc:
        click.echo(f"publish: {exc}", err=True)
        sys.exit(75)
    try:
        result = publisher.rollback() if rollback else publisher.publish(source or paths.public)
    except PublishError as exc:
        click.echo(f"publish: {exc}", err=True)
        sys.exit(4)
    finally:
        lock.release()
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False))


@cli.command("demo")
@click.option(
    "--serve/--no-serve", default=True, show_default=True, help="Serve the built site until Ctrl-C."
)
@click.option("--port", default=8000, show_default=True, help="Port for the built site.")
@click.pass_obj
def demo_cmd(paths: Paths, serve: bool, port: int) -> None:
    """Build the demo site from the bundled sample outlets, offline, and serve it."""
    from sitegen.serve import serve_forever, start_server

    demo = paths.content / "demo"
    site_url = f"http://127.0.0.1:{port}/"
    paths = Paths(
        content=paths.content,
        archive=paths.archive.with_name("demo.sqlite3"),
        public=paths.public,
        cache=paths.cache,
    )
    for stale in paths.archive.parent.glob("demo.sqlite3*"):
        stale.unlink()  # the demo outlets get a new port each run: start from a clean archive
    started = time.perf_counter()
    outlets = start_server(demo / "site", port=0, placeholder="__BASE__")
    try:
        log.info("demo outlets served at %s", outlets.url)
        report = run_update(
            paths, demo / "sources.toml", base=outlets.url.rstrip("/"), base_url=site_url
        )
    finally:
        outlets.stop()
    totals = report["collect"]["totals"]
    click.echo(
        f"demo built in {time.perf_counter() - started:.1f}s: {totals['new']} articles, "
        f"{report['render']['pages']} pages in {paths.public}"
    )
    if not serve:
        click.echo(f"site: {paths.public / 'index.html'} (serve it with: python build.py serve)")
        return
    serve_forever(paths.public, port)


@cli.command("serve")
@click.option(
    "--port", default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free one)."
)
@click.option(
    "--watch",
    is_flag=True,
    help="Live preview: render into --out, re-render when content/ or the templates change, "
    "and reload open pages.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Preview folder for --watch (default .cache/preview/; never the published folder).",
)
@click.pass_obj
def serve_cmd(paths: Paths, port: int, watch: bool, out: Path | None) -> None:
    """Serve the rendered site on http://127.0.0.1:PORT until Ctrl-C (--watch: live preview)."""
    from sitegen.serve import serve_forever

    if watch:
        serve_preview(paths, port, out or paths.cache / "preview")
        return
    serve_forever(paths.public, port)


@cli.command("analyze")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default and only format).")
@click.pass_obj
def analyze_cmd(paths: Paths, files: tuple[Path, ...], as_json: bool) -> None:
    """Tag plain-text files without storing anything; prints a JSON list, one object per file.

    Each object also has "relevance" (the AI-relevance score in [0, 1]) and "relevant" (true at
    the default threshold); for the score, a first line followed by a blank line is the title.
    """
    from nlp.pipeline import open_pipeline
    from nlp.relevance import split_headline
    from nlp.relevance_stage import open_scorer
    from nlp.report import analysis_json

    pipeline = open_pipeline(paths.taxonomy, cache_dir=paths.cache / "analyzer")
    scorer = open_scorer(paths.taxonomy, pipeline)
    results = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        result = pipeline.tag_text("", text)
        title, body = split_headline(text)
        titled = pipeline.tag_text(title, body) if title else result
        relevance = scorer.score(titled.doc, titled.tags)
        results.append({"file": str(path), **analysis_json(result, relevance)})
    click.echo(json.dumps(results, ensure_ascii=False, indent=2))


@cli.command("extract")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default and only format).")
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Sources file whose selectors apply (default: content/sources.toml).",
)
@click.option("--source", "source_key", default=None, help="Use this source's selectors.")
@click.option("--generic", is_flag=True, help="Ignore site selectors: the generic extractor only.")
@click.pass_obj
def extract_cmd(
    paths: Paths,
    target: str,
    as_json: bool,
    sources_file: Path | None,
    source_key: str | None,
    generic: bool,
) -> None:
    """Run the article extractor on a saved HTML file or a URL; prints JSON, stores nothing.

    A URL on the host of a configured source is read with that source's selectors (or name one
    with --source, e.g. for a saved file); --generic shows what unknown pages get.
    """
    from scraper import ScrapeError, extract_target
    from scraper.probe import source_for

    selectors, used = None, None
    if not generic:
        file = sources_file or paths.content / "sources.toml"
        sources = _sources(file) if file.exists() else []
        if source_key:
            match = next((s for s in sources if s.key == source_key), None)
            if match is None:
                raise click.ClickException(f"{file}: no source with key {source_key!r}")
        else:
            match = source_for(target, sources)
        if match is not None and match.selectors:
            selectors, used = match.selectors, match.key
    try:
        result = extract_target(target, selectors)
    except (ScrapeError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps({**result, "selectors_from": used}, ensure_ascii=False, indent=2))


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.pass_obj
def import_cmd(paths: Paths, file: Path) -> None:
    """Load articles from JSON Lines (url, title, published, source, text, excerpt, tags)."""
    from archive.jsonl import import_articles

    with Store.open(paths.archive) as store:
        counts = import_articles(store, file)
    click.echo(json.dumps(counts, ensure_ascii=False))


@cli.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def export_cmd(paths: Paths, file: Path) -> None:
    """Write every archived article, with its id and tags, as JSON Lines ('-' for stdout)."""
    from archive.jsonl import export_articles

    with Store.open(paths.archive) as store:
        if str(file) == "-":
            count = export_articles(store, sys.stdout)
        else:
            with file.open("w", encoding="utf-8") as out:
                count = export_articles(store, out)
    click.echo(f"exported {count} articles", err=True)


@cli.command("eval")
@click.argument(
    "labels", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--texts",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of the texts that labels name in `source`/`file` (default: beside LABELS).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores and errors as JSON.")
@click.option(
    "--relevance",
    "relevance_labels",
    is_flag=True,
    help="LABELS is a relevance corpus (`relevant` true/false); detected when omitted.",
)
@click.pass_obj
def eval_cmd(
    paths: Paths,
    labels: tuple[Path, ...],
    texts: Path | None,
    as_json: bool,
    relevance_labels: bool,
) -> None:
    """Score the tagger against hand labels (JSON Lines, the seed_labels.jsonl format).

    Prints precision, recall and F1 for sido, sigungu and companies, strict (soft labels
    required) and lenient (soft labels neither required nor false positives), then every miss
    and false positive with its article id. Thresholds come from content/site.toml.

    With relevance labels (each record has `relevant`, as tests/fixtures/relevance/
    articles.jsonl): precision and recall of the relevance filter at the default threshold per
    split (the corpus's TRAIN and TEST, which fitted the weights unless the model says
    fitted_on train, then each held-out set) and for all, then every false positive and miss.
    Several relevance files may be given (articles.jsonl fresh.jsonl fresh2.jsonl): ids other
    than rel_NNN form held-out splits named by their prefix (fresh_012: "fresh").
    """
    from nlp.evaluate import evaluate, format_report, predicted_from_tags
    from nlp.labels import LabelError, load_labels
    from nlp.pipeline import open_pipeline
    from nlp.relevance_eval import has_relevance_labels

    if relevance_labels or all(has_relevance_labels(path) for path in labels):
        eval_relevance(paths, labels, as_json)
        return
    if len(labels) > 1:
        raise click.UsageError("tagger labels: give one LABELS file (several only for relevance)")
    try:
        articles = load_labels(labels[0], texts)
    except LabelError as exc:
        raise click.ClickException(str(exc)) from exc
    config = _site_config(paths)
    pipeline = open_pipeline(paths.taxonomy, cache_dir=paths.cache / "analyzer")
    items = [
        (
            article,
            predicted_from_tags(
                pipeline.tag_text(article.title, article.body).tags,
                config.region_threshold,
                config.company_threshold,
            ),
        )
        for article in articles
    ]
    result = evaluate(items, {c.name: c.aliases for c in pipeline.taxonomy.companies})
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(result))


def eval_relevance(paths: Paths, labels: tuple[Path, ...], as_json: bool) -> None:
    """`eval` for relevance corpora: the filter's precision and recall per split."""
    from collections import Counter

    from nlp.labels import LabelError
    from nlp.pipeline import open_pipeline
    from nlp.relevance_eval import (
        evaluate_relevance,
        format_evaluation,
        load_relevance_labels,
        score_labels,
    )
    from nlp.relevance_stage import open_scorer

    try:
        corpus = [label for path in labels for label in load_relevance_labels(path)]
        counts = Counter(label.id for label in corpus)
        duplicates = sorted(ident for ident, count in counts.items() if count > 1)
        if duplicates:
            raise LabelError(f"ids in more than one labels file: {', '.join(duplicates[:5])}")
    except LabelError as exc:
        raise click.ClickException(str(exc)) from exc
    pipeline = open_pipeline(paths.taxonomy, cache_dir=paths.cache / "analyzer")
    scorer = open_scorer(paths.taxonomy, pipeline)

    def score(label) -> float:
        result = pipeline.tag_text(label.title, label.text)
        return scorer.score(result.doc, result.tags).score

    fitted_on = str(scorer.model.trained.get("fitted_on", "train"))
    result = evaluate_relevance(score_labels(corpus, score), scorer.model.threshold, fitted_on)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_evaluation(result))


@cli.group("sources", invoke_without_command=True)
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Sources file (default: content/sources.toml).",
)
@click.option(
    "--stale-days",
    default=7,
    show_default=True,
    type=click.IntRange(min=1),
    help="Flag sources with nothing new for this many days.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the health rows as JSON.")
@click.pass_context
def sources_cmd(
    ctx: click.Context, sources_file: Path | None, stale_days: int, as_json: bool
) -> None:
    """Source health: last success, last status, items, consecutive failures, stale, moved.

    Without a subcommand, prints one row per source of the sources file (a table on a
    terminal, plain text otherwise, JSON with --json). `import`/`export` move sources to and
    from OPML.
    """
    paths: Paths = ctx.obj
    ctx.meta["sources_file"] = sources_file or paths.content / "sources.toml"
    if ctx.invoked_subcommand is not None:
        return
    from archive.store import now_kst
    from scraper.health import plain_table, rich_table, source_health

    sources = _sources(ctx.meta["sources_file"])
    with Store.open(paths.archive) as store:
        states = store.fetch_states()
        failures = {s.key: f for s in sources if (f := store.last_failure(s.key)) is not None}
    rows = source_health(sources, states, failures, now_kst(), stale_days)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    elif sys.stdout.isatty():
        from rich.console import Console

        Console().print(rich_table(rows, stale_days))
    else:
        click.echo(plain_table(rows))


@sources_cmd.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def sources_import_cmd(ctx: click.Context, opml_file: Path) -> None:
    """Add the feeds of an OPML file to the sources file (feeds it already has are skipped)."""
    from scraper import SourceConfigError
    from scraper.opml import import_opml

    try:
        result = import_opml(opml_file, ctx.meta["sources_file"])
    except SourceConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        json.dumps(
            {"added": list(result.added), "skipped": list(result.skipped)}, ensure_ascii=False
        )
    )


@sources_cmd.command("export")
@click.argument("opml_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def sources_export_cmd(ctx: click.Context, opml_file: Path) -> None:
    """Write the sources as OPML 2.0 ('-' for stdout), for feed readers or another install."""
    from scraper.opml import sources_to_opml

    text = sources_to_opml(_sources(ctx.meta["sources_file"]))
    if str(opml_file) == "-":
        click.echo(text, nl=False)
    else:
        opml_file.write_text(text, encoding="utf-8")
        click.echo(f"exported {text.count('<outline')} sources to {opml_file}", err=True)


# -- editors (issue 6): check, curate, candidates, taxonomy, review, live preview -------------
# The code `content_problems` runs besides archive/: its loaders (the cache key stamps it).
CHECK_CODE = (ROOT / "build.py", ROOT / "scraper", ROOT / "sitegen")


def content_cache(paths: Paths):
    """Where results computed from content/ are kept between runs (.cache/content/)."""
    from archive.content_cache import DigestCache

    return DigestCache(paths.cache / "content")


def content_problems(paths: Paths, fresh: bool = False) -> list:
    """Every problem `build.py check` reports for paths.content (errors and warnings); the
    verdict of the last check without errors is reused while content/ and the checking code
    are unchanged, unless `fresh`."""
    from archive.checks import check_content, check_content_cached

    def site_toml(path: Path) -> None:
        from scraper.settings import load_scraper_settings
        from sitegen.config import load_site_config

        load_site_config(path)
        load_scraper_settings(path)

    def sources_toml(path: Path) -> None:
        from scraper.sources import load_sources

        load_sources(path, base="http://x")

    def topics_toml(path: Path) -> None:  # the relevance score's [ai] lists
        from archive.relevance import load_ai_vocabulary

        load_ai_vocabulary(path)

    loaders = {
        "site.toml": site_toml,
        "sources.toml": sources_toml,
        "taxonomy/topics.toml": topics_toml,
    }
    if fresh:
        return check_content(paths.content, loaders)
    return check_content_cached(paths.content, loaders, content_cache(paths), CHECK_CODE)


def require_valid_content(paths: Paths) -> None:
    """Stop (exit 1) before publishing when content/ has errors; print them like `check`."""
    errors = [p for p in content_problems(paths) if p.is_error]
    if errors:
        for problem in errors:
            click.echo(problem.format(Path.cwd()), err=True)
        raise click.ClickException(
            f"{len(errors)} error(s) in {paths.content}: nothing was published; "
            "fix them (build.py check lists them) and run again"
        )


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).absolute().relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


def _command_prefix(paths: Paths) -> str:
    """How to run this CLI again from the current folder, with the same content and archive."""
    import shlex

    def here(path: Path) -> str:
        try:
            return str(Path(path).absolute().relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    parts = [here(Path(sys.executable)), here(ROOT / "build.py")]
    if paths.content.resolve() != (ROOT / "content").resolve():
        parts += ["--content", here(paths.content)]
    if paths.archive.resolve() != (ROOT / "data" / "archive.sqlite3").resolve():
        parts += ["--archive", here(paths.archive)]
    return shlex.join(parts)


@cli.command("check")
@click.option(
    "--no-cache",
    "fresh",
    is_flag=True,
    help="Check every file even if nothing changed since the last check without errors.",
)
@click.pass_obj
def check_cmd(paths: Paths, fresh: bool) -> None:
    """Validate everything under content/ and print `file:line: message (hint)`.

    TOML syntax, unknown keys, unknown tag keys in curation.toml, aliases shared by two
    companies, slugs that collide, pages' front matter, sources without URLs. Exit code 1 when
    there is an error (warnings alone exit 0); `render` and `update` run this first.

    A verdict without errors is kept in .cache/content/ and reused (warnings included) while
    no file under content/ and none of the checking code changed; errors are checked anew.
    """
    problems = content_problems(paths, fresh)
    for problem in problems:
        click.echo(problem.format(Path.cwd()))
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s) in {_shown(paths.content)}")
        sys.exit(1)
    warned = f" ({warnings} warning(s))" if warnings else ""
    click.echo(f"{_shown(paths.content)}: no problems{warned}")


def _tag_args(values: tuple[str, ...], vocabulary, sign: str = "") -> tuple[list, list[str]]:
    """TagRefs from what the editor typed, resolved to canonical keys (충북 → 충청북도)."""
    from archive.curation import TagRef

    refs, notes = [], []
    for value in values:
        typed = TagRef.parse(value)
        ref = vocabulary.resolve(typed)
        if ref != typed:
            notes.append(f"  ({sign}{typed} → {ref})")
        refs.append(ref)
    return refs, notes


@cli.command(
    "curate",
    context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]},
)
@click.argument("article")
@click.argument("changes", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--add", "adds", multiple=True, metavar="KIND:NAME", help="Add a tag (as +KIND:NAME)."
)
@click.option(
    "--remove", "removes", multiple=True, metavar="KIND:NAME", help="Remove a tag (-KIND:NAME)."
)
@click.option(
    "--reset", "resets", multiple=True, metavar="KIND:NAME", help="Undo an add/remove (~KIND:NAME)."
)
@click.option(
    "--hide/--unhide", default=None, help="Keep the article off the site, or publish it again."
)
@click.option(
    "--pin/--unpin", default=None, help="Feature it first on the home page and in its lists."
)
@click.option(
    "--not-ai/--ai", "not_ai", default=None, help="Mark it as not about AI (not published)."
)
@click.option(
    "--relevance",
    type=click.Choice(["include", "exclude", "auto"]),
    default=None,
    help="Override the relevance filter (auto: let the score decide).",
)
@click.option(
    "--include",
    "relevance_flag",
    flag_value="include",
    default=None,
    help="Publish it whatever its relevance score (= --relevance include).",
)
@click.option(
    "--exclude",
    "relevance_flag",
    flag_value="exclude",
    help="Keep it off the site whatever its relevance score (= --relevance exclude).",
)
@click.option("--title", default=None, help='Replace the headline ("" restores the collected one).')
@click.option(
    "--excerpt", default=None, help='Replace the excerpt ("" restores the collected one).'
)
@click.option("--note", default=None, help="Why (kept for other editors, never published).")
@click.pass_obj
def curate_cmd(
    paths: Paths,
    article: str,
    changes: tuple[str, ...],
    adds: tuple[str, ...],
    removes: tuple[str, ...],
    resets: tuple[str, ...],
    hide: bool | None,
    pin: bool | None,
    not_ai: bool | None,
    relevance: str | None,
    relevance_flag: str | None,
    title: str | None,
    excerpt: str | None,
    note: str | None,
) -> None:
    """Record an editor's decision about ARTICLE in content/curation.toml and print what changed.

    ARTICLE is the 기사 ID shown on the article page (6+ characters are enough) or its URL.
    CHANGES are tags: +company:카카오 adds, -region:광주광역시 removes, ~company:카카오 undoes
    either (the tagger decides again). Names may be short forms (region:충북 → 충청북도).
    Comments in curation.toml are kept. Example:

      build.py curate 3f2a9c +company:카카오 -region:광주광역시 --pin

    --include / --exclude decide whether the article is published whatever its AI-relevance
    score and its source's policy; re-scoring never undoes them (--relevance auto does).
    """
    from archive.checks import cached_taxonomy
    from archive.curation import (
        CurationError,
        DecisionEdit,
        TagVocabulary,
        edit_curation,
        find_article,
        topic_names,
    )

    if relevance_flag and relevance and relevance_flag != relevance:
        raise click.UsageError(f"--{relevance_flag} contradicts --relevance {relevance}")
    relevance = relevance_flag or relevance
    add, remove, reset = list(adds), list(removes), list(resets)
    for change in changes:
        target = {"+": add, "-": remove, "~": reset}.get(change[:1])
        if target is None:
            raise click.UsageError(
                f"{change!r}: write +KIND:NAME to add, -KIND:NAME to remove, ~KIND:NAME to undo"
            )
        target.append(change[1:])
    path = paths.content / "curation.toml"
    try:
        vocabulary = TagVocabulary.of(
            cached_taxonomy(paths.taxonomy, content_cache(paths)), topic_names(paths.taxonomy)
        )
        with Store.open(paths.archive) as store:
            found = find_article(store, article)
        notes: list[str] = []
        refs = {}
        for name, values, sign in (
            ("add", add, "+"),
            ("remove", remove, "-"),
            ("reset", reset, "~"),
        ):
            refs[name], more = _tag_args(tuple(values), vocabulary, sign)
            notes += more
        edit = DecisionEdit(
            add=tuple(refs["add"]),
            remove=tuple(refs["remove"]),
            reset=tuple(refs["reset"]),
            hide=hide,
            pin=pin,
            title=title,
            excerpt=excerpt,
            ai=None if not_ai is None else not not_ai,
            relevance=relevance,
            note=note,
        )
        changed = edit_curation(path, found.id, edit, comment=found.title)
    except CurationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{path}: [article.{found.id}] {found.title}")
    for line in notes:
        click.echo(line)
    if not changed:
        click.echo("  no change (already so)")
    for line in changed:
        click.echo(f"  {line}")


@cli.group("candidates", invoke_without_command=True)
@click.option("--limit", default=50, show_default=True, help="How many candidates to list.")
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only names seen in at least this many articles.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: name, count, articles, …")
@click.pass_context
def candidates_cmd(ctx: click.Context, limit: int, min_count: int, as_json: bool) -> None:
    """Company candidates the tagger found (names next to company cues, not in the taxonomy).

    Without a subcommand: list them, most frequent first, with how many articles name them,
    the cues seen and up to 3 example sentences. `accept NAME` adds the company to
    content/taxonomy/companies.toml; `reject NAME` records it so it is never proposed again.
    """
    if ctx.invoked_subcommand is not None:
        return
    from archive.taxonomy_edit import rejected_names

    paths: Paths = ctx.obj
    rejected = set(rejected_names(paths.taxonomy))
    with Store.open(paths.archive) as store:
        found = [c for c in store.candidates(min_count) if c.name not in rejected][:limit]
    if as_json:
        rows = [
            {
                "name": c.name,
                "count": c.count,
                "cues": list(c.cues),
                "articles": list(c.articles),
                "examples": list(c.examples),
            }
            for c in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for c in found:
        click.echo(f"{c.count:>4}  {c.name}  (cues: {', '.join(c.cues)})")
        for example in c.examples:
            click.echo(f"        {example[:120]}")
    if not found:
        click.echo("no candidates (they appear after `build.py tag`)")


def _taxonomy_edit(run) -> None:
    from archive.taxonomy_edit import TaxonomyEditError

    try:
        lines = run()
    except TaxonomyEditError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in lines or ["no change (already so)"]:
        click.echo(line)


@candidates_cmd.command("accept")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name of the company (repeatable).")
@click.option("--region", default="", help="HQ 시·도 (short forms work: 충북).")
@click.option("--sigungu", default="", help="HQ 시·군·구 within --region.")
@click.option("--slug", default="", help="URL slug (default: romanised name).")
@click.option("--ticker", default="", help="6-character KRX code, if listed.")
@click.option("--ai", is_flag=True, help="AI is the company's core business.")
@click.option("--cue-required", is_flag=True, help="The name is also a common word.")
@click.pass_obj
def candidates_accept_cmd(
    paths: Paths,
    name: str,
    aliases: tuple[str, ...],
    region: str,
    sigungu: str,
    slug: str,
    ticker: str,
    ai: bool,
    cue_required: bool,
) -> None:
    """Add candidate NAME to companies.toml (the next `tag` finds it) and drop the candidate."""
    from archive.candidate_queue import forget_candidate
    from archive.taxonomy_edit import NewCompany, add_company

    new = NewCompany(name, slug, aliases, ticker, region, sigungu, ai=ai, cue_required=cue_required)
    _taxonomy_edit(lambda: add_company(paths.taxonomy, new))
    with Store.open(paths.archive) as store:
        if forget_candidate(store, name):
            click.echo(f"- candidate {name}")


@candidates_cmd.command("reject")
@click.argument("name")
@click.option("--reason", default="", help="Why (kept in rejected_candidates.toml).")
@click.pass_obj
def candidates_reject_cmd(paths: Paths, name: str, reason: str) -> None:
    """Record NAME in content/taxonomy/rejected_candidates.toml so it is never proposed again."""
    from archive.candidate_queue import forget_candidate
    from archive.taxonomy_edit import reject_candidate

    _taxonomy_edit(lambda: reject_candidate(paths.taxonomy, name, reason))
    with Store.open(paths.archive) as store:
        if forget_candidate(store, name):
            click.echo(f"- candidate {name}")


@cli.group("taxonomy")
def taxonomy_cmd() -> None:
    """Teach the tagger: add companies, aliases and places to content/taxonomy/ (comments kept)."""


@taxonomy_cmd.command("add-company")
@click.argument("name")
@click.option("--slug", default="", help="URL slug (default: romanised name).")
@click.option("--alias", "aliases", multiple=True, help="Another name (repeatable).")
@click.option("--ticker", default="", help="6-character KRX code, if listed.")
@click.option("--region", default="", help="HQ 시·도 (short forms work: 충북).")
@click.option("--sigungu", default="", help="HQ 시·군·구 within --region.")
@click.option("--homepage", default="", help="Official site.")
@click.option("--sector", default="", help="Short Korean sector label.")
@click.option("--ai", is_flag=True, help="AI is the company's core business.")
@click.option("--cue-required", is_flag=True, help="The name is also a common word.")
@click.pass_obj
def taxonomy_add_company_cmd(paths: Paths, name: str, **options) -> None:
    """Append a [[company]] to companies.toml, after checking names, slug, ticker and region."""
    from archive.taxonomy_edit import NewCompany, add_company

    options["aliases"] = tuple(options["aliases"])
    _taxonomy_edit(lambda: add_company(paths.taxonomy, NewCompany(name, **options)))


@taxonomy_cmd.command("add-alias")
@click.argument("company")
@click.argument("alias")
@click.pass_obj
def taxonomy_add_alias_cmd(paths: Paths, company: str, alias: str) -> None:
    """Add ALIAS as another name of COMPANY (a listed company is copied into companies.toml)."""
    from archive.taxonomy_edit import add_alias

    _taxonomy_edit(lambda: add_alias(paths.taxonomy, company, alias))


@taxonomy_cmd.command("add-place")
@click.argument("name")
@click.option("--sido", required=True, help="The place's 시·도 (short forms work: 충북).")
@click.option("--sigungu", default="", help="Its 시·군·구 (청주 or 청주시), empty if several.")
@click.option("--alias", "aliases", multiple=True, help="Another name (repeatable).")
@click.option("--kind", default="", help="cluster, district, campus, industrial_complex, …")
@click.pass_obj
def taxonomy_add_place_cmd(
    paths: Paths, name: str, sido: str, sigungu: str, aliases: tuple[str, ...], kind: str
) -> None:
    """Append a [[place]] to places.toml: a well-known place that locates a story (판교, 오송)."""
    from archive.taxonomy_edit import add_place

    _taxonomy_edit(lambda: add_place(paths.taxonomy, name, sido, sigungu, aliases, kind))


@cli.command("review")
@click.option(
    "--port", default=8001, show_default=True, help="Port on 127.0.0.1 (0: any free one)."
)
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve it until Ctrl-C.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default .cache/review/; never inside the published folder).",
)
@click.option("--limit", default=100, show_default=True, help="How many recent articles.")
@click.pass_obj
def review_cmd(paths: Paths, port: int, serve: bool, out: Path | None, limit: int) -> None:
    """Build the editors' review queue (local only) and serve it on 127.0.0.1.

    Recent articles with every tag, its score and the evidence highlighted in the full text,
    the least certain first (AI-relevance scores nearest their threshold, then tag scores
    nearest the thresholds in site.toml), the tagger's company candidates, and for each row the
    exact `build.py curate …` command that fixes it (--include/--exclude for relevance).
    """
    from itertools import islice

    from archive.candidate_queue import read_candidates
    from archive.checks import cached_taxonomy
    from archive.curation import CurationError, load_curation
    from archive.taxonomy_edit import rejected_names
    from sitegen.review import (
        ReviewError,
        ReviewQueue,
        build_queue,
        candidate_rows,
        check_output_folder,
        render_review,
    )
    from sitegen.serve import serve_forever

    out = out or paths.cache / "review"
    config = _site_config(paths)
    prefix = _command_prefix(paths)
    try:
        check_output_folder(out, paths.public)
        curation = load_curation(paths.content / "curation.toml")
    except (ReviewError, CurationError) as exc:
        raise click.ClickException(str(exc)) from exc
    sources = []
    if (paths.content / "sources.toml").exists():
        sources = _sources(paths.content / "sources.toml")
    names = {s.key: s.name for s in sources}
    with Store.open(paths.archive) as store:
        articles = list(islice(store.articles(), limit))
        tags = store.tags()
        columns, rows = read_candidates(store, skip=rejected_names(paths.taxonomy))
        relevance = _relevance_filter(store, sources)
    items = build_queue(
        articles,
        tags,
        curation,
        cached_taxonomy(paths.taxonomy, content_cache(paths)),
        config,
        names,
        prefix,
        relevance,
    )
    queue = ReviewQueue(
        items,
        candidate_rows(columns, rows, prefix),
        columns,
        {"region": config.region_threshold, "company": config.company_threshold},
        prefix,
    )
    page = render_review(queue, paths.templates, out)
    click.echo(
        f"review queue: {len(items)} articles, {len(queue.candidates)} candidates → {_shown(page)}"
    )
    if serve:
        serve_forever(out, port)


def serve_preview(paths: Paths, port: int, out: Path) -> None:
    """`serve --watch`: render into `out`, serve it, re-render on changes, reload browsers."""
    import threading
    from dataclasses import replace

    from sitegen.review import ReviewError, check_output_folder
    from sitegen.watch import PreviewBuilder, PreviewServer, watch_and_rebuild

    try:
        check_output_folder(out, paths.public)
    except ReviewError as exc:
        raise click.ClickException(str(exc).replace("review queue", "preview")) from exc
    out.mkdir(parents=True, exist_ok=True)
    server = PreviewServer(out, port)
    preview = replace(paths, public=out)
    store = Store.open(paths.archive)

    def check() -> list[str]:
        return [p.format(Path.cwd()) for p in content_problems(paths) if p.is_error]

    def render() -> str:
        report = run_render(preview, store, base_url=server.url, search=False)
        return f"{report['pages']} pages, {report['written']} written"

    def retag() -> str:
        report = run_tag(paths, store)
        return f"re-tagged {report['tagged']} articles"

    builder = PreviewBuilder(paths.taxonomy, check, render, retag)
    first = builder(set())
    server.state.publish(first)
    for problem in first.problems:
        click.echo(problem, err=True)
    click.echo(f"preview of {_shown(paths.content)} at {server.url} (Ctrl-C to stop)")

    def report(result) -> None:
        if result.problems:
            click.echo(f"not rebuilt ({len(result.problems)} error(s)):", err=True)
            for problem in result.problems:
                click.echo(f"  {problem}", err=True)
        else:
            click.echo(f"rebuilt in {result.seconds:.2f}s: {result.summary}")

    stop = threading.Event()
    try:
        watch_and_rebuild(
            [paths.content, paths.templates], builder, server.state, stop, on_result=report
        )
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stop()
        store.close()


@cli.command("explain")
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.pass_obj
def explain_cmd(paths: Paths, article: str, as_json: bool) -> None:
    """Why ARTICLE (id, id prefix or URL) got each tag, and why other names were not tagged.

    Re-runs the tagger on the stored text with the cached analysis and prints every tag with
    its score, primary flag and evidence (field, sentence with the match in ⟦ ⟧, rule), every
    rejected match with its reason, and the candidate companies found. Then the AI-relevance
    score: each feature's value and contribution, the words behind them (and the ones not
    counted, with why), and whether the site publishes the article.
    """
    from archive.curation import decision_json, format_decision, load_curation
    from nlp.document import Document, doc_text
    from nlp.explain import Thresholds, explanation, format_explanation
    from nlp.pipeline import open_pipeline

    with Store.open(paths.archive) as store:
        found = store.article(article)
        if found is None:
            raise click.ClickException(
                f"{paths.archive}: no article with id, id prefix or URL {article!r} "
                "(ids are on each article page and in `build.py export`)"
            )
        pipeline = open_pipeline(
            paths.taxonomy, cache_dir=paths.cache / "analyzer", taxonomy_cache=content_cache(paths)
        )
        morphemes = pipeline.morphemes(doc_text(found.title, found.text), store)
        result = pipeline.tagger.tag(Document.build(found.title, found.text, morphemes))
        stored = store.tags(found.id).get(found.id, [])
        stored_version = store.tagged_with(found.id)
        relevance = _explain_relevance(paths, store, pipeline, found, result)
    config = _site_config(paths)
    data = explanation(
        found,
        result,
        stored,
        stored_version,
        pipeline.version,
        Thresholds(config.region_threshold, config.company_threshold),
    )
    data["relevance"] = relevance
    curation_file = paths.content / "curation.toml"
    decision = load_curation(curation_file).get(found.id)  # editors win over these tags
    if decision is not None:
        data["curation"] = decision_json(decision)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        from nlp.relevance_explain import format_relevance

        click.echo("\n".join([format_explanation(data), *format_relevance(relevance)]))
        if decision is not None:
            click.echo(format_decision(decision, curation_file))


def _explain_relevance(paths: Paths, store: Store, pipeline, article, result) -> dict:
    """The relevance part of `explain`: the score now, the stored one, the site's verdict."""
    from archive.curation import CurationError, load_curation
    from nlp.relevance_explain import relevance_explanation
    from nlp.relevance_stage import open_scorer

    current = open_scorer(paths.taxonomy, pipeline).score(result.doc, result.tags)
    sources_file = paths.content / "sources.toml"
    sources = _sources(sources_file) if sources_file.exists() else []
    try:
        decision = load_curation(paths.content / "curation.toml").get(article.id)
    except CurationError as exc:
        raise click.ClickException(str(exc)) from exc
    verdict = _relevance_filter(store, sources).verdict(article, decision)
    return relevance_explanation(current, store.relevance(article.id), verdict)


if __name__ == "__main__":
    cli()
