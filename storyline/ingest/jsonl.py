"""Articles from JSON: ``.json`` (one object, or a list of objects) and ``.jsonl`` (one object a line).

Record fields (all optional except a body): ``id`` (kept verbatim as a string in
``external_id``), ``outlet``, ``url``, ``published``, ``title``, ``author``,
``language``, and ``text`` or ``html`` (``text`` wins when both are given; ``html``
goes through :mod:`storyline.ingest.html`, and the record's own fields beat what the
page says). Unknown fields are ignored. JSON is machine-written, so a field of the
wrong type or a ``published`` that is not a date skips the record with the reason
rather than being guessed around.

Sources: ``file.jsonl#<line>`` (1-based line), ``file.json#<n>`` (1-based position in a
list), or the path itself for a single-object ``.json``. A bad record is a
:class:`Skipped` for that record; the rest of the file goes on. ``.jsonl`` is read a
line at a time, so ``max_file_bytes`` limits each line there, and the whole file for
``.json``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..config import Settings
from ..errors import Skip
from ..records import Article, Skipped
from .files import decode_bytes, open_regular, read_limited
from .html import article_from_html
from .meta import Meta, make_article, read_date

JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_STRING_FIELDS = ("outlet", "url", "title", "author", "language", "text", "html")
#: The most digits a JSON integer may have. Python refuses to convert more than 4,300 (a guard
#: against quadratic time); no real id or count needs a tenth of this.
MAX_INT_DIGITS = 400


class _BadNumber:
    """A JSON number this reader refuses (too many digits, NaN, Infinity), kept in place of its value.

    Refusing it inside the parser would fail the whole document (a ``.json`` list of a
    thousand records), so the record that holds it is skipped instead, naming the field.
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _int(text: str) -> int | _BadNumber:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_INT_DIGITS else _BadNumber(f"a number with {digits} digits (limit {MAX_INT_DIGITS})")


def _constant(text: str) -> _BadNumber:
    return _BadNumber(f"{text}, which is not a JSON number")


def loads(text: str | bytes) -> object:
    """``json.loads`` where integers over :data:`MAX_INT_DIGITS` digits, NaN and Infinity become :class:`_BadNumber`.

    Raises :class:`Skip` with the reason for anything that is not usable JSON.
    """
    try:
        return json.loads(text, parse_int=_int, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise Skip(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise Skip("not usable JSON: nested too deeply") from exc
    except ValueError as exc:  # e.g. Python's own integer-size guard
        raise Skip(f"not usable JSON: {exc}") from exc


def parse_record(record: object, source: str) -> Article:
    """One article from a decoded JSON value; raises :class:`Skip` naming the bad field."""
    if not isinstance(record, dict):
        raise Skip(f"record is a JSON {_kind(record)}, not an object", item=source)
    for name in ("id", "published", *_STRING_FIELDS):
        value = record.get(name)
        if isinstance(value, _BadNumber):
            raise Skip(f"field {name!r} is {value.reason}", item=source)
    for name in _STRING_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise Skip(f"field {name!r} must be a string, got {_kind(value)}", item=source)
    raw_id = record.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, float))):
        raise Skip(f"field 'id' must be a string or number, got {_kind(raw_id)}", item=source)
    raw_date = record.get("published")
    published, problem = read_date(raw_date)
    if problem is not None:
        hint = "use ISO 8601" if problem == "is not a date" else "check the date, or leave 'published' out"
        raise Skip(f"field 'published' {problem}: {str(raw_date)[:60]!r}", item=source, hint=hint)
    meta = Meta(
        title=record.get("title"),
        outlet=record.get("outlet"),
        url=record.get("url"),
        author=record.get("author"),
        published=published,
        language=record.get("language"),
        external_id=None if raw_id is None else str(raw_id),
    )
    text = record.get("text")
    if text and text.strip():
        return make_article(text, meta, source=source)
    html = record.get("html")
    if html and html.strip():
        return article_from_html(html, source=source, url=meta.url, given=meta)
    raise Skip("record has no 'text' or 'html'", item=source)


def _kind(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _one(record: object, source: str) -> Article | Skipped:
    """One record's result: a bad record, even one that trips a bug, is a :class:`Skipped` for that record only."""
    try:
        return parse_record(record, source)
    except Skip as exc:
        return Skipped(source, exc.message)
    except Exception as exc:  # noqa: BLE001 - a parser bug must cost this record, never the rest of the file
        logging.getLogger(__name__).exception("unexpected error while reading %s", source)
        return Skipped(source, f"internal error while reading ({type(exc).__name__}); please report it")


def parse_json(data: bytes, source: str) -> Iterator[Article | Skipped]:
    """Articles from the bytes of a ``.json`` file (an object or a list of objects)."""
    text = decode_bytes(data, source)
    try:
        value = loads(text)
    except Skip as exc:
        raise Skip(exc.message, item=source) from exc
    if isinstance(value, list):
        if not value:
            raise Skip("JSON list is empty", item=source)
        for number, record in enumerate(value, start=1):
            yield _one(record, f"{source}#{number}")
    else:
        yield _one(value, source)


def parse_jsonl(lines: Iterable[bytes], source: str, *, max_line_bytes: int) -> Iterator[Article | Skipped]:
    """Articles from ``.jsonl`` lines; each malformed line becomes a :class:`Skipped` ``source#line``."""
    seen = False
    for number, raw in enumerate(lines, start=1):
        where = f"{source}#{number}"
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        seen = True
        if len(raw) > max_line_bytes:
            yield Skipped(where, f"line too long ({len(raw)} bytes, limit {max_line_bytes})")
            continue
        try:
            value = loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield Skipped(where, f"line is not UTF-8: {exc.reason} at byte {exc.start}")
            continue
        except Skip as exc:
            yield Skipped(where, exc.message.replace(" at line 1 column", " at column"))
            continue
        yield _one(value, where)
    if not seen:
        raise Skip("empty file", item=source)


def read_json_file(path: Path, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles from a ``.json`` file; raises :class:`Skip` when the file as a whole is unusable."""
    return parse_json(read_limited(path, settings), str(path))


def read_jsonl_file(path: Path, settings: Settings) -> Iterator[Article | Skipped]:
    """Articles from a ``.jsonl`` file, streamed a line at a time."""
    source = str(path)
    handle = open_regular(path, None)  # lines are capped one by one below
    with handle:
        head = handle.read(8192)
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Skip("binary file (contains NUL bytes)", item=source)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Skip("JSON Lines must be UTF-8, this file is UTF-16", item=source, hint="re-save it as UTF-8")
        handle.seek(0)
        yield from parse_jsonl(_bounded_lines(handle, settings.max_file_bytes), source,
                               max_line_bytes=settings.max_file_bytes)


def _bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes]:
    """Lines, never holding more than ``limit + 1`` bytes of one: a longer line is cut (and then skipped)."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # discard the rest of the over-long line
                more = handle.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
        yield line
