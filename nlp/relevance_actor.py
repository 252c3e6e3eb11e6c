"""Who does what in a sentence: an industry actor (a company, institute, agency or local
government) as the subject of a sentence, read from the morphological analysis.

AI-industry news has an organisation doing AI as its subject ("광주시가 AI 스타트업에 투자한다",
"온담헬스가 … 허가를 받았다"); stories where AI is only the theme have people, shows and classes
as subjects ("출연자들은 AI 비서에게 묻는다", "강좌는 … 이야기한다"). A subject is the run of
nouns right before a subject or topic particle (이/가/은/는/께서), or before the comma of a
headline ("누리칩스, NPU 공급 계약"); it is an actor when it ends with one of the [ai] table's
`actors` words (기업, 스타트업, 연구원, 재단, 진흥원, 시, 도, 청 …) or is a tagged company.
Pure functions of a Document.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.document import Document

SUBJECT_PARTICLES = frozenset({"이", "가", "은", "는", "께서", "에서는"})
_SUBJECT_TAGS = ("JKS", "JX")
MAX_WORDS = 4  # a subject run spans at most this many words ("지역 AI 기업 온담헬스")
_PUNCTUATION = ("SF", "SP", "SS", "SE", "SO", "SW", "SC", "SY")
_NOUN_TAGS = ("NNG", "NNP", "NNB", "SL", "SN", "XSN", "XPN", "NR")
# Words that end like an actor's name but are not one: 도시 (시), 전시 (시), 정도 (도), 일부 (부).
NOT_ACTORS = frozenset(
    {
        "도시", "전시", "당시", "동시", "수시", "표시", "지시", "감시", "게시", "개시", "실시",
        "즉시", "정도", "제도", "속도", "태도", "의도", "시도", "한도", "온도", "강도", "빈도",
        "일부", "내부", "외부", "전부", "세부", "청소년",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Subject:
    """A subject noun run: offsets into Document.text and its surface."""

    start: int
    end: int
    surface: str


def subjects(doc: Document, start: int, end: int, headline: bool = False) -> list[Subject]:
    """The noun runs in [start, end) that a subject or topic particle follows (or, in a
    headline, a comma)."""
    morphemes = doc.morphemes
    starts, ends, tags = morphemes.starts, morphemes.ends, morphemes.tags
    text = doc.text
    found: list[Subject] = []
    first = bisect_left(starts, start)
    for i in range(first, len(starts)):
        if starts[i] >= end:
            break
        tag = tags[i]
        surface = text[starts[i] : ends[i]]
        is_subject = tag.startswith(_SUBJECT_TAGS) and surface in SUBJECT_PARTICLES
        is_comma = headline and tag == "SC" and surface == ","
        if not (is_subject or is_comma) or i == first:
            continue
        j = i - 1
        if ends[j] != starts[i] or not tags[j].startswith(_NOUN_TAGS):
            continue
        words = 1
        while j > first:
            gap = text[ends[j - 1] : starts[j]]
            previous = tags[j - 1]
            if gap == "" and not previous.startswith(_PUNCTUATION):
                j -= 1  # the same word: unknown names are often mis-tagged (온담/VV + 헬스)
            elif gap == " " and previous.startswith(_NOUN_TAGS) and words < MAX_WORDS:
                words += 1
                j -= 1
            else:
                break
        found.append(Subject(starts[j], ends[i - 1], text[starts[j] : ends[i - 1]]))
    return found


def is_actor(surface: str, actors: Iterable[str]) -> bool:
    """Does a subject name an organisation: one of its words ends with an actor word
    ("스타트업 새솔바이오", "광주시") and is not 도시, 정도 …?"""
    names = tuple(actors)
    for word in surface.split():
        if word in NOT_ACTORS or any(word.endswith(n) for n in NOT_ACTORS):
            continue
        if any(word.endswith(a) for a in names):
            return True
    return False


def actor_in(
    doc: Document,
    start: int,
    end: int,
    actors: Sequence[str],
    companies: Sequence[tuple[int, int, str]] = (),
    headline: bool = False,
) -> Subject | None:
    """The first industry actor of the span: a tagged company mentioned in it, or a subject
    that names an organisation."""
    for c_start, c_end, name in companies:
        if start <= c_start < end:
            return Subject(c_start, c_end, name)
    for subject in subjects(doc, start, end, headline):
        if is_actor(subject.surface, actors):
            return subject
    return None
