"""The web server command: serve."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    ConfigOption,
    DbOption,
    _console,
    _open,
    _settings,
    app,
    handle_errors,
)

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

    from ..web.app import create_app, settings_env
    from ..worker import WorkerProcess

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
