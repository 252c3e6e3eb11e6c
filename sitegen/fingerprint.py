"""Dependency fingerprints of output pages: the records they show, their templates, the config.

A page's fingerprint is a digest of everything its bytes are made from: the template and every
template it extends or includes, the page's context (the article views, regions, companies and
pages it shows), the site config and template globals, and the source of the `sitegen` package
itself (so that a code change re-renders everything). A page whose fingerprint is unchanged since
the last render, and whose file is still there, need not be rendered again.

Fingerprints of the last render live beside the writer's manifest in `.sitegen-fingerprints.json`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import marshal
import os
import pickle
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from io import BytesIO
from operator import attrgetter
from pathlib import Path

import orjson
from jinja2 import Environment, TemplateNotFound, meta

from sitegen.writer import replace_file

log = logging.getLogger(__name__)

FINGERPRINTS = ".sitegen-fingerprints.json"
FORMAT = 2  # bump when the way fingerprints are computed changes
_DIGEST = 16


class Unfingerprintable(Exception):
    """A page's context holds a value with no stable digest (a function, a generator…)."""


def _blake(data: bytes = b"") -> hashlib.blake2b:
    return hashlib.blake2b(data, digest_size=_DIGEST)


_FIELDS: dict[type, Callable[[object], tuple] | None] = {}
_FIELD_COUNTS: dict[type, int] = {}


def _field_values(cls: type) -> Callable[[object], tuple] | None:
    """A fast getter of a dataclass's field values as a tuple (None for other classes)."""
    if cls not in _FIELDS:
        getter: Callable[[object], tuple] | None = None
        if dataclasses.is_dataclass(cls):
            names = [f.name for f in dataclasses.fields(cls)]
            _FIELD_COUNTS[cls] = len(names)
            if len(names) > 1:
                getter = attrgetter(*names)
            elif names:
                one = attrgetter(names[0])
                getter = lambda obj: (one(obj),)  # noqa: E731
            else:
                getter = lambda obj: ()  # noqa: E731
        _FIELDS[cls] = getter
    return _FIELDS[cls]


_ATOMS = frozenset({str, int, float, bool, bytes, type(None)})


def _record_digest(digest: bytes) -> bytes:
    """Stands for a record in a pickled context (referenced by name, never called)."""
    return digest


class _ContextPickler(pickle.Pickler):
    """Pickles a page context with every dataclass instance replaced by its memoised digest."""

    inline_below = 0  # dataclasses with fewer fields are pickled in place, not memoised

    def __init__(self, buffer: BytesIO, records: Fingerprinter) -> None:
        super().__init__(buffer, protocol=5)
        self.fast = True  # no memo: the bytes depend on values only, not on object sharing
        self.records = records

    def reducer_override(self, obj: object) -> object:
        cls = type(obj)
        getter = _field_values(cls)
        if getter is None:
            return NotImplemented
        if _FIELD_COUNTS[cls] < self.inline_below:
            return (cls, getter(obj))  # small and seldom shared (a tag link): cheaper in place
        return (_record_digest, (self.records.record(obj),))


class _RecordPickler(_ContextPickler):
    """Pickles a record's fields: small records inside it in place, large ones by digest."""

    inline_below = 8


class Fingerprinter:
    """Digests of page contexts. A context is pickled in one go (values only, no memo), with each
    dataclass instance (article view, region, company, page slice…) replaced by its digest, which
    is computed once per render and memoised by identity: a list of twenty article views costs
    twenty dictionary look-ups, not twenty serialisations.

    Sets are pickled in iteration order, which for strings changes between processes: a context
    holding a set gets a fingerprint that rarely repeats, so its page is simply rendered again.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}

    def _pickled(self, value: object, pickler: type[_ContextPickler] = _ContextPickler) -> bytes:
        buffer = BytesIO()
        try:
            pickler(buffer, self).dump(value)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as exc:
            raise Unfingerprintable(f"{type(value).__qualname__}: {exc}") from exc
        return buffer.getvalue()

    def digest(self, value: object) -> bytes:
        """A stable digest of a value; Unfingerprintable when it has none.

        A dict (a page context) is digested key by key without pickling the common shapes: a
        string, a record, a list or tuple of records (a page of articles) costs a few byte
        joins; anything else is pickled as before. Every part is length-prefixed and typed, so
        different contexts cannot give the same bytes.
        """
        if type(value) is not dict:
            return _blake(self._pickled(value)).digest()
        h = _blake(b"context")
        for key, item in value.items():
            part = self._part(item)
            name = str(key).encode("utf-8", "surrogatepass")
            h.update(b"%d:%s%d:" % (len(name), name, len(part)))
            h.update(part)
        return h.digest()

    def _part(self, item: object) -> bytes:
        kind = type(item)
        if kind is str:
            return b"s" + item.encode("utf-8", "surrogatepass")  # type: ignore[attr-defined]
        if item is None:
            return b"n"
        if _field_values(kind) is not None:
            return b"r" + self.record(item)
        if kind is list or kind is tuple:
            records = self._records(item)  # type: ignore[arg-type]
            if records is not None:
                return (b"L" if kind is list else b"T") + records
        return b"p" + self._pickled(item)

    def _records(self, items: list | tuple) -> bytes | None:
        """The joined digests of a list of records (a page of articles), or None when an item
        is not a record. Memoised digests are read inline: a site's pages list ~150,000."""
        memo = self._memo
        digests = []
        for item in items:
            known = memo.get(id(item))
            if known is not None and known[0] is item:
                digests.append(known[1])
            elif _field_values(type(item)) is not None:
                digests.append(self.record(item))
            else:
                return None
        return b"".join(digests)

    def _plain(self, values: tuple) -> bytes | None:
        """A record's field values as marshal bytes (version 2: no back-references, so equal
        values give equal bytes however they are shared), or None when a value is of a type
        marshal does not keep apart (str subclasses such as Markup, sets…): the pickler then
        digests the record. About half the cost of pickling an article view, whose fields are
        strings, a datetime and tuples of tag links.

        Each value that is not a str, int, float, bool, bytes or None is tagged: a datetime as
        (1, its ISO text), a list or tuple as (2, is-list, items), where a record among the items
        is (3, class name, its field values) when small (like the pickler's in-place records) or
        (4, its digest); so different values cannot give the same bytes."""
        out: list[object] = []
        for item in values:
            kind = type(item)
            if kind in _ATOMS:
                out.append(item)
            elif kind is datetime:
                out.append((1, item.isoformat()))  # type: ignore[attr-defined]
            elif kind is tuple or kind is list:
                items: list[object] = []
                for element in item:  # type: ignore[attr-defined]
                    inner = type(element)
                    if inner in _ATOMS:
                        items.append(element)
                        continue
                    getter = _field_values(inner)
                    if getter is None:
                        return None
                    if _FIELD_COUNTS[inner] < _RecordPickler.inline_below:
                        items.append(
                            (3, f"{inner.__module__}.{inner.__qualname__}", getter(element))
                        )
                    else:
                        items.append((4, self.record(element)))
                out.append((2, kind is list, tuple(items)))
            else:
                return None
        try:
            return marshal.dumps(tuple(out), 2)
        except ValueError:  # a str subclass or other unmarshallable value inside a record
            return None

    def record(self, value: object) -> bytes:
        """The digest of a dataclass instance, from its class and field values (memoised)."""
        key = id(value)
        known = self._memo.get(key)
        if known is not None and known[0] is value:
            return known[1]
        cls = type(value)
        getter = _field_values(cls)
        if getter is None:
            raise Unfingerprintable(f"{cls.__qualname__} is not a dataclass")
        values = getter(value)
        h = _blake(f"{cls.__module__}.{cls.__qualname__}".encode())
        plain = self._plain(values)
        h.update(
            b"m" + plain if plain is not None else b"p" + self._pickled(values, _RecordPickler)
        )
        digest = h.digest()
        self._memo[key] = (value, digest)  # holding the value keeps its id from being reused
        return digest


# -- what every page shares ------------------------------------------------------------------
def source_digest(paths: Iterable[Path]) -> bytes:
    """Digest of files' names and bytes (the sitegen code, static assets)."""
    h = _blake(b"files")
    for path in sorted(paths):
        h.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def code_digest() -> bytes:
    """Digest of the sitegen package's source: a code change re-renders every page."""
    here = Path(__file__).resolve().parent
    return source_digest(here.glob("*.py"))


def site_inputs(archive: str, templates: Path, values: object) -> str | None:
    """A digest of everything a render reads: the archive's digest, every file under the
    templates folder (templates and static assets), the sitegen code and the render's other
    arguments (taxonomy, config, curation…). None when one of those has no stable digest."""
    h = _blake(b"site v%d" % FORMAT)
    h.update(archive.encode())
    h.update(code_digest())
    h.update(source_digest(p for p in templates.rglob("*") if p.is_file()))
    try:
        h.update(Fingerprinter().digest(values))
    except Unfingerprintable as exc:
        log.debug("no whole-site fingerprint: %s", exc)
        return None
    return h.hexdigest()


class TemplateDigests:
    """Digest of each template together with every template it extends, includes or imports."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self._sources: dict[str, str] = {}
        self._refs: dict[str, set[str] | None] = {}
        self._digests: dict[str, bytes] = {}

    def _source(self, name: str) -> str:
        if name not in self._sources:
            loader = self.env.loader
            if loader is None:
                raise TemplateNotFound(name)
            self._sources[name] = loader.get_source(self.env, name)[0]
        return self._sources[name]

    def _direct(self, name: str) -> set[str] | None:
        """Templates `name` refers to; None when one of them is computed at render time."""
        if name not in self._refs:
            refs = meta.find_referenced_templates(self.env.parse(self._source(name)))
            found: set[str] = set()
            dynamic = False
            for ref in refs:
                if ref is None:
                    dynamic = True
                else:
                    found.add(ref)
            self._refs[name] = None if dynamic else found
        return self._refs[name]

    def closure(self, name: str) -> list[str]:
        """`name` and every template it depends on, sorted; all templates if any is dynamic."""
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            refs = self._direct(current)
            if refs is None:
                return sorted(self.env.list_templates())
            stack.extend(refs - seen)
        return sorted(seen)

    def digest(self, name: str) -> bytes:
        if name not in self._digests:
            h = _blake(b"templates")
            for dependency in self.closure(name):
                try:
                    source = self._source(dependency)
                except TemplateNotFound:
                    source = "\0missing"
                h.update(dependency.encode() + b"\0" + source.encode("utf-8") + b"\0")
            self._digests[name] = h.digest()
        return self._digests[name]


def globals_digest(env: Environment, fingerprinter: Fingerprinter) -> bytes:
    """Digest of the template globals that are data (the site config…); functions are code,
    except the templates a function renders (its `templates` attribute, e.g. a fragment cache),
    which count with everything they include."""
    h = _blake(b"globals")
    templates = TemplateDigests(env)
    for name in sorted(env.globals):
        value = env.globals[name]
        if callable(value):
            h.update(name.encode() + b"=callable")
            for template in getattr(value, "templates", ()):
                h.update(templates.digest(template))
            continue
        h.update(name.encode() + b"=")
        try:
            h.update(fingerprinter.digest(value))
        except Unfingerprintable as exc:  # unknown data: never skip a page rather than guess
            log.warning(
                "template global %r has no stable digest (%s); rendering every page", name, exc
            )
            h.update(os.urandom(16))
    return h.digest()


class PageFingerprints:
    """Computes each output's fingerprint from its template and context under one shared salt."""

    def __init__(self, env: Environment, extra: bytes = b"") -> None:
        self.records = Fingerprinter()
        self.templates = TemplateDigests(env)
        salt = _blake(b"v%d" % FORMAT)
        salt.update(code_digest())
        salt.update(globals_digest(env, self.records))
        salt.update(extra)
        self.salt = salt.digest()

    def page(self, path: str, template: str, context: Mapping[str, object]) -> str | None:
        """The fingerprint of a page, or None when its context cannot be digested."""
        try:
            h = _blake(self.salt)
            h.update(self.templates.digest(template))
            h.update(path.encode() + b"\0")
            h.update(self.records.digest(context))
        except Unfingerprintable as exc:
            log.debug("%s: rendered every time (%s)", path, exc)
            return None
        return h.hexdigest()

    def value(self, label: str, *values: object) -> str | None:
        """The fingerprint of a non-template output (a feed) from the values it is made of."""
        try:
            h = _blake(self.salt)
            h.update(label.encode() + b"\0")
            h.update(self.records.digest(values))
        except Unfingerprintable as exc:
            log.debug("%s: rebuilt every time (%s)", label, exc)
            return None
        return h.hexdigest()


# -- persistence -----------------------------------------------------------------------------
class FingerprintFile:
    """The fingerprints of the last complete render, by output file, beside the manifest."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / FINGERPRINTS
        self.inputs = ""  # the digest of everything the last render read (see site_inputs)
        self.pages = 0
        self.previous = self._load()
        self.current: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        try:
            data = orjson.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, orjson.JSONDecodeError) as exc:
            log.warning("%s: unreadable (%s); every page will be rendered", self.path, exc)
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        self.inputs = str(data.get("inputs") or "")
        self.pages = int(data.get("pages") or 0)
        files = data.get("files")
        return dict(files) if isinstance(files, dict) else {}

    def unchanged(self, relative: str, fingerprint: str | None) -> bool:
        """True when `relative` was made from the same inputs last time."""
        return fingerprint is not None and self.previous.get(relative) == fingerprint

    def record(self, relative: str, fingerprint: str | None) -> None:
        if fingerprint is not None:
            self.current[relative] = fingerprint

    def save(self, inputs: str | None = None, pages: int = 0) -> None:
        """Write this render's fingerprints (after every file is in place; atomically)."""
        # In the order the outputs were listed (the same on every run), not sorted again.
        data = {"format": FORMAT, "inputs": inputs or "", "pages": pages, "files": self.current}
        replace_file(self.path, orjson.dumps(data))

    def forget(self) -> None:
        """Drop the stored fingerprints (the next render renders every page)."""
        self.path.unlink(missing_ok=True)
