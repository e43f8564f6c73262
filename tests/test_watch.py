"""storyline watch against feeds served by a local HTTP server (127.0.0.1, port 0): no network.

The server checks the conditional-GET headers and answers 304, fails on demand (for the backoff), and records
when each request came (for the per-host delay). The last test kills a watcher subprocess mid-run and restarts it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from storyline.config import load_settings
from storyline.errors import ConfigError
from storyline.store import open_store
from storyline.watch import Watcher, WatchSettings, read_feed_list

REPO = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- fictional feed entries

_TOWNS = ("Orlen", "Tessaly", "Brannock", "Kell", "Marrow Ford", "Vesk", "Halloway", "Duneside")
_BODY = (
    "The {town} district council met on {day} to discuss item {n} of its spring agenda, a plan to repair the old "
    "stone bridge over the river and to reopen the ferry landing that closed after the storms. Councillor Edda "
    "Marsh{n} said the repairs would cost about {cost} crowns and take most of the summer. Residents who crowded "
    "the hall asked why the work had been delayed for three years, and several shop owners said the closed "
    "landing had cut their trade by half. The council will publish a timetable next month, the clerk said, after "
    "engineers from the regional office finish their survey of the bridge piers and the flood walls near the "
    "market square in {town}."
)


def entry(feed: int, n: int) -> dict[str, str]:
    town = _TOWNS[(feed + n) % len(_TOWNS)]
    return {
        "guid": f"feed{feed}-entry{n}",
        "title": f"{town} council weighs bridge plan, item {feed}.{n}",
        "body": _BODY.format(town=town, day=f"day {n}", n=f"{feed}{n}", cost=1000 * (feed + 1) + n),
    }


def rss(feed: int, entries: list[dict[str, str]]) -> bytes:
    items = "".join(
        f"<item><guid>{e['guid']}</guid><title>{escape(e['title'])}</title>"
        f"<link>https://feeds.example/{feed}/{e['guid']}</link>"
        f"<pubDate>Mon, 02 Mar 2026 0{i % 10}:00:00 GMT</pubDate>"
        f"<description>{escape(e['body'])}</description></item>"
        for i, e in enumerate(entries)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed} Gazette</title>'
        f"<link>https://feeds.example/{feed}</link><description>news</description>{items}</channel></rss>"
    ).encode()


# ---------------------------------------------------------------- the server


@dataclass
class Feed:
    body: bytes
    etag: str
    modified: datetime
    fail: int = 0  # answer this many requests with 503 first
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    at: float
    status: int = 0


@dataclass
class FeedServer:
    feeds: dict[str, Feed] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    base: str = ""

    def put(self, path: str, body: bytes, version: int = 1, **kw: object) -> str:
        self.feeds[path] = Feed(body, f'"v{version}"', datetime(2026, 3, 2, 10, version, tzinfo=UTC), **kw)  # type: ignore[arg-type]
        return self.base + path


@pytest.fixture
def server() -> Iterator[FeedServer]:
    state = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            return None

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
            state.requests.append(seen)
            feed = state.feeds.get(self.path)
            if feed is None:
                seen.status = 404
                self.send_error(404)
                return
            if feed.delay:
                time.sleep(feed.delay)
            if feed.fail > 0:
                feed.fail -= 1
                seen.status = 503
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            stamp = format_datetime(feed.modified, usegmt=True)
            if seen.headers.get("if-none-match") == feed.etag or seen.headers.get("if-modified-since") == stamp:
                seen.status = 304
                self.send_response(304)
                self.send_header("ETag", feed.etag)
                self.end_headers()
                return
            seen.status = 200
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(feed.body)))
            self.send_header("ETag", feed.etag)
            self.send_header("Last-Modified", stamp)
            self.end_headers()
            self.wfile.write(feed.body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


class Clock:
    """A settable clock for the schedule; sleeping advances it instead of waiting."""

    def __init__(self) -> None:
        self.t = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def make_watcher(tmp_path: Path, urls: list[str], clock: Clock, **watch: object) -> Watcher:
    db = str(tmp_path / "watch.db")
    settings = load_settings(db=db, env={})
    timing = WatchSettings(**{"interval": 600.0, "min_host_delay": 0.0, "max_backoff": 3600.0, "process": False, **watch})  # type: ignore[arg-type]
    return Watcher(open_store(db), settings, urls, timing, now=clock.now, sleep=clock.sleep)


# ---------------------------------------------------------------- tests


def test_conditional_get_answers_304_and_new_entries_are_added(tmp_path: Path, server: FeedServer) -> None:
    url = server.put("/a.rss", rss(1, [entry(1, n) for n in range(3)]))
    clock = Clock()
    w = make_watcher(tmp_path, [url], clock)

    first = w.cycle()
    assert [r.status for r in first.polled] == [200] and first.added == 3
    assert "if-none-match" not in server.requests[0].headers
    state = w.store.feed_states()[url]
    assert state.etag == '"v1"' and state.last_modified and state.next_poll == clock.t + timedelta(seconds=600)

    assert w.cycle().polled == []  # not due yet: no request at all
    assert len(server.requests) == 1

    clock.t += timedelta(seconds=601)
    second = w.cycle()
    assert [r.status for r in second.polled] == [304] and second.added == 0
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == state.last_modified
    assert w.store.feed_states()[url].etag == '"v1"'

    server.put("/a.rss", rss(1, [entry(1, n) for n in range(4)]), version=2)  # one new entry
    clock.t += timedelta(seconds=601)
    third = w.cycle()
    assert third.added == 1 and third.polled[0].present == 3
    assert w.store.count_articles() == 4 and w.store.feed_states()[url].etag == '"v2"'
    assert w.store.feed_states()[url].articles == 4


def test_errors_back_off_exponentially_up_to_the_cap_and_recover(tmp_path: Path, server: FeedServer) -> None:
    url = server.put("/flaky.rss", rss(2, [entry(2, 0)]), fail=5)
    clock = Clock()
    w = make_watcher(tmp_path, [url], clock, interval=100.0, max_backoff=1000.0)
    waits = []
    for expected_failures in range(1, 6):
        report = w.cycle()
        assert report.polled[0].error and "503" in report.polled[0].error
        state = w.store.feed_states()[url]
        assert state.failures == expected_failures and "503" in (state.last_error or "")
        waits.append((state.next_poll - clock.t).total_seconds())
        clock.t = state.next_poll
    assert waits == [200.0, 400.0, 800.0, 1000.0, 1000.0]  # interval * 2**failures, capped
    ok = w.cycle()
    assert ok.added == 1
    state = w.store.feed_states()[url]
    assert state.failures == 0 and state.last_error is None and state.last_status == 200


def test_requests_to_one_host_are_spaced(tmp_path: Path, server: FeedServer) -> None:
    urls = [server.put(f"/f{n}.rss", rss(n, [entry(n, 0)])) for n in range(3)]
    db = str(tmp_path / "watch.db")
    w = Watcher(open_store(db), load_settings(db=db, env={}), urls,
                WatchSettings(interval=600.0, min_host_delay=0.25, process=False))  # real clock and sleep
    w.cycle()
    times = [r.at for r in server.requests]
    assert len(times) == 3
    assert all(b - a >= 0.24 for a, b in zip(times, times[1:], strict=False)), times


def test_malformed_feed_counts_as_a_failure(tmp_path: Path, server: FeedServer) -> None:
    url = server.put("/bad.rss", b"<html><body>not a feed</body></html>")
    w = make_watcher(tmp_path, [url], Clock())
    report = w.cycle()
    assert report.polled[0].error and w.store.feed_states()[url].failures == 1


def test_new_articles_are_processed_and_leftovers_on_start(tmp_path: Path, server: FeedServer) -> None:
    url = server.put("/p.rss", rss(3, [entry(3, n) for n in range(2)]))
    calls: list[int] = []

    made: list[object] = []

    class Recorder:
        def __init__(self, store, settings) -> None:  # noqa: ANN001
            self.store = store
            made.append(self)

        def process(self):  # noqa: ANN201
            calls.append(self.store.count_articles())
            return type("R", (), {"articles": self.store.count_articles()})()

    clock = Clock()
    w = make_watcher(tmp_path, [url], clock, process=True)
    w.runner = Recorder
    assert w.cycle().processed == 2 and calls == [2]
    clock.t += timedelta(seconds=601)
    w.cycle()  # 304: nothing new, nothing to process
    assert calls == [2]
    server.put("/p.rss", rss(3, [entry(3, n) for n in range(3)]), version=2)
    clock.t += timedelta(seconds=601)
    assert w.cycle().processed == 3 and calls == [2, 3]
    assert len(made) == 1  # one runner (and its loaded models) for the watcher's life


def test_feed_lists(tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="news"><outline text="A" type="rss" xmlUrl="https://a.example/rss"/>'
        '<outline text="B" type="rss" xmlUrl="https://b.example/atom.xml"/></outline>'
        '<outline text="A again" xmlUrl="https://a.example/rss"/></body></opml>',
        encoding="utf-8",
    )
    assert read_feed_list(opml) == ["https://a.example/rss", "https://b.example/atom.xml"]
    txt = tmp_path / "feeds.txt"
    txt.write_text("# my feeds\nhttps://a.example/rss\n\nhttps://c.example/feed\n", encoding="utf-8")
    assert read_feed_list(txt) == ["https://a.example/rss", "https://c.example/feed"]
    txt.write_text("https://a.example/rss\nc.example/feed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="feeds.txt#2"):
        read_feed_list(txt)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_killed_watcher_resumes_without_losing_or_duplicating(tmp_path: Path, server: FeedServer) -> None:
    feeds = 6
    expected = {}
    for f in range(feeds):
        entries = [entry(f, n) for n in range(3)]
        server.put(f"/k{f}.rss", rss(f, entries), delay=0.4)  # slow answers: the kill lands mid-cycle
        expected.update({e["guid"]: e for e in entries})
    listing = tmp_path / "feeds.txt"
    listing.write_text("\n".join(f"{server.base}/k{f}.rss" for f in range(feeds)) + "\n", encoding="utf-8")
    db = tmp_path / "watch.db"
    cmd = [sys.executable, "-m", "storyline.cli", "watch", str(listing), "--db", str(db), "--interval", "3600",
           "--min-host-delay", "0", "--no-process"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while _count(db) < 6 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert 0 < _count(db) < feeds * 3, "the kill should land after some feeds and before the last"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    before = len(server.requests)

    done = subprocess.run([*cmd, "--once"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    store = open_store(str(db))
    try:
        articles = store.articles()
        states = store.feed_states()
    finally:
        store.close()
    guids = [a.external_id for a in articles]
    assert sorted(guids) == sorted(expected)  # every entry, each exactly once
    assert len(states) == feeds and all(s.last_status == 200 and s.failures == 0 for s in states.values())
    # the restart re-polled only the feeds whose state the killed run had not saved
    assert 0 < len(server.requests) - before < feeds


def test_a_cycle_while_another_process_runs_the_pipeline_stores_and_queues(tmp_path: Path, server: FeedServer) -> None:
    """The database's pipeline lock is held elsewhere (a server's worker): the cycle stores its articles, does not
    fail, and leaves a process job for that worker."""
    url = server.put("/p.rss", rss(3, [entry(3, n) for n in range(2)]))
    w = make_watcher(tmp_path, [url], Clock(), process=True)
    other = open_store(w.store.url)
    try:
        with other.pipeline_lock():
            report = w.cycle()
        assert report.processed == 0 and w.store.count_articles() == 2
        assert [j.kind for j in w.store.jobs()] == ["process"]
    finally:
        other.close()
        w.store.close()
