"""Editors teach the tagger: add companies, aliases and places to content/taxonomy/, and record
rejected company candidates. Files are edited with tomlkit, so comments and order survive; every
change is validated against the taxonomy first and described in words the editor can check."""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Table

from archive.curation import CurationError, TagRef, TagVocabulary
from archive.romanize import slug_for
from archive.taxonomy import Company, Taxonomy, load_taxonomy
from archive.tomlfile import read_toml, write_text_atomic

log = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TICKER = re.compile(r"^[0-9A-Z]{6}$")
PLACE_KINDS = ("cluster", "district", "campus", "industrial_complex", "innovation_city", "landmark")
REJECTED_HEADER = """\
# Company candidates editors rejected: the tagger's candidate discovery never proposes them again.
# Written by `build.py candidates reject NAME [--reason TEXT]`; one [[rejected]] table per name
# (name, reason, date). Delete a table to let the name be proposed again.
"""


class TaxonomyEditError(Exception):
    """A taxonomy edit was refused; the message says why and what to do instead."""


@dataclass(frozen=True)
class NewCompany:
    """A company an editor adds: only the name is required."""

    name: str
    slug: str = ""
    aliases: tuple[str, ...] = ()
    ticker: str = ""
    region: str = ""
    sigungu: str = ""
    homepage: str = ""
    ai: bool = False
    cue_required: bool = False
    sector: str = ""


def _load(folder: Path) -> tuple[Taxonomy, TagVocabulary]:
    taxonomy = load_taxonomy(folder)
    return taxonomy, TagVocabulary.of(taxonomy)


def _parse(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except tomlkit.exceptions.ParseError as exc:
        raise TaxonomyEditError(f"{path}: {exc}; fix it first (build.py check)") from exc


def _append(doc: tomlkit.TOMLDocument, table_name: str, row: Table) -> None:
    row.trivia.indent = "\n"
    existing = doc.get(table_name)
    if existing is None:
        aot = tomlkit.aot()
        aot.append(row)
        doc.append(table_name, aot)
    elif isinstance(existing, AoT):
        existing.append(row)
    else:
        raise TaxonomyEditError(f"'{table_name}' must be written as [[{table_name}]] tables")


def _write(path: Path, doc: tomlkit.TOMLDocument) -> None:
    text = tomlkit.dumps(doc)
    write_text_atomic(path, text if text.endswith("\n") else text + "\n")


def _owner_of(surface: str, taxonomy: Taxonomy) -> Company | None:
    for company in taxonomy.companies:
        if surface == company.name or surface in company.aliases:
            return company
    return None


def _sido(vocabulary: TagVocabulary, taxonomy: Taxonomy, value: str) -> str:
    """The official 시·도 name for what an editor typed (충북 → 충청북도)."""
    try:
        ref = vocabulary.resolve(TagRef("region", value))
    except CurationError as exc:
        raise TaxonomyEditError(str(exc).replace("region:", "")) from exc
    if " " in ref.key:
        raise TaxonomyEditError(
            f"{value!r} is a 시·군·구; give its 시·도 (e.g. {ref.key.split()[0]})"
        )
    return ref.key


def _sigungu(taxonomy: Taxonomy, sido: str, value: str) -> str:
    if not value:
        return ""
    names = {r.name: r for r in taxonomy.sigungu_of(sido)}
    if value in names:
        return value
    for name in names:  # 청주 → 청주시
        if name[:-1] == value and name[-1] in "시군구":
            return name
    close = difflib.get_close_matches(value, list(names), n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise TaxonomyEditError(f"{sido} has no 시·군·구 {value!r}{hint}")


def _slug_taken(taxonomy: Taxonomy, slug: str, except_company: str = "") -> str:
    for region in taxonomy.regions:
        if region.slug == slug:
            return f"region {region.key}"
    for group in taxonomy.groups:
        if group.slug == slug:
            return f"region group {group.name}"
    for company in taxonomy.companies:
        if company.slug == slug and company.name != except_company:
            return f"company {company.name}"
    return ""


def add_company(folder: Path, new: NewCompany) -> list[str]:
    """Append a [[company]] to companies.toml; returns what was written.

    A company that so far came from companies_krx.toml keeps its ticker, region, homepage and
    slug unless given (the curated entry then replaces the generated one).
    """
    taxonomy, vocabulary = _load(folder)
    name = " ".join(new.name.split())
    if not name:
        raise TaxonomyEditError("a company needs a name")
    existing = taxonomy.company_by_name.get(name)
    if existing is not None and existing.curated:
        raise TaxonomyEditError(
            f"{name} is already in companies.toml; add a name to it with "
            f"build.py taxonomy add-alias {name} ALIAS"
        )
    generated = existing if existing is not None and not existing.curated else None
    for surface in (name, *new.aliases):
        owner = _owner_of(surface, taxonomy)
        if owner is not None and owner.name != name:
            raise TaxonomyEditError(
                f"{surface!r} already names {owner.name}: a name may point to one company only"
            )
    ticker = new.ticker or (generated.ticker if generated else "")
    if ticker and not TICKER.match(ticker):
        raise TaxonomyEditError(f"ticker {ticker!r} is not a 6-character KRX code (035720)")
    if ticker:
        for company in taxonomy.companies:
            if company.ticker == ticker and company.name != name:
                raise TaxonomyEditError(f"ticker {ticker} already belongs to {company.name}")
    region = new.region or (generated.region if generated else "")
    region = _sido(vocabulary, taxonomy, region) if region else ""
    sigungu = _sigungu(taxonomy, region, new.sigungu) if region else ""
    if new.sigungu and not region:
        raise TaxonomyEditError("give --region (the 시·도) with --sigungu")
    slug = new.slug or (generated.slug if generated else "") or slug_for(name, "company")
    if not SLUG.match(slug):
        raise TaxonomyEditError(f"slug {slug!r} is not a URL slug (lower-case a-z, 0-9, -)")
    taken = _slug_taken(taxonomy, slug, except_company=name)
    if taken:
        raise TaxonomyEditError(f"slug {slug!r} is already used by {taken}; pass another --slug")
    row = tomlkit.table()
    row["name"] = name
    row["slug"] = slug
    row["aliases"] = list(dict.fromkeys(a.strip() for a in new.aliases if a.strip()))
    row["ticker"] = ticker
    row["region"] = region
    row["sigungu"] = sigungu
    row["homepage"] = new.homepage or (generated.homepage if generated else "")
    row["ai"] = new.ai
    row["cue_required"] = new.cue_required or (generated.cue_required if generated else False)
    row["sector"] = new.sector or (generated.sector if generated else "")
    path = folder / "companies.toml"
    doc = _parse(path)
    _append(doc, "company", row)
    _write(path, doc)
    log.info("%s: added company %s", path, name)
    described = ", ".join(
        f"{key} = {row[key].as_string() if hasattr(row[key], 'as_string') else row[key]}"
        for key in ("slug", "aliases", "ticker", "region", "sigungu")
        if row[key] not in ("", [])
    )
    lines = [f"+ company {name} ({described})" if described else f"+ company {name}"]
    if generated:
        lines.append("  replaces its generated entry in companies_krx.toml")
    return lines


def add_alias(folder: Path, company: str, alias: str) -> list[str]:
    """Add another name of a company; a generated company is first copied into companies.toml."""
    taxonomy, _ = _load(folder)
    alias = " ".join(alias.split())
    target = taxonomy.company_by_name.get(company) or _owner_of(company, taxonomy)
    if target is None:
        raise TaxonomyEditError(
            f"no company named {company!r}; add it with build.py taxonomy add-company {company}"
        )
    owner = _owner_of(alias, taxonomy)
    if owner is not None:
        if owner.name == target.name:
            return []
        raise TaxonomyEditError(f"{alias!r} already names {owner.name}")
    if not target.curated:
        lines = add_company(
            folder,
            NewCompany(name=target.name, aliases=(*target.aliases, alias), sector=target.sector),
        )
        return [f"+ alias {alias} → {target.name}", *lines]
    path = folder / "companies.toml"
    doc = _parse(path)
    for row in doc.get("company", []):
        if row.get("name") == target.name:
            aliases = row.get("aliases")
            if aliases is None:
                row["aliases"] = [alias]
            else:
                aliases.append(alias)
            break
    else:  # pragma: no cover - the taxonomy just said it is curated
        raise TaxonomyEditError(f"{target.name} is not in {path}")
    _write(path, doc)
    return [f"+ alias {alias} → {target.name}"]


def add_place(
    folder: Path,
    name: str,
    sido: str,
    sigungu: str = "",
    aliases: tuple[str, ...] = (),
    kind: str = "",
) -> list[str]:
    """Append a [[place]] to places.toml: a well-known place that locates a story."""
    taxonomy, vocabulary = _load(folder)
    name = " ".join(name.split())
    sido_key = _sido(vocabulary, taxonomy, sido)
    sigungu_name = _sigungu(taxonomy, sido_key, sigungu)
    if kind and kind not in PLACE_KINDS:
        raise TaxonomyEditError(f"kind {kind!r}: use one of {', '.join(PLACE_KINDS)}")
    region_names = {r.name for r in taxonomy.regions} | {
        s for r in taxonomy.regions for s in r.short
    }
    for surface in (name, *aliases):
        if surface in region_names:
            raise TaxonomyEditError(f"{surface!r} is already a region name in regions.toml")
        for place in taxonomy.places:
            if surface in (place.name, *place.aliases):
                raise TaxonomyEditError(f"{surface!r} already names the place {place.name}")
    row = tomlkit.table()
    row["name"] = name
    row["aliases"] = [a for a in dict.fromkeys(aliases) if a]
    row["sido"] = sido_key
    row["sigungu"] = sigungu_name
    if kind:
        row["kind"] = kind
    path = folder / "places.toml"
    doc = _parse(path)
    _append(doc, "place", row)
    _write(path, doc)
    where = f"{sido_key} {sigungu_name}".strip()
    extra = f" (aliases {', '.join(row['aliases'])})" if row["aliases"] else ""
    return [f"+ place {name} → {where}{extra}"]


def rejected_names(folder: Path) -> set[str]:
    """Names editors rejected as company candidates (rejected_candidates.toml)."""
    path = folder / "rejected_candidates.toml"
    if not path.exists():
        return set()
    rows = read_toml(path).data.get("rejected", [])
    return {r["name"] for r in rows if isinstance(r, dict) and isinstance(r.get("name"), str)}


def reject_candidate(
    folder: Path, name: str, reason: str = "", today: dt.date | None = None
) -> list[str]:
    """Record a rejected candidate so that discovery never proposes it again."""
    name = " ".join(name.split())
    if not name:
        raise TaxonomyEditError("give the candidate's name")
    if name in rejected_names(folder):
        return []
    path = folder / "rejected_candidates.toml"
    doc = _parse(path) if path.exists() else tomlkit.parse(REJECTED_HEADER)
    row = tomlkit.table()
    row["name"] = name
    if reason:
        row["reason"] = reason
    row["date"] = today or dt.date.today()
    _append(doc, "rejected", row)
    _write(path, doc)
    return [f"+ rejected {name}" + (f" ({reason})" if reason else "")]
