"""The tag stage: analyse (cached by content hash), tag, and store tags for the archive's articles."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archive.records import Article, content_hash
from archive.store import Store
from archive.taxonomy import Taxonomy, load_taxonomy
from nlp.analyzer import Analyzer, Morpheme, open_analyzer
from nlp.document import Document, doc_text
from nlp.gazetteer import build_gazetteer
from nlp.tagger import TAGGER_VERSION, Tagger, TagResult

log = logging.getLogger(__name__)


@dataclass
class Pipeline:
    """A taxonomy, its gazetteer and tagger, and one analyzer: everything `tag` needs."""

    taxonomy: Taxonomy
    tagger: Tagger
    analyzer: Analyzer

    @property
    def version(self) -> str:
        """Changes whenever a re-tag is due: tagger rules, analyzer or taxonomy."""
        return f"t{TAGGER_VERSION}:{self.analyzer.version}:{self.taxonomy.fingerprint}"

    @property
    def analysis_key(self) -> str:
        """The analysis cache key: the backend and its system dictionary, not the taxonomy."""
        return "/".join(p for p in self.analyzer.version.split("/") if not p.startswith("ud-"))

    def morphemes(self, text: str, store: Store | None = None) -> tuple[Morpheme, ...]:
        """Analyse a text, through the archive's cache when a store is given."""
        digest = content_hash(text)
        if store is not None:
            cached = store.cached_analysis(digest, self.analysis_key)
            if cached is not None:
                return decode_morphemes(text, cached)
        morphemes = tuple(self.analyzer.analyze(text))
        if store is not None:
            store.cache_analyses([(digest, self.analysis_key, encode_morphemes(morphemes))])
        return morphemes

    def tag_text(self, title: str, body: str, store: Store | None = None) -> TagResult:
        morphemes = self.morphemes(doc_text(title, body), store)
        return self.tagger.tag(Document.build(title, body, morphemes))


def open_pipeline(
    taxonomy_dir: Path | str, backend: str = "mecab", cache_dir: Path | None = None
) -> Pipeline:
    """Load the taxonomy, build the gazetteer and start the analyzer with its user dictionary."""
    taxonomy = load_taxonomy(taxonomy_dir)
    gazetteer = build_gazetteer(taxonomy)
    analyzer = open_analyzer(backend, user_words=gazetteer.words(), cache_dir=cache_dir)
    return Pipeline(taxonomy=taxonomy, tagger=Tagger(gazetteer), analyzer=analyzer)


def encode_morphemes(morphemes: tuple[Morpheme, ...]) -> str:
    """Compact cache form: [[tag, start, end], ...]; the surface is the text's slice."""
    return json.dumps([[m.tag, m.start, m.end] for m in morphemes], separators=(",", ":"))


def decode_morphemes(text: str, raw: str) -> tuple[Morpheme, ...]:
    return tuple(Morpheme(text[s:e], tag, s, e) for tag, s, e in json.loads(raw))


@dataclass
class TagReport:
    tagged: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "tagged": self.tagged,
            "skipped": self.skipped,
            "failed": self.failed,
            "errors": self.errors[:20],
        }


def tag_archive(
    store: Store,
    pipeline: Pipeline,
    *,
    retag_all: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> TagReport:
    """Tag every article whose tags are missing or stale; editors' and imported tags stay."""
    version = pipeline.version
    todo: list[Article] = store.articles_to_tag("" if retag_all else version)
    report = TagReport(skipped=store.article_count() - len(todo))
    for index, article in enumerate(todo, start=1):
        try:
            result = pipeline.tag_text(article.title, article.text, store)
            store.replace_tags(article.id, result.tags, tagged_with=version)
            report.tagged += 1
        except Exception as exc:  # one bad article must not stop the stage
            log.exception("tagging %s failed", article.url)
            report.failed += 1
            report.errors.append(f"{article.url}: {type(exc).__name__}: {exc}")
        if progress:
            progress(index, len(todo))
    return report
