"""Search: the nouns each article page feeds to Pagefind, and running the pinned Pagefind.

Pagefind splits Korean on spaces, so 카카오가 is one word and 데이터센터를 another. Each article
page therefore carries the nouns the tagger's analyzer found (read from the archive's stored
analyses, never by running the analyzer here) as a hidden, low-weight block that Pagefind indexes.
"""

from __future__ import annotations

import json
import logging
import marshal
import re
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.records import Article, content_hash
from archive.store import Store
from sitegen.writer import replace_file

log = logging.getLogger(__name__)

NOUN_TAGS = frozenset({"NNG", "NNP", "SL"})  # common and proper nouns, Latin-script words
# How nlp.document.doc_text joins an article's title and body before analysis; the analyses are
# keyed by the hash of that text (sitegen must not import nlp, tests check the two agree).
TITLE_GAP = "\n\n"
MAX_NOUNS = 400
OUTPUT = "pagefind"
_STAGING = ".pagefind-staging"
_RETIRED = ".pagefind-old"


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says what to run."""


def analysed_text(article: Article) -> str:
    """The text whose analysis the archive stores for an article."""
    return f"{article.title}{TITLE_GAP}{article.text}"


def nouns_from_analysis(text: str, raw: str) -> tuple[str, ...]:
    """The distinct nouns of an analysis (parallel arrays {"s", "e", "t"} over ``text``), in the
    order they first occur, plus each pair of nouns written together (울산AI데이터센터를 gives
    울산, AI, 데이터, 센터 and 데이터센터...); one-character words and numbers are left out."""
    try:
        data = json.loads(raw)
        spans = [
            (int(start), int(end))
            for start, end, tag in zip(data["s"], data["e"], data["t"], strict=False)
            if tag in NOUN_TAGS and 0 <= int(start) < int(end) <= len(text)
        ]
    except (ValueError, KeyError, TypeError):
        return ()
    seen: dict[str, None] = {}

    def add(word: str) -> None:
        word = word.strip()
        if len(word) > 1 and not word.isdigit() and len(seen) < MAX_NOUNS:
            seen.setdefault(word, None)

    for i, (start, end) in enumerate(spans):
        add(text[start:end])
        if i + 1 < len(spans) and spans[i + 1][0] == end:  # the next noun is glued to this one
            add(text[start : spans[i + 1][1]])
    return tuple(seen)


def article_nouns(store: Store, articles: Iterable[Article]) -> dict[str, tuple[str, ...]]:
    """Nouns per article id, from the archive's stored analyses (articles not yet analysed: none)."""
    texts = {a.id: analysed_text(a) for a in articles}
    digests = {ident: content_hash(text) for ident, text in texts.items()}
    stored = store.analyses_any(sorted(set(digests.values())))
    result: dict[str, tuple[str, ...]] = {}
    for ident, digest in digests.items():
        raw = stored.get(digest)
        if raw is not None:
            result[ident] = nouns_from_analysis(texts[ident], raw)
    missing = len(texts) - len(result)
    if missing:
        log.info("search: %d of %d articles have no stored analysis yet", missing, len(texts))
    return result


WORDS_FORMAT = 1  # bump when the words cache file's layout or the words themselves change


def article_words(
    store: Store, articles: Iterable[Article], cache_file: Path | None = None
) -> dict[str, str]:
    """Each article's search words (`nouns_from_analysis`, joined by spaces), by id; articles
    without a stored analysis or nouns get none.

    Only what changed is read from the archive. `cache_file` keeps each article's words under
    its content hash (title and text) with the analysis they came from; an entry holds while
    the analysis `Store.analyses_any` would now pick is still that one. The others' texts and
    analyses are read (a few per run, or all on the first), and the file is rewritten with the
    current articles' entries only. The articles need no text (`Store.articles(texts=False)`).
    """
    hashes = store.content_hashes()
    analyzers = store.analyzers()
    cached = _load_words(cache_file)
    entries: dict[str, tuple[str, str, str]] = {}
    result: dict[str, str] = {}
    missing: list[str] = []
    for article in articles:
        digest = hashes.get(article.id, "")
        entry = cached.get(digest)
        if entry is not None and analyzers.get(entry[0], "") == entry[1]:
            entries[digest] = entry
            if entry[2]:
                result[article.id] = entry[2]
        else:
            missing.append(article.id)
    if missing:
        texts = store.texts(missing)
        keys = {
            ident: content_hash(f"{title}{TITLE_GAP}{text}")
            for ident, (title, text) in texts.items()
        }
        stored = store.analyses_any(sorted(set(keys.values())))
        for ident, (title, text) in texts.items():
            key = keys[ident]
            raw = stored.get(key)
            words = " ".join(nouns_from_analysis(f"{title}{TITLE_GAP}{text}", raw)) if raw else ""
            entries[hashes[ident]] = (key, analyzers.get(key, "") if raw else "", words)
            if words:
                result[ident] = words
    unanalysed = sum(1 for key, analyzer, _ in entries.values() if not analyzer)
    if unanalysed:
        log.info("search: %d of %d articles have no stored analysis yet", unanalysed, len(entries))
    if cache_file is not None and (missing or len(entries) != len(cached)):
        _save_words(cache_file, entries)
    return result


def _load_words(cache_file: Path | None) -> dict[str, tuple[str, str, str]]:
    """The words cache (content hash → (analysis hash, analyzer, words)); {} when missing,
    unreadable or of another format: the words are then read again, never guessed."""
    if cache_file is None:
        return {}
    try:
        data = marshal.loads(cache_file.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, EOFError, TypeError) as exc:
        log.debug("ignoring unreadable search words cache %s: %s", cache_file, exc)
        return {}
    if not isinstance(data, dict) or data.get("format") != WORDS_FORMAT:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _save_words(cache_file: Path, entries: dict[str, tuple[str, str, str]]) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        replace_file(cache_file, marshal.dumps({"format": WORDS_FORMAT, "entries": entries}))
    except OSError as exc:  # a cache: the words are read from the archive again next time
        log.warning("could not write the search words cache %s (%s)", cache_file, exc)


@dataclass(frozen=True, slots=True)
class SearchReport:
    pages: int
    words: int
    filters: int
    seconds: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "pages": self.pages,
            "words": self.words,
            "filters": self.filters,
            "seconds": round(self.seconds, 2),
        }


def pagefind_binary(node_modules: Path) -> Path:
    """The pinned Pagefind runner that `npm ci` installs (package-lock.json)."""
    return node_modules / ".bin" / "pagefind"


def build_search_index(site_dir: Path, node_modules: Path, timeout: float = 600) -> SearchReport:
    """Index the rendered site with Pagefind into ``site_dir/pagefind/``, swapped in whole so a
    reader never loads half an index."""
    binary = pagefind_binary(node_modules)
    if not binary.exists():
        raise SearchIndexError(
            f"{binary} not found: run `bash scripts/setup.sh` (it runs `npm ci` for the pinned "
            "pagefind), or render with --no-search"
        )
    site_dir = site_dir.resolve()
    staging, retired, output = site_dir / _STAGING, site_dir / _RETIRED, site_dir / OUTPUT
    for leftover in (staging, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    started = time.perf_counter()
    command = [str(binary), "--site", str(site_dir), "--output-path", str(staging)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchIndexError(f"pagefind could not run on {site_dir}: {exc}") from exc
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = (result.stderr or result.stdout).strip()[-2000:]
        raise SearchIndexError(f"pagefind failed on {site_dir} (exit {result.returncode}):\n{tail}")
    if output.exists():
        output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired, ignore_errors=True)
    report = SearchReport(
        pages=_figure(result.stdout, "pages"),
        words=_figure(result.stdout, "words"),
        filters=_figure(result.stdout, "filters?"),
        seconds=time.perf_counter() - started,
    )
    log.info("search index: %d pages, %d words → %s", report.pages, report.words, output)
    return report


def _figure(output: str, noun: str) -> int:
    """A count from Pagefind's summary ('Indexed 44 pages')."""
    found = re.findall(rf"Indexed (\d+) {noun}\b", output)
    return int(found[-1]) if found else 0
