"""Discover companies the taxonomy does not know: names next to company cues, for editors.

A pure function of a document (text + morphemes). A word is a candidate when a company cue
sits next to it:

- strong cues: ㈜/(주)/주식회사 around it, a ticker "(123456)" after it, "(대표 …)" after it;
- role words after it: 관계자, 측, 대표, 사장, 회장, CEO … — when the word before the role word
  is a person ("아크릴 박외진 대표"), the company is the word before the person;
- company nouns before it (AI 스타트업 누리비전이, 업체 …): only for words that look like
  names to the analyzer (a proper noun, Latin letters, or a word it cannot split into
  dictionary nouns), since "기업 지원사업" is not a company.

Never candidates: names the taxonomy knows (companies, regions, places, groups), people,
government bodies, universities and institutes (by how their names end: 부, 청, 처, 원, 대,
대학교, 연구원, 진흥원, 재단, 센터, 공사, 공단, 협회 …), outlets, and everyday nouns.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from nlp.boundaries import COMPANY_SUFFIXES, PARTICLES
from nlp.document import Document, Sentence
from nlp.gazetteer import Gazetteer, fold_case

MAX_SENTENCE = 240

_EOJEOL = re.compile(r"\S+")
_TICKER = re.compile(r"^\(\d{6}\)")
_CORP_PREFIXES = ("㈜", "(주)", "(株)")
_NAME_CHARS = re.compile(r"^[0-9A-Za-z가-힣&.+\-]+$")
_HAS_LETTER = re.compile(r"[A-Za-z가-힣]")
_QUANTITY = re.compile(r"^[\d,.]+[가-힣]{1,3}$")
_LATIN_WORD = re.compile(r"^[A-Z][A-Za-z0-9&.+\-]*$")
_TRAILING_CHARS = "\"'”’)]},.·:;!?…"
_LEADING_CHARS = "\"'“‘([{<《「『"
_LEADING_QUOTES = "\"'“‘[{<《「『"

ROLE_WORDS = frozenset(
    [
        "대표",
        "대표이사",
        "사장",
        "부사장",
        "회장",
        "부회장",
        "CEO",
        "CTO",
        "최고경영자",
        "최고기술책임자",
        "창업자",
        "공동창업자",
        "공동대표",
        "각자대표",
        "이사",
        "상무",
        "전무",
        "본부장",
    ]
)
PERSON_TITLES = ROLE_WORDS | frozenset(
    ["기자", "교수", "연구원", "소장", "센터장", "팀장", "부장", "과장", "씨", "님", "박사"]
)
SPOKESPERSON_WORDS = frozenset(["관계자", "측"])
COMPANY_NOUNS = frozenset(
    [
        "스타트업",
        "기업",
        "업체",
        "회사",
        "개발사",
        "전문기업",
        "전문업체",
        "자회사",
        "계열사",
        "투자사",
        "제조사",
        "벤처",
        "벤처기업",
        "주식회사",
    ]
)
# How the names of public bodies, schools, institutes and outlets end: never companies.
NON_COMPANY_ENDINGS = (
    "부",
    "청",
    "처",
    "원",
    "대",
    "대학교",
    "대학",
    "학교",
    "연구원",
    "연구소",
    "진흥원",
    "재단",
    "센터",
    "공사",
    "공단",
    "협회",
    "학회",
    "시청",
    "도청",
    "위원회",
    "회의소",
    "병원",
    "의료원",
    "교육청",
    "본부",
    "사업단",
    "지원단",
    "연구단",
    "연합회",
    "협의회",
    "조합",
    "포럼",
    "클러스터",
    "캠퍼스",
    "특구",
    "단지",
    "단체",
    "기관",
    "일보",
    "신문",
    "뉴스",
    "방송",
    "타임즈",
    "기자",
    "시",
    "군",
    "구",
    "도",
    "팀",
    "과",
    "국",
    "실",
)
# Common Korean surnames: a 2–4 syllable word starting with one of them, next to a title, is
# a person.
SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄"
    "채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부"
)
# Words before "<noun> 관계자" that make the noun generic ("한 벤처캐피털 대표").
DETERMINERS = frozenset(
    ["한", "모", "해당", "이", "그", "다른", "같은", "여러", "일부", "각", "국내", "해외", "대형"]
)
# Everyday nouns that stand before 관계자/측/대표 without being a company.
GENERIC_NOUNS = frozenset(
    [
        "업계",
        "인공지능",
        "회사",
        "정부",
        "당국",
        "기관",
        "기업",
        "업체",
        "행사",
        "주최",
        "주최측",
        "조직위",
        "현장",
        "내부",
        "외부",
        "지역",
        "현지",
        "해당",
        "국내",
        "해외",
        "글로벌",
        "공동",
        "각자",
        "전",
        "현",
        "신임",
        "초대",
        "모",
        "한",
        "이",
        "그",
        "같은",
        "다른",
        "회사측",
        "학교",
        "병원",
        "금융",
        "은행",
        "플랫폼",
        "통신사",
        "협력사",
        "운영사",
        "시행사",
        "이통사",
        "카드사",
        "보험사",
        "증권사",
        "투자사",
        "제조사",
        "스타트업",
        "벤처",
        "벤처캐피털",
        "관련",
        "사업",
        "정책",
        "부처",
        "시민",
        "주민",
        "고객",
        "전문가",
        "경찰",
        "소방",
        "노조",
        "사측",
    ]
)


# Latin acronyms of public institutes, universities and everyday tech words.
_LATIN_NON_COMPANIES = """
    AI IT ICT SW HW CEO CTO CFO COO VC R&D GPU NPU CPU LLM SLLM IOT SAAS B2B B2C API
    KAIST UNIST DGIST GIST POSTECH ETRI KIST KISTI NIPA NIA IITP KISA KOTRA KEIT KIAT TIPA KDI
    NRF KOCCA KCA KIPO KRISS KERI KIER KARI KIMM KEITI KTL KTR KOSA KOITA MSIT UN OECD WHO EU
    NASA MIT
"""
LATIN_NON_COMPANIES = frozenset(_LATIN_NON_COMPANIES.split())


@dataclass(frozen=True, slots=True)
class CandidateMention:
    """A possible company name in an article, with the cue that suggested it."""

    name: str
    start: int  # offsets into Document.text
    end: int
    sentence: str
    cue: str


@dataclass(frozen=True, slots=True)
class _Word:
    core: str  # the eojeol without punctuation, ㈜, a parenthesis and the particle at its end
    start: int  # offsets of `core` in Document.text
    end: int
    after: str  # what follows `core` in the eojeol: "(035720)가", "이"
    corp_mark: bool  # ㈜ / (주) before or after it


# Any cue at all in a sentence (most sentences have none and are skipped).
_CUE_HINT = re.compile(
    "|".join(
        re.escape(w)
        for w in sorted(ROLE_WORDS | SPOKESPERSON_WORDS | COMPANY_NOUNS, key=len, reverse=True)
    )
    + r"|㈜|\(주\)|\(株\)|\(\d{6}\)|\(대표"
)


class CandidateFinder:
    """Finds candidate company names in documents; knows the taxonomy's names to skip them."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._known = {fold_case(surface) for surface in gazetteer.entries}
        self._companies = {
            fold_case(surface)
            for surface, entries in gazetteer.entries.items()
            if any(e.kind == "company" for e in entries)
        }

    def find(self, doc: Document) -> list[CandidateMention]:
        found: dict[str, CandidateMention] = {}
        text = doc.text
        for sentence, cues in _cues_by_sentence(doc):
            if doc.in_boilerplate(sentence.start):
                continue
            example = text[sentence.start : sentence.end].strip()[:MAX_SENTENCE]
            words = _Words(doc, sentence.start, sentence.end)
            for cue in cues:
                hit = _cue_hit(doc, words, words.index_at(cue.start()), cue.group())
                if hit is None:
                    continue
                name, index, kind = hit
                word = words[index]
                if name not in found and self._is_new(name):
                    found[name] = CandidateMention(name, word.start, word.end, example, kind)
        return list(found.values())

    def _is_new(self, name: str) -> bool:
        folded = fold_case(name)
        if folded in self._known:
            return False
        return not any(  # 구글코리아, 카카오측: a known company plus a suffix
            folded[:cut] in self._companies and folded[cut:] in COMPANY_SUFFIXES
            for cut in range(1, len(folded))
        )


def _cues_by_sentence(doc: Document) -> list[tuple[Sentence, list[re.Match[str]]]]:
    """The sentences with a cue, each with its cues: one scan of the whole text (no cue can
    run over a sentence's end, which follows . ! ? 。 …, nor start between two sentences)."""
    sentences = doc.sentences
    starts = doc.sentence_starts
    grouped: list[tuple[Sentence, list[re.Match[str]]]] = []
    for cue in _CUE_HINT.finditer(doc.text):
        index = bisect_right(starts, cue.start()) - 1
        if index < 0 or cue.end() > sentences[index].end:
            continue  # outside every sentence (cannot happen; kept as the old scan did)
        sentence = sentences[index]
        if grouped and grouped[-1][0] is sentence:
            grouped[-1][1].append(cue)
        else:
            grouped.append((sentence, [cue]))
    return grouped


class _Words:
    """The words of a sentence, each made into a `_Word` only when a cue needs it."""

    def __init__(self, doc: Document, start: int, end: int) -> None:
        self.doc = doc
        self.spans = [m.span() for m in _EOJEOL.finditer(doc.text, start, end)]
        self._starts = [s for s, _ in self.spans]
        self._made: dict[int, _Word] = {}

    def __len__(self) -> int:
        return len(self.spans)

    def index_at(self, offset: int) -> int:
        return max(0, bisect_right(self._starts, offset) - 1)

    def __getitem__(self, index: int) -> _Word:
        word = self._made.get(index)
        if word is None:
            word = self._made[index] = _word(self.doc, *self.spans[index])
        return word


def _word(doc: Document, start: int, end: int) -> _Word:
    raw = doc.text[start:end]
    body = raw.lstrip(_LEADING_QUOTES)
    corp = body.startswith(_CORP_PREFIXES)
    if corp:
        body = body[body.index(")") + 1 :] if body[0] == "(" else body[1:]
    body = body.lstrip(_LEADING_CHARS)
    offset = end - len(body)
    cut = min((i for i in (body.find("("), body.find("（"), body.find("[")) if i >= 0), default=-1)
    core = body if cut < 0 else body[:cut]
    if core.endswith("㈜"):
        corp, core = True, core[:-1]
    core = _strip_josa(doc, offset, core.rstrip(_TRAILING_CHARS))
    return _Word(core, offset, offset + len(core), body[len(core) :], corp)


def _strip_josa(doc: Document, start: int, core: str) -> str:
    """The word without the particles the analyzer found at its end (누리비전이 → 누리비전)."""
    cut = start + len(core)
    first = bisect_left(doc.morphemes.starts, start)
    for index in range(bisect_left(doc.morphemes.starts, cut) - 1, first, -1):
        if not doc.morphemes.tags[index].startswith(("J", "VCP", "E")):
            break
        cut = doc.morphemes.starts[index]
    return core[: cut - start]


def _cue_hit(doc: Document, words: _Words, at: int, cue: str) -> tuple[str, int, str] | None:
    """(name, index of its word, cue) for a cue found in words[at], if it points at a name."""
    word = words[at]
    if cue in ("㈜", "(주)", "(株)") or cue.startswith("("):  # ㈜, (주), a ticker, (대표
        kind = "ticker" if cue[1:2].isdigit() else "대표" if cue == "(대표" else "㈜"
        if word.core:
            return _named(doc, words, at, kind, strong=True)
        return _named(doc, words, at - 1, kind, strong=True) if at > 0 else None
    if word.core != cue:
        return None  # the cue word is part of another word (대기업, 관계자들 are fine: josa)
    if cue == "주식회사":
        if at > 0 and words[at - 1].after == "":
            found = _named(doc, words, at - 1, "㈜", strong=True)  # 누리비전 주식회사
            if found is not None:
                return found
        if at + 1 < len(words) and _name_like(doc, words[at + 1]):
            return _named(doc, words, at + 1, "㈜", strong=True)  # 주식회사 누리비전
        return None
    if cue in SPOKESPERSON_WORDS or cue in ROLE_WORDS:
        if at == 0:
            return None
        before = words[at - 1]
        if at > 1 and words[at - 2].core in DETERMINERS:
            return None  # "한 벤처캐피털 대표": some company, not a name
        if not _looks_like_person(before.core):
            return _named(doc, words, at - 1, cue, strong=False)
        # "아크릴 박외진 대표": the company is the word before the person.
        if at > 1 and not _looks_like_person(words[at - 2].core):
            return _named(doc, words, at - 2, cue, strong=False)
        return None
    if cue in COMPANY_NOUNS and at + 1 < len(words) and not word.after:
        # "AI 스타트업 누리비전이" (the noun qualifies the name: no particle on it), and only
        # words that look like names to the analyzer.
        following = words[at + 1]
        if following.after and _name_like(doc, following):
            return _named(doc, words, at + 1, cue, strong=False)
    return None


def _named(
    doc: Document, words: _Words, index: int, cue: str, strong: bool
) -> tuple[str, int, str] | None:
    """The name at words[index] (Latin names may span words) if it could be a company."""
    word = words[index]
    name = _extend_latin(words, index)
    if len(name) < 2 or len(name) > 30 or not _NAME_CHARS.match(name.replace(" ", "")):
        return None
    if not _HAS_LETTER.search(name) or name in GENERIC_NOUNS or name in PARTICLES:
        return None
    if _QUANTITY.match(name):  # 10곳, 3개사
        return None
    if name.endswith(NON_COMPANY_ENDINGS) and not name.isascii():
        return None
    if name.upper() in LATIN_NON_COMPANIES or (name.isascii() and len(name) <= 3 and not strong):
        return None
    if name in PERSON_TITLES or name in COMPANY_NOUNS:
        return None
    if not strong and " " not in name and _common_noun(doc, word):
        return None
    return name, index, cue


def _common_noun(doc: Document, word: _Word) -> bool:
    """One dictionary noun (업계, 관계자): the analyzer's NNG spanning the whole word."""
    morpheme = doc.morpheme_starting(word.start)
    return (
        morpheme is not None
        and morpheme.end == word.end
        and morpheme.tag.startswith(("NNG", "NNB", "NP", "NR"))
    )


def _name_like(doc: Document, word: _Word) -> bool:
    """A proper noun, Latin letters, or a word the analyzer cannot split into plain nouns;
    never a verb form (참여했)."""
    if not word.core:
        return False
    if any(c.isascii() and c.isalpha() for c in word.core):
        return True
    first = bisect_left(doc.morphemes.starts, word.start)
    last = bisect_left(doc.morphemes.starts, word.end)
    tags = doc.morphemes.tags[first:last]
    if not tags:
        return True
    if not tags[-1].split("+")[-1].startswith(("NN", "SL", "SH", "SN")):
        return False
    return any(t.startswith(("NNP", "SL", "SH")) or not t.startswith("NN") for t in tags)


def _looks_like_person(word: str) -> bool:
    return 2 <= len(word) <= 4 and word[0] in SURNAMES and all("가" <= c <= "힣" for c in word)


def _extend_latin(words: _Words, index: int) -> str:
    """A Latin name may span words ("Superb AI", "Twelve Labs"): take the capitalised words
    before it in the same phrase."""
    word = words[index]
    if not word.core.isascii():
        return word.core
    parts = [word.core]
    j = index - 1
    while j >= 0 and len(parts) < 3:
        prev = words[j]
        if prev.after or prev.corp_mark or not _LATIN_WORD.match(prev.core):
            break
        parts.insert(0, prev.core)
        j -= 1
    return " ".join(parts)


def candidate_rows(mentions: Iterable[CandidateMention]) -> list[tuple[str, str, str]]:
    """(name, sentence, cue) rows for the archive."""
    return [(m.name, m.sentence, m.cue) for m in mentions]
