"""Backup and restore: read a ``storyline export`` (json or jsonl) back into a store, and copy a database.

Why a restore and not a re-ingest: ingesting an export's texts again would give the same article ids but
lose what the export records about them (external ids, sources, ingest times) and every analyst decision
(story merges and splits, entity merges and renames), and it would spend the whole pipeline again.
:func:`import_export` instead writes the records back as they were:

* **restore** (the store holds no article the file lacks: a fresh database, or the same file imported
  again): articles with their ids and metadata, copy links, readings, assignments, stories (merged ones
  with their redirects), entities, per-story documents and overrides are written verbatim; the only
  derived data an export leaves out, the article vectors later clustering compares against, is
  recomputed (deterministic, so equal to the original). ``export -> import -> export`` gives the same
  articles, stories and overrides.
* **merge** (the store already holds other articles): the file's articles (metadata intact) and
  overrides are added and its articles left unprocessed, for ``storyline process`` to place them among
  the stories already there; another store's stories and entities cannot be pasted beside these.

Importing twice changes nothing (articles are stored once, records are upserts, an override already
stored with the same kind, arguments and time is not added again). A bad record is a :class:`Skipped`
naming ``file#line`` (jsonl) or ``file#/section/index`` (json) and the reason; the rest goes on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .codec import from_json
from .config import Settings
from .errors import InputError
from .records import Article, Assignment, CopyLink, Entity, Reading, Skipped, Story
from .store import Store
from .workflow import EXPORT_FORMAT, EXPORT_VERSION

#: Records written per store call (one transaction each).
CHUNK = 200

#: The record sections of an export, in the order :func:`storyline.workflow.export_document` writes them;
#: JSON Lines rows carry the singular as their ``type``.
SECTIONS = (
    ("articles", "article"), ("copies", "copy"), ("stories", "story"), ("assignments", "assignment"),
    ("readings", "reading"), ("entities", "entity"), ("overrides", "override"),
)  # fmt: skip
_KIND_OF = dict(SECTIONS)
DOC_KINDS = ("facts", "conflicts", "quote_groups", "timeline", "brief")


@dataclass
class ImportSummary:
    """What an import did. ``restored`` counts records written back by kind; ``pending`` are articles no
    story holds after the import (their assignment was not in the file, or the import merged)."""

    mode: str = "restore"  # "restore" | "merge"
    added: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    restored: dict[str, int] = field(default_factory=dict)
    overrides_added: int = 0
    vectors: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    def count(self, kind: str, n: int = 1) -> None:
        self.restored[kind] = self.restored.get(kind, 0) + n

    def text(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in self.restored.items() if n)
        return (
            f"{self.mode}: {len(self.added)} articles added, {len(self.present)} already present"
            + (f"; restored {kinds}" if kinds else "")
            + f"; {self.overrides_added} overrides added; {self.vectors} vectors computed; {len(self.skipped)} skipped"
            + (f"; {len(self.pending)} articles left to process" if self.pending else "")
        )


Row = tuple[str, str, Any]  # (source for messages, record kind, the JSON value)


# ---------------------------------------------------------------- reading the file


def read_export(path: Path) -> Iterator[Row]:
    """The records of an export file, json or jsonl (told apart by content, not by name), in file order.

    Raises InputError when the file is not a storyline export of a version this code reads.
    """
    if not path.is_file():
        raise InputError("no such file", item=str(path))
    with path.open("r", encoding="utf-8") as fh:
        first = fh.readline()
        try:
            head = json.loads(first)
        except json.JSONDecodeError:
            head = None
        if isinstance(head, dict) and head.get("type") == "header":
            _check_header(head, path)
            yield from _jsonl_rows(fh, path.name, start=2)
            return
        fh.seek(0)
        try:
            doc = json.load(fh)
        except json.JSONDecodeError as exc:
            hint = "a CSV export cannot be imported (it holds no readings or stories); export json or jsonl"
            raise InputError(f"not a storyline export: {exc}", item=str(path), hint=hint) from exc
    if not isinstance(doc, dict):
        raise InputError("not a storyline export: the JSON is not an object", item=str(path))
    _check_header(doc, path)
    yield from _json_rows(doc, path.name)


def _check_header(head: dict[str, Any], path: Path) -> None:
    if head.get("format") != EXPORT_FORMAT:
        raise InputError(f"not a storyline export (format {head.get('format')!r})", item=str(path),
                         hint="write one with `storyline export --format json|jsonl`")  # fmt: skip
    version = head.get("version")
    if not isinstance(version, int) or version > EXPORT_VERSION:
        raise InputError(f"export version {version!r} is newer than this storyline reads ({EXPORT_VERSION})",
                         item=str(path), hint="import it with the storyline version that wrote it")  # fmt: skip


def _jsonl_rows(fh: Any, name: str, *, start: int) -> Iterator[Row]:
    for n, line in enumerate(fh, start=start):
        if not line.strip():
            continue
        source = f"{name}#{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield source, "invalid", f"not JSON: {exc.msg}"
            continue
        if not isinstance(row, dict):
            yield source, "invalid", "not a JSON object"
            continue
        kind = row.pop("type", None)
        if kind == "story_doc":
            yield source, "story_doc", row
        elif kind in _KIND_OF.values():
            yield source, kind, row
        else:
            yield source, "invalid", f"unknown record type {kind!r}"


def _json_rows(doc: dict[str, Any], name: str) -> Iterator[Row]:
    for section, kind in SECTIONS:
        items = doc.get(section) or []
        if not isinstance(items, list):
            yield f"{name}#/{section}", "invalid", "not a list"
            continue
        for i, row in enumerate(items):
            yield f"{name}#/{section}/{i}", kind, row
    docs = doc.get("story_docs") or {}
    if not isinstance(docs, dict):
        yield f"{name}#/story_docs", "invalid", "not an object"
        return
    for story_id, by_kind in docs.items():
        if not isinstance(by_kind, dict):
            yield f"{name}#/story_docs/{story_id}", "invalid", "not an object"
            continue
        for kind, payload in by_kind.items():
            yield f"{name}#/story_docs/{story_id}/{kind}", "story_doc", {"story_id": story_id, "kind": kind, "payload": payload}


# ---------------------------------------------------------------- decoding one record


class BadRecord(Exception):
    """One record cannot be restored; its message is the reason reported."""


def _decode(cls: type, row: Any) -> Any:
    if not isinstance(row, dict):
        raise BadRecord("not a JSON object")
    try:
        return from_json(cls, row)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BadRecord(f"not a valid {cls.__name__}: {exc}") from exc


def decode_article(row: Any) -> Article:
    article: Article = _decode(Article, row)
    if not isinstance(article.id, str) or not article.id:
        raise BadRecord("no article id")
    if not isinstance(article.text, str) or not article.text.strip():
        raise BadRecord("no text")
    if article.id != Article.make_id(article.text, article.url):
        raise BadRecord("the id does not match the text and url (edited by hand?)")
    if article.published is not None and article.published.tzinfo is None:
        raise BadRecord("published has no time zone")
    return article


# ---------------------------------------------------------------- the import


class _Importer:
    """One pass over the records; the mode is decided when the articles section ends."""

    def __init__(self, store: Store, summary: ImportSummary, on_skip: Callable[[Skipped], None] | None) -> None:
        self.store = store
        self.summary = summary
        self.on_skip = on_skip
        self.stored = {a.id for a in store.iter_articles()}  # before this import
        self.file_articles: set[str] = set()
        self.pending_articles: list[Article] = []
        self.mode: str | None = None
        self.story_ids = {s.id for s in store.stories(include_merged=True)}
        self.buffers: dict[str, list[Any]] = {"copy": [], "story": [], "assignment": [], "reading": []}
        self.entities: list[Entity] = []
        self.entities_bad = False
        self.assigned: set[str] = set()
        self.overrides = {(o.kind, o.args, o.created_at) for o in store.overrides()}

    def skip(self, source: str, reason: str) -> None:
        item = Skipped(source, reason)
        self.summary.skipped.append(item)
        if self.on_skip:
            self.on_skip(item)

    # -- articles

    def article(self, source: str, row: Any) -> None:
        if self.mode is not None:
            self.skip(source, "article after the other records (the export writes articles first)")
            return
        article = decode_article(row)
        self.file_articles.add(article.id)
        self.pending_articles.append(article)
        if len(self.pending_articles) >= CHUNK:
            self.flush_articles()

    def flush_articles(self) -> None:
        if self.pending_articles:
            added, present = self.store.add_articles(self.pending_articles)
            self.summary.added += added
            self.summary.present += present
            self.pending_articles = []

    def decide(self) -> None:
        """Restore when the store holds nothing the file lacks; merge otherwise (see the module docstring)."""
        if self.mode is None:
            self.flush_articles()
            self.mode = "restore" if self.stored <= self.file_articles else "merge"
            self.summary.mode = self.mode

    # -- derived records (restore mode only)

    def known(self, article_id: Any) -> bool:
        return article_id in self.file_articles

    def derived(self, source: str, kind: str, row: Any) -> None:
        if kind == "copy":
            link: CopyLink = _decode(CopyLink, row)
            if not self.known(link.article_id):
                raise BadRecord(f"copy link of an article not in the file: {link.article_id}")
            self.buffer("copy", link)
        elif kind == "story":
            story: Story = _decode(Story, row)
            missing = [a for a in story.article_ids if not self.known(a)]
            if not story.id:
                raise BadRecord("no story id")
            if missing:
                raise BadRecord(f"story with articles not in the file: {', '.join(missing[:3])}")
            self.story_ids.add(story.id)
            self.buffer("story", story)
        elif kind == "assignment":
            assignment: Assignment = _decode(Assignment, row)
            if not self.known(assignment.article_id):
                raise BadRecord(f"assignment of an article not in the file: {assignment.article_id}")
            if assignment.story_id not in self.story_ids:
                raise BadRecord(f"assignment to a story not in the file: {assignment.story_id}")
            self.assigned.add(assignment.article_id)
            self.buffer("assignment", assignment)
        elif kind == "reading":
            reading: Reading = _decode(Reading, row)
            if not self.known(reading.article_id):
                raise BadRecord(f"reading of an article not in the file: {reading.article_id}")
            self.buffer("reading", reading)
        elif kind == "entity":
            try:
                self.entities.append(_decode(Entity, row))
            except BadRecord:
                self.entities_bad = True  # the table is then recomputed from the readings
                raise
        elif kind == "story_doc":
            self.story_doc(row)

    def buffer(self, kind: str, record: Any) -> None:
        self.buffers[kind].append(record)
        if len(self.buffers[kind]) >= CHUNK:
            self.flush(kind)

    def flush(self, kind: str) -> None:
        records, self.buffers[kind] = self.buffers[kind], []
        if not records:
            return
        write = {"copy": self.store.put_copies, "story": self.store.save_stories,
                 "assignment": self.store.put_assignments, "reading": self.store.put_readings}[kind]  # fmt: skip
        write(records)
        self.summary.count({"copy": "copies", "story": "stories", "assignment": "assignments", "reading": "readings"}[kind],
                           len(records))  # fmt: skip

    def story_doc(self, row: Any) -> None:
        if not isinstance(row, dict):
            raise BadRecord("not a JSON object")
        story_id, kind = row.get("story_id"), row.get("kind")
        if kind not in DOC_KINDS:
            raise BadRecord(f"unknown story document kind {kind!r}")
        if story_id not in self.story_ids:
            raise BadRecord(f"document of a story not in the file: {story_id}")
        self.flush("story")  # the story row first
        self.store.put_story_doc(story_id, kind, row.get("payload"))
        self.summary.count("story documents")

    # -- overrides (both modes)

    def override(self, row: Any) -> None:
        from .store import Override

        override: Override = _decode(Override, row)
        if not isinstance(override.kind, str) or not override.kind or not override.args:
            raise BadRecord("an override needs a kind and arguments")
        if override.created_at is None or override.created_at.tzinfo is None:
            raise BadRecord("an override needs its time (created_at, with a time zone)")
        key = (override.kind, tuple(override.args), override.created_at)
        if key in self.overrides:
            return
        self.store.add_override(override.kind, override.args, created_at=override.created_at)
        self.overrides.add(key)
        self.summary.overrides_added += 1

    # -- the pass

    def run(self, rows: Iterator[Row]) -> None:
        for source, kind, row in rows:
            try:
                if kind == "invalid":
                    raise BadRecord(str(row))
                if kind == "article":
                    self.article(source, row)
                    continue
                self.decide()
                if kind == "override":
                    self.override(row)
                elif self.mode == "restore":
                    self.derived(source, kind, row)
            except BadRecord as exc:
                self.skip(source, str(exc))
        self.decide()
        for kind in ("copy", "story", "assignment", "reading"):
            self.flush(kind)


def import_export(
    store: Store,
    path: str | Path,
    settings: Settings,
    *,
    embedder: Any | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> ImportSummary:
    """Read the export at ``path`` into ``store`` (see the module docstring for restore and merge).

    ``embedder`` recomputes the vectors of restored articles (default: the one the pipeline uses,
    :func:`storyline.stories.default_embedder`).
    """
    summary = ImportSummary()
    importer = _Importer(store, summary, on_skip)
    importer.run(read_export(Path(path)))
    if importer.mode == "restore":
        if importer.entities and not importer.entities_bad:
            store.put_entities(importer.entities)
            summary.count("entities", len(importer.entities))
        elif importer.assigned:  # no (usable) entity table in the file: recompute it from the readings
            from .read.catalog import refresh_entities

            summary.count("entities (recomputed)", len(refresh_entities(store)))
        summary.vectors = restore_vectors(store, settings, embedder, sorted(importer.assigned))
    assigned = set(store.assignments())
    summary.pending = [a for a in importer.file_articles if a not in assigned]
    return summary


def restore_vectors(store: Store, settings: Settings, embedder: Any | None, article_ids: list[str]) -> int:
    """Compute and store the vectors of ``article_ids`` that have none (an export does not carry them, and
    clustering new articles compares against them); a syndicated copy borrows its origin's, as in a run."""
    from .embed import EmbedStage
    from .pipeline import Batch
    from .stories import default_embedder

    if not article_ids:
        return 0
    embedder = embedder if embedder is not None else default_embedder(settings)
    have = store.get_embeddings(embedder.name, article_ids)
    todo = [a for a in article_ids if a not in have]
    if not todo:
        return 0
    stage = EmbedStage(embedder, have)
    links = {c.article_id: c for c in store.copies()}
    done = 0
    order = {a.id: n for n, a in enumerate(store.articles(ids=todo))}  # ingest order: origins before copies
    todo.sort(key=lambda a: order.get(a, 0))
    for start in range(0, len(todo), CHUNK):
        articles = tuple(store.articles(ids=todo[start : start + CHUNK]))
        batch = stage.run(Batch(articles=articles, copies={a.id: links[a.id] for a in articles if a.id in links}))
        fresh = {a.id: batch.embeddings[a.id] for a in articles if a.id in batch.embeddings}
        store.put_embeddings(embedder.name, fresh)
        done += len(fresh)
    return done


def backup(store: Store, dest: str | Path) -> Path:
    """A consistent copy of the database at ``dest`` (SQLite's online backup API; other backends raise
    a StoreError naming their own tool)."""
    store.backup(str(dest))
    return Path(dest)
