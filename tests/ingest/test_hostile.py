"""Hostile and broken input: one bad record is one Skipped naming ``file#record``; the rest goes on.

Each case here is a failure seen on real input: lone surrogates and giant integers that ended a
whole JSONL file, dates that overflow once their offset is applied, NULs PostgreSQL refuses, texts
spaCy refuses, junk files that became articles, and folder walks that left the folder or opened a FIFO.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from storyline import workflow
from storyline.config import MAX_TEXT_CHARS, Settings
from storyline.ingest import read_inputs
from storyline.ingest.feeds import parse_feed
from storyline.ingest.jsonl import parse_record
from storyline.ingest.meta import Meta, make_article, parse_date, read_date
from storyline.records import Article, Skipped
from storyline.store import open_store

from ..store.conftest import backend, pg_database, store_url  # noqa: F401 - fixtures for the PostgreSQL case


def good(n: int) -> dict[str, object]:
    return {"id": f"g{n}", "title": f"Report {n}",
            "text": f"The council of district {n} voted on Monday to repair the old harbour wall before winter."}  # fmt: skip


def results(inputs: list[str], settings: Settings | None = None) -> tuple[list[Article], list[Skipped]]:
    items = list(read_inputs(inputs, settings or Settings()))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skipped)]


def within(seconds: float, action: Callable[[], object]) -> object:
    """``action()``'s result, failing the test (instead of hanging it) when it takes longer than ``seconds``."""
    box: list[object] = []
    thread = threading.Thread(target=lambda: box.append(action()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"still running after {seconds}s (a hang)"
    return box[0]


# ---------------------------------------------------------------- one bad record, one Skipped


def test_surrogate_and_giant_integer_cost_one_record_each_in_jsonl(tmp_path: Path) -> None:
    lines = [json.dumps(good(n)) for n in range(10)]
    lines.insert(3, '{"id": "s", "text": "The harbour wall \\ud800 was repaired by the council on Monday."}')
    lines.insert(7, '{"id": ' + "7" * 4400 + ', "text": "The harbour wall was repaired by the council."}')
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, skipped = results([str(path)])
    assert len(articles) == 11  # the ten good records and the surrogate one, cleaned
    cleaned = next(a for a in articles if a.external_id == "s")
    assert "\ud800" not in cleaned.text and "\ufffd" in cleaned.text
    assert [s.source for s in skipped] == [f"{path}#8"]
    assert "4400 digits" in skipped[0].reason


def test_bad_records_in_a_json_array_are_skipped_one_by_one(tmp_path: Path) -> None:
    records: list[object] = [good(1), {"id": 2, "text": 5}, good(3)]
    text = json.dumps(records)[:-1] + ', {"id": ' + "9" * 5000 + ', "text": "x"}]'
    path = tmp_path / "wire.json"
    path.write_text(text, encoding="utf-8")
    articles, skipped = results([str(path)])
    assert [a.external_id for a in articles] == ["g1", "g3"]
    assert [s.source for s in skipped] == [f"{path}#2", f"{path}#4"] and "5000 digits" in skipped[1].reason
    path.write_text(json.dumps(records), encoding="utf-8")
    articles, skipped = results([str(path)])
    assert [a.external_id for a in articles] == ["g1", "g3"] and [s.source for s in skipped] == [f"{path}#2"]


def test_nul_and_surrogates_are_cleaned_from_every_string_field() -> None:
    dirty = "\x00Har\ud800bour\x00"
    record = {"id": "id\x00\udfff", "title": dirty, "outlet": dirty, "url": "https://x.example/\x00a\ud800",
              "author": dirty, "language": "e\x00n",
              "text": "The harbour\x00 wall \ud83d was repaired on Monday by the district council."}  # fmt: skip
    article = parse_record(record, "api#\ud800")
    for value in (article.external_id, article.title, article.outlet, article.url, article.author,
                  article.language, article.text, article.source):  # fmt: skip
        assert value is not None
        assert "\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value), repr(value)
        value.encode("utf-8")  # storable and printable
    assert article.external_id == "id\ufffd" and article.title == "Har\ufffdbour"


def test_a_valid_surrogate_pair_sent_as_two_code_points_is_joined() -> None:
    article = make_article("The harbour \ud83d\ude00 wall was repaired on Monday.", Meta(), source="s")
    assert "\U0001f600" in article.text


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_nul_in_a_json_id_is_stored_on_every_backend(tmp_path: Path, store_url: str) -> None:  # noqa: F811
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps(dict(good(1), id="a\x00b")) + "\n" + json.dumps(good(2)) + "\n", encoding="utf-8")
    store = open_store(store_url)
    try:
        summary = workflow.ingest(store, [str(path)], Settings())
        assert len(summary.added) == 2 and summary.skipped == ()
        assert sorted(a.external_id or "" for a in store.articles()) == ["ab", "g2"]
    finally:
        store.close()


# ---------------------------------------------------------------- dates in range


@pytest.mark.parametrize("raw", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+14:00", "1850-05-01", "2999-01-01"])
def test_an_explicit_date_out_of_range_skips_the_record_with_the_reason(raw: str) -> None:
    from storyline.errors import Skip

    with pytest.raises(Skip, match="out of range"):
        parse_record(dict(good(1), published=raw), "wire.jsonl#1")
    assert parse_date(raw) is None
    assert "out of range" in (read_date(raw)[1] or "")


def test_the_year_after_the_offset_is_named() -> None:
    assert "year 10000" in (read_date("9999-12-31T23:59:59-01:00")[1] or "")
    assert "year 0" in (read_date("0001-01-01T00:00:00+14:00")[1] or "")


def test_a_feed_date_out_of_range_is_dropped_and_the_entry_kept() -> None:
    body = " ".join(["The district council voted to repair the harbour wall before the winter storms."] * 10)
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
    <item><title>Wall</title><pubDate>Fri, 31 Dec 9999 23:59:59 -0100</pubDate><description>{body}</description></item>
    </channel></rss>""".encode()
    (article,) = list(parse_feed(rss, "wire.rss", Settings(), allow_private=False))
    assert isinstance(article, Article) and article.published is None


def test_html_meta_date_out_of_range_is_dropped(tmp_path: Path) -> None:
    para = "<p>" + "The district council voted on Monday to repair the harbour wall before the storms. " * 3 + "</p>"
    page = (f'<html><head><title>Wall</title><meta property="article:published_time" '
            f'content="9999-12-31T23:59:59-01:00"></head><body><article>{para * 3}</article></body></html>')  # fmt: skip
    (tmp_path / "wall.html").write_text(page, encoding="utf-8")
    (article,), _ = results([str(tmp_path / "wall.html")])
    assert article.published is None


# ---------------------------------------------------------------- text length


def test_a_text_over_the_cap_is_skipped_naming_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    huge = ("word " * (MAX_TEXT_CHARS // 5 + 10)).strip()
    path.write_text(json.dumps({"id": 1, "text": huge}) + "\n" + json.dumps(good(2)) + "\n", encoding="utf-8")
    articles, skipped = results([str(path)], Settings(max_file_bytes=10_000_000))
    assert [a.external_id for a in articles] == ["g2"]
    assert skipped[0].source == f"{path}#1" and f"limit {MAX_TEXT_CHARS}" in skipped[0].reason


@pytest.mark.parametrize("data", [b"x", b"ab", b"\xff", b"a\nb", b"1234567", b"{}", b"hi there"])
def test_tiny_junk_files_are_not_articles(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "junk.txt").write_bytes(data)
    (tmp_path / "junk.md").write_bytes(data)
    articles, skipped = results([str(tmp_path / "junk.txt"), str(tmp_path / "junk.md")])
    assert articles == [] and len(skipped) == 2


# ---------------------------------------------------------------- folder walks


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("Wall repaired\n\nThe council repaired the harbour wall on Monday.", encoding="utf-8")
    outside = tmp_path / "passwd.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                       "bin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\n", "utf-8")
    (root / "secret.txt").symlink_to(outside)
    (root / "inner.txt").symlink_to(root / "a.txt")  # a link inside the folder is part of it
    return root


def test_a_link_out_of_the_folder_is_skipped_unless_follow_links(folder: Path) -> None:
    articles, skipped = results([str(folder)])
    assert sorted(Path(a.source).name for a in articles) == ["a.txt", "inner.txt"]
    (skip,) = skipped
    assert skip.source == str(folder / "secret.txt") and "outside" in skip.reason and "follow" in skip.reason
    articles, skipped = results([str(folder)], Settings(follow_links=True))
    assert sorted(Path(a.source).name for a in articles) == ["a.txt", "inner.txt", "secret.txt"] and skipped == []


def test_links_to_folders_are_followed_once_with_follow_links(folder: Path, tmp_path: Path) -> None:
    (folder / "loop").symlink_to(folder)
    articles, skipped = within(20, lambda: results([str(folder)], Settings(follow_links=True)))  # type: ignore[misc]
    assert sorted(Path(a.source).name for a in articles) == ["a.txt", "inner.txt", "secret.txt"]


def test_special_files_are_named_and_never_opened(folder: Path, tmp_path: Path) -> None:
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    sock = socket.socket(socket.AF_UNIX)
    sock_path = tmp_path / "s.sock"
    sock.bind(str(sock_path))
    (folder / "sock.jsonl").symlink_to(sock_path)
    try:
        articles, skipped = within(20, lambda: results([str(folder)], Settings(follow_links=True)))  # type: ignore[misc]
        reasons = {Path(s.source).name: s.reason for s in skipped}
        assert "FIFO" in reasons["pipe.txt"] and "character device" in reasons["zero.txt"]
        assert "socket" in reasons["sock.jsonl"]
        assert len(articles) == 3
        # named directly, too
        named = [str(folder / "pipe.txt"), str(folder / "zero.txt")]
        articles, skipped = within(20, lambda: results(named))  # type: ignore[misc]
        assert articles == [] and all("not a regular file" in s.reason for s in skipped)
    finally:
        sock.close()


def test_a_huge_file_is_skipped_by_its_size(folder: Path) -> None:
    with (folder / "big.txt").open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: no disk, but a size a read would have to hold
    articles, skipped = results([str(folder)], Settings(max_file_bytes=1_000_000))
    assert any(s.source.endswith("big.txt") and "too large" in s.reason for s in skipped)


# ---------------------------------------------------------------- time budgets


def test_a_paragraph_with_200000_attributes_is_read_in_seconds(tmp_path: Path) -> None:
    import time

    attrs = " ".join(f'a{i}="v"' for i in range(200_000))
    para = "<p>" + "The harbour council voted on Monday to rebuild the ferry terminal after years of delay. " * 4
    path = tmp_path / "attrs.html"
    path.write_text(f"<html><body><article><p {attrs}>Ferry.</p>{para}</p></article></body></html>", "utf-8")
    started = time.monotonic()
    (article,), _ = within(60, lambda: results([str(path)], Settings(max_file_bytes=5_000_000)))  # type: ignore[misc]
    assert time.monotonic() - started < 10
    assert "ferry terminal" in article.text


def test_a_feed_of_slow_links_stops_fetching_when_its_budget_is_spent(server, article_html: bytes) -> None:  # type: ignore[no-untyped-def]
    import time

    from .conftest import Reply

    items = ""
    for n in range(6):
        server.routes[f"/a{n}"] = Reply(200, article_html, {"Content-Type": "text/html"}, delay=0.6)
        items += f"<item><title>Story {n}</title><link>{server.url(f'/a{n}')}</link><description>Short.</description></item>"
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'.encode()
    budget = Settings(fetch_timeout=5.0, feed_fetch_budget=1.0)
    started = time.monotonic()
    out = list(parse_feed(rss, "wire.rss", budget, allow_private=True))
    elapsed = time.monotonic() - started
    assert elapsed < 3.5, elapsed  # without the budget: 6 x 0.6 s
    articles = [a for a in out if isinstance(a, Article)]
    skipped = [s for s in out if isinstance(s, Skipped)]
    assert 1 <= len(articles) <= 3 and len(articles) + len(skipped) == 6
    # the fetch running when the budget ends gets only the time left (it may time out); later ones are not tried
    assert all("budget" in s.reason or "timed out" in s.reason for s in skipped)
    assert "budget" in skipped[-1].reason and skipped[-1].source == server.url("/a5")
