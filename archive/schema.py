"""The archive's SQL schema as numbered migrations, applied in order and recorded in schema_version."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE sources (
        key TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        last_status TEXT NOT NULL DEFAULT '',
        last_attempt TEXT,
        last_success TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        items INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        excerpt TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        published TEXT,
        fetched TEXT,
        original_url TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'ko',
        tagged_with TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX articles_published ON articles (published);
    CREATE INDEX articles_source ON articles (source);
    CREATE TABLE analyses (
        content_hash TEXT NOT NULL,
        analyzer TEXT NOT NULL,
        morphemes TEXT NOT NULL,
        PRIMARY KEY (content_hash, analyzer)
    );
    CREATE TABLE tags (
        article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        score REAL NOT NULL,
        origin TEXT NOT NULL,
        is_primary INTEGER NOT NULL DEFAULT 0,
        evidence TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (article_id, kind, key, origin)
    );
    CREATE INDEX tags_key ON tags (kind, key);
    CREATE TABLE failures (
        id INTEGER PRIMARY KEY,
        run_id INTEGER,
        source TEXT NOT NULL,
        url TEXT NOT NULL,
        stage TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX failures_source ON failures (source);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        report TEXT NOT NULL DEFAULT '{}'
    );
    """,
    # 2 (scraper): source moves and freshness, page failure counts, near-duplicate groups
    """
    ALTER TABLE sources ADD COLUMN last_new TEXT;
    ALTER TABLE sources ADD COLUMN moved_from TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN duplicate_of TEXT;
    CREATE INDEX articles_duplicate_of ON articles (duplicate_of);
    CREATE TABLE article_signatures (
        article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        minhash BLOB NOT NULL
    );
    CREATE TABLE page_failures (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        permanent INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL,
        at TEXT NOT NULL
    );
    """,
    # 3 (tagger): candidate companies, one row per name and article (the tag stage replaces an
    # article's rows each time it tags it), so counts stay right across re-tagging
    """
    CREATE TABLE candidates (
        name TEXT NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        sentence TEXT NOT NULL,
        cue TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (name, article_id)
    );
    CREATE INDEX candidates_article ON candidates (article_id);
    """,
    # 4 (relevance): each article's AI-relevance score, the flag at the default threshold and
    # the explanation (features, contributions, evidence), with what it was computed from
    # (scorer version | the article's tagged_with), so that a stale score is re-computed
    """
    CREATE TABLE relevance (
        article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        score REAL NOT NULL,
        relevant INTEGER NOT NULL,
        explanation TEXT NOT NULL DEFAULT '{}',
        scored_with TEXT NOT NULL DEFAULT ''
    );
    """,
    # 5 (tagger): a digest of what the tagger read from each article's taxonomy slice (the names
    # and keywords found in its text, with their meanings), so that a taxonomy edit re-tags only
    # the articles whose slice changed
    """
    CREATE TABLE tag_inputs (
        article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        digest TEXT NOT NULL
    );
    """,
    # 6 (tagger): a digest of each article's automatic tag rows (kind, key, score, primary,
    # evidence), so that a full re-tag tells unchanged tags from one short string instead of
    # reading every row's evidence back; written with the rows (see Store._replace_tags)
    """
    CREATE TABLE tag_digests (
        article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        digest TEXT NOT NULL
    );
    """,
)
