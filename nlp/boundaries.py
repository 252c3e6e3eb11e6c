"""Is a gazetteer hit a whole word? Morpheme-boundary checks on the left and right of a match."""

from __future__ import annotations

import re

from nlp.document import Document
from nlp.gazetteer import Match, is_latin

# Particles and copula forms that may follow a name inside one eojeol (카카오가, 충북에서).
PARTICLES = frozenset(
    [
        "이",
        "가",
        "은",
        "는",
        "을",
        "를",
        "의",
        "에",
        "와",
        "과",
        "도",
        "만",
        "로",
        "으로",
        "에서",
        "에게",
        "께",
        "한테",
        "부터",
        "까지",
        "처럼",
        "보다",
        "과의",
        "와의",
        "에서의",
        "에도",
        "에는",
        "으로는",
        "로는",
        "이나",
        "나",
        "이며",
        "며",
        "이다",
        "다",
        "이고",
        "고",
        "이라",
        "라",
        "이라는",
        "라는",
        "으로서",
        "로서",
        "이란",
        "란",
        "마저",
        "조차",
        "까지도",
        "에서도",
        "와도",
        "과도",
        "이랑",
        "랑",
        "뿐",
        "밖에",
        "께서",
        "에선",
        "엔",
        "이지만",
        "지만",
        "인",
        "이었다",
        "였다",
        "이자",
        "자",
        "이던",
        "던",
        "등",
        "들",
        "측",
        "쪽",
    ]
)

# Nouns that may stick to a company name without making it another name (구글코리아, 카카오측).
COMPANY_SUFFIXES = frozenset(
    ["코리아", "측", "그룹", "본사", "사옥", "계열", "계열사", "관계자", "대표", "등", "쪽"]
)

# Nouns that turn a region name into an institution located elsewhere or nowhere (서울대, 세종대왕).
REGION_STOP_SUFFIXES = frozenset(
    ["대", "대학", "대학교", "대학원", "대왕", "문화회관", "학당", "호", "씨", "님", "우유"]
)

_UNIVERSITY_TAILS = frozenset(
    ["", "학", "학교", "학원", "병원", "학교병원", "학병원", "생", "학생"]
)

# Nouns after a region name that mark an organisation named after it (제주창조경제혁신센터).
REGION_ORG_SUFFIXES = frozenset(
    [
        "창조경제혁신센터",
        "혁신센터",
        "센터",
        "테크노파크",
        "진흥원",
        "정보문화산업진흥원",
        "교육청",
        "은행",
        "경찰청",
        "소방본부",
        "상공회의소",
        "연구원",
        "재단",
        "공사",
        "공단",
        "일보",
        "신문",
        "방송",
    ]
)


# How an organisation's name ends: a region glued in front of one names the organisation
# (광주과학기술원, 제주창조경제혁신센터, 충북지방경찰청), which counts for half.
ORG_NAME_ENDINGS = (
    "센터",
    "기술원",
    "진흥원",
    "연구원",
    "개발원",
    "정보원",
    "재단",
    "공사",
    "공단",
    "은행",
    "일보",
    "신문",
    "방송",
    "병원",
    "의료원",
    "대학교",
    "대학",
    "연구소",
    "협회",
    "학회",
    "테크노파크",
    "위원회",
    "상공회의소",
    "교육청",
    "경찰청",
    "소방본부",
    "지원단",
    "지청",
    "개발청",
    "시청",
    "도청",
    "군청",
    "구청",
)


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" or "\u3131" <= char <= "\u318e"


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def left_boundary(doc: Document, match: Match, previous_end: int | None) -> str | None:
    """None when the match starts a word; else the reason it does not (김유성 → 유성)."""
    if match.start == 0:
        return None
    before = doc.text[match.start - 1]
    if is_latin(match.surface):
        return "glued-latin" if _is_word_char(before) else None
    if not _is_hangul(before):
        return None
    if previous_end == match.start:
        return None  # two names in one eojeol: 대구경북, 충북오송
    if not doc.morphemes:
        return "glued-left"
    if doc.tag_starting(match.start) is None:
        return "inside-word"
    previous = doc.tag_ending(match.start)
    if previous is not None and previous.startswith(("NN", "SL", "SH", "XPN")):
        return "glued-to-noun"
    return None


def right_boundary(doc: Document, match: Match, kind: str) -> tuple[str | None, str]:
    """(reason to reject or None, rule name) for what follows the match."""
    text, end = doc.text, match.end
    if end >= len(text):
        return None, "word"
    after = text[end]
    if is_latin(match.surface) and _is_word_char(after):
        return "glued-latin", ""
    if not _is_hangul(after):
        return None, "word"
    if kind != "company" and _is_university(strip_particle(_eojeol_rest(text, end))):
        return "institution-name", ""  # 전북대병원, 충남대와 (however the analyzer splits them)
    found = doc.tag_starting(end)
    if found is None:
        return _rest_of_eojeol(doc, match)
    tag, morpheme_end = found
    if tag.startswith(("XSV", "XSA", "VV", "VA")):
        return "verb-or-adjective", ""  # 용인될, 양산하다
    if not tag.startswith(("NN", "SL", "SH", "XR", "NR")):
        return None, "word"
    return _glued_noun(text[end:morpheme_end], kind, _eojeol_rest(text, end))


def _glued_noun(noun: str, kind: str, rest: str) -> tuple[str | None, str]:
    if kind == "company":
        return (
            (None, "word") if noun in COMPANY_SUFFIXES or noun in PARTICLES else ("longer-name", "")
        )
    if noun in REGION_STOP_SUFFIXES:
        return "institution-name", ""
    if any(noun.startswith(s) for s in REGION_ORG_SUFFIXES):
        return None, "in-org-name"
    if strip_particle(rest).endswith(ORG_NAME_ENDINGS):
        return None, "in-org-name"
    return None, "word"


def _is_university(rest: str) -> bool:
    """What follows a region name makes it a university or its hospital (서울대, 부산대학교병원)."""
    if rest in REGION_STOP_SUFFIXES:
        return True
    return rest.startswith("대") and rest[1:] in _UNIVERSITY_TAILS


def strip_particle(word: str) -> str:
    """A word without the longest particle it ends with (센터에서 → 센터)."""
    for size in range(min(4, len(word) - 1), 0, -1):
        if word[-size:] in PARTICLES:
            return word[:-size]
    return word


def keyword_boundary(doc: Document, start: int, end: int) -> str | None:
    """None when text[start:end] starts and ends on word or morpheme boundaries, else why not.

    Unlike names, keywords may sit inside a compound noun as long as the morphemes split
    there (협동|로봇, 로봇|청소기); Latin keywords never touch other Latin letters or digits
    (AI is not in KAIST or TRAIN).
    """
    text = doc.text
    if start > 0:
        before, first = text[start - 1], text[start]
        if _is_word_char(before) and _is_word_char(first):
            return "inside-word"
        if _is_hangul(before) and _is_hangul(first) and doc.morpheme_starting(start) is None:
            return "inside-word"
    if end < len(text):
        last, after = text[end - 1], text[end]
        if _is_word_char(last) and _is_word_char(after):
            return "inside-word"
        glued = _is_hangul(last) and _is_hangul(after) and doc.morpheme_ending(end) is None
        if glued and _eojeol_rest(text, end) not in PARTICLES:
            return "inside-word"
    return None


def _rest_of_eojeol(doc: Document, match: Match) -> tuple[str | None, str]:
    """The match ends inside a morpheme: accept only when the rest is a particle."""
    morpheme_end = doc.end_of_morpheme_at(match.end)
    if morpheme_end is None:
        rest = _eojeol_rest(doc.text, match.end)
    else:
        rest = doc.text[match.end : morpheme_end]
    return (None, "word") if rest in PARTICLES else ("longer-word", "")


_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]*")


def _eojeol_rest(text: str, start: int) -> str:
    """The Hangul letters from `start` to the end of the word."""
    match = _HANGUL_RUN.match(text, start)
    return match.group() if match else ""
