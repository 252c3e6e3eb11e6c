"""Revised Romanization for slugs (regions, companies, topics): ASCII, lower-case, stable."""

from __future__ import annotations

import re

from korean_romanizer.romanizer import Romanizer
from slugify import slugify

# korean_romanizer does not apply ㄹ assimilation across syllables; fix the common cases on its
# output (종로 jongro → jongno, 울릉 ulreung → ulleung, 신라 sinra → silla).
_ASSIMILATION = (("ngr", "ngn"), ("nr", "ll"), ("lr", "ll"), ("mr", "mn"), ("kr", "ngn"),
                 ("pr", "mn"))
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


def romanize(hangul: str) -> str:
    """Revised Romanization of a Hangul run, lower-case."""
    text = Romanizer(hangul).romanize().lower()
    for before, after in _ASSIMILATION:
        text = text.replace(before, after)
    return text


def slug_for(name: str, fallback: str = "item") -> str:
    """A URL slug for any name: Hangul romanised, the rest slugified; never empty."""
    spaced = _HANGUL_RUN.sub(lambda m: f" {romanize(m.group())} ", name)
    return slugify(spaced, lowercase=True, max_length=80, word_boundary=True) or fallback
