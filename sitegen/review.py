"""The editors' review queue: a local page (never published) of recent articles with their tags,
scores and evidence highlighted in the full text, the least certain first, each with the exact
`build.py curate` command that would fix it.

Built from the archive (which keeps the full text), content/curation.toml and site.toml's
thresholds; written to its own folder (default .cache/review/) and served on 127.0.0.1 only.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from archive.curation import Curation, Decision, TagRef
from archive.records import Article, Tag
from archive.relevance import RelevanceFilter
from archive.taxonomy import Taxonomy
from sitegen.config import SiteConfig
from sitegen.dates import korean_date, kst
from sitegen.writer import Writer

log = logging.getLogger(__name__)

KIND_LABEL = {"region": "지역", "company": "기업", "topic": "주제", "group": "권역"}
STATE_LABEL = {
    "listed": "표시됨",
    "below": "기준 미달",
    "removed": "편집자가 뺌",
    "added": "편집자가 더함",
    "unknown": "목록에 없는 이름",
}


RELEVANCE_LABEL = {
    "above": "AI 기사로 판단해 실음",
    "below": "AI 기사가 아니라고 판단해 싣지 않음",
    "source-all": "언론사 정책(all)에 따라 실음",
    "editor-include": "편집자가 싣기로 함",
    "editor-exclude": "편집자가 빼기로 함",
    "not-scored": "관련도 점수 없음 (build.py tag 필요)",
}
NEAR_MARGIN = 0.15  # a score this close to its threshold is worth an editor's look


class ReviewError(Exception):
    """The review queue cannot be built where asked (e.g. inside the published folder)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text, highlighted when `kind` is set (the tag it is evidence for)."""

    text: str
    kind: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class TagRow:
    kind: str
    key: str
    score: float
    origin: str
    state: str  # listed | below | removed | added | unknown
    margin: float  # distance of the score from its threshold (0 = on the line)
    evidence: tuple[Segment, ...]
    rule: str
    command: str
    action: str

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.kind, self.kind)

    @property
    def state_label(self) -> str:
        return STATE_LABEL[self.state]


@dataclass(frozen=True, slots=True)
class ReviewItem:
    id: str
    title: str
    original_title: str
    source: str
    date_ko: str
    url: str
    published: bool
    pinned: bool
    note: str
    tags: tuple[TagRow, ...]
    title_segments: tuple[Segment, ...]
    body_segments: tuple[Segment, ...]
    article_commands: tuple[tuple[str, str], ...]  # (what it does, command)
    urgency: float
    relevance: RelevanceRow | None = None

    @property
    def uncertain(self) -> int:
        return sum(1 for t in self.tags if t.margin < 0.15 and t.origin == "auto")


@dataclass(frozen=True, slots=True)
class RelevanceRow:
    """The article's AI-relevance score against its threshold, and the filter's verdict."""

    score: float | None
    threshold: float | None
    published: bool
    reason: str  # see archive.relevance.Verdict
    margin: float | None  # distance of the score from the threshold, when the score decides

    @property
    def label(self) -> str:
        return RELEVANCE_LABEL.get(self.reason, self.reason)

    @property
    def near(self) -> bool:
        return self.margin is not None and self.margin < NEAR_MARGIN


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A company candidate from the tagger, with the commands that accept or reject it."""

    name: str
    values: tuple[str, ...]
    accept: str
    reject: str


@dataclass(frozen=True)
class ReviewQueue:
    items: tuple[ReviewItem, ...]
    candidates: tuple[CandidateRow, ...] = ()
    candidate_columns: tuple[str, ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)
    command: str = "build.py"


# -- the queue (pure) ---------------------------------------------------------------------------
def _threshold(kind: str, config: SiteConfig) -> float:
    if kind == "region":
        return config.region_threshold
    if kind == "company":
        return config.company_threshold
    return getattr(config, f"{kind}_threshold", config.company_threshold)


def _known(tag: Tag, taxonomy: Taxonomy) -> bool:
    if tag.kind == "region":
        return tag.key in taxonomy.region_by_key
    if tag.kind == "company":
        return tag.key in taxonomy.company_by_name
    return True


def curate_command(prefix: str, article_id: str, *args: str) -> str:
    """The exact shell command: `build.py curate ID ARG…`, quoted for a POSIX shell."""
    return " ".join([prefix, "curate", article_id, *(shlex.quote(a) for a in args)])


def _spans(article: Article, tags: Iterable[Tag]) -> dict[str, list[tuple[int, int, str, str]]]:
    """Evidence spans per field ("title", "body") as (start, end, kind, label) in that text."""
    spans: dict[str, list[tuple[int, int, str, str]]] = {"title": [], "body": []}
    for tag in tags:
        for evidence in tag.evidence:
            field_name = "title" if evidence.field == "title" else "body"
            text = article.title if field_name == "title" else article.text
            at = text.find(evidence.sentence) if evidence.sentence else -1
            if at < 0:
                continue
            start, end = at + evidence.start, at + evidence.end
            if 0 <= start < end <= len(text):
                spans[field_name].append((start, end, tag.kind, f"{tag.kind}:{tag.key}"))
    return spans


def highlight(text: str, spans: Sequence[tuple[int, int, str, str]]) -> tuple[Segment, ...]:
    """Split text into plain and highlighted segments; overlapping spans keep the first."""
    segments: list[Segment] = []
    position = 0
    for start, end, kind, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < position:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], kind, label))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return tuple(segments)


def _evidence_segments(tag: Tag) -> tuple[Segment, ...]:
    if not tag.evidence:
        return ()
    order = {"title": 0, "lead": 1, "body": 2}
    best = min(tag.evidence, key=lambda e: order.get(e.field, 3))
    return highlight(best.sentence, [(best.start, best.end, tag.kind, tag.key)])


def review_item(
    article: Article,
    tags: list[Tag],
    decision: Decision | None,
    taxonomy: Taxonomy,
    config: SiteConfig,
    source_names: dict[str, str],
    prefix: str,
    relevance: RelevanceFilter | None = None,
) -> ReviewItem:
    """One article as the review queue shows it: every tag, listed or not, with its fix."""
    removed = set(decision.remove) if decision else set()
    added = set(decision.add) if decision else set()
    rows: list[TagRow] = []
    seen: set[TagRef] = set()
    for tag in tags:
        ref = TagRef(tag.kind, tag.key)
        seen.add(ref)
        threshold = _threshold(tag.kind, config)
        margin = abs(tag.score - threshold)
        if ref in removed:
            state, action, arg = "removed", "자동 판단으로 되돌리기", f"~{ref}"
        elif ref in added:
            state, action, arg = "added", "편집 취소", f"~{ref}"
        elif not _known(tag, taxonomy):
            state, action, arg = "unknown", "빼기", f"-{ref}"
        elif tag.origin != "auto" or tag.score >= threshold - 1e-9:
            state, action, arg = "listed", "빼기", f"-{ref}"
        else:
            state, action, arg = "below", "더하기", f"+{ref}"
        rule = ", ".join(dict.fromkeys(e.rule for e in tag.evidence if e.rule))
        rows.append(
            TagRow(
                tag.kind,
                tag.key,
                tag.score,
                tag.origin,
                state,
                margin,
                _evidence_segments(tag),
                rule,
                curate_command(prefix, article.id, arg),
                action,
            )
        )
    for ref in sorted(added - seen):
        rows.append(
            TagRow(
                ref.kind,
                ref.key,
                1.0,
                "editor",
                "added",
                1.0,
                (),
                "",
                curate_command(prefix, article.id, f"~{ref}"),
                "편집 취소",
            )
        )
    rows.sort(
        key=lambda r: (list(KIND_LABEL).index(r.kind) if r.kind in KIND_LABEL else 9, -r.score)
    )
    auto = [r.margin for r in rows if r.origin == "auto" and r.state in ("listed", "below")]
    urgency = min(auto) if auto else 1.0
    if not any(r.kind == "region" and r.state in ("listed", "added") for r in rows):
        urgency = min(urgency, 0.0)  # no region at all: always worth a look
    spans = _spans(article, tags)
    published = decision.published if decision else True
    row = None
    if relevance is not None:
        verdict = relevance.verdict(article, decision)
        row = RelevanceRow(
            verdict.score, verdict.threshold, verdict.published, verdict.reason, verdict.margin
        )
        published = published and verdict.published
        if verdict.margin is not None:  # borderline for the relevance filter: first in line
            urgency = verdict.margin if verdict.reason == "below" else min(urgency, verdict.margin)
    pinned = bool(decision and decision.pin)
    restore: list[str] = []
    if decision and decision.hide:
        restore.append("--unhide")
    if decision and decision.ai is False:
        restore.append("--ai")
    if decision and decision.relevance == "exclude":
        restore += ["--relevance", "auto"]
    title = decision.title if decision and decision.title else article.title
    commands = [
        ("다시 싣기", curate_command(prefix, article.id, *restore))
        if restore
        else ("숨기기", curate_command(prefix, article.id, "--hide")),
        ("고정 해제", curate_command(prefix, article.id, "--unpin"))
        if pinned
        else ("주요 기사로 고정", curate_command(prefix, article.id, "--pin")),
        ("AI 기사 아님", curate_command(prefix, article.id, "--not-ai")),
        *_relevance_commands(prefix, article.id, row),
        ("제목 고치기", curate_command(prefix, article.id, "--title", title)),
    ]
    published_at = kst(article.published) if article.published else None
    return ReviewItem(
        id=article.id,
        title=title,
        original_title=article.title,
        source=source_names.get(article.source, article.source),
        date_ko=korean_date(published_at),
        url=article.original_url or article.url,
        published=published,
        pinned=pinned,
        note=decision.note if decision else "",
        tags=tuple(rows),
        title_segments=highlight(article.title, spans["title"]),
        body_segments=highlight(article.text, spans["body"]),
        article_commands=tuple(commands),
        urgency=urgency,
        relevance=row,
    )


def _relevance_commands(prefix: str, ident: str, row: RelevanceRow | None) -> list[tuple[str, str]]:
    """Override the relevance filter either way, or hand the decision back to the score."""
    if row is None:
        return []
    if row.reason.startswith("editor-"):
        return [("관련도 점수에 맡기기", curate_command(prefix, ident, "--relevance", "auto"))]
    if row.published:
        return [("관련도와 무관하게 빼기", curate_command(prefix, ident, "--exclude"))]
    return [("관련도와 무관하게 싣기", curate_command(prefix, ident, "--include"))]


def build_queue(
    articles: Sequence[Article],
    tags: dict[str, list[Tag]],
    curation: Curation,
    taxonomy: Taxonomy,
    config: SiteConfig,
    source_names: dict[str, str] | None = None,
    prefix: str = "build.py",
    relevance: RelevanceFilter | None = None,
) -> tuple[ReviewItem, ...]:
    """Review items: borderline for the relevance filter first, then the least certain (a tag's
    score nearest its threshold; an article the filter keeps off the site counts by its
    relevance only), then newest."""
    items = [
        review_item(
            a,
            tags.get(a.id, []),
            curation.get(a.id),
            taxonomy,
            config,
            source_names or {},
            prefix,
            relevance,
        )
        for a in articles
    ]
    order = {item.id: index for index, item in enumerate(items)}  # articles come newest first
    return tuple(sorted(items, key=lambda i: (*_place(i), order[i.id])))


def _place(item: ReviewItem) -> tuple[int, float]:
    """Borderline for the relevance filter first (nearest the threshold first), then the
    published rest by how uncertain their tags are, then what the filter clearly keeps off the
    site (most of a general outlet's stories)."""
    relevance = item.relevance
    if relevance is not None and relevance.margin is not None:
        if relevance.near:
            return 0, round(relevance.margin, 6)
        if relevance.reason == "below":
            return 2, round(relevance.margin, 6)
    return 1, round(item.urgency, 6)


# -- I/O edges ----------------------------------------------------------------------------------
def candidate_rows(
    columns: Sequence[str], rows: Iterable[dict], prefix: str = "build.py"
) -> tuple[CandidateRow, ...]:
    """Candidates as table rows with their `candidates accept|reject` commands."""
    name_column = next((c for c in ("name", "surface", "candidate") if c in columns), None)
    result = []
    for row in rows:
        name = str(row.get(name_column, "")) if name_column else ""
        if not name:
            continue
        values = tuple("" if row.get(c) is None else str(row.get(c)) for c in columns)
        quoted = shlex.quote(name)
        result.append(
            CandidateRow(
                name,
                values,
                f"{prefix} candidates accept {quoted} --region 시·도",
                f"{prefix} candidates reject {quoted}",
            )
        )
    return tuple(result)


def check_output_folder(out_dir: Path, public: Path) -> None:
    """The review queue holds full texts: never write it into the published folder."""
    out, pub = out_dir.resolve(), public.resolve()
    if out == pub or out.is_relative_to(pub) or pub.is_relative_to(out):
        raise ReviewError(
            f"{out_dir}: the review queue must not be written into or over the published site "
            f"({public}); use the default .cache/review/ or another folder"
        )


def render_review(
    queue: ReviewQueue, templates: Path, out_dir: Path, title: str = "검토 대기열"
) -> Path:
    """Write the review page (index.html) into out_dir; returns its path."""
    env = Environment(
        loader=FileSystemLoader(str(templates / "review")),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    html = env.get_template("index.html").render(queue=queue, title=title)
    writer = Writer(out_dir)
    writer.write("index.html", html.encode("utf-8"))
    writer.finish()
    return out_dir / "index.html"
