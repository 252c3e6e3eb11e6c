"""Score tags against hand labels: precision, recall and F1 per kind, strict and lenient.

Pure functions; `build.py eval` reads the labels, runs the tagger and prints the result.

- **strict**: every label counts, soft ones included: a label not predicted is a miss, a
  prediction not labelled is a false positive.
- **lenient**: soft labels are taken out of the comparison: missing one is not a miss, and
  predicting one is neither a true nor a false positive.

Counts are summed over all articles (micro-averaged). A company label is a list of alternative
names; a predicted company matches it when its canonical name or any of its taxonomy aliases
is one of the alternatives, and several predictions matching one label count once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from archive.records import Tag
from nlp.labels import LabelledArticle

KINDS = ("sido", "sigungu", "companies")
MODES = ("strict", "lenient")


@dataclass(frozen=True, slots=True)
class Predicted:
    """What the tagger listed for one article (tags over the thresholds), with evidence."""

    sido: frozenset[str]
    sigungu: frozenset[str]
    companies: frozenset[str]
    evidence: Mapping[str, str] = field(default_factory=dict)  # key → "surface: sentence"

    def of(self, kind: str) -> frozenset[str]:
        return {"sido": self.sido, "sigungu": self.sigungu, "companies": self.companies}[kind]


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True, slots=True)
class Error:
    """A miss (labelled, not predicted) or a false positive (predicted, not labelled)."""

    article: str
    kind: str
    error: str  # miss | false-positive
    name: str
    soft: bool = False  # a soft label: counted in strict mode only
    note: str = ""  # evidence of a false positive, or why it is notable

    def as_dict(self) -> dict[str, object]:
        return {
            "article": self.article,
            "kind": self.kind,
            "error": self.error,
            "name": self.name,
            "soft": self.soft,
            "note": self.note,
        }


@dataclass
class Evaluation:
    articles: int = 0
    scores: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {m: {k: Counts() for k in KINDS} for m in MODES}
    )
    errors: list[Error] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "scores": {
                mode: {kind: c.as_dict() for kind, c in kinds.items()}
                for mode, kinds in self.scores.items()
            },
            "misses": [e.as_dict() for e in self.errors if e.error == "miss"],
            "false_positives": [e.as_dict() for e in self.errors if e.error == "false-positive"],
        }


def predicted_from_tags(
    tags: Iterable[Tag], region_threshold: float = 0.5, company_threshold: float = 0.5
) -> Predicted:
    """The tags an article would be listed under, as the site decides (score ≥ threshold)."""
    sido, sigungu, companies = set(), set(), set()
    evidence: dict[str, str] = {}
    for tag in tags:
        if tag.kind == "region" and tag.score >= region_threshold - 1e-9:
            (sigungu if " " in tag.key else sido).add(tag.key)
        elif tag.kind == "company" and tag.score >= company_threshold - 1e-9:
            companies.add(tag.key)
        else:
            continue
        if tag.evidence:
            first = tag.evidence[0]
            evidence[tag.key] = f"{first.surface} ({first.rule}): {first.sentence.strip()[:120]}"
    return Predicted(frozenset(sido), frozenset(sigungu), frozenset(companies), evidence)


def evaluate(
    items: Iterable[tuple[LabelledArticle, Predicted]],
    company_names: Mapping[str, Iterable[str]] | None = None,
) -> Evaluation:
    """Compare predictions with labels; `company_names` maps a canonical name to its aliases."""
    names = {k: frozenset({k, *v}) for k, v in (company_names or {}).items()}
    result = Evaluation()
    for label, predicted in items:
        result.articles += 1
        for kind in ("sido", "sigungu"):
            gold = label.sido if kind == "sido" else label.sigungu
            soft = label.soft_sido if kind == "sido" else label.soft_sigungu
            _compare_sets(result, label.id, kind, gold, soft, predicted)
        _compare_companies(result, label, predicted, names)
    return result


def _compare_sets(
    result: Evaluation,
    article: str,
    kind: str,
    gold: frozenset[str],
    soft: frozenset[str],
    predicted: Predicted,
) -> None:
    found = predicted.of(kind)
    strict, lenient = result.scores["strict"][kind], result.scores["lenient"][kind]
    for name in sorted(gold):
        is_soft = name in soft
        if name in found:
            strict.tp += 1
            lenient.tp += 0 if is_soft else 1
        else:
            strict.fn += 1
            lenient.fn += 0 if is_soft else 1
            result.errors.append(Error(article, kind, "miss", name, is_soft))
    for name in sorted(found - gold):
        strict.fp += 1
        lenient.fp += 1
        result.errors.append(
            Error(article, kind, "false-positive", name, note=predicted.evidence.get(name, ""))
        )


def _compare_companies(
    result: Evaluation,
    label: LabelledArticle,
    predicted: Predicted,
    names: Mapping[str, frozenset[str]],
) -> None:
    strict, lenient = result.scores["strict"]["companies"], result.scores["lenient"]["companies"]
    matched: set[str] = set()
    for alternatives in label.companies:
        group = frozenset(alternatives)
        is_soft = bool(group & label.soft_companies)
        hits = {c for c in predicted.companies if names.get(c, frozenset({c})) & group}
        matched |= hits
        if hits:
            strict.tp += 1
            lenient.tp += 0 if is_soft else 1
        else:
            strict.fn += 1
            lenient.fn += 0 if is_soft else 1
            result.errors.append(Error(label.id, "companies", "miss", alternatives[0], is_soft))
    for company in sorted(predicted.companies - matched):
        strict.fp += 1
        lenient.fp += 1
        note = predicted.evidence.get(company, "")
        if any(company in n or n.startswith(company) for n in label.not_companies):
            note = f"labelled not a company; {note}"
        result.errors.append(Error(label.id, "companies", "false-positive", company, note=note))


def format_report(evaluation: Evaluation) -> str:
    """A plain-text report: the score table, then misses and false positives by article."""
    lines = [f"{evaluation.articles} labelled articles", ""]
    header = f"{'kind':<10} {'mode':<8} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"
    lines += [header, "-" * len(header)]
    for kind in KINDS:
        for mode in MODES:
            c = evaluation.scores[mode][kind]
            lines.append(
                f"{kind:<10} {mode:<8} {c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f} "
                f"{c.tp:>5} {c.fp:>5} {c.fn:>5}"
            )
    for error_kind, title in (("miss", "Misses"), ("false-positive", "False positives")):
        errors = [e for e in evaluation.errors if e.error == error_kind]
        lines += ["", f"{title} ({len(errors)}):"]
        if not errors:
            lines.append("  none")
        for e in errors:
            soft = " [soft]" if e.soft else ""
            note = f"  — {e.note}" if e.note else ""
            lines.append(f"  {e.article:<14} {e.kind:<9} {e.name}{soft}{note}")
    return "\n".join(lines)
