"""Articles from RSS 2.0 / Atom feeds (a file or a fetched URL), with feedparser.

For each entry: when the feed carries a substantial body (``content:encoded``, Atom
``content``, or a long ``description``; at least :data:`MIN_FULL_TEXT_WORDS` words)
that body is the article. Otherwise the entry's link is fetched through
:mod:`storyline.ingest.web` and the page's main text is used; if that fetch fails the
entry is skipped with the reason (a summary-only stub would later collide with the
full article). An entry with neither a link nor a long body keeps its short text:
nothing better exists.

Fetching linked pages is bounded per feed by ``settings.feed_fetch_budget`` seconds
(``FEED_FETCH_BUDGET`` in :mod:`storyline.config`): each fetch gets at most the time left,
and once the budget is spent the remaining entries that need their page are skipped with
that reason (entries whose full text is in the feed are still read). A dead link costs up
to ``fetch_timeout``; without the budget a feed of fifty dead links took over twelve minutes.

Sources: ``feed#<n>`` (1-based entry position) for text taken from the feed,
the page URL for text taken from the linked page.

feedparser sets ``bozo`` for any irregularity, from a wrong declared encoding to
broken XML. A bozo feed that still yielded entries is used (its entries are
usually fine); one with no entries is skipped as malformed, with feedparser's reason.
"""

from __future__ import annotations

import calendar
import dataclasses
import logging
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx

from ..config import Settings
from ..errors import InputError, Skip
from ..records import Article, Skipped
from .files import read_limited
from .html import extract_html, html_to_text
from .meta import Meta, clean, make_article, parse_date
from .web import fetch, is_url

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
# A feed summary is one to three sentences; a full article is longer. 80 words sits between.
MIN_FULL_TEXT_WORDS = 80


def parse_feed(
    data: bytes,
    source: str,
    settings: Settings,
    *,
    allow_private: bool,
    client: httpx.Client | None = None,
) -> Iterator[Article | Skipped]:
    """Articles from the bytes of a feed; raises :class:`Skip` when the feed as a whole is unusable.

    ``allow_private`` and ``client`` are passed on to :func:`storyline.ingest.web.fetch`
    for entries whose link must be fetched.
    """
    if not data.strip():
        raise Skip("empty feed", item=source)
    try:
        parsed = feedparser.parse(data)  # bytes: never a URL or a file name to feedparser
    except Exception as exc:  # feedparser wraps most errors in bozo; anything escaping is this feed's fault
        raise Skip(f"malformed feed: {type(exc).__name__}: {exc}", item=source) from exc
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            reason = parsed.get("bozo_exception")
            raise Skip(f"malformed feed: {_describe(reason)}", item=source, hint="is it RSS 2.0 or Atom XML?")
        if not parsed.get("version"):
            raise Skip("not an RSS or Atom feed", item=source)
        raise Skip("feed has no entries", item=source)
    outlet = clean((parsed.get("feed") or {}).get("title"))
    note = f" (the feed is malformed: {_describe(parsed.get('bozo_exception'))})" if parsed.get("bozo") else ""
    deadline = time.monotonic() + settings.feed_fetch_budget
    for number, entry in enumerate(entries, start=1):
        where = f"{source}#{number}"
        try:
            yield _entry(entry, where, outlet, settings, allow_private, client, deadline)
        except InputError as exc:
            yield Skipped(exc.item or where, exc.message + note)
        except Exception as exc:  # noqa: BLE001 - a parser bug must cost this entry, never the rest of the feed
            logging.getLogger(__name__).exception("unexpected error while reading %s", where)
            yield Skipped(where, f"internal error while reading ({type(exc).__name__}); please report it")


def _describe(reason: object) -> str:
    text = str(reason or "unknown error")
    return text if len(text) <= 200 else text[:200] + "…"


def _entry(
    entry: Any,
    where: str,
    outlet: str | None,
    settings: Settings,
    allow_private: bool,
    client: httpx.Client | None,
    deadline: float,
) -> Article:
    link = clean(entry.get("link"))
    link = link if link and is_url(link) else None
    meta = Meta(
        title=clean(entry.get("title")),
        outlet=outlet,
        url=link,
        author=clean(entry.get("author")),
        published=_published(entry),
        external_id=clean(entry.get("id")),
    )
    body = _best_body(entry, where)
    if _words(body) >= MIN_FULL_TEXT_WORDS:
        return make_article(body, meta, source=where)
    if link:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Skip(
                f"entry has no full text and the feed's {settings.feed_fetch_budget:g} s budget for fetching "
                "linked pages is spent; not fetched",
                item=link,
                hint="ingest the link on its own, or raise feed_fetch_budget",
            )
        if left < settings.fetch_timeout:
            settings = dataclasses.replace(settings, fetch_timeout=left)
        try:
            page = fetch(link, settings, allow_private=allow_private, client=client)
        except InputError as exc:
            raise Skip(f"entry has no full text and its page could not be fetched: {exc.message}", item=link) from exc
        if page.kind != "html":
            raise Skip(f"entry has no full text and its link is not a web page ({page.content_type})", item=link)
        content = extract_html(page.body, url=page.final_url, source=link, charset=page.charset)
        # the entry's own fields win; the page's site name beats the feed title (feeds name sections)
        given = Meta(title=meta.title, author=meta.author, published=meta.published, external_id=meta.external_id)
        merged = given.over(content.meta).over(Meta(outlet=outlet, url=page.final_url))
        return make_article(content.text, merged, source=link)
    if body:
        return make_article(body, meta, source=where)
    raise Skip("feed entry has no text and no link", item=where)


def _best_body(entry: Any, where: str) -> str:
    """The longest text among the entry's content blocks and its summary, as plain text."""
    candidates: list[tuple[str, str]] = []
    for block in entry.get("content") or []:
        candidates.append((block.get("value") or "", block.get("type") or "text/html"))
    summary = entry.get("summary_detail") or {}
    candidates.append((entry.get("summary") or "", summary.get("type") or "text/html"))
    best = ""
    for value, kind in candidates:
        if not value.strip():
            continue
        text = _as_text(value, kind, where)
        if len(text) > len(best):
            best = text
    return best


def _as_text(value: str, kind: str, where: str) -> str:
    if "html" not in kind:
        return value.strip()
    if _words(value) >= MIN_FULL_TEXT_WORDS:  # a full article: let trafilatura drop embedded clutter
        try:
            return extract_html(f"<html><body><article>{value}</article></body></html>", source=where).text
        except InputError:
            pass
    return html_to_text(value)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _published(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        parsed = parse_date(entry.get(key))
        if parsed is not None:
            return parsed
        struct = entry.get(f"{key}_parsed")  # feedparser's own parse, already in UTC
        if struct:
            try:
                return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def read_feed_file(path: Path, settings: Settings, *, allow_private: bool) -> Iterator[Article | Skipped]:
    """Articles from a saved feed (``.rss``, ``.atom``, ``.xml``)."""
    return parse_feed(read_limited(path, settings), str(path), settings, allow_private=allow_private)
