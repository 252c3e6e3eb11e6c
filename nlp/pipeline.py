"""The tag stage: analyse (cached by content hash), tag, and store tags for the archive's articles."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from archive.content_cache import DigestCache
from archive.records import content_hash
from archive.store import Store
from archive.taxonomy import Taxonomy, load_taxonomy
from nlp.analyzer import Analyzer, open_analyzer
from nlp.candidates import CandidateFinder
from nlp.document import Document, Morphemes, doc_text
from nlp.gazetteer import build_gazetteer
from nlp.parallel import (
    CHUNK_SIZE,
    PARALLEL_MIN,
    Job,
    JobResult,
    PipelineSpec,
    gc_paused,
    run_jobs,
    worker_count,
)
from nlp.tagger import TAGGER_VERSION, Tagger, TagResult
from nlp.topics import topic_matcher

log = logging.getLogger(__name__)


@dataclass
class Pipeline:
    """A taxonomy, its gazetteer and tagger, and one analyzer: everything `tag` needs."""

    taxonomy: Taxonomy
    tagger: Tagger
    analyzer: Analyzer
    spec: PipelineSpec | None = None  # how worker processes open the same analyzer

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
    taxonomy_dir: Path | str,
    backend: str = "mecab",
    cache_dir: Path | None = None,
    taxonomy_cache: DigestCache | None = None,
) -> Pipeline:
    """Load the taxonomy (from `taxonomy_cache` while its files are unchanged), build the
    gazetteer and start the analyzer with its user dictionary (analyses cached in `cache_dir`)."""
    taxonomy = load_taxonomy(taxonomy_dir, taxonomy_cache)
    gazetteer = build_gazetteer(taxonomy)
    analyzer = open_analyzer(backend, user_words=gazetteer.words(), cache_dir=cache_dir)
    tagger = Tagger(
        gazetteer, topics=topic_matcher(taxonomy.topics), candidates=CandidateFinder(gazetteer)
    )
    spec = PipelineSpec(backend, str(cache_dir) if cache_dir else None)
    return Pipeline(taxonomy=taxonomy, tagger=tagger, analyzer=analyzer, spec=spec)


def encode_morphemes(morphemes: Morphemes) -> str:
    """Compact cache form: {"s": starts, "e": ends, "t": tags}; surfaces are the text's slices.
    (orjson writes what `json.dumps` with compact separators would, three times faster.)"""
    data = {"s": morphemes.starts, "e": morphemes.ends, "t": morphemes.tags}
    return orjson.dumps(data).decode()


def decode_morphemes(text: str, raw: str | bytes) -> Morphemes:
    data = orjson.loads(raw)
    return Morphemes(text, data["s"], data["e"], data["t"])


@dataclass
class TagReport:
    tagged: int = 0
    skipped: int = 0
    failed: int = 0
    unchanged: int = 0  # tagged again, but nothing they depend on had changed
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "tagged": self.tagged,
            "unchanged": self.unchanged,
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
    workers: int | None = None,
    parallel_min: int = PARALLEL_MIN,
    progress: Callable[[int, int], None] | None = None,
) -> TagReport:
    """Tag every article whose tags are missing or stale; editors' and imported tags stay.

    An article whose taxonomy slice (the names and keywords found in its text, with their
    meanings) and text are as at its last tagging keeps its tags and candidates: only its
    version moves (`retag_all` tags every article in full). Analysis and tagging run in `workers` processes (default: every core) when at least
    `parallel_min` articles are due, else in this process. This process reads the cached
    analyses and writes each batch's tags, candidates and new analyses in one transaction, so
    an interrupted run loses at most one batch.
    """
    version = pipeline.version
    # Ids first, texts chunk by chunk as the workers need them: memory for the texts stays
    # that of a few chunks however many articles are due (all of them after a version bump),
    # and reading them overlaps with the tagging.
    due = store.ids_to_tag("" if retag_all else version)
    report = TagReport(skipped=store.article_count() - len(due))
    key = pipeline.analysis_key
    ids = [ident for ident, _ in due]
    previous = {} if retag_all else store.tag_inputs(ids)
    # An article tagged before by these rules may keep its tags (its input digest is compared);
    # after a TAGGER_VERSION bump every article is tagged in full.
    rules = f"t{TAGGER_VERSION}:"
    known = [ident in previous and tagged.startswith(rules) for ident, tagged in due]
    urls: dict[str, str] = {}  # for the errors, as the articles are read

    def jobs() -> Iterator[list[Job]]:
        for first in range(0, len(ids), CHUNK_SIZE):
            chunk = ids[first : first + CHUNK_SIZE]
            articles = [article for article, _ in store.articles_with_tagged_with(chunk)]
            digests = [content_hash(doc_text(a.title, a.text)) for a in articles]
            cached = store.cached_analyses(sorted(set(digests)), key)
            # The workers compare their rows' digest with the stored one and send rows only
            # when they differ.
            stored = store.tag_digests(chunk)
            batch = []
            for article, digest in zip(articles, digests, strict=True):
                ident = article.id
                urls[ident] = article.url
                batch.append(
                    Job(
                        ident,
                        article.title,
                        article.text,
                        digest,
                        cached.get(digest),
                        previous.get(ident),
                        stored.get(ident),
                    )
                )
            yield batch

    pending: list[JobResult] = []
    done = 0
    effort = _effort(store, ids, known, key, parallel_min)
    results = run_jobs(pipeline, jobs(), effort, worker_count(workers), parallel_min)
    with gc_paused():  # results and writes make no reference cycles either
        for chunk_results in results:
            pending.extend(chunk_results)
            done += len(chunk_results)
            if len(pending) >= batch_size or done == len(ids):
                _write(store, pending, version, key, urls, report)
                pending = []
                if progress:
                    progress(done, len(ids))
        if pending:
            _write(store, pending, version, key, urls, report)
    return report


def _effort(store: Store, ids: list[str], known: list[bool], key: str, enough: int) -> int:
    """The work due, in units of one article tagged in full from the cache (about 2 ms): a
    cache miss costs 3 (analysis included), an article tagged before by the same rules
    (`known`: its input digest is compared) 1/6, for it is probably unchanged and only its
    names are looked up. Worker processes start only when it is worth it. The cache is looked
    up (from the texts, read in chunks) only when the work without misses is under `enough`."""
    familiar = sum(known)
    sixths = familiar + 6 * (len(ids) - familiar)  # no cache misses: the least work due
    if sixths // 6 >= enough:
        return sixths // 6
    unknown = [ident for ident, tagged_before in zip(ids, known, strict=True) if not tagged_before]
    for first in range(0, len(unknown), CHUNK_SIZE):
        articles = store.articles_with_tagged_with(unknown[first : first + CHUNK_SIZE])
        digests = [content_hash(doc_text(a.title, a.text)) for a, _ in articles]
        cached = store.analysed(digests, key)
        sixths += 12 * sum(digest not in cached for digest in digests)  # 3 units, not 1
    return sixths // 6


def _write(
    store: Store,
    results: list[JobResult],
    version: str,
    key: str,
    urls: dict[str, str],
    report: TagReport,
) -> None:
    ok = [r for r in results if not r.error]
    for failed in results:
        if failed.error:
            report.failed += 1
            report.errors.append(f"{urls.get(failed.article, failed.article)}: {failed.error}")
    changed = [r for r in ok if not r.unchanged]  # tagged in full
    rewritten = [r for r in changed if not r.same_tags]
    analyses = {r.digest: r.analysis for r in changed if r.analysis is not None}
    store.replace_tag_rows_many(
        [(r.article, list(r.tags)) for r in rewritten],
        version,
        analyses=[(digest, key, raw) for digest, raw in analyses.items()],
        candidates={r.article: r.candidates for r in changed},
        inputs={r.article: r.inputs for r in changed},
        unchanged=[r.article for r in ok if r.unchanged or r.same_tags],
        row_digests={r.article: r.rows_digest for r in rewritten},
    )
    report.tagged += len(ok)
    report.unchanged += len(ok) - len(changed)
