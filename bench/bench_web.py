"""Web benchmark: page times with 10k stored articles, and 50 concurrent API clients on loopback.

    .venv/bin/python -m bench.bench_web                 # 10k articles, 50 clients
    .venv/bin/python -m bench.bench_web --db /tmp/webbench/bench10k.db --pace-ms 0 1000   # keep the store
    .venv/bin/python -m bench.bench_web --articles 2000 --clients 20 --requests 10 --workers 2

The load test starts the server as its own process (``uvicorn --factory
storyline.web.app:app_from_env``, as ``storyline serve`` runs it) and drives it from this
process with a deliberately cheap load generator: one asyncio event loop (uvloop when
installed), one keep-alive HTTP/1.1 connection per client written on plain asyncio streams,
so that on a small machine the generator does not take the CPU the server needs. Each
report line says what was measured, the CPU both processes used per request, and the load
average before and after (other work on the machine inflates wall-clock figures).

The store is synthetic (generated here, in a temporary folder): original filler text about
fictional events, shaped like what the pipeline stores (stories, assignments, copies,
readings, entities and the per-story documents the comparison stage writes). No dataset
from ../shared is needed, and nothing is downloaded. The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from storyline.records import (
    Amount,
    Article,
    Assignment,
    CopyLink,
    DateRef,
    Entity,
    LocalEntity,
    Mention,
    Quote,
    Reading,
    Story,
)
from storyline.store import Store, open_store

OUTLETS = ("Harbor Ledger", "Valley Courier", "Northgate Post", "Riverside Daily", "Coastline Wire",
           "Summit Herald", "Meadow Times", "Ironbridge News")  # fmt: skip
PEOPLE = ("Mara Quell", "Tobin Farrow", "Ilse Varga", "Oren Pike", "Delia Strand", "Cass Morrow")
PLACES = ("Port Avel", "Lindmoor", "Kestrel Bay", "Ostara", "Greyfield")
WORDS = ("council", "bridge", "storm", "vote", "harbor", "budget", "ferry", "school", "market", "river",
         "inquiry", "strike", "festival", "permit", "repairs", "tunnel", "grant", "ruling")  # fmt: skip


def codeword(n: int) -> str:
    """A made-up word unique to story ``n`` (so a search can match one story, as real searches mostly do)."""
    syllables = ("ka", "lo", "mir", "ven", "tas", "por", "eli", "dun", "ra", "sef", "quo", "bel")
    word = ""
    n += len(syllables) ** 2
    while n:
        n, k = divmod(n, len(syllables))
        word += syllables[k]
    return word


def _text(rng: random.Random, person: str, place: str, toll: int, day: date, code: str) -> tuple[str, dict[str, list[tuple[int, int]]]]:
    """A filler report plus the spans a reader would find in it (offsets are exact)."""
    parts: list[str] = []
    spans: dict[str, list[tuple[int, int]]] = {"person": [], "place": [], "quote": [], "date": [], "amount": []}

    def add(piece: str, kind: str | None = None) -> None:
        start = sum(len(p) for p in parts)
        parts.append(piece)
        if kind:
            spans[kind].append((start, start + len(piece)))

    add(place, "place")
    add(" — ")
    add(person, "person")
    add(" said on ")
    add(day.strftime("%B %d"), "date")
    add(" that ")
    add(f"{toll} people", "amount")
    add(" were affected by the " + rng.choice(WORDS) + f" near {code}. ")
    add('"')
    add(f"We will rebuild the {rng.choice(WORDS)} before winter", "quote")
    add('", the official added. ')
    for _ in range(rng.randint(25, 45)):
        add(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + ". ")
    return "".join(parts), spans


def fill_store(store: Store, *, articles: int = 10_000, per_story: int = 10, seed: int = 7) -> list[str]:
    """Generate ``articles`` synthetic articles in stories of about ``per_story``; returns the story ids."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    all_articles: list[Article] = []
    readings: list[Reading] = []
    assignments: list[Assignment] = []
    copies: list[CopyLink] = []
    stories: list[Story] = []
    entity_articles: dict[str, list[str]] = {p: [] for p in PEOPLE + PLACES}
    n_stories = max(1, articles // per_story)
    for s in range(n_stories):
        person, place = rng.choice(PEOPLE), rng.choice(PLACES)
        topic = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
        story_id = f"s{s:07d}"
        ids: list[str] = []
        toll = rng.randint(3, 90)
        day0 = start + timedelta(hours=s * 3)
        for k in range(per_story):
            n = s * per_story + k
            if n >= articles:
                break
            outlet = OUTLETS[k % len(OUTLETS)]
            published = day0 + timedelta(hours=k)
            text, spans = _text(rng, person, place, toll + (k % 4 == 3), published.date(), codeword(s))
            title = f"{place}: {topic} ({n})"
            aid = Article.make_id(text, f"https://{outlet.lower().replace(' ', '')}.example/{n}")
            all_articles.append(Article(id=aid, text=text, title=title, outlet=outlet, url=None, published=published,
                                        source=f"synthetic#{n}", external_id=f"x{n}"))  # fmt: skip
            ids.append(aid)
            entity_articles[person].append(aid)
            entity_articles[place].append(aid)
            (ps, pe), (qs, qe), (ds, de), (ms, me) = (spans["person"][0], spans["quote"][0], spans["date"][0],
                                                       spans["amount"][0])  # fmt: skip
            readings.append(Reading(
                article_id=aid,
                entities=(LocalEntity(person, person, "PERSON"), LocalEntity(place, place, "GPE")),
                mentions=(Mention(person, ps, pe, "PERSON", person),
                          Mention(place, *spans["place"][0], "GPE", place)),
                quotes=(Quote(text[qs:qe], qs, qe, person, ps, pe, "added"),),
                dates=(DateRef(text[ds:de], ds, de, published.date()),),
                amounts=(Amount(text[ms:me], ms, me, float(text[ms:me].split()[0]), "people", "affected"),),
            ))  # fmt: skip
            assignments.append(Assignment(aid, story_id, 0.8, k == 0, "synthetic"))
            if k and k % 3 == 0:
                copies.append(CopyLink(aid, "rewrite", 0.7, copy_of=ids[0], reason="synthetic"))
        stories.append(Story(story_id, f"{place}: {topic}", tuple(ids), day0, day0 + timedelta(hours=len(ids)),
                             independent_origins=max(1, len(ids) - len(ids) // 3)))  # fmt: skip
    store.add_articles(all_articles)
    store.put_readings(readings)
    store.put_assignments(assignments)
    store.put_copies(copies)
    store.save_stories(stories)
    store.put_entities(
        Entity(f"e{n:04d}", name, "PERSON" if name in PEOPLE else "GPE", (name.split()[0],), tuple(ids))
        for n, (name, ids) in enumerate(entity_articles.items())
    )
    by_id = {a.id: a for a in all_articles}
    for story in stories:
        fill_story_docs(store, story, [by_id[i] for i in story.article_ids])
    return [s.id for s in stories]


def fill_story_docs(store: Store, story: Story, articles: list[Article]) -> None:
    """Per-story documents in the shape the comparison stage stores (see storyline/web/present.py)."""
    tolls: dict[str, list[str]] = {}
    for a in articles:
        tolls.setdefault(a.text.split(" that ")[1].split(" people")[0], []).append(a.id)
    status = "contested" if len(tolls) > 1 else ("agreed" if len(articles) > 1 else "single-source")
    facts = [
        {"id": f"{story.id}-toll", "label": "people affected", "status": status,
         "values": [{"value": v, "article_ids": ids} for v, ids in tolls.items()]},
        {"id": f"{story.id}-place", "label": "location", "status": "agreed",
         "values": [{"value": articles[0].text.split(" — ")[0], "article_ids": [a.id for a in articles]}]},
    ]  # fmt: skip
    store.put_story_doc(story.id, "facts", facts)
    store.put_story_doc(story.id, "conflicts", [f for f in facts if f["status"] == "contested"])
    store.put_story_doc(story.id, "timeline", [
        {"date": a.published.date().isoformat() if a.published else None, "label": a.title, "article_ids": [a.id]}
        for a in articles[:5]
    ])  # fmt: skip
    store.put_story_doc(story.id, "brief", {"sentences": [
        {"text": f"{len(articles)} reports cover {story.title}.", "citations": [a.id for a in articles[:2]]},
    ]})  # fmt: skip


# ---------------------------------------------------------------- measurements


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure_pages(db: str, story_ids: list[str], rounds: int) -> dict[str, list[float]]:
    """In-process (ASGI, no network) timings of the pages and their API twins, in milliseconds.

    The first request of each kind is timed too (cold templates), except that the
    process is warmed with one unrelated request first.
    """
    from fastapi.testclient import TestClient

    from storyline.config import Settings
    from storyline.web.app import create_app

    rng = random.Random(1)
    n_stories = len(story_ids)
    urls = {
        "GET / (story list)": lambda n: "/" if n % 2 == 0 else f"/?page={1 + n % 20}",
        "GET /stories/{id}": lambda n: f"/stories/{rng.choice(story_ids)}",
        "GET /api/v1/stories": lambda n: f"/api/v1/stories?offset={n * 20 % max(1, n_stories)}&limit=20",
        "GET /api/v1/stories/{id}": lambda n: f"/api/v1/stories/{rng.choice(story_ids)}",
        "GET /?outlet=...&since=...": lambda n: "/?outlet=Meadow+Times&since=2026-03-20",
        "GET /search?q=<one story>": lambda n: f"/search?q={codeword(rng.randrange(n_stories))}",
        "GET /search?q=<most articles>": lambda n: "/search?q=harbor",
    }
    out: dict[str, list[float]] = {key: [] for key in urls}
    with TestClient(create_app(Settings(db=db))) as client:
        client.get("/healthz")
        for n in range(rounds):
            for key, make in urls.items():
                url = make(n)
                began = time.perf_counter()
                r = client.get(url, headers={"accept": "text/html"})
                out[key].append((time.perf_counter() - began) * 1000)
                if r.status_code != 200:
                    raise SystemExit(f"{url} answered {r.status_code}: {r.text[:300]}")
    return out


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc), so figures can be read apart from machine load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class LoadResult:
    latencies: list[float]
    elapsed: float
    errors: int
    server_cpu: float  # seconds, during the timed phase
    client_cpu: float
    by_kind: dict[str, list[float]]  # endpoint -> its latencies, ms


WARM_UP = 3  # untimed requests per client before the clock starts (first queries, caches, code paths)


class RawConnection:
    """One keep-alive HTTP/1.1 connection that sends ``GET`` and reads a ``Content-Length`` body.

    The measuring instrument, not product code: httpx spends ~2 ms of CPU per request, more
    than the server, and on a 2-core machine that CPU comes out of the server's share. This
    needs ~0.1 ms. It refuses anything it does not understand (chunked bodies, a closed
    connection) rather than guess.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path: str) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None, "connect() first"
        head = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: application/json\r\n\r\n"
        self.writer.write(head.encode())
        try:
            answer = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):  # the server closed an idle keep-alive connection
            await self.close()
            await self.connect()
            assert self.reader is not None and self.writer is not None
            self.writer.write(head.encode())
            answer = await self.reader.readuntil(b"\r\n\r\n")
        status = int(answer[9:12])
        length = None
        for line in answer.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
            elif name.strip().lower() == b"transfer-encoding":
                raise RuntimeError("chunked responses are not supported by this load generator")
        if length is None:
            raise RuntimeError(f"response to {path} has no Content-Length")
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass


def _event_loop_runner() -> asyncio.Runner:
    try:
        import uvloop
    except ImportError:  # plain asyncio works too, at a somewhat higher CPU cost per request
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


def _process_tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its live children (uvicorn ``--workers`` forks worker processes)."""
    total = _cpu_seconds(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                total += _process_tree_cpu(int(child))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return total


def measure_clients(
    db: str, story_ids: list[str], clients: int, requests: int, pace_ms: float = 0, workers: int = 1
) -> LoadResult:
    """``clients`` concurrent clients against a uvicorn process on 127.0.0.1; latencies in ms.

    The server runs in its own process (as ``storyline serve`` would; ``workers`` > 1 forks that
    many, as ``storyline serve --workers`` does), so the load generator does not compete with it
    for the GIL. Each client has one keep-alive connection and sends ``requests`` requests one
    after the other: with ``pace_ms`` 0 as fast as it can (closed loop: this measures
    saturation, where latency is about clients / throughput), else one request every ``pace_ms``
    (a steady offered load of clients * 1000 / pace_ms requests per second). A latency is the
    time from writing the request to having read the whole body. The mix: story lists, story
    details, article lists and selective full-text searches.
    """
    from storyline.web.app import SETTINGS_ENV

    port = _free_port()
    env = dict(os.environ, STORYLINE_DB=db)
    env.pop(SETTINGS_ENV, None)  # settings from STORYLINE_DB, not from a `storyline serve` that ran here
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "storyline.web.app:app_from_env", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "info", "--no-access-log", "--workers", str(workers)],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    started = threading.Semaphore(0)

    def watch_log() -> None:  # count the workers that finished starting; pass warnings and errors on
        assert server.stderr is not None
        for line in server.stderr:
            if "Application startup complete" in line:
                started.release()
            elif not line.startswith("INFO:"):
                sys.stderr.write(line)

    threading.Thread(target=watch_log, daemon=True).start()
    try:
        deadline = time.monotonic() + 120
        for _ in range(workers):  # every worker must be up, or the first seconds would measure fewer of them
            if not started.acquire(timeout=max(0.0, deadline - time.monotonic())) or server.poll() is not None:
                raise SystemExit(f"uvicorn did not start {workers} worker(s) within 120 s")
        while True:  # a single uvicorn process starts listening only after its app started
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("uvicorn did not listen within 120 s") from None
                time.sleep(0.05)
        latencies: list[float] = []
        by_kind: dict[str, list[float]] = {}
        errors = 0

        def next_url(rng: random.Random) -> str:
            sid = rng.choice(story_ids)
            return rng.choice((
                f"/api/v1/stories/{sid}", "/api/v1/stories?limit=20",
                f"/api/v1/stories?offset={rng.randrange(len(story_ids))}&limit=20",
                f"/api/v1/articles?limit=20&offset={rng.randrange(10_000)}",
                f"/api/v1/search?q={codeword(rng.randrange(len(story_ids)))}",
            ))  # fmt: skip

        async def warm_up(k: int, conn: RawConnection) -> None:
            rng = random.Random(-1 - k)
            for _ in range(WARM_UP):
                await conn.get(next_url(rng))

        async def client(k: int, conn: RawConnection) -> None:
            nonlocal errors
            rng = random.Random(k)
            if pace_ms:
                await asyncio.sleep(rng.random() * pace_ms / 1000)  # spread the clients' start
            for _ in range(requests):
                url = next_url(rng)
                began = time.perf_counter()
                status, _ = await conn.get(url)
                took = time.perf_counter() - began
                latencies.append(took * 1000)
                by_kind.setdefault(_kind_of(url), []).append(took * 1000)
                errors += status != 200
                if pace_ms:
                    await asyncio.sleep(max(0.0, pace_ms / 1000 - took))

        async def run_all() -> tuple[float, float, float]:
            # One client = one connection, all connected and warmed up (WARM_UP requests each) before the clock starts.
            conns = [RawConnection("127.0.0.1", port) for _ in range(clients)]
            await asyncio.gather(*(c.connect() for c in conns))
            await asyncio.gather(*(warm_up(k, c) for k, c in enumerate(conns)))  # untimed: steady state is measured
            server0, client0 = _process_tree_cpu(server.pid), time.process_time()
            began = time.perf_counter()
            await asyncio.wait_for(asyncio.gather(*(client(k, c) for k, c in enumerate(conns))), timeout=300)
            elapsed = time.perf_counter() - began
            cpu = (_process_tree_cpu(server.pid) - server0, time.process_time() - client0)
            await asyncio.gather(*(c.close() for c in conns))
            return elapsed, *cpu

        with _event_loop_runner() as runner:
            elapsed, server_cpu, client_cpu = runner.run(run_all())
    finally:
        server.terminate()
        server.wait(timeout=20)
    return LoadResult(latencies, elapsed, errors, server_cpu, client_cpu, by_kind)


def _kind_of(url: str) -> str:
    path, _, query = url.partition("?")
    if path.startswith("/api/v1/stories/"):
        return "story"
    if path == "/api/v1/stories":
        return "stories" + ("@offset" if "offset" in query else "")
    return path.rsplit("/", 1)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per client (after 3 untimed)")
    parser.add_argument("--rounds", type=int, default=30, help="page timings per page")
    parser.add_argument("--pace-ms", type=float, default=(0.0, 250.0), nargs="+",
                        help="load runs: 0 = closed loop, else each client starts a request every PACE ms")  # fmt: skip
    parser.add_argument("--db", help="keep the generated store in this SQLite file (reused when it exists)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (storyline serve --workers)")
    args = parser.parse_args()
    print(f"load average before: {_load()} on {os.cpu_count()} cores (other work on the machine inflates wall times)")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "bench.db")
        began = time.perf_counter()
        store = open_store(db)
        if store.count_articles() == 0:
            fill_store(store, articles=args.articles)
        story_ids = [s.id for s in store.stories()]
        count = store.count_articles()
        store.close()
        print(f"store: {count} articles in {len(story_ids)} stories, ready in {time.perf_counter() - began:.1f}s")
        for key, values in measure_pages(db, story_ids, args.rounds).items():
            print(f"{key:32} n={len(values):3} median {statistics.median(values):6.1f} ms  "
                  f"p95 {_pct(values, 95):6.1f} ms  max {max(values):6.1f} ms")  # fmt: skip
        for pace in args.pace_ms:
            report_load(measure_clients(db, story_ids, args.clients, args.requests, pace, args.workers), args, pace)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def report_load(r: LoadResult, args: argparse.Namespace, pace: float) -> None:
    n = len(r.latencies)
    mode = "closed loop (each client sends its next request as soon as the last is answered)" if not pace else (
        f"paced: each client starts one request every {pace:g} ms ({args.clients * 1000 / pace:.0f} req/s offered)")
    workers = f"{args.workers} server worker{'s' if args.workers > 1 else ''}"
    print(f"{args.clients} clients x {args.requests} requests on 127.0.0.1, {workers}, {mode}:")
    print(f"  {n} requests in {r.elapsed:.1f}s ({n / r.elapsed:.0f}/s), errors {r.errors}, "
          f"latency median {statistics.median(r.latencies):.1f} ms, p95 {_pct(r.latencies, 95):.1f} ms, "
          f"p99 {_pct(r.latencies, 99):.1f} ms")  # fmt: skip
    print(f"  CPU per request: server {1000 * r.server_cpu / n:.2f} ms, "
          f"load generator {1000 * r.client_cpu / n:.2f} ms; "
          f"together {100 * (r.server_cpu + r.client_cpu) / r.elapsed:.0f}% of one core of {os.cpu_count()} "
          f"(load average now: {_load()})")  # fmt: skip
    parts = [f"{kind} {_pct(v, 50):.0f}/{_pct(v, 99):.0f}" for kind, v in sorted(r.by_kind.items())]
    print(f"  median/p99 ms by endpoint: {', '.join(parts)}")


if __name__ == "__main__":
    main()
