"""Metadata shared by every input format: dates, the article's fields, and building the Article.

Every reader (plain files, HTML, JSON, feeds) ends in :func:`make_article`, so the
rules for ids, titles, texts, strings and time zones live in one place:

* **Strings.** Every string field (id, title, outlet, url, author, language, text, source)
  loses NUL characters (PostgreSQL refuses them in text) and has lone UTF-16 surrogates
  (``"\\ud800"`` escapes in JSON, undecodable file names) replaced by U+FFFD, so no record
  can fail later when it is hashed, stored or printed. A metadata field longer than
  :data:`MAX_FIELD_CHARS` is dropped (it is a text pasted in the wrong field); an ``id``
  that long skips the record, since the id is how the user finds it again.
* **Text length.** A text shorter than ``MIN_TEXT_CHARS`` characters or ``MIN_TEXT_WORDS``
  words is junk (a stray byte, a placeholder) and is skipped; one longer than
  ``MAX_TEXT_CHARS`` is skipped naming the cap (the reading stage could not parse it).
  The caps are in :mod:`storyline.config`.
* **Publication dates** must fall between :data:`EARLIEST_PUBLISHED` (1900) and
  :data:`LATEST_PUBLISHED` (2200), measured in UTC after the date's own offset is applied (so
  ``9999-12-31T23:59:59-01:00``, which is year 10000 in UTC, is out of range). What
  happens to a date outside that range depends on who wrote it, as a journalist would
  expect: a date the user gave explicitly (a JSON record's or the API's ``published``,
  front matter) skips the record with the reason, exactly like a ``published`` that is
  not a date, so the typo is seen and fixed rather than the article silently losing its
  place on the timeline; a date a publisher's markup gave (feed entries, HTML meta tags,
  htmldate's page search) is dropped with a logged warning and the article is kept
  undated: the report is still news, and no date is better than a wrong one.
"""

from __future__ import annotations

import email.utils
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import dateparser

from ..config import MAX_TEXT_CHARS, MIN_TEXT_CHARS, MIN_TEXT_WORDS
from ..errors import Skip
from ..records import Article

#: The earliest publication date accepted (UTC). Digitised archives reach back into the 1900s;
#: anything earlier in news metadata is a placeholder (0001-01-01) or a parsing accident.
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=UTC)
#: The latest publication date accepted (UTC). Not tied to today: archives of scenario exercises, fiction and
#: test corpora are dated years ahead and are still news to their readers; what must be refused is a placeholder
#: (9999-12-31) or a date that overflows once its offset is applied.
LATEST_PUBLISHED = datetime(2200, 1, 1, tzinfo=UTC)
#: The longest title, outlet, author, language, URL or id kept, in characters. Real values are
#: under 300 (URLs under 2,000, the practical browser limit); longer is body text in the wrong field.
MAX_FIELD_CHARS = 4_000
_SURROGATES = re.compile("[\ud800-\udfff]")
log = logging.getLogger(__name__)

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
    """A timezone-aware datetime from a metadata value, or ``None`` when it is not a date in range.

    Accepts datetimes, dates, ISO 8601 / RFC 2822 strings (fast paths) and anything
    ``dateparser`` understands. A naive value (no offset given) is taken to be **UTC**:
    feeds and JSON exports that omit the zone almost always mean server time in UTC,
    and a fixed rule keeps ids and timelines reproducible. A bare date becomes midnight UTC.
    A date outside the accepted range (module docstring) is ``None`` too, with a logged
    warning; :func:`read_date` says why instead.
    """
    parsed, problem = read_date(value)
    if problem is not None and "out of range" in problem:
        log.warning("publication date dropped: %s", problem)
    return parsed


def read_date(value: object, *, now: datetime | None = None) -> tuple[datetime | None, str | None]:
    """``(date, None)`` for a usable date, ``(None, reason)`` otherwise (``(None, None)`` when nothing was given).

    The reason says whether the value is no date at all or a date out of the accepted range.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    parsed = _parse_any(value)
    if parsed is None:
        return None, "is not a date"
    problem = date_problem(parsed, now=now)
    return (None, problem) if problem else (parsed, None)


def date_problem(value: datetime, *, now: datetime | None = None) -> str | None:
    """Why ``value`` (aware) is not a plausible publication date, or ``None`` when it is."""
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        year = value.year + (1 if (value.utcoffset() or timedelta()) < timedelta() else -1)
        return f"{value.isoformat()} is out of range (year {year} in UTC after its time zone offset)"
    if utc < EARLIEST_PUBLISHED:
        return f"{value.isoformat()} is out of range (before {EARLIEST_PUBLISHED.year})"
    if utc >= LATEST_PUBLISHED:
        return f"{value.isoformat()} is out of range (after {LATEST_PUBLISHED.year - 1})"
    return None


def _parse_any(value: object) -> datetime | None:
    """Any date-like value as an aware datetime, without the range check."""
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
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
    # a day and a year are required, so a date has at least two groups of digits ("17 April 2025");
    # this keeps words like "yesterday" away from dateparser's slow language search
    if parsed is None and len(_DIGIT_GROUPS.findall(text)) >= 2:
        try:
            parsed = dateparser.parse(
                text, languages=list(DATE_LANGUAGES), settings=_DATEPARSER_SETTINGS  # type: ignore[arg-type]
            )
        except Exception:  # noqa: BLE001 - a third-party parser on untrusted text: any failure means "no date"
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


def safe_text(value: str) -> str:
    """``value`` without NUL characters and with lone surrogates replaced by U+FFFD (see the module docstring).

    A surrogate pair that arrived as two code points is joined into the character it encodes.
    """
    if "\x00" in value:
        value = value.replace("\x00", "")
    if _SURROGATES.search(value):
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return value


def clean(value: object) -> str | None:
    """A stripped, single-spaced :func:`safe_text`, or ``None`` when empty or not a string."""
    if not isinstance(value, str):
        return None
    value = " ".join(safe_text(value).split())
    return value or None


def _field(value: str | None, name: str, source: str) -> str | None:
    """A cleaned metadata field; one longer than :data:`MAX_FIELD_CHARS` is dropped with a logged warning."""
    value = clean(value)
    if value is not None and len(value) > MAX_FIELD_CHARS:
        log.warning("%s: %s dropped (%d characters, limit %d)", safe_text(source), name, len(value), MAX_FIELD_CHARS)
        return None
    return value


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
    text = safe_text(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def make_article(text: str, meta: Meta, *, source: str, ingested_at: datetime | None = None) -> Article:
    """The one way readers build an :class:`Article`; raises :class:`Skip` when the text or id is unusable.

    Applies the string, length and date rules of the module docstring.
    """
    source = safe_text(source)
    if len(text) > 4 * MAX_TEXT_CHARS:  # so far over the cap that no whitespace trimming could bring it under
        raise Skip(f"text too long ({len(text)} characters, limit {MAX_TEXT_CHARS})", item=source,
                   hint="split it into separate articles")  # fmt: skip
    body = normalize_body(text)
    if not body:
        raise Skip("no article text", item=source, hint="the input has metadata but an empty body")
    if len(body) > MAX_TEXT_CHARS:
        raise Skip(f"text too long ({len(body)} characters, limit {MAX_TEXT_CHARS})", item=source,
                   hint="split it into separate articles")  # fmt: skip
    words = len(body.split())
    if len(body) < MIN_TEXT_CHARS or words < MIN_TEXT_WORDS:
        raise Skip(
            f"text too short to be an article ({len(body)} characters, {words} words; "
            f"at least {MIN_TEXT_CHARS} characters and {MIN_TEXT_WORDS} words)",
            item=source,
        )
    external_id = safe_text(meta.external_id) if meta.external_id is not None else None
    if external_id is not None and len(external_id) > MAX_FIELD_CHARS:
        raise Skip(f"id too long ({len(external_id)} characters, limit {MAX_FIELD_CHARS})", item=source)
    url = _field(meta.url, "url", source)
    published = meta.published
    if published is not None and (problem := date_problem(published)) is not None:
        log.warning("%s: publication date dropped: %s", source, problem)
        published = None
    return Article(
        id=Article.make_id(body, url),
        text=body,
        title=_field(meta.title, "title", source),
        outlet=_field(meta.outlet, "outlet", source),
        url=url,
        author=_field(meta.author, "author", source),
        published=published,
        language=_field(meta.language, "language", source),
        external_id=external_id or None,
        source=source,
        ingested_at=ingested_at or datetime.now(UTC),
    )
