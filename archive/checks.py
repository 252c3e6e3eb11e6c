"""`build.py check`: validate everything editors write under content/, with file, line and hint.

Each check reads its files, never the archive, and reports every problem it finds rather than
stopping at the first. Files owned by another stage (site.toml, sources.toml) are also passed to
that stage's own loader (`loaders`), so the rules live in one place.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from archive.content_cache import DigestCache, code_stamp, files_digest, tree_files
from archive.curation import TagVocabulary, parse_curation, topic_names
from archive.frontmatter import INTRO_KEYS, check_meta, page_meta, read_markdown
from archive.problems import Problem
from archive.taxonomy import Company, Place, RegionGroup, Taxonomy, TaxonomyError, load_taxonomy
from archive.tomlfile import TomlFile, TomlSyntaxError, read_toml

log = logging.getLogger(__name__)

Loader = Callable[[Path], object]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TICKER = re.compile(r"^[0-9A-Z]{6}$")
REGION_KEYS = {
    "sido": ("name", "slug", "short", "former", "code", "name_en"),
    "sigungu": ("name", "slug", "sido", "short", "city", "kind", "code", "name_en"),
}
COMPANY_KEYS = tuple(f.name for f in fields(Company) if f.name != "curated")
PLACE_KEYS = tuple(f.name for f in fields(Place))
GROUP_KEYS = tuple(f.name for f in fields(RegionGroup))
REJECTED_KEYS = ("name", "reason", "date")
# Bump when a check's rules change outside the code the cache key stamps (see check_key).
CHECK_CACHE_VERSION = 1


@dataclass
class _Context:
    content: Path
    problems: list[Problem] = field(default_factory=list)
    files: dict[Path, TomlFile] = field(default_factory=dict)
    taxonomy: Taxonomy | None = None
    # slug → [(kind, name, file, line)] for collisions across regions, companies, groups, topics
    slugs: dict[str, list[tuple[str, str, Path, int]]] = field(default_factory=dict)
    regions: tuple[set[str], dict[str, set[str]], dict[str, str]] | None = None

    def add(self, path: Path, line: int, message: str, hint: str = "", severity: str = "error"):
        self.problems.append(Problem(path, line, message, hint, severity))

    def toml(self, path: Path) -> TomlFile | None:
        return self.files.get(path)


def check_content(
    content_dir: Path,
    loaders: Mapping[str, Loader] | None = None,
    taxonomy_cache: DigestCache | None = None,
) -> list[Problem]:
    """Every problem under `content_dir`, sorted by file and line.

    `loaders` maps a file name relative to content_dir ("site.toml", "sources.toml") to the
    owning stage's loader: its exception, if any, becomes a problem at the line it names.
    `taxonomy_cache` is where the parsed taxonomy is cached across runs (see cached_taxonomy).
    """
    ctx = _Context(content_dir)
    for path in sorted(content_dir.rglob("*.toml")):
        if any(part.startswith(".") for part in path.relative_to(content_dir).parts):
            continue
        try:
            ctx.files[path] = read_toml(path)
        except TomlSyntaxError as exc:
            ctx.add(path, exc.line, exc.message, "fix the syntax; other checks of it are skipped")
    taxonomy_dir = content_dir / "taxonomy"
    _check_regions(ctx, taxonomy_dir / "regions.toml")
    _check_companies(ctx, taxonomy_dir)
    _check_places(ctx, taxonomy_dir / "places.toml")
    _check_groups(ctx, taxonomy_dir / "groups.toml")
    _check_topics(ctx, taxonomy_dir / "topics.toml")
    _check_rejected(ctx, taxonomy_dir / "rejected_candidates.toml")
    _check_slug_collisions(ctx)
    if (taxonomy_dir / "regions.toml").exists() and not any(
        p.is_error and p.file.parent == taxonomy_dir for p in ctx.problems
    ):
        try:
            ctx.taxonomy = cached_taxonomy(taxonomy_dir, taxonomy_cache)
        except TaxonomyError as exc:
            ctx.add(taxonomy_dir, 1, str(exc))
    _check_curation(ctx, content_dir / "curation.toml", taxonomy_dir)
    for path in sorted(content_dir.rglob("sources.toml")):
        _check_sources(ctx, path)
    _check_pages(ctx, content_dir / "pages")
    _check_intros(ctx, content_dir / "regions", "region")
    _check_intros(ctx, content_dir / "companies", "company")
    for name, loader in sorted((loaders or {}).items()):
        _run_loader(ctx, content_dir / name, loader)
    unique = list(dict.fromkeys(ctx.problems))
    return sorted(unique, key=lambda p: (str(p.file), p.line, p.message))


def check_content_cached(
    content_dir: Path,
    loaders: Mapping[str, Loader] | None,
    cache: DigestCache,
    code: Iterable[Path],
) -> list[Problem]:
    """check_content, skipped while nothing it reads changed: every file under content_dir (its
    bytes), the code that checks them (`code`: this package and the loaders' modules, as files
    or folders), the loaders named. Only a verdict without errors is stored, so a failing check
    always runs again and reports what is wrong now; a stored verdict keeps its warnings."""
    key = check_key(content_dir, loaders, code)
    cached = cache.get("check", content_dir, key)
    if isinstance(cached, list) and all(isinstance(p, Problem) for p in cached):
        log.debug("content check: unchanged since the last check without errors")
        return cached
    problems = check_content(content_dir, loaders, taxonomy_cache=cache)
    if not any(p.is_error for p in problems):
        cache.put("check", content_dir, key, problems)
    return problems


def check_key(content_dir: Path, loaders: Mapping[str, Loader] | None, code: Iterable[Path]) -> str:
    """The cache key of a check: the content folder (as given and resolved), its files' digest,
    the checking code's stamp and the loaders' names."""
    parts = (
        f"check v{CHECK_CACHE_VERSION}",
        str(content_dir),
        str(content_dir.resolve()),
        files_digest(tree_files(content_dir), relative_to=content_dir),
        code_stamp([Path(__file__).parent, *code]),
        ",".join(sorted(loaders or {})),
    )
    return "\n".join(parts)


def cached_taxonomy(folder: Path, cache: DigestCache | None = None) -> Taxonomy:
    """load_taxonomy, reused while the taxonomy files are unchanged: in this process (check and
    the live preview run often) and, with a `cache`, across runs (loading the 2,900 companies
    takes a quarter of a second, reading them back from the cache a few milliseconds)."""
    stamps = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.toml"))
    )
    return _taxonomy(str(folder), stamps, cache)


@lru_cache(maxsize=4)
def _taxonomy(folder: str, stamps: tuple, cache: DigestCache | None) -> Taxonomy:
    return load_taxonomy(folder, cache)


# -- helpers ------------------------------------------------------------------------------------
def _hint(value: str, pool: list[str] | set[str] | frozenset[str], what: str = "") -> str:
    close = difflib.get_close_matches(value, list(pool), n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]}?"
    return what


def _rows(ctx: _Context, toml: TomlFile, table: str) -> list[tuple[int, dict]]:
    rows = toml.data.get(table, [])
    if not isinstance(rows, list):
        ctx.add(toml.path, toml.line_of(table), f"write entries as [[{table}]] tables")
        return []
    return [(i, r) for i, r in enumerate(rows) if isinstance(r, dict)]


def _keys(ctx: _Context, toml: TomlFile, table: str, index: int, row: dict, allowed) -> None:
    for key in row:
        if key not in allowed:
            hint = _hint(key, allowed, "known keys: " + ", ".join(allowed))
            ctx.add(
                toml.path,
                toml.line_of(table, index, key),
                f"unknown key {key!r} in [[{table}]]",
                hint,
            )


def _required(ctx: _Context, toml: TomlFile, table: str, index: int, row: dict, *keys: str) -> bool:
    ok = True
    for key in keys:
        value = row.get(key)
        if not isinstance(value, str) or not value.strip():
            label = row.get("name") or f"#{index + 1}"
            ctx.add(toml.path, toml.line_of(table, index), f"[[{table}]] {label} has no {key}",
                    f'add {key} = "…"')  # fmt: skip
            ok = False
    return ok


def _slug(ctx: _Context, toml: TomlFile, table: str, index: int, kind: str, row: dict) -> None:
    slug = row.get("slug")
    if not isinstance(slug, str) or not slug:
        return
    line = toml.line_of(table, index, "slug")
    if not SLUG.match(slug):
        ctx.add(toml.path, line, f"slug {slug!r} of {row.get('name')} is not a URL slug",
                "lower-case a-z, 0-9 and single hyphens")  # fmt: skip
    ctx.slugs.setdefault(slug, []).append((kind, str(row.get("name")), toml.path, line))


def _region_keys(ctx: _Context) -> tuple[set[str], dict[str, set[str]], dict[str, str]]:
    """(시·도 names, 시·도 → its 시·군·구 names, short form → 시·도) from regions.toml."""
    if ctx.regions is None:
        ctx.regions = _read_region_keys(ctx)
    return ctx.regions


def _read_region_keys(ctx: _Context) -> tuple[set[str], dict[str, set[str]], dict[str, str]]:
    toml = ctx.toml(ctx.content / "taxonomy" / "regions.toml")
    sidos: set[str] = set()
    sigungu: dict[str, set[str]] = defaultdict(set)
    shorts: dict[str, str] = {}
    if toml is None:
        return sidos, sigungu, shorts
    for row in toml.data.get("sido", []):
        if isinstance(row, dict) and isinstance(row.get("name"), str):
            sidos.add(row["name"])
            for short in (*row.get("short", ()), *row.get("former", ())):
                shorts[short] = row["name"]
    for row in toml.data.get("sigungu", []):
        if isinstance(row, dict) and isinstance(row.get("name"), str):
            sigungu[str(row.get("sido"))].add(row["name"])
    return sidos, sigungu, shorts


def _check_region_ref(
    ctx, toml, table, index, row, sido_key="sido", sigungu_key="sigungu", optional=False
):
    sidos, sigungu, shorts = _region_keys(ctx)
    if not sidos:
        return
    sido = row.get(sido_key, "")
    if optional and not sido:
        return
    if sido not in sidos:
        guess = shorts.get(sido) or (_hint(sido, sidos) or "").removeprefix("did you mean ").rstrip(
            "?"
        )
        hint = (
            f"did you mean {guess}?" if guess else "use the official 시·도 name from regions.toml"
        )
        ctx.add(toml.path, toml.line_of(table, index, sido_key),
                f"{row.get('name')}: unknown 시·도 {sido!r}", hint)  # fmt: skip
        return
    sub = row.get(sigungu_key, "")
    if sub and sub not in sigungu.get(sido, ()):
        hint = _hint(
            sub, sigungu.get(sido, set()), f'a 시·군·구 of {sido} from regions.toml, or ""'
        )
        ctx.add(toml.path, toml.line_of(table, index, sigungu_key),
                f"{row.get('name')}: {sido} has no 시·군·구 {sub!r}", hint)  # fmt: skip


# -- taxonomy -----------------------------------------------------------------------------------
def _check_regions(ctx: _Context, path: Path) -> None:
    toml = ctx.toml(path)
    if toml is None:
        if not path.exists():
            ctx.add(path, 1, "regions.toml is missing", "regenerate it: scripts/import_regions.py")
        return
    sidos = {r.get("name") for r in toml.data.get("sido", []) if isinstance(r, dict)}
    for table in ("sido", "sigungu"):
        for index, row in _rows(ctx, toml, table):
            _keys(ctx, toml, table, index, row, REGION_KEYS[table])
            keys = ("name", "slug", "sido") if table == "sigungu" else ("name", "slug")
            if _required(ctx, toml, table, index, row, *keys):
                _slug(ctx, toml, table, index, "region", row)
                if table == "sigungu" and row["sido"] not in sidos:
                    ctx.add(toml.path, toml.line_of(table, index, "sido"),
                            f"{row['name']}: unknown 시·도 {row['sido']!r}")  # fmt: skip


def _check_companies(ctx: _Context, folder: Path) -> None:
    curated_path, krx_path = folder / "companies.toml", folder / "companies_krx.toml"
    names: dict[str, tuple[Path, int]] = {}
    curated_ids: set[str] = set()
    surfaces: dict[str, list[tuple[str, bool, Path, int]]] = defaultdict(list)
    for path, curated in ((curated_path, True), (krx_path, False)):
        toml = ctx.toml(path)
        if toml is None:
            continue
        for index, row in _rows(ctx, toml, "company"):
            _keys(ctx, toml, "company", index, row, COMPANY_KEYS)
            if not _required(ctx, toml, "company", index, row, "name", "slug"):
                continue
            name, line = row["name"], toml.line_of("company", index)
            ticker = str(row.get("ticker", ""))
            if not curated and (name in curated_ids or (ticker and ticker in curated_ids)):
                continue  # curated into companies.toml: the loader skips this generated entry
            if curated:
                curated_ids.update({name, row["slug"], *([ticker] if ticker else [])})
            elif row["slug"] in curated_ids:
                ctx.add(path, toml.line_of("company", index, "slug"),
                        f"{name}: slug {row['slug']!r} is taken by a company in companies.toml",
                        "the loader drops this entry: rerun scripts/import_krx.py")  # fmt: skip
            if name in names:
                other = names[name]
                ctx.add(path, line, f"company {name!r} is listed twice",
                        f"also at {other[0].name}:{other[1]}")  # fmt: skip
            names.setdefault(name, (path, line))
            if ticker and not TICKER.match(ticker):
                ctx.add(path, toml.line_of("company", index, "ticker"),
                        f"{name}: ticker {ticker!r} is not a 6-character KRX code",
                        'use the KRX code (035720) or ""')  # fmt: skip
            aliases = row.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                ctx.add(path, toml.line_of("company", index, "aliases"),
                        f"{name}: aliases must be a list of names", 'aliases = ["Kakao"]')  # fmt: skip
                aliases = []
            cue = bool(row.get("cue_required", False))
            for surface in dict.fromkeys([name, *aliases]):
                key_line = toml.line_of("company", index, "aliases" if surface != name else "name")
                surfaces[surface].append((name, cue and not curated, path, key_line))
            _check_region_ref(ctx, toml, "company", index, row, "region", "sigungu", optional=True)
            _slug(ctx, toml, "company", index, "company", row)
    for surface, owners in surfaces.items():
        companies = {name for name, *_ in owners}
        if len(companies) < 2:
            continue
        # A generated name the tagger only takes with a company cue (딥마인드) may share a
        # curated alias on purpose; any other shared surface tags two companies at once.
        decisive = [o for o in owners if not o[1]]
        if len({name for name, *_ in decisive}) < 2:
            continue
        first = decisive[0]
        for name, _, path, line in decisive[1:]:
            if name == first[0]:
                continue
            ctx.add(path, line, f"{surface!r} names both {first[0]} and {name}",
                    f"a name may point to one company only (see {first[2].name}:{first[3]})")  # fmt: skip


def _check_places(ctx: _Context, path: Path) -> None:
    toml = ctx.toml(path)
    if toml is None:
        return
    seen: dict[str, tuple[str, int]] = {}
    for index, row in _rows(ctx, toml, "place"):
        _keys(ctx, toml, "place", index, row, PLACE_KEYS)
        if not _required(ctx, toml, "place", index, row, "name", "sido"):
            continue
        _check_region_ref(ctx, toml, "place", index, row)
        for surface in (row["name"], *row.get("aliases", [])):
            if surface in seen and seen[surface][0] != row["name"]:
                ctx.add(path, toml.line_of("place", index, "aliases" if surface != row["name"] else "name"),
                        f"{surface!r} names both places {seen[surface][0]} and {row['name']}",
                        f"see line {seen[surface][1]}")  # fmt: skip
            seen.setdefault(surface, (row["name"], toml.line_of("place", index)))


def _check_groups(ctx: _Context, path: Path) -> None:
    toml = ctx.toml(path)
    if toml is None:
        return
    sidos, _, shorts = _region_keys(ctx)
    for index, row in _rows(ctx, toml, "group"):
        _keys(ctx, toml, "group", index, row, GROUP_KEYS)
        if not _required(ctx, toml, "group", index, row, "name", "slug"):
            continue
        _slug(ctx, toml, "group", index, "group", row)
        for sido in row.get("sido", []):
            if sidos and sido not in sidos:
                guess = shorts.get(sido)
                hint = f"did you mean {guess}?" if guess else _hint(sido, sidos)
                ctx.add(path, toml.line_of("group", index, "sido"),
                        f"group {row['name']}: unknown 시·도 {sido!r}", hint)  # fmt: skip


def _check_topics(ctx: _Context, path: Path) -> None:
    toml = ctx.toml(path)
    if toml is None:
        return
    for index, row in _rows(ctx, toml, "topic"):
        if _required(ctx, toml, "topic", index, row, "name", "slug"):
            _slug(ctx, toml, "topic", index, "topic", row)


def _check_rejected(ctx: _Context, path: Path) -> None:
    toml = ctx.toml(path)
    if toml is None:
        return
    for index, row in _rows(ctx, toml, "rejected"):
        _keys(ctx, toml, "rejected", index, row, REJECTED_KEYS)
        _required(ctx, toml, "rejected", index, row, "name")


def _check_slug_collisions(ctx: _Context) -> None:
    for slug, owners in ctx.slugs.items():
        if len(owners) < 2:
            continue
        first_kind, first_name, first_path, first_line = owners[0]
        for kind, name, path, line in owners[1:]:
            ctx.add(path, line, f"slug {slug!r} of {kind} {name} is already used by "
                    f"{first_kind} {first_name}", f"see {first_path.name}:{first_line}; choose another")  # fmt: skip


# -- curation, sources, pages -------------------------------------------------------------------
def _check_curation(ctx: _Context, path: Path, taxonomy_dir: Path) -> None:
    toml = ctx.toml(path)
    if toml is None:
        return
    vocabulary = None
    if ctx.taxonomy is not None:
        topics = topic_names(taxonomy_dir) if ctx.toml(taxonomy_dir / "topics.toml") else []
        vocabulary = TagVocabulary.of(ctx.taxonomy, topics)
    _, problems = parse_curation(toml, vocabulary)
    ctx.problems.extend(problems)


def _check_sources(ctx: _Context, path: Path) -> None:
    toml = ctx.toml(path)
    if toml is None:
        return
    seen: dict[str, int] = {}
    for index, row in _rows(ctx, toml, "source"):
        line = toml.line_of("source", index)
        key = row.get("key")
        label = repr(key) if key else f"#{index + 1}"
        url = row.get("url")
        if not isinstance(url, str) or not url.strip():
            ctx.add(path, line, f"source {label} has no url", 'add url = "https://…/rss.xml"')
        elif not (url.startswith(("http://", "https://")) or url.startswith("__BASE__")):
            ctx.add(path, toml.line_of("source", index, "url"),
                    f"source {label}: url {url!r} is not an http(s) address")  # fmt: skip
        if isinstance(key, str):
            if key in seen:
                ctx.add(path, line, f"source key {key!r} is used twice", f"see line {seen[key]}")
            seen.setdefault(key, line)


def _check_pages(ctx: _Context, folder: Path) -> None:
    if not folder.is_dir():
        return
    slugs: dict[str, Path] = {}
    for path in sorted(folder.glob("*.md")):
        try:
            doc = read_markdown(path)
        except TomlSyntaxError as exc:
            ctx.add(path, exc.line, exc.message)
            continue
        meta, problems = page_meta(doc)
        ctx.problems.extend(problems)
        if meta is not None:
            if meta.slug in slugs:
                ctx.add(path, doc.line_of("slug"), f"page slug {meta.slug!r} is also used by "
                        f"{slugs[meta.slug].name}", "give one of them another slug")  # fmt: skip
            slugs.setdefault(meta.slug, path)


def _check_intros(ctx: _Context, folder: Path, kind: str) -> None:
    if not folder.is_dir():
        return
    known: set[str] = set()
    if ctx.taxonomy is not None:
        items = ctx.taxonomy.regions if kind == "region" else ctx.taxonomy.companies
        known = {item.slug for item in items}
    for path in sorted(folder.glob("*.md")):
        try:
            doc = read_markdown(path)
        except TomlSyntaxError as exc:
            ctx.add(path, exc.line, exc.message)
            continue
        ctx.problems.extend(check_meta(doc, INTRO_KEYS))
        if known and path.stem not in known:
            hint = _hint(
                path.stem, known, f"name the file after a {kind} slug from content/taxonomy/"
            )
            ctx.add(path, 1, f"no {kind} has the slug {path.stem!r}", hint)
        if not doc.body.strip():
            ctx.add(path, doc.body_line, "the introduction is empty", "write it or delete the file",
                    "warning")  # fmt: skip


def _run_loader(ctx: _Context, path: Path, loader: Loader) -> None:
    if not path.exists() or ctx.toml(path) is None:
        return  # missing (the stage uses its defaults) or a syntax error already reported
    try:
        loader(path)
    except Exception as exc:  # the owning stage's own validation, whatever its error type
        message = str(exc)
        message = message.removeprefix(f"{path}: ").removeprefix(f"{path}:")
        ctx.add(path, _line_named(ctx.toml(path), message), message.strip())


def _line_named(toml: TomlFile | None, message: str) -> int:
    """The line a loader's message most likely means: the first name it mentions that is a key
    (or a quoted value) in the file."""
    if toml is None:
        return 1
    lines = [line.split("#", 1)[0] for line in toml.text.splitlines()]
    quoted = [a or b for a, b in re.findall(r"'([^']+)'|\"([^\"]+)\"", message)]
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_-]*", message)
    for word in [*quoted, *words]:
        for number, line in enumerate(lines, start=1):
            if re.match(rf"\s*{re.escape(word)}\s*=", line) or f'"{word}"' in line:
                return number
    return 1
