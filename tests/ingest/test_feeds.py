"""RSS and Atom feeds: full text from the feed, or fetched from the entry's link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storyline.config import Settings
from storyline.errors import Skip
from storyline.ingest import read_inputs
from storyline.ingest.feeds import parse_feed, read_feed_file
from storyline.records import Article, Skipped

from .conftest import FIXTURES, LocalServer, Reply, html_reply


def test_rss_full_text_from_content_encoded(settings: Settings) -> None:
    path = FIXTURES / "rss_full.xml"
    full, short = list(read_feed_file(path, settings, allow_private=False))
    assert isinstance(full, Article) and isinstance(short, Article)
    assert full.text.startswith("The Vesterhaven orchard cooperative has bought the disused cannery")
    assert "hire twelve people" in full.text
    assert "FEEDCAPTION" not in full.text
    assert full.title == "Orchard cooperative buys the old cannery"
    assert full.outlet == "Vesterhaven Courier"
    assert full.author == "Pella Hausmann"
    assert full.url == "https://courier.example/2025/06/cannery"
    assert full.external_id == "courier-20250603-0012"
    assert full.published == datetime(2025, 6, 3, 5, 30, tzinfo=UTC)
    assert full.published.utcoffset() == timedelta(hours=2)
    assert full.source == f"{path}#1"
    # no link, short description: the short text is all there is, so it is kept
    assert short.text == "Northsound Lines keeps its winter schedule through August, the operator said on Wednesday."
    assert short.source == f"{path}#2"


def test_atom_entry_naive_time_is_utc(settings: Settings) -> None:
    (article,) = read_feed_file(FIXTURES / "atom.xml", settings, allow_private=False)
    assert isinstance(article, Article)
    assert article.outlet == "Brennmoor Evening Post"
    assert article.author == "Gustav Ilvane"
    assert article.published == datetime(2025, 9, 12, 16, 20, tzinfo=UTC)
    assert article.published.tzinfo is not None
    assert article.text.count("\n") == 3  # four paragraphs kept apart
    assert "freeze-drying" in article.text


def summary_feed(base: str) -> bytes:
    return f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbor Desk</title>
<item><title>Ferry terminal to be rebuilt</title><link>{base}/news/ferry</link>
<description>The council voted seven to two.</description><pubDate>Thu, 17 Apr 2025 07:00:00 GMT</pubDate></item>
<item><title>Gone</title><link>{base}/news/gone</link><description>Short.</description></item>
<item><title>A photo</title><link>{base}/photo.jpg</link><description>Short.</description></item>
</channel></rss>""".encode()


def test_summary_only_entries_fetch_their_link(server: LocalServer, settings: Settings, article_html: bytes) -> None:
    server.routes["/news/ferry"] = html_reply(article_html)
    server.routes["/photo.jpg"] = Reply(200, b"\xff\xd8\xff" + b"\x00" * 32, {"Content-Type": "image/jpeg"})
    fetched, gone, photo = parse_feed(summary_feed(server.base), "desk.xml", settings, allow_private=True)
    assert isinstance(fetched, Article)
    assert fetched.source == server.url("/news/ferry")
    assert fetched.text.startswith("The Carrow harbor council voted seven to two")
    assert fetched.title == "Ferry terminal to be rebuilt"  # the entry's own title wins
    assert fetched.outlet == "The Carrow Ledger"  # the page's site name beats the feed title
    assert fetched.published == datetime(2025, 4, 17, 7, 0, tzinfo=UTC)
    assert isinstance(gone, Skipped) and gone.source == server.url("/news/gone")
    assert "HTTP 404" in gone.reason
    assert isinstance(photo, Skipped) and "image/jpeg" in photo.reason


def test_feed_link_fetch_respects_the_ssrf_guard(server: LocalServer, settings: Settings, article_html: bytes) -> None:
    server.routes["/news/ferry"] = html_reply(article_html)
    first, *_ = parse_feed(summary_feed(server.base), "desk.xml", settings, allow_private=False)
    assert isinstance(first, Skipped) and "non-public" in first.reason
    assert server.hits == []


def test_feed_from_url(server: LocalServer, settings: Settings) -> None:
    server.routes["/rss"] = Reply(
        200, (FIXTURES / "rss_full.xml").read_bytes(), {"Content-Type": "application/rss+xml; charset=utf-8"}
    )
    results = list(read_inputs([server.url("/rss")], settings, allow_private=True))
    assert [type(r) for r in results] == [Article, Article]
    assert results[0].source == server.url("/rss") + "#1"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>&&&<<', "malformed feed"),
        (b"not xml at all, just words", "malformed feed"),
        (b'<?xml version="1.0"?><catalog><book>Not a feed</book></catalog>', "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>', "no entries"),
        (b"  \n", "empty"),
    ],
)
def test_unusable_feeds_are_skipped(settings: Settings, data: bytes, reason: str) -> None:
    with pytest.raises(Skip, match=reason):
        list(parse_feed(data, "f.xml", settings, allow_private=False))


def test_bozo_feed_with_entries_is_still_used(settings: Settings) -> None:
    text = (FIXTURES / "rss_full.xml").read_text(encoding="utf-8")
    truncated = text[: text.index("<item>", text.index("</item>"))] + "<item><title>Cut"  # second item cut off
    results = list(parse_feed(truncated.encode(), "cut.xml", settings, allow_private=False))
    assert isinstance(results[0], Article) and "cider press" in results[0].text
    assert all(isinstance(r, Skipped) and "malformed" in r.reason for r in results[1:])


def test_broken_feed_file_through_read_inputs(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_bytes((FIXTURES / "broken_feed.xml").read_bytes())
    results = list(read_inputs([str(path)], settings))
    assert results and all(isinstance(r, Skipped) for r in results)
    assert "malformed" in results[0].reason
