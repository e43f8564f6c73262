"""The worker process drains the store's job queue: new articles, edited articles; it survives bad jobs,
is restarted when it dies and stops with its server."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from storyline.config import Settings
from storyline.edits import ArticleEdit, edit_article, reprocess_job_args
from storyline.embed import FakeEmbedder
from storyline.records import Article
from storyline.store import open_store
from storyline.worker import Worker, WorkerProcess

EMBEDDER = FakeEmbedder(dim=384)
WEDNESDAY = datetime(2026, 3, 18, 9, tzinfo=UTC)
TEXTS = (
    "PORTMERE - A fire broke out on the ferry Alder Grace on Tuesday, injuring 12 people, harbour master Ines Calloway said.",
    "Twelve people were injured on Tuesday when the ferry Alder Grace caught fire in Portmere harbour, Ines Calloway said.",
    "LINDMOOR - The council approved 4.5 million for the north bridge on Monday, mayor Tomas Reyna said.",
)


def articles() -> list[Article]:
    return [Article(id=Article.make_id(t, None), text=t, title=t[:24], published=WEDNESDAY + timedelta(hours=n),
                    external_id=f"ext-{n}") for n, t in enumerate(TEXTS)]  # fmt: skip


@pytest.mark.models
def test_worker_processes_queued_articles_then_an_edit(tmp_path: Path) -> None:
    from storyline.read.stage import ReadStage

    db = str(tmp_path / "w.db")
    settings = Settings(db=db)
    with open_store(db) as store:
        store.add_articles(articles())
        store.enqueue("process")
    worker = Worker(settings, embedder=EMBEDDER, reader=ReadStage(settings))
    worker.run(once=True)
    with open_store(db) as store:
        assert store.jobs() == [] and len(store.assignments()) == 3 and store.stories()
        first = store.get_article("ext-0")
        edited = edit_article(store, first.id, ArticleEdit.parse(published="2026-04-02T09:00Z"))
        store.enqueue("reprocess", reprocess_job_args(edited.id, first))
        assert worker.step(store) is True and store.jobs() == []
        dates = [d.value for d in store.readings([first.id])[first.id].dates if d.text == "on Tuesday"]
        assert dates == [date(2026, 3, 31)]  # re-read against the new publication time, in the worker
        assert worker.step(store) is False  # nothing queued: nothing done
    assert worker.jobs_done == 2


def test_a_failing_job_is_logged_and_dropped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = str(tmp_path / "w.db")
    with open_store(db) as store:
        store.enqueue("reprocess", ["a-gone"])  # an article deleted since: the job cannot run
        store.enqueue("frobnicate", [])
        worker = Worker(Settings(db=db), embedder=EMBEDDER)
        assert worker.step(store) is True
        assert store.jobs() == []  # not retried forever
    assert "reprocess" in caplog.text and "a-gone" in caplog.text and "frobnicate" in caplog.text


def _wait(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_worker_process_is_restarted_when_it_dies_and_stops_with_its_owner(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    open_store(db).close()
    handle = WorkerProcess(Settings(db=db), poll=0.1).start()
    try:
        first = handle.pid
        assert first is not None and first != os.getpid()
        os.kill(first, signal.SIGKILL)
        assert _wait(lambda: handle.pid not in (None, first), 15), "the worker was not restarted"
        assert handle.restarts == 1
        second = handle.pid
    finally:
        handle.stop()
    assert second is not None
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)  # gone (reaped by stop)


BUSY_WORKER = """
import sys, time
import storyline.worker as w
from storyline.config import Settings
w.STOP_GRACE = 0.5
w.Worker.step = lambda self, store, startup=False: print("busy", flush=True) or time.sleep(120)  # a long run
w.run_worker(Settings(db=sys.argv[1]), poll=0.05, parent_pid=int(sys.argv[2]))
"""


@pytest.mark.parametrize("how", ["server gone", "SIGTERM"])
def test_a_busy_worker_stops_when_its_server_is_gone_or_it_is_told_to(tmp_path: Path, how: str) -> None:
    """In the middle of a run the worker checks neither; its watchdog ends it after the grace period."""
    import subprocess
    import sys

    db = str(tmp_path / "w.db")
    open_store(db).close()
    parent = os.getpid() if how == "SIGTERM" else 1  # pid 1 is not its parent: the server is gone
    proc = subprocess.Popen([sys.executable, "-c", BUSY_WORKER, db, str(parent)], stdout=subprocess.PIPE, text=True)
    try:
        if how == "SIGTERM":
            assert proc.stdout is not None and proc.stdout.readline().strip() == "busy"
            proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0  # not the 120 s the run would take
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
