"""Plain-text and Markdown articles (``.txt``, ``.md``), and byte decoding for every file reader.

A text file is one article. It may open with a front-matter block::

    ---
    title: Harbor council approves ferry terminal rebuild
    outlet: The Carrow Ledger
    url: https://ledger.example/news/ferry
    published: 2025-04-17T08:45:00+02:00
    author: Mirela Ostrander
    id: ledger-4471
    ---
    The Carrow harbor council voted ...

Front matter is read as simple ``key: value`` lines, not full YAML: news titles are
full of colons ("Mayor: no new taxes"), which strict YAML rejects, and we need no
nesting. Values may be wrapped in matching quotes. Known keys: title, outlet, url,
published (or date), author, id (kept verbatim as ``external_id``), language (or lang).
Other keys are ignored. Without front matter the first non-empty line is the title
(Markdown ``#`` marks removed) when it is short and more text follows; otherwise the
article has no title.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

from ..config import Settings
from ..errors import Skip
from ..records import Article
from .meta import Meta, clean, make_article, read_date

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})

_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAX_TITLE = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)


def file_kind(mode: int) -> str | None:
    """What a non-regular file is ("FIFO", "character device", ...), or ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in (
        (stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"),
    ):  # fmt: skip
        if test(mode):
            return name
    return "special file"


def open_regular(path: Path, max_bytes: int | None) -> BinaryIO:
    """``path`` opened for reading, after checking that it is a regular file of at most ``max_bytes``.

    Raises :class:`Skip` naming the problem. A FIFO, device or socket is refused from its
    ``stat`` before anything opens it (opening a FIFO blocks until a writer comes; reading
    ``/dev/zero`` never ends); the file is opened non-blocking and checked again through its
    descriptor, so a swap between the check and the open cannot slip a FIFO through.
    """
    source = str(path)
    try:
        kind = file_kind(os.stat(path).st_mode)
        if kind is not None:
            raise Skip(f"not a regular file ({kind}); not opened", item=source)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise Skip(f"cannot read file: {exc.strerror or exc}", item=source) from exc
    try:
        info = os.fstat(fd)
        kind = file_kind(info.st_mode)
        if kind is not None:
            raise Skip(f"not a regular file ({kind}); not opened", item=source)
        if max_bytes is not None and info.st_size > max_bytes:
            raise Skip(
                f"file too large ({info.st_size} bytes, limit {max_bytes})",
                item=source,
                hint="raise max_file_bytes in storyline.toml or split the file",
            )
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: Path, settings: Settings) -> bytes:
    """The bytes of a regular file, refusing files over ``settings.max_file_bytes`` before reading them."""
    limit = settings.max_file_bytes
    with open_regular(path, limit) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise Skip(f"cannot read file: {exc.strerror or exc}", item=str(path)) from exc
    if len(data) > limit:  # it grew after the size check
        raise Skip(f"file too large (more than {limit} bytes)", item=str(path))
    return data


def decode_bytes(data: bytes, source: str, *, declared: str | None = None) -> str:
    """Text from bytes: BOM, then UTF-8, then a declared charset, then charset_normalizer's guess.

    ``declared`` is a charset named by the container (an HTTP header); for HTML a
    ``<meta charset>`` in the first 2 KB counts too. NUL bytes without a BOM mean
    binary data, and so does a decoding full of control characters: both are skipped
    with a reason rather than passed on as mojibake.
    """
    if not data.strip():
        raise Skip("empty file", item=source)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), source)
            except UnicodeDecodeError as exc:
                raise Skip(f"undecodable text: BOM says {encoding} but {exc.reason}", item=source) from exc
    if b"\x00" in data:
        raise Skip("binary file (contains NUL bytes)", item=source, hint="only text, HTML, JSON and feeds are read")
    try:
        return _check_text(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    candidates = [declared]
    found = _META_CHARSET.search(data[:2048])
    if found:
        candidates.append(found.group(1).decode("ascii", "ignore"))
    for name in candidates:
        if not name:
            continue
        try:
            return _check_text(data.decode(name), source)
        except (LookupError, UnicodeDecodeError):
            continue
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise Skip("undecodable text (no character encoding fits)", item=source, hint="save the file as UTF-8")
    # Short Western texts fit several single-byte code pages about equally well (cp1257 reads
    # "Ø" as "Ų"). Like browsers, fall back to windows-1252 unless another page is clearly better.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos + 0.05:
        best = western
    return _check_text(str(best), source)


def _check_text(text: str, source: str) -> str:
    """Refuse decodings that are mostly control characters: those are binary files."""
    if not text.strip():
        raise Skip("empty file", item=source)
    sample = text[:20_000]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise Skip("binary or undecodable file (too many control characters)", item=source)
    return text


def split_front_matter(text: str, source: str) -> tuple[Meta, str, bool]:
    """``(meta, body, had_front_matter)``; raises :class:`Skip` for an unclosed or malformed block."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Meta(), text, False
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in {"---", "..."}), None)
    if closing is None:
        raise Skip("front matter opened with '---' on line 1 is never closed", item=source, hint="add a closing '---'")
    values: dict[str, str] = {}
    for number, line in enumerate(lines[1:closing], start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition(":")
        if not sep or not key.strip() or " " in key.strip():
            raise Skip(
                f"front matter line {number} is not 'key: value'", item=source, hint="or remove the '---' block"
            )
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip().lower()] = value
    return _front_meta(values, source), "\n".join(lines[closing + 1 :]), True


def _front_meta(values: dict[str, str], source: str) -> Meta:
    raw_date = values.get("published") or values.get("date")
    published, problem = read_date(raw_date)
    if problem is not None:
        hint = "use 2025-04-17T08:45Z" if problem == "is not a date" else "check the date, or leave it out"
        raise Skip(f"front matter 'published: {raw_date[:60]}' {problem}", item=source, hint=hint)
    return Meta(
        title=clean(values.get("title")),
        outlet=clean(values.get("outlet")),
        url=clean(values.get("url")),
        author=clean(values.get("author")),
        published=published,
        language=clean(values.get("language") or values.get("lang")),
        external_id=values.get("id") or None,
    )


def parse_text(data: bytes, source: str) -> Article:
    """One article from the bytes of a ``.txt``/``.md`` file (see the module docstring)."""
    text = decode_bytes(data, source).replace("\r\n", "\n").replace("\r", "\n")
    meta, body, _ = split_front_matter(text, source)
    if meta.title is None:  # no front matter, or one without a title: the first line may be it
        title, rest = _title_line(body)
        if title:
            meta = Meta(title=title).over(meta)
            body = rest
    return make_article(body, meta, source=source)


def _title_line(body: str) -> tuple[str | None, str]:
    """The first short line that is not a photo caption or credit becomes the title, when text follows it.

    Pasted articles often open with a photo caption ("… February 18, 2025. REUTERS/… /File photo"): that
    line stays in the body (the reading stage files it as a caption) and the headline after it is the title.
    """
    from ..read.layout import classify_line  # shape rules shared with the reading stage

    lines = body.split("\n")
    seen = 0
    for n, line in enumerate(lines):
        candidate = line.strip().lstrip("#").strip()
        if not candidate:
            continue
        seen += 1
        if seen > 3:
            break
        if classify_line(candidate) in ("caption", "credit"):
            continue
        rest = "\n".join(lines[:n] + lines[n + 1 :])
        if len(candidate) > _MAX_TITLE or not "\n".join(lines[n + 1 :]).strip():
            return None, body
        return candidate, rest
    return None, body


def read_text_file(path: Path, settings: Settings) -> Article:
    """One article from a text or Markdown file; raises :class:`Skip` with the reason."""
    return parse_text(read_limited(path, settings), str(path))
