"""Tag an article with the regions, region groups, companies and topics it mentions.

A pure function of (title, body, morphemes, gazetteer, topic keywords): the analyzer and the
archive stay outside. Every tag carries its evidence (sentence, offsets, the rule that fired)
and every name found but not tagged is kept as a `Rejection` with its reason, for `explain`.
"""

from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from archive.records import Evidence, Tag
from nlp.boundaries import left_boundary, right_boundary
from nlp.candidates import CandidateFinder, CandidateMention
from nlp.document import Document
from nlp.gazetteer import Entry, Gazetteer, Match
from nlp.keywords import KeywordHit, KeywordMatcher

TAGGER_VERSION = "5"  # bump on every rule change: it re-tags the archive (see input_digest)

FIELD_WEIGHT = {"title": 3.0, "lead": 2.0, "body": 1.0}
# Rules that change a mention's weight: inside an organisation's name it counts half; the
# dateline's place ("[청주=뉴시스]") says where the reporter filed from and counts as a body
# mention although it opens the lead.
RULE_WEIGHT = {"in-org-name": 0.5}
RULE_FIELD_WEIGHT = {"dateline": 1.0}
LIST_THRESHOLD = 0.5  # one plain mention in the body
MAX_EVIDENCE = 5  # evidence kept per tag: the first mentions (every mention still counts)

# Short 시·군·구 names that are also everyday words: they need their 시·도 or full name nearby,
# a dateline, or a list of places around them.
COMMON_WORD_PLACES = frozenset(
    [
        "양산",
        "용인",
        "구미",
        "고양",
        "영광",
        "진도",
        "화성",
        "동해",
        "음성",
        "남해",
        "장수",
        "공주",
        "예산",
        "보은",
        "인제",
        "광명",
        "안성",
        "청송",
        "의성",
        "보성",
        "상주",
        "고령",
        "영주",
        "부여",
        "강진",
        "신안",
        "장성",
        "정선",
        "고성",
        "봉화",
        "영양",
        "거창",
        "사천",
        "무안",
        "태백",
        "영동",
        "이천",
        "여주",
        "양주",
        "오산",
        "성주",
        "경주",
        "진주",
        "구리",
        "함양",
        "달성",
        "기장",
        "강화",
        "완주",
        "광주",
        "세종",
        "중구",
        "동구",
        "서구",
        "남구",
        "북구",
    ]
)
# 시·도 short forms that are everyday words: 경기 is also "the economy" and "a match".
COMMON_WORD_SIDOS = frozenset(["경기"])
# 대전 is also "a great contest" after what is contested: "AI 반도체 대전", "OTT 대전".
_CONTEST_BEFORE = re.compile(
    r"(?:[A-Za-z0-9+]+|반도체|칩|클라우드|플랫폼|모델|인재|가격|요금|검색|특허|쇼핑|배달|구독|"
    r"메모리|파운드리|커머스|결제|핀테크|쩐의|세기의|빅테크|스마트폰|게임|로봇|서비스|수주|"
    r"유치|기술|표준|생태계|패권)\s$"
)
# Why a homograph was not tagged on first sight; a list of places around it can still confirm it.
_DEFERRABLE = frozenset(["common-word", "common-noun", "needs-province"])
_REGION_KINDS = frozenset(["sido", "sigungu", "place"])

# A common-word company name (아크릴, 대상) is the company when a role word or ticker follows it
# ("아크릴 대표", "대상(001680)") or a company noun precedes it ("AI 기업 아크릴", "㈜대상").
# "대상 기업" is not a cue: there 대상 is "target".
_CUE_AFTER = re.compile(
    r"^(?:의|은|는)?\s?(?:\(\d{6}\)|㈜|\(주\)|대표|관계자|측|사장|회장|부회장|CEO|최고경영자|"
    r"창업자|공동창업자|임직원|직원|연구소|본사|社)"
)
_CUE_BEFORE = re.compile(
    r"(?:㈜|\(주\)|주식회사|기업|업체|스타트업|회사|개발사|전문기업|자회사|계열사|투자사)\s?$"
)
_CUE_REACH = 14
# A 시·도 qualifies the name right after it ("대전 유성구", "경기 광주"; not "충남도는 예산"); a
# 시·군·구 also qualifies the next one in a list ("대구 중구와 동구", "천안·아산").
_QUALIFIER_GAP = re.compile(r"[ \t]{0,2}")
_LIST_QUALIFIER_GAP = re.compile(r"[ \t]?(?:와|과|·|ㆍ|,|및)[ \t]?")
# What may separate two places in a list: "서산과 아산", "부산·울산·경남", "이천과 청주에 이어
# 용인", "청주가 14곳, 충주 5곳, 음성 4곳".
_LIST_GAP = re.compile(
    r"(?:(?:이|가|은|는|에|에는|의)?\s*\d[\d,.]*\s*(?:곳|개사|개|명|건|대|%)?)?"
    r"\s*(?:와|과|및|또는|이나|나|,|·|ㆍ|/|、|에 이어|부터|까지|~|→)\s*"
)
# A line where region names make up this share of the letters (four names or more) is a menu.
_NAVIGATION_MIN_NAMES = 4
_NAVIGATION_SHARE = 0.8
_NOT_LETTERS = re.compile(r"[\W_]+")
_SENTENCE_MARK = re.compile(r"[.!?。…\"'“”‘’]|다$")
# Nouns after 경기 that make it the province: "경기 남부", "경기 지역", "경기 도내".
_REGION_NOUN_AFTER = re.compile(
    r"\s?(?:지역|남부|북부|동부|서부|서남부|동남부|서북부|동북부|도내|일대|소재|지방|권역|도민)"
)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A name or keyword that was found but not tagged, and why (for `build.py explain`)."""

    surface: str
    kind: str
    key: str
    reason: str
    sentence: str
    start: int = 0  # offsets of the surface within `sentence`
    end: int = 0
    field: str = "body"


# A rejection as found: (start, end, kind, key, reason); made into a `Rejection` on demand.
_RawRejection = tuple[int, int, str, str, str]


@dataclass
class TagResult:
    tags: list[Tag]
    candidates: list[CandidateMention] = field(default_factory=list)
    doc: Document | None = None
    raw_rejections: list[_RawRejection] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Tag]:
        return [t for t in self.tags if t.kind == kind]

    @property
    def rejected(self) -> list[Rejection]:
        """Every name or keyword found but not tagged, with the sentence (built on demand:
        the tag stage never needs them, `explain` does)."""
        doc = self.doc
        if doc is None:
            return []
        found = []
        for start, end, kind, key, reason in self.raw_rejections:
            sentence = doc.sentence_at(start)
            found.append(
                Rejection(
                    doc.text[start:end],
                    kind,
                    key,
                    reason,
                    doc.text[sentence.start : sentence.end],
                    start - sentence.start,
                    end - sentence.start,
                    doc.field_at(start),
                )
            )
        return found


@dataclass(slots=True)
class _Hit:
    match: Match
    entry: Entry
    rule: str


@dataclass(slots=True)
class _Context:
    """What the whole article says, for resolving one ambiguous mention."""

    mentioned: set[str]  # 시·도 named by a surface that means nothing else
    established: set[str]  # 시·군·구 keys a 시·도 qualifies somewhere ("경기 광주시")


class Tagger:
    """Applies the gazetteer, the context rules and the topic keywords to a document."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        threshold: float = LIST_THRESHOLD,
        topics: KeywordMatcher | None = None,
        candidates: CandidateFinder | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.threshold = threshold
        self.topics = topics
        self.candidates = candidates
        self._reprs: dict[int, str] = {}

    def __getstate__(self) -> dict[str, object]:
        """Pickled for worker processes without the repr cache: it is keyed by object ids."""
        return {**self.__dict__, "_reprs": {}}

    def input_digest(self, text: str, content: str) -> str:
        """A digest of everything the tagger reads from the taxonomy for this text (the names and
        keywords found in it, with their meanings) plus the text's content hash and the rules'
        version: when it is unchanged, so are the tags and candidates."""
        parts = [f"{TAGGER_VERSION}|{content}"]  # hashed as one string: one update, same digest
        entries_repr = self._entries_repr
        for end, surface, entries in self.gazetteer.signature(text):
            parts.append(f"|{end},{surface}{entries_repr(entries)}")
        if self.topics is not None:
            parts.append(self.topics.signature_repr(text))
        return hashlib.sha1("".join(parts).encode()).hexdigest()

    def _entries_repr(self, entries: tuple[Entry, ...]) -> str:
        key = id(entries)  # the gazetteer's own tuples, alive as long as it is
        found = self._reprs.get(key)
        if found is None:
            found = self._reprs[key] = repr(entries)
        return found

    def tag(self, doc: Document) -> TagResult:
        rejected: list[_RawRejection] = []
        hits = self._hits(doc, rejected)
        hits = _confirm_companies(doc, hits, rejected)
        topic_hits = self._topic_hits(doc, rejected)
        tags = _score(doc, hits, topic_hits, self.threshold)
        found = self.candidates.find(doc) if self.candidates is not None else []
        return TagResult(tags=tags, candidates=found, doc=doc, raw_rejections=rejected)

    # -- finding and resolving matches ----------------------------------------------------
    def _hits(self, doc: Document, rejected: list[_RawRejection]) -> list[_Hit]:
        """Whole-word, non-overlapping matches (longest first), each resolved to one entry."""
        accepted: list[_Hit] = []
        deferred: list[_Hit] = []
        taken_until = -1
        previous_end: int | None = None
        matches = self.gazetteer.find(doc.text)
        navigation = _navigation_lines(doc, matches)
        if navigation:
            for match in matches:
                if any(start <= match.start < end for start, end in navigation):
                    _reject(rejected, doc, match, match.entries[0], "navigation")
            matches = [m for m in matches if not any(s <= m.start < e for s, e in navigation)]
        starts = [m.start for m in matches]
        context = _Context(_sido_mentions(doc, matches), _established(doc, matches, starts))
        dateline = doc.dateline
        boilerplate = doc.has_boilerplate
        for index, match in enumerate(matches):
            if match.start < taken_until or (boilerplate and doc.in_boilerplate(match.start)):
                continue
            first = match.entries[0]
            if dateline and dateline.outlet_start <= match.start < dateline.outlet_end:
                _reject(rejected, doc, match, first, "dateline-outlet")
                continue
            kind = "company" if first.kind == "company" else "region"
            reason = left_boundary(doc, match, previous_end)
            rule = "word"
            if reason is None:
                reason, rule = right_boundary(doc, match, kind)
            if reason is not None:
                _reject(rejected, doc, match, first, reason)
                continue
            entry, why, ok = _resolve(
                doc, match, accepted, context, partial(_next_match, matches, starts, index)
            )
            if not ok:
                if entry is not None and why in _DEFERRABLE:
                    deferred.append(_Hit(match, entry, why))
                else:
                    _reject(rejected, doc, match, entry or first, why)
                continue
            assert entry is not None
            hit_rule = rule if why == "word" or rule == "in-org-name" else why
            if dateline and dateline.place_start <= match.start < dateline.place_end:
                hit_rule = "dateline"
            accepted.append(_Hit(match, entry, hit_rule))
            if why == "qualified":
                context.established.add(entry.key)
            taken_until = previous_end = match.end
        return _confirm_lists(doc, accepted, deferred, rejected)

    def _topic_hits(self, doc: Document, rejected: list[_RawRejection]) -> list[KeywordHit]:
        if self.topics is None:
            return []
        hits, misses = self.topics.find(doc)
        rejected.extend((m.hit.start, m.hit.end, "topic", m.hit.label, m.reason) for m in misses)
        return hits


def _reject(
    rejected: list[_RawRejection], doc: Document, match: Match, entry: Entry, why: str
) -> None:
    rejected.append((match.start, match.end, entry.kind, entry.key, why))


def _navigation_lines(doc: Document, matches: list[Match]) -> list[tuple[int, int]]:
    """Lines that are region names and little else, like a site's regional menu
    ("서울|경기|인천|강원"): four or more names, 80% of the letters, no sentence punctuation."""
    by_line: dict[int, list[Match]] = defaultdict(list)
    for match in matches:
        if match.entries[0].kind in ("sido", "sigungu", "place", "group"):
            by_line[doc.text.rfind("\n", 0, match.start) + 1].append(match)
    lines = []
    for start, found in by_line.items():
        if len(found) < _NAVIGATION_MIN_NAMES:
            continue
        end = doc.text.find("\n", start)
        end = len(doc.text) if end < 0 else end
        if start < doc.title_end:
            continue  # a headline made of names is still a headline
        line = doc.text[start:end]
        if _SENTENCE_MARK.search(line):  # the cheapest test first: most lines are prose
            continue
        letters = len(_NOT_LETTERS.sub("", line))
        named = sum(m.end - m.start for m in found if m.start >= start)
        if not letters or named < _NAVIGATION_SHARE * letters:
            continue
        outer = [
            m
            for m in found
            if not any(o is not m and o.start <= m.start and m.end <= o.end for o in found)
        ]
        if not any(m.end < end and _is_hangul_letter(doc.text[m.end]) for m in outer):
            lines.append((start, end))  # no 원주와, 전주에서 (a sentence, not a menu)
    return lines


def _is_hangul_letter(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def _next_match(matches: list[Match], starts: list[int], index: int) -> Match | None:
    """The first match after matches[index] that does not overlap it (`starts`: their starts)."""
    later = bisect_left(starts, matches[index].end, index + 1)
    return matches[later] if later < len(matches) else None


def _resolve(
    doc: Document,
    match: Match,
    before: list[_Hit],
    context: _Context,
    following: Callable[[], Match | None],
) -> tuple[Entry | None, str, bool]:
    """(entry, rule or reason, accepted) for what a surface means here.

    Not accepted with an entry and a deferrable reason: a homograph that a list of places
    around it may still confirm (see `_confirm_lists`).
    """
    entries = match.entries
    if len(entries) == 1:  # most names mean one thing: what the general case below gives them
        entry = entries[0]
        if entry.kind == "company":
            return entry, "word", True
        if entry.kind == "sido":
            return _sido_meaning(doc, match, entry, _in_dateline(doc, match), following)
        if entry.form not in ("stem", "short"):  # no homograph rule: qualified or a word
            qualifier = _qualifying_sido(doc, match, before)
            if qualifier is not None and entry.sido == qualifier:
                return entry, "qualified", True
            return entry, "word", True
    companies = [e for e in entries if e.kind == "company"]
    regions = [e for e in entries if e.kind != "company"]
    if not regions:
        return companies[0], "word", True
    sidos = [e for e in regions if e.kind == "sido"]
    lower = [e for e in regions if e.kind != "sido"]
    # Only a 시·군·구 or place can be qualified (a 시·도 alone never reads it).
    qualifier = _qualifying_sido(doc, match, before) if lower else None
    if qualifier is not None:
        chosen = [e for e in lower if e.sido == qualifier]
        if chosen:
            return chosen[0], "qualified", True
    # A name qualified elsewhere in the article keeps that meaning ("경기 광주시" … "광주시는"),
    # unless the 시·도 it could also mean is named unambiguously too (광주광역시).
    known = [e for e in lower if e.key in context.established]
    ambiguous = len({e.key for e in regions}) > 1
    if (
        ambiguous
        and len({e.key for e in known}) == 1
        and not (sidos and sidos[0].sido in context.mentioned)
    ):
        return known[0], "context", True
    in_dateline = _in_dateline(doc, match)
    lower = [e for e in lower if e.form != "stem" or _confirmed_place(doc, e, qualifier)]
    if sidos:
        return _sido_meaning(doc, match, sidos[0], in_dateline, following)
    if not lower:
        stems = [e for e in regions if e.form == "stem"]
        candidate = stems[0] if len({e.key for e in stems}) == 1 else None
        if candidate is not None and in_dateline:
            return candidate, "word", True
        return candidate, "needs-province", False  # 양산 alone: mass production
    keys = {e.key for e in lower}
    if any(e.form == "ambiguous" for e in lower) and len(keys) > 1:
        # 중구, 남구: only with their city, named just before or as the article's one 시·도
        # that has such a 구 ("울산시는 동구 조선소에서").
        chosen = {e.key: e for e in lower if e.sido in context.mentioned}
        if len(chosen) == 1:
            return next(iter(chosen.values())), "context", True
        return None, "ambiguous-without-city", False
    if len(keys) > 1:
        chosen = [e for e in lower if e.sido in context.mentioned]
        if len({e.key for e in chosen}) == 1:
            return chosen[0], "context", True
        return None, "ambiguous", False
    entry = lower[0]
    if entry.kind == "sigungu" and entry.form == "short":
        homograph = match.surface in COMMON_WORD_PLACES
        if homograph or _tagged_common(doc, match):
            if _confirmed_place(doc, entry, qualifier) or in_dateline:
                return entry, "word", True
            if not homograph and entry.sido in context.mentioned:
                return entry, "context", True  # 진천 (NNG) in a story that names 충북
            return entry, "common-word" if homograph else "common-noun", False
    return entry, "word", True


def _sido_meaning(
    doc: Document,
    match: Match,
    sido: Entry,
    in_dateline: bool,
    following: Callable[[], Match | None],
) -> tuple[Entry, str, bool]:
    """A 시·도 name, unless it is the everyday word it also is (경기 침체, AI 반도체 대전)."""
    homograph = match.surface in COMMON_WORD_SIDOS or (
        match.surface == "대전"
        and _CONTEST_BEFORE.search(doc.text, max(0, match.start - 12), match.start)
    )
    if homograph and not (in_dateline or _province_follows(doc, match, sido, following())):
        return sido, "common-word", False
    return sido, "word", True


def _qualifying_sido(doc: Document, match: Match, before: list[_Hit]) -> str | None:
    """The 시·도 named just before this match ("경기 광주", "대전 유성구"), if any."""
    if not before:
        return None
    last = before[-1]
    start, end = last.match.end, match.start
    if last.entry.kind == "sido" and _QUALIFIER_GAP.fullmatch(doc.text, start, end):
        return last.entry.sido
    if last.entry.kind == "sigungu" and (
        _QUALIFIER_GAP.fullmatch(doc.text, start, end)
        or _LIST_QUALIFIER_GAP.fullmatch(doc.text, start, end)
    ):
        return last.entry.sido
    return None


def _province_follows(doc: Document, match: Match, sido: Entry, following: Match | None) -> bool:
    """경기 is the province when one of its 시·군 follows ("경기 광주") or a region noun does
    ("경기 남부")."""
    if _REGION_NOUN_AFTER.match(doc.text, match.end):
        return True
    if following is None or not _QUALIFIER_GAP.fullmatch(doc.text, match.end, following.start):
        return False
    return any(e.kind != "sido" and e.sido == sido.sido for e in following.entries)


def _in_dateline(doc: Document, match: Match) -> bool:
    dateline = doc.dateline
    return dateline is not None and dateline.place_start <= match.start < dateline.place_end


def _sido_mentions(doc: Document, matches: list[Match]) -> set[str]:
    """시·도 named anywhere by a whole word that means nothing else (for 고성, 강서구, a bare
    동구): not inside a longer name (대구은행) nor a university (서울대)."""
    found = set()
    covered_until = -1
    for match in matches:  # longest first at each start
        inside = match.start < covered_until
        covered_until = max(covered_until, match.end)
        entry = match.entries[0]
        if inside or len(match.entries) != 1 or entry.kind != "sido":
            continue
        if match.surface in COMMON_WORD_SIDOS or entry.sido in found:
            continue
        if (
            left_boundary(doc, match, None) is None
            and right_boundary(doc, match, "region")[0] is None
        ):
            found.add(entry.sido)
    return found


def _established(doc: Document, matches: list[Match], starts: list[int]) -> set[str]:
    """Ambiguous 시·군·구 names that a 시·도 qualifies somewhere in the text ("경기 광주시",
    "서울 중구"): later or earlier bare mentions mean the same."""
    keys: set[str] = set()
    for index, match in enumerate(matches):
        sidos = {e.sido for e in match.entries if e.kind == "sido"}
        following = _next_match(matches, starts, index) if sidos else None
        if following is None:
            continue
        if not _QUALIFIER_GAP.fullmatch(doc.text, match.end, following.start):
            continue
        lower = [e for e in following.entries if e.kind not in ("sido", "company", "group")]
        if len({e.key for e in lower}) > 1 or any(e.kind == "sido" for e in following.entries):
            keys.update(e.key for e in lower if e.sido in sidos)
    return keys


def _confirmed_place(doc: Document, entry: Entry, qualifier: str | None) -> bool:
    """A common-word short form counts when its 시·도 qualifies it or its full name appears."""
    if qualifier == entry.sido:
        return True
    full = entry.key.split(" ", 1)[-1]
    return full in doc.text


def _tagged_common(doc: Document, match: Match) -> bool:
    morpheme = doc.morpheme_starting(match.start)
    return morpheme is not None and morpheme.end == match.end and morpheme.tag.startswith("NNG")


def _confirm_lists(
    doc: Document, accepted: list[_Hit], deferred: list[_Hit], rejected: list[_RawRejection]
) -> list[_Hit]:
    """Homographs in a list with a confirmed place are places too: "서산과 아산", "이천과 청주에
    이어 용인", "충주 5곳, 음성 4곳". Others are rejected with the reason they were held for."""
    if not deferred:
        return accepted
    items = sorted(
        [(h, True) for h in accepted if h.entry.kind in _REGION_KINDS]
        + [(h, False) for h in deferred],
        key=lambda item: item[0].match.start,
    )
    group = list(range(len(items)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(items) - 1):
        left, right = items[i][0].match, items[i + 1][0].match
        if left.end <= right.start and _LIST_GAP.fullmatch(doc.text, left.end, right.start):
            group[root(i + 1)] = root(i)
    confirmed = {root(i) for i, (_, ok) in enumerate(items) if ok}
    spans = [(h.match.start, h.match.end) for h in accepted]
    result = list(accepted)
    for i, (hit, ok) in enumerate(items):
        if ok:
            continue
        overlaps = any(s < hit.match.end and hit.match.start < e for s, e in spans)
        if root(i) in confirmed and not overlaps:
            result.append(_Hit(hit.match, hit.entry, "in-list"))
        else:
            _reject(rejected, doc, hit.match, hit.entry, hit.rule)
    result.sort(key=lambda h: h.match.start)
    return result


def _confirm_companies(
    doc: Document, hits: list[_Hit], rejected: list[_RawRejection]
) -> list[_Hit]:
    """Common-word company names (아크릴) need a company cue near at least one mention."""
    confirmed = {
        h.entry.key
        for h in hits
        if h.entry.kind == "company" and h.entry.cue_required and _has_cue(doc, h.match)
    }
    kept = []
    for hit in hits:
        if hit.entry.kind == "company" and hit.entry.cue_required:
            if hit.entry.key not in confirmed:
                _reject(rejected, doc, hit.match, hit.entry, "no-company-cue")
                continue
            hit.rule = "cue" if _has_cue(doc, hit.match) else "cue-elsewhere"
        kept.append(hit)
    return kept


def _has_cue(doc: Document, match: Match) -> bool:
    sentence = doc.sentence_at(match.start)
    before = doc.text[max(sentence.start, match.start - _CUE_REACH) : match.start]
    after = doc.text[match.end : min(sentence.end, match.end + _CUE_REACH)]
    return bool(_CUE_AFTER.search(after) or _CUE_BEFORE.search(before))


# -- scoring ------------------------------------------------------------------------------
def _score(
    doc: Document, hits: list[_Hit], topic_hits: list[KeywordHit], threshold: float
) -> list[Tag]:
    """Roll hits up into tags: a 시·군·구 or place also counts for its 시·도."""
    weights: dict[tuple[str, str], float] = defaultdict(float)
    evidence: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    first_seen: dict[tuple[str, str], int] = {}
    sentences: dict[int, tuple[int, str]] = {}  # a sentence's start and text, by its start
    title_end, lead_end = doc.title_end, doc.lead_end
    for hit in hits:
        start = hit.match.start
        # doc.field_at(start), inline: this loop runs for every name found
        fieldname = "title" if start < title_end else "lead" if start < lead_end else "body"
        weight = _weight(fieldname, hit.rule)
        item: Evidence | None = None
        for key in _tag_keys(hit.entry):
            weights[key] += weight
            first_seen.setdefault(key, start)
            found = evidence[key]
            if len(found) < MAX_EVIDENCE:
                if item is None:
                    rule = f"{hit.entry.kind}:{hit.entry.form}:{hit.rule}"
                    item = _evidence(doc, start, hit.match.end, fieldname, rule, sentences)
                found.append(item)
    for topic in topic_hits:
        fieldname = doc.field_at(topic.start)
        key = ("topic", topic.label)
        weights[key] += FIELD_WEIGHT[fieldname]
        first_seen.setdefault(key, topic.start)
        found = evidence[key]
        if len(found) < MAX_EVIDENCE:
            rule = f"topic:keyword:{topic.keyword}"
            found.append(_evidence(doc, topic.start, topic.end, fieldname, rule, sentences))
    scores = {key: round(1 - 0.5**weight, 4) for key, weight in weights.items()}
    primary = _primary_region(scores, first_seen, threshold)
    tags = [
        Tag(kind, name, score, "auto", kind == "region" and name == primary, tuple(evidence[key]))
        for key, score in scores.items()
        for kind, name in (key,)
    ]
    tags.sort(key=lambda t: (t.kind, -t.score, first_seen[(t.kind, t.key)]))
    return tags


def _weight(fieldname: str, rule: str) -> float:
    base = RULE_FIELD_WEIGHT.get(rule, FIELD_WEIGHT[fieldname])
    return base * RULE_WEIGHT.get(rule, 1.0)


def _tag_keys(entry: Entry) -> tuple[tuple[str, str], ...]:
    found = _TAG_KEYS.get(entry)
    if found is None:
        found = _TAG_KEYS[entry] = _keys_of(entry)
    return found


_TAG_KEYS: dict[Entry, tuple[tuple[str, str], ...]] = {}  # entries are few and never change


def _keys_of(entry: Entry) -> tuple[tuple[str, str], ...]:
    if entry.kind == "company":
        return (("company", entry.key),)
    if entry.kind == "group":
        return (("group", entry.key),)
    if entry.key != entry.sido:
        return (("region", entry.sido), ("region", entry.key))
    return (("region", entry.sido),)


def _evidence(
    doc: Document,
    start: int,
    end: int,
    fieldname: str,
    rule: str,
    sentences: dict[int, tuple[int, str]] | None = None,
) -> Evidence:
    """`sentences` keeps each sentence's text once per document (many tags quote one)."""
    sentence = doc.sentence_at(start)
    known = sentences.get(sentence.start) if sentences is not None else None
    if known is None:
        known = (sentence.start, doc.text[sentence.start : sentence.end])
        if sentences is not None:
            sentences[sentence.start] = known
    offset, text = known
    return Evidence(
        field=fieldname,
        sentence=text,
        start=start - offset,
        end=end - offset,
        surface=doc.text[start:end],
        rule=rule,
    )


def _primary_region(
    scores: dict[tuple[str, str], float], first_seen: dict[tuple[str, str], int], threshold: float
) -> str | None:
    sidos = [
        (score, key[1])
        for key, score in scores.items()
        if key[0] == "region" and " " not in key[1] and score >= threshold
    ]
    if not sidos:
        return None
    best = max(sidos, key=lambda found: (found[0], -first_seen[("region", found[1])]))
    return best[1]


def listed(tag: Tag, threshold: float = LIST_THRESHOLD) -> bool:
    """Whether an article is listed under this tag's page."""
    return tag.origin != "auto" or tag.score >= threshold or math.isclose(tag.score, threshold)
