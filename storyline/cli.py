"""The ``storyline`` command line: a thin adapter over :mod:`storyline.workflow`.

Errors from the library become one red line naming the item and the reason, and
an exit code: 1 for storyline errors, 3 when a record is not found.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import Settings, load_settings
from .errors import NotFound, StorylineError
from .records import Skipped
from .store import Store, open_store

app = typer.Typer(
    name="storyline",
    help=(
        "Self-hosted news intelligence: ingest reports, trace copies, group them into stories, "
        "line the outlets up fact by fact and write cited briefs.\n\n"
        "Examples:\n\n"
        "  storyline demo\n\n"
        "  storyline ingest reports/ feeds/world.rss https://example.org/news/1\n\n"
        "  storyline stories\n\n"
        "  storyline export --format json -o everything.json"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[str, typer.Option("--db", help="Database: a SQLite path or postgresql://... URL.", envvar="STORYLINE_DB")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="A storyline.toml settings file.")]


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)


def handle_errors(fn: F) -> F:
    """Turn storyline errors into a clear message and an exit code instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NotFound as exc:
            _console(True).print(f"[red]error:[/red] {exc}")
            raise typer.Exit(3) from exc
        except StorylineError as exc:
            _console(True).print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


def _settings(db: str, config: Path | None) -> Settings:
    return load_settings(config, db=db)


def _open(settings: Settings) -> Store:
    return open_store(settings.db)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    )  # fmt: skip


# ---------------------------------------------------------------- ingest and articles


@app.command()
@handle_errors
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, globs, feed files, URLs or files of URLs.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    process: Annotated[bool, typer.Option(help="Run the pipeline (copies, reading, stories, briefs) on new articles.")] = True,
) -> None:
    """Ingest articles (.txt .md .html .json .jsonl, RSS/Atom, URLs) and process what is new.

    Example: storyline ingest reports/ world.rss https://example.org/a.html
    """
    from . import workflow

    settings = _settings(db, config)
    console = _console()
    with _open(settings) as store, _progress(console) as progress:
        task = progress.add_task("ingesting", total=None)

        def on_progress(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        def on_skip(item: Skipped) -> None:
            progress.console.print(f"[yellow]skipped[/yellow] {item.source}: {item.reason}")

        summary = workflow.ingest(store, inputs, settings, on_progress=on_progress, on_skip=on_skip)
    console.print(
        f"[green]{len(summary.added)} added[/green], {len(summary.present)} already present, "
        f"[yellow]{len(summary.skipped)} skipped[/yellow]"
    )
    for item in summary.skipped:
        console.print(f"  skipped {item.source}: {item.reason}")
    if process and summary.added:
        _process(settings, console)


def _process(settings: Settings, console: Console) -> None:
    from .runners.local import LocalRunner

    with _open(settings) as store, _progress(console) as progress:
        task = progress.add_task("processing", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        report = LocalRunner(store, settings).process(on_progress=on_progress)
    console.print(report.summary())


@app.command()
@handle_errors
def process(db: DbOption = "storyline.db", config: ConfigOption = None) -> None:
    """Run the pipeline over stored articles not yet processed (ingest does this by default)."""
    settings = _settings(db, config)
    _process(settings, _console())


@app.command()
@handle_errors
def articles(
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option(help="How many rows.")] = 50,
    offset: int = 0,
) -> None:
    """List stored articles as a table."""
    settings = _settings(db, config)
    with _open(settings) as store:
        rows = store.articles(limit=limit, offset=offset)
        total = store.count_articles()
    table = Table(title=f"articles {offset + 1}-{offset + len(rows)} of {total}")
    for col in ("id", "published", "outlet", "title", "ext id"):
        table.add_column(col, overflow="fold")
    for a in rows:
        table.add_row(a.id, a.published.date().isoformat() if a.published else "—", a.outlet or "—", a.title or "—", a.external_id or "")
    _console().print(table)


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
        console.print(f"[bold]{a.title or '(untitled)'}[/bold]")
        for key in ("id", "external_id", "outlet", "url", "author", "published", "language", "source", "ingested_at"):
            value = getattr(a, key)
            if value:
                console.print(f"  {key:12} {value}")
        text = a.text if full or len(a.text) < 1200 else a.text[:1200] + " …"
        console.print()
        console.print(text, markup=False)
        # --- reading (issue 4) --- show_reading(console, store, a)
        # --- stories (issue 3) ---
        assignment = store.assignments().get(a.id)
        if assignment:
            console.print(f"\n[bold]story[/bold] {assignment.story_id}: {assignment.reason}")
        copy = next((c for c in store.copies() if c.article_id == a.id), None)
        if copy:
            console.print(f"[bold]{copy.kind} copy of[/bold] {copy.copy_of or copy.credited_url} ({copy.score:.2f}): {copy.reason}")


@app.command()
@handle_errors
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, jsonl or csv.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Export everything stored (shape documented in docs/export.md)."""
    from . import workflow

    settings = _settings(db, config)
    with _open(settings) as store:
        if output:
            with output.open("w", encoding="utf-8", newline="") as fh:
                n = workflow.export(store, fmt, fh)
            _console(True).print(f"wrote {n} articles to {output}")
        else:
            workflow.export(store, fmt, sys.stdout)


# ---------------------------------------------------------------- demo


@app.command()
@handle_errors
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo database and briefs.")] = Path("out/demo"),
) -> None:
    """Fresh database, ingest the built-in demo corpus, run every stage, print what was found."""
    from .demo_run import run_demo

    run_demo(out, _console())


# ---------------------------------------------------------------- stories (issue 3)

# ---------------------------------------------------------------- entities (issue 4)

# ---------------------------------------------------------------- briefs (issue 5)

# ---------------------------------------------------------------- web (issue 6)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
