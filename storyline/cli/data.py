"""Commands that show, export and restore what is stored: show, export, import, backup."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..store import Store
from .common import (
    ConfigOption,
    DbOption,
    _console,
    _escape,
    _open,
    _settings,
    app,
    handle_errors,
    plural,
)
from .pipeline import _process


@app.command()
@handle_errors
def show(
    article: Annotated[str, typer.Argument(help="Article id, id prefix or external id.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    full: Annotated[bool, typer.Option(help="Print the whole text.")] = False,
) -> None:
    """Show one article: metadata, text and what the pipeline found in it."""
    settings = _settings(db, config)
    console = _console()
    with _open(settings) as store:
        a = store.get_article(article)
        console.print(f"[bold]{_escape(a.title or '(untitled)')}[/bold]")
        for key in ("id", "external_id", "outlet", "url", "author", "published", "language", "source", "ingested_at"):
            value = getattr(a, key)
            if value:
                console.print(f"  {key:12} {value}", markup=False)
        text = a.text if full or len(a.text) < 1200 else a.text[:1200] + " …"
        console.print()
        console.print(text, markup=False)
        show_reading(console, store, a)
        # --- stories ---
        assignment = store.assignments().get(a.id)
        if assignment:
            console.print(f"\n[bold]story[/bold] {assignment.story_id}: {_escape(assignment.reason)}")
        copy = next((c for c in store.copies() if c.article_id == a.id), None)
        if copy:
            console.print(f"[bold]{copy.kind} copy of[/bold] {_escape(copy.copy_of or copy.credited_url or '')} ({copy.score:.2f}): "
                          f"{_escape(copy.reason)}")


@app.command()
@handle_errors
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, jsonl or csv.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Export everything stored (shape documented in docs/export.md)."""
    from .. import workflow

    settings = _settings(db, config)
    with _open(settings) as store:
        if output:
            with output.open("w", encoding="utf-8", newline="") as fh:
                n = workflow.export(store, fmt, fh)
            _console(True).print(f"wrote {plural(n, 'article')} to {output}")
        else:
            workflow.export(store, fmt, sys.stdout)


@app.command("import")
@handle_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A `storyline export --format json` or `--format jsonl` file.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    process: Annotated[bool, typer.Option(help="Run the pipeline on imported articles that no story holds.")] = True,
) -> None:
    """Restore an export: articles with their ids and metadata, stories, readings, entities, briefs and every
    analyst override. Importing twice duplicates nothing; bad records are skipped with file#record and reason.

    Example: storyline export -f jsonl -o all.jsonl && storyline import all.jsonl --db fresh.db
    """
    from ..backup import import_export

    settings = _settings(db, config)
    console = _console()
    with _open(settings, create=True) as store:
        summary = import_export(store, file, settings,
                                on_skip=lambda s: console.print(f"[yellow]skipped[/yellow] {_escape(s.source)}: {_escape(s.reason)}", markup=True))  # fmt: skip
        console.print(summary.text(), markup=False)
    if process and summary.pending:
        _process(settings, console)


@app.command()
@handle_errors
def backup(
    dest: Annotated[Path, typer.Argument(help="The backup file to create (it must not exist).")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Copy a SQLite database while it is in use (SQLite's online backup). For PostgreSQL use pg_dump.

    Example: storyline backup backups/news-2026-03-22.db --db news.db
    """
    from ..backup import backup as backup_store

    settings = _settings(db, config)
    with _open(settings) as store:
        backup_store(store, dest)
    _console(True).print(f"backed up {settings.db} to {dest}", markup=False)


# ---------------------------------------------------------------- entities


def show_reading(console: Console, store: Store, article: Any) -> None:
    """What the reader found in one article (used by ``show``)."""
    reading = store.readings([article.id]).get(article.id)
    if reading is None:
        console.print("\n[dim]not read yet: run `storyline process`[/dim]")
        return
    text = article.text
    console.print("\n[bold]entities[/bold]")
    counts: dict[str, int] = {}
    for m in reading.mentions:
        counts[m.entity] = counts.get(m.entity, 0) + 1
    for e in sorted(reading.entities, key=lambda e: -counts.get(e.key, 0)):
        aliases = f" (also {', '.join(e.aliases)})" if e.aliases else ""
        console.print(f"  {e.label:7} {e.name}{aliases} ×{counts.get(e.key, 0)}", markup=False)
    if reading.roles:
        console.print("[bold]roles[/bold]")
        for r in reading.roles:
            console.print(f"  {r.entity}: {'former ' if r.former else ''}{r.title} [{r.start}:{r.end}]", markup=False)
    if reading.quotes:
        console.print("[bold]quotes[/bold]")
        for q in reading.quotes:
            console.print(f"  {q.speaker or '?'} ({q.kind}, {q.cue or 'no cue'}) [{q.start}:{q.end}]: “{q.text}”", markup=False)
    if reading.dates:
        console.print("[bold]dates[/bold]" + (" (inferred publication window)" if reading.published_window else ""))
        for d in reading.dates:
            flag = " inferred" if d.inferred else ""
            console.print(f"  {d.text!r} -> {d.value.isoformat()} ({d.granularity}{flag}) [{d.start}:{d.end}]", markup=False)
    if reading.amounts:
        console.print("[bold]amounts[/bold]")
        for x in reading.amounts:
            console.print(f"  {text[x.start:x.end]!r} = {x.value:g}{' ' + x.unit if x.unit else ''}"
                          f"{' of ' + x.counts if x.counts else ''} [{x.start}:{x.end}]", markup=False)
    if reading.places:
        events = sorted({p.name for p in reading.places if p.event_location})
        others = sorted({p.name for p in reading.places if not p.event_location} - set(events))
        console.print("[bold]places[/bold]")
        console.print(f"  event: {', '.join(events) or '—'}; mentioned: {', '.join(others) or '—'}", markup=False)
