"""Where each page lives: URL paths as data, in one place (Hugo-style predictable URLs)."""

from __future__ import annotations

from datetime import datetime

from archive.records import Article
from archive.taxonomy import Company, Region, RegionGroup
from sitegen.dates import kst


def article_path(article: Article) -> str:
    stamp = article.published or article.fetched
    return article_path_at(article.id, kst(stamp) if stamp else None)


def article_path_at(ident: str, stamp: datetime | None) -> str:
    """An article's path from its id and its date in KST (published, else fetched)."""
    if stamp is None:
        return f"/articles/undated/{ident}/"
    return f"/articles/{stamp.year:04d}/{stamp.month:02d}/{ident}/"


def region_path(region: Region, page: int = 1) -> str:
    return paged(f"/regions/{region.slug}/", page)


def company_path(company: Company, page: int = 1) -> str:
    return paged(f"/companies/{company.slug}/", page)


def topic_path(slug: str, page: int = 1) -> str:
    return paged(f"/topics/{slug}/", page)


def group_path(group: RegionGroup, page: int = 1) -> str:
    return paged(f"{GROUPS}{group.slug}/", page)


GROUPS = "/regions/groups/"
TOPICS = "/topics/"
SEARCH = "/search/"


def archive_path(year: int, month: int) -> str:
    return f"/archive/{year:04d}/{month:02d}/"


def paged(base: str, page: int) -> str:
    return base if page <= 1 else f"{base}page/{page}/"


def feed_path(list_path: str) -> str:
    return f"{list_path}feed.xml"


def output_file(path: str) -> str:
    """The file a URL path is written to: '/a/' → 'a/index.html'."""
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return relative
