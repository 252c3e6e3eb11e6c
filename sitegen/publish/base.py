"""What every publish target shares: the files of a rendered site, their HTTP headers, the report.

A target (directory, git branch, S3 bucket) takes the rendered folder (`public/`) and makes it
the live site; only the files the site is made of are published, never the render's own
bookkeeping (`.sitegen-*` manifests, `.tmp-*` files left by a killed render).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

INTERNAL_PREFIXES = (".sitegen-", ".tmp-")

# Types the site is made of, with the charset for text (mimetypes alone guesses xml wrongly).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".ico": "image/x-icon",
}

SHORT = "public, max-age=300"  # pages and feeds: the site changes every hour
LONG = "public, max-age=86400"  # styles, scripts, fonts, images
NEVER = "no-cache"  # the run report: always revalidate


class PublishError(Exception):
    """The site could not be published; the message names the target and what to do."""


def is_internal(relative: str) -> bool:
    return any(part.startswith(INTERNAL_PREFIXES) for part in relative.split("/"))


def site_files(source: Path) -> dict[str, Path]:
    """Every file of a rendered site by its relative path (sorted), without internal files."""
    if not (source / "index.html").is_file():
        raise PublishError(
            f"{source}: no index.html; render the site first (build.py render) or pass --source"
        )
    files = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_file() and not is_internal(relative):
            files[relative] = path
    return files


def content_type(relative: str) -> str:
    """The Content-Type a file is served with."""
    name = relative.rsplit("/", 1)[-1]
    if name.endswith(".xml"):
        return (
            "application/xml; charset=utf-8"
            if name == "sitemap.xml"
            else "application/atom+xml; charset=utf-8"
        )
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed = mimetypes.guess_type(name)[0]
    return guessed or "application/octet-stream"


def cache_control(relative: str) -> str:
    """The Cache-Control a file is served with: short for pages and feeds, long for assets."""
    if relative == "_status.json":
        return NEVER
    kind = content_type(relative)
    if kind.startswith(("text/html", "application/atom", "application/xml", "text/plain")):
        return SHORT
    if relative.startswith("pagefind/") and relative.endswith((".js", ".css", ".json")):
        return SHORT  # Pagefind's entry points name the current index
    return LONG


def md5_file(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class PublishReport:
    """What a publish did: files sent, deleted, left as they were."""

    target: str
    destination: str
    files: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0
    version: str = ""  # the release, commit or run that is now live
    previous: str = ""  # what `--rollback` would go back to
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Target(ABC):
    """A place the site is published to."""

    name: str = "target"

    @abstractmethod
    def publish(self, source: Path) -> PublishReport:
        """Make the rendered site in `source` the live site."""

    @abstractmethod
    def rollback(self) -> PublishReport:
        """Make the previously published site live again."""
