"""The render stage: archive + taxonomy + templates → public/ (only changed files are written)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from archive.store import Store
from archive.taxonomy import Taxonomy
from sitegen import routes
from sitegen.config import SiteConfig
from sitegen.dates import month_label
from sitegen.feeds import atom_feed, sitemap
from sitegen.model import Site, build_site, companies_with_articles
from sitegen.paginator import paginate
from sitegen.writer import Writer, WriteReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """One output: a URL path, the template that renders it and its context."""

    path: str
    template: str
    context: dict[str, object]


def make_environment(templates: Path, config: SiteConfig) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    base = config.base_path

    def url(path: str) -> str:
        return base + path.lstrip("/")

    env.globals.update(url=url, site=config, absolute=config.absolute)
    return env


def site_pages(site: Site) -> Iterator[Page]:
    """Every HTML page of the site, in a stable order."""
    taxonomy, config = site.taxonomy, site.config
    sidos = list(taxonomy.sidos)
    region_rows = [(r, site.region_count(r)) for r in sidos]
    yield Page(
        "/",
        "index.html",
        {
            "latest": site.articles[: config.per_page],
            "regions": region_rows,
            "top_companies": site.top_companies(site.articles),
            "feed": "/feed.xml",
            "title": None,
        },
    )
    yield Page(
        "/regions/",
        "regions.html",
        {"regions": region_rows, "title": "지역별 뉴스", "feed": "/feed.xml"},
    )
    for region in taxonomy.regions:
        articles = site.by_region.get(region.key, [])
        if region.level == 2 and not articles:
            continue
        base = routes.region_path(region)
        parent = taxonomy.region_by_key.get(region.sido)
        for page in paginate(articles, config.per_page, base):
            yield Page(
                page.path,
                "region.html",
                {
                    "region": region,
                    "parent": parent if region.level == 2 else None,
                    "page": page,
                    "title": region.key,
                    "feed": routes.feed_path(base),
                    "sigungu": site.sigungu_counts(region) if region.level == 1 else [],
                    "top_companies": site.top_companies(articles),
                },
            )
    companies = companies_with_articles(site)
    yield Page(
        "/companies/",
        "companies.html",
        {
            "companies": [
                (c, len(site.by_company[c.name])) for c in sorted(companies, key=lambda c: c.name)
            ],
            "title": "기업",
            "feed": "/feed.xml",
        },
    )
    for company in companies:
        articles = site.by_company[company.name]
        base = routes.company_path(company)
        region = taxonomy.region_by_key.get(company.region)
        for page in paginate(articles, config.per_page, base):
            yield Page(
                page.path,
                "company.html",
                {
                    "company": company,
                    "hq": region,
                    "page": page,
                    "title": company.name,
                    "feed": routes.feed_path(base),
                },
            )
    for article in site.articles:
        yield Page(
            article.path,
            "article.html",
            {
                "article": article,
                "title": article.title,
                "feed": "/feed.xml",
                "related": _related(site, article),
            },
        )
    months = sorted(site.by_month, reverse=True)
    yield Page(
        "/archive/",
        "archive_index.html",
        {
            "months": [(y, m, month_label(y, m), len(site.by_month[(y, m)])) for y, m in months],
            "title": "지난 기사",
            "feed": "/feed.xml",
        },
    )
    for year, month in months:
        yield Page(
            routes.archive_path(year, month),
            "archive_month.html",
            {
                "articles": site.by_month[(year, month)],
                "label": month_label(year, month),
                "title": month_label(year, month),
                "feed": "/feed.xml",
            },
        )


def _related(site: Site, article) -> list:
    """Up to five other articles sharing a company or the primary region, newest first."""
    keys = {link.key for link in article.companies}
    keys |= {link.key for link in article.regions if link.primary}
    pool: dict[str, object] = {}
    for key in sorted(keys):
        for other in site.by_company.get(key, []) + site.by_region.get(key, []):
            if other.id != article.id:
                pool[other.id] = other
    return sorted(pool.values(), key=lambda v: v.sort_key)[:5]


def feed_outputs(site: Site) -> Iterator[tuple[str, bytes]]:
    config, taxonomy = site.config, site.taxonomy
    yield "feed.xml", atom_feed(config, config.title, "/", "/feed.xml", site.articles)
    for region in taxonomy.regions:
        articles = site.by_region.get(region.key)
        if articles or region.level == 1:
            base = routes.region_path(region)
            yield (
                routes.feed_path(base).lstrip("/"),
                atom_feed(
                    config,
                    f"{config.title} — {region.key}",
                    base,
                    routes.feed_path(base),
                    articles or [],
                ),
            )
    for company in companies_with_articles(site):
        base = routes.company_path(company)
        yield (
            routes.feed_path(base).lstrip("/"),
            atom_feed(
                config,
                f"{config.title} — {company.name}",
                base,
                routes.feed_path(base),
                site.by_company[company.name],
            ),
        )


@dataclass
class RenderReport:
    pages: int
    written: int
    unchanged: int
    removed: int

    def as_dict(self) -> dict[str, int]:
        return {
            "pages": self.pages,
            "written": self.written,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }


def render_site(
    store: Store,
    taxonomy: Taxonomy,
    config: SiteConfig,
    templates: Path,
    out_dir: Path,
    source_names: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RenderReport:
    """Render the whole site into out_dir, writing only files whose bytes changed."""
    site = build_site(list(store.articles()), store.tags(), taxonomy, config, source_names or {})
    env = make_environment(templates, config)
    writer = Writer(out_dir)
    html_paths: list[str] = []
    for count, page in enumerate(site_pages(site), start=1):
        html = env.get_template(page.template).render(page_path=page.path, **page.context)
        writer.write(routes.output_file(page.path), html.encode("utf-8"))
        html_paths.append(page.path)
        if progress and count % 100 == 0:
            progress(count)
    writer.write(
        "404.html",
        env.get_template("404.html")
        .render(page_path="/404.html", title="페이지를 찾을 수 없습니다", feed="/feed.xml")
        .encode("utf-8"),
    )
    for relative, data in feed_outputs(site):
        writer.write(relative, data)
    writer.write("sitemap.xml", sitemap(config, html_paths))
    writer.write(
        "robots.txt",
        (f"User-agent: *\nAllow: /\nSitemap: {config.absolute('/sitemap.xml')}\n").encode(),
    )
    _copy_static(templates / "static", writer)
    report: WriteReport = writer.finish()
    log.info(
        "rendered %d files: %d written, %d unchanged, %d removed",
        len(report.files),
        report.written,
        report.unchanged,
        report.removed,
    )
    return RenderReport(len(html_paths), report.written, report.unchanged, report.removed)


def _copy_static(folder: Path, writer: Writer) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            writer.write("static/" + path.relative_to(folder).as_posix(), path.read_bytes())


def clean_output(out_dir: Path) -> None:
    """Remove a rendered site completely (for `render --clean`)."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
