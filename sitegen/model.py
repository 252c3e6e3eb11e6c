"""What the site shows: articles with their listed tags, grouped by region, company, topic, region
group and month, and the per-page figures (top companies, monthly counts, related articles)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from slugify import slugify

from archive.records import Article, Tag
from archive.taxonomy import Company, Region, RegionGroup, Taxonomy
from sitegen import routes
from sitegen.charts import MonthCount, month_series
from sitegen.config import SiteConfig
from sitegen.dates import iso_date, korean_date, kst
from sitegen.initials import group_by_heading
from sitegen.pages import Editorial


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
class TopicInfo:
    """A topic as the site shows it: the tag key (its name), a slug and an optional description."""

    name: str
    slug: str
    description: str = ""

    @property
    def path(self) -> str:
        return routes.topic_path(self.slug)


@dataclass(frozen=True, slots=True)
class OtherReport:
    """Another outlet's report of the same story: shown as a link to that outlet, not a page."""

    title: str
    source_name: str
    url: str
    date_ko: str
    date_iso: str


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
    topics: tuple[TagLink, ...] = ()

    @property
    def sort_key(self) -> tuple[float, str]:
        stamp = self.published.timestamp() if self.published else 0.0
        return (-stamp, self.id)

    @property
    def sidos(self) -> tuple[TagLink, ...]:
        """The 시·도 tags (not the 시·군·구 ones)."""
        return tuple(link for link in self.regions if " " not in link.key)


@dataclass
class Site:
    """All page data, built once per render from the archive and the taxonomy."""

    config: SiteConfig
    taxonomy: Taxonomy
    articles: list[ArticleView]
    by_region: dict[str, list[ArticleView]] = field(default_factory=dict)
    by_company: dict[str, list[ArticleView]] = field(default_factory=dict)
    by_month: dict[tuple[int, int], list[ArticleView]] = field(default_factory=dict)
    by_topic: dict[str, list[ArticleView]] = field(default_factory=dict)
    by_group: dict[str, list[ArticleView]] = field(default_factory=dict)
    topics: dict[str, TopicInfo] = field(default_factory=dict)
    other_reports: dict[str, tuple[OtherReport, ...]] = field(default_factory=dict)
    map_data: Mapping | None = None  # content/taxonomy/map.json, for the 시·도 map
    nouns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per article, for search
    editorial: Editorial = field(default_factory=Editorial)  # content/pages, regions/, companies/
    pinned: frozenset[str] = frozenset()  # article ids editors pinned (content/curation.toml)

    def pinned_first(self, articles: list[ArticleView]) -> list[ArticleView]:
        """A list with the pinned articles first, each group in its own order."""
        if not self.pinned:
            return articles
        return sorted(articles, key=lambda a: a.id not in self.pinned)

    def region_count(self, region: Region) -> int:
        return len(self.by_region.get(region.key, ()))

    def region_counts(self) -> dict[str, int]:
        """Articles per 시·도 name, for the map."""
        return {r.key: self.region_count(r) for r in self.taxonomy.sidos}

    def top_companies(
        self, articles: list[ArticleView], limit: int = 10, exclude: str = ""
    ) -> list[tuple[TagLink, int]]:
        return _top((a.companies for a in articles), limit, exclude)

    def top_topics(self, articles: list[ArticleView], limit: int = 10) -> list[tuple[TagLink, int]]:
        return _top((a.topics for a in articles), limit)

    def sido_counts(self, articles: list[ArticleView]) -> list[tuple[TagLink, int]]:
        """The 시·도 these articles are listed under, most articles first."""
        return _top((a.sidos for a in articles), limit=17)

    def sigungu_counts(self, sido: Region) -> list[tuple[Region, int]]:
        rows = []
        for region in self.taxonomy.sigungu_of(sido.key):
            count = len(self.by_region.get(region.key, ()))
            if count:
                rows.append((region, count))
        return sorted(rows, key=lambda rc: (-rc[1], rc[0].code, rc[0].key))

    def group_sidos(self, group: RegionGroup) -> list[tuple[Region, int]]:
        """A region group's 시·도 with their article counts, in the taxonomy's order."""
        regions = [self.taxonomy.region_by_key.get(name) for name in group.sido]
        return [(r, self.region_count(r)) for r in regions if r is not None]

    def monthly(self, articles: list[ArticleView], months: int = 12) -> list[MonthCount]:
        return month_series((a.published for a in articles), months)

    def related(self, article: ArticleView, limit: int = 5) -> list[ArticleView]:
        """Other articles sharing a company, a topic or a 시·도 with this one: the `limit`
        closest in time (earlier ones first, later ones when too few), shown newest first.

        Closeness in time keeps the list stable: news arriving later does not change the related
        articles of older pages, so an incremental render re-renders only the pages it touches.
        Each shared list is sorted newest first, so only `limit` neighbours per list are read.
        """
        order = self._order()
        target = order[article.id]
        older: dict[str, ArticleView] = {}
        newer: dict[str, ArticleView] = {}
        for items, keys in self._shared_lists(article):
            at = bisect_left(keys, target)
            after = at + 1 if at < len(items) and items[at].id == article.id else at
            for other in items[after : after + limit]:
                older[other.id] = other
            for other in items[max(0, at - limit) : at]:
                newer[other.id] = other
        rank = order.__getitem__
        chosen = sorted(older.values(), key=lambda view: rank(view.id))[:limit]
        if len(chosen) < limit:
            closest_newer = sorted(newer.values(), key=lambda view: rank(view.id), reverse=True)
            chosen += closest_newer[: limit - len(chosen)]
        return sorted(chosen, key=lambda view: rank(view.id))

    def _order(self) -> dict[str, tuple[float, str]]:
        """Each article's sort key by id, computed once per render (not a field: never compared)."""
        found = self.__dict__.get("_order_cache")
        if found is None:
            found = self.__dict__["_order_cache"] = {v.id: v.sort_key for v in self.articles}
        return found

    def _shared_lists(
        self, article: ArticleView
    ) -> Iterator[tuple[list[ArticleView], list[tuple[float, str]]]]:
        """The lists of the article's companies, topics and 시·도 (each once), with their sort
        keys for bisecting, computed once per list and render (not fields: never compared)."""
        cache = self.__dict__.get("_shared_cache")
        if cache is None:
            cache = self.__dict__["_shared_cache"] = {}
        seen: set[tuple[int, str]] = set()
        for kind, links, index in (
            (0, article.companies, self.by_company),
            (1, article.topics, self.by_topic),
            (2, article.sidos, self.by_region),
        ):
            for link in links:
                ref = (kind, link.key)
                if ref in seen:
                    continue
                seen.add(ref)
                found = cache.get(ref)
                if found is None:
                    items = index.get(link.key, [])
                    order = self._order()
                    found = cache[ref] = (items, [order[view.id] for view in items])
                yield found

    def company_index(self) -> list[tuple[str, list[tuple[Company, int]]]]:
        """Companies with articles under ㄱ–ㅎ, A–Z and # headings."""
        rows = [(c, len(self.by_company[c.name])) for c in companies_with_articles(self)]
        return group_by_heading(rows, lambda row: row[0].name)

    def topic_rows(self) -> list[tuple[TopicInfo, int]]:
        """Topics with articles, most articles first."""
        rows = [(t, len(self.by_topic.get(name, ()))) for name, t in self.topics.items()]
        rows = [(t, n) for t, n in rows if n]
        return sorted(rows, key=lambda row: (-row[1], row[0].name))


def _top(
    link_sets: Iterable[Iterable[TagLink]], limit: int, exclude: str = ""
) -> list[tuple[TagLink, int]]:
    counts: Counter[str] = Counter()
    links: dict[str, TagLink] = {}
    for link_set in link_sets:
        for link in link_set:
            if link.key != exclude:
                counts[link.key] += 1
                links.setdefault(link.key, link)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(links[key], count) for key, count in ranked]


def _link(tag: Tag, label: str, path: str) -> TagLink:
    evidence = tag.evidence[0].sentence if tag.evidence else ""
    return TagLink(tag.kind, tag.key, label, path, tag.score, evidence, tag.primary)


def site_topics(taxonomy: Taxonomy, tags: dict[str, list[Tag]]) -> dict[str, TopicInfo]:
    """The topics the site knows: the taxonomy's (topics.toml) when it has them; otherwise every
    topic key in the tags, with a slug transliterated from its name."""
    declared = getattr(taxonomy, "topics", None)
    if declared is not None:
        return {
            t.name: TopicInfo(t.name, t.slug, str(getattr(t, "description", "") or ""))
            for t in declared
        }
    names = sorted({t.key for ts in tags.values() for t in ts if t.kind == "topic"})
    topics: dict[str, TopicInfo] = {}
    used: set[str] = set()
    for name in names:
        slug = base = slugify(name) or "topic"
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        topics[name] = TopicInfo(name, slug)
    return topics


def article_view(
    article: Article,
    tags: list[Tag],
    taxonomy: Taxonomy,
    config: SiteConfig,
    source_names: dict[str, str],
    topics: dict[str, TopicInfo] | None = None,
) -> ArticleView:
    """An article's page data: only tags that pass the listing threshold and exist in the taxonomy."""
    topics = topics or {}
    groups_by_name = _groups_by_name(taxonomy)
    topic_threshold = float(getattr(config, "topic_threshold", config.company_threshold))
    regions: list[TagLink] = []
    companies: list[TagLink] = []
    groups: list[TagLink] = []
    topic_links: list[TagLink] = []
    for tag in _one_per_key(tags):
        if tag.kind == "region" and _passes(tag, config.region_threshold):
            region = taxonomy.region_by_key.get(tag.key)
            if region:
                regions.append(_link(tag, region.key, routes.region_path(region)))
        elif tag.kind == "company" and _passes(tag, config.company_threshold):
            company = taxonomy.company_by_name.get(tag.key)
            if company:
                companies.append(_link(tag, company.name, routes.company_path(company)))
        elif tag.kind == "group" and _passes(tag, config.region_threshold):
            group = groups_by_name.get(tag.key)
            if group:
                groups.append(_link(tag, group.name, routes.group_path(group)))
        elif tag.kind == "topic" and _passes(tag, topic_threshold):
            topic = topics.get(tag.key)
            if topic:
                topic_links.append(_link(tag, topic.name, topic.path))
    regions.sort(key=lambda t: (not t.primary, " " in t.key, -t.score, t.key))
    companies.sort(key=lambda t: (-t.score, t.key))
    groups.sort(key=lambda t: (-t.score, t.key))
    topic_links.sort(key=lambda t: (-t.score, t.key))
    ident = article.id  # a digest of the URL: computed once
    published = kst(article.published) if article.published else None
    stamp = published or (kst(article.fetched) if article.fetched else None)
    return ArticleView(
        id=ident,
        title=visible_text(article.title),
        path=routes.article_path_at(ident, stamp),
        original_url=http_url(article.original_url) or http_url(article.url),
        source_name=visible_text(source_names.get(article.source, article.source)),
        published=published,
        date_ko=korean_date(published),
        date_iso=published.isoformat() if published else "",
        excerpt=visible_text(article.excerpt),
        regions=tuple(regions),
        companies=tuple(companies),
        groups=_dedupe(groups),
        topics=tuple(topic_links),
    )


_GROUPS_BY_NAME: dict[int, tuple[Taxonomy, dict[str, RegionGroup]]] = {}


def _groups_by_name(taxonomy: Taxonomy) -> dict[str, RegionGroup]:
    """The taxonomy's region groups by name, built once per taxonomy (not once per article)."""
    found = _GROUPS_BY_NAME.get(id(taxonomy))
    if found is None or found[0] is not taxonomy:
        _GROUPS_BY_NAME.clear()  # one taxonomy at a time; holding it keeps its id unique
        found = _GROUPS_BY_NAME[id(taxonomy)] = (taxonomy, {g.name: g for g in taxonomy.groups})
    return found[1]


def _one_per_key(tags: list[Tag]) -> list[Tag]:
    """One tag per (kind, key): a given (editor or import) tag over an automatic one, else the
    higher score; the tag's evidence is kept from whichever tag has some."""
    best: dict[tuple[str, str], Tag] = {}
    for tag in tags:
        key = (tag.kind, tag.key)
        current = best.get(key)
        if current is None or (
            (tag.origin != "auto", tag.score) > (current.origin != "auto", current.score)
        ):
            if current is not None and not tag.evidence and current.evidence:
                tag = replace(tag, evidence=current.evidence)
            best[key] = tag
        elif not current.evidence and tag.evidence:
            best[key] = replace(current, evidence=tag.evidence)
    return list(best.values())


def _dedupe(links: list[TagLink]) -> tuple[TagLink, ...]:
    """One link per key (a tag may come from several origins)."""
    seen: dict[str, TagLink] = {}
    for link in links:
        seen.setdefault(link.key, link)
    return tuple(seen.values())


# Controls and bidirectional embeddings/overrides/isolates: "\u202etxt.exe" shows as "exe.txt".
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible_text(text: str) -> str:
    """`text` without control characters or bidi overrides (imported or legacy records)."""
    return _INVISIBLE.sub("", text)


# An http(s) URL of printable ASCII (no spaces, no IPv6 brackets) whose host part is not empty:
# what urlsplit() accepts as is, told without parsing it (10,000 articles' URLs on every render).
_PLAIN_HTTP = re.compile(r"(?i)https?://(?![/?#])[\x21-\x5a\x5c\x5e-\x7e]+")


def http_url(url: str) -> str:
    """The URL if it is an absolute http(s) link, else "" (no javascript:, data: or relative)."""
    if _PLAIN_HTTP.fullmatch(url):
        return url
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
    copies: Mapping[str, Iterable[Article]] | None = None,
) -> Site:
    """Group the archive's articles for the pages that list them, newest first.

    ``copies`` maps a kept article's id to other outlets' reports of the same story (the scraper's
    near-duplicate groups, ``Store.duplicate_groups()``): those are not listed on their own, and
    the kept article's page links to them as 다른 보도. Pass only the kept articles in ``articles``.
    """
    topics = site_topics(taxonomy, tags)
    views = sorted(
        (
            article_view(a, tags.get(a.id, []), taxonomy, config, source_names, topics)
            for a in articles
        ),
        key=lambda v: v.sort_key,
    )
    by_region: dict[str, list[ArticleView]] = defaultdict(list)
    by_company: dict[str, list[ArticleView]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[ArticleView]] = defaultdict(list)
    by_topic: dict[str, list[ArticleView]] = defaultdict(list)
    by_group: dict[str, list[ArticleView]] = defaultdict(list)
    for view in views:
        for link in view.regions:
            by_region[link.key].append(view)
        for link in view.companies:
            by_company[link.key].append(view)
        for link in view.topics:
            by_topic[link.key].append(view)
        for link in view.groups:
            by_group[link.key].append(view)
        if view.published:
            by_month[(view.published.year, view.published.month)].append(view)
    return Site(
        config,
        taxonomy,
        views,
        dict(by_region),
        dict(by_company),
        dict(by_month),
        dict(by_topic),
        dict(by_group),
        topics,
        _other_reports(copies or {}, source_names),
    )


def _other_reports(
    copies: Mapping[str, Iterable[Article]], source_names: dict[str, str]
) -> dict[str, tuple[OtherReport, ...]]:
    result: dict[str, tuple[OtherReport, ...]] = {}
    for kept, articles in copies.items():
        reports = []
        for article in articles:
            url = http_url(article.original_url) or http_url(article.url)
            if not url:
                continue
            published = kst(article.published) if article.published else None
            reports.append(
                OtherReport(
                    title=article.title,
                    source_name=source_names.get(article.source, article.source),
                    url=url,
                    date_ko=korean_date(published),
                    date_iso=iso_date(published),
                )
            )
        if reports:
            result[kept] = tuple(reports)
    return result


def companies_with_articles(site: Site) -> list[Company]:
    return [c for c in site.taxonomy.companies if c.name in site.by_company]


def groups_with_sidos(site: Site) -> list[tuple[RegionGroup, int]]:
    """Every region group with the number of articles that name it."""
    return [(g, len(site.by_group.get(g.name, ()))) for g in site.taxonomy.groups]
