"""Is an article about the AI industry? A relevance score in [0, 1] with its evidence.

A pure function of the document (title + body + morphemes), its tags and the vocabulary of
topics.toml's [ai] table. The model is small and explainable: the words found become twenty-four
features (an AI term in the title, in the lead, the share of sentences that talk about AI or
machine learning, words of ads, of stock-market wraps, of fiction and the arts, or of other kinds
of stories …), and five read the structure of the sentences: is an industry actor (a company,
institute, agency or local government) the subject of an industry predicate (개발했다, 출시한다,
계약을 맺었다) in a sentence about AI, in the title or lead, and in which share of the body
(nlp/relevance_actor.py); are people, an audience or a talk event (학생들, 응답자, 명, 토론) the
subject of the title or lead's AI sentence instead (a poll, a debate, a class); is the title's AI
term only a theme ("AI와 …", "AI 시대"). Since v7 three more read how AI is used: is an AI term
of the title or lead a tool or maker in people's hands ("AI가 고른 맛", "챗GPT가 만든 판례",
"AI에게", "AI 없는 사흘", "AI로 만든 사진"); does an industry word of the title or lead act on
goods of another trade ("캐릭터 굿즈 출시", "과자를 출시했다", "명작 10편 편성"; [ai] goods); are
all the title's AI terms inside quotation marks ('AI 면접', 'AI 특집'). Each feature has a
weight, and the score is the logistic function of their weighted sum. The weights and the
default threshold are fitted on the labelled corpus tests/fixtures/relevance/ (articles.jsonl and
the studied sets fresh..fresh6) by scripts/fit_relevance.py (never on later held-out sets such
as fresh7.jsonl) and kept in nlp/relevance_model.json.

Ambiguous words are cancelled before they count: `AI` inside a Latin word (KAIST, AIA생명) never
matches; `AI` in a name (AI페퍼스) is a name; `AI` in an article that names avian influenza
(조류인플루엔자, 고병원성, 살처분 …), or in a sentence with farm words (방역, 농장 …), is bird flu.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from archive.records import Tag
from archive.relevance import AiVocabulary, Relevance, RelevanceError, RelevanceEvidence
from nlp.document import Document, Sentence
from nlp.keywords import KeywordHit, KeywordMatcher
from nlp.relevance_actor import is_person, is_predicate, linked_actor, object_head, subjects

MODEL_PATH = Path(__file__).with_name("relevance_model.json")
SCORER_VERSION = "5"  # bump when features or rules change (re-scores the archive)

# The model's inputs, each in [0, 1]; README "Relevance" explains them.
FEATURES: dict[str, str] = {
    "term_title": "an AI term (or an AI company) in the title",
    "term_lead": "an AI term (or an AI company) in the lead",
    "term_share": "share of the body's sentences with an AI term",
    "ml_share": "share of the body's sentences with a model word and a task word",
    "applied_title": "an AI application word (로봇, 드론, GPU …) in the title",
    "applied_share": "share of the body's sentences with an AI application word",
    "listed": "share of the AI terms written in a list (AI·반도체·바이오)",
    "topics": "topic tags found in the title or the lead (up to 3)",
    "commerce_title": "a word of sales or ads in the title",
    "commerce_share": "share of the body's sentences with a word of sales or ads",
    "other_title": "a word of another kind of story (선거, 축제 …) in the title",
    "other_share": "share of the body's sentences with a word of another kind of story",
    "market_title": "a stock-market word (코스피, 종목, 테마주 …) in the title",
    "market_share": "share of the body's sentences with a stock-market word",
    "culture_title": "a word of fiction, film or the arts (소설, 개봉, 전시 …) in the title",
    "culture_share": "share of the body's sentences with a word of fiction, film or the arts",
    "actor_head": "an industry actor doing AI in the title or the lead (the actor is the subject "
    "of an industry word used as predicate, in a sentence with an AI term)",
    "actor_share": "share of the body's sentences with an industry actor doing AI",
    "industry_share": "share of the body's sentences with an AI term and an industry word",
    "people_head": "a person, audience or talk event (학생, 응답자, 명, 토론 …) is the subject of "
    "an AI sentence of the title or lead, and no industry actor does AI there",
    "theme_title": "the title's AI term is a theme ('AI와 …', 'AI 시대', 'AI를 말하다') and no "
    "sentence of the body has an AI term with an industry word",
    "tool_head": "an AI term of the title or lead is a tool or a maker in people's hands: 'AI가 "
    "고른 맛', '챗GPT가 만든 판례', 'AI에게', 'AI 없는', 'AI로 만든 사진', '… 챗GPT로'",
    "goods_head": "an industry word of the title or lead acts on a product of another trade "
    "('굿즈 출시', '과자를 출시했다', '명작 10편 편성'; [ai] goods)",
    "quoted_title": "every AI term of the title is inside quotation marks ('AI 면접', 'AI 특집')",
}
TOPIC_CAP = 3
AI_COMPANY_THRESHOLD = 0.5
MAX_EVIDENCE = 40
HEADLINE_MAX = 150  # a plain text's first line up to this long, then a blank line, is a title
_LIST_MARKS = "·ㆍ"
_BARE_AI = re.compile(r"(?<![A-Za-z])AI(?![A-Za-z])")
# Vocabulary lists searched in the text, and the evidence kind each one gives.
_SEARCHED = ("terms", "models", "tasks", "applied", "commerce", "other", "market", "culture")
_CONTEXT = ("avian", "avian_context", "not_ai", "industry")
_DOING_AI = ("terms", "ai_company", "applied", "ml")  # what an actor's sentence must say


@dataclass(frozen=True)
class RelevanceModel:
    """Weights per feature, a bias and the default threshold, with how they were fitted."""

    weights: Mapping[str, float]
    bias: float
    threshold: float
    trained: Mapping[str, object] = field(default_factory=dict)

    @cached_property
    def version(self) -> str:
        data = {"w": dict(sorted(self.weights.items())), "b": self.bias, "t": self.threshold}
        return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]

    def logit(self, features: Mapping[str, float]) -> float:
        return self.bias + sum(self.weights.get(n, 0.0) * v for n, v in features.items())

    def to_dict(self) -> dict[str, object]:
        return {
            "weights": {n: round(self.weights.get(n, 0.0), 6) for n in FEATURES},
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 6),
            "trained": dict(self.trained),
        }


def load_model(path: Path | str = MODEL_PATH) -> RelevanceModel:
    """The fitted model (nlp/relevance_model.json, written by scripts/fit_relevance.py)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RelevanceError(
            f"{path}: no relevance model; run .venv/bin/python scripts/fit_relevance.py"
        ) from exc
    except (OSError, ValueError) as exc:
        raise RelevanceError(f"{path}: unreadable relevance model ({exc}); fit it again") from exc
    weights = data.get("weights", {})
    unknown = sorted(set(weights) - set(FEATURES))
    if unknown or not isinstance(data.get("bias"), int | float):
        raise RelevanceError(
            f"{path}: the model does not match this program (features {', '.join(unknown) or '?'});"
            " run scripts/fit_relevance.py again"
        )
    threshold = float(data.get("threshold", 0.5))
    if not 0.0 < threshold < 1.0:
        raise RelevanceError(f"{path}: threshold {threshold} must lie between 0 and 1")
    return RelevanceModel(
        {n: float(w) for n, w in weights.items()},
        float(data["bias"]),
        threshold,
        data.get("trained", {}),
    )


def squash(logit: float) -> float:
    """The logistic function, safe for large magnitudes."""
    if logit >= 0:
        return 1.0 / (1.0 + math.exp(-logit))
    z = math.exp(logit)
    return z / (1.0 + z)


@dataclass
class _Found:
    """What the vocabulary found in one document, before it becomes features."""

    counted: list[tuple[str, KeywordHit]] = field(default_factory=list)  # (kind, hit)
    evidence: list[RelevanceEvidence] = field(default_factory=list)
    industry: list[KeywordHit] = field(default_factory=list)
    companies: list[tuple[int, int, str]] = field(default_factory=list)  # any tagged company


class RelevanceScorer:
    """The vocabulary, the AI companies of the taxonomy and the fitted model, ready to score."""

    def __init__(
        self,
        vocabulary: AiVocabulary,
        model: RelevanceModel,
        ai_companies: Iterable[str] = (),
    ) -> None:
        self.vocabulary = vocabulary
        self.model = model
        self.ai_companies = frozenset(ai_companies)
        lists = vocabulary.lists()
        self._matcher = KeywordMatcher({name: lists[name] for name in (*_SEARCHED, *_CONTEXT)})

    @cached_property
    def version(self) -> str:
        """Changes with the rules, the model, the vocabulary or the AI companies: stored scores
        with another version are re-computed by the tag stage."""
        companies = hashlib.sha1("\n".join(sorted(self.ai_companies)).encode()).hexdigest()[:8]
        return f"r{SCORER_VERSION}:{self.model.version}:{self.vocabulary.fingerprint}:{companies}"

    def score(self, doc: Document, tags: Sequence[Tag] = ()) -> Relevance:
        features, evidence = self.features(doc, tags)
        contributions = {n: self.model.weights.get(n, 0.0) * v for n, v in features.items()}
        score = squash(self.model.bias + sum(contributions.values()))
        return Relevance(
            score=round(score, 4),
            relevant=score >= self.model.threshold,
            threshold=self.model.threshold,
            evidence=tuple(evidence[:MAX_EVIDENCE]),
            features={n: round(v, 4) for n, v in features.items()},
            contributions={n: round(v, 4) for n, v in contributions.items() if v},
            bias=round(self.model.bias, 4),
        )

    # -- features ---------------------------------------------------------------------------
    def features(
        self, doc: Document, tags: Sequence[Tag] = ()
    ) -> tuple[dict[str, float], list[RelevanceEvidence]]:
        """The model's inputs for a document, and the evidence behind them."""
        found = self._find(doc)
        self._add_companies(doc, tags, found)
        body = [s for s in doc.sentences if s.field != "title"] or [
            Sentence(doc.title_end, len(doc.text), "body")
        ]
        index_of = {s.start: i for i, s in enumerate(body)}

        def sentence_index(offset: int) -> int:
            return index_of.get(doc.sentence_at(offset).start, -1)

        fields: dict[str, set[str]] = {}
        sentences: dict[str, set[int]] = {}
        for kind, hit in found.counted:
            fields.setdefault(kind, set()).add(doc.field_at(hit.start))
            if doc.field_at(hit.start) != "title":
                sentences.setdefault(kind, set()).add(sentence_index(hit.start))
        ml = sentences.get("models", set()) & sentences.get("tasks", set())
        actor_head, actor_body, industry_body, people, goods = self._actors(doc, found, body)
        title_terms = [h for k, h in found.counted if k == "terms" and h.start < doc.title_end]
        terms = [h for k, h in found.counted if k in ("terms", "ai_company")]
        listed = sum(1 for h in terms if _in_list(doc.text, h.start, h.end))
        topics = {
            t.key
            for t in tags
            if t.kind == "topic" and any(e.field in ("title", "lead") for e in t.evidence)
        }
        n = len(body)

        def share(*kinds: str) -> float:
            hit: set[int] = set()
            for kind in kinds:
                hit |= sentences.get(kind, set())
            hit.discard(-1)
            return len(hit) / n

        def in_field(name: str, *kinds: str) -> float:
            return float(any(name in fields.get(kind, set()) for kind in kinds))

        values = {
            "term_title": in_field("title", "terms", "ai_company"),
            "term_lead": in_field("lead", "terms", "ai_company"),
            "term_share": share("terms", "ai_company"),
            "ml_share": len(ml - {-1}) / n,
            "applied_title": in_field("title", "applied"),
            "applied_share": share("applied"),
            "listed": listed / len(terms) if terms else 0.0,
            "topics": min(len(topics), TOPIC_CAP) / TOPIC_CAP,
            "commerce_title": in_field("title", "commerce"),
            "commerce_share": share("commerce"),
            "other_title": in_field("title", "other"),
            "other_share": share("other"),
            "market_title": in_field("title", "market"),
            "market_share": share("market"),
            "culture_title": in_field("title", "culture"),
            "culture_share": share("culture"),
            "actor_head": float(actor_head),
            "actor_share": len(actor_body) / n,
            "industry_share": len(industry_body) / n,
            "people_head": float(people and not actor_head),
            "theme_title": float(not industry_body and any(_is_theme(doc, h) for h in title_terms)),
            "tool_head": float(self._tools(doc, found)),
            "goods_head": float(goods),
            "quoted_title": float(
                bool(title_terms) and all(_quoted(doc, h.start) for h in title_terms)
            ),
        }
        found.evidence.extend(
            RelevanceEvidence("topic", name, "", "", note="topic tag") for name in sorted(topics)
        )
        found.evidence.sort(
            key=lambda e: (
                e.kind == "cancelled",
                _KIND_ORDER.get(e.kind, 9),
                _FIELD_ORDER.get(e.field, 3),
            )
        )
        return values, found.evidence

    def _actors(
        self, doc: Document, found: _Found, body: Sequence[Sentence]
    ) -> tuple[bool, set[int], set[int], bool, bool]:
        """Sentences where an industry actor does AI: (one in the title or lead?, the body
        sentences with one, the body sentences with an AI term and an industry word, is a
        person or talk event the subject of an AI sentence of the title or lead?, does an
        industry word of the title or lead's AI sentences act on goods of another trade?)."""
        doing: set[int] = set()  # sentence starts with an AI term, an AI company or ML
        kinds: dict[int, set[str]] = {}
        for kind, hit in found.counted:
            kinds.setdefault(doc.sentence_at(hit.start).start, set()).add(kind)
        for start, present in kinds.items():
            if present & set(_DOING_AI) or {"models", "tasks"} <= present:
                doing.add(start)
        industry: dict[int, list[KeywordHit]] = {}
        for hit in found.industry:
            industry.setdefault(doc.sentence_at(hit.start).start, []).append(hit)
        head = False
        actor_body: set[int] = set()
        industry_body: set[int] = set()
        body_index = {s.start: i for i, s in enumerate(body)}
        people = False
        goods = False
        for sentence in doc.sentences:
            if sentence.field in ("title", "lead") and sentence.start in doing and not people:
                person = next(
                    (
                        subject
                        for subject in subjects(
                            doc, sentence.start, sentence.end, sentence.field == "title"
                        )
                        if is_person(subject.surface, self.vocabulary.people)
                    ),
                    None,
                )
                if person is not None:
                    people = True
                    found.evidence.append(
                        RelevanceEvidence(
                            "people",
                            person.surface,
                            sentence.field,
                            doc.text[sentence.start : sentence.end],
                            person.start - sentence.start,
                            person.end - sentence.start,
                            f"people or a talk event as the subject: {person.surface}",
                        )
                    )
            words = industry.get(sentence.start)
            if sentence.start not in doing or not words:
                continue
            if sentence.field in ("title", "lead") and not goods:
                goods = self._goods(doc, sentence, words, found)
            if sentence.start in body_index:
                industry_body.add(body_index[sentence.start])
            linked = linked_actor(
                doc,
                sentence.start,
                sentence.end,
                self.vocabulary.actors,
                words,
                found.companies,
                headline=sentence.field == "title",
            )
            if linked is None:
                continue
            actor, verb = linked
            if sentence.field in ("title", "lead"):
                head = True
            if sentence.start in body_index:
                actor_body.add(body_index[sentence.start])
            text = doc.text[sentence.start : sentence.end]
            found.evidence.append(
                RelevanceEvidence(
                    "actor",
                    actor.surface,
                    sentence.field,
                    text,
                    actor.start - sentence.start,
                    actor.end - sentence.start,
                    f"industry actor doing AI: {actor.surface} … {verb.surface}",
                )
            )
        return head, actor_body, industry_body, people, goods

    def _goods(
        self, doc: Document, sentence: Sentence, words: Sequence[KeywordHit], found: _Found
    ) -> bool:
        """Does an industry word of this sentence, used as its predicate, act on a product of
        another trade ("한정판 과자 출시")? Adds the evidence."""
        goods = self.vocabulary.goods
        if not goods:
            return False
        headline = sentence.field == "title"
        for hit in words:
            if not is_predicate(doc, hit, sentence.end, headline):
                continue
            head = object_head(doc, hit, sentence.start, headline)
            if head and head.endswith(goods):
                at = doc.text.rfind(head, sentence.start, hit.start)
                found.evidence.append(
                    RelevanceEvidence(
                        "goods",
                        head,
                        sentence.field,
                        doc.text[sentence.start : sentence.end],
                        at - sentence.start,
                        at + len(head) - sentence.start,
                        f"the industry word acts on goods of another trade: {head} … {hit.surface}",
                    )
                )
                return True
        return False

    @staticmethod
    def _tools(doc: Document, found: _Found) -> bool:
        """Is an AI term of the title or lead a tool or maker in people's hands? Adds the
        evidence."""
        for kind, hit in found.counted:
            if kind != "terms" or doc.field_at(hit.start) not in ("title", "lead"):
                continue
            sentence = doc.sentence_at(hit.start)
            how = _tool_use(doc, hit, sentence.end)
            if how:
                found.evidence.append(
                    RelevanceEvidence(
                        "tool",
                        hit.surface,
                        doc.field_at(hit.start),
                        doc.text[sentence.start : sentence.end],
                        hit.start - sentence.start,
                        hit.end - sentence.start,
                        f"AI as a tool or maker in people's hands: {how}",
                    )
                )
                return True
        return False

    def _find(self, doc: Document) -> _Found:
        hits, misses = self._matcher.find(doc)
        found = _Found()
        by_label: dict[str, list[KeywordHit]] = {}
        for hit in hits:
            by_label.setdefault(hit.label, []).append(hit)
        names = [(h.start, h.end, h.surface) for h in by_label.get("not_ai", [])]
        avian = by_label.get("avian", [])
        context = {doc.sentence_at(h.start).start: h for h in by_label.get("avian_context", [])}
        dateline = doc.dateline
        found.industry = by_label.get("industry", [])
        for label in _SEARCHED:
            for hit in by_label.get(label, []):
                if dateline and dateline.outlet_start <= hit.start < dateline.outlet_end:
                    found.evidence.append(
                        _evidence(doc, "cancelled", hit, "the outlet or reporter in the dateline")
                    )
                    continue
                why = self._cancelled(doc, hit, names, avian, context) if label != "tasks" else ""
                if why:
                    found.evidence.append(_evidence(doc, "cancelled", hit, why))
                    continue
                found.counted.append((label, hit))
                found.evidence.append(_evidence(doc, _KIND[label], hit))
        for miss in misses:
            if miss.hit.label == "terms":
                found.evidence.append(
                    _evidence(doc, "cancelled", miss.hit, _MISS_NOTE.get(miss.reason, miss.reason))
                )
        return found

    @staticmethod
    def _cancelled(
        doc: Document,
        hit: KeywordHit,
        names: list[tuple[int, int, str]],
        avian: list[KeywordHit],
        context: dict[int, KeywordHit],
    ) -> str:
        """Why a bare `AI` does not mean artificial intelligence here ("" when it does)."""
        if not _BARE_AI.search(hit.surface):
            return ""
        for start, end, surface in names:
            if start < hit.end and hit.start < end:
                return f"part of the name {surface}"
        if avian:
            return f"avian influenza: {avian[0].surface} in this article"
        near = context.get(doc.sentence_at(hit.start).start)
        if near is not None:
            return f"avian influenza: {near.surface} in this sentence"
        return ""

    def _add_companies(self, doc: Document, tags: Sequence[Tag], found: _Found) -> None:
        """Mentions of companies marked `ai = true` count as AI terms where they are."""
        for tag in tags:
            if tag.kind != "company":
                continue
            if tag.score < AI_COMPANY_THRESHOLD and tag.origin == "auto":
                continue
            for item in tag.evidence:
                at = doc.text.find(item.sentence) if item.sentence else -1
                if at < 0:
                    continue
                start = at + item.start
                found.companies.append((start, at + item.end, item.surface))
                if tag.key not in self.ai_companies:
                    continue
                hit = KeywordHit(start, at + item.end, item.surface, tag.key, "ai_company")
                found.counted.append(("ai_company", hit))
                found.evidence.append(
                    RelevanceEvidence(
                        "ai_company",
                        item.surface,
                        doc.field_at(start),
                        item.sentence,
                        item.start,
                        item.end,
                        f"AI company {tag.key}",
                    )
                )


_KIND = {
    "terms": "term",
    "models": "ml",
    "tasks": "ml",
    "applied": "applied",
    "commerce": "commerce",
    "other": "other",
    "market": "market",
    "culture": "culture",
}
_MISS_NOTE = {"inside-word": "inside a longer word (KAIST, AIA생명)"}
_FIELD_ORDER = {"title": 0, "lead": 1, "body": 2}
_KIND_ORDER = {
    "term": 0,
    "ai_company": 0,
    "ml": 1,
    "applied": 2,
    "topic": 3,
    "commerce": 4,
    "market": 4,
    "culture": 4,
    "other": 5,
    "actor": 0,
    "people": 0,
    "tool": 0,
    "goods": 0,
}


def _evidence(doc: Document, kind: str, hit: KeywordHit, note: str = "") -> RelevanceEvidence:
    sentence = doc.sentence_at(hit.start)
    return RelevanceEvidence(
        kind,
        hit.surface,
        doc.field_at(hit.start),
        doc.text[sentence.start : sentence.end],
        hit.start - sentence.start,
        hit.end - sentence.start,
        note,
    )


_THEME_NEXT = {
    ("JKB", "와"),
    ("JKB", "과"),
    ("JC", "와"),
    ("JC", "과"),
    ("NNG", "시대"),
    ("JKO", "를"),
    ("JKO", "을"),
}


def _is_theme(doc: Document, hit: KeywordHit) -> bool:
    """An AI term of the title that is a theme rather than a thing: followed by 와/과 ('AI와
    인간'), 시대 ('AI 시대의 리더십') or an object marker before a verb of talk ('AI를 말하다')."""
    index = bisect_left(doc.morphemes.starts, hit.end)
    starts, tags = doc.morphemes.starts, doc.morphemes.tags
    if index >= len(starts) or starts[index] >= doc.title_end:
        return False
    surface = doc.text[starts[index] : doc.morphemes.ends[index]]
    tag = tags[index].split("+")[0]
    if (tag, surface) not in _THEME_NEXT:
        return False
    if tag != "JKO":
        return True
    after = doc.text[doc.morphemes.ends[index] : doc.title_end].lstrip()
    return after.startswith(("말하", "묻", "생각하", "이야기하", "논하", "읽", "노래하", "그리"))


_QUOTES = "'\"‘’“”"


def _quoted(doc: Document, offset: int) -> bool:
    """Is this offset of the title inside quotation marks (an odd number of marks before it)?"""
    before = doc.text[:offset]
    return sum(before.count(mark) for mark in _QUOTES) % 2 == 1


def _tool_use(doc: Document, hit: KeywordHit, limit: int) -> str:
    """How an AI term is a tool or a maker in people's hands, read from the morphemes after it
    ("" when it is not): 가/이 + a verb modifying a noun ('AI가 고른 맛', '챗GPT가 만든 판례'),
    에게/한테 ('AI에게'), 없는 ('AI 없는 사흘'), 로/으로 + a modifying verb or the end of the
    clause ('AI로 만든 사진', 'AI로 설계한 조명', '혼인서약서도 챗GPT로')."""
    morphemes = doc.morphemes
    starts, ends, tags = morphemes.starts, morphemes.ends, morphemes.tags
    i = bisect_left(starts, hit.end)
    if i >= len(starts) or starts[i] >= limit:
        return ""
    tag = tags[i]
    surface = doc.text[starts[i] : ends[i]]
    after = tags[i + 1] if i + 1 < len(starts) and starts[i + 1] < limit else ""
    word = doc.text[hit.start : ends[i + 1] if after else ends[i]]
    if tag.startswith("VA") and surface.startswith("없") and tag.endswith("ETM"):
        return word
    if tag.startswith("VA") and surface.startswith("없") and after.endswith("ETM"):
        return word
    if not tag.startswith(("JKS", "JKB")):
        return ""
    if tag.startswith("JKS") and after.startswith(("VV", "VA")) and after.endswith("ETM"):
        return word
    if tag.startswith("JKB") and surface in ("에게", "한테"):
        return doc.text[hit.start : ends[i]]
    if tag.startswith("JKB") and surface in ("로", "으로"):
        if after.startswith(("VV", "VA")) and after.endswith("ETM"):
            return word
        if not after or after.startswith(("SY", "SF", "SE", "SS")):
            return doc.text[hit.start : ends[i]]
        then = tags[i + 2] if i + 2 < len(starts) and starts[i + 2] < limit else ""
        if after.startswith("NNG") and then.startswith(("XSV", "XSA")) and then.endswith("ETM"):
            return doc.text[hit.start : ends[i + 2]]  # 'AI로 설계한 조명', 'AI로 작성한 글'
    return ""


def _in_list(text: str, start: int, end: int) -> bool:
    """An AI term written as one item of a list: AI·반도체·바이오, 생산직·AI·디지털관."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before in _LIST_MARKS or after in _LIST_MARKS


def split_headline(text: str) -> tuple[str, str]:
    """(title, body) of a plain text whose first line is a headline followed by a blank line;
    ("", text) otherwise."""
    stripped = text.lstrip()
    first, sep, rest = stripped.partition("\n")
    if sep and first.strip() and len(first) <= HEADLINE_MAX and rest.startswith(("\n", "\r\n")):
        return first.strip(), rest.lstrip("\r\n")
    return "", text


def score_relevance(
    doc: Document,
    tags: Sequence[Tag],
    vocabulary: AiVocabulary,
    model: RelevanceModel | None = None,
    ai_companies: Iterable[str] = (),
) -> Relevance:
    """The relevance of one document (a one-off `RelevanceScorer`; reuse a scorer for many)."""
    return RelevanceScorer(vocabulary, model or load_model(), ai_companies).score(doc, tags)
