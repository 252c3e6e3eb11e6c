"""Find keyword phrases in a document as whole words, with negative phrases that cancel them.

Reusable: topics use it now (`nlp.topics`), the AI-relevance score can use it later. Each
keyword belongs to one or more labels (a topic name); a label's negative phrases cancel its
keyword hits nearby ("조류인플루엔자(AI)" is not artificial intelligence).

Matching is one Aho-Corasick pass over ASCII-case-folded text. A phrase with spaces also
matches without them ("AI 반도체" and "AI반도체"). Latin keywords are case-aware: all-capital
or short ones (AI, LLM, GPU) match only in that case, longer mixed-case ones in any case
(ChatGPT, chatgpt). Boundaries come from `nlp.boundaries.keyword_boundary`: a keyword may sit
in a compound where the morphemes split (협동|로봇), never inside another word (AI in KAIST).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nlp.boundaries import keyword_boundary
from nlp.document import Document
from nlp.gazetteer import fold_case, is_latin
from nlp.phrases import PhraseIndex

NEGATIVE_REACH = 10  # characters between a negative phrase and the keyword it cancels


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """A keyword found in a document: offsets into `Document.text`, the label it counts for."""

    start: int
    end: int
    surface: str
    keyword: str
    label: str


@dataclass(frozen=True, slots=True)
class KeywordMiss:
    """A keyword occurrence that does not count, and why (inside-word, negative:<phrase>)."""

    hit: KeywordHit
    reason: str


@dataclass(frozen=True, slots=True)
class _Pattern:
    keyword: str  # the phrase as written in the list
    labels: tuple[str, ...]
    negative: bool


class KeywordMatcher:
    """Keywords (and negative phrases) per label, searchable in one pass over a document."""

    def __init__(
        self,
        keywords: Mapping[str, Iterable[str]],
        negatives: Mapping[str, Iterable[str]] | None = None,
        reach: int = NEGATIVE_REACH,
    ) -> None:
        self.reach = reach
        patterns: dict[str, dict[tuple[str, bool], set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )
        for label, phrases in keywords.items():
            for phrase in phrases:
                for variant in _variants(phrase):
                    patterns[variant][(phrase, False)].add(label)
        for label, phrases in (negatives or {}).items():
            for phrase in phrases:
                for variant in _variants(phrase):
                    patterns[variant][(phrase, True)].add(label)
        by_folded: dict[str, list[tuple[str, _Pattern]]] = defaultdict(list)
        for variant, found in patterns.items():
            for (phrase, negative), labels in found.items():
                by_folded[fold_case(variant)].append(
                    (variant, _Pattern(phrase, tuple(sorted(labels)), negative))
                )
        self._phrases = PhraseIndex((folded, tuple(v)) for folded, v in by_folded.items())
        self._empty = not by_folded
        self._last: tuple[str | None, list[tuple[int, int, str, _Pattern]]] = (None, [])
        self._reprs: dict[_Pattern, str] = {}  # for signature_repr

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_last": (None, []), "_reprs": {}}  # caches stay behind

    def find(self, doc: Document) -> tuple[list[KeywordHit], list[KeywordMiss]]:
        """Keyword hits that count, and the occurrences that do not (with the reason)."""
        if self._empty:
            return [], []
        raw = self._occurrences(doc.text)
        if doc.has_boilerplate:
            raw = [r for r in raw if not doc.in_boilerplate(r[0])]
        negatives = [(s, e, p) for s, e, _, p in raw if p.negative]
        hits: list[KeywordHit] = []
        misses: list[KeywordMiss] = []
        taken: dict[str, int] = {}  # label → end of its last hit: hits of one label never overlap
        for start, end, actual, pattern in sorted(
            (r for r in raw if not r[3].negative), key=lambda r: (r[0], -(r[1] - r[0]))
        ):
            checked, reason = False, None  # boundaries checked for a label not taken here only
            for label in pattern.labels:
                if start < taken.get(label, -1):
                    continue
                if not checked:
                    checked, reason = True, keyword_boundary(doc, start, end)
                hit = KeywordHit(start, end, actual, pattern.keyword, label)
                why = reason or (self._cancelled(doc, hit, negatives) if negatives else None)
                if why:
                    misses.append(KeywordMiss(hit, why))
                    continue
                hits.append(hit)
                taken[label] = end
        return hits, misses

    def _occurrences(self, text: str) -> list[tuple[int, int, str, _Pattern]]:
        """Every keyword and negative phrase in the text, in the right case, overlaps included
        (the last text's result is kept: `signature` then `find` ask for the same text)."""
        last_text, last = self._last
        if last_text == text:
            return last
        found = []
        for end_index, values in self._phrases.find(fold_case(text)):
            for variant, pattern in values:
                start = end_index - len(variant) + 1
                actual = text[start : end_index + 1]
                if _case_ok(variant, actual):
                    found.append((start, end_index + 1, actual, pattern))
        self._last = (text, found)
        return found

    def signature(self, text: str) -> list[tuple[int, int, str, tuple[str, ...], bool]]:
        """What the matcher sees in a text before any boundary check: (start, end, keyword,
        labels, negative) — everything `find` depends on besides the text itself."""
        if self._empty:
            return []
        return [
            (start, end, p.keyword, p.labels, p.negative)
            for start, end, _, p in self._occurrences(text)
        ]

    def signature_repr(self, text: str) -> str:
        """`repr(self.signature(text))`, built from each pattern's repr made once."""
        if self._empty:
            return "[]"
        reprs = self._reprs
        items = []
        for start, end, _, pattern in self._occurrences(text):
            tail = reprs.get(pattern)
            if tail is None:
                tail = reprs[pattern] = repr((pattern.keyword, pattern.labels, pattern.negative))
            items.append(f"({start}, {end}, {tail[1:]}")
        return f"[{', '.join(items)}]"

    def _cancelled(
        self, doc: Document, hit: KeywordHit, negatives: list[tuple[int, int, _Pattern]]
    ) -> str | None:
        sentence = doc.sentence_at(hit.start)
        for start, end, pattern in negatives:
            if hit.label not in pattern.labels:
                continue
            if not (sentence.start <= start and end <= sentence.end):
                continue
            if start - self.reach <= hit.end and hit.start <= end + self.reach:
                return f"negative:{pattern.keyword}"
        return None


def _variants(phrase: str) -> list[str]:
    phrase = " ".join(phrase.split())
    if not phrase:
        return []
    compact = phrase.replace(" ", "")
    return [phrase] if compact == phrase else [phrase, compact]


def _case_ok(variant: str, actual: str) -> bool:
    """Exact case for short or all-capital Latin keywords and for mixed ones; any case for
    Latin words of 4+ letters that are not all capitals (ChatGPT/chatgpt)."""
    if actual == variant:
        return True
    letters = variant.replace(" ", "")
    return is_latin(variant) and len(letters) > 3 and not letters.isupper()
