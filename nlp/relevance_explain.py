"""Why an article's relevance score is what it is, and whether the site publishes it
(the relevance part of `build.py explain`)."""

from __future__ import annotations

from archive.relevance import Relevance, Verdict
from nlp.explain import highlight
from nlp.relevance import FEATURES

KIND_LABEL = {
    "term": "AI term",
    "ai_company": "AI company",
    "actor": "industry actor",
    "people": "people/talk subject",
    "tool": "AI as a tool",
    "goods": "other trade's goods",
    "ml": "model/task word",
    "applied": "AI application",
    "commerce": "sales/ads word",
    "other": "other-story word",
    "market": "stock-market word",
    "culture": "fiction/film/arts word",
    "topic": "topic tag",
    "cancelled": "not counted",
}
SHOWN_COUNTED = 12  # evidence lines in the text view (JSON has every one)
SHOWN_CANCELLED = 6
VERDICT_LABEL = {
    "editor-include": 'published: editors include it (curation.toml relevance = "include")',
    "editor-exclude": 'not published: editors exclude it (curation.toml relevance = "exclude")',
    "source-all": 'published: its source\'s policy is "all"',
    "above": "published: the score reaches the threshold",
    "below": "not published: the score is below the threshold (kept in the archive)",
    "not-scored": "not published: no relevance score yet (run build.py tag)",
}


def relevance_explanation(
    current: Relevance, stored: Relevance | None, verdict: Verdict | None
) -> dict[str, object]:
    """The score as re-computed now (features, contributions, evidence), the stored score and
    what the site does with the article, as plain data (`explain --json`)."""
    return {
        "score": current.score,
        "relevant": current.relevant,
        "threshold": current.threshold,
        "bias": current.bias,
        "features": [
            {
                "name": name,
                "meaning": meaning,
                "value": current.features.get(name, 0.0),
                "contribution": current.contributions.get(name, 0.0),
            }
            for name, meaning in FEATURES.items()
        ],
        "evidence": [
            {
                "kind": e.kind,
                "surface": e.surface,
                "field": e.field,
                "note": e.note,
                "sentence": e.sentence,
                "highlighted": highlight(e.sentence, e.start, e.end) if e.sentence else "",
            }
            for e in current.evidence
        ],
        "stored": None if stored is None else {"score": stored.score, "relevant": stored.relevant},
        "verdict": None
        if verdict is None
        else {
            "published": verdict.published,
            "reason": verdict.reason,
            "threshold": verdict.threshold,
            "explained": VERDICT_LABEL.get(verdict.reason, verdict.reason),
        },
    }


def format_relevance(data: dict) -> list[str]:
    """The relevance explanation as lines for a terminal."""
    flag = "relevant" if data["relevant"] else "not relevant"
    lines = [
        "",
        f"AI relevance: {data['score']:.3f} ({flag} at the default threshold "
        f"{data['threshold']:.3f})",
    ]
    stored = data.get("stored")
    if stored is None:
        lines.append("  stored score: none yet (run build.py tag)")
    elif abs(stored["score"] - data["score"]) > 1e-4:
        lines.append(f"  stored score: {stored['score']:.3f} (stale: run build.py tag)")
    verdict = data.get("verdict")
    if verdict is not None:
        lines.append(f"  on the site: {verdict['explained']}")
    lines.append(f"  logit = bias {data['bias']:+.2f}" + "".join(
        f" {f['contribution']:+.2f} ({f['name']})" for f in data["features"] if f["contribution"]
    ))  # fmt: skip
    lines.append("  features (value × weight = contribution):")
    for feature in data["features"]:
        if feature["value"] or feature["contribution"]:
            lines.append(
                f"    {feature['name']:<15} {feature['value']:.3f}  {feature['contribution']:+.2f}"
                f"  {feature['meaning']}"
            )
    lines.append("  evidence:")
    counted = [e for e in data["evidence"] if e["kind"] != "cancelled"]
    dropped = [e for e in data["evidence"] if e["kind"] == "cancelled"]
    shown = counted[:SHOWN_COUNTED] + dropped[:SHOWN_CANCELLED]
    for e in shown:
        label = KIND_LABEL.get(e["kind"], e["kind"])
        note = f" ({e['note']})" if e["note"] else ""
        where = f"{e['field']:<5} " if e["field"] else ""
        lines.append(f"    {label:<16} {e['surface']}{note}")
        if e["highlighted"]:
            lines.append(f"      {where}{e['highlighted']}")
    if len(shown) < len(data["evidence"]):
        lines.append(f"    … {len(data['evidence']) - len(shown)} more (explain --json lists them)")
    if not data["evidence"]:
        lines.append("    none: no word of the AI vocabulary (topics.toml [ai])")
    return lines
