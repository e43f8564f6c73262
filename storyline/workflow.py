"""Library-level operations. The CLI and the web app are thin adapters over these.

- :func:`ingest`: read inputs into articles and store them (idempotent).
- :func:`export`: everything stored, in the documented export shape (docs/export.md); :mod:`storyline.backup`
  reads it back (``storyline import``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from .codec import to_json
from .config import Settings
from .records import Article, IngestSummary, Skipped
from .store import Store

if TYPE_CHECKING:
    from .ingest.defaults import BatchDefaults

EXPORT_FORMAT = "storyline-export"
EXPORT_VERSION = 1

ProgressFn = Callable[[int, int | None], None]


def ingest(
    store: Store,
    inputs: Sequence[str],
    settings: Settings,
    *,
    on_progress: ProgressFn | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    allow_private: bool | None = None,
    chunk: int = 200,
    defaults: BatchDefaults | None = None,
) -> IngestSummary:
    """Read every input and store the articles; already-stored articles are counted, not duplicated.

    A bad item becomes a :class:`Skipped` with its reason; the rest of the batch goes on, and
    articles read before a failure are already committed in chunks of ``chunk``.
    ``allow_private`` lets URLs reach loopback/private addresses (the CLI trusts its operator;
    the web API never passes it); ``None`` means ``settings.allow_private_urls``. ``defaults``: an outlet and
    a publication time for the articles that state none (:class:`~storyline.ingest.defaults.BatchDefaults`).
    """
    from .ingest import read_inputs
    from .runners.faults import FaultPlan

    added: list[str] = []
    present: list[str] = []
    skipped: list[Skipped] = []
    pending: list[Article] = []

    faults = FaultPlan.from_env()  # a test hook: kill this process after a chunk is stored (runners/faults.py)

    def flush() -> None:
        if pending:
            new, old = store.add_articles(pending)
            added.extend(new)
            present.extend(old)
            pending.clear()
            faults.reached("ingest-chunk")

    for item in read_inputs(list(inputs), settings, on_progress=on_progress, allow_private=allow_private):
        if isinstance(item, Skipped):
            skipped.append(item)
            if on_skip:
                on_skip(item)
            continue
        pending.append(defaults.apply(item) if defaults else item)
        if len(pending) >= chunk:
            flush()
    flush()
    return IngestSummary(tuple(added), tuple(present), tuple(skipped))


# ---------------------------------------------------------------- export

def export_document(store: Store) -> dict[str, Any]:
    """The whole store as one JSON-ready document (shape: docs/export.md)."""
    articles = store.articles()
    external = {a.id: a.external_id for a in articles}
    doc: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "articles": [to_json(a) for a in articles],
        "copies": [dict(to_json(c), external_id=external.get(c.article_id)) for c in store.copies()],
        "stories": [],
        "assignments": [],
        "readings": [],
        "entities": [to_json(e) for e in store.entities()],
        "overrides": [to_json(o) for o in store.overrides()],
        "story_docs": {},
    }
    # Merged stories too (with ``redirect_to``): their ids stay valid references after a restore.
    for story in store.stories(include_merged=True):
        doc["stories"].append(
            dict(to_json(story), external_ids=[external.get(i) for i in story.article_ids])
        )
        docs = {}
        for kind in ("facts", "conflicts", "quote_groups", "timeline", "brief"):
            payload = store.get_story_doc(story.id, kind)
            if payload is not None:
                docs[kind] = payload
        if docs:
            doc["story_docs"][story.id] = docs
    doc["assignments"] = [to_json(a) for a in store.assignments().values()]
    doc["readings"] = [dict(to_json(r), external_id=external.get(r.article_id)) for r in store.readings().values()]
    return doc


def _jsonl_rows(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield {"type": "header", "format": doc["format"], "version": doc["version"], "exported_at": doc["exported_at"]}
    for key, kind in (
        ("articles", "article"), ("copies", "copy"), ("stories", "story"), ("assignments", "assignment"),
        ("readings", "reading"), ("entities", "entity"), ("overrides", "override"),
    ):  # fmt: skip
        for row in doc[key]:
            yield {"type": kind, **row}
    for story_id, docs in doc["story_docs"].items():
        for kind, payload in docs.items():
            yield {"type": "story_doc", "story_id": story_id, "kind": kind, "payload": payload}


CSV_COLUMNS = ("id", "external_id", "outlet", "url", "title", "author", "published", "language", "source",
               "ingested_at", "story_id", "copy_of", "copy_kind", "text")  # fmt: skip


def export(store: Store, fmt: str, out: IO[str]) -> int:
    """Write the export in ``fmt`` (json, jsonl, csv) to ``out``; returns the number of articles."""
    if fmt == "csv":
        return _export_csv(store, out)
    doc = export_document(store)
    if fmt == "json":
        json.dump(doc, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for row in _jsonl_rows(doc):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        from .errors import InputError

        raise InputError(f"unknown export format {fmt!r}", hint="use json, jsonl or csv")
    return len(doc["articles"])


def _export_csv(store: Store, out: IO[str]) -> int:
    """One row per article (the flat view spreadsheets want); nested records are in json/jsonl."""
    assignments = store.assignments()
    copies = {c.article_id: c for c in store.copies()}
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    n = 0
    for a in store.iter_articles():
        copy = copies.get(a.id)
        assignment = assignments.get(a.id)
        row = to_json(a)
        row.update(
            story_id=assignment.story_id if assignment else None,
            copy_of=(copy.copy_of or copy.credited_url) if copy else None,
            copy_kind=copy.kind if copy else None,
        )
        writer.writerow([csv_cell(row.get(c)) for c in CSV_COLUMNS])
        n += 1
    return n


#: First characters that make a spreadsheet read a cell as a formula (``=cmd|' /C calc'!A0``, ``@SUM(...)``).
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: a value starting like a formula gets a leading ``'`` (the
    OWASP advice for CSV injection); the csv module quotes commas, quotes and newlines."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
