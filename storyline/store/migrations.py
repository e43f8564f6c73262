"""Schema migrations, in order. Each is applied once and recorded in ``schema_migrations``.

``{seq}`` and ``{blob}`` are filled per dialect; everything else is portable SQL.
Never edit a released migration: append a new one.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "articles, embeddings, copies, readings, stories, overrides, entities, story docs",
        (
            """CREATE TABLE articles (
                seq {seq},
                id TEXT NOT NULL UNIQUE,
                external_id TEXT,
                outlet TEXT,
                url TEXT,
                title TEXT,
                author TEXT,
                published TEXT,
                language TEXT,
                text TEXT NOT NULL,
                source TEXT NOT NULL,
                ingested_at TEXT NOT NULL
            )""",
            "CREATE INDEX articles_external_id ON articles (external_id)",
            "CREATE INDEX articles_published ON articles (published)",
            """CREATE TABLE embeddings (
                article_id TEXT NOT NULL,
                model TEXT NOT NULL,
                dim INTEGER NOT NULL,
                vector {blob} NOT NULL,
                PRIMARY KEY (article_id, model)
            )""",
            "CREATE TABLE copies (article_id TEXT PRIMARY KEY, copy_of TEXT, payload TEXT NOT NULL)",
            "CREATE TABLE readings (article_id TEXT PRIMARY KEY, payload TEXT NOT NULL)",
            "CREATE TABLE assignments (article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, payload TEXT NOT NULL)",
            "CREATE INDEX assignments_story ON assignments (story_id)",
            """CREATE TABLE stories (
                id TEXT PRIMARY KEY,
                redirect_to TEXT,
                last_published TEXT,
                payload TEXT NOT NULL
            )""",
            "CREATE TABLE overrides (id {seq}, kind TEXT NOT NULL, args TEXT NOT NULL, created_at TEXT NOT NULL)",
            "CREATE TABLE entities (id TEXT PRIMARY KEY, name TEXT NOT NULL, label TEXT NOT NULL, payload TEXT NOT NULL)",
            """CREATE TABLE story_docs (
                story_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                PRIMARY KEY (story_id, kind)
            )""",
        ),
    ),
    (
        2,
        "feed state for storyline watch (conditional GET validators, schedule, failures)",
        (
            """CREATE TABLE feed_state (
                url TEXT PRIMARY KEY,
                etag TEXT,
                last_modified TEXT,
                next_poll TEXT,
                failures INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                last_polled TEXT,
                last_status INTEGER,
                articles INTEGER NOT NULL DEFAULT 0
            )""",
        ),
    ),
    (
        3,
        "article failures (poison isolation) and pending-work markers (crash-consistent processing)",
        (
            # One row per article whose processing failed: later runs skip it until it is retried or deleted.
            """CREATE TABLE failures (
                article_id TEXT PRIMARY KEY,
                stage TEXT NOT NULL,
                reason TEXT NOT NULL,
                failed_at TEXT NOT NULL
            )""",
            # Work a committed batch left for the end of the run (consolidating the stories it touched,
            # refreshing the store-wide entities, building briefs); a run killed before it did that work
            # leaves the rows here, and the next run does it.
            """CREATE TABLE stale_marks (
                kind TEXT NOT NULL,
                key TEXT NOT NULL,
                PRIMARY KEY (kind, key)
            )""",
        ),
    ),
    (
        4,
        "work queue: jobs the web server hands to the storyline worker process",
        (
            "CREATE TABLE jobs (id {seq}, kind TEXT NOT NULL, args TEXT NOT NULL, created_at TEXT NOT NULL)",
        ),
    ),
)
