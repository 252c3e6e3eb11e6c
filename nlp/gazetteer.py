"""Every name the tagger looks for, from the taxonomy, in one Aho-Corasick automaton
(`nlp.phrases`)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from archive.taxonomy import Taxonomy
from nlp.phrases import PhraseIndex

_LATIN = re.compile(r"^[A-Za-z0-9&.+\- ]+$")
_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True, slots=True)
class Entry:
    """One meaning of a surface form.

    kind: sido | sigungu | place | group | company. `key` is the region key ("충청북도 청주시"),
    group name or company name. `form` says how the surface relates to the name: official,
    short, former, alias, ambiguous (a 시·군·구 name shared by several 시·도, like 중구), stem (a
    시·군 name without 시/군 that is also a common word or another region's name: 양산, 광주).
    """

    kind: str
    key: str
    sido: str
    form: str
    cue_required: bool = False


class Match(NamedTuple):
    """A surface found in a text, with its meanings (a tuple: ~70 per article are made)."""

    start: int
    end: int
    surface: str
    entries: tuple[Entry, ...]


_START = itemgetter(0)
_END = itemgetter(1)


@lru_cache(maxsize=65536)
def is_latin(name: str) -> bool:
    """Whether a name is written in Latin letters, digits and a few signs only (NXC, LG U+)."""
    return bool(_LATIN.match(name))


def fold_case(text: str) -> str:
    """Lower-casing that keeps every offset where it was (ASCII letters at least)."""
    lowered = text.lower()  # fast; a few non-ASCII letters change length when lowered
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_UPPER)


class Gazetteer:
    """Surface forms → entries, searchable in one pass over a text."""

    def __init__(self, entries: dict[str, list[Entry]]) -> None:
        self.entries = {surface: tuple(dict.fromkeys(found)) for surface, found in entries.items()}
        by_folded: dict[str, list[tuple[str, tuple[Entry, ...]]]] = defaultdict(list)
        for surface, found in self.entries.items():
            by_folded[fold_case(surface)].append((surface, found))
        # value: ((surface, entries), ...), every surface that folds to the phrase
        self._phrases = PhraseIndex((folded, tuple(v)) for folded, v in by_folded.items())
        self._last: tuple[str | None, list[tuple[int, str, tuple[Entry, ...]]]] = (None, [])

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_last": (None, [])}  # not the last text's matches

    def find(self, text: str) -> list[Match]:
        """All occurrences of every surface (overlapping), in text order."""
        matches: list[Match] = []
        for end_index, surface, found in self.signature(text):
            start = end_index - len(surface) + 1
            actual = text[start : end_index + 1]
            if actual == surface or _case_ok(surface, actual):
                matches.append(Match(start, end_index + 1, actual, found))
        # By start, longest first (two stable sorts on C keys: the order of one key with a lambda).
        matches.sort(key=_END, reverse=True)
        matches.sort(key=_START)
        return matches

    def signature(self, text: str) -> list[tuple[int, str, tuple[Entry, ...]]]:
        """Every (end, surface, entries) the automaton finds in the text, in any case: what
        matching and the candidate finder's known names depend on besides the text itself.
        The last text's result is kept: the tag stage asks for it, then `find` does."""
        if not self.entries:
            return []
        last_text, last = self._last
        if last_text == text:
            return last
        found = [
            (end_index, surface, entries)
            for end_index, values in self._phrases.find(fold_case(text))
            for surface, entries in values
        ]
        self._last = (text, found)
        return found

    def words(self) -> list[str]:
        """Hangul names for the analyzer's user dictionary (never common-word names)."""
        words = set()
        for surface, found in self.entries.items():
            if is_latin(surface) or " " in surface or len(surface) < 2:
                continue
            if any(e.cue_required or e.form in ("short", "stem", "ambiguous") for e in found):
                continue
            words.add(surface)
        return sorted(words)


def _case_ok(surface: str, actual: str) -> bool:
    """Latin names of 4+ letters match in any case (Google, google); short or all-capital
    names (KT, NXC) and mixed names (SK텔레콤) only in their exact case."""
    if actual == surface:
        return True
    return is_latin(surface) and len(surface.replace(" ", "")) > 3 and not surface.isupper()


def build_gazetteer(taxonomy: Taxonomy) -> Gazetteer:
    """Every surface form of every region, place, group and company."""
    entries: dict[str, list[Entry]] = defaultdict(list)
    sigungu_names: dict[str, list[str]] = defaultdict(list)
    for region in taxonomy.regions:
        if region.level == 1:
            entries[region.name].append(Entry("sido", region.key, region.sido, "official"))
            for short in region.short:
                entries[short].append(Entry("sido", region.key, region.sido, "short"))
            for former in region.former:
                entries[former].append(Entry("sido", region.key, region.sido, "former"))
            continue
        key = f"{region.sido} {region.city}" if region.city else region.key
        gu = region.name.split(" ")[-1]
        sigungu_names[gu].append(key)
        if region.city:
            entries[region.name].append(Entry("sigungu", key, region.sido, "official"))
        for short in region.short:
            entries[short].append(Entry("sigungu", key, region.sido, "short"))
        stem = region.name[:-1]
        if (
            not region.city
            and region.name[-1] in "시군"
            and len(stem) >= 2
            and stem not in region.short
        ):
            entries[stem].append(Entry("sigungu", key, region.sido, "stem"))
    for name, keys in sigungu_names.items():
        form = "official" if len(set(keys)) == 1 else "ambiguous"
        for key in dict.fromkeys(keys):
            entries[name].append(Entry("sigungu", key, key.split(" ")[0], form))
    for place in taxonomy.places:
        key = f"{place.sido} {place.sigungu}" if place.sigungu else place.sido
        for surface in (place.name, *place.aliases):
            entries[surface].append(Entry("place", key, place.sido, "place"))
    for group in taxonomy.groups:
        for surface in (group.name, *group.aliases):
            entries[surface].append(Entry("group", group.name, "", "group"))
    for company in taxonomy.companies:
        for surface in (company.name, *company.aliases):
            entries[surface].append(
                Entry("company", company.name, "", "alias", cue_required=company.cue_required)
            )
    return Gazetteer(entries)
