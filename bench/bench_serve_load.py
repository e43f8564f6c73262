"""Read latency of a real ``storyline serve`` while its worker process runs the pipeline on an HTTP ingest.

    STORYLINE_SHARED=../shared .venv/bin/python -m bench.bench_serve_load               # 300 articles, 50 readers
    .venv/bin/python -m bench.bench_serve_load --articles 60 --readers 10 --seed-articles 10   # quick

What it does, all on 127.0.0.1 and bounded in time:

1. starts ``storyline serve`` (a real uvicorn process, with the worker process it starts by default) on a
   fresh SQLite database in a temporary folder, with an API token;
2. ingests ``--seed-articles`` ECB+ train documents over HTTP and waits until they are processed, so that
   stories and story pages exist to read;
3. POSTs ``--articles`` more ECB+ train documents to ``/api/v1/ingest/articles`` and, while the worker
   processes them, runs ``--readers`` concurrent readers (asyncio; raw keep-alive connections by default) that cycle through
   ``GET /api/v1/stories``, a story page (``/stories/{id}``) and ``/``;
4. stops when the queue is empty and every article has its story (or after ``--max-seconds``) and prints
   p50/p95/p99/max of the reads taken while processing ran, and how many there were.

Each reader starts a request every ``--pace-ms`` (250 ms: a person clicking fast; 50 readers make 200 requests
a second); ``--pace-ms 0`` makes them closed-loop (the next request as soon as the last answered), which
measures saturation: latency is then concurrency / throughput, whatever the pipeline does. A first phase
(``--baseline-seconds``) runs the same readers with nothing processing, for comparison.
ECB+ documents come from ``../shared/datasets`` (``bench/datasets.py``); the test topics are never used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .datasets import load_ecbplus, shuffled, skip_if_missing

TOKEN = "bench-serve-load"
#: Target for the p99 read latency while the worker processes (the gate row's ceiling).
P99_TARGET_MS = 200.0
#: A reader's pace: one request every 250 ms, a person clicking fast (50 readers: 200 requests a second, about
#: what the server answers on one core); ``--pace-ms 0`` measures the closed-loop saturation instead.
PACE_MS = 250.0


@dataclass
class LoadFigures:
    articles: int
    readers: int
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    processing_seconds: float
    processed: bool

    def line(self) -> str:
        return (f"{self.requests} reads by {self.readers} readers while {self.articles} articles were processed "
                f"({self.processing_seconds:.0f} s{'' if self.processed else ', NOT finished'}): "
                f"p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, max {self.max_ms:.1f} ms; "
                f"{self.errors} errors")  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def records(n: int, skip: int = 0) -> list[dict[str, Any]]:
    """ECB+ train documents as ingest records (shuffled, fixed seed), ``skip`` first ones left out."""
    docs = shuffled(load_ecbplus("train"))[skip : skip + n]
    return [{"id": d.doc_id, "text": d.text, "title": d.text.split("\n", 1)[0][:120],
             "outlet": f"Outlet {i % 7}", "published": f"2026-03-{1 + i % 28:02d}T09:00:00Z"}
            for i, d in enumerate(docs, start=skip)]  # fmt: skip


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process ``pid`` has used (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def progress(db: Path) -> tuple[int, int, int]:
    """(articles, assigned, queued jobs), read straight from the SQLite file (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        one = lambda sql: int(conn.execute(sql).fetchone()[0])  # noqa: E731
        return one("SELECT COUNT(*) FROM articles"), one("SELECT COUNT(*) FROM assignments"), one("SELECT COUNT(*) FROM jobs")
    except sqlite3.OperationalError:  # tables not there yet
        return 0, 0, 0
    finally:
        conn.close()


def done(db: Path) -> bool:
    articles, assigned, queued = progress(db)
    return articles > 0 and assigned >= articles and queued == 0


def post(base: str, batch: list[dict[str, Any]]) -> None:
    with httpx.Client(timeout=120) as client:
        for start in range(0, len(batch), 100):  # under the server's request size limit
            r = client.post(f"{base}/api/v1/ingest/articles", json={"articles": batch[start : start + 100]},
                            headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
            r.raise_for_status()


def wait_until(condition: Any, seconds: float, what: str) -> float:
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if condition():
            return time.monotonic() - began
        time.sleep(0.25)
    raise TimeoutError(f"{what} not within {seconds:.0f} s")


async def readers(base: str, n: int, story_ids: list[str], stop: Any, max_seconds: float,
                  pace_ms: float = 0.0, client_kind: str = "httpx") -> tuple[list[float], int]:  # fmt: skip
    """``n`` readers until ``stop()`` is true (checked twice a second) or ``max_seconds``. A reader starts a
    request every ``pace_ms`` (a person clicking), or at once when the last answered (``pace_ms=0``, closed loop).
    ``client_kind``: ``httpx`` (one AsyncClient, a keep-alive connection per reader) or ``raw`` (the cheap
    keep-alive HTTP/1.1 connections of bench/bench_web.py, ~0.1 ms of CPU a request instead of httpx's ~4)."""
    from .bench_web import RawConnection

    latencies: list[float] = []
    errors = 0
    pages = [f"/stories/{sid}" for sid in story_ids[:20]] or ["/"]
    finished = asyncio.Event()
    host, port = base.removeprefix("http://").split(":")

    def path_of(i: int) -> str:  # the story list, a story page (a different one each time), the front page
        return ("/api/v1/stories", pages[(i // 3) % len(pages)], "/")[i % 3]

    async def reader(k: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        raw = RawConnection(host, int(port)) if client_kind == "raw" else None
        if raw is not None:
            await raw.connect()
        i = k
        try:
            while not finished.is_set():
                path = path_of(i)
                i += 1
                began = time.perf_counter()
                try:
                    if raw is not None:
                        ok = (await raw.get(path))[0] == 200
                    else:
                        ok = (await client.get(base + path)).status_code == 200
                except (httpx.HTTPError, OSError, RuntimeError, asyncio.IncompleteReadError):
                    ok = False
                took = time.perf_counter() - began
                latencies.append(took * 1000)
                errors += not ok
                if pace_ms > 0:
                    await asyncio.sleep(max(0.0, pace_ms / 1000 - took))
        finally:
            if raw is not None:
                await raw.close()

    async def watch() -> None:
        began = time.monotonic()
        while time.monotonic() - began < max_seconds:
            if await asyncio.to_thread(stop):
                break
            await asyncio.sleep(0.5)
        finished.set()

    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(watch(), *(reader(k, client) for k in range(n)))
    return latencies, errors


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run(articles: int = 300, readers_n: int = 50, seed_articles: int = 20, max_seconds: float = 900.0,
        baseline_seconds: float = 0.0, pace_ms: float = PACE_MS, client_kind: str = "raw") -> LoadFigures:  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="storyline-serve-load-"))
    db = folder / "serve.db"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, STORYLINE_API_TOKEN=TOKEN)
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--create", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "serve.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    try:
        try:
            wait_until(lambda: _up(base) or server.poll() is not None, 60, "the server")
            if server.poll() is not None:
                raise RuntimeError("the server exited")
        except (TimeoutError, RuntimeError) as exc:
            raise SystemExit(f"{exc}: {(folder / 'serve.log').read_text()[-2000:]}") from exc
        post(base, records(seed_articles))
        wait_until(lambda: done(db), max_seconds, "processing the seed articles")
        story_ids = [s["id"] for s in httpx.get(f"{base}/api/v1/stories?limit=50").json()["items"]]
        worker = children(server.pid)

        def cpu() -> tuple[float, float, float]:  # server, its worker process(es), this load generator
            return cpu_seconds(server.pid), sum(cpu_seconds(w) for w in worker), time.process_time()

        if baseline_seconds > 0:  # the same readers with nothing processing, for comparison
            c0 = cpu()
            idle, idle_errors = asyncio.run(readers(base, readers_n, story_ids, lambda: False, baseline_seconds, pace_ms, client_kind))
            print(f"idle: {len(idle)} reads by {readers_n} readers in {baseline_seconds:.0f} s: "
                  f"p50 {statistics.median(idle):.1f} ms, p95 {quantile(idle, 0.95):.1f} ms, "
                  f"p99 {quantile(idle, 0.99):.1f} ms, max {max(idle):.1f} ms; {idle_errors} errors; "
                  + cpu_line(c0, cpu(), len(idle)))  # fmt: skip
        began = time.monotonic()
        c0 = cpu()
        post(base, records(articles, skip=seed_articles))
        latencies, errors = asyncio.run(readers(base, readers_n, story_ids, lambda: done(db), max_seconds, pace_ms, client_kind))
        seconds = time.monotonic() - began
        print("processing: " + cpu_line(c0, cpu(), len(latencies)))
        return LoadFigures(
            articles, readers_n, len(latencies), errors, statistics.median(latencies), quantile(latencies, 0.95),
            quantile(latencies, 0.99), max(latencies), seconds, done(db),
        )  # fmt: skip
    finally:
        server.terminate()  # storyline serve stops its worker process on the way out
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def cpu_line(before: tuple[float, float, float], after: tuple[float, float, float], requests: int) -> str:
    server, worker, client = (b - a for a, b in zip(before, after, strict=True))
    per = 1000 / max(1, requests)
    return (f"CPU: server {server:.1f} s ({server * per:.2f} ms/read), worker {worker:.1f} s, "
            f"load generator {client:.1f} s ({client * per:.2f} ms/read)")


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/stories", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seed-articles", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=900.0, help="give up waiting for processing after this")
    parser.add_argument("--baseline-seconds", type=float, default=15.0, help="reads with nothing processing first")
    parser.add_argument("--pace-ms", type=float, default=PACE_MS, help="a reader's request every this many ms (0: closed loop)")
    parser.add_argument("--client", choices=("httpx", "raw"), default="raw",
                        help="bench_web's cheap raw connections (0.4-0.6 CPU ms a read), or httpx.AsyncClient (7.8 CPU "
                        "ms a read, more than the server's 2.5: at 200 reads/s the load generator starves the server)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    figures = run(args.articles, args.readers, args.seed_articles, args.max_seconds, args.baseline_seconds, args.pace_ms,
                  args.client)  # fmt: skip
    print(figures.line())
    print(f"target p99 < {P99_TARGET_MS:.0f} ms: {'met' if figures.p99_ms < P99_TARGET_MS else 'NOT met'}; "
          f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores")  # fmt: skip


if __name__ == "__main__":
    skip_if_missing(main)()
