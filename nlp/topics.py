"""Topic tags (생성형 AI, 업무협약 …) from content/taxonomy/topics.toml keywords."""

from __future__ import annotations

from collections.abc import Iterable

from archive.taxonomy import Topic
from nlp.keywords import KeywordHit, KeywordMatcher, KeywordMiss


def topic_matcher(topics: Iterable[Topic]) -> KeywordMatcher:
    """A keyword matcher whose labels are topic names."""
    topics = list(topics)
    return KeywordMatcher(
        {t.name: t.keywords for t in topics},
        {t.name: t.negative for t in topics if t.negative},
    )


__all__ = ["KeywordHit", "KeywordMiss", "topic_matcher"]
