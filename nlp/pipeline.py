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
from nlp.analyzer import Analyzer, open_analyzer
from nlp.document import Document, Morphemes, doc_text
from nlp.gazetteer import build_gazetteer
from nlp.tagger import TAGGER_VERSION, Tagger, TagResult
from nlp.topics import topic_matcher

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

    def morphemes(self, text: str, store: Store | None = None) -> Morphemes:
        """Analyse a text, through the archive's cache when a store is given."""
        digest = content_hash(text)
        if store is not None:
            cached = store.cached_analysis(digest, self.analysis_key)
            if cached is not None:
                return decode_morphemes(text, cached)
        morphemes = Morphemes.of(text, self.analyzer.analyze(text))
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
    tagger = Tagger(gazetteer, topics=topic_matcher(taxonomy.topics))
    return Pipeline(taxonomy=taxonomy, tagger=tagger, analyzer=analyzer)


def encode_morphemes(morphemes: Morphemes) -> str:
    """Compact cache form: {"s": starts, "e": ends, "t": tags}; surfaces are the text's slices."""
    data = {"s": morphemes.starts, "e": morphemes.ends, "t": morphemes.tags}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_morphemes(text: str, raw: str) -> Morphemes:
    data = json.loads(raw)
    return Morphemes(text, data["s"], data["e"], data["t"])


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
    batch_size: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> TagReport:
    """Tag every article whose tags are missing or stale; editors' and imported tags stay.

    Works in batches: cached analyses are read in one query, and each batch's tags and new
    analyses are written in one transaction, so an interrupted run loses at most one batch.
    """
    version = pipeline.version
    todo: list[Article] = store.articles_to_tag("" if retag_all else version)
    report = TagReport(skipped=store.article_count() - len(todo))
    for first in range(0, len(todo), batch_size):
        batch = todo[first : first + batch_size]
        texts = {a.id: doc_text(a.title, a.text) for a in batch}
        digests = {a.id: content_hash(texts[a.id]) for a in batch}
        cached = store.cached_analyses(sorted(set(digests.values())), pipeline.analysis_key)
        results: list[tuple[str, list]] = []
        new_analyses: dict[str, str] = {}
        for article in batch:
            try:
                digest = digests[article.id]
                raw = cached.get(digest) or new_analyses.get(digest)
                if raw is None:
                    morphemes = Morphemes.of(
                        texts[article.id], pipeline.analyzer.analyze(texts[article.id])
                    )
                    new_analyses[digest] = encode_morphemes(morphemes)
                else:
                    morphemes = decode_morphemes(texts[article.id], raw)
                doc = Document.build(article.title, article.text, morphemes)
                results.append((article.id, pipeline.tagger.tag(doc).tags))
            except Exception as exc:  # one bad article must not stop the stage
                log.exception("tagging %s failed", article.url)
                report.failed += 1
                report.errors.append(f"{article.url}: {type(exc).__name__}: {exc}")
        store.replace_tags_many(
            results,
            version,
            analyses=[(d, pipeline.analysis_key, raw) for d, raw in new_analyses.items()],
        )
        report.tagged += len(results)
        if progress:
            progress(min(first + batch_size, len(todo)), len(todo))
    return report
