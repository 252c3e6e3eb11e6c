#!/usr/bin/env python3
"""Fit the relevance model's weights and default threshold on the fitting corpus, write them to
nlp/relevance_model.json, and print how the filter does.

The fitting data are tests/fixtures/relevance/articles.jsonl (ids rel_NNN) and the held-out
sets that have been scored and studied since (fresh.jsonl … fresh6.jsonl): 573 articles. By
default all of them are fitted (`--fit-on all`); `--fit-on train` leaves articles.jsonl's TEST
split out and prints it as held out. Every choice is made on the fitted articles alone: the L2
strength and the threshold by 5-fold cross-validation (best recall at precision ≥
MIN_PRECISION, then the strongest regularisation within TOLERANCE of it). Later held-out sets
(fresh7.jsonl, …) are refused here: they are for `build.py eval` only. `--without FEATURE …`
fits without some features, to compare feature sets by the same cross-validation.

Run after changing the features (nlp/relevance.py) or the corpus; a vocabulary change in
topics.toml can be re-fitted the same way (the tag stage re-scores the archive either way):

    .venv/bin/python scripts/fit_relevance.py                 # fit on all, write, print
    .venv/bin/python scripts/fit_relevance.py --dry-run       # fit and print only
    .venv/bin/python scripts/fit_relevance.py --fit-on train  # hold TEST out
    .venv/bin/python scripts/fit_relevance.py --dry-run --without actor_head actor_share \
        industry_share theme_title                            # v3's features, same procedure
    .venv/bin/python scripts/fit_relevance.py --dry-run --without people_head  # v6 minus talk
    .venv/bin/python scripts/fit_relevance.py --dry-run --without tool_head goods_head \
        quoted_title                                          # v6's features, same procedure
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.relevance import load_ai_vocabulary  # noqa: E402
from nlp.pipeline import open_pipeline  # noqa: E402
from nlp.relevance import FEATURES, MODEL_PATH, RelevanceModel, RelevanceScorer  # noqa: E402
from nlp.relevance_eval import (  # noqa: E402
    MIN_PRECISION,
    Counts,
    choose_threshold,
    cross_val_scores,
    fit_logistic,
    load_relevance_labels,
    predict,
)

LABELS = ROOT / "tests" / "fixtures" / "relevance"
CORPUS = LABELS / "articles.jsonl"
# The held-out sets fresh..fresh6 have been scored and their errors studied: they are fitting
# data now. fresh7 (and any later set) stays held out: it is for build.py eval only.
STUDIED = ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6")
FITTING = (CORPUS, *(LABELS / f"{name}.jsonl" for name in STUDIED))
SPLIT_ORDER = ("train", "test", *STUDIED)
FITTED_SPLITS = frozenset(SPLIT_ORDER)
L2_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
TOLERANCE = 0.02  # recall within this of the best: prefer the stronger regularisation (smaller
# weights carry better to articles unlike the corpus: longer, from other outlets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--labels",
        type=Path,
        nargs="+",
        default=list(FITTING),
        help="Label files to fit (default: articles.jsonl and fresh..fresh6).",
    )
    parser.add_argument(
        "--without",
        nargs="+",
        default=[],
        choices=list(FEATURES),
        metavar="FEATURE",
        help="Leave these features out (weight 0): to compare with an older model's features.",
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--dry-run", action="store_true", help="Print only; write nothing.")
    parser.add_argument(
        "--fit-on",
        choices=("all", "train"),
        default="all",
        help="Fit on the whole corpus (TRAIN and TEST) or on TRAIN only (TEST held out).",
    )
    parser.add_argument(
        "--hide-test", action="store_true", help="Do not score TEST (while designing features)."
    )
    parser.add_argument(
        "--errors", action="store_true", help="List the cross-validated TRAIN errors."
    )
    args = parser.parse_args()

    labels = [label for path in args.labels for label in load_relevance_labels(path)]
    held_out = sorted({label.split for label in labels} - FITTED_SPLITS)
    if held_out:
        sys.exit(
            f"{', '.join(map(str, args.labels))}: has held-out articles ({', '.join(held_out)} "
            "ids); fit only articles.jsonl and fresh..fresh6, and score held-out sets with "
            "build.py eval"
        )
    fitted_splits = FITTED_SPLITS - {"test"} if args.fit_on == "train" else FITTED_SPLITS
    taxonomy_dir = ROOT / "content" / "taxonomy"
    pipeline = open_pipeline(taxonomy_dir, cache_dir=ROOT / ".cache" / "analyzer")
    vocabulary = load_ai_vocabulary(taxonomy_dir / "topics.toml")
    ai_companies = [c.name for c in pipeline.taxonomy.companies if c.ai]
    empty = RelevanceModel({}, 0.0, 0.5)
    scorer = RelevanceScorer(vocabulary, empty, ai_companies)
    names = [n for n in FEATURES if n not in args.without]
    rows = []
    for label in labels:
        result = pipeline.tag_text(label.title, label.text)
        values, _ = scorer.features(result.doc, result.tags)
        rows.append([values[n] for n in names])
    x = np.array(rows, dtype=float)
    y = np.array([label.relevant for label in labels], dtype=float)
    train = np.array([label.split in fitted_splits for label in labels])
    train_ids = [label.id for label in labels if label.split in fitted_splits]

    grid = {}
    for strength in L2_GRID:
        cv = cross_val_scores(x[train], y[train], train_ids, strength)
        cut, found = choose_threshold(cv, y[train])
        grid[strength] = (cv, cut, found)
    best = max(c.recall for _, _, c in grid.values() if c.precision >= MIN_PRECISION)
    l2 = max(
        k
        for k, (_, _, c) in grid.items()
        if c.precision >= MIN_PRECISION and c.recall >= best - TOLERANCE
    )
    cv, threshold, _ = grid[l2]
    weights, bias = fit_logistic(x[train], y[train], l2)

    def counts(mask: np.ndarray, scores: np.ndarray) -> Counts:
        return Counts.of(scores[mask] >= threshold, y[mask] == 1)

    scores = predict(x, weights, bias)
    table = {
        f"{args.fit_on} (5-fold cv)": Counts.of(cv >= threshold, y[train] == 1),
        args.fit_on: counts(train, scores),
    }
    if not args.hide_test and args.fit_on == "train":
        table["test (held out)"] = counts(~train, scores)
    print(
        f"labels {', '.join(p.name for p in args.labels)}: {len(labels)} articles, "
        f"{int(train.sum())} fitted ({args.fit_on})"
    )
    print(f"5-fold cross-validation (precision ≥ {MIN_PRECISION}, best recall):")
    for k, (_, cut, c) in grid.items():
        print(f"  l2 {k:<5g} threshold {cut:.3f} precision {c.precision:.3f} recall {c.recall:.3f}")
    print(
        f"chosen l2 = {l2:g} (the strongest within {TOLERANCE} of the best recall), "
        f"threshold = {threshold:.4f}\n"
    )
    print(f"{'feature':<16} {'weight':>7}")
    for name, weight in zip(names, weights, strict=True):
        print(f"{name:<16} {weight:>7.3f}")
    print(f"{'bias':<16} {bias:>7.3f}\n")
    print(f"{'split':<18} {'n':>4} {'tp':>3} {'fp':>3} {'fn':>3} {'precision':>9} {'recall':>7}")
    for name, c in table.items():
        n = c.tp + c.fp + c.fn + c.tn
        print(
            f"{name:<18} {n:>4} {c.tp:>3} {c.fp:>3} {c.fn:>3} {c.precision:>9.3f} {c.recall:>7.3f}"
        )
    if args.errors:
        train_labels = [label for label in labels if label.split in fitted_splits]
        print("\ncross-validated errors:")
        for label, score, row in zip(train_labels, cv, x[train], strict=True):
            if (score >= threshold) != label.relevant:
                shown = {n: round(v, 2) for n, v in zip(names, row, strict=True) if v}
                print(f"  {label.id} {int(label.relevant)} {score:.2f} {label.title[:50]} {shown}")
    model = RelevanceModel(
        dict(zip(names, (float(w) for w in weights), strict=True)),
        bias,
        threshold,
        {
            "corpus": [
                str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in args.labels
            ],
            "corpus_sha1": hashlib.sha1(b"".join(p.read_bytes() for p in args.labels)).hexdigest()[
                :12
            ],
            "vocabulary": vocabulary.fingerprint,
            "fitted_on": ",".join(n for n in SPLIT_ORDER if n in fitted_splits),
            "train_articles": int(train.sum()),
            "l2": l2,
            "l2_rule": f"strongest with cross-validated recall within {TOLERANCE} of the best",
            "threshold_rule": f"best 5-fold cross-validated recall at precision ≥ {MIN_PRECISION}",
            "train_cv": table[f"{args.fit_on} (5-fold cv)"].as_dict(),
        },
    )
    if args.dry_run:
        print("\n--dry-run: nothing written")
        return
    args.out.write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
