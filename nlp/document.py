"""An article as the tagger sees it: one text (title + body) with fields, sentences and morphemes."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from nlp.analyzer import Morpheme

# Share bars, copyright lines and the outlet's imprint (address, registration, phone): names in
# them say nothing about the story.
_BOILERPLATE_LINE = re.compile(
    r"^[^\n]*(?:Copyright|ⓒ|©|무단\s?전재|재배포\s?금지|저작권자|등록번호|사업자\s?등록|"
    r"발행인|편집인|청소년\s?보호\s?책임자|대표\s?전화|(?:주소|소재지)\s?[:：])[^\n]*$",
    re.MULTILINE | re.IGNORECASE,
)
# How each kind of line above starts (lower-cased: the pattern ignores case): a line can be one
# only if it holds one of these, so the pattern is tried on those lines alone (scanning every
# line with it cost 0.08 ms per article, a twentieth of tagging it).
_BOILERPLATE_WORDS = (
    "opyr",
    "ⓒ",
    "©",
    "무단",
    "재배포",
    "저작권자",
    "등록번호",
    "사업자",
    "발행인",
    "편집인",
    "청소년",
    "대표",
    "주소",
    "소재지",
)
# Lines that link elsewhere: related-article pointers, short menu bullets ("• 증권").
_LINK_LINE = re.compile(
    r"^[ \t]*(?:▶|☞|▷|►|\[관련\s?기사\]|관련\s?기사|[•▪■□\-*][ \t]*[^\n]{1,14}[ \t]*$)[^\n]*$",
    re.MULTILINE,
)
_LINE = re.compile(r"[^\n]+")
_PROSE_MARK = re.compile(r"[.!?。…\"'“”‘’]")
_LEAD_MIN_CHARS = 60  # a paragraph this long is prose, not a byline or a subtitle
_LEAD_SEARCH = 1500
_MENU_MIN_WORDS = 8  # a line of this many bare nouns and no punctuation is a menu
# A sentence ends after . ! ? 。 … (and closing quotes) before a space, or at a line break. The
# mark is matched, not looked behind for (a look-behind at every character costs a third more);
# a sentence ends one character into a match that starts with it.
_SENTENCE_END = re.compile(r"[.!?。…][\"'”’)\]]*\s+|\n+")
# "[청주=뉴시스]", "(서울=연합뉴스) …": the place the story is filed from, then the outlet.
_DATELINE = re.compile(
    r"^[ \t]*[\[(（【〔<]\s*(?P<place>[가-힣]{1,8}(?:[·ㆍ][가-힣]{1,8})?)\s*=\s*"
    r"(?P<outlet>[^\])）】〕>\n]{1,40})[\])）】〕>]",
    re.MULTILINE,
)
_DATELINE_REACH = 600  # a dateline opens the body or one of its first lines
TITLE_GAP = "\n\n"


@dataclass(frozen=True, slots=True)
class Dateline:
    """Offsets of a dateline's place ("청주") and outlet part ("뉴시스 김철수 기자")."""

    place_start: int
    place_end: int
    outlet_start: int
    outlet_end: int


class Sentence(NamedTuple):
    """A sentence's offsets in `Document.text` and its field (a tuple: ~35 per article are
    made, three times faster than a frozen dataclass)."""

    start: int
    end: int
    field: str


class Morphemes:
    """An analysis as three parallel arrays (start, end, tag); Morpheme objects made on demand."""

    __slots__ = ("ends", "starts", "tags", "text")

    def __init__(self, text: str, starts: list[int], ends: list[int], tags: list[str]) -> None:
        self.text, self.starts, self.ends, self.tags = text, starts, ends, tags

    @classmethod
    def of(cls, text: str, morphemes: Iterable[Morpheme]) -> Morphemes:
        items = list(morphemes)
        return cls(text, [m.start for m in items], [m.end for m in items], [m.tag for m in items])

    @classmethod
    def empty(cls, text: str = "") -> Morphemes:
        return cls(text, [], [], [])

    def __len__(self) -> int:
        return len(self.starts)

    def __bool__(self) -> bool:
        return bool(self.starts)

    def __getitem__(self, index: int) -> Morpheme:
        start, end = self.starts[index], self.ends[index]
        return Morpheme(self.text[start:end], self.tags[index], start, end)

    def __iter__(self) -> Iterator[Morpheme]:
        return (self[i] for i in range(len(self.starts)))


@dataclass(frozen=True)
class Document:
    """Title and body joined as `title + "\\n\\n" + body`; offsets refer to that text."""

    text: str
    title_end: int
    lead_end: int
    morphemes: Morphemes = field(default_factory=Morphemes.empty)

    @classmethod
    def build(
        cls, title: str, body: str, morphemes: Morphemes | Iterable[Morpheme] = ()
    ) -> Document:
        text = doc_text(title, body)
        if not isinstance(morphemes, Morphemes):
            morphemes = Morphemes.of(text, morphemes)
        body_start = len(title) + len(TITLE_GAP)
        lead_end = body_start + _lead_length(body)
        return cls(text=text, title_end=len(title), lead_end=lead_end, morphemes=morphemes)

    @cached_property
    def dateline(self) -> Dateline | None:
        """The dateline at the start of the body (or of one of its first lines), if any."""
        body_start = self.title_end + len(TITLE_GAP)
        match = _DATELINE.search(self.text, body_start, body_start + _DATELINE_REACH)
        if match is None:
            return None
        return Dateline(*match.span("place"), *match.span("outlet"))

    def field_at(self, offset: int) -> str:
        if offset < self.title_end:
            return "title"
        return "lead" if offset < self.lead_end else "body"

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        spans: list[Sentence] = []
        start = 0
        text = self.text
        for match in _SENTENCE_END.finditer(text):
            end = match.start()
            if text[end] != "\n":
                end += 1  # after the mark
            if end > start:
                spans.append(Sentence(start, end, self.field_at(start)))
            start = match.end()
        if start < len(self.text):
            spans.append(Sentence(start, len(self.text), self.field_at(start)))
        return tuple(spans)

    @cached_property
    def sentence_starts(self) -> list[int]:
        """Where each sentence starts (for bisecting)."""
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence:
        sentences = self.sentences
        if not sentences:
            return Sentence(0, len(self.text), "body")
        index = bisect_right(self.sentence_starts, offset) - 1
        return sentences[index if index > 0 else 0]

    @cached_property
    def _boilerplate(self) -> tuple[list[int], list[int]]:
        spans = _boilerplate_lines(self.text)
        body_start = self.title_end + len(TITLE_GAP)
        spans += [m.span() for m in _LINK_LINE.finditer(self.text, body_start)]
        spans += self._menu_lines(body_start)
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(spans):  # merged, so one comparison finds an offset
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        return starts, ends

    def _menu_lines(self, body_start: int) -> list[tuple[int, int]]:
        """Lines of bare nouns without punctuation or particles: a site's menu."""
        found = []
        for line in _LINE.finditer(self.text, body_start):
            text = line.group()
            if _PROSE_MARK.search(text) or text.count(" ") < _MENU_MIN_WORDS - 1:
                continue
            if len(text.split()) < _MENU_MIN_WORDS:
                continue
            first = bisect_left(self.morphemes.starts, line.start())
            last = bisect_left(self.morphemes.starts, line.end())
            tags = self.morphemes.tags[first:last]
            if tags and not any(t.startswith(("J", "E", "V", "XSV", "XSA")) for t in tags):
                found.append(line.span())
        return found

    @property
    def has_boilerplate(self) -> bool:
        """Whether any line is boilerplate (most articles have none: no need to ask per name)."""
        return bool(self._boilerplate[0])

    def in_boilerplate(self, offset: int) -> bool:
        """Whether an offset lies on a share/copyright line, a related-article link or a menu."""
        starts, ends = self._boilerplate
        if not starts:
            return False
        index = bisect_right(starts, offset) - 1
        return index >= 0 and offset < ends[index]

    def morpheme_at(self, offset: int) -> Morpheme | None:
        """The morpheme that covers character `offset`, if any."""
        index = bisect_right(self.morphemes.starts, offset) - 1
        if index >= 0 and offset < self.morphemes.ends[index]:
            return self.morphemes[index]
        return None

    def tag_starting(self, offset: int) -> tuple[str, int] | None:
        """(tag, end) of the morpheme that starts at `offset`, without making a Morpheme."""
        starts = self.morphemes.starts
        index = bisect_right(starts, offset) - 1
        if index >= 0 and starts[index] == offset:
            return self.morphemes.tags[index], self.morphemes.ends[index]
        return None

    def tag_ending(self, offset: int) -> str | None:
        """The tag of the morpheme that ends at `offset`, if one does."""
        index = bisect_right(self.morphemes.starts, offset - 1) - 1
        if index >= 0 and self.morphemes.ends[index] == offset:
            return self.morphemes.tags[index]
        return None

    def end_of_morpheme_at(self, offset: int) -> int | None:
        """Where the morpheme covering `offset` ends, if one covers it."""
        index = bisect_right(self.morphemes.starts, offset) - 1
        if index >= 0 and offset < self.morphemes.ends[index]:
            return self.morphemes.ends[index]
        return None

    def morpheme_starting(self, offset: int) -> Morpheme | None:
        morpheme = self.morpheme_at(offset)
        return morpheme if morpheme and morpheme.start == offset else None

    def morpheme_ending(self, offset: int) -> Morpheme | None:
        morpheme = self.morpheme_at(offset - 1) if offset > 0 else None
        return morpheme if morpheme and morpheme.end == offset else None


def doc_text(title: str, body: str) -> str:
    """The single text the tagger analyses for an article."""
    return f"{title}{TITLE_GAP}{body}"


def _boilerplate_lines(text: str) -> list[tuple[int, int]]:
    """The spans `_BOILERPLATE_LINE.finditer(text)` finds, trying the pattern only at the start
    of lines that hold one of `_BOILERPLATE_WORDS`."""
    folded = text.lower()
    if len(folded) != len(text):  # a letter that lower-cases to two: offsets would shift
        return [m.span() for m in _BOILERPLATE_LINE.finditer(text)]
    starts = set()
    for word in _BOILERPLATE_WORDS:
        at = folded.find(word)
        while at >= 0:
            starts.add(folded.rfind("\n", 0, at) + 1)
            at = folded.find(word, at + len(word))
    spans = []
    searched_to = 0
    for start in sorted(starts):
        if start < searched_to:
            continue  # inside the last line found (a pattern may run over a line break)
        match = _BOILERPLATE_LINE.match(text, start)
        if match is not None:
            spans.append(match.span())
            searched_to = match.end()
    return spans


def _lead_length(body: str) -> int:
    """The lead: up to the end of the first prose paragraph (bylines, subtitles and a dateline
    line before it count as lead too), or the first 300 characters of a one-block body."""
    for line in _LINE.finditer(body, 0, _LEAD_SEARCH):
        if len(line.group().strip()) >= _LEAD_MIN_CHARS and _PROSE_MARK.search(line.group()):
            if len(line.group()) > 400:
                return line.start() + 300
            return line.end()
    stripped = body.lstrip()
    offset = len(body) - len(stripped)
    cut = stripped.find("\n")
    if cut == -1 or cut > 400:
        cut = min(len(stripped), 300)
    return offset + cut
