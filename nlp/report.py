"""Tag results as the JSON that `build.py analyze` prints."""

from __future__ import annotations

from archive.records import Tag
from archive.relevance import Relevance
from nlp.tagger import TagResult


def _best_evidence(tag: Tag) -> str:
    order = {"title": 0, "lead": 1, "body": 2}
    if not tag.evidence:
        return ""
    return min(tag.evidence, key=lambda e: order.get(e.field, 3)).sentence


def _surfaces(tag: Tag) -> list[str]:
    return list(dict.fromkeys(e.surface for e in tag.evidence))


def analysis_json(result: TagResult, relevance: Relevance | None = None) -> dict[str, object]:
    """{"regions": [...], "companies": [...], "groups": [...], "topics": [...]} for one text,
    with "relevance" (the AI-relevance score) and "relevant" (at the default threshold) when
    `relevance` is given."""
    regions = []
    for tag in result.of_kind("region"):
        sido, _, sigungu = tag.key.partition(" ")
        regions.append(
            {
                "sido": sido,
                "sigungu": sigungu or None,
                "score": tag.score,
                "primary": tag.primary,
                "mentions": _surfaces(tag),
                "evidence": _best_evidence(tag),
            }
        )
    companies = [
        {"name": t.key, "mentions": _surfaces(t), "score": t.score, "evidence": _best_evidence(t)}
        for t in result.of_kind("company")
    ]
    groups = [
        {"name": t.key, "mentions": _surfaces(t), "score": t.score, "evidence": _best_evidence(t)}
        for t in result.of_kind("group")
    ]
    topics = [
        {"name": t.key, "mentions": _surfaces(t), "score": t.score, "evidence": _best_evidence(t)}
        for t in result.of_kind("topic")
    ]
    found: dict[str, object] = {
        "regions": regions,
        "companies": companies,
        "groups": groups,
        "topics": topics,
    }
    if relevance is not None:
        found["relevance"] = relevance.score
        found["relevant"] = relevance.relevant
    return found
