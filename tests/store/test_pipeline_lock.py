"""One pipeline run per database: a second process (or store object) waits or is refused with PipelineBusy,
the lock dies with its holder (kill -9 included), the runner and the worker respect it. Both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from storyline.config import Settings
from storyline.embed import FakeEmbedder
from storyline.errors import EXIT_STORE, Conflict, PipelineBusy
from storyline.runners.local import LocalRunner
from storyline.store import Store, open_store
from storyline.worker import Worker

#: Seconds a test waits for a lock whose holder was killed: PostgreSQL ends the dead client's session
#: when it sees the socket close (well under a second on one machine).
RELEASE_WAIT = 10.0


def test_a_second_store_is_refused_while_the_first_holds_the_lock(store: Store, store_url: str) -> None:
    other = open_store(store_url)
    try:
        with store.pipeline_lock():
            with store.pipeline_lock():  # re-entrant in one store object
                pass
            with pytest.raises(PipelineBusy) as refused:
                with other.pipeline_lock():
                    pass  # pragma: no cover - must not be reached
            assert "another storyline process" in refused.value.message and "pid" in refused.value.message
            assert refused.value.hint and "storyline process" in refused.value.hint
            assert isinstance(refused.value, Conflict) and refused.value.exit_code == EXIT_STORE
            assert refused.value.http_status == 409
        with other.pipeline_lock():  # released on leaving the block
            with pytest.raises(PipelineBusy):
                with store.pipeline_lock():
                    pass  # pragma: no cover
    finally:
        other.close()


def test_a_waiting_store_gets_the_lock_when_it_is_released(store: Store, store_url: str) -> None:
    other = open_store(store_url)
    released = threading.Event()

    def hold() -> None:
        with store.pipeline_lock():
            time.sleep(0.6)
        released.set()

    holder = threading.Thread(target=hold)
    try:
        holder.start()
        time.sleep(0.2)
        with other.pipeline_lock(wait=RELEASE_WAIT):
            assert released.is_set()
    finally:
        holder.join()
        other.close()


HOLDER = textwrap.dedent("""
    import sys, time
    from storyline.store import open_store
    store = open_store(sys.argv[1])
    with store.pipeline_lock():
        print("held", flush=True)
        time.sleep(120)
""")


def test_the_lock_dies_with_a_killed_holder(store: Store, store_url: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, store_url], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ))  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(PipelineBusy) as refused:
            with store.pipeline_lock():
                pass  # pragma: no cover
        if store.dialect.name == "sqlite":
            assert f"pid {proc.pid}" in refused.value.message
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with store.pipeline_lock(wait=RELEASE_WAIT):
            pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_runner_refuses_and_queues_a_process_job(store: Store, store_url: str) -> None:
    other = open_store(store_url)
    settings = Settings(db=store_url)
    try:
        with other.pipeline_lock():
            with pytest.raises(PipelineBusy):
                LocalRunner(store, settings, embedder=FakeEmbedder(dim=8)).process()
        assert [j.kind for j in store.jobs()] == ["process"]  # for a running worker to pick up
        report = LocalRunner(store, settings, embedder=FakeEmbedder(dim=8)).process()  # free again: runs
        assert report.articles == 0
    finally:
        other.close()


def test_the_worker_leaves_jobs_queued_while_another_process_runs(store: Store, store_url: str) -> None:
    other = open_store(store_url)
    worker = Worker(Settings(db=store_url), embedder=FakeEmbedder(dim=8), reader=object())
    try:
        store.enqueue("process")
        with other.pipeline_lock():
            assert worker.step(store) is False
            assert [j.kind for j in store.jobs()] == ["process"]  # kept for later, not dropped
        assert worker.step(store) is True
        assert store.jobs() == [] and worker.jobs_done == 1
    finally:
        other.close()


def test_storyline_process_refuses_with_a_clear_error_and_exit_4(store: Store, store_url: str) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    with store.pipeline_lock():
        result = CliRunner().invoke(app, ["process", "--db", store_url], env={"COLUMNS": "400"})
    assert result.exit_code == EXIT_STORE, result.output
    assert "another storyline process is running the pipeline on this database" in result.output
    assert "storyline process" in result.output  # the hint: what to do
