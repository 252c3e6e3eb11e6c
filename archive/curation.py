"""Editors' decisions per article, kept in content/curation.toml (the file in git is the truth).

The file is read with tomllib (with line numbers for messages) and edited with tomlkit, so that
editors' comments and the order of entries survive every `build.py curate`. Decisions are applied
when the site is rendered (and in the review queue), never copied into the archive: re-collecting
or re-tagging an article cannot undo them.

    [article.3f2a9c1b7d4e]            # one table per article, keyed by its 12-character id
    add = ["company:카카오", "region:충청북도 청주시"]
    remove = ["region:광주광역시"]
    hide = true                        # not published
    pin = true                         # featured on the home page, first in its lists
    title = "…"                        # replaces the collected headline
    excerpt = "…"                      # replaces the collected excerpt
    ai = false                         # not AI-related: not published
    relevance = "include"              # or "exclude": overrides the relevance filter
    note = "…"                         # why (for other editors; never published)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from archive.problems import Problem
from archive.records import TAG_KINDS, Article, Tag
from archive.store import Store
from archive.taxonomy import Taxonomy
from archive.tomlfile import TomlFile, TomlSyntaxError, read_toml, write_text_atomic

ARTICLE_ID = re.compile(r"^[0-9a-f]{12}$")
ENTRY_KEYS = ("add", "remove", "hide", "pin", "title", "excerpt", "ai", "relevance", "note")
RELEVANCE = ("include", "exclude")
EDITOR_SCORE = 1.0

HEADER = """\
# Editors' decisions per article. `build.py curate` edits this file and keeps your comments;
# `build.py check` validates it. See README.md, section "Editors".
"""


class CurationError(Exception):
    """curation.toml or a `curate` request is wrong; the message says where and what to do."""


@dataclass(frozen=True, slots=True, order=True)
class TagRef:
    """A tag named by an editor: `company:카카오`, `region:충청북도 청주시`, `topic:생성형 AI`."""

    kind: str
    key: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"

    @classmethod
    def parse(cls, text: str) -> TagRef:
        kind, sep, key = text.strip().partition(":")
        kind, key = kind.strip(), " ".join(key.split())
        if not sep or not key:
            raise CurationError(
                f"{text!r} is not a tag: write KIND:NAME, e.g. company:카카오 or region:충청북도"
            )
        if kind not in TAG_KINDS:
            close = difflib.get_close_matches(kind, TAG_KINDS, n=1)
            hint = f"did you mean {close[0]}:{key}?" if close else f"kinds: {', '.join(TAG_KINDS)}"
            raise CurationError(f"{text!r}: unknown tag kind {kind!r} ({hint})")
        return cls(kind, key)


@dataclass(frozen=True, slots=True)
class Decision:
    """What editors decided about one article."""

    article_id: str
    add: tuple[TagRef, ...] = ()
    remove: tuple[TagRef, ...] = ()
    hide: bool = False
    pin: bool = False
    title: str = ""
    excerpt: str = ""
    ai: bool | None = None
    relevance: str = ""
    note: str = ""
    line: int = 0

    @property
    def published(self) -> bool:
        """False when editors keep the article off the site (hidden, not AI, excluded)."""
        return not self.hide and self.ai is not False and self.relevance != "exclude"


@dataclass(frozen=True)
class Curation:
    """All decisions of a curation file, by full article id."""

    decisions: Mapping[str, Decision] = field(default_factory=dict)
    path: Path | None = None

    def get(self, article_id: str) -> Decision | None:
        return self.decisions.get(article_id)

    def apply(self, article_id: str, tags: list[Tag]) -> list[Tag]:
        """The article's tags with its decision (if any) applied."""
        decision = self.decisions.get(article_id)
        return apply_decision(tags, decision) if decision else list(tags)

    @property
    def pinned(self) -> frozenset[str]:
        """Ids of the published articles editors pinned (featured)."""
        return frozenset(i for i, d in self.decisions.items() if d.pin and d.published)

    def __len__(self) -> int:
        return len(self.decisions)


def curate_articles(
    articles: Iterable[Article], tags: Mapping[str, list[Tag]], curation: Curation
) -> tuple[list[Article], dict[str, list[Tag]]]:
    """The archive as editors decided: unpublished articles dropped, titles and excerpts
    replaced, tags added and removed. Pure; the archive itself is never changed."""
    kept: list[Article] = []
    curated: dict[str, list[Tag]] = {}
    for article in articles:
        decision = curation.get(article.id)
        if decision is None:
            kept.append(article)
            curated[article.id] = list(tags.get(article.id, []))
            continue
        if not decision.published:
            continue
        if decision.title or decision.excerpt:
            article = replace(
                article,
                title=decision.title or article.title,
                excerpt=decision.excerpt or article.excerpt,
            )
        kept.append(article)
        curated[article.id] = apply_decision(tags.get(article.id, []), decision)
    return kept, curated


# -- applying decisions (pure) ------------------------------------------------------------------
def apply_decision(tags: Iterable[Tag], decision: Decision) -> list[Tag]:
    """Editors win: removed tags go (a removed 시·도 takes its 시·군·구 along), added tags come
    with the editor's origin and full score, and a region is primary if none is left primary."""
    removed = set(decision.remove)
    removed_sido = {r.key for r in decision.remove if r.kind == "region" and " " not in r.key}
    kept: list[Tag] = []
    for tag in tags:
        if TagRef(tag.kind, tag.key) in removed:
            continue
        if tag.kind == "region" and tag.sido in removed_sido:
            continue
        kept.append(tag)
    wanted: list[TagRef] = []
    for ref in decision.add:
        wanted.append(ref)
        if ref.kind == "region" and " " in ref.key:
            wanted.append(TagRef("region", ref.key.split(" ", 1)[0]))
    by_ref = {TagRef(t.kind, t.key): i for i, t in enumerate(kept)}
    for ref in dict.fromkeys(wanted):
        if ref in removed:
            continue
        if ref in by_ref:
            old = kept[by_ref[ref]]
            kept[by_ref[ref]] = replace(old, score=max(old.score, EDITOR_SCORE), origin="editor")
        else:
            by_ref[ref] = len(kept)
            kept.append(Tag(ref.kind, ref.key, EDITOR_SCORE, origin="editor"))
    return _ensure_primary(kept)


def _ensure_primary(tags: list[Tag]) -> list[Tag]:
    sidos = [t for t in tags if t.kind == "region" and " " not in t.key]
    if not sidos or any(t.primary for t in sidos):
        return tags
    best = max(sidos, key=lambda t: (t.score, t.origin == "editor", t.key))
    return [replace(t, primary=True) if t is best else t for t in tags]


# -- what tag keys exist ------------------------------------------------------------------------
@dataclass(frozen=True)
class TagVocabulary:
    """The keys editors may name per kind, and the other names that point to them."""

    keys: Mapping[str, frozenset[str]]
    aliases: Mapping[str, Mapping[str, str]]

    @classmethod
    def of(cls, taxonomy: Taxonomy, topics: Iterable[str] = ()) -> TagVocabulary:
        regions = frozenset(r.key for r in taxonomy.regions)
        region_alias: dict[str, set[str]] = {}

        def alias(table: dict[str, set[str]], surface: str, key: str) -> None:
            table.setdefault(surface, set()).add(key)

        for region in taxonomy.regions:
            alias(region_alias, region.name, region.key)
            for other in (*region.short, *region.former):
                alias(region_alias, other, region.key)
            if region.level == 2:
                sido = taxonomy.region_by_key.get(region.sido)
                for short in sido.short if sido else ():
                    alias(region_alias, f"{short} {region.name}", region.key)
        for place in taxonomy.places:
            key = f"{place.sido} {place.sigungu}" if place.sigungu else place.sido
            for surface in (place.name, *place.aliases):
                alias(region_alias, surface, key)
        company_alias: dict[str, set[str]] = {}
        for company in taxonomy.companies:
            for surface in company.aliases:
                alias(company_alias, surface, company.name)
        group_alias: dict[str, set[str]] = {}
        for group in taxonomy.groups:
            for surface in group.aliases:
                alias(group_alias, surface, group.name)
        return cls(
            keys={
                "region": regions,
                "company": frozenset(c.name for c in taxonomy.companies),
                "group": frozenset(g.name for g in taxonomy.groups),
                "topic": frozenset(topics),
            },
            aliases={
                kind: {s: next(iter(k)) for s, k in table.items() if len(k) == 1}
                for kind, table in (
                    ("region", region_alias),
                    ("company", company_alias),
                    ("group", group_alias),
                )
            },
        )

    def knows(self, ref: TagRef) -> bool:
        return ref.key in self.keys.get(ref.kind, ())

    def suggestion(self, ref: TagRef) -> str:
        """The canonical key an unknown key most likely means, or ""."""
        aliases = self.aliases.get(ref.kind, {})
        if ref.key in aliases:
            return aliases[ref.key]
        pool = list(self.keys.get(ref.kind, ())) + list(aliases)
        close = difflib.get_close_matches(ref.key, pool, n=1, cutoff=0.6)
        if not close:
            return ""
        return aliases.get(close[0], close[0])

    def problem(self, ref: TagRef) -> tuple[str, str] | None:
        """(message, hint) when the key is unknown, else None."""
        if self.knows(ref):
            return None
        kind_name = {"region": "region", "company": "company", "group": "region group"}
        what = kind_name.get(ref.kind, ref.kind)
        if ref.kind == "topic" and not self.keys["topic"]:
            return (f"unknown topic {ref.key!r}", "there is no content/taxonomy/topics.toml yet")
        guess = self.suggestion(ref)
        if guess:
            hint = f"did you mean {ref.kind}:{guess}?"
        elif ref.kind == "company":
            hint = "add it first: build.py taxonomy add-company NAME --slug SLUG"
        else:
            hint = f"use a {what} name from content/taxonomy/"
        return (f"unknown {what} {ref.key!r} in {ref}", hint)

    def resolve(self, ref: TagRef) -> TagRef:
        """The canonical form of a tag an editor typed (충북 → 충청북도); unknown keys raise."""
        if self.knows(ref):
            return ref
        alias = self.aliases.get(ref.kind, {}).get(ref.key)
        if alias:
            return TagRef(ref.kind, alias)
        found = self.problem(ref)
        message, hint = found if found else (f"unknown {ref}", "")
        raise CurationError(f"{message} ({hint})" if hint else message)


def topic_names(taxonomy_dir: Path) -> list[str]:
    """Topic names from content/taxonomy/topics.toml ([[topic]] name = …), if the file exists."""
    path = taxonomy_dir / "topics.toml"
    if not path.exists():
        return []
    data = read_toml(path).data
    rows = data.get("topic", [])
    return [r["name"] for r in rows if isinstance(r, dict) and isinstance(r.get("name"), str)]


# -- reading ------------------------------------------------------------------------------------
def parse_curation(
    toml: TomlFile, vocabulary: TagVocabulary | None = None
) -> tuple[Curation, list[Problem]]:
    """The decisions of a parsed curation file and every problem in it (nothing is dropped
    silently: an entry with a problem is still returned without the wrong part)."""
    problems: list[Problem] = []

    def report(line: int, message: str, hint: str = "") -> None:
        problems.append(Problem(toml.path, line, message, hint))

    for key in toml.data:
        if key != "article":
            report(
                toml.line_of(key),
                f"unknown top-level key {key!r}",
                "write each decision as [article.ID]",
            )
    articles = toml.data.get("article", {})
    if not isinstance(articles, dict):
        report(toml.line_of("article"), "'article' must be a table", "write [article.ID]")
        articles = {}
    decisions: dict[str, Decision] = {}
    for ident, entry in articles.items():
        line = toml.line_of("article", ident)
        if not ARTICLE_ID.match(ident):
            hint = "use the full 12-character 기사 ID shown on the article page"
            if re.fullmatch(r"[0-9a-fA-F]{6,11}", ident):
                hint = (
                    f"{ident!r} looks like a prefix: `build.py curate {ident} …` writes the full id"
                )
            report(line, f"{ident!r} is not an article id", hint)
            continue
        if not isinstance(entry, dict):
            report(line, f"article {ident} must be a table", f"write [article.{ident}]")
            continue
        decisions[ident] = _decision(toml, ident, entry, line, report, vocabulary)
    return Curation(decisions, toml.path), problems


def _decision(toml, ident, entry, line, report, vocabulary) -> Decision:
    def where(key: str) -> int:
        return toml.line_of("article", ident, key)

    for key in entry:
        if key not in ENTRY_KEYS:
            close = difflib.get_close_matches(key, ENTRY_KEYS, n=1)
            hint = f"did you mean {close[0]}?" if close else f"keys: {', '.join(ENTRY_KEYS)}"
            report(where(key), f"unknown key {key!r} in [article.{ident}]", hint)
    values: dict[str, object] = {}
    for key in ("add", "remove"):
        refs: list[TagRef] = []
        raw = entry.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            report(where(key), f"{key} must be a list of tags", f'{key} = ["company:카카오"]')
            raw = []
        for text in raw:
            try:
                ref = TagRef.parse(text)
            except CurationError as exc:
                report(where(key), str(exc))
                continue
            found = vocabulary.problem(ref) if vocabulary else None
            if found:
                report(where(key), *found)
                continue
            refs.append(ref)
        values[key] = tuple(dict.fromkeys(refs))
    both = set(values["add"]) & set(values["remove"])  # type: ignore[arg-type]
    for ref in sorted(both):
        report(where("remove"), f"{ref} is both added and removed", "keep it in one list only")
    for key in ("hide", "pin", "ai"):
        if key in entry and not isinstance(entry[key], bool):
            report(where(key), f"{key} must be true or false", f"{key} = true")
        elif key in entry:
            values[key] = entry[key]
    for key in ("title", "excerpt", "note"):
        if key in entry:
            value = entry[key]
            if not isinstance(value, str) or (key != "note" and not value.strip()):
                report(where(key), f"{key} must be a non-empty string", "or delete the line")
            else:
                values[key] = value.strip()
    if "relevance" in entry:
        if entry["relevance"] not in RELEVANCE:
            report(
                where("relevance"),
                f"relevance must be one of {', '.join(RELEVANCE)}",
                "delete the line to let the relevance score decide",
            )
        else:
            values["relevance"] = entry["relevance"]
    return Decision(article_id=ident, line=line, **values)  # type: ignore[arg-type]


def load_curation(path: Path, vocabulary: TagVocabulary | None = None) -> Curation:
    """Read a curation file (missing: no decisions); any problem raises CurationError."""
    if not path.exists():
        return Curation({}, path)
    try:
        toml = read_toml(path)
    except TomlSyntaxError as exc:
        raise CurationError(f"{exc}; fix it, then run build.py check") from exc
    curation, problems = parse_curation(toml, vocabulary)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CurationError(f"{first.format()}{more}; run build.py check")
    return curation


# -- editing ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DecisionEdit:
    """A change to one article's decision, as asked on the command line.

    For flags, None means "leave as is"; `title=""` clears an override; `ai=True` clears
    `ai = false`; `relevance="auto"` clears `relevance`.
    """

    add: tuple[TagRef, ...] = ()
    remove: tuple[TagRef, ...] = ()
    reset: tuple[TagRef, ...] = ()
    hide: bool | None = None
    pin: bool | None = None
    title: str | None = None
    excerpt: str | None = None
    ai: bool | None = None
    relevance: str | None = None
    note: str | None = None


def edit_curation(path: Path, article_id: str, edit: DecisionEdit, comment: str = "") -> list[str]:
    """Apply an edit to one article's entry; returns what changed (empty: nothing did).

    Comments, order and formatting of the rest of the file are kept (tomlkit). A new entry gets
    `comment` (the article's title) beside its header; an entry left empty is removed.
    """
    if not ARTICLE_ID.match(article_id):
        raise CurationError(f"{article_id!r} is not a full article id")
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise CurationError(f"{path}: {exc}; fix the file first (build.py check)") from exc
    articles = doc.get("article")
    if articles is None:
        articles = tomlkit.table(is_super_table=True)
        doc.add("article", articles)
    if not isinstance(articles, Table):
        raise CurationError(f"{path}: 'article' must be a table; fix the file first")
    entry = articles.get(article_id)
    created = entry is None
    if entry is None:
        entry = tomlkit.table()
        if comment:
            entry.comment(_one_line(comment))
    changes = _edit_entry(entry, edit)
    if not changes:
        return []
    if created:
        articles.add(article_id, entry)
    elif not entry:
        del articles[article_id]
        changes.append("entry removed (nothing left to decide)")
    text = tomlkit.dumps(doc)
    write_text_atomic(path, text if text.endswith("\n") else text + "\n")
    return changes


def _edit_entry(entry: Table, edit: DecisionEdit) -> list[str]:
    changes: list[str] = []
    lists = {key: [str(v) for v in entry.get(key, [])] for key in ("add", "remove")}
    for ref in edit.reset:
        for key in ("add", "remove"):
            if str(ref) in lists[key]:
                lists[key].remove(str(ref))
                changes.append(f"~ {ref} (back to the tagger's decision)")
    for ref, into, other, sign in [(r, "add", "remove", "+") for r in edit.add] + [
        (r, "remove", "add", "-") for r in edit.remove
    ]:
        if str(ref) in lists[other]:
            lists[other].remove(str(ref))
        if str(ref) not in lists[into]:
            lists[into].append(str(ref))
            changes.append(f"{sign} {ref}")
    for key in ("add", "remove"):
        before = [str(v) for v in entry.get(key, [])]
        if lists[key] == before:
            continue
        if lists[key]:
            array = tomlkit.array()
            array.extend(lists[key])
            entry[key] = array
        elif key in entry:
            del entry[key]
    for key, value in (("hide", edit.hide), ("pin", edit.pin)):
        if value is None:
            continue
        changes += _set_or_clear(entry, key, True if value else None)
    if edit.ai is not None:
        changes += _set_or_clear(entry, "ai", None if edit.ai else False)
    if edit.relevance is not None:
        if edit.relevance not in (*RELEVANCE, "auto"):
            raise CurationError(
                f"relevance must be include, exclude or auto, not {edit.relevance!r}"
            )
        changes += _set_or_clear(
            entry, "relevance", None if edit.relevance == "auto" else edit.relevance
        )
    for key, value in (("title", edit.title), ("excerpt", edit.excerpt), ("note", edit.note)):
        if value is None:
            continue
        changes += _set_or_clear(entry, key, value.strip() or None)
    return changes


def _set_or_clear(entry: Table, key: str, value: object) -> list[str]:
    old = entry.get(key)
    old_value = old.unwrap() if hasattr(old, "unwrap") else old
    if value is None:
        if key in entry:
            del entry[key]
            return [f"{key}: {_show(old_value)} → (unset)"]
        return []
    had = key in entry
    if had and old_value == value:
        return []
    entry[key] = value
    return [f"{key}: {_show(old_value) if had else '(unset)'} → {_show(value)}"]


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _one_line(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_article(store: Store, ident: str) -> Article:
    """The archived article an editor means: a full id, an id prefix (6+ characters) or a URL."""
    ident = ident.strip()
    found = store.article(ident)
    if found is not None:
        return found
    if len(ident) < 6 and not ident.startswith("http"):
        raise CurationError(f"{ident!r}: give at least 6 characters of the 기사 ID")
    rows = store.conn.execute(
        "SELECT id, title FROM articles WHERE id LIKE ? ORDER BY id LIMIT 6", (ident.lower() + "%",)
    ).fetchall()
    if len(rows) > 1:
        listed = "; ".join(f"{r['id']} {r['title'][:30]}" for r in rows[:5])
        raise CurationError(f"{ident!r} matches several articles ({listed}): give more characters")
    raise CurationError(
        f"no article {ident!r} in {store.path}; the 기사 ID is shown on each article page "
        "(check --archive if you use another archive)"
    )


def decision_json(decision: Decision) -> dict[str, object]:
    """An editor's decision as plain data (for `explain --json`)."""
    data: dict[str, object] = {
        "line": decision.line,
        "add": [str(r) for r in decision.add],
        "remove": [str(r) for r in decision.remove],
        "published": decision.published,
    }
    for key in ("hide", "pin"):
        if getattr(decision, key):
            data[key] = True
    for key in ("title", "excerpt", "relevance", "note"):
        if getattr(decision, key):
            data[key] = getattr(decision, key)
    if decision.ai is not None:
        data["ai"] = decision.ai
    return data


def format_decision(decision: Decision, path: Path) -> str:
    """What editors decided about an article, for people (`explain`): it wins over the tags."""
    lines = [f"editors' decision ({path}:{decision.line}), applied over the tags above:"]
    lines += [f"  + {ref}" for ref in decision.add]
    lines += [f"  - {ref}" for ref in decision.remove]
    if not decision.published:
        why = "hidden" if decision.hide else "not AI" if decision.ai is False else "excluded"
        lines.append(f"  not published ({why})")
    if decision.pin:
        lines.append("  pinned")
    for key in ("title", "excerpt", "relevance", "note"):
        if getattr(decision, key):
            lines.append(f"  {key}: {getattr(decision, key)}")
    return "\n".join(lines)
