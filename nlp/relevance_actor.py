"""Who does what in a sentence: an industry actor (a company, institute, agency or local
government) as the subject of a sentence, read from the morphological analysis.

AI-industry news has an organisation doing AI as its subject ("광주시가 AI 스타트업에 투자한다",
"온담헬스가 … 허가를 받았다"); stories where AI is only the theme have people, shows and classes
as subjects ("출연자들은 AI 비서에게 묻는다", "강좌는 … 이야기한다"). A subject is the run of
nouns right before a subject or topic particle (이/가/은/는/께서), or before the comma of a
headline ("누리칩스, NPU 공급 계약"); it is an actor when it ends with one of the [ai] table's
`actors` words (기업, 스타트업, 연구원, 재단, 진흥원, 시, 도, 청 …) or is a tagged company.

Since model v6 the actor must be *linked* to the industry word: the industry word is used as a
predicate (개발했다, 출시한다, 선정됐다, 허가를 받았다, 계약을 맺었다, 도입에 나섰다, 선보였다;
in a headline also a noun at the end: "NPU 공급 계약"), and the actor is that predicate's subject,
read as the nearest subject before it ("부산시교육청이 연 토론대회에서 'AI 개발 속도'를 두고
논쟁이 벌어졌다" has no industry predicate; "응답자의 62%가 AI가 업무를 대신할 수 있다고
답했다" has no actor). Pure functions of a Document.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.document import Document
from nlp.keywords import KeywordHit

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


# After an industry noun and its object marker, verbs that make it the predicate ("계약을
# 맺었다", "허가를 받았다"); after 에, 나서다 ("도입에 나섰다").
OBJECT_VERBS = frozenset(
    {"맺", "받", "따내", "마치", "마쳤", "시작", "추진", "체결", "본격화", "늘리"}
)
_PREDICATE_SUFFIX = ("XSV", "XSA")  # 개발/NNG + 했다/XSV, 선정/NNG + 됐다/XSV


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


def is_person(surface: str, people: Iterable[str]) -> bool:
    """Does a subject name people, an audience or a talk event: one of its words, without a
    plural 들, ends with a `people` word ("학생들", "응답자의 62%" → no, "여섯 명", "논쟁")?"""
    names = tuple(people)
    return any(word.removesuffix("들").endswith(names) for word in surface.split() if names)


def is_predicate(doc: Document, hit: KeywordHit, limit: int, headline: bool = False) -> bool:
    """Is an industry word used as the predicate of its clause: a verb stem (선보였다, 내놓은),
    a noun with 하다/되다 (개발했다, 선정됐다), an object of 맺다/받다 … ("계약을 맺었다"), 에
    나서다 ("도입에 나섰다"), or, in a headline, a noun before the end, a mark or another noun
    ("NPU 공급 계약", "AI 도입…")? `limit` is the end of the sentence."""
    morphemes = doc.morphemes
    starts, ends, tags = morphemes.starts, morphemes.ends, morphemes.tags
    own = bisect_right(starts, hit.start) - 1
    if own >= 0 and tags[own].startswith("VV") and ends[own] >= hit.end:
        return True
    i = bisect_left(starts, hit.end)
    if i >= len(starts) or starts[i] >= limit:
        return headline
    tag = tags[i]
    if starts[i] == hit.end and tag.startswith(_PREDICATE_SUFFIX):
        return True
    if headline and (tag.startswith("S") or tag.startswith(("NNG", "NNP"))):
        return True
    surface = doc.text[starts[i] : ends[i]]
    if i + 1 >= len(starts) or starts[i + 1] >= limit:
        return False
    after = doc.text[starts[i + 1] : ends[i + 1]]
    if tag.startswith("JKO") and surface in ("을", "를"):
        return after in OBJECT_VERBS or (
            tags[i + 1].startswith("VV") and after.startswith(tuple(OBJECT_VERBS))
        )
    return tag.startswith("JKB") and surface == "에" and after.startswith("나서")


def linked_actor(
    doc: Document,
    start: int,
    end: int,
    actors: Sequence[str],
    industry: Sequence[KeywordHit],
    companies: Sequence[tuple[int, int, str]] = (),
    headline: bool = False,
) -> tuple[Subject, KeywordHit] | None:
    """The first industry word of the span [start, end) used as a predicate whose subject (the
    nearest subject before it, or in a headline a tagged company before it) is an industry
    actor, with that actor; None when no actor is linked to an industry predicate."""
    found = subjects(doc, start, end, headline)
    for hit in industry:
        if not start <= hit.start < end or not is_predicate(doc, hit, end, headline):
            continue
        before = [s for s in found if s.end <= hit.start]
        if before:
            subject = before[-1]
            if is_actor(subject.surface, actors) or any(
                subject.start <= c_start < subject.end for c_start, _, _ in companies
            ):
                return subject, hit
            continue
        if headline:
            for c_start, c_end, name in companies:
                if start <= c_start and c_end <= hit.start:
                    return Subject(c_start, c_end, name), hit
    return None


_COUNT_TAGS = ("SN", "NNBC", "NR", "SY", "SS", "SC", "SE", "SF")


def object_head(doc: Document, hit: KeywordHit, start: int, headline: bool = False) -> str:
    """The head noun of what an industry word acts on, or "" when none is written: the word
    before the industry noun in a headline ("굿즈 출시", "명작 10편 편성" → 명작), or the word
    before its object marker ("과자를 출시했다", "'특집'을 편성했다" → 특집). Numbers, counters and
    quotation marks are read through; `start` is where the sentence begins."""
    morphemes = doc.morphemes
    starts, ends, tags = morphemes.starts, morphemes.ends, morphemes.tags
    i = bisect_left(starts, hit.start) - 1
    if i < 0 or starts[i] < start:
        return ""
    surface = doc.text[starts[i] : ends[i]]
    if tags[i].startswith("JKO") and surface in ("을", "를"):
        i -= 1
    elif not headline:
        return ""
    while i >= 0 and starts[i] >= start and tags[i].startswith(_COUNT_TAGS):
        i -= 1
    if i < 0 or starts[i] < start or not tags[i].startswith(_NOUN_TAGS):
        return ""
    end = ends[i]
    while i > 0 and starts[i - 1] >= start and ends[i - 1] == starts[i]:
        if tags[i - 1].startswith(_PUNCTUATION):
            break
        i -= 1
    return doc.text[starts[i] : end]
