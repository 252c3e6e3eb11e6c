"""AI relevance between the stages: the vocabulary editors keep, the score records, what is published.

The `[ai]` table of content/taxonomy/topics.toml lists the words the relevance score reads
(`nlp.relevance` turns them into a score); `sources.toml` gives each source a policy (`all`,
`filter` or its own threshold); editors' `relevance = "include"|"exclude"` in curation.toml
decides last. Everything here is pure and shared by the tag stage (`nlp`), the site and the
review queue (`sitegen`) and the CLI.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.curation import Curation, Decision
    from archive.records import Article

log = logging.getLogger(__name__)

# The lists of the [ai] table, in the order README and topics.toml explain them.
VOCABULARY_LISTS: dict[str, str] = {
    "terms": "words only AI stories use (인공지능, AI, 딥러닝, LLM, 자율주행 …)",
    "models": "what a trained model is called (모델, 알고리즘)",
    "tasks": "what a model does (학습, 예측, 인식 …): a model word and a task word in one "
    "sentence describe machine learning",
    "applied": "AI applications and infrastructure also found in other stories (로봇, 드론, GPU …)",
    "commerce": "words of sales and ads (할인, 특가, 사전예약 …): 'AI 세탁기 30% 할인' is an ad",
    "other": "words of stories about something else (선거, 검거, 축제, 날씨 …)",
    "market": "words of stock-market stories (코스피, 종목, 주가, 테마주 …): 'AI 반도체주 "
    "강세' is a market wrap",
    "culture": "words of fiction, film, arts and reviews (소설, 영화, 개봉, 전시, 작가 …): a "
    "novel about an AI robot is culture",
    "avian": "avian influenza (조류인플루엔자, 고병원성, 살처분 …): one anywhere makes every "
    "'AI' of the article bird flu",
    "avian_context": "farm words (방역, 농장, 오리 …): 'AI' in the same sentence is bird flu",
    "not_ai": "names with the letters AI that are not about AI (AI페퍼스)",
    "actors": "how organisations' names end (기업, 스타트업, 연구원, 재단, 시, 도, 청 …): a "
    "subject ending so is an industry actor",
    "industry": "what industry actors do (개발, 출시, 도입, 투자, 공급, 협약, 수주 …): an actor "
    "as the subject of one of these as predicate, in a sentence with an AI term, is an industry "
    "actor doing AI",
    "people": "how people, audiences and talk events end (학생, 시민, 응답자, 명, 토론, 강좌 …): "
    "such a subject in the title or lead's AI sentence, with no actor doing AI there, is talk "
    "about AI (a poll, a debate, a class)",
    "goods": "products of other trades (굿즈, 과자, 영화, 요금제, 세단 …): an industry word of the "
    "title or lead that acts on one ('한정판 과자 출시') launches goods, not AI",
}
POLICIES = ("all", "filter")


class RelevanceError(Exception):
    """The AI vocabulary or a source policy is malformed; the message names the file and key."""


@dataclass(frozen=True, slots=True)
class AiVocabulary:
    """The word lists of topics.toml's [ai] table (see `VOCABULARY_LISTS`)."""

    terms: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    applied: tuple[str, ...] = ()
    commerce: tuple[str, ...] = ()
    other: tuple[str, ...] = ()
    market: tuple[str, ...] = ()
    culture: tuple[str, ...] = ()
    avian: tuple[str, ...] = ()
    avian_context: tuple[str, ...] = ()
    not_ai: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    goods: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Changes whenever a list changes: stored scores from another vocabulary are stale."""
        data = {name: getattr(self, name) for name in VOCABULARY_LISTS}
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha1(raw).hexdigest()[:10]

    def lists(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in VOCABULARY_LISTS}


def load_ai_vocabulary(path: Path | str) -> AiVocabulary:
    """The [ai] table of topics.toml. A missing file or table gives an empty vocabulary (every
    article then scores low, which `build.py check` reports); malformed lists raise."""
    path = Path(path)
    if not path.exists():
        log.warning("%s: no such file: the relevance score has no AI vocabulary", path)
        return AiVocabulary()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RelevanceError(f"{path}: not valid UTF-8 TOML ({exc}); fix the file") from exc
    table = data.get("ai")
    if table is None:
        log.warning("%s: no [ai] table: the relevance score has no AI vocabulary", path)
        return AiVocabulary()
    if not isinstance(table, dict):
        raise RelevanceError(f"{path}: 'ai' must be a table: write [ai] and its lists under it")
    unknown = sorted(set(table) - set(VOCABULARY_LISTS))
    if unknown:
        raise RelevanceError(
            f"{path}: [ai] has unknown list(s) {', '.join(unknown)}; "
            f"known: {', '.join(VOCABULARY_LISTS)}"
        )
    lists: dict[str, tuple[str, ...]] = {}
    for name in VOCABULARY_LISTS:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RelevanceError(
                f'{path}: [ai] {name} must be a list of non-empty strings, e.g. {name} = ["…"]'
            )
        lists[name] = tuple(dict.fromkeys(" ".join(v.split()) for v in value))
    if not lists["terms"]:
        raise RelevanceError(f"{path}: [ai] terms is empty: list the words of AI stories")
    return AiVocabulary(**lists)


# -- scores ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RelevanceEvidence:
    """A word the score read: what it counts for, where it is, and why it counts or not."""

    kind: str  # term | ml | applied | commerce | other | market | culture | ai_company | topic
    # | actor (an industry actor doing AI: the subject, with the industry word in `note`)
    # | cancelled
    surface: str
    field: str  # title | lead | body
    sentence: str
    start: int = 0  # offsets of the surface within `sentence`
    end: int = 0
    note: str = ""  # for cancelled words: why (bird flu, inside a word, a name)


@dataclass(frozen=True, slots=True)
class Relevance:
    """How much an article is about the AI industry: `score` in [0, 1] and, at the model's
    default threshold, `relevant`. `features` are the model's inputs, `contributions` their
    weight × value in the logit (with `bias`), so that a score can be explained."""

    score: float
    relevant: bool
    threshold: float
    evidence: tuple[RelevanceEvidence, ...] = ()
    features: Mapping[str, float] = field(default_factory=dict)
    contributions: Mapping[str, float] = field(default_factory=dict)
    bias: float = 0.0

    def to_json(self) -> str:
        """The explanation as stored in the archive (score and flag have their own columns)."""
        return json.dumps(
            {
                "threshold": self.threshold,
                "bias": self.bias,
                "features": dict(self.features),
                "contributions": dict(self.contributions),
                "evidence": [
                    [e.kind, e.surface, e.field, e.sentence, e.start, e.end, e.note]
                    for e in self.evidence
                ],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_stored(cls, score: float, relevant: bool, raw: str) -> Relevance:
        data = json.loads(raw or "{}")
        return cls(
            score=score,
            relevant=relevant,
            threshold=float(data.get("threshold", 0.5)),
            evidence=tuple(RelevanceEvidence(*item) for item in data.get("evidence", [])),
            features=data.get("features", {}),
            contributions=data.get("contributions", {}),
            bias=float(data.get("bias", 0.0)),
        )


# -- per-source policy ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SourcePolicy:
    """`all`: publish every article; `filter`: keep those at or above the threshold (the
    source's own when given, else the model's default)."""

    keep_all: bool = False
    threshold: float | None = None

    def __str__(self) -> str:
        if self.keep_all:
            return "all"
        return "filter" if self.threshold is None else f"{self.threshold:g}"


def parse_policy(value: object) -> SourcePolicy:
    """ "all", "filter" or a number in [0, 1] (a source-specific threshold); ValueError with
    what to write otherwise. Numeric strings ("0.7", from OPML) are numbers too."""
    if isinstance(value, str) and value.strip() in POLICIES:
        return SourcePolicy(keep_all=value.strip() == "all")
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise ValueError(
            f'policy {value!r} is unknown; use "all" (an AI-specialist outlet: keep every '
            'article), "filter" (keep articles about AI) or a threshold between 0 and 1 '
            "(filter with this source's own threshold, e.g. 0.7)"
        )
    return SourcePolicy(threshold=number)


# -- what is published ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the relevance filter lets an article onto the site, and why."""

    published: bool
    reason: str  # editor-include | editor-exclude | source-all | above | below | not-scored
    score: float | None = None
    threshold: float | None = None

    @property
    def margin(self) -> float | None:
        """How far the score is from the threshold (None when the score did not decide)."""
        if self.score is None or self.threshold is None or self.reason not in ("above", "below"):
            return None
        return abs(self.score - self.threshold)


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What the filter's per-source counts need of an article: its id and source (reading
    these two columns of 10,000 articles takes milliseconds, whole articles half a second)."""

    id: str
    source: str


@dataclass(frozen=True)
class RelevanceFilter:
    """The stored scores, the sources' policies and the default threshold: decides, per article,
    whether it is published. Sources missing from `policies` are filtered (the default)."""

    scores: Mapping[str, float]
    policies: Mapping[str, SourcePolicy] = field(default_factory=dict)
    threshold: float = 0.5

    def policy(self, source: str) -> SourcePolicy:
        return self.policies.get(source, SourcePolicy())

    def verdict(self, article: Article | ArticleRef, decision: Decision | None = None) -> Verdict:
        score = self.scores.get(article.id)
        policy = self.policy(article.source)
        threshold = self.threshold if policy.threshold is None else policy.threshold
        relevance = decision.relevance if decision is not None else ""
        if relevance == "include":
            return Verdict(True, "editor-include", score, threshold)
        if relevance == "exclude":
            return Verdict(False, "editor-exclude", score, threshold)
        if policy.keep_all:
            return Verdict(True, "source-all", score, None)
        if score is None:
            return Verdict(False, "not-scored", None, threshold)
        if score >= threshold:
            return Verdict(True, "above", score, threshold)
        return Verdict(False, "below", score, threshold)

    def keep(self, articles: Iterable[Article], curation: Curation | None = None) -> list[Article]:
        """The articles the filter publishes (editors' hide/not-AI decisions apply later)."""
        kept, unscored = [], 0
        for article in articles:
            verdict = self.verdict(article, curation.get(article.id) if curation else None)
            unscored += verdict.reason == "not-scored"
            if verdict.published:
                kept.append(article)
        if unscored:
            log.warning(
                "%d articles have no relevance score yet and are not published: run build.py tag",
                unscored,
            )
        return kept

    def counts(
        self, articles: Iterable[Article | ArticleRef], curation: Curation | None = None
    ) -> dict[str, dict[str, int]]:
        """Per source: articles collected (in the archive) and published, and why the others
        are not (below the threshold, not scored yet, excluded or hidden by editors)."""
        table: dict[str, dict[str, int]] = {}
        for article in articles:
            row = table.setdefault(
                article.source,
                {"collected": 0, "published": 0, "below": 0, "not_scored": 0, "editors": 0},
            )
            row["collected"] += 1
            decision = curation.get(article.id) if curation else None
            verdict = self.verdict(article, decision)
            if not verdict.published:
                key = {"below": "below", "not-scored": "not_scored"}.get(verdict.reason, "editors")
                row[key] += 1
            elif decision is not None and not decision.published:
                row["editors"] += 1
            else:
                row["published"] += 1
        return dict(sorted(table.items()))
