"""``storyline demo``: a fresh database, the built-in corpus, every stage, and what it found."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from . import workflow
from .config import load_settings
from .runners.local import LocalRunner
from .store import open_store


def run_demo(
    out: Path,
    console: Console,
    *,
    on_progress: Callable[[str, int, int | None], None] | None = None,
    summary: Callable[[Any], str] | None = None,
) -> Path:
    """Build ``out/storyline.db`` from the demo corpus; returns the database path.

    ``on_progress(stage, done, total)`` hears each stage as it starts (reading the corpus, the pipeline's
    stages); ``summary`` turns the pipeline's report into the line printed (default: its own summary).
    """
    from .demo import corpus_dir

    out.mkdir(parents=True, exist_ok=True)
    db = out / "storyline.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    settings = load_settings(db=str(db))
    with open_store(str(db)) as store:
        ingest_progress = (lambda done, total: on_progress("ingest", done, total)) if on_progress else None
        ingested = workflow.ingest(store, [str(corpus_dir())], settings, on_progress=ingest_progress)
        n = len(ingested.added)
        console.print(
            f"[bold]ingested[/bold] {n} article{'' if n == 1 else 's'} from {corpus_dir()} "
            f"({len(ingested.skipped)} skipped)"
        )
        for item in ingested.skipped:
            console.print(f"  skipped {item.source}: {item.reason}", markup=False)
        report = LocalRunner(store, settings).process(on_progress=on_progress)
        console.print(summary(report) if summary else report.summary())
        if on_progress:
            on_progress("briefs", 0, None)
        _print_stories(store, console)
        written = _write_briefs(store, out)
        export_path = out / "export.json"
        with export_path.open("w", encoding="utf-8") as fh:
            workflow.export(store, "json", fh)
    console.print(f"\n[bold]database[/bold] {db}\n[bold]export[/bold]   {export_path}")
    for path in written:
        console.print(f"[bold]brief[/bold]    {path}")
    console.print(f"\nnext: storyline stories --db {db}")
    return db


def _print_stories(store, console: Console) -> None:  # type: ignore[no-untyped-def]
    stories = store.stories()
    if not stories:
        return
    table = Table(title=f"{len(stories)} stories")
    for col in ("story", "title", "articles", "independent origins", "first", "last"):
        table.add_column(col, overflow="fold")
    for s in stories:
        table.add_row(
            s.id, s.title, str(len(s.article_ids)), str(s.independent_origins),
            s.first_published.date().isoformat() if s.first_published else "—",
            s.last_published.date().isoformat() if s.last_published else "—",
        )  # fmt: skip
    console.print(table)


def _write_briefs(store, out: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """Write every story's stored brief (Markdown, HTML, JSON) to ``out/briefs``."""
    from .brief import write_brief_files

    return list(write_brief_files(store, out / "briefs"))
