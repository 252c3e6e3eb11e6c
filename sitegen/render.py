"""The render stage: archive + taxonomy + templates → public/ (only changed files are written)."""

from __future__ import annotations

import gc
import logging
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from archive.curation import Curation, curate_articles
from archive.digest import BackgroundDigest
from archive.records import Article, Tag
from archive.relevance import RelevanceFilter
from archive.runtime import collector_paused
from archive.store import Store
from archive.taxonomy import Company, Region, Taxonomy
from sitegen import routes
from sitegen.charts import chart_table, monthly_chart
from sitegen.config import SiteConfig
from sitegen.dates import month_label
from sitegen.feeds import FEED_TEMPLATE, feed_context, sitemap, xml_escape
from sitegen.fingerprint import FingerprintFile, PageFingerprints, site_inputs
from sitegen.fragments import (
    ARTICLE_ITEM,
    FEED_ENTRY,
    SITE_FOOTER,
    SITE_HEADER,
    FragmentCache,
    PartialCache,
)
from sitegen.incremental import render_pages, unchanged_site
from sitegen.map import map_legend, province_breaks, province_map
from sitegen.model import (
    ArticleView,
    Site,
    build_site,
    companies_with_articles,
    groups_with_sidos,
)
from sitegen.pages import Editorial
from sitegen.paginator import paginate
from sitegen.search import article_words
from sitegen.templating import SiteEnvironment
from sitegen.writer import Writer, WriteReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """One output: a URL path, the template that renders it and its context (or a function
    making the context, called by the worker that renders the page)."""

    path: str
    template: str
    context: dict[str, object] | Callable[[], dict[str, object]]


def make_environment(templates: Path, config: SiteConfig) -> Environment:
    env = SiteEnvironment(  # Jinja's, faster: sitegen.templating
        loader=FileSystemLoader(str(templates)),
        # compiled templates kept between runs (per user, keyed by each template's source)
        bytecode_cache=FileSystemBytecodeCache(),
        # one environment per render: its templates cannot change under it, so no stat of the
        # template file on every get_template/include (a page includes five or so)
        auto_reload=False,
        cache_size=-1,  # its few dozen templates kept in a plain dict (no LRU lock per include)
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    base = config.base_path

    def url(path: str) -> str:
        return base + path.lstrip("/")

    # The same two as filters, `{{ path|url }}` and `{{ path|absolute }}`, which the templates
    # use: Jinja calls a filter directly and a global through its context.call (about an eighth
    # of the templates' time). pass_context only so that Jinja never computes a constant URL as
    # it compiles a template: compiled templates are cached by source, not by base URL.
    @pass_context
    def url_filter(context: Context, path: str) -> str:
        return base + path.lstrip("/")

    @pass_context
    def absolute_filter(context: Context, path: str) -> str:
        return config.absolute(path)

    env.globals.update(
        url=url,
        site=config,
        absolute=config.absolute,
        monthly_chart=monthly_chart,
        chart_table=chart_table,
    )
    env.filters.update(xml=xml_escape, url=url_filter, absolute=absolute_filter)
    env.globals["article_item"] = FragmentCache(env, ARTICLE_ITEM)
    env.globals["feed_entry"] = FragmentCache(env, FEED_ENTRY)
    env.globals["site_header"] = PartialCache(env, SITE_HEADER)
    env.globals["site_footer"] = PartialCache(env, SITE_FOOTER)
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
            "latest": site.pinned_first(site.articles)[: config.per_page],
            "regions": region_rows,
            "map": _region_map(site, "home-map"),
            "top_companies": site.top_companies(site.articles),
            "top_topics": site.top_topics(site.articles),
            "feed": "/feed.xml",
            "title": None,
        },
    )
    yield Page(
        "/regions/",
        "regions.html",
        {
            "regions": region_rows,
            "map": _region_map(site, "regions-map"),
            "groups": groups_with_sidos(site),
            "title": "지역별 뉴스",
            "feed": "/feed.xml",
        },
    )
    groups = groups_with_sidos(site)
    yield Page(
        routes.GROUPS,
        "groups.html",
        {"groups": groups, "title": "권역", "feed": "/feed.xml"},
    )
    for group, _count in groups:
        yield from _list_pages(
            site.by_group.get(group.name, []),
            config.per_page,
            routes.group_path(group),
            "group.html",
            {"group": group, "title": group.name, "feed": "/feed.xml"},
            partial(lambda group: {"sidos": site.group_sidos(group)}, group),
        )
    for region in taxonomy.regions:
        articles = site.by_region.get(region.key, [])
        if region.level == 2 and not articles:
            continue
        base = routes.region_path(region)
        parent = taxonomy.region_by_key.get(region.sido)
        yield from _list_pages(
            site.pinned_first(articles),
            config.per_page,
            base,
            "region.html",
            {
                "region": region,
                "parent": parent if region.level == 2 else None,
                "title": region.key,
                "feed": routes.feed_path(base),
                "groups": [
                    g for g in taxonomy.groups if region.sido in g.sido and region.level == 1
                ],
            },
            partial(_region_figures, site, region, articles),
        )
    yield Page(
        "/companies/",
        "companies.html",
        {"index": site.company_index(), "title": "기업", "feed": "/feed.xml"},
    )
    for company in companies_with_articles(site):
        articles = site.by_company[company.name]
        base = routes.company_path(company)
        yield from _list_pages(
            site.pinned_first(articles),
            config.per_page,
            base,
            "company.html",
            {
                "company": company,
                "hq": taxonomy.region_by_key.get(company.region),
                "title": company.name,
                "feed": routes.feed_path(base),
            },
            partial(_company_figures, site, company, articles),
        )
    yield Page(
        routes.TOPICS,
        "topics.html",
        {"topics": site.topic_rows(), "title": "주제", "feed": "/feed.xml"},
    )
    for topic, _count in site.topic_rows():
        articles = site.by_topic[topic.name]
        yield from _list_pages(
            articles,
            config.per_page,
            topic.path,
            "topic.html",
            {"topic": topic, "title": topic.name, "feed": routes.feed_path(topic.path)},
            partial(
                lambda articles: {
                    "sidos": site.sido_counts(articles),
                    "top_companies": site.top_companies(articles),
                },
                articles,
            ),
        )
    for doc in site.editorial.pages:  # content/pages/*.md
        yield Page(doc.path, "page.html", {"doc": doc, "title": doc.title, "feed": "/feed.xml"})
    for article in site.articles:  # contexts made by the worker that renders the page
        yield Page(article.path, "article.html", partial(_article_context, site, article))
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
    yield Page(
        routes.SEARCH,
        "search.html",
        {
            "title": "검색",
            "feed": "/feed.xml",
            "topics_known": bool(site.topics),
        },
    )


def _article_context(site: Site, article: ArticleView) -> dict[str, object]:
    return {
        "article": article,
        "title": article.title,
        "feed": "/feed.xml",
        "related": site.related(article),
        "other_reports": site.other_reports.get(article.id, ()),
        "nouns": site.nouns.get(article.id, ()),
    }


def _list_pages(
    items: list,
    per_page: int,
    base: str,
    template: str,
    context: dict[str, object],
    figures: Callable[[], dict[str, object]],
) -> Iterator[Page]:
    """A list's pages (stable numbers, see sitegen.paginator). The figures about the whole list
    (counts, charts) are computed for and shown on its first page only: an archive page's
    context then depends only on its own articles and neighbours, so news arriving elsewhere
    in the list leaves it unchanged (and unrendered)."""
    for page in paginate(items, per_page, base):
        if page.first:  # figures made by the worker that renders the page, not serially here
            yield Page(page.path, template, partial(_with_figures, context, figures, page))
        else:
            yield Page(page.path, template, {**context, "page": page})


def _with_figures(
    context: dict[str, object], figures: Callable[[], dict[str, object]], page: object
) -> dict[str, object]:
    return {**context, **figures(), "page": page}


def _region_figures(site: Site, region: Region, articles: list[ArticleView]) -> dict[str, object]:
    return {
        "sigungu": site.sigungu_counts(region) if region.level == 1 else [],
        "top_companies": site.top_companies(articles),
        "top_topics": site.top_topics(articles),
        "monthly": site.monthly(articles),
        "intro": site.editorial.region_intros.get(region.slug),
    }


def _company_figures(
    site: Site, company: Company, articles: list[ArticleView]
) -> dict[str, object]:
    return {
        "regions": site.sido_counts(articles),
        "with_companies": site.top_companies(articles, exclude=company.name),
        "top_topics": site.top_topics(articles),
        "intro": site.editorial.company_intros.get(company.slug),
    }


def _region_map(site: Site, id_prefix: str) -> dict[str, object] | None:
    """The 시·도 choropleth and its legend, or None when no map data was given."""
    if site.map_data is None:
        return None
    counts = site.region_counts()
    links = {
        r.key: site.config.base_path + routes.region_path(r).lstrip("/")
        for r in site.taxonomy.sidos
    }
    breaks = province_breaks(counts, site.map_data)
    return {
        "svg": province_map(
            counts, links, site.map_data, breaks=breaks, id_prefix=id_prefix, compact=True
        ),
        "legend": map_legend(breaks),
        "attribution": site.map_data.get("attribution", ""),
    }


def feed_pages(site: Site) -> Iterator[Page]:
    """Every Atom feed: the site's and one per region, company and topic list."""
    config, taxonomy = site.config, site.taxonomy

    def feed(title: str, list_path: str, articles: list[ArticleView]) -> Page:
        return Page(
            routes.feed_path(list_path),
            FEED_TEMPLATE,
            feed_context(config, title, list_path, articles),
        )

    yield feed(config.title, "/", site.articles)
    for region in taxonomy.regions:
        articles = site.by_region.get(region.key)
        if articles or region.level == 1:
            base = routes.region_path(region)
            yield feed(f"{config.title} — {region.key}", base, articles or [])
    for company in companies_with_articles(site):
        base = routes.company_path(company)
        yield feed(f"{config.title} — {company.name}", base, site.by_company[company.name])
    for topic, _count in site.topic_rows():
        yield feed(f"{config.title} — {topic.name}", topic.path, site.by_topic[topic.name])


@dataclass
class RenderReport:
    pages: int
    written: int
    unchanged: int
    removed: int
    rendered: int = 0  # pages and feeds made again because their inputs changed
    skipped: int = 0  # pages and feeds whose fingerprint was unchanged (not rendered)
    workers: int = 1

    def as_dict(self) -> dict[str, int]:
        return {
            "pages": self.pages,
            "written": self.written,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "rendered": self.rendered,
            "skipped": self.skipped,
            "workers": self.workers,
        }


def render_site(
    store: Store,
    taxonomy: Taxonomy,
    config: SiteConfig,
    templates: Path,
    out_dir: Path,
    source_names: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    map_data: Mapping | None = None,
    curation: Curation | None = None,
    editorial: Editorial | None = None,
    relevance: RelevanceFilter | None = None,
    cache_dir: Path | None = None,
    digest: BackgroundDigest | None = None,
) -> RenderReport:
    """Render the whole site into out_dir, writing only files whose bytes changed.

    ``map_data`` is content/taxonomy/map.json (:func:`sitegen.map.load_map`); without it the home
    and /regions/ pages list the 시·도 without the map. ``curation`` (content/curation.toml) is
    applied to the archive's articles and tags first: editors' decisions win; ``editorial`` adds
    content/pages/*.md and the regions' and companies' introductions. ``relevance`` (scores,
    sources' policies, threshold) keeps off the site the articles it does not publish: they stay
    in the archive but reach no page, feed, sitemap or search index. ``cache_dir`` keeps what a
    render derives from the archive and may reuse (the search words, `WORDS_CACHE`); without it
    every article's text and analysis are read on each render. ``digest`` is the archive's digest
    started earlier by the caller (`archive.digest.BackgroundDigest`), else started here.
    """
    stored = FingerprintFile(out_dir)  # what the last render made each file from
    arguments = (taxonomy, config, source_names, map_data, curation, editorial, relevance)
    digest = digest or BackgroundDigest(store)  # made meanwhile by another process
    curation = curation or Curation()
    # The archive is read while the digest is made. Whether anything changed is asked as soon as
    # the digest is there: after the article list if it is ready by then (an unchanged site
    # then costs no more than the digest), else after the tags.
    with collector_paused():  # the model's objects make no reference cycles
        published = _listed(store, curation, relevance)
    inputs = site_inputs(digest.value(), templates, arguments) if digest.ready() else None
    if inputs is not None and (kept := _kept(out_dir, stored, inputs)) is not None:
        return kept
    with collector_paused():
        published.tags = store.tags()
    if inputs is None:
        inputs = site_inputs(digest.value(), templates, arguments)
        if (kept := _kept(out_dir, stored, inputs)) is not None:
            return kept
    with collector_paused():
        site = _site_model(
            published, store, taxonomy, config, source_names or {}, curation, cache_dir
        )
    del published  # the articles and tags as read: the views hold what the pages need
    gc.freeze()  # the model lives as long as the render: no later collection walks it
    try:
        return _render_model(
            site,
            config,
            templates,
            out_dir,
            stored,
            inputs,
            progress,
            map_data,
            curation,
            editorial,
        )
    finally:
        gc.unfreeze()


def _render_model(
    site: Site,
    config: SiteConfig,
    templates: Path,
    out_dir: Path,
    stored: FingerprintFile,
    inputs: str | None,
    progress: Callable[[int], None] | None,
    map_data: Mapping | None,
    curation: Curation,
    editorial: Editorial | None,
) -> RenderReport:
    """Render the site model's pages and feeds (those whose fingerprint changed) and the rest."""
    site.map_data = map_data
    site.editorial, site.pinned = editorial or Editorial(), curation.pinned
    env = make_environment(templates, config)
    env.globals.update(menu_pages=site.editorial.menu, pinned=site.pinned)
    writer = Writer(out_dir)
    fingerprints = PageFingerprints(env)
    html_pages = list(site_pages(site))
    feeds = list(feed_pages(site))
    # one run (one set of workers) for the HTML pages and the feeds
    pages = render_pages([*html_pages, *feeds], env, writer, fingerprints, stored, progress)
    html_paths = [page.path for page in html_pages]
    writer.write(
        "404.html",
        env.get_template("404.html")
        .render(page_path="/404.html", title="페이지를 찾을 수 없습니다", feed="/feed.xml")
        .encode("utf-8"),
    )
    writer.write("sitemap.xml", sitemap(config, html_paths))
    writer.write(
        "robots.txt",
        (f"User-agent: *\nAllow: /\nSitemap: {config.absolute('/sitemap.xml')}\n").encode(),
    )
    _copy_static(templates / "static", writer)
    report: WriteReport = writer.finish()
    stored.save(inputs, len(html_paths))
    log.info(
        "rendered %d files: %d written, %d unchanged, %d removed",
        len(report.files),
        report.written,
        report.unchanged,
        report.removed,
    )
    return RenderReport(
        len(html_paths),
        report.written,
        report.unchanged,
        report.removed,
        rendered=pages.rendered,
        skipped=pages.skipped,
        workers=pages.workers,
    )


WORDS_CACHE = "search-words.marshal"


@dataclass
class _Published:
    """What the archive publishes, as read from it: the articles (without their texts), their
    tags and the other outlets' copies of each."""

    articles: list[Article]
    tags: dict[str, list[Tag]]
    copies: dict[str, list[Article]]


def _listed(store: Store, curation: Curation, relevance: RelevanceFilter | None) -> _Published:
    """The archive's published articles, read without their texts (~6 KB each, most of the
    reading time): the pages need only the views; the search words are cached (`_site_model`).
    Their tags are read next, unless the site turns out unchanged first."""
    copies = store.duplicate_groups()
    hidden = {a.id for group in copies.values() for a in group}
    articles = [a for a in store.articles(texts=False) if a.id not in hidden]
    if relevance is not None:  # not about AI (by score, source policy or editors): unpublished
        articles = relevance.keep(articles, curation)
    return _Published(articles, {}, copies)


def _kept(out_dir: Path, stored: FingerprintFile, inputs: str | None) -> RenderReport | None:
    """The report of a render that keeps every file, when nothing it reads changed."""
    kept = unchanged_site(out_dir, stored, inputs)
    if kept is None:
        return None
    log.info("nothing changed since the last render: %d files kept", kept)
    return RenderReport(stored.pages, 0, kept, 0, skipped=kept)


def _site_model(
    published: _Published,
    store: Store,
    taxonomy: Taxonomy,
    config: SiteConfig,
    source_names: dict[str, str],
    curation: Curation,
    cache_dir: Path | None = None,
) -> Site:
    """The site model of the published articles, editors' decisions applied; the search words
    come from `cache_dir` (see `sitegen.search.article_words`), read from the archive only for
    articles whose text or analysis changed."""
    articles = published.articles
    shown, tags = curate_articles(articles, published.tags, curation)
    site = build_site(shown, tags, taxonomy, config, source_names, published.copies)
    words = article_words(store, articles, cache_dir / WORDS_CACHE if cache_dir else None)
    site.nouns = {ident: (text,) for ident, text in words.items()}  # joined: one string each
    return site


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
