"""The relevance part of the tag stage: score every article whose score is missing or stale.

A score is stale when the scorer changed (rules, fitted model, the [ai] vocabulary of
topics.toml, the AI companies of the taxonomy) or the article's tags did (`tagged_with`).
Nothing is collected again: the text comes from the archive and the morphemes from its
analysis cache (an article without a cached analysis, e.g. imported with its tags, is analysed
once and the analysis cached).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archive.records import content_hash
from archive.relevance import Relevance, load_ai_vocabulary
from archive.store import Store
from nlp.document import Document, Morphemes, doc_text
from nlp.pipeline import Pipeline, decode_morphemes, encode_morphemes
from nlp.relevance import RelevanceModel, RelevanceScorer, load_model

log = logging.getLogger(__name__)

BATCH = 200


def open_scorer(
    taxonomy_dir: Path | str, pipeline: Pipeline, model: RelevanceModel | None = None
) -> RelevanceScorer:
    """The scorer for this taxonomy: topics.toml's [ai] vocabulary, its AI companies and the
    fitted model (nlp/relevance_model.json unless `model` is given)."""
    vocabulary = load_ai_vocabulary(Path(taxonomy_dir) / "topics.toml")
    companies = [c.name for c in pipeline.taxonomy.companies if c.ai]
    return RelevanceScorer(vocabulary, model or load_model(), companies)


@dataclass
class ScoreReport:
    scored: int = 0
    skipped: int = 0
    relevant: int = 0
    failed: int = 0
    analysed: int = 0  # cache misses analysed for the score
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "scored": self.scored,
            "skipped": self.skipped,
            "relevant": self.relevant,
            "failed": self.failed,
            "analysed": self.analysed,
            "errors": self.errors[:20],
        }


def score_archive(
    store: Store,
    pipeline: Pipeline,
    scorer: RelevanceScorer,
    *,
    rescore_all: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreReport:
    """Score the articles whose relevance is missing or stale, in batches of `BATCH` (one
    transaction each), from their stored text, tags and cached analyses."""
    version = scorer.version
    todo = store.ids_to_score("" if rescore_all else version)  # ids: texts are read per batch
    report = ScoreReport(skipped=store.article_count() - len(todo))
    key = pipeline.analysis_key
    for first in range(0, len(todo), BATCH):
        batch = store.articles_with_tagged_with(todo[first : first + BATCH])
        texts = {a.id: doc_text(a.title, a.text) for a, _ in batch}
        digests = {ident: content_hash(text) for ident, text in texts.items()}
        cached = store.cached_analyses(sorted(set(digests.values())), key)
        tags = store.tags_of(texts)
        rows: list[tuple[str, Relevance, str]] = []
        new: dict[str, str] = {}
        for article, tagged_with in batch:
            try:
                raw = cached.get(digests[article.id]) or new.get(digests[article.id])
                text = texts[article.id]
                if raw is None:
                    morphemes = Morphemes.of(text, pipeline.analyzer.analyze(text))
                    new[digests[article.id]] = encode_morphemes(morphemes)
                else:
                    morphemes = decode_morphemes(text, raw)
                doc = Document.build(article.title, article.text, morphemes)
                relevance = scorer.score(doc, tags.get(article.id, []))
            except Exception as exc:  # one bad article must not stop the stage
                log.exception("scoring the relevance of %s failed", article.url)
                report.failed += 1
                report.errors.append(f"{article.url}: {type(exc).__name__}: {exc}")
                continue
            rows.append((article.id, relevance, f"{version}|{tagged_with}"))
            report.relevant += relevance.relevant
        if new:
            store.cache_analyses([(digest, key, raw) for digest, raw in new.items()])
            report.analysed += len(new)
        store.save_relevance_many(rows)
        report.scored += len(rows)
        if progress:
            progress(min(first + BATCH, len(todo)), len(todo))
    if report.scored:
        log.info(
            "relevance: scored %d articles (%d relevant at the default threshold %.3f)",
            report.scored,
            report.relevant,
            scorer.model.threshold,
        )
    return report
