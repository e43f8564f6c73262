"""What every command shares: the Typer app, options, console, error handling, progress and the store opener."""

from __future__ import annotations

import functools
import logging
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..config import Settings, load_settings
from ..errors import EXIT_CODES, EXIT_NOTHING_USABLE, EXIT_OK, EXIT_PARTIAL, MissingDatabase, StorylineError
from ..store import Store, open_store

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


