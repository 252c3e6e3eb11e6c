"""The review queue with relevance: borderline articles first, with the command that decides."""

from __future__ import annotations

from archive.curation import Curation, Decision
from archive.records import Article, Tag
from archive.relevance import RelevanceFilter, SourcePolicy
from archive.taxonomy import load_taxonomy
from sitegen.config import SiteConfig
from sitegen.review import build_queue


def test_borderline_relevance_comes_first_with_its_command(root):
    taxonomy = load_taxonomy(root / "content" / "taxonomy")
    make = [
        ("clear", "general", 0.97),
        ("noregion", "general", 0.95),  # no region tag: the tag rules alone would put it first
        ("edge", "general", 0.42),
        ("offsite", "general", 0.03),
        ("outlet", "specialist", 0.01),
        ("kept", "general", 0.05),
    ]
    articles = [
        Article(url=f"https://e.kr/{name}", title=name, text="본문", source=source)
        for name, source, _ in make
    ]
    by_name = {a.title: a for a in articles}
    scores = {a.id: score for a, (_, _, score) in zip(articles, make, strict=True)}
    tags = {a.id: [Tag("region", "충청북도", 0.99, primary=True)] for a in articles}
    tags[by_name["noregion"].id] = []
    kept = by_name["kept"].id
    curation = Curation({kept: Decision(kept, relevance="include")})
    gate = RelevanceFilter(scores, {"specialist": SourcePolicy(keep_all=True)}, threshold=0.4)
    items = build_queue(articles, tags, curation, taxonomy, SiteConfig(), {}, "build.py", gate)
    order = [i.title for i in items]
    assert order[0] == "edge"  # 0.42 against 0.40: the one an editor should look at first
    assert order.index("noregion") < order.index("clear")
    assert order[-1] == "offsite"  # far below the line and off the site: last
    rows = {i.title: i for i in items}
    assert rows["edge"].relevance.near and rows["edge"].published
    assert ("관련도와 무관하게 빼기", f"build.py curate {by_name['edge'].id} --exclude") in rows[
        "edge"
    ].article_commands
    assert not rows["offsite"].published and rows["offsite"].relevance.reason == "below"
    assert any(c.endswith("--include") for _, c in rows["offsite"].article_commands)
    assert rows["outlet"].published and rows["outlet"].relevance.reason == "source-all"
    assert rows["kept"].published and rows["kept"].relevance.reason == "editor-include"
    assert any(c.endswith("--relevance auto") for _, c in rows["kept"].article_commands)
