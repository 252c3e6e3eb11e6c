"""The editor-owned taxonomy (regions, places, region groups, companies, topics) loaded from content/taxonomy."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from archive.content_cache import DigestCache, code_stamp

# The files a taxonomy is made of (the fingerprint and the cache key hash them in this order).
TAXONOMY_FILES = (
    "regions.toml",
    "places.toml",
    "groups.toml",
    "companies.toml",
    "companies_krx.toml",
    "topics.toml",
)


class TaxonomyError(Exception):
    """A taxonomy file is missing, malformed or inconsistent; the message names the file."""


@dataclass(frozen=True, slots=True)
class Region:
    """A 시·도 (level 1) or 시·군·구 (level 2) with the names that refer to it."""

    key: str  # "충청북도" or "충청북도 청주시"
    name: str  # official name within its parent: "충청북도", "청주시", "청주시 상당구"
    sido: str
    slug: str
    level: int
    short: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    city: str = ""  # parent city of an 일반구
    kind: str = ""
    code: str = ""
    name_en: str = ""

    @property
    def label(self) -> str:
        """Display name: the 시·도 name, or the 시·군·구 name within its 시·도."""
        return self.name


@dataclass(frozen=True, slots=True)
class Place:
    """A well-known place or cluster (판교, 오송) that locates a story in a region."""

    name: str
    sido: str
    sigungu: str = ""
    aliases: tuple[str, ...] = ()
    kind: str = ""


@dataclass(frozen=True, slots=True)
class RegionGroup:
    """A broad region word (수도권, 호남) that points to several 시·도 but is never one of them."""

    name: str
    slug: str
    sido: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Company:
    """A company in the taxonomy."""

    name: str
    slug: str
    aliases: tuple[str, ...] = ()
    ticker: str = ""
    region: str = ""
    sigungu: str = ""
    homepage: str = ""
    ai: bool = False
    cue_required: bool = False
    sector: str = ""
    curated: bool = True


@dataclass(frozen=True, slots=True)
class Topic:
    """An AI subfield or story type (생성형 AI, 업무협약) found by its keywords."""

    name: str
    slug: str
    keywords: tuple[str, ...]
    negative: tuple[str, ...] = ()  # phrases that cancel a keyword nearby (조류인플루엔자 for AI)


@dataclass(frozen=True)
class Taxonomy:
    """Everything the tagger and the site know about names: regions, places, groups, companies."""

    regions: tuple[Region, ...]
    places: tuple[Place, ...] = ()
    groups: tuple[RegionGroup, ...] = ()
    companies: tuple[Company, ...] = ()
    topics: tuple[Topic, ...] = ()
    fingerprint: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    @cached_property
    def sidos(self) -> tuple[Region, ...]:
        return tuple(r for r in self.regions if r.level == 1)

    @cached_property
    def region_by_key(self) -> dict[str, Region]:
        return {r.key: r for r in self.regions}

    @cached_property
    def company_by_name(self) -> dict[str, Company]:
        return {c.name: c for c in self.companies}

    def sigungu_of(self, sido: str) -> list[Region]:
        """The 시·군·구 of a 시·도 (without 일반구), in code order."""
        return [r for r in self.regions if r.level == 2 and r.sido == sido and r.kind != "일반구"]


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise TaxonomyError(f"{path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{path}: {exc}") from exc


def _require(path: Path, table: str, index: int, row: dict, *keys: str) -> None:
    missing = [k for k in keys if not row.get(k)]
    if missing:
        raise TaxonomyError(
            f"{path}: [[{table}]] entry #{index + 1} ({row.get('name', '?')}) lacks {', '.join(missing)}"
        )


def _regions(path: Path) -> list[Region]:
    data = _read(path)
    regions: list[Region] = []
    for i, row in enumerate(data.get("sido", [])):
        _require(path, "sido", i, row, "name", "slug")
        regions.append(
            Region(
                key=row["name"],
                name=row["name"],
                sido=row["name"],
                slug=row["slug"],
                level=1,
                short=tuple(row.get("short", ())),
                former=tuple(row.get("former", ())),
                code=str(row.get("code", "")),
                name_en=row.get("name_en", ""),
            )
        )
    for i, row in enumerate(data.get("sigungu", [])):
        _require(path, "sigungu", i, row, "name", "sido", "slug")
        regions.append(
            Region(
                key=f"{row['sido']} {row['name']}",
                name=row["name"],
                sido=row["sido"],
                slug=row["slug"],
                level=2,
                short=tuple(row.get("short", ())),
                city=row.get("city", ""),
                kind=row.get("kind", ""),
                code=str(row.get("code", "")),
                name_en=row.get("name_en", ""),
            )
        )
    if not regions:
        raise TaxonomyError(f"{path}: no [[sido]] entries")
    return regions


def _companies(path: Path, curated: bool) -> list[Company]:
    companies = []
    for i, row in enumerate(_read(path).get("company", [])):
        _require(path, "company", i, row, "name", "slug")
        companies.append(
            Company(
                name=row["name"],
                slug=row["slug"],
                aliases=tuple(row.get("aliases", ())),
                ticker=str(row.get("ticker", "")),
                region=row.get("region", ""),
                sigungu=row.get("sigungu", ""),
                homepage=row.get("homepage", ""),
                ai=bool(row.get("ai", False)),
                cue_required=bool(row.get("cue_required", False)),
                sector=row.get("sector", ""),
                curated=curated,
            )
        )
    return companies


def load_taxonomy(folder: Path | str, cache: DigestCache | None = None) -> Taxonomy:
    """Load content/taxonomy: regions.toml (required), places, groups and companies files.

    With a `cache`, the parsed taxonomy is stored there under a digest of these files' bytes and
    of this module, and read back (a few milliseconds instead of parsing ~2,900 companies) while
    both are unchanged.
    """
    folder = Path(folder)
    digest = hashlib.sha1()
    for name in TAXONOMY_FILES:
        path = folder / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    key = f"{digest.hexdigest()}:{code_stamp([Path(__file__)])}"
    if cache is not None:
        cached = cache.get("taxonomy", folder, key)
        if isinstance(cached, Taxonomy):
            return cached
    taxonomy = _parse_taxonomy(folder, digest.hexdigest()[:12])
    if cache is not None:
        cache.put("taxonomy", folder, key, taxonomy)
    return taxonomy


def _parse_taxonomy(folder: Path, fingerprint: str) -> Taxonomy:
    regions = _regions(folder / "regions.toml")
    keys = {r.key for r in regions}
    places = []
    places_path = folder / "places.toml"
    if places_path.exists():
        for i, row in enumerate(_read(places_path).get("place", [])):
            _require(places_path, "place", i, row, "name", "sido")
            place = Place(
                name=row["name"],
                sido=row["sido"],
                sigungu=row.get("sigungu", ""),
                aliases=tuple(row.get("aliases", ())),
                kind=row.get("kind", ""),
            )
            region_key = f"{place.sido} {place.sigungu}" if place.sigungu else place.sido
            if region_key not in keys:
                raise TaxonomyError(
                    f"{places_path}: place {place.name}: unknown region {region_key}"
                )
            places.append(place)
    groups = []
    groups_path = folder / "groups.toml"
    if groups_path.exists():
        for i, row in enumerate(_read(groups_path).get("group", [])):
            _require(groups_path, "group", i, row, "name", "slug", "sido")
            groups.append(
                RegionGroup(
                    name=row["name"],
                    slug=row["slug"],
                    sido=tuple(row["sido"]),
                    aliases=tuple(row.get("aliases", ())),
                )
            )
    companies: list[Company] = []
    if (folder / "companies.toml").exists():
        companies = _companies(folder / "companies.toml", curated=True)
    krx_path = folder / "companies_krx.toml"
    if krx_path.exists():
        known = {c.name for c in companies} | {c.ticker for c in companies if c.ticker}
        known_slugs = {c.slug for c in companies}
        companies += [
            c
            for c in _companies(krx_path, curated=False)
            if c.name not in known and c.ticker not in known and c.slug not in known_slugs
        ]
    return Taxonomy(
        regions=tuple(regions),
        places=tuple(places),
        groups=tuple(groups),
        companies=tuple(companies),
        topics=tuple(_topics(folder / "topics.toml")),
        fingerprint=fingerprint,
    )


def _topics(path: Path) -> list[Topic]:
    """topics.toml: [[topic]] name, slug, keywords = [...], optional negative = [...]."""
    if not path.exists():
        return []
    topics: list[Topic] = []
    seen: dict[str, set[str]] = {"name": set(), "slug": set()}
    for i, row in enumerate(_read(path).get("topic", [])):
        _require(path, "topic", i, row, "name", "slug", "keywords")
        for key in ("keywords", "negative"):
            value = row.get(key, [])
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                raise TaxonomyError(
                    f"{path}: topic {row['name']}: `{key}` must be a list of non-empty strings"
                )
        for key in ("name", "slug"):
            if row[key] in seen[key]:
                raise TaxonomyError(f"{path}: topic {row['name']}: duplicate {key} {row[key]!r}")
            seen[key].add(row[key])
        topics.append(
            Topic(
                name=row["name"],
                slug=row["slug"],
                keywords=tuple(row["keywords"]),
                negative=tuple(row.get("negative", ())),
            )
        )
    return topics
