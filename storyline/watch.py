"""``storyline watch``: poll RSS/Atom feeds on a schedule and ingest and process what is new.

Each poll is a *conditional GET*: the feed's last ``ETag`` and ``Last-Modified`` go back as ``If-None-Match``
and ``If-Modified-Since``, so an unchanged feed costs the server a ``304 Not Modified`` and us nothing.
A feed that changed is parsed with :func:`storyline.ingest.feeds.parse_feed` (which fetches the page of an
entry that carries no full text) and its articles are stored; articles are idempotent by id, so an entry
seen twice is counted as present, never stored twice.

Manners and failures:

* **politeness**: at least ``min_host_delay`` seconds between two requests to one host, feed or linked page
  (an httpx request hook waits before each request, redirects included); due feeds are taken in the order
  that keeps the fewest of them waiting on a busy host.
* **backoff**: a failed poll (network error, HTTP error, malformed feed) is retried after
  ``interval * 2**failures`` seconds, at most ``max_backoff``, or later when the server sends ``Retry-After``.
  A success resets the count.

Surviving a kill: every feed's state (validators, next poll time, consecutive failures, last error) is a
:class:`~storyline.store.FeedState` row in the store, written only *after* the feed's articles are committed.
A process killed at any point loses nothing (a feed whose state was not saved is simply fetched again, with
its old validators) and duplicates nothing (ids). On start the watcher first processes articles an earlier
run stored but did not get to process.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .config import Settings
from .errors import ConfigError, InputError, PipelineBusy
from .records import Article, Skipped
from .store import FeedState, Store

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- feed lists


def read_feed_list(path: str | Path) -> list[str]:
    """Feed URLs from an OPML file (every ``outline`` with an ``xmlUrl``) or a text file (one URL a line).

    In a text file blank lines and ``#`` comments are ignored; any other line that is not an http(s) URL is an
    error naming the line, since a typo would otherwise silently drop a feed. Duplicates are listed once.
    """
    from .ingest.web import is_url

    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the feed list: {exc.strerror or exc}", item=str(file)) from exc
    urls: list[str] = []
    head = raw[:512].lstrip().lower()
    if file.suffix.lower() in {".opml", ".xml"} or head.startswith(b"<?xml") or b"<opml" in head:
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as exc:
            raise ConfigError(f"not valid OPML: {exc}", item=str(file)) from exc
        for outline in root.iter("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            if url:
                if not is_url(url):
                    raise ConfigError(f"outline has a feed address that is not an http(s) URL: {url!r}", item=str(file))
                urls.append(url)
    else:
        for number, line in enumerate(raw.decode("utf-8-sig", errors="replace").splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not is_url(line):
                raise ConfigError(f"not an http(s) URL: {line[:80]!r}", item=f"{file}#{number}", hint="one feed URL a line")
            urls.append(line)
    unique = list(dict.fromkeys(urls))
    if not unique:
        raise ConfigError("the feed list names no feeds", item=str(file))
    return unique


# ---------------------------------------------------------------- settings and reports


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """How often and how politely to poll (seconds)."""

    interval: float = 900.0  # between two polls of a healthy feed
    min_host_delay: float = 2.0  # between two requests to one host
    max_backoff: float = 6 * 3600.0  # the longest wait after failures
    process: bool = True  # run the pipeline over new articles after each cycle

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.min_host_delay < 0 or self.max_backoff < self.interval:
            raise ConfigError(
                "watch timing must satisfy interval > 0, min_host_delay >= 0 and max_backoff >= interval",
                item=f"interval={self.interval} min_host_delay={self.min_host_delay} max_backoff={self.max_backoff}",
            )

    def backoff(self, failures: int) -> float:
        """Seconds to wait after ``failures`` consecutive failures (0: the normal interval)."""
        return min(self.interval * 2.0 ** min(failures, 32), self.max_backoff)


@dataclass(frozen=True, slots=True)
class FeedResult:
    """One poll of one feed."""

    url: str
    status: int | None  # HTTP status, None when no answer came
    added: tuple[str, ...] = ()
    present: int = 0
    skipped: tuple[Skipped, ...] = ()
    error: str | None = None


@dataclass
class CycleReport:
    polled: list[FeedResult] = field(default_factory=list)
    processed: int = 0

    @property
    def added(self) -> int:
        return sum(len(r.added) for r in self.polled)

    def summary(self) -> str:
        unchanged = sum(1 for r in self.polled if r.status == 304)
        failed = sum(1 for r in self.polled if r.error)
        present = sum(r.present for r in self.polled)
        skipped = sum(len(r.skipped) for r in self.polled)
        return (
            f"polled {len(self.polled)} feeds ({unchanged} unchanged, {failed} failed): {self.added} articles added, "
            f"{present} already present, {skipped} entries skipped; {self.processed} articles processed"
        )


class _PollFailed(Exception):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


# ---------------------------------------------------------------- the watcher


RunnerFactory = Callable[[Store, Settings], Any]  # -> an object with process() (LocalRunner by default)


class Watcher:
    """Polls ``feeds`` into ``store``. ``now``/``sleep``/``monotonic`` are injectable so tests need not wait."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        feeds: Sequence[str],
        watch: WatchSettings | None = None,
        *,
        allow_private: bool = True,
        runner: RunnerFactory | None = None,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.settings = settings
        self.feeds = list(dict.fromkeys(feeds))
        self.watch = watch or WatchSettings()
        self.allow_private = allow_private  # the CLI trusts its operator, as `storyline ingest` does
        self.runner = runner
        self.now = now or (lambda: datetime.now(UTC))
        self.sleep = sleep
        self.monotonic = monotonic
        self._last_request: dict[str, float] = {}
        self._host_lock = threading.Lock()
        self._resumed = False
        self._runner: Any = None

    # ------------------------------------------------------------ politeness

    def _polite(self, request: httpx.Request) -> None:
        """httpx request hook: wait until ``min_host_delay`` has passed since the last request to this host."""
        host = request.url.host
        with self._host_lock:
            last = self._last_request.get(host)
            if last is not None:
                wait = last + self.watch.min_host_delay - self.monotonic()
                if wait > 0:
                    self.sleep(wait)
            self._last_request[host] = self.monotonic()

    def _ready_at(self, url: str) -> float:
        last = self._last_request.get(urlsplit(url).hostname or "")
        return float("-inf") if last is None else last + self.watch.min_host_delay

    def _clients(self) -> tuple[httpx.Client, httpx.Client]:
        """One client for feeds (redirects followed, every hop checked and spaced) and one for linked pages
        (:func:`storyline.ingest.web.fetch` follows and checks redirects itself; we only space its requests)."""
        from .ingest.web import check_public_url, make_client

        def guard(request: httpx.Request) -> None:
            try:
                check_public_url(str(request.url), self.allow_private)
            except InputError as exc:
                raise _PollFailed(exc.message) from exc
            self._polite(request)

        feeds = httpx.Client(
            timeout=httpx.Timeout(self.settings.fetch_timeout),
            follow_redirects=True,
            max_redirects=self.settings.fetch_max_redirects,
            headers={"User-Agent": self.settings.user_agent,
                     "Accept": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.8,*/*;q=0.5"},
            event_hooks={"request": [guard]},
        )  # fmt: skip
        pages = make_client(self.settings)
        pages.event_hooks = {"request": [self._polite]}
        return feeds, pages

    # ------------------------------------------------------------ one cycle

    def due(self, states: dict[str, FeedState] | None = None) -> list[str]:
        """Feeds whose next poll time has come (never polled ones first), in the order they fell due."""
        states = self.store.feed_states() if states is None else states
        now = self.now()
        due = [u for u in self.feeds if (s := states.get(u)) is None or s.next_poll is None or s.next_poll <= now]
        epoch = datetime.min.replace(tzinfo=UTC)
        return sorted(due, key=lambda u: (states[u].next_poll or epoch) if u in states else epoch)

    def cycle(self) -> CycleReport:
        """Poll every due feed once, store what is new, then process new (and left-over) articles."""
        report = CycleReport()
        states = self.store.feed_states()
        queue = self.due(states)
        feeds, pages = self._clients()
        try:
            while queue:
                # the feed whose host is free soonest: one slow host does not hold up the others
                url = min(queue, key=self._ready_at)
                queue.remove(url)
                report.polled.append(self.poll(url, states.get(url) or FeedState(url), feeds, pages))
        finally:
            feeds.close()
            pages.close()
        if self.watch.process and (report.added or not self._resumed):
            report.processed = self._process()
        self._resumed = True
        return report

    def poll(self, url: str, state: FeedState, feeds: httpx.Client, pages: httpx.Client) -> FeedResult:
        """Fetch one feed conditionally, store its new articles, then save its state (in that order)."""
        polled_at = self.now()
        try:
            status, body, etag, modified = self._get(url, state, feeds)
            if status == 304:
                result = FeedResult(url, 304)
            else:
                result = self._ingest(url, body, pages)  # the new validators belong to the body just stored
            new_state = replace(
                state, etag=etag or (state.etag if status == 304 else None),
                last_modified=modified or (state.last_modified if status == 304 else None),
                next_poll=polled_at + timedelta(seconds=self.watch.interval), failures=0, last_error=None,
                last_polled=polled_at, last_status=status, articles=state.articles + len(result.added),
            )  # fmt: skip
        except _PollFailed as exc:
            failures = state.failures + 1
            wait = max(self.watch.backoff(failures), min(exc.retry_after or 0.0, self.watch.max_backoff))
            log.warning("feed %s failed (%d in a row, next try in %.0fs): %s", url, failures, wait, exc)
            result = FeedResult(url, exc.status, error=str(exc))
            new_state = replace(
                state, next_poll=polled_at + timedelta(seconds=wait), failures=failures, last_error=str(exc),
                last_polled=polled_at, last_status=exc.status,
            )  # fmt: skip
        self.store.put_feed_state(new_state)  # only now: a kill before this line re-polls the feed, losing nothing
        return result

    def _get(self, url: str, state: FeedState, client: httpx.Client) -> tuple[int, bytes, str | None, str | None]:
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        limit = self.settings.fetch_max_bytes
        try:
            with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 304:
                    return 304, b"", response.headers.get("etag"), response.headers.get("last-modified")
                if status >= 400:
                    retry = _retry_after(response.headers.get("retry-after"), self.now())
                    raise _PollFailed(f"HTTP {status} {response.reason_phrase}".strip(), status, retry)
                if not 200 <= status < 300:
                    raise _PollFailed(f"unexpected HTTP status {status}", status)
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise _PollFailed(f"feed larger than {limit} bytes (fetch_max_bytes)", status)
                    chunks.append(chunk)
                return status, b"".join(chunks), response.headers.get("etag"), response.headers.get("last-modified")
        except httpx.TimeoutException as exc:
            raise _PollFailed(f"timed out after {self.settings.fetch_timeout:g}s") from exc
        except httpx.TooManyRedirects as exc:
            raise _PollFailed(f"too many redirects (more than {self.settings.fetch_max_redirects})") from exc
        except httpx.HTTPError as exc:
            raise _PollFailed(f"unreachable: {type(exc).__name__}: {exc}") from exc

    def _ingest(self, url: str, body: bytes, pages: httpx.Client) -> FeedResult:
        from .ingest.feeds import parse_feed

        articles: list[Article] = []
        skipped: list[Skipped] = []
        try:
            for item in parse_feed(body, url, self.settings, allow_private=self.allow_private, client=pages):
                (skipped if isinstance(item, Skipped) else articles).append(item)  # type: ignore[arg-type]
        except InputError as exc:  # the feed as a whole is unusable (empty, malformed): a failed poll
            raise _PollFailed(exc.message, 200) from exc
        added, present = self.store.add_articles(articles) if articles else ([], [])
        for item in skipped:
            log.info("skipped %s: %s", item.source, item.reason)
        return FeedResult(url, 200, tuple(added), len(present), tuple(skipped))

    def _process(self) -> int:
        # One runner for the watcher's life: it keeps its loaded models from one cycle to the next.
        if self._runner is None:
            if self.runner is None:
                from .runners.local import LocalRunner

                self._runner = LocalRunner(self.store, self.settings)
            else:
                self._runner = self.runner(self.store, self.settings)
        try:
            return int(self._runner.process().articles)
        except PipelineBusy as busy:  # another run (a server's worker) has the database: it or a later cycle does them
            log.warning("not processing this cycle: %s", busy.message)
            return 0

    # ------------------------------------------------------------ the loop

    def next_wakeup(self) -> float:
        """Seconds until the next feed falls due (at least 1, at most one interval)."""
        states = self.store.feed_states()
        now = self.now()
        times = [states[u].next_poll if u in states else None for u in self.feeds]
        if any(t is None for t in times):
            return 1.0
        soonest = min(t for t in times if t is not None)
        return max(1.0, min((soonest - now).total_seconds(), self.watch.interval))

    def run(
        self,
        *,
        once: bool = False,
        stop: threading.Event | None = None,
        on_cycle: Callable[[CycleReport], None] | None = None,
    ) -> None:
        """Cycle until ``stop`` is set (or once). Safe to kill at any moment; see the module docstring."""
        stop = stop or threading.Event()
        while not stop.is_set():
            report = self.cycle()
            if on_cycle:
                on_cycle(report)
            if once:
                return
            stop.wait(self.next_wakeup())


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
