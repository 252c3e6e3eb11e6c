"""Article text clean-up (sign-offs, copyright, captions), bylines and excerpts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scraper.text import normalise_space

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_SIGN_OFF = re.compile(
    rf"^[\[(/<]?\s*(?:[가-힣A-Za-z·]{{2,10}}\s*){{1,3}}(?:기자|특파원|통신원|에디터)\s*[\])>]?"
    rf"\s*(?:[\[(<]?\s*{_EMAIL}\s*[\])>]?)?$"
)
_BARE_EMAIL = re.compile(rf"^[\[(<]?\s*{_EMAIL}\s*[\])>]?$")
_TRAILING_REPORTER = re.compile(
    rf"\s*[\[(/]?\s*[가-힣]{{2,4}}\s*기자\s*[\[(<]?\s*{_EMAIL}\s*[\])>]?\s*$"
)
_COPYRIGHT = re.compile(r"ⓒ|©|\(c\)\s|저작권자|무단\s*전재|재배포\s*금지|all rights reserved", re.I)
_CAPTION = re.compile(  # "… 전경. (사진=경기도 제공)", "… 개소식. /사진=아크릴"
    r"^.{0,150}(?:[(\[<]\s*(?:사진|자료|그래픽|영상|이미지)\s*[=:/].{0,40}[)\]>]"
    r"|/\s*(?:사진|자료|그래픽|영상|이미지)\s*=\s*\S.{0,40})$"
)
NOISE_LINES = frozenset({"광고", "AD", "Advertisement", "관련기사", "관련 기사", "공유하기"})
_SENTENCE_END = re.compile(r"[.!?。](?:[\"'”’)\]]*)(?=\s|$)")


def clean_article_text(text: str, titles: Iterable[str] = ()) -> str:
    """Article text without a repeated title, copyright, photo-credit and sign-off lines."""
    paragraphs = [normalise_space(p) for p in text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and paragraphs[0] in {normalise_space(t) for t in titles}:
        paragraphs.pop(0)  # generic extractors often keep the headline as the first line
    paragraphs = [
        p
        for p in paragraphs
        if p not in NOISE_LINES
        and not (len(p) < 200 and (_COPYRIGHT.search(p) or _CAPTION.match(p)))
    ]
    while paragraphs and _is_reporter_line(paragraphs[-1]):
        paragraphs.pop()
    if paragraphs:
        paragraphs[-1] = _TRAILING_REPORTER.sub("", paragraphs[-1])
    return "\n\n".join(p for p in paragraphs if p)


def clean_author(author: str) -> str:
    """A byline reduced to names: e-mail addresses and the trailing 기자/특파원 dropped."""
    author = re.sub(_EMAIL, "", author)
    author = re.sub(r"\s*(?:기자|특파원|객원기자|통신원|에디터)(?=\s*(?:[,·/]|$))", "", author)
    return normalise_space(author.strip(" ,·/()[]<>"))


def _is_reporter_line(paragraph: str) -> bool:
    """A short sign-off: "김민수 기자 minsu@example.kr", a bare e-mail address, or any short last
    line with an address in it ("◎공감언론 뉴시스 minsu@newsis.com")."""
    if len(paragraph) > 80:
        return False
    return bool(
        _SIGN_OFF.match(paragraph)
        or _BARE_EMAIL.match(paragraph)
        or (re.search(_EMAIL, paragraph) and not _SENTENCE_END.search(paragraph))
    )


def excerpt(text: str, limit: int = 160) -> str:
    """The opening of `text` in at most `limit` characters: whole sentences, else words and "…"."""
    flat = normalise_space(text)
    if len(flat) <= limit:
        return flat
    ends = [m.end() for m in _SENTENCE_END.finditer(flat, 0, limit + 1) if m.end() <= limit]
    if ends and ends[-1] >= limit * 0.4:
        return flat[: ends[-1]]
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,·:;-–—") + "…"
