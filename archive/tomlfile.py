"""Read a TOML file with tomllib and remember the line of every table and key, for messages."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

KeyPath = tuple[str | int, ...]

_SYNTAX_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_ARRAY_TABLE = re.compile(r"^\s*\[\[(.+?)\]\]\s*(?:#.*)?$")
_TABLE = re.compile(r"^\s*\[(?!\[)(.+?)\]\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*="""
)
_KEY_PART = re.compile(r"""\s*([A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')\s*(?:\.|$)""")


class TomlSyntaxError(Exception):
    """A TOML file cannot be read: the message names the file, the line and what is wrong."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class TomlFile:
    """A parsed TOML file, its text, and the line where each table and key is written."""

    path: Path
    text: str
    data: dict[str, Any]
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, *key: str | int) -> int:
        """The line of a key path (("company", 3, "aliases")); the nearest known parent, else 1."""
        path: KeyPath = tuple(key)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def _unquote(part: str) -> str:
    if part.startswith('"'):
        return tomllib.loads(f"k = {part}")["k"]
    if part.startswith("'"):
        return part[1:-1]
    return part


def split_key(text: str) -> tuple[str, ...]:
    """A dotted TOML key as its parts: 'article."a b".x' → ('article', 'a b', 'x')."""
    return tuple(_unquote(m.group(1)) for m in _KEY_PART.finditer(text.strip()))


def index_lines(text: str) -> dict[KeyPath, int]:
    """Line numbers (1-based) of table headers and keys; arrays of tables get their index.

    A line scanner, not a parser: it skips multi-line strings and is exact for the tables,
    arrays of tables and `key = value` lines that content files are made of.
    """
    lines: dict[KeyPath, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: KeyPath = ()
    in_string = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2 == 1:
                in_string = ""
            continue
        if match := _ARRAY_TABLE.match(line):
            name = split_key(match.group(1))
            index = counts.get(name, -1) + 1
            counts[name] = index
            prefix = _resolve_prefix(name, counts)
            table = (*prefix, index)
            lines.setdefault(table, number)
            lines.setdefault(prefix, number)
        elif match := _TABLE.match(line):
            table = _resolve_prefix(split_key(match.group(1)), counts)
            lines.setdefault(table, number)
        elif match := _KEY.match(line):
            key = (*table, *split_key(match.group(1)))
            lines.setdefault(key, number)
            rest = line[match.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_string = quote
    return lines


def _resolve_prefix(name: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> KeyPath:
    """[[company.alias]] under the 3rd [[company]] is ('company', 2, 'alias')."""
    path: list[str | int] = []
    for i, part in enumerate(name):
        path.append(part)
        parent = name[: i + 1]
        if i < len(name) - 1 and parent in counts:
            path.append(counts[parent])
    return tuple(path)


def parse_toml(path: Path, text: str) -> TomlFile:
    """Parse TOML text that came from `path`; syntax errors become TomlSyntaxError with a line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _SYNTAX_AT.search(message)
        line = int(where.group(1)) if where else 1
        message = _SYNTAX_AT.sub("", message).strip()
        if where:
            message += f" (column {where.group(2)})"
        raise TomlSyntaxError(path, line, f"TOML syntax: {message}") from exc
    return TomlFile(path, text, data, index_lines(text))


def read_toml(path: Path | str) -> TomlFile:
    """Read and parse a TOML file; cached by modification time and size (for the watcher)."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise TomlSyntaxError(path, 1, "file not found") from exc
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime_ns: int, size: int) -> TomlFile:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TomlSyntaxError(Path(path), line, "not UTF-8: save the file as UTF-8") from exc
    return parse_toml(Path(path), text)


def write_text_atomic(path: Path, text: str) -> None:
    """Replace a file's text in one rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
