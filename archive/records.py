"""Plain records that flow between the stages: sources, articles, tags and their evidence."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")

TAG_KINDS = ("region", "company", "topic", "group")
TAG_ORIGINS = ("auto", "editor", "import")


def article_id(canonical_url: str) -> str:
    """Stable short id of an article, derived from its canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:12]


def content_hash(text: str) -> str:
    """Hash of an article's text, the key of the analysis cache."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Source:
    """An outlet's feed or list page, as configured in content/sources.toml."""

    key: str
    name: str
    url: str
    kind: str = "rss"
    selectors: dict[str, object] = field(default_factory=dict)
    allow_private: bool | tuple[str, ...] = False  # or the private networks allowed
    enabled: bool = True
    policy: str | float = "filter"  # "all", "filter" or the source's own relevance threshold
    max_items: int = 200
    rate: float | None = None  # requests per second to this source's host; None = [scraper] rate
    region: str = ""  # a 시·도 hint for regional outlets
    list_selectors: dict[str, str] = field(default_factory=dict)  # kind = "html": [source.list]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as collected: the canonical URL is its identity."""

    url: str
    title: str
    text: str
    source: str
    published: datetime | None = None
    excerpt: str = ""
    author: str = ""
    fetched: datetime | None = None
    original_url: str = ""

    @property
    def id(self) -> str:
        return article_id(self.url)

    @property
    def hash(self) -> str:
        return content_hash(self.title + "\n" + self.text)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a tag's name was found: the sentence, the match offsets and the rule that fired."""

    field: str  # title | lead | body
    sentence: str
    start: int  # offsets of the match within `sentence`
    end: int
    surface: str
    rule: str


@dataclass(frozen=True, slots=True)
class Tag:
    """A region, company, topic or region-group tag on an article."""

    kind: str
    key: str  # region: "충청북도" or "충청북도 청주시"; company: canonical name; group: group name
    score: float = 1.0
    origin: str = "auto"
    primary: bool = False
    evidence: tuple[Evidence, ...] = ()

    @property
    def sido(self) -> str:
        """The 시·도 part of a region key."""
        return self.key.split(" ", 1)[0]


@dataclass(frozen=True, slots=True)
class FetchState:
    """What the archive remembers about fetching a source."""

    source: str
    url: str
    etag: str = ""
    last_modified: str = ""
    last_status: str = ""
    last_success: datetime | None = None
    failures: int = 0  # consecutive failed runs
    items: int = 0  # articles collected, all runs
    last_attempt: datetime | None = None
    last_new: datetime | None = None  # the last run that stored a new article
    moved_from: str = ""  # the configured URL, when `url` is where it permanently redirected


@dataclass(frozen=True, slots=True)
class Failure:
    """A recorded failure of a source or an article URL, with a reason a person can act on."""

    source: str
    url: str
    stage: str
    reason: str
    at: datetime | None = None
