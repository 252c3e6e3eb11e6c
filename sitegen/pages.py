"""Editors' Markdown: content/pages/*.md become pages (/about/ …) and content/regions/<slug>.md,
content/companies/<slug>.md an introduction at the top of that region's or company's page.

Markdown is rendered with Python-Markdown and then sanitised with nh3 (no scripts, no event
handlers, no inline styles), and site-relative links (/regions/jeju/) get the site's base path.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from markupsafe import Markup

from archive import frontmatter
from archive.content_cache import DigestCache, code_stamp, files_digest, tree_files
from archive.frontmatter import INTRO_KEYS, as_date, check_meta, page_meta, read_markdown
from archive.problems import Problem
from archive.tomlfile import TomlSyntaxError

log = logging.getLogger(__name__)

_VARIABLE = re.compile(r"\{\{\s*(site\.[a-z_]+)\s*\}\}")

ALLOWED_TAGS = {
    *("p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code"),
    *("ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b", "i", "del", "sup", "sub"),
    *("a", "img", "table", "thead", "tbody", "tr", "th", "td", "abbr", "figure", "figcaption"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "*": {"id"},
}


class PageError(Exception):
    """An editor's Markdown file cannot be published; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class ContentPage:
    """A page written by editors, at /<slug>/."""

    slug: str
    title: str
    html: Markup
    description: str = ""
    date: dt.date | None = None
    updated: dt.date | None = None
    menu: str = ""
    order: int = 0
    source: Path | None = None

    @property
    def path(self) -> str:
        return f"/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Intro:
    """An editor's introduction shown at the top of a region's or company's page."""

    html: Markup
    title: str = ""
    updated: dt.date | None = None


@dataclass(frozen=True)
class Editorial:
    """All editors' Markdown of a content folder, rendered."""

    pages: tuple[ContentPage, ...] = ()
    region_intros: dict[str, Intro] = field(default_factory=dict)
    company_intros: dict[str, Intro] = field(default_factory=dict)

    @property
    def menu(self) -> list[ContentPage]:
        """Pages with a menu label, by their `order`, then title."""
        return sorted((p for p in self.pages if p.menu), key=lambda p: (p.order, p.title))


def render_markdown(
    text: str, base_path: str = "/", variables: Mapping[str, str] | None = None
) -> Markup:
    """Markdown → sanitised HTML; site-relative links and images get `base_path`, and
    `{{ site.contact_url }}`-style placeholders the site settings' values."""
    import markdown  # here: a render whose pages come from the cache never loads it

    text = _VARIABLE.sub(lambda m: (variables or {}).get(m.group(1), m.group(0)), text)
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")

    def rebase(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src") and value.startswith("/") and not value.startswith("//"):
            return base_path.rstrip("/") + value
        return value

    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
        attribute_filter=rebase,
    )
    return Markup(clean.strip())


def _raise_first(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.is_error]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise PageError(f"{errors[0].format()}{more}; run build.py check")


def load_pages(
    folder: Path, base_path: str = "/", variables: Mapping[str, str] | None = None
) -> tuple[ContentPage, ...]:
    """Every non-draft page of content/pages/, sorted by slug."""
    pages: list[ContentPage] = []
    if not folder.is_dir():
        return ()
    for path in sorted(folder.glob("*.md")):
        try:
            doc = read_markdown(path)
        except TomlSyntaxError as exc:
            raise PageError(f"{exc}; run build.py check") from exc
        meta, problems = page_meta(doc)
        _raise_first(problems)
        assert meta is not None
        if meta.draft:
            log.info("%s: draft, not published", path)
            continue
        pages.append(
            ContentPage(
                slug=meta.slug,
                title=meta.title,
                html=render_markdown(doc.body, base_path, variables),
                description=meta.description,
                date=meta.date,
                updated=meta.updated,
                menu=meta.menu,
                order=meta.order,
                source=path,
            )
        )
    slugs = [p.slug for p in pages]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise PageError(f"{folder}: two pages use the slug {duplicates[0]!r}; run build.py check")
    return tuple(sorted(pages, key=lambda p: p.slug))


def load_intros(
    folder: Path, base_path: str = "/", variables: Mapping[str, str] | None = None
) -> dict[str, Intro]:
    """slug → introduction, from <slug>.md files (drafts skipped)."""
    intros: dict[str, Intro] = {}
    if not folder.is_dir():
        return intros
    for path in sorted(folder.glob("*.md")):
        try:
            doc = read_markdown(path)
        except TomlSyntaxError as exc:
            raise PageError(f"{exc}; run build.py check") from exc
        _raise_first(check_meta(doc, INTRO_KEYS))
        if doc.meta.get("draft") or not doc.body.strip():
            continue
        intros[path.stem] = Intro(
            html=render_markdown(doc.body, base_path, variables),
            title=str(doc.meta.get("title", "")),
            updated=as_date(doc.meta.get("updated")),
        )
    return intros


def site_variables(config: object) -> dict[str, str]:
    """`site.title`, `site.contact_url`… : the string settings a page may quote."""
    names = getattr(config, "__dataclass_fields__", {})
    values = {f"site.{name}": getattr(config, name) for name in names}
    return {key: value for key, value in values.items() if isinstance(value, str)}


EDITORIAL_FOLDERS = ("pages", "regions", "companies")


def load_editorial(
    content_dir: Path, config: object | None = None, cache: DigestCache | None = None
) -> Editorial:
    """Pages and introductions of a content folder, ready to render with a SiteConfig. With a
    `cache`, the result is kept under a digest of those folders' files, the settings pages may
    quote and this module's code, and reused while they are unchanged (turning the Markdown
    into sanitised HTML is most of a no-change render's start otherwise)."""
    base_path = getattr(config, "base_path", "/")
    variables = site_variables(config) if config is not None else {}
    if cache is None:
        return _editorial(content_dir, base_path, variables)
    files = [f for name in EDITORIAL_FOLDERS for f in tree_files(content_dir / name)]
    key = "|".join(
        (
            files_digest(files, content_dir),
            code_stamp([Path(__file__), Path(frontmatter.__file__).parent]),  # + archive/
            repr((str(content_dir), base_path, sorted(variables.items()))),
        )
    )
    found = cache.get("editorial", content_dir, key)
    if isinstance(found, Editorial):
        return found
    editorial = _editorial(content_dir, base_path, variables)
    cache.put("editorial", content_dir, key, editorial)
    return editorial


def _editorial(content_dir: Path, base_path: str, variables: dict[str, str]) -> Editorial:
    return Editorial(
        pages=load_pages(content_dir / "pages", base_path, variables),
        region_intros=load_intros(content_dir / "regions", base_path, variables),
        company_intros=load_intros(content_dir / "companies", base_path, variables),
    )
