"""Feed state (migration 2) on every backend: what ``storyline watch`` resumes from after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from storyline.store import FeedState, Store, open_store


def test_feed_state_round_trips_and_upserts(store: Store) -> None:
    assert store.feed_states() == {}
    due = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
    first = FeedState("https://a.example/feed.xml", etag='W/"abc"', last_modified="Fri, 01 May 2026 12:00:00 GMT",
                      next_poll=due, last_polled=due - timedelta(minutes=15), last_status=200, articles=3)
    other = FeedState("https://b.example/rss", failures=2, last_error="HTTP 503 Service Unavailable",
                      next_poll=datetime(2026, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    store.put_feed_state(first)
    store.put_feed_state(other)
    assert store.feed_states() == {first.url: first, other.url: other}

    changed = FeedState(first.url, etag='"def"', next_poll=due + timedelta(hours=1), last_status=304, articles=3)
    store.put_feed_state(changed)
    states = store.feed_states()
    assert states[first.url] == changed and states[other.url] == other and len(states) == 2


def test_feed_state_survives_reopening(store_url: str) -> None:
    state = FeedState("https://c.example/atom", etag='"1"', failures=1, last_error="timed out")
    s = open_store(store_url)
    s.put_feed_state(state)
    s.close()
    s = open_store(store_url)
    try:
        assert s.feed_states() == {state.url: state}
    finally:
        s.close()
