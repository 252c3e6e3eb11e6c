"""Hand labels for evaluation (`build.py eval`), in the format of ../shared/dev/seed_labels.jsonl.

One JSON object per line: `id`, `title`, the text (`text`, or a file named by `source`/`file`),
`sido` (official names), `sigungu` ("<sido> <sigungu>"), `companies` (a list of lists of
alternative names: any one of them counts), and `soft_labels` ({"sido": [...], "sigungu": [...],
"companies": [...]}: labels an editor would accept but not require). Other fields
(`not_companies`, `ambiguous`, `region_groups`...) are notes for people; `not_companies` is
used to annotate false positives.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class LabelError(Exception):
    """A labels file or a text it names cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    """One hand-labelled article: its text and the tags a careful editor would give it."""

    id: str
    title: str
    body: str
    sido: frozenset[str]
    sigungu: frozenset[str]
    companies: tuple[tuple[str, ...], ...]  # alternative names of one company, canonical first
    soft_sido: frozenset[str] = frozenset()
    soft_sigungu: frozenset[str] = frozenset()
    soft_companies: frozenset[str] = frozenset()
    not_companies: tuple[str, ...] = ()


def label_records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each line of a JSON Lines labels file; blank lines and lines
    starting with # are skipped; LabelError names the file and line of a line that is no
    JSON object."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelError(f"{path}: cannot read the labels file ({exc.strerror})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise LabelError(f"{path}:{number}: expected a JSON object per line")
        yield number, record


def load_labels(path: Path | str, texts_dir: Path | str | None = None) -> list[LabelledArticle]:
    """Read a labels file; texts named by `source`/`file` are looked up relative to the labels
    file, then in `texts_dir` (by relative path, then by file name)."""
    path = Path(path)
    articles = []
    seen: set[str] = set()
    for number, record in label_records(path):
        article = _article(record, path, number, Path(texts_dir) if texts_dir else None)
        if article.id in seen:
            raise LabelError(f"{path}:{number}: duplicate id {article.id!r}")
        seen.add(article.id)
        articles.append(article)
    if not articles:
        raise LabelError(f"{path}: no labelled articles")
    return articles


def _article(record: dict, path: Path, number: int, texts_dir: Path | None) -> LabelledArticle:
    where = f"{path}:{number}"
    ident = str(record.get("id") or f"line{number}")
    title = str(record.get("title") or "")
    if isinstance(record.get("text"), str):
        body = record["text"]
    else:
        name = record.get("source") or record.get("file")
        if not isinstance(name, str) or not name:
            raise LabelError(f"{where}: {ident} has neither `text` nor `source`/`file`")
        body = _read_text(name, path.parent, texts_dir, where)
        title, body = _split_title(title, body)
    soft = record.get("soft_labels") or {}
    if not isinstance(soft, dict):
        raise LabelError(f"{where}: `soft_labels` must be an object of lists")
    return LabelledArticle(
        id=ident,
        title=title,
        body=body,
        sido=_names(record, "sido", where),
        sigungu=_names(record, "sigungu", where),
        companies=_alternatives(record.get("companies", []), where),
        soft_sido=_names(soft, "sido", where),
        soft_sigungu=_names(soft, "sigungu", where),
        soft_companies=_names(soft, "companies", where),
        not_companies=tuple(str(n) for n in record.get("not_companies", []) or []),
    )


def _read_text(name: str, base: Path, texts_dir: Path | None, where: str) -> str:
    tried = [base / name]
    if texts_dir is not None:
        tried += [texts_dir / name, texts_dir / Path(name).name]
    for candidate in tried:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8", errors="replace")
    looked = ", ".join(str(p) for p in tried)
    hint = "" if texts_dir else " (pass --texts DIR to say where the texts are)"
    raise LabelError(f"{where}: text file {name!r} not found; looked at {looked}{hint}")


def _split_title(title: str, text: str) -> tuple[str, str]:
    """A text file that starts with the labelled title: the title becomes the title field."""
    stripped = text.lstrip()
    if title and stripped.startswith(title):
        return title, stripped[len(title) :].lstrip("\n")
    return "", text


def _names(record: dict, key: str, where: str) -> frozenset[str]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LabelError(f"{where}: `{key}` must be a list of strings")
    return frozenset(v.strip() for v in value if v.strip())


def _alternatives(value: object, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        raise LabelError(f"{where}: `companies` must be a list of lists of names")
    groups = []
    for item in value:
        names = [item] if isinstance(item, str) else item
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise LabelError(f"{where}: each `companies` item must be a name or a list of names")
        groups.append(tuple(dict.fromkeys(n.strip() for n in names)))
    return tuple(groups)
