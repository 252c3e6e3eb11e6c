"""Editors' Markdown files: TOML front matter between `+++` lines (Hugo's convention), then text.

    +++
    title = "소개"
    description = "지역 AI 뉴스는 …"
    updated = 2026-11-02
    +++
    본문 (Markdown)

Pages (content/pages/*.md) need a title; introductions (content/regions/<slug>.md,
content/companies/<slug>.md) may have no front matter at all. Reading is pure and strict: every
problem is reported with its line, never guessed around.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.problems import Problem
from archive.tomlfile import TomlSyntaxError, parse_toml

FENCE = "+++"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAGE_KEYS = ("title", "description", "slug", "date", "updated", "menu", "order", "draft")
INTRO_KEYS = ("title", "updated", "draft")
# First path segments the site itself uses: a page may not take them.
RESERVED_SLUGS = frozenset(
    {"regions", "companies", "topics", "articles", "archive", "static", "search", "pagefind",
     "map", "pages", "feed.xml", "sitemap.xml", "robots.txt", "404", "review", "__preview"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MarkdownFile:
    """A Markdown file split into its front matter and body, with the body's first line."""

    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int
    meta_lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.meta_lines.get((key,), 2 if self.meta else 1)


@dataclass(frozen=True, slots=True)
class PageMeta:
    """A page's validated front matter."""

    title: str
    slug: str
    description: str = ""
    date: dt.date | None = None
    updated: dt.date | None = None
    menu: str = ""
    order: int = 0
    draft: bool = False


def split_front_matter(path: Path, text: str) -> MarkdownFile:
    """Split `+++` TOML front matter from the body; TomlSyntaxError names the line."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        if lines and lines[0].strip() == "---":
            raise TomlSyntaxError(
                path, 1, "front matter must be TOML between +++ lines, not YAML between ---"
            )
        return MarkdownFile(path, {}, text, 1)
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            head = "".join(lines[1:index])
            try:
                toml = parse_toml(path, head)
            except TomlSyntaxError as exc:
                raise TomlSyntaxError(path, exc.line + 1, exc.message) from exc
            meta_lines = {key: line + 1 for key, line in toml.lines.items()}
            return MarkdownFile(path, toml.data, "".join(lines[index + 1 :]), index + 2, meta_lines)
    raise TomlSyntaxError(path, 1, "front matter opened with +++ is never closed")


def read_markdown(path: Path) -> MarkdownFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TomlSyntaxError(path, 1, "not UTF-8: save the file as UTF-8") from exc
    return split_front_matter(path, text)


def as_date(value: object) -> dt.date | None:
    """A front matter date (TOML date or datetime, or an ISO string), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def check_meta(doc: MarkdownFile, allowed: tuple[str, ...]) -> list[Problem]:
    """Problems in front matter: unknown keys, wrong types, bad dates, a bad slug."""
    problems: list[Problem] = []
    for key, value in doc.meta.items():
        line = doc.line_of(key)
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]}?" if close else f"keys: {', '.join(allowed)}"
            problems.append(Problem(doc.path, line, f"unknown front matter key {key!r}", hint))
        elif key in ("date", "updated") and as_date(value) is None:
            problems.append(
                Problem(doc.path, line, f"{key} {value!r} is not a date", f"{key} = 2026-11-02")
            )
        elif key in ("title", "description", "menu", "slug") and not isinstance(value, str):
            problems.append(Problem(doc.path, line, f"{key} must be a string", f'{key} = "…"'))
        elif key == "order" and (not isinstance(value, int) or isinstance(value, bool)):
            problems.append(Problem(doc.path, line, "order must be a whole number", "order = 1"))
        elif key == "draft" and not isinstance(value, bool):
            problems.append(Problem(doc.path, line, "draft must be true or false"))
        elif key == "slug" and not SLUG.match(value):
            problems.append(
                Problem(
                    doc.path, line, f"slug {value!r} is not a URL slug", "lower-case a-z, 0-9 and -"
                )
            )
    return problems


def page_meta(doc: MarkdownFile) -> tuple[PageMeta | None, list[Problem]]:
    """A page's front matter as PageMeta, or None and the problems that prevent it."""
    problems = check_meta(doc, PAGE_KEYS)
    title = doc.meta.get("title")
    if not doc.meta:
        problems.append(
            Problem(
                doc.path, 1, "page has no front matter", 'start it with +++ / title = "…" / +++'
            )
        )
    elif not isinstance(title, str) or not title.strip():
        problems.append(
            Problem(doc.path, 1, "page has no title", 'add title = "…" to its front matter')
        )
    slug = doc.meta.get("slug", doc.path.stem)
    if "slug" not in doc.meta and not SLUG.match(slug):
        problems.append(
            Problem(doc.path, 1, f"file name {doc.path.name!r} is not a URL slug",
                    'rename it (about.md) or set slug = "…"')
        )  # fmt: skip
    if isinstance(slug, str) and slug in RESERVED_SLUGS:
        problems.append(
            Problem(doc.path, doc.line_of("slug"), f"slug {slug!r} is used by the site itself",
                    "choose another slug")
        )  # fmt: skip
    if problems:
        return None, problems
    meta = doc.meta
    return (
        PageMeta(
            title=meta["title"].strip(),
            slug=slug,
            description=meta.get("description", "").strip(),
            date=as_date(meta.get("date")),
            updated=as_date(meta.get("updated")),
            menu=meta.get("menu", "").strip(),
            order=meta.get("order", 0),
            draft=meta.get("draft", False),
        ),
        [],
    )
