"""Commands that add and process articles: ingest, process, articles, retry, delete, edit, worker, watch, demo."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..config import Settings, load_settings
from ..errors import EXIT_NOTHING_USABLE, ConfigError
from ..records import Skipped
from ..store import Store
from .common import (
    ConfigOption,
    DbOption,
    RunnerOption,
    SchedulerOption,
    WorkersOption,
    _console,
    _escape,
    _open,
    _progress,
    _settings,
    _stage_task,
    app,
    handle_errors,
    ingest_exit_code,
    plural,
)

# ---------------------------------------------------------------- ingest and articles


@app.command()
@handle_errors
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, globs, feed files, URLs or files of URLs.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    process: Annotated[bool, typer.Option(help="Run the pipeline (copies, reading, stories, briefs) on every pending article.")] = True,
    runner: RunnerOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
    follow_links: Annotated[bool, typer.Option(help="Follow symbolic links that lead out of a walked folder.")] = False,
    outlet: Annotated[str | None, typer.Option(help="Outlet of the articles that name none (front matter wins).")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date or time (ISO 8601, naive = UTC) of the articles that give none (front matter wins).")] = None,
) -> None:
    """Ingest articles (.txt .md .html .json .jsonl, RSS/Atom, URLs) and process every pending article.

    Pending is whatever no earlier run finished: new articles, and those of an interrupted run.
    An article without a publication date is named with a warning: its relative dates ("on Wednesday")
    stay unresolved until it gets one (--published here, or later storyline edit ARTICLE --published ...).

    Example: storyline ingest reports/ world.rss https://example.org/a.html --db news.db

    A batch of plain files from one outlet and day: storyline ingest notes/*.txt --outlet "Harbor Ledger" --published 2025-04-03

    On a Dask cluster (reading, embedding and extraction on workers; without --scheduler a local cluster):
    storyline ingest --runner dask --scheduler tcp://10.0.0.5:8786 reports/

    Exit status: 0 everything went in, 1 some inputs were skipped (each is printed with its reason),
    2 nothing usable (no article could be read).
    """
    from .. import workflow
    from ..ingest.defaults import BatchDefaults

    settings = load_settings(config, db=db, follow_links=follow_links or None)
    defaults = BatchDefaults.parse(outlet=outlet, published=published)
    console = _console()
    shown: set[tuple[str, str]] = set()

    def show_skip(item: Skipped) -> None:
        if (item.source, item.reason) not in shown:  # each skip once, as it happens
            shown.add((item.source, item.reason))
            console.print(f"[yellow]skipped[/yellow] {_escape(item.source)}: {_escape(item.reason)}", soft_wrap=True)

    with _open(settings, create=True) as store, _runner(store, settings, runner, scheduler, workers) as run:
        with _progress(console) as progress:
            update = _stage_task(progress, "ingest")

            def on_progress(done: int, total: int | None) -> None:
                update("ingest", done, total)

            if hasattr(run, "ingest"):  # the Dask runner reads the inputs on its workers
                summary = run.ingest(inputs, on_progress=on_progress, on_skip=show_skip, defaults=defaults)
            else:
                summary = workflow.ingest(store, inputs, settings, on_progress=on_progress, on_skip=show_skip,
                                          allow_private=True, defaults=defaults)  # fmt: skip
        for item in summary.skipped:  # any a runner did not report as it went
            show_skip(item)
        _warn_undated(console, store, summary.added)
        added, present, skipped = len(summary.added), len(summary.present), len(summary.skipped)
        line = f"[green]{plural(added, 'article')} added[/green], {present} already present, {skipped} skipped"
        # also what an interrupted run left, even when every input was stored before
        report = _run(run, console, quiet=True) if process else None
        console.print(line + (f"; {process_summary(report)}" if report is not None else ""))
    code = ingest_exit_code(added, present, skipped)
    if code == EXIT_NOTHING_USABLE:
        _console(True).print("[red]nothing usable:[/red] no article could be read from the inputs")
    raise typer.Exit(code)


def _warn_undated(console: Console, store: Store, added: Sequence[str]) -> None:
    """One warning per newly added article without a publication date, naming its file or URL."""
    for article in store.articles(ids=list(added)) if added else []:
        if article.published is None:
            console.print(
                f"[yellow]no date[/yellow] {_escape(article.source or article.id)}: no publication date, so relative "
                f"dates (\"on Wednesday\", \"yesterday\") stay unresolved or only estimated from full dates in the "
                f"text; give one with: storyline edit {article.id} --published YYYY-MM-DD",
                soft_wrap=True,
            )


@contextlib.contextmanager
def _runner(store: Store, settings: Settings, kind: str, scheduler: str | None, workers: int) -> Iterator[Any]:
    """The runner named by --runner, closed (its Dask cluster stopped) on the way out."""
    from ..runners.local import LocalRunner

    if kind == "local":
        if scheduler:
            raise ConfigError("--scheduler needs --runner dask", item=scheduler)
        yield LocalRunner(store, settings)
    elif kind == "dask":
        from ..runners.dask import DaskRunner

        with DaskRunner(store, settings, scheduler=scheduler, workers=workers) as dask_runner:
            yield dask_runner
    else:
        raise ConfigError(f"unknown runner {kind!r}", hint="use --runner local or --runner dask")


def process_summary(report: Any) -> str:
    """One line on what a pipeline run did, with correct plurals."""
    briefs = plural(report.briefs, "brief") + (f" ({report.briefs_deferred} deferred)" if report.briefs_deferred else "")
    return (f"processed {plural(report.articles, 'article')} in {report.seconds:.1f} s: "
            f"{plural(report.copies, 'copy', 'copies')}, {plural(report.stories_touched, 'story', 'stories')} touched "
            f"({report.stories_total} in all), {plural(report.entities, 'entity', 'entities')}, {briefs}")  # fmt: skip


def _run(run: Any, console: Console, *, quiet: bool = False) -> Any:
    """Run the pipeline with a progress bar naming each stage; print its summary unless ``quiet``."""
    with _progress(console) as progress:
        report = run.process(on_progress=_stage_task(progress, "copies"))
    if not quiet:
        console.print(process_summary(report))
    return report


def _process(settings: Settings, console: Console, runner: str = "local", scheduler: str | None = None, workers: int = 2) -> None:
    with _open(settings) as store, _runner(store, settings, runner, scheduler, workers) as run:
        _run(run, console)


@app.command()
@handle_errors
def process(
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    runner: RunnerOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Run the pipeline over stored articles not yet processed (ingest does this by default)."""
    settings = _settings(db, config)
    _process(settings, _console(), runner, scheduler, workers)


@app.command()
@handle_errors
def articles(
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option(help="How many rows.")] = 50,
    offset: int = 0,
    failed: Annotated[bool, typer.Option("--failed", help="Only articles whose processing failed, with the reason.")] = False,
) -> None:
    """List stored articles as a table (--failed: those processing skips, and why)."""
    settings = _settings(db, config)
    if failed:
        _failed_table(settings)
        return
    with _open(settings) as store:
        rows = store.articles(limit=limit, offset=offset)
        total = store.count_articles()
    table = Table(title=f"articles {offset + 1}-{offset + len(rows)} of {total}")
    for col in ("id", "published", "outlet", "title", "ext id"):
        table.add_column(col, overflow="fold")
    for a in rows:
        table.add_row(a.id, a.published.date().isoformat() if a.published else "—", _escape(a.outlet or "—"), _escape(a.title or "—"),
                      _escape(a.external_id or ""))
    _console().print(table)


def _failed_table(settings: Settings) -> None:
    from ..maintenance import failed_articles

    with _open(settings) as store:
        rows = failed_articles(store)
    table = Table(title=f"{len(rows)} failed articles" + (" (`storyline retry` processes them again)" if rows else ""))
    for col in ("id", "title", "failed", "stage", "reason"):
        table.add_column(col, overflow="fold")
    for row in rows:
        a, f = row.article, row.failure
        table.add_row(a.id, _escape(a.title or "—"), f.failed_at.isoformat(timespec="seconds"), f.stage, _escape(f.reason))
    _console().print(table)


@app.command()
@handle_errors
def retry(
    article_refs: Annotated[
        list[str] | None, typer.Argument(metavar="[ARTICLE...]", help="Failed articles (default: every failed one).")
    ] = None,
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    runner: RunnerOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Clear the failed mark of articles and process them again (one that fails again is marked again)."""
    from ..maintenance import clear_failures

    settings = _settings(db, config)
    console = _console()
    with _open(settings) as store:
        ids = clear_failures(store, article_refs or None)
    console.print(f"{len(ids)} articles to process again" + (f": {', '.join(ids)}" if 0 < len(ids) <= 10 else ""))
    _process(settings, console, runner, scheduler, workers)


@app.command()
@handle_errors
def delete(
    article_refs: Annotated[list[str], typer.Argument(metavar="ARTICLE...", help="Article ids, id prefixes or external ids.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Delete articles and everything derived from them (reading, vectors, copy links, story membership, entity
    mentions); a story left empty is removed, the briefs of the others are rebuilt by the next run."""
    from ..maintenance import delete_articles

    settings = _settings(db, config)
    with _open(settings) as store:
        done = delete_articles(store, article_refs)
    console = _console()
    console.print(f"deleted {len(done.articles)} articles: {', '.join(done.articles)}")
    if done.stories_removed:
        console.print(f"  removed {len(done.stories_removed)} stories left empty: {', '.join(done.stories_removed)}")
    if done.stories_changed:
        console.print(f"  {len(done.stories_changed)} stories changed (briefs marked stale): {', '.join(done.stories_changed)}")
    if done.copies_unlinked:
        console.print(f"  {len(done.copies_unlinked)} copies of them are originals now: {', '.join(done.copies_unlinked)}")


@app.command()
@handle_errors
def edit(
    article: Annotated[str, typer.Argument(help="Article id, id prefix or external id.")],
    published: Annotated[str | None, typer.Option(help="ISO 8601 date or time (naive means UTC); 'none' clears it.")] = None,
    outlet: Annotated[str | None, typer.Option(help="The outlet name; '' clears it.")] = None,
    title: Annotated[str | None, typer.Option(help="The headline; '' clears it.")] = None,
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Fix an article's metadata and re-run what depends on it (its reading, its story, the stories' briefs).

    The article keeps its id. Example: storyline edit a3f2 --published 2026-03-18T09:00+01:00 --outlet "Harbor Ledger"
    """
    from ..edits import ArticleEdit, edit_article, reprocess_article

    settings = _settings(db, config)
    change = ArticleEdit.parse(published=published, outlet=outlet, title=title)
    with _open(settings) as store, store.pipeline_lock():  # re-reads and re-places it: one run per database
        updated = edit_article(store, article, change)
        report = reprocess_article(store, settings, updated.id)
    _console().print(f"{updated.id}: {report.text()}", markup=False)


@app.command()
@handle_errors
def worker(
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    once: Annotated[bool, typer.Option("--once", help="Do what is queued (and pending) once and exit.")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between two looks at the queue.", min=0.05)] = 0.5,
) -> None:
    """Process what the web server queues (new articles, edited articles) in this process.

    `storyline serve` starts one by default; run one yourself with `storyline serve --no-worker`.
    """
    from ..worker import run_worker

    settings = _settings(db, config)
    done = run_worker(settings, poll=poll, once=once)
    _console(True).print(f"worker stopped after {done} jobs")


# ---------------------------------------------------------------- watch


@app.command()
@handle_errors
def watch(
    feeds: Annotated[Path, typer.Argument(help="An OPML file, or a text file with one feed URL a line.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    interval: Annotated[float, typer.Option(help="Seconds between two polls of a feed.", min=1)] = 900.0,
    min_host_delay: Annotated[float, typer.Option(help="Seconds between two requests to one host.", min=0)] = 2.0,
    max_backoff: Annotated[float, typer.Option(help="Longest wait in seconds after failures.", min=1)] = 21600.0,
    once: Annotated[bool, typer.Option("--once", help="Poll what is due once and exit (for cron and tests).")] = False,
    process: Annotated[bool, typer.Option(help="Run the pipeline over new articles after each cycle.")] = True,
) -> None:
    """Poll RSS/Atom feeds (conditional GET, polite per host, backoff on errors); ingest and process what is new.

    Safe to kill: feed state lives in the database, and a restart resumes without losing or duplicating.

    Example: storyline watch feeds.opml --interval 600
    """
    from ..watch import Watcher, WatchSettings, read_feed_list

    settings = _settings(db, config)
    console = _console()
    urls = read_feed_list(feeds)
    timing = WatchSettings(interval=interval, min_host_delay=min_host_delay, max_backoff=max(max_backoff, interval),
                           process=process)  # fmt: skip
    console.print(f"watching {len(urls)} feeds every {interval:g}s" + (" (one cycle)" if once else "; Ctrl-C stops"))
    with _open(settings, create=True) as store:
        watcher = Watcher(store, settings, urls, timing)

        def on_cycle(report: Any) -> None:
            for r in report.polled:
                if r.error:
                    console.print(f"[yellow]failed[/yellow] {_escape(r.url)}: {_escape(str(r.error))}")
            console.print(report.summary())

        try:
            watcher.run(once=once, on_cycle=on_cycle)
        except KeyboardInterrupt:
            console.print("stopped; the next start resumes where this one left off")


# ---------------------------------------------------------------- demo


@app.command()
@handle_errors
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo database and briefs.")] = Path("out/demo"),
) -> None:
    """Fresh database, ingest the built-in demo corpus, run every stage, print what was found."""
    from ..demo_run import run_demo

    console = _console()
    with _progress(console) as progress:
        run_demo(out, console, on_progress=_stage_task(progress, "ingest"), summary=process_summary)
