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

from archive.jsonl import export_articles, import_articles  # noqa: E402
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
    from scraper import load_sources

    return load_sources(path, base=base)


# -- stages ---------------------------------------------------------------------------------
def run_collect(paths: Paths, store: Store, sources: list, run_id: int | None = None) -> dict:
    from scraper import collect, load_scraper_settings, make_fetcher

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


def run_tag(paths: Paths, store: Store, retag_all: bool = False) -> dict:
    from nlp.pipeline import open_pipeline, tag_archive

    started = time.perf_counter()
    pipeline = open_pipeline(paths.taxonomy, cache_dir=paths.cache / "analyzer")
    log.info("analyzer %s ready in %.2fs", pipeline.analyzer.version, time.perf_counter() - started)
    report = tag_archive(store, pipeline, retag_all=retag_all, progress=_progress("tag"))
    log.info(
        "tagged %d articles (%d up to date, %d failed)",
        report.tagged,
        report.skipped,
        report.failed,
    )
    return report.as_dict()


def run_render(
    paths: Paths,
    store: Store,
    base_url: str | None = None,
    source_names: dict[str, str] | None = None,
) -> dict:
    from archive.taxonomy import load_taxonomy
    from sitegen.render import render_site

    config = _site_config(paths, base_url)
    names = dict(source_names or {})
    default_sources = paths.content / "sources.toml"
    if not names and default_sources.exists():
        names = {s.key: s.name for s in _sources(default_sources)}
    report = render_site(
        store,
        load_taxonomy(paths.taxonomy),
        config,
        paths.templates,
        paths.public,
        source_names=names,
    )
    log.info(
        "site: %d pages, %d files written, %d unchanged, %d removed → %s",
        report.pages,
        report.written,
        report.unchanged,
        report.removed,
        paths.public,
    )
    return report.as_dict()


def _progress(label: str):
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - last[0] > 2:
            last[0] = now
            log.info("%s: %d/%d", label, done, total)

    return report


def run_update(
    paths: Paths, sources_file: Path, base: str | None = None, base_url: str | None = None
) -> dict:
    with Store.open(paths.archive) as store:
        run_id = store.start_run("update")
        report: dict = {}
        status = "ok"
        try:
            sources = _sources(sources_file, base)
            report["collect"] = run_collect(paths, store, sources, run_id)
            report["tag"] = run_tag(paths, store)
            names = {s.key: s.name for s in sources}
            report["render"] = run_render(paths, store, base_url, names)
        except Exception:
            status = "failed"
            raise
        finally:
            store.finish_run(run_id, status, report)
    return report


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
@click.pass_obj
def tag_cmd(paths: Paths, retag_all: bool) -> None:
    """Tag archived articles with regions and companies (cached analyses are reused)."""
    with Store.open(paths.archive) as store:
        report = run_tag(paths, store, retag_all)
    click.echo(json.dumps(report, ensure_ascii=False))
    if report["failed"]:
        sys.exit(1)


@cli.command("render")
@click.option("--base-url", default=None, help="Override site.toml's base_url.")
@click.option("--clean", is_flag=True, help="Delete the output folder first.")
@click.pass_obj
def render_cmd(paths: Paths, base_url: str | None, clean: bool) -> None:
    """Render the archive into the static site folder (only changed files are written)."""
    if clean and paths.public.exists():
        shutil.rmtree(paths.public)
    with Store.open(paths.archive) as store:
        report = run_render(paths, store, base_url)
    click.echo(json.dumps(report, ensure_ascii=False))


@cli.command("update")
@click.option("--sources", "sources_file", type=click.Path(path_type=Path), default=None)
@click.option("--base-url", default=None, help="Override site.toml's base_url.")
@click.pass_obj
def update_cmd(paths: Paths, sources_file: Path | None, base_url: str | None) -> None:
    """collect → tag → render, in one run (for cron and CI)."""
    report = run_update(paths, sources_file or paths.content / "sources.toml", base_url=base_url)
    click.echo(json.dumps(report.get("collect", {}).get("totals", {}), ensure_ascii=False))


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
@click.option("--port", default=8000, show_default=True)
@click.pass_obj
def serve_cmd(paths: Paths, port: int) -> None:
    """Serve the rendered site on http://127.0.0.1:PORT until Ctrl-C."""
    from sitegen.serve import serve_forever

    serve_forever(paths.public, port)


@cli.command("analyze")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default and only format).")
@click.pass_obj
def analyze_cmd(paths: Paths, files: tuple[Path, ...], as_json: bool) -> None:
    """Tag plain-text files without storing anything; prints a JSON list, one object per file."""
    from nlp.pipeline import open_pipeline
    from nlp.report import analysis_json

    pipeline = open_pipeline(paths.taxonomy, cache_dir=paths.cache / "analyzer")
    results = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        results.append({"file": str(path), **analysis_json(pipeline.tag_text("", text))})
    click.echo(json.dumps(results, ensure_ascii=False, indent=2))


@cli.command("extract")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default and only format).")
@click.pass_obj
def extract_cmd(paths: Paths, target: str, as_json: bool) -> None:
    """Run the article extractor on a saved HTML file or a URL; prints JSON, stores nothing."""
    from scraper import extract_target

    result = extract_target(target)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.pass_obj
def import_cmd(paths: Paths, file: Path) -> None:
    """Load articles from JSON Lines (url, title, published, source, text, excerpt, tags)."""
    with Store.open(paths.archive) as store:
        counts = import_articles(store, file)
    click.echo(json.dumps(counts, ensure_ascii=False))


@cli.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def export_cmd(paths: Paths, file: Path) -> None:
    """Write every archived article, with its id and tags, as JSON Lines ('-' for stdout)."""
    with Store.open(paths.archive) as store:
        if str(file) == "-":
            count = export_articles(store, sys.stdout)
        else:
            with file.open("w", encoding="utf-8") as out:
                count = export_articles(store, out)
    click.echo(f"exported {count} articles", err=True)


if __name__ == "__main__":
    cli()
