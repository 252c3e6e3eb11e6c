"""Index headings for names: ㄱ–ㅎ by the first syllable's initial consonant, A–Z, and # for digits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# The 19 initial consonants in Unicode order; a tense consonant is filed under its plain one
# (까 under ㄱ), as Korean dictionaries and phone books do.
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_PLAIN = {"ㄲ": "ㄱ", "ㄸ": "ㄷ", "ㅃ": "ㅂ", "ㅆ": "ㅅ", "ㅉ": "ㅈ"}
HANGUL_HEADINGS = (
    "ㄱ",
    "ㄴ",
    "ㄷ",
    "ㄹ",
    "ㅁ",
    "ㅂ",
    "ㅅ",
    "ㅇ",
    "ㅈ",
    "ㅊ",
    "ㅋ",
    "ㅌ",
    "ㅍ",
    "ㅎ",
)
LATIN_HEADINGS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
OTHER = "#"
_LEGAL_PREFIXES = ("(주)", "㈜", "주식회사")


def index_heading(name: str) -> str:
    """The heading a name is filed under: '카카오' → 'ㅋ', 'SK텔레콤' → 'S', '3D팩토리' → '#'."""
    text = name.strip()
    for prefix in _LEGAL_PREFIXES:
        text = text.removeprefix(prefix).lstrip()
    for char in text:
        code = ord(char)
        if 0xAC00 <= code <= 0xD7A3:  # a precomposed Hangul syllable
            initial = _CHOSEONG[(code - 0xAC00) // 588]
            return _PLAIN.get(initial, initial)
        if char in _CHOSEONG:  # a bare jamo
            return _PLAIN.get(char, char)
        upper = char.upper()
        if "A" <= upper <= "Z":
            return upper
        if char.isalnum():
            return OTHER
        # punctuation such as '(' or '㈜' before the name: look at the next character
    return OTHER


def heading_order(heading: str) -> tuple[int, int]:
    """ㄱ–ㅎ first, then A–Z, then #."""
    if heading in HANGUL_HEADINGS:
        return (0, HANGUL_HEADINGS.index(heading))
    if heading in LATIN_HEADINGS:
        return (1, LATIN_HEADINGS.index(heading))
    return (2, 0)


def group_by_heading(items: Iterable[T], name: Callable[[T], str]) -> list[tuple[str, list[T]]]:
    """Items grouped under their headings, headings in index order, items by name within each."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(index_heading(name(item)), []).append(item)
    return [
        (heading, sorted(groups[heading], key=name))
        for heading in sorted(groups, key=heading_order)
    ]
