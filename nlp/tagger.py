"""Tag an article with the regions, region groups and companies it mentions, with evidence and scores.

A pure function of (title, body, morphemes, gazetteer): the analyzer and the archive stay outside.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from archive.records import Evidence, Tag
from nlp.boundaries import left_boundary, right_boundary
from nlp.document import Document
from nlp.gazetteer import Entry, Gazetteer, Match

TAGGER_VERSION = "1"

FIELD_WEIGHT = {"title": 3.0, "lead": 2.0, "body": 1.0}
RULE_WEIGHT = {"in-org-name": 0.5}
LIST_THRESHOLD = 0.5  # one plain mention in the body

# Short 시·군·구 names that are also everyday words: they need their 시·도 or full name nearby.
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

# A common-word company name (아크릴, 대상) is the company when a role word or ticker follows it
# ("아크릴 대표", "대상(001680)") or a company noun precedes it ("AI 기업 아크릴", "㈜대상").
# "대상 기업" is not a cue: there 대상 is "target".
_CUE_AFTER = re.compile(
    r"^(?:의|은|는)?\s?(?:\(\d{6}\)|㈜|\(주\)|대표|관계자|측|사장|회장|부회장|CEO|최고경영자|"
    r"창업자|공동창업자|임직원|직원|연구소|본사|社)"
)
_CUE_BEFORE = re.compile(
    r"(?:㈜|\(주\)|주식회사|기업|업체|스타트업|회사|개발사|전문기업|자회사|계열사)\s?$"
)
_CUE_REACH = 14
_CONTEXT_WINDOW = 4  # characters between a 시·도 and the 시·군·구 it qualifies: "대전 유성구"


@dataclass(frozen=True, slots=True)
class Rejection:
    """A name that was found but not tagged, and why (for `build.py explain`)."""

    surface: str
    kind: str
    key: str
    reason: str
    sentence: str


@dataclass
class TagResult:
    tags: list[Tag]
    rejected: list[Rejection] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Tag]:
        return [t for t in self.tags if t.kind == kind]


@dataclass(slots=True)
class _Hit:
    match: Match
    entry: Entry
    rule: str


class Tagger:
    """Applies the gazetteer and the context rules to a document."""

    def __init__(self, gazetteer: Gazetteer, threshold: float = LIST_THRESHOLD) -> None:
        self.gazetteer = gazetteer
        self.threshold = threshold

    def tag(self, doc: Document) -> TagResult:
        rejected: list[Rejection] = []
        hits = self._hits(doc, rejected)
        hits = _confirm_companies(doc, hits, rejected)
        tags = _score(doc, hits, self.threshold)
        return TagResult(tags=tags, rejected=rejected)

    # -- finding and resolving matches ----------------------------------------------------
    def _hits(self, doc: Document, rejected: list[Rejection]) -> list[_Hit]:
        """Whole-word, non-overlapping matches (longest first), each resolved to one entry."""
        accepted: list[_Hit] = []
        taken_until = -1
        previous_end: int | None = None
        matches = self.gazetteer.find(doc.text)
        mentioned = _sido_mentions(matches)
        for match in matches:
            if match.start < taken_until or doc.in_boilerplate(match.start):
                continue
            kind = "company" if match.entries[0].kind == "company" else "region"
            reason = left_boundary(doc, match, previous_end)
            rule = "word"
            if reason is None:
                reason, rule = right_boundary(doc, match, kind)
            if reason is not None:
                _reject(rejected, doc, match, match.entries[0], reason)
                continue
            entry, why = _resolve(doc, match, accepted, mentioned)
            if entry is None:
                _reject(rejected, doc, match, match.entries[0], why)
                continue
            accepted.append(_Hit(match, entry, rule if why == "word" else why))
            taken_until = previous_end = match.end
        return accepted


def _reject(rejected: list[Rejection], doc: Document, match: Match, entry: Entry, why: str) -> None:
    sentence = doc.sentence_at(match.start)
    rejected.append(
        Rejection(
            match.surface, entry.kind, entry.key, why, doc.text[sentence.start : sentence.end]
        )
    )


def _resolve(
    doc: Document, match: Match, before: list[_Hit], mentioned: set[str]
) -> tuple[Entry | None, str]:
    """Pick the entry a surface means here, or None with the reason."""
    entries = match.entries
    companies = [e for e in entries if e.kind == "company"]
    regions = [e for e in entries if e.kind != "company"]
    if not regions:
        return companies[0], "word"
    qualifier = _qualifying_sido(doc, match, before)
    sidos = [e for e in regions if e.kind == "sido"]
    lower = [e for e in regions if e.kind != "sido"]
    if qualifier is not None:
        chosen = [e for e in lower if e.sido == qualifier]
        if chosen:
            return chosen[0], "qualified"
    lower = [e for e in lower if e.form != "stem" or _confirmed_place(doc, e, qualifier)]
    if sidos:
        return sidos[0], "word"
    if not lower:
        return (
            None,
            "needs-province",
        )  # 양산 alone: mass production until 경남 or 양산시 says otherwise
    keys = {e.key for e in lower}
    if any(e.form == "ambiguous" for e in lower) and len(keys) > 1:
        return None, "ambiguous-without-city"  # 중구, 남구: only with their city
    if len(keys) > 1:
        chosen = [e for e in lower if e.sido in mentioned]
        if len({e.key for e in chosen}) == 1:
            return chosen[0], "context"
        return None, "ambiguous"
    entry = lower[0]
    if entry.kind == "sigungu" and entry.form == "short":
        homograph = match.surface in COMMON_WORD_PLACES
        if (homograph or _tagged_common(doc, match)) and not _confirmed_place(
            doc, entry, qualifier
        ):
            return None, "common-word" if homograph else "common-noun"
    return entry, "word"


def _qualifying_sido(doc: Document, match: Match, before: list[_Hit]) -> str | None:
    """The 시·도 named just before this match ("경기 광주", "대전 유성구"), if any."""
    if not before:
        return None
    last = before[-1]
    gap = doc.text[last.match.end : match.start]
    if last.entry.kind in ("sido", "sigungu") and len(gap) <= _CONTEXT_WINDOW and "\n" not in gap:
        return last.entry.sido
    return None


def _sido_mentions(matches: list[Match]) -> set[str]:
    """시·도 named anywhere by a surface that means nothing else (for 고성, 강서구)."""
    return {
        m.entries[0].sido for m in matches if len(m.entries) == 1 and m.entries[0].kind == "sido"
    }


def _confirmed_place(doc: Document, entry: Entry, qualifier: str | None) -> bool:
    """A common-word short form counts when its 시·도 qualifies it or its full name appears."""
    if qualifier == entry.sido:
        return True
    full = entry.key.split(" ", 1)[-1]
    return full in doc.text


def _tagged_common(doc: Document, match: Match) -> bool:
    morpheme = doc.morpheme_starting(match.start)
    return morpheme is not None and morpheme.end == match.end and morpheme.tag.startswith("NNG")


def _confirm_companies(doc: Document, hits: list[_Hit], rejected: list[Rejection]) -> list[_Hit]:
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
def _score(doc: Document, hits: list[_Hit], threshold: float) -> list[Tag]:
    """Roll hits up into tags: a 시·군·구 or place also counts for its 시·도."""
    weights: dict[tuple[str, str], float] = defaultdict(float)
    evidence: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    first_seen: dict[tuple[str, str], int] = {}
    for hit in hits:
        fieldname = doc.field_at(hit.match.start)
        weight = FIELD_WEIGHT[fieldname] * RULE_WEIGHT.get(hit.rule, 1.0)
        item = _evidence(doc, hit, fieldname)
        for key in _tag_keys(hit.entry):
            weights[key] += weight
            evidence[key].append(item)
            first_seen.setdefault(key, hit.match.start)
    tags = []
    for key, weight in weights.items():
        kind, name = key
        tags.append(
            Tag(kind=kind, key=name, score=round(1 - 0.5**weight, 4), evidence=tuple(evidence[key]))
        )
    primary = _primary_region(tags, first_seen, threshold)
    tags = [
        Tag(t.kind, t.key, t.score, t.origin, t.key == primary and t.kind == "region", t.evidence)
        for t in tags
    ]
    tags.sort(key=lambda t: (t.kind, -t.score, first_seen[(t.kind, t.key)]))
    return tags


def _tag_keys(entry: Entry) -> list[tuple[str, str]]:
    if entry.kind == "company":
        return [("company", entry.key)]
    if entry.kind == "group":
        return [("group", entry.key)]
    keys = [("region", entry.sido)]
    if entry.key != entry.sido:
        keys.append(("region", entry.key))
    return keys


def _evidence(doc: Document, hit: _Hit, fieldname: str) -> Evidence:
    sentence = doc.sentence_at(hit.match.start)
    return Evidence(
        field=fieldname,
        sentence=doc.text[sentence.start : sentence.end],
        start=hit.match.start - sentence.start,
        end=hit.match.end - sentence.start,
        surface=hit.match.surface,
        rule=f"{hit.entry.kind}:{hit.entry.form}:{hit.rule}",
    )


def _primary_region(
    tags: list[Tag], first_seen: dict[tuple[str, str], int], threshold: float
) -> str | None:
    sidos = [t for t in tags if t.kind == "region" and " " not in t.key and t.score >= threshold]
    if not sidos:
        return None
    best = max(sidos, key=lambda t: (t.score, -first_seen[("region", t.key)]))
    return best.key


def listed(tag: Tag, threshold: float = LIST_THRESHOLD) -> bool:
    """Whether an article is listed under this tag's page."""
    return tag.origin != "auto" or tag.score >= threshold or math.isclose(tag.score, threshold)
