"""The SQLite archive: articles, fetch state, tags, the analysis cache and run reports."""

from __future__ import annotations

import collections
import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from archive.records import KST, Article, Evidence, Failure, FetchState, Tag, article_id
from archive.relevance import ArticleRef, Relevance
from archive.schema import MIGRATIONS

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name the tagger saw next to company cues that the taxonomy does not know."""

    name: str
    count: int  # articles it appears in
    articles: tuple[str, ...]  # article ids, newest first
    examples: tuple[str, ...]  # example sentences
    cues: tuple[str, ...]  # the cues seen (대표, 관계자, ㈜, ticker …)


class ArchiveError(Exception):
    """The archive file cannot be opened or is from a newer version of the program."""


def now_kst() -> datetime:
    """The current time in KST, to the second."""
    return datetime.now(KST).replace(microsecond=0)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _article_values(article: Article) -> dict[str, object]:
    """An article as the named parameters of the articles upsert."""
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "title": article.title,
        "text": article.text,
        "excerpt": article.excerpt,
        "author": article.author,
        "published": _iso(article.published),
        "fetched": _iso(article.fetched),
        "original_url": article.original_url,
        "content_hash": article.hash,
    }


IN_CHUNK = 500  # keys per `IN (…)` list: under SQLite's bound-parameter limit


def rows_in(
    conn: sqlite3.Connection, sql: str, keys: Sequence[str], *before: object
) -> Iterator[sqlite3.Row]:
    """The rows of `sql` for many keys: its `{marks}` becomes an `IN` list of one chunk of keys
    at a time; `before` are the parameters that come ahead of the list."""
    for first in range(0, len(keys), IN_CHUNK):
        chunk = keys[first : first + IN_CHUNK]
        yield from conn.execute(sql.format(marks=",".join("?" * len(chunk))), (*before, *chunk))


def _evidence_json(evidence: Sequence[Evidence]) -> str:
    """[{"field", "sentence", "start", "end", "surface", "rule"}, ...]: orjson writes the
    dataclasses' fields in order, byte for byte what `json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))` writes, twice as fast (this runs for every tag of every article)."""
    try:
        return orjson.dumps(evidence).decode()
    except orjson.JSONEncodeError:  # a lone surrogate, which orjson refuses and json keeps
        items = [
            {
                "field": e.field,
                "sentence": e.sentence,
                "start": e.start,
                "end": e.end,
                "surface": e.surface,
                "rule": e.rule,
            }
            for e in evidence
        ]
        return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


# A tag as stored: (kind, key, score, is_primary, evidence JSON).
TagRow = tuple[str, str, float, int, str]


def tag_rows(tags: Iterable[Tag]) -> list[TagRow]:
    """Tags encoded for the tags table (cheap to send between processes)."""
    return [(t.kind, t.key, t.score, int(t.primary), _evidence_json(t.evidence)) for t in tags]


def _rows_digest(rows: list[TagRow]) -> str:
    """A digest of an article's tag rows, sorted (what `_tag_rows_of` would read back): SHA-1 of
    the rows as one JSON list, each row's evidence JSON in it as stored (not escaped again)."""
    try:
        encoded = orjson.dumps([(k, key, s, p, orjson.Fragment(ev)) for k, key, s, p, ev in rows])
    except orjson.JSONEncodeError:  # a lone surrogate: json escapes it
        encoded = json.dumps(rows).encode()
    return hashlib.sha1(encoded).hexdigest()


def rows_digest(rows: Iterable[TagRow]) -> str:
    """The digest `tag_digests` keeps of an article's automatic tag rows (in any order)."""
    return _rows_digest(sorted(rows))


def _tag_order(tag: Tag) -> tuple[str, str, float, bool]:
    return tag.kind, tag.key, tag.score, tag.primary


def tags_digest(tags: Iterable[Tag]) -> str:
    """`rows_digest(tag_rows(tags))` without encoding the rows: orjson writes the evidence as
    `_evidence_json` does, in the rows' order (the tagger gives one tag per kind and key). A
    worker process compares it with the stored digest and encodes rows only when they differ."""
    ordered = sorted(tags, key=_tag_order)
    try:
        encoded = orjson.dumps(
            [(t.kind, t.key, t.score, int(t.primary), t.evidence) for t in ordered]
        )
    except orjson.JSONEncodeError:  # a lone surrogate: the rows say how it is stored
        return rows_digest(tag_rows(ordered))
    return hashlib.sha1(encoded).hexdigest()


def _evidence_from(raw: str) -> tuple[Evidence, ...]:
    if raw == "[]":
        return ()
    try:
        items = orjson.loads(raw)
    except orjson.JSONDecodeError:  # an escaped lone surrogate (written by json, see _rows_digest)
        items = json.loads(raw)
    return tuple(Evidence(**item) for item in items)


def _tag(row: sqlite3.Row) -> Tag:
    return Tag(
        kind=row["kind"],
        key=row["key"],
        score=row["score"],
        origin=row["origin"],
        primary=bool(row["is_primary"]),
        evidence=_evidence_from(row["evidence"]),
    )


class Store:
    """One archive database. Open with `Store.open(path)`; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the archive at `path`."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{path}: cannot open the archive ({exc})") from exc
        store = cls(conn, path)
        store._migrate()
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all or nothing."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise ArchiveError(
                f"{self.path}: archive schema v{current} is newer than this program "
                f"(v{len(MIGRATIONS)}); update the program"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            log.info("migrating archive %s to schema v%d", self.path, number)
            with self.transaction() as conn:
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))

    # -- articles --------------------------------------------------------------------------
    def has_article(self, url: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone()
        return row is not None

    def save_article(self, article: Article) -> str:
        """Store an article by its canonical URL; returns 'new', 'updated' or 'unchanged'."""
        row = self.conn.execute(
            "SELECT content_hash FROM articles WHERE url = ?", (article.url,)
        ).fetchone()
        if row is not None and row["content_hash"] == article.hash:
            return "unchanged"
        with self.transaction() as conn:
            self._upsert_article(conn, _article_values(article))
        return "new" if row is None else "updated"

    def save_collected(self, article: Article, signature: bytes, page_url: str = "") -> str:
        """`save_article`, its MinHash signature and forgetting `page_url`'s earlier failures,
        in one transaction (the collector's write per page)."""
        row = self.conn.execute(
            "SELECT content_hash FROM articles WHERE url = ?", (article.url,)
        ).fetchone()
        if row is not None and row["content_hash"] == article.hash:
            return "unchanged"
        with self.transaction() as conn:
            self._upsert_article(conn, _article_values(article))
            conn.execute(
                "INSERT OR REPLACE INTO article_signatures (article_id, minhash) VALUES (?, ?)",
                (article.id, signature),
            )
            conn.execute("DELETE FROM page_failures WHERE url = ?", (page_url or article.url,))
        return "new" if row is None else "updated"

    @staticmethod
    def _upsert_article(conn: sqlite3.Connection, values: dict[str, object]) -> None:
        conn.execute(
            """INSERT INTO articles (id, url, source, title, text, excerpt, author, published,
                       fetched, original_url, content_hash)
                   VALUES (:id, :url, :source, :title, :text, :excerpt, :author, :published,
                       :fetched, :original_url, :content_hash)
                   ON CONFLICT (url) DO UPDATE SET title = excluded.title, text = excluded.text,
                       excerpt = excluded.excerpt, author = excluded.author,
                       published = coalesce(excluded.published, articles.published),
                       fetched = excluded.fetched, content_hash = excluded.content_hash,
                       tagged_with = CASE WHEN articles.tagged_with = 'import'
                                          THEN 'import' ELSE '' END""",
            values,
        )

    def _article(self, row: sqlite3.Row) -> Article:
        return Article(
            url=row["url"],
            title=row["title"],
            text=row["text"],
            source=row["source"],
            published=_dt(row["published"]),
            excerpt=row["excerpt"],
            author=row["author"],
            fetched=_dt(row["fetched"]),
            original_url=row["original_url"],
        )

    def article(self, ident: str) -> Article | None:
        """An article by id, id prefix (6+ characters) or URL."""
        row = self.conn.execute(
            "SELECT * FROM articles WHERE id = ? OR url = ?", (ident, ident)
        ).fetchone()
        if row is None and len(ident) >= 6:
            rows = self.conn.execute(
                "SELECT * FROM articles WHERE id LIKE ? LIMIT 2", (ident + "%",)
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return self._article(row) if row else None

    def articles(self, texts: bool = True) -> Iterator[Article]:
        """All articles, newest first (undated last), then by id for a stable order.

        With ``texts=False`` every article's ``text`` is '' (what a render lists needs no body;
        reading 10,000 bodies is most of the query's time): `content_hashes` and `texts` give
        what stands for the body and the body itself where it is needed."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples, in Article's field order (read on every render)
        body = "text" if texts else "''"
        cursor.execute(
            f"SELECT url, title, {body}, source, published, excerpt, author, fetched, original_url "
            "FROM articles ORDER BY published IS NULL, published DESC, id"
        )
        for url, title, text, source, published, excerpt, author, fetched, original in cursor:
            yield Article(
                url=url,
                title=title,
                text=text,
                source=source,
                published=_dt(published),
                excerpt=excerpt,
                author=author,
                fetched=_dt(fetched),
                original_url=original,
            )

    def content_hashes(self) -> dict[str, str]:
        """Each article's content hash (of its title and text), by id."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return dict(cursor.execute("SELECT id, content_hash FROM articles"))

    def texts(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(title, text) of the given articles, by id."""
        sql = "SELECT id, title, text FROM articles WHERE id IN ({marks})"
        return {row[0]: (row[1], row[2]) for row in rows_in(self.conn, sql, list(ids))}

    def article_refs(self) -> list[ArticleRef]:
        """Every article's id and source, in table order: what per-source counts need, without
        the texts."""
        rows = self.conn.execute("SELECT id, source FROM articles").fetchall()
        return [ArticleRef(row[0], row[1]) for row in rows]

    def tagged_with(self, article: str) -> str:
        """The tagger version behind an article's automatic tags ('' if never tagged)."""
        row = self.conn.execute("SELECT tagged_with FROM articles WHERE id = ?", (article,))
        found = row.fetchone()
        return str(found[0]) if found else ""

    def tagged_with_many(self, articles: list[str]) -> dict[str, str]:
        """The tagger version behind each article's automatic tags ('' if never tagged)."""
        rows = rows_in(
            self.conn, "SELECT id, tagged_with FROM articles WHERE id IN ({marks})", articles
        )
        return {row[0]: row[1] for row in rows}

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def articles_to_tag(self, tagger_version: str) -> list[Article]:
        """Articles whose automatic tags are missing or from another tagger/taxonomy version."""
        rows = self.conn.execute(
            "SELECT * FROM articles WHERE tagged_with NOT IN (?, 'import') ORDER BY id",
            (tagger_version,),
        ).fetchall()
        return [self._article(row) for row in rows]

    def ids_to_tag(self, tagger_version: str) -> list[tuple[str, str]]:
        """(id, tagged_with) of `articles_to_tag`, without their texts (a TAGGER_VERSION bump
        makes every article due; the tag stage reads the texts chunk by chunk)."""
        rows = self.conn.execute(
            "SELECT id, tagged_with FROM articles WHERE tagged_with NOT IN (?, 'import') "
            "ORDER BY id",
            (tagger_version,),
        )
        return [(row[0], row[1]) for row in rows]

    # -- tags ------------------------------------------------------------------------------
    def replace_tags(
        self, article: str, tags: Iterable[Tag], tagged_with: str, origin: str = "auto"
    ) -> None:
        """Replace an article's tags of one origin and record the tagger version used."""
        self.replace_tags_many([(article, list(tags))], tagged_with, origin)

    def replace_tags_many(
        self,
        batch: Iterable[tuple[str, list[Tag]]],
        tagged_with: str,
        origin: str = "auto",
        analyses: Iterable[tuple[str, str, str]] = (),
        candidates: Mapping[str, Iterable[tuple[str, str, str]]] | None = None,
    ) -> None:
        """Replace the tags of many articles (and cache their analyses) in one transaction.

        `candidates` maps an article id to its candidate companies as (name, sentence, cue):
        the article's previous candidates are replaced.
        """
        self.replace_tag_rows_many(
            [(article, tag_rows(tags)) for article, tags in batch],
            tagged_with,
            origin,
            analyses,
            candidates,
        )

    def replace_tag_rows_many(
        self,
        batch: Iterable[tuple[str, list[TagRow]]],
        tagged_with: str,
        origin: str = "auto",
        analyses: Iterable[tuple[str, str, str]] = (),
        candidates: Mapping[str, Iterable[tuple[str, str, str]]] | None = None,
        inputs: Mapping[str, str] | None = None,
        unchanged: Iterable[str] = (),
        row_digests: Mapping[str, str] | None = None,
    ) -> None:
        """`replace_tags_many` for tags already encoded with `tag_rows` (by worker processes).

        `inputs` records each article's tagger input digest (see `tag_inputs`); the articles in
        `unchanged` keep their tags and only get `tagged_with` (and their candidates, if given).
        `row_digests` has the `rows_digest` of an article's rows where the caller made it already.
        """
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO analyses (content_hash, analyzer, morphemes) "
                "VALUES (?, ?, ?)",
                analyses,
            )
            batch = list(batch)
            articles = [article for article, _ in batch]
            digests = self._tag_digests_of(conn, articles) if origin == "auto" else {}
            # Rows are read back only where no digest says what is stored (other origins, or
            # tags written before schema v6).
            stored = self._tag_rows_of(conn, [a for a in articles if a not in digests], origin)
            same: list[tuple[str, str]] = []
            made = row_digests or {}
            for article, rows in batch:
                digest = ""
                if origin == "auto":
                    digest = made.get(article) or rows_digest(rows)
                if article in digests:
                    unchanged_rows = digest == digests[article]
                else:
                    unchanged_rows = sorted(rows) == stored.get(article, [])
                    if unchanged_rows and digest:
                        conn.execute(
                            "INSERT OR REPLACE INTO tag_digests (article_id, digest) VALUES (?, ?)",
                            (article, digest),
                        )
                if unchanged_rows:  # only the version moves
                    same.append((tagged_with, article))
                    continue
                self._replace_tags(conn, article, rows, tagged_with, origin, digest)
            conn.executemany("UPDATE articles SET tagged_with = ? WHERE id = ?", same)
            conn.executemany(
                "UPDATE articles SET tagged_with = ? WHERE id = ?",
                [(tagged_with, article) for article in unchanged],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO tag_inputs (article_id, digest) VALUES (?, ?)",
                list((inputs or {}).items()),
            )
            replaced = dict(candidates or {})
            ids = list(replaced)
            deleted = rows_in(conn, "DELETE FROM candidates WHERE article_id IN ({marks})", ids)
            collections.deque(deleted, maxlen=0)  # run each chunk's statement
            conn.executemany(
                "INSERT OR REPLACE INTO candidates (name, article_id, sentence, cue) "
                "VALUES (?, ?, ?, ?)",
                [
                    (name, article, sentence, cue)
                    for article, mentions in replaced.items()
                    for name, sentence, cue in mentions
                ],
            )

    @staticmethod
    def _tag_rows_of(
        conn: sqlite3.Connection, articles: list[str], origin: str
    ) -> dict[str, list[TagRow]]:
        """The stored tag rows of many articles, each list sorted (to compare with new rows)."""
        found: dict[str, list[TagRow]] = {}
        rows = rows_in(
            conn,
            "SELECT article_id, kind, key, score, is_primary, evidence FROM tags "
            "WHERE origin = ? AND article_id IN ({marks})",
            articles,
            origin,
        )
        for article, kind, key, score, primary, evidence in rows:
            found.setdefault(article, []).append((kind, key, score, primary, evidence))
        for rows in found.values():
            rows.sort()
        return found

    @staticmethod
    def _tag_digests_of(conn: sqlite3.Connection, articles: list[str]) -> dict[str, str]:
        """The digests of many articles' stored automatic tag rows (see `_rows_digest`)."""
        sql = "SELECT article_id, digest FROM tag_digests WHERE article_id IN ({marks})"
        return {row[0]: row[1] for row in rows_in(conn, sql, articles)}

    @staticmethod
    def _replace_tags(
        conn: sqlite3.Connection,
        article: str,
        rows: list[TagRow],
        tagged_with: str,
        origin: str,
        digest: str = "",
    ) -> None:
        """Write an article's rows of one origin; for automatic tags also the digest of the
        rows sorted (`digest`, if already made), which every writer of them must keep in step."""
        if origin == "auto":
            conn.execute(
                "INSERT OR REPLACE INTO tag_digests (article_id, digest) VALUES (?, ?)",
                (article, digest or _rows_digest(sorted(rows))),
            )
        conn.execute("DELETE FROM tags WHERE article_id = ? AND origin = ?", (article, origin))
        conn.executemany(
            """INSERT INTO tags (article_id, kind, key, score, origin, is_primary, evidence)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [
                (article, kind, key, score, origin, primary, ev)
                for kind, key, score, primary, ev in rows
            ],
        )
        conn.execute("UPDATE articles SET tagged_with = ? WHERE id = ?", (tagged_with, article))

    def tags(self, article: str | None = None) -> dict[str, list[Tag]]:
        """Tags per article id (all articles, or one)."""
        query = "SELECT * FROM tags"
        args: tuple[str, ...] = ()
        if article is not None:
            query += " WHERE article_id = ?"
            args = (article,)
        query = query.replace("*", "article_id, kind, key, score, origin, is_primary, evidence", 1)
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: 10,000 articles' tags are read on every render
        result: dict[str, list[Tag]] = {}
        cursor.execute(query + " ORDER BY article_id, kind, score DESC, key", args)
        for ident, kind, key, score, origin, primary, evidence in cursor:
            tag = Tag(
                kind=kind,
                key=key,
                score=score,
                origin=origin,
                primary=bool(primary),
                evidence=_evidence_from(evidence),
            )
            found = result.get(ident)
            if found is None:
                result[ident] = [tag]
            else:
                found.append(tag)
        return result

    def tag_digests(self, articles: list[str]) -> dict[str, str]:
        """The digests of these articles' stored automatic tag rows (see `rows_digest`); an
        article tagged before schema v6 may have none."""
        return self._tag_digests_of(self.conn, articles)

    def tag_inputs(self, articles: list[str]) -> dict[str, str]:
        """The tagger input digests recorded when these articles were last tagged."""
        sql = "SELECT article_id, digest FROM tag_inputs WHERE article_id IN ({marks})"
        return {row[0]: row[1] for row in rows_in(self.conn, sql, articles)}

    # -- candidate companies ---------------------------------------------------------------
    def candidates(self, min_count: int = 1, examples: int = 3) -> list[Candidate]:
        """Candidate companies seen in at least `min_count` articles, most frequent first, with
        the articles (newest first) and up to `examples` example sentences."""
        rows = self.conn.execute(
            """SELECT c.name, c.article_id, c.sentence, c.cue FROM candidates c
               JOIN articles a ON a.id = c.article_id
               WHERE c.name IN (SELECT name FROM candidates GROUP BY name
                                HAVING count(*) >= ?)
               ORDER BY c.name, a.published IS NULL, a.published DESC, c.article_id""",
            (max(1, min_count),),
        )
        grouped: dict[str, list[sqlite3.Row]] = {}
        for row in rows:
            grouped.setdefault(row["name"], []).append(row)
        found = [
            Candidate(
                name=name,
                count=len(items),
                articles=tuple(r["article_id"] for r in items),
                examples=tuple(r["sentence"] for r in items[:examples]),
                cues=tuple(sorted({r["cue"] for r in items if r["cue"]})),
            )
            for name, items in grouped.items()
        ]
        found.sort(key=lambda c: (-c.count, c.name))
        return found

    # -- relevance -------------------------------------------------------------------------
    def articles_to_score(self, version: str) -> list[tuple[Article, str]]:
        """Articles whose relevance score is missing, or was computed by another scorer
        `version` or from other tags: (article, its tagged_with), by id."""
        return self.articles_with_tagged_with(self.ids_to_score(version))

    def ids_to_score(self, version: str) -> list[str]:
        """The ids of `articles_to_score`, without their texts (a new scorer version makes every
        article due: 100,000 articles with their texts are ~550 MB, their ids ~7 MB)."""
        rows = self.conn.execute(
            """SELECT a.id FROM articles a LEFT JOIN relevance r ON r.article_id = a.id
               WHERE r.scored_with IS NULL OR r.scored_with != ? || '|' || a.tagged_with
               ORDER BY a.id""",
            (version,),
        )
        return [row[0] for row in rows]

    def articles_with_tagged_with(self, ids: list[str]) -> list[tuple[Article, str]]:
        """(article, its tagged_with) for each of `ids` that exists, in the order given."""
        found: dict[str, tuple[Article, str]] = {}
        for row in rows_in(self.conn, "SELECT * FROM articles WHERE id IN ({marks})", ids):
            found[row["id"]] = (self._article(row), row["tagged_with"])
        return [found[ident] for ident in ids if ident in found]

    def save_relevance_many(self, rows: Iterable[tuple[str, Relevance, str]]) -> None:
        """Store (article id, relevance, scored_with) rows in one transaction."""
        with self.transaction() as conn:
            conn.executemany(
                """INSERT OR REPLACE INTO relevance
                       (article_id, score, relevant, explanation, scored_with)
                   VALUES (?, ?, ?, ?, ?)""",
                [
                    (article, r.score, int(r.relevant), r.to_json(), scored_with)
                    for article, r, scored_with in rows
                ],
            )

    def relevance(self, article: str) -> Relevance | None:
        """An article's stored relevance with its explanation, if it has been scored."""
        row = self.conn.execute(
            "SELECT score, relevant, explanation FROM relevance WHERE article_id = ?", (article,)
        ).fetchone()
        return Relevance.from_stored(row[0], bool(row[1]), row[2]) if row else None

    def relevance_scores(self) -> dict[str, float]:
        """Every scored article's relevance score, by id."""
        return {
            row[0]: row[1]
            for row in self.conn.execute(
                "SELECT article_id, score FROM relevance ORDER BY article_id"
            )
        }

    def tags_of(self, articles: Iterable[str]) -> dict[str, list[Tag]]:
        """Tags of several articles (by id) in a few queries."""
        wanted = list(articles)
        result: dict[str, list[Tag]] = {}
        sql = "SELECT * FROM tags WHERE article_id IN ({marks}) ORDER BY article_id, kind, score DESC, key"
        for row in rows_in(self.conn, sql, wanted):
            result.setdefault(row["article_id"], []).append(_tag(row))
        return result

    # -- analysis cache --------------------------------------------------------------------
    def analyzers(self) -> dict[str, str]:
        """Per content hash, the analyzer whose stored analysis `analyses_any` returns (the name
        sorting last), without reading the analyses."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return dict(
            cursor.execute("SELECT content_hash, max(analyzer) FROM analyses GROUP BY content_hash")
        )

    def cached_analyses(self, digests: list[str], analyzer: str) -> dict[str, str]:
        """Cached analyses for many content hashes at once."""
        sql = "SELECT content_hash, morphemes FROM analyses WHERE analyzer = ? AND content_hash IN ({marks})"
        return {row[0]: row[1] for row in rows_in(self.conn, sql, digests, analyzer)}

    def analysed(self, digests: list[str], analyzer: str) -> set[str]:
        """Which of these content hashes have a cached analysis (without reading them)."""
        sql = "SELECT content_hash FROM analyses WHERE analyzer = ? AND content_hash IN ({marks})"
        return {row[0] for row in rows_in(self.conn, sql, digests, analyzer)}

    def cached_analysis(self, digest: str, analyzer: str) -> str | None:
        row = self.conn.execute(
            "SELECT morphemes FROM analyses WHERE content_hash = ? AND analyzer = ?",
            (digest, analyzer),
        ).fetchone()
        return row["morphemes"] if row else None

    def analyses_any(self, digests: list[str]) -> dict[str, str]:
        """The stored analysis of each content hash, whatever analyzer made it (for readers of
        morphemes such as the search index); with several, the analyzer name sorting last wins."""
        sql = (
            "SELECT content_hash, morphemes FROM analyses WHERE content_hash IN ({marks}) "
            "ORDER BY content_hash, analyzer"
        )
        return {row[0]: row[1] for row in rows_in(self.conn, sql, digests)}

    def cache_analyses(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Store (content_hash, analyzer, morphemes) rows."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO analyses (content_hash, analyzer, morphemes) "
                "VALUES (?, ?, ?)",
                rows,
            )

    # -- sources, failures, runs -----------------------------------------------------------
    def fetch_state(self, source: str) -> FetchState | None:
        row = self.conn.execute("SELECT * FROM sources WHERE key = ?", (source,)).fetchone()
        if row is None:
            return None
        return FetchState(
            source=row["key"],
            url=row["url"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            last_status=row["last_status"],
            last_success=_dt(row["last_success"]),
            failures=row["failures"],
            items=row["items"],
            last_attempt=_dt(row["last_attempt"]),
            last_new=_dt(row["last_new"]),
            moved_from=row["moved_from"],
        )

    def record_fetch(
        self,
        source: str,
        url: str,
        status: str,
        ok: bool,
        etag: str = "",
        last_modified: str = "",
        new_items: int = 0,
        moved_from: str = "",
    ) -> None:
        """Remember the outcome of fetching a source (validators only kept on success).

        `moved_from` is the configured URL when `url` is where it permanently redirected.
        """
        stamp = now_kst().isoformat()
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO sources (key, url) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (source, url),
            )
            if ok:
                conn.execute(
                    """UPDATE sources SET url = :url, etag = :etag, last_modified = :lm,
                           last_status = :status, last_attempt = :stamp, last_success = :stamp,
                           failures = 0, items = items + :new, moved_from = :moved,
                           last_new = CASE WHEN :new > 0 THEN :stamp ELSE last_new END
                       WHERE key = :key""",
                    {
                        "url": url,
                        "etag": etag,
                        "lm": last_modified,
                        "status": status,
                        "stamp": stamp,
                        "new": new_items,
                        "moved": moved_from,
                        "key": source,
                    },
                )
            else:
                conn.execute(
                    """UPDATE sources SET last_status = ?, last_attempt = ?,
                           failures = failures + 1 WHERE key = ?""",
                    (status, stamp, source),
                )

    def fetch_states(self) -> dict[str, FetchState]:
        """The fetch state of every source the archive has seen, by key."""
        keys = [row[0] for row in self.conn.execute("SELECT key FROM sources ORDER BY key")]
        return {key: state for key in keys if (state := self.fetch_state(key)) is not None}

    def last_failure(self, source: str) -> Failure | None:
        """The most recent failure recorded for a source (feed or page)."""
        row = self.conn.execute(
            "SELECT * FROM failures WHERE source = ? ORDER BY id DESC LIMIT 1", (source,)
        ).fetchone()
        return (
            Failure(row["source"], row["url"], row["stage"], row["reason"], _dt(row["at"]))
            if row
            else None
        )

    # -- pages that keep failing -----------------------------------------------------------
    def record_page_failure(self, url: str, source: str, reason: str, permanent: bool) -> int:
        """Count one more failure of an article page; returns its count so far."""
        with self.transaction() as conn:
            conn.execute(
                """INSERT INTO page_failures (url, source, count, permanent, reason, at)
                   VALUES (?, ?, 1, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET count = count + 1,
                       permanent = excluded.permanent, reason = excluded.reason, at = excluded.at""",
                (url, source, int(permanent), reason, now_kst().isoformat()),
            )
            row = conn.execute("SELECT count FROM page_failures WHERE url = ?", (url,)).fetchone()
        return int(row[0])

    def page_failures(self, urls: Iterable[str]) -> dict[str, tuple[int, bool]]:
        """(failure count, permanent) of the given page URLs that have failed before."""
        sql = "SELECT url, count, permanent FROM page_failures WHERE url IN ({marks})"
        rows = rows_in(self.conn, sql, list(urls))
        return {row[0]: (int(row[1]), bool(row[2])) for row in rows}

    def clear_page_failure(self, url: str) -> None:
        """Forget a page's failures (it was stored after all)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM page_failures WHERE url = ?", (url,))

    # -- near-duplicates (wire copies) -----------------------------------------------------
    def save_signature(self, article: str, minhash: bytes) -> None:
        """Store an article's MinHash signature (bytes) for near-duplicate detection."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO article_signatures (article_id, minhash) VALUES (?, ?)",
                (article, minhash),
            )

    def signature(self, article: str) -> bytes | None:
        """An article's stored MinHash signature, if any."""
        row = self.conn.execute(
            "SELECT minhash FROM article_signatures WHERE article_id = ?", (article,)
        ).fetchone()
        return bytes(row[0]) if row else None

    def signatures_between(
        self, start: datetime, end: datetime
    ) -> list[tuple[str, str, datetime | None, bytes]]:
        """(id, source, published, signature) of articles published (else fetched) in a window."""
        rows = self.conn.execute(
            """SELECT a.id, a.source, a.published, s.minhash FROM articles a
               JOIN article_signatures s ON s.article_id = a.id
               WHERE coalesce(a.published, a.fetched) BETWEEN ? AND ? ORDER BY a.id""",
            (start.isoformat(), end.isoformat()),
        )
        return [(row[0], row[1], _dt(row[2]), bytes(row[3])) for row in rows]

    def duplicate_of(self, article: str) -> str | None:
        """The id of the article kept for `article`'s group, or None when it is not a copy."""
        row = self.conn.execute(
            "SELECT duplicate_of FROM articles WHERE id = ?", (article,)
        ).fetchone()
        return row[0] if row else None

    def duplicate_members(self, kept: str) -> list[str]:
        """Ids of the copies grouped under the kept article `kept`."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE duplicate_of = ? ORDER BY id", (kept,)
        )
        return [row[0] for row in rows]

    def set_duplicate_group(self, kept: str, copies: Iterable[str]) -> None:
        """Make `kept` the article shown for a group and every id in `copies` its copy."""
        copies = [c for c in copies if c != kept]
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", (kept,))
            conn.executemany(
                "UPDATE articles SET duplicate_of = ? WHERE id = ?", [(kept, c) for c in copies]
            )

    def duplicate_groups(self) -> dict[str, list[Article]]:
        """Kept article id → its copies on other outlets (earliest published first).

        The site shows the kept article once and lists the copies' sources ("다른 보도").
        """
        groups: dict[str, list[Article]] = {}
        rows = self.conn.execute(
            """SELECT * FROM articles WHERE duplicate_of IS NOT NULL
               ORDER BY duplicate_of, published IS NULL, published, id"""
        )
        for row in rows:
            groups.setdefault(row["duplicate_of"], []).append(self._article(row))
        return groups

    def record_failure(self, failure: Failure, run_id: int | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO failures (run_id, source, url, stage, reason, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    failure.source,
                    failure.url,
                    failure.stage,
                    failure.reason,
                    _iso(failure.at or now_kst()),
                ),
            )

    def failures(self, run_id: int | None = None) -> list[Failure]:
        query, args = "SELECT * FROM failures", ()
        if run_id is not None:
            query, args = query + " WHERE run_id = ?", (run_id,)
        return [
            Failure(r["source"], r["url"], r["stage"], r["reason"], _dt(r["at"]))
            for r in self.conn.execute(query + " ORDER BY id", args)
        ]

    def start_run(self, command: str) -> int:
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (command, started) VALUES (?, ?)",
                (command, now_kst().isoformat()),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, report: dict[str, object]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished = ?, status = ?, report = ? WHERE id = ?",
                (
                    now_kst().isoformat(),
                    status,
                    json.dumps(report, ensure_ascii=False, sort_keys=True),
                    run_id,
                ),
            )

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


__all__ = ["ArchiveError", "Candidate", "Store", "TagRow", "article_id", "now_kst", "tag_rows"]
