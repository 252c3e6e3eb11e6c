"""Why an article got each tag and why other names found in it were not tagged (`build.py explain`).

The tagger is re-run on the stored text with the cached analysis, so the explanation shows the
current rules and taxonomy; the stored tags and the tagger version they came from are shown
beside it, so a stale article is visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.records import Article, Tag
from nlp.tagger import LIST_THRESHOLD, Rejection, TagResult

MARK_OPEN, MARK_CLOSE = "⟦", "⟧"

# What each rule name means, for people reading `explain`.
RULES = {
    "word": "a whole word",
    "qualified": "named with its 시·도 just before (대전 중구, 경기 광주)",
    "context": "its meaning is fixed elsewhere in the article (경기 광주시 … 광주시는)",
    "in-list": "a common word, but in a list of places (서산과 아산)",
    "dateline": "the place in the dateline ([청주=뉴시스]): counts like a body mention",
    "in-org-name": "inside an organisation's name (제주창조경제혁신센터): counts half",
    "cue": "a company cue is next to it (대표, 관계자, ㈜, a ticker)",
    "cue-elsewhere": "a company cue is next to another mention of it",
}
REASONS = {
    "inside-word": "part of a longer word",
    "glued-left": "glued to the word before it",
    "glued-to-noun": "glued to the noun before it (a person's or organisation's name)",
    "glued-latin": "part of a longer Latin word (KT in KTX)",
    "longer-word": "continues into a longer word",
    "longer-name": "continues into a longer name (카카오톡)",
    "verb-or-adjective": "a verb or adjective (용인될, 강화해)",
    "institution-name": "a university or institution named after the place (서울대)",
    "needs-province": "an everyday word unless its 시·도 or full name is near (양산)",
    "common-word": "an everyday word unless its 시·도, full name, a dateline or a list of places "
    "says otherwise (예산, 경기 침체)",
    "common-noun": "the analyzer reads it as a common noun and nothing confirms the place",
    "ambiguous-without-city": "several 구 have this name; it counts only with its city",
    "ambiguous": "several places have this name and the article does not say which",
    "no-company-cue": "a common-word company name with no company cue near any mention",
    "dateline-outlet": "the outlet or reporter in the dateline",
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    region: float = LIST_THRESHOLD
    company: float = LIST_THRESHOLD
    other: float = LIST_THRESHOLD

    def of(self, kind: str) -> float:
        return {"region": self.region, "company": self.company}.get(kind, self.other)


def highlight(sentence: str, start: int, end: int) -> str:
    """The sentence with the match between ⟦ and ⟧, whitespace collapsed."""
    marked = f"{sentence[:start]}{MARK_OPEN}{sentence[start:end]}{MARK_CLOSE}{sentence[end:]}"
    return " ".join(marked.split())


def explanation(
    article: Article,
    result: TagResult,
    stored: list[Tag],
    stored_version: str,
    current_version: str,
    thresholds: Thresholds | None = None,
) -> dict[str, object]:
    """The explanation as plain data (what `explain --json` prints)."""
    limits = thresholds or Thresholds()
    return {
        "article": {"id": article.id, "url": article.url, "title": article.title},
        "version": {
            "stored": stored_version,
            "current": current_version,
            "stale": stored_version not in (current_version, "import"),
        },
        "tags": [_tag(t, limits.of(t.kind)) for t in result.tags],
        "rejected": [_rejection(r) for r in result.rejected],
        "candidates": [
            {"name": c.name, "cue": c.cue, "sentence": c.sentence} for c in result.candidates
        ],
        "stored_tags": [
            {
                "kind": t.kind,
                "key": t.key,
                "score": t.score,
                "origin": t.origin,
                "primary": t.primary,
            }
            for t in stored
        ],
    }


def _tag(tag: Tag, threshold: float) -> dict[str, object]:
    return {
        "kind": tag.kind,
        "key": tag.key,
        "score": tag.score,
        "primary": tag.primary,
        "listed": tag.score >= threshold - 1e-9,
        "evidence": [
            {
                "field": e.field,
                "surface": e.surface,
                "rule": e.rule,
                "sentence": e.sentence,
                "start": e.start,
                "end": e.end,
                "highlighted": highlight(e.sentence, e.start, e.end),
            }
            for e in tag.evidence
        ],
    }


def _rejection(r: Rejection) -> dict[str, object]:
    return {
        "surface": r.surface,
        "kind": r.kind,
        "key": r.key,
        "reason": r.reason,
        "field": r.field,
        "sentence": r.sentence,
        "start": r.start,
        "end": r.end,
        "highlighted": highlight(r.sentence, r.start, r.end),
    }


def format_explanation(data: dict) -> str:
    """The explanation as text for a terminal."""
    article, version = data["article"], data["version"]
    lines = [f"{article['id']}  {article['title']}", f"  {article['url']}"]
    state = "stale: run `build.py tag`" if version["stale"] else "up to date"
    lines.append(f"  stored tags from {version['stored'] or '(never tagged)'} ({state})")
    lines += ["", "Tags (score; ★ primary; listed = passes the site's threshold):"]
    for tag in data["tags"]:
        flags = " ★" if tag["primary"] else ""
        flags += "  listed" if tag["listed"] else "  not listed"
        lines.append(f"  {tag['kind']:<8} {tag['key']}  {tag['score']:.4f}{flags}")
        for e in tag["evidence"]:
            lines.append(f"      {e['field']:<5} {e['rule']:<28} {e['highlighted']}")
    if not data["tags"]:
        lines.append("  none")
    lines += ["", "Found but not tagged:"]
    for r in data["rejected"]:
        why = REASONS.get(r["reason"], r["reason"].replace("negative:", "cancelled by "))
        lines.append(f"  {r['surface']} → {r['kind']} {r['key']}: {r['reason']} ({why})")
        lines.append(f"      {r['field']:<5} {r['highlighted']}")
    if not data["rejected"]:
        lines.append("  none")
    if data["candidates"]:
        lines += ["", "Candidate companies (not in the taxonomy):"]
        for c in data["candidates"]:
            lines.append(f"  {c['name']} (cue: {c['cue']})  {c['sentence'][:100]}")
    others = [t for t in data["stored_tags"] if t["origin"] != "auto"]
    if others:
        lines += ["", "Tags from editors or import (kept over automatic ones):"]
        lines += [f"  {t['kind']:<8} {t['key']} ({t['origin']})" for t in others]
    used = {e["rule"].rsplit(":", 1)[-1] for t in data["tags"] for e in t["evidence"]}
    legend = [f"  {name}: {RULES[name]}" for name in RULES if name in used]
    if legend:
        lines += ["", "Rules that fired:", *legend]
    return "\n".join(lines)
