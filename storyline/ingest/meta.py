"""Metadata shared by every input format: dates, the article's fields, and building the Article.

Every reader (plain files, HTML, JSON, feeds) ends in :func:`make_article`, so the
rules for ids, titles, empty texts and time zones live in one place.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

import dateparser

from ..errors import Skip
from ..records import Article

# dateparser settings for metadata strings (not article text: the read stage handles that).
# Relative expressions ("yesterday") are left out on purpose: a metadata field has no
# anchor to resolve them against, and guessing "now" would date old articles today.
# A date without a day (e.g. "March 2025") is refused rather than padded to a made-up day.
_DATEPARSER_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
}
# dateparser tries every one of its ~200 locales on a string no language claims, which costs
# about 11 s the first time in a process. Limiting it to the languages most news is written in
# bounds that to ~3 s once (then milliseconds). ISO 8601 and RFC 2822 dates never reach it.
DATE_LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "da", "sv", "nb", "fi", "pl", "cs", "ru", "uk", "tr", "el", "ar",
    "zh", "ja",
)  # fmt: skip
_DIGIT_GROUPS = re.compile(r"\d+")


def parse_date(value: object) -> datetime | None:
    """A timezone-aware datetime from a metadata value, or ``None`` when it is not a date.

    Accepts datetimes, dates, ISO 8601 / RFC 2822 strings (fast paths) and anything
    ``dateparser`` understands. A naive value (no offset given) is taken to be **UTC**:
    feeds and JSON exports that omit the zone almost always mean server time in UTC,
    and a fixed rule keeps ids and timelines reproducible. A bare date becomes midnight UTC.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:  # metadata dates are short; long strings are not dates
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        parsed = None
    if parsed is None and re.match(r"^[A-Za-z]{3},? ", text):  # RFC 2822, as in RSS <pubDate>
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    # a day and a year are required, so a date has at least two groups of digits ("17 April 2025");
    # this keeps words like "yesterday" away from dateparser's slow language search
    if parsed is None and len(_DIGIT_GROUPS.findall(text)) >= 2:
        try:
            parsed = dateparser.parse(
                text, languages=list(DATE_LANGUAGES), settings=_DATEPARSER_SETTINGS  # type: ignore[arg-type]
            )
        except (ValueError, TypeError, OverflowError, AttributeError, KeyError):
            parsed = None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Meta:
    """The optional article fields an input may carry; ``None`` means "not given"."""

    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    external_id: str | None = None

    def over(self, other: Meta) -> Meta:
        """These fields, with gaps filled from ``other`` (explicit input beats extracted metadata)."""
        return Meta(
            title=self.title or other.title,
            outlet=self.outlet or other.outlet,
            url=self.url or other.url,
            author=self.author or other.author,
            published=self.published or other.published,
            language=self.language or other.language,
            external_id=self.external_id or other.external_id,
        )


def clean(value: object) -> str | None:
    """A stripped string without NUL characters (PostgreSQL refuses them), or ``None`` when empty."""
    if not isinstance(value, str):
        return None
    value = " ".join(value.replace("\x00", "").split())
    return value or None


def host_outlet(url: str | None) -> str | None:
    """The host name of ``url`` without ``www.``: the outlet when a page names none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def normalize_body(text: str) -> str:
    """Unify line ends and trim; keep paragraphs (offsets later point into this string)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def make_article(text: str, meta: Meta, *, source: str, ingested_at: datetime | None = None) -> Article:
    """The one way readers build an :class:`Article`; raises :class:`Skip` when there is no text."""
    body = normalize_body(text)
    if not body:
        raise Skip("no article text", item=source, hint="the input has metadata but an empty body")
    return Article(
        id=Article.make_id(body, meta.url),
        text=body,
        title=clean(meta.title),
        outlet=clean(meta.outlet),
        url=clean(meta.url),
        author=clean(meta.author),
        published=meta.published,
        language=clean(meta.language),
        external_id=meta.external_id,
        source=source,
        ingested_at=ingested_at or datetime.now(UTC),
    )
