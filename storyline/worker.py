"""The worker process: runs the pipeline for the web server, so that the server never does.

Why a process of its own: a pipeline run is seconds to minutes of CPU-bound Python (spaCy, MiniLM,
clustering). In the server's threads it holds the GIL that every request needs; reads measured 2-3 ms
went to a p95 of 651 ms and a maximum of 41 s while an HTTP ingest was processed. The server now only
stores what it is sent and queues a job in the store (:meth:`Store.enqueue`); :class:`Worker` drains
the queue in another process:

* ``process``: the pipeline over every stored article no story holds yet (:class:`LocalRunner`);
* ``reprocess``: one edited article (:func:`storyline.edits.reprocess_article`).

The queue lives in the database, so it survives restarts, and a worker started later (``storyline
worker``) finds what was queued. A job is removed only after it ran; one that fails is logged and
removed (the articles stay stored and unprocessed; the next ``process`` job or ``storyline process``
retries them), so a bad job cannot keep the worker busy forever. Models are loaded once per worker.

``storyline serve`` starts one :class:`WorkerProcess` (``python -m storyline.worker``) next to the
server and stops it on shutdown; it restarts the worker if it dies. One pipeline run per database at a time:
the worker holds the store's pipeline lock while it runs a job (:mod:`storyline.store.pipeline_lock`); while
another process holds it (``storyline process``, a second worker) the jobs wait in the queue.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from typing import Any

from .config import Settings
from .errors import PipelineBusy
from .store import Job, Store, open_store

log = logging.getLogger(__name__)

#: Seconds between two looks at the queue when it is empty: the delay before queued work starts.
POLL_SECONDS = 0.5
#: Environment variable carrying the server's resolved settings to the worker process it starts.
SETTINGS_ENV = "STORYLINE_WORKER_SETTINGS"
#: Restart delays after the worker process dies (doubling up to the last).
RESTART_DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0)
#: Seconds a stopping worker gets to finish its batch before it is killed (every batch is committed whole).
STOP_GRACE = 10.0
#: Scheduling priority the worker lowers itself by (``nice``): on a machine with few cores the server's
#: requests come first and the worker takes the CPU they leave. Chosen with bench/bench_serve_load.py.
NICENESS = 10


class Worker:
    """Drains the store's job queue (see the module docstring). ``run`` returns when ``stop`` is set, when
    ``once`` is given and the queue was drained once, or when the process that started it is gone."""

    def __init__(self, settings: Settings, *, poll: float = POLL_SECONDS, embedder: Any | None = None,
                 reader: Any | None = None, parent_pid: int | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.poll = poll
        self._embedder = embedder
        self._reader = reader
        self.parent_pid = parent_pid
        self.stop = threading.Event()
        self.jobs_done = 0
        self._busy_since: float | None = None  # when the pipeline lock was first found held by another process

    # models, loaded on first use and kept for the worker's life
    def embedder(self) -> Any:
        if self._embedder is None:
            from .stories import default_embedder

            self._embedder = default_embedder(self.settings)
        return self._embedder

    def reader(self) -> Any:
        if self._reader is None:
            from .read.stage import ReadStage

            self._reader = ReadStage(self.settings)
        return self._reader

    def run(self, *, once: bool = False) -> None:
        store = open_store(self.settings.db)
        try:
            self.step(store, startup=True)  # what was queued or left unprocessed while no worker ran
            while not once and not self.stop.is_set() and self._parent_alive():
                if not self.step(store):
                    self.stop.wait(self.poll)
        finally:
            store.close()

    def _parent_alive(self) -> bool:
        return self.parent_pid is None or os.getppid() == self.parent_pid

    def step(self, store: Store, *, startup: bool = False) -> bool:
        """Run what is queued now; returns whether there was anything. While another process runs the pipeline
        on the database (``storyline process``), the jobs stay queued and are run once it has finished."""
        if not startup and not store.jobs(limit=1):
            return False
        try:
            with store.pipeline_lock():
                self._busy_since = None
                return self._step(store, startup=startup)
        except PipelineBusy as busy:
            if self._busy_since is None:
                self._busy_since = time.monotonic()
                log.info("worker: waiting: %s", busy.message)
            return False

    def _step(self, store: Store, *, startup: bool) -> bool:
        jobs = store.jobs()
        if not jobs and not startup:
            return False
        if startup or any(j.kind == "process" for j in jobs):
            self._guard("process", lambda: self.process(store))
        for job in jobs:
            if job.kind == "reprocess":
                self._guard(f"reprocess {job.args[:1]}", lambda job=job: self.reprocess(store, job))  # type: ignore[misc]
            elif job.kind != "process":
                log.warning("unknown job kind %r dropped", job.kind)
        if jobs:
            store.finish_jobs([j.id for j in jobs])
            self.jobs_done += len(jobs)
        return bool(jobs)

    @staticmethod
    def _guard(what: str, fn: Any) -> None:
        try:
            fn()
        except Exception:  # noqa: BLE001 - one failed job must not stop the worker (see the module docstring)
            log.exception("worker: %s failed; the articles stay stored (`storyline process` retries)", what)

    def process(self, store: Store) -> None:
        from .runners.local import LocalRunner

        runner = LocalRunner(store, self.settings, embedder=self.embedder())
        runner._read_stage = self.reader()  # the worker's loaded spaCy pipeline, not one per run
        if not runner.pending():
            return
        report = runner.process()
        log.info("worker: %s", report.summary())

    def reprocess(self, store: Store, job: Job) -> None:
        from .edits import before_from_args, reprocess_article

        if not job.args:
            return
        article = store.get_article(job.args[0])
        report = reprocess_article(store, self.settings, article.id, before=before_from_args(article, job.args),
                                   embedder=self.embedder(), reader=self.reader())  # fmt: skip
        log.info("worker: edited %s: %s", article.id, report.text())


class WorkerProcess:
    """A :class:`Worker` in a child process (``python -m storyline.worker``), restarted when it dies.

    ``start`` spawns it and a small supervising thread (it only waits on the child; no pipeline work
    happens in the caller's process); ``stop`` ends both. The child exits by itself when its parent is gone.
    """

    def __init__(self, settings: Settings, *, poll: float = POLL_SECONDS) -> None:
        self.settings = settings
        self.poll = poll
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ, **{SETTINGS_ENV: json.dumps(asdict(self.settings))})
        # One core fewer for the models' thread pools (torch, BLAS) than the machine has: one stays for the server.
        threads = str(max(1, (os.cpu_count() or 2) - 1))
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env.setdefault(name, threads)
        cmd = [sys.executable, "-m", "storyline.worker", "--poll", str(self.poll), "--parent", str(os.getpid())]
        return subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL)

    def start(self) -> WorkerProcess:
        self._proc = self._spawn()
        self._thread = threading.Thread(target=self._supervise, name="storyline-worker-supervisor", daemon=True)
        self._thread.start()
        return self

    def _supervise(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            proc = self._proc
            assert proc is not None
            code = proc.wait()
            if self._stopping.is_set():
                return
            delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
            log.error("worker process %s exited with %s; restarting in %.0f s", proc.pid, code, delay)
            if self._stopping.wait(delay):
                return
            failures += 1
            self.restarts += 1
            self._proc = self._spawn()

    def stop(self) -> None:
        self._stopping.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=STOP_GRACE)
        if self._thread is not None:
            self._thread.join(timeout=STOP_GRACE)

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """``python -m storyline.worker``: the child :class:`WorkerProcess` starts (settings from the environment)."""
    import argparse

    from .config import load_settings

    parser = argparse.ArgumentParser(prog="python -m storyline.worker", description=__doc__.split("\n")[0])
    parser.add_argument("--poll", type=float, default=POLL_SECONDS)
    parser.add_argument("--parent", type=int, default=None, help="exit when this process is no longer the parent")
    args = parser.parse_args(argv)
    raw = os.environ.get(SETTINGS_ENV)
    settings = Settings(**json.loads(raw)) if raw else load_settings()
    run_worker(settings, poll=args.poll, parent_pid=args.parent)


def run_worker(settings: Settings, *, poll: float = POLL_SECONDS, once: bool = False, parent_pid: int | None = None) -> int:
    """Run a :class:`Worker` in this process until SIGTERM or Ctrl-C (or, with ``once``, one drain); logs to
    stderr. Returns the number of jobs done."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s storyline-worker %(levelname)s %(message)s")
    try:
        os.nice(NICENESS)  # see NICENESS
    except OSError:  # not permitted here: run at the normal priority
        log.warning("could not lower the worker's priority")
    worker = Worker(settings, poll=poll, parent_pid=parent_pid)
    signal.signal(signal.SIGTERM, lambda *_: worker.stop.set())
    finished = threading.Event()
    threading.Thread(target=_watchdog, args=(worker, finished), name="storyline-worker-watchdog", daemon=True).start()
    try:
        worker.run(once=once)
    except KeyboardInterrupt:
        pass
    finally:
        finished.set()
    return worker.jobs_done


def _watchdog(worker: Worker, finished: threading.Event) -> None:
    """Stop the worker when told to (SIGTERM) or when the server that started it is gone, even in the middle of a
    pipeline run: a run checks for neither, and a server can end without stopping its worker (uvicorn re-raises
    SIGTERM after its shutdown, which ends the server before its cleanup runs). After :data:`STOP_GRACE` seconds
    the process exits at once; every batch is committed whole, so the next run picks up the rest."""
    while not finished.wait(worker.poll):
        if not worker._parent_alive():
            worker.stop.set()
        if worker.stop.is_set():
            if not finished.wait(STOP_GRACE):
                log.warning("worker: still busy %.0f s after it was told to stop or its server ended: exiting; "
                            "the next run picks up what this one left", STOP_GRACE)  # fmt: skip
                logging.shutdown()
                os._exit(0)
            return


if __name__ == "__main__":  # pragma: no cover - run as a process
    main()
