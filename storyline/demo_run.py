"""``storyline demo``: a fresh database, the built-in corpus, every stage, and what it found."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import workflow
from .config import load_settings
from .runners.local import LocalRunner
from .store import open_store


def run_demo(out: Path, console: Console) -> Path:
    """Build ``out/storyline.db`` from the demo corpus; returns the database path."""
    from .demo import corpus_dir

    out.mkdir(parents=True, exist_ok=True)
    db = out / "storyline.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    settings = load_settings(db=str(db))
    with open_store(str(db)) as store:
        summary = workflow.ingest(store, [str(corpus_dir())], settings)
        console.print(
            f"[bold]ingested[/bold] {len(summary.added)} articles from {corpus_dir()} "
            f"({len(summary.skipped)} skipped)"
        )
        for item in summary.skipped:
            console.print(f"  skipped {item.source}: {item.reason}")
        report = LocalRunner(store, settings).process()
        console.print(report.summary())
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
