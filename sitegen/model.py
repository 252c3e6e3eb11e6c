"""What the site shows: articles with their listed tags, grouped by region, company and month."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from archive.records import Article, Tag
from archive.taxonomy import Company, Region, Taxonomy
from sitegen import routes
from sitegen.config import SiteConfig
from sitegen.dates import iso_date, korean_date, kst


@dataclass(frozen=True, slots=True)
class TagLink:
    """A tag as shown on a page: its label, page and the sentence that gave it."""

    kind: str
    key: str
    label: str
    path: str
    score: float
    evidence: str
    primary: bool = False


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: str
    title: str
    path: str
    original_url: str
    source_name: str
    published: datetime | None
    date_ko: str
    date_iso: str
    excerpt: str
    regions: tuple[TagLink, ...]
    companies: tuple[TagLink, ...]
    groups: tuple[TagLink, ...] = ()

    @property
    def sort_key(self) -> tuple[float, str]:
        stamp = self.published.timestamp() if self.published else 0.0
        return (-stamp, self.id)


@dataclass
class Site:
    """All page data, built once per render from the archive and the taxonomy."""

    config: SiteConfig
    taxonomy: Taxonomy
    articles: list[ArticleView]
    by_region: dict[str, list[ArticleView]] = field(default_factory=dict)
    by_company: dict[str, list[ArticleView]] = field(default_factory=dict)
    by_month: dict[tuple[int, int], list[ArticleView]] = field(default_factory=dict)

    def region_count(self, region: Region) -> int:
        return len(self.by_region.get(region.key, ()))

    def top_companies(
        self, articles: list[ArticleView], limit: int = 10
    ) -> list[tuple[TagLink, int]]:
        counts: Counter[str] = Counter()
        links: dict[str, TagLink] = {}
        for article in articles:
            for link in article.companies:
                counts[link.key] += 1
                links.setdefault(link.key, link)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(links[key], count) for key, count in ranked]

    def sigungu_counts(self, sido: Region) -> list[tuple[Region, int]]:
        rows = []
        for region in self.taxonomy.sigungu_of(sido.key):
            count = len(self.by_region.get(region.key, ()))
            if count:
                rows.append((region, count))
        return sorted(rows, key=lambda rc: (-rc[1], rc[0].code, rc[0].key))


def _link(tag: Tag, label: str, path: str) -> TagLink:
    evidence = tag.evidence[0].sentence if tag.evidence else ""
    return TagLink(tag.kind, tag.key, label, path, tag.score, evidence, tag.primary)


def article_view(
    article: Article,
    tags: list[Tag],
    taxonomy: Taxonomy,
    config: SiteConfig,
    source_names: dict[str, str],
) -> ArticleView:
    """An article's page data: only tags that pass the listing threshold and exist in the taxonomy."""
    regions: list[TagLink] = []
    companies: list[TagLink] = []
    groups: list[TagLink] = []
    for tag in tags:
        if tag.kind == "region" and _passes(tag, config.region_threshold):
            region = taxonomy.region_by_key.get(tag.key)
            if region:
                regions.append(_link(tag, region.key, routes.region_path(region)))
        elif tag.kind == "company" and _passes(tag, config.company_threshold):
            company = taxonomy.company_by_name.get(tag.key)
            if company:
                companies.append(_link(tag, company.name, routes.company_path(company)))
        elif tag.kind == "group":
            groups.append(_link(tag, tag.key, ""))
    regions.sort(key=lambda t: (not t.primary, " " in t.key, -t.score, t.key))
    companies.sort(key=lambda t: (-t.score, t.key))
    published = kst(article.published) if article.published else None
    return ArticleView(
        id=article.id,
        title=article.title,
        path=routes.article_path(article),
        original_url=http_url(article.original_url) or http_url(article.url),
        source_name=source_names.get(article.source, article.source),
        published=published,
        date_ko=korean_date(published),
        date_iso=iso_date(published),
        excerpt=article.excerpt,
        regions=tuple(regions),
        companies=tuple(companies),
        groups=tuple(groups),
    )


def http_url(url: str) -> str:
    """The URL if it is an absolute http(s) link, else "" (no javascript:, data: or relative)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return ""


def _passes(tag: Tag, threshold: float) -> bool:
    return tag.origin != "auto" or tag.score >= threshold - 1e-9


def build_site(
    articles: list[Article],
    tags: dict[str, list[Tag]],
    taxonomy: Taxonomy,
    config: SiteConfig,
    source_names: dict[str, str],
) -> Site:
    """Group the archive's articles for the pages that list them, newest first."""
    views = sorted(
        (article_view(a, tags.get(a.id, []), taxonomy, config, source_names) for a in articles),
        key=lambda v: v.sort_key,
    )
    by_region: dict[str, list[ArticleView]] = defaultdict(list)
    by_company: dict[str, list[ArticleView]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[ArticleView]] = defaultdict(list)
    for view in views:
        for link in view.regions:
            by_region[link.key].append(view)
        for link in view.companies:
            by_company[link.key].append(view)
        if view.published:
            by_month[(view.published.year, view.published.month)].append(view)
    return Site(config, taxonomy, views, dict(by_region), dict(by_company), dict(by_month))


def companies_with_articles(site: Site) -> list[Company]:
    return [c for c in site.taxonomy.companies if c.name in site.by_company]
