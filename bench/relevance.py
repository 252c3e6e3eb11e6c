#!/usr/bin/env python3
"""Relevance filter: quality on the labelled corpus, robustness on long stories, speed.

Usage: .venv/bin/python bench/relevance.py [N]   (N articles for the speed part, default 2000)

1. Precision and recall at the default threshold per split: the fitting corpus's TRAIN and
   TEST and the later sets (fresh*.jsonl; the model's `trained.fitted_on` names the fitted
   splits — fresh..fresh6 since v7 — the others are held out; a set in parts, fresh7, also as a
   whole), per kind of article (clear or borderline).
2. Long stories, made from TRAIN articles only: several unrelated non-AI stories joined (with
   and without one sentence that mentions AI), an AI story followed by another AI story, and an
   AI story followed by two unrelated ones; the share scored relevant.
3. Speed: scoring from cached analyses (the tag stage's relevance part) on N articles.
4. The demo corpus (content/demo/corpus.jsonl): every story must score relevant, since the demo
   site shows all of them.

Prints tables; asserts nothing.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.records import Article  # noqa: E402
from archive.store import Store  # noqa: E402
from nlp.pipeline import open_pipeline, tag_archive  # noqa: E402
from nlp.relevance_eval import (  # noqa: E402
    RelevanceLabel,
    evaluate_relevance,
    load_relevance_labels,
    score_labels,
)
from nlp.relevance_stage import open_scorer, score_archive  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "relevance"
CORPUS = LABELS / "articles.jsonl"
FRESH = sorted(LABELS.glob("fresh*.jsonl"))  # later sets: fitted or held out, see fitted_on
DEMO = ROOT / "content" / "demo" / "corpus.jsonl"
PASSING = "시는 또 인공지능(AI) 기술을 활용한 민원 서비스도 검토하겠다고 밝혔다."


def main(n: int) -> None:
    taxonomy = ROOT / "content" / "taxonomy"
    pipeline = open_pipeline(taxonomy, cache_dir=ROOT / ".cache" / "analyzer")
    scorer = open_scorer(taxonomy, pipeline)
    threshold = scorer.model.threshold

    def score(title: str, body: str) -> float:
        result = pipeline.tag_text(title, body)
        return scorer.score(result.doc, result.tags).score

    labels = load_relevance_labels(CORPUS)
    fresh = [label for path in FRESH for label in load_relevance_labels(path)]
    scored = score_labels([*labels, *fresh], lambda label: score(label.title, label.text))
    fitted_on = str(scorer.model.trained.get("fitted_on", "train"))
    result = evaluate_relevance(scored, threshold, fitted_on)
    print(
        f"## 1. Labelled sets (tests/fixtures/relevance/), threshold {threshold:.3f}, "
        f"fitted on {fitted_on}; held out: {', '.join(result.held_out) or 'none'}\n"
    )
    print("| split | articles | tp | fp | fn | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, c in result.splits.items():
        print(
            f"| {name} | {c.tp + c.fp + c.fn + c.tn} | {c.tp} | {c.fp} | {c.fn} | "
            f"{c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} |"
        )
    print("\n| split | kind | articles | errors |")
    print("|---|---|---:|---:|")
    present = {s.label.split for s in scored}  # not the whole-set rows (fresh7 = its parts)
    for split in [name for name in result.splits if name in present]:
        for kind in ("clear", "borderline"):
            chosen = [
                s
                for s in scored
                if s.label.split == split
                and (s.label.category.startswith("borderline")) == (kind == "borderline")
            ]
            wrong = sum((s.score >= threshold) != s.label.relevant for s in chosen)
            print(f"| {split} | {kind} | {len(chosen)} | {wrong} |")
    for e in result.errors:
        kind = "false positive" if not e.label.relevant else "miss"
        print(f"- {e.label.split} {e.label.id} {kind} ({e.score:.3f}): {e.label.title}")

    print("\n## 2. Long stories from TRAIN articles (40 of each)\n")
    train = [label for label in labels if label.split == "train"]
    rows = robustness(train, score, threshold)
    print("| story | scored relevant | lowest | highest |")
    print("|---|---:|---:|---:|")
    for name, values in rows.items():
        share = sum(v >= threshold for v in values) / len(values)
        print(f"| {name} | {share:.0%} | {min(values):.3f} | {max(values):.3f} |")

    print(f"\n## 3. Speed: scoring {n} archived articles from cached analyses\n")
    speed(pipeline, scorer, train, n)

    print(f"\n## 4. Demo corpus ({DEMO.relative_to(ROOT)})\n")
    demo = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line]
    values = sorted(
        (score(story["title"], "\n\n".join(story["paragraphs"])), story["title"]) for story in demo
    )
    kept = sum(value >= threshold for value, _ in values)
    print(
        f"{kept} of {len(values)} demo stories score relevant; lowest {values[0][0]:.3f} ({values[0][1]})"
    )


def robustness(train: list[RelevanceLabel], score, threshold: float) -> dict[str, list[float]]:
    rng = random.Random(8)
    other = [label for label in train if not label.relevant and "avian" not in label.category]
    ai = [label for label in train if label.relevant]
    rows: dict[str, list[float]] = {
        "4 non-AI stories joined": [],
        "… with one AI sentence in the middle": [],
        "2 AI stories joined": [],
        "1 AI story + 2 non-AI stories": [],
    }
    for _ in range(40):
        first, *rest = rng.sample(other, 4)
        paragraphs = "\n\n".join([first.text, *(r.text for r in rest)]).split("\n\n")
        rows["4 non-AI stories joined"].append(score(first.title, "\n\n".join(paragraphs)))
        paragraphs.insert(len(paragraphs) // 2, PASSING)
        rows["… with one AI sentence in the middle"].append(
            score(first.title, "\n\n".join(paragraphs))
        )
        lead, more = rng.sample(ai, 2)
        rows["2 AI stories joined"].append(score(lead.title, f"{lead.text}\n\n{more.text}"))
        tail = rng.sample(other, 2)
        rows["1 AI story + 2 non-AI stories"].append(
            score(lead.title, "\n\n".join([lead.text, *(t.text for t in tail)]))
        )
    return rows


class _Clock:
    """Wall and CPU seconds (this process: the stages run in it) since the last lap."""

    def __init__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        spent = (wall - self._wall, cpu - self._cpu)
        self._wall, self._cpu = wall, cpu
        return spent


def speed(pipeline, scorer, train: list[RelevanceLabel], n: int) -> None:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "a.sqlite3") as store:
        for i in range(n):
            label = train[i % len(train)]
            store.save_article(
                Article(
                    url=f"https://bench.example.kr/{i}",
                    title=label.title,
                    text=f"{label.text}\n\n(기사 {i}번)",
                    source="bench",
                )
            )
        clock = _Clock()
        tag_archive(store, pipeline, workers=1)
        tagged = clock.lap()
        report = score_archive(store, pipeline, scorer)
        first = clock.lap()
        again = score_archive(store, pipeline, scorer)
        up_to_date = clock.lap()
        score_archive(store, pipeline, scorer, rescore_all=True)
        rescored = clock.lap()
    # wall seconds swing with the shared machine's load; CPU seconds (this process) are steadier
    print("| step | articles | wall s | CPU s | articles/s (wall) | articles/CPU-s |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = (
        ("tag (analysis + tags, 1 process)", n, tagged),
        ("relevance, first scoring (cached analyses)", report.scored, first),
        ("relevance, re-score all (vocabulary change)", n, rescored),
    )
    for name, count, (wall, cpu) in rows:
        print(
            f"| {name} | {count} | {wall:.2f} | {cpu:.2f} | {count / wall:.0f} | {count / cpu:.0f} |"
        )
    print(
        f"| relevance, all up to date | {again.scored} | {up_to_date[0]:.3f} | "
        f"{up_to_date[1]:.3f} | – | – |"
    )
    print(f"\nanalyses the relevance stage had to make: {report.analysed} (0: all from the cache)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
