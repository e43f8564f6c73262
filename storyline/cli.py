"""The ``storyline`` command line: a thin adapter over :mod:`storyline.workflow`.

Errors from the library become one red line naming the item and the reason, and the exit code
the error's class carries (the table in :mod:`storyline.errors`): 0 everything went in, 1 some
inputs skipped, 2 nothing usable, 3 not found, 4 store error, 5 processing failed. Commands that
only read refuse a database that does not exist instead of creating an empty one; ``ingest``,
``watch`` and ``demo`` create theirs. Library chatter (model loading bars, warnings) stays quiet
unless ``--verbose``; progress names the stage that is running.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import Settings, load_settings
from .errors import EXIT_CODES, EXIT_NOTHING_USABLE, EXIT_OK, EXIT_PARTIAL, ConfigError, MissingDatabase, StorylineError
from .records import Skipped
from .store import Store, open_store

app = typer.Typer(
    name="storyline",
    help=(
        "Self-hosted news intelligence: ingest reports, trace copies, group them into stories, "
        "line the outlets up fact by fact and write cited briefs.\n\n"
        "Examples:\n\n"
        "  storyline demo\n\n"
        "  storyline ingest reports/ feeds/world.rss https://example.org/news/1 --db news.db\n\n"
        "  storyline stories --db news.db\n\n"
        "  storyline export --format json -o everything.json --db news.db\n\n"
        "Exit status: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items()) + "."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[str, typer.Option("--db", help="Database: a SQLite path or postgresql://... URL.", envvar="STORYLINE_DB")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="A storyline.toml settings file.")]
RunnerOption = Annotated[str, typer.Option("--runner", help="local (this process) or dask (workers).")]
SchedulerOption = Annotated[
    str | None, typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786); default: a local cluster.")
]
WorkersOption = Annotated[int, typer.Option("--workers", help="Worker processes of the local Dask cluster.", min=1)]


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 article``, ``2 articles`` (``many`` for irregular plurals: ``1 story``, ``2 stories``)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


#: Libraries whose warnings and progress bars a person running storyline does not need to see.
CHATTY = ("transformers", "sentence_transformers", "huggingface_hub", "torch", "spacy", "thinc", "dask",
          "distributed")  # fmt: skip


def quiet_libraries(verbose: bool) -> None:
    """Silence model-loading bars, library warnings and log noise unless ``verbose``.

    Environment switches are read when a library is imported (the CLI imports them later, lazily)
    and are inherited by Dask worker processes.
    """
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        return
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")  # transformers' "Loading weights" bar is a tqdm bar
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", module=rf"{name}(\.|$)")
    warnings.filterwarnings("ignore", message=r".*\[W\d{3}\]")  # spaCy's numbered warnings


@app.callback()
def main_options(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show library warnings, model loading and logs.")] = False,
) -> None:
    """Options for every command."""
    quiet_libraries(verbose)


def handle_errors(fn: F) -> F:
    """Turn storyline errors into a clear message and an exit code instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StorylineError as exc:
            _console(True).print("[red]error:[/red] " + _escape(str(exc)), soft_wrap=True)  # paths stay whole
            raise typer.Exit(exc.exit_code) from exc

    return wrapper  # type: ignore[return-value]


def _settings(db: str, config: Path | None) -> Settings:
    return load_settings(config, db=db)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _open(settings: Settings, *, create: bool = False) -> Store:
    """The store of ``settings.db``. Only commands that add articles pass ``create``: a read command
    pointed at a mistyped path must say so, not answer from a new, empty database."""
    db = settings.db
    is_file = "://" not in db and db != ":memory:"
    if is_file and not create and not Path(db).exists():
        raise MissingDatabase(
            "no such database", item=db,
            hint=f"run `storyline ingest FILES... --db {db}` (or `storyline demo`) first, or check --db / STORYLINE_DB",
        )  # fmt: skip
    return open_store(db)


#: What the progress bar says while each stage runs (stage names of the runners and ingest).
STAGE_LABELS = {"ingest": "reading inputs", "copies": "finding copies", "embed": "embedding", "read": "reading",
                "cluster": "clustering", "stories": "saving stories", "entities": "resolving entities",
                "briefs": "writing briefs"}  # fmt: skip
MODEL_STAGES = ("embed", "read")  # model stages: the pipeline loads both models before their first batch


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(), console=console, transient=True,
    )  # fmt: skip


def _stage_task(progress: Progress, label: str) -> Callable[[str, int, int | None], None]:
    """A progress task shown from the first moment, and the ``(stage, done, total)`` callback updating it."""
    task = progress.add_task(STAGE_LABELS.get(label, label), total=None, count="")
    seen: set[str] = set()

    def update(stage: str, done: int, total: int | None) -> None:
        description = STAGE_LABELS.get(stage, stage)
        if stage in MODEL_STAGES and not seen.intersection(MODEL_STAGES):  # the first batch loads every model first
            description = "loading models (MiniLM, spaCy), then " + description
        seen.add(stage)
        count = f"{done}/{total}" if total else (str(done) if done else "")
        progress.update(task, description=description, completed=done, total=total or None, count=count)

    return update


def ingest_exit_code(added: int, present: int, skipped: int) -> int:
    """0 everything went in, 1 some inputs skipped, 2 nothing usable (no article read at all)."""
    if added + present == 0:
        return EXIT_NOTHING_USABLE
    return EXIT_PARTIAL if skipped else EXIT_OK


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
    from . import workflow
    from .ingest.defaults import BatchDefaults

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
    from .runners.local import LocalRunner

    if kind == "local":
        if scheduler:
            raise ConfigError("--scheduler needs --runner dask", item=scheduler)
        yield LocalRunner(store, settings)
    elif kind == "dask":
        from .runners.dask import DaskRunner

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
    from .maintenance import failed_articles

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
    from .maintenance import clear_failures

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
    from .maintenance import delete_articles

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
    from . import workflow

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
    from .backup import import_export

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
    from .backup import backup as backup_store

    settings = _settings(db, config)
    with _open(settings) as store:
        backup_store(store, dest)
    _console(True).print(f"backed up {settings.db} to {dest}", markup=False)


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
    from .edits import ArticleEdit, edit_article, reprocess_article

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
    from .worker import run_worker

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
    from .watch import Watcher, WatchSettings, read_feed_list

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
    from .demo_run import run_demo

    console = _console()
    with _progress(console) as progress:
        run_demo(out, console, on_progress=_stage_task(progress, "ingest"), summary=process_summary)


# ---------------------------------------------------------------- stories


def _day(value: Any) -> str:
    return value.date().isoformat() if value else "—"


@app.command()
@handle_errors
def stories(
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, latest first.")] = 50,
    ids: Annotated[bool, typer.Option("--ids", help="Only the story ids, one a line (for scripts).")] = False,
) -> None:
    """List stories: title, articles, independent origins (copies never count twice), first/last date.

    Any command taking a story accepts its id or a unique prefix of it (story ids start with "s").
    """
    settings = _settings(db, config)
    with _open(settings) as store:
        rows = store.stories()
    if ids:
        sys.stdout.write("".join(f"{s.id}\n" for s in rows[:limit]))
        return
    table = Table(title=f"{len(rows)} stories" + (f" (latest {limit})" if len(rows) > limit else ""))
    table.add_column("id", no_wrap=True)  # whole, so it can be copied
    for col in ("title", "articles", "independent origins", "first", "last"):
        table.add_column(col, overflow="fold", no_wrap=col in ("first", "last"))
    for s in rows[:limit]:
        table.add_row(s.id, _escape(s.title), str(len(s.article_ids)), str(s.independent_origins), _day(s.first_published), _day(s.last_published))
    _console().print(table)


@app.command()
@handle_errors
def story(
    ref: Annotated[str, typer.Argument(help="Story id or unique id prefix (merged ids redirect).")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """One story: its members, the copy tree (what copies what) and why each article is in it."""
    from rich.text import Text
    from rich.tree import Tree

    from .stories import story_detail

    settings = _settings(db, config)
    console = _console()
    with _open(settings) as store:
        d = story_detail(store, ref)
    s = d.story
    console.print(f"[bold]{_escape(s.title)}[/bold]  {s.id}", markup=True, highlight=False)
    console.print(f"  {len(s.article_ids)} articles, {s.independent_origins} independent origins, "
                  f"{_day(s.first_published)} .. {_day(s.last_published)}")  # fmt: skip
    console.print(f"  {s.reason}", markup=False)
    by_id = {a.id: a for a in d.articles}
    table = Table(title="members")
    for col in ("article", "published", "outlet", "title", "copy of", "why here"):
        table.add_column(col, overflow="fold")
    for a in d.articles:
        link = d.copies.get(a.id)
        copy = f"{link.kind} {link.copy_of or link.credited_url}" if link else ""
        why = d.assignments[a.id].reason if a.id in d.assignments else ""
        table.add_row(a.id, _day(a.published), _escape(a.outlet or "—"), _escape(a.title or "—"), _escape(copy), _escape(why))
    console.print(table)
    tree = Tree(Text("copy tree (roots are independent origins)", style="bold"))

    def add(branch: Any, node: Any) -> None:
        if node.article_id in by_id:
            label = f"{node.article_id} {by_id[node.article_id].label}"
        else:
            label = f"(not in this story) {node.article_id or node.url}"
        if node.link is not None:
            label += f"  [{node.link.kind} {node.link.score:.2f}: {node.link.reason}]"
        sub = branch.add(Text(label))
        for child in node.children:
            add(sub, child)

    for root in d.tree:
        add(tree, root)
    console.print(tree)


@app.command()
@handle_errors
def merge(
    keep: Annotated[str, typer.Argument(help="The story to keep (id or prefix).")],
    other: Annotated[str, typer.Argument(help="The story merged into it; its id will redirect.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Merge two stories (an analyst override that later runs respect)."""
    from .stories import merge_stories

    settings = _settings(db, config)
    with _open(settings) as store:
        s = merge_stories(store, settings, keep, other)
    _console().print(f"merged into {s.id} ({len(s.article_ids)} articles): {s.title}", markup=False)


@app.command()
@handle_errors
def split(
    story_ref: Annotated[str, typer.Argument(metavar="STORY", help="The story to split (id or prefix).")],
    article_refs: Annotated[list[str], typer.Argument(metavar="ARTICLE...", help="Articles that leave it for a new story.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Move articles out of a story into a new one (an analyst override that later runs respect)."""
    from .stories import split_story

    settings = _settings(db, config)
    with _open(settings) as store:
        s = split_story(store, settings, story_ref, article_refs)
    _console().print(f"new story {s.id} with {len(s.article_ids)} articles: {s.title}", markup=False)

# ---------------------------------------------------------------- end of stories

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


@app.command()
@handle_errors
def entities(
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    label: Annotated[str | None, typer.Option(help="Only this label (PERSON, ORG, GPE, ...).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, most reported first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List the store-wide entities, most reported first."""
    from .codec import to_json

    settings = _settings(db, config)
    with _open(settings) as store:
        rows = [e for e in store.entities() if not label or e.label == label.upper()]
    rows.sort(key=lambda e: (-len(e.article_ids), e.name.casefold()))
    rows = rows[:limit]
    if as_json:
        for e in rows:
            sys.stdout.write(json.dumps(to_json(e), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} entities")
    for col in ("id", "label", "name", "aliases", "articles"):
        table.add_column(col, overflow="fold")
    for e in rows:
        table.add_row(e.id, e.label, _escape(e.name), _escape(", ".join(e.aliases[:6])), str(len(e.article_ids)))
    _console().print(table)


@app.command()
@handle_errors
def entity(
    name: Annotated[str, typer.Argument(help="Entity id, id prefix, name or alias.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """One entity: aliases, roles by outlet and date, and the articles that mention it."""
    from .read.catalog import entity_profile

    settings = _settings(db, config)
    console = _console()
    with _open(settings) as store:
        profile = entity_profile(store, name)
        e = profile.entity
        console.print(f"[bold]{_escape(e.name)}[/bold] ({e.label}) {e.id}")
        console.print(f"  aliases   {', '.join(e.aliases) or '—'}", markup=False)
        console.print(f"  mentions  {profile.mentions} in {len(e.article_ids)} articles; quoted {profile.quotes} times")
        if profile.roles:
            console.print("[bold]roles[/bold]")
            for r in profile.roles:
                when = r.published.date().isoformat() if r.published else "undated"
                console.print(f"  {when}  {r.outlet or '—'}: {'former ' if r.former else ''}{r.title}", markup=False)
        console.print("[bold]articles[/bold]")
        for a in store.articles(ids=list(e.article_ids)):
            when = a.published.date().isoformat() if a.published else "undated"
            console.print(f"  {a.id}  {when}  {a.outlet or '—'}: {a.title or '(untitled)'}", markup=False)


@app.command("entity-merge")
@handle_errors
def entity_merge(
    keep: Annotated[str, typer.Argument(help="The entity to keep (id, name or alias).")],
    other: Annotated[str, typer.Argument(help="The entity folded into it.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Merge two entities; the decision is stored and survives re-runs."""
    from .read.catalog import merge_entities

    settings = _settings(db, config)
    with _open(settings) as store:
        e = merge_entities(store, keep, other)
    _console().print(f"merged into {e.id} {e.name} (aliases: {', '.join(e.aliases)})", markup=False)


@app.command("entity-rename")
@handle_errors
def entity_rename(
    ref: Annotated[str, typer.Argument(help="Entity id, name or alias.")],
    name: Annotated[str, typer.Argument(help="The new canonical name.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Rename an entity; the old name stays an alias and the decision survives re-runs."""
    from .read.catalog import rename_entity

    settings = _settings(db, config)
    with _open(settings) as store:
        e = rename_entity(store, ref, name)
    _console().print(f"{e.id} is now {e.name}", markup=False)


# ---------------------------------------------------------------- briefs


@app.command()
@handle_errors
def brief(
    story: Annotated[str, typer.Argument(help="Story id or unique id prefix.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or json.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    refresh: Annotated[bool, typer.Option(help="Rebuild the brief from the stored articles instead of reusing it.")] = False,
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """A story's brief: agreed account, key facts, conflicts, quote versions, timeline, sources; every sentence cited.

    Example: storyline brief s48fc --format html -o brief.html   (an id, or a unique prefix, from `storyline stories`)
    """
    from .brief import brief_for, render_brief

    settings = _settings(db, config)
    with _open(settings) as store:
        text = render_brief(brief_for(store, story, refresh=refresh), fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        _console(True).print(f"wrote {output}")
    else:
        sys.stdout.write(text)


# ---------------------------------------------------------------- web


@app.command()
@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 exposes it to the network).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes; each builds its own app and store connection (one per core).")
    ] = 1,
    create: Annotated[
        bool, typer.Option("--create", help="Create the database if it does not exist (a server fed over HTTP ingest).")
    ] = False,
    worker: Annotated[
        bool, typer.Option(help="Start a worker process that runs the pipeline on what the server queues.")
    ] = True,
) -> None:
    """Serve the web UI and the JSON API (/api/v1; OpenAPI docs at /docs).

    Ingest over HTTP needs an API token: set STORYLINE_API_TOKEN (or api_token in storyline.toml).
    Example: storyline serve --port 8000 --db news.db --workers 2
    """
    import os

    import uvicorn

    from .web.app import create_app, settings_env

    from .worker import WorkerProcess

    settings = _settings(db, config)
    _open(settings, create=create).close()  # a mistyped --db is refused, not served empty
    _console(True).print(f"storyline: serving {settings.db} on http://{host}:{port} (API docs at /docs)"
                         + (f" with {workers} worker processes" if workers > 1 else ""))  # fmt: skip
    # The pipeline runs in one worker process beside the server(s), never in them (see storyline/worker.py).
    pipeline = WorkerProcess(settings).start() if worker else None
    try:
        if workers == 1:
            uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
            return
        # uvicorn starts workers from an import string; they read these exact settings from the environment.
        os.environ.update(settings_env(settings))
        uvicorn.run("storyline.web.app:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="info")
    finally:
        if pipeline is not None:
            pipeline.stop()


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
