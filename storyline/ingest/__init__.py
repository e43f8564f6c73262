"""Turn files, directories, globs and URLs into :class:`~storyline.records.Article` records.

Entry points: :func:`read_inputs` (everything the CLI accepts) and :func:`expand_inputs`
(what a list of inputs stands for, without reading articles). :func:`read_url` reads one
URL and :func:`read_item` one expanded item.

Dispatch, on the scheme or the file extension (case-insensitive):

- ``http://`` / ``https://``: fetched (:mod:`.web`); an HTML page is one article, a feed many
- ``.txt``, ``.md``, ``.markdown``: one article with optional front matter (:mod:`.files`),
  unless the ``.txt`` is a URL list (below)
- ``.html``, ``.htm``, ``.xhtml``: one article, main text by trafilatura (:mod:`.html`)
- ``.json``, ``.jsonl``, ``.ndjson``: one article per record (:mod:`.jsonl`)
- ``.rss``, ``.atom``, ``.xml``: one article per feed entry (:mod:`.feeds`)
- ``.urls``: a URL list (below)

**URL lists.** A ``.urls`` file is always a URL list; a ``.txt`` file is one when it is
at most 1 MB of UTF-8 and *every* line that is not blank or a ``#`` comment is a single
``http(s)://`` URL (and there is at least one). Each URL in it becomes an input of
its own; in a ``.urls`` file a line that is not a URL becomes ``Skipped("list.urls#<line>")``.
A ``.txt`` with any prose line is an article, never a list.

**Directories** are walked recursively in sorted order; hidden files and folders and
files with other extensions are passed over silently (a named file with an unknown
extension is skipped with a reason, and so is a directory with no readable file).
A walk stays inside its folder: a symbolic link whose target lies outside it (say to
``/etc/passwd``) is skipped with the reason unless ``follow_links`` is set (CLI:
``--follow-links``; ``Settings.follow_links``); links to folders are only followed with
it (each folder once, so link loops end). Special files (FIFOs, devices, sockets) are
named and skipped from their ``stat``, never opened, whether walked or named; a file
over ``max_file_bytes`` is skipped by its size before it is read.
**Globs** (``*``, ``?``, ``[``, ``**``) are expanded with :func:`glob.glob` when no file
has that literal name. Duplicates are read once.

Every item yields :class:`Article` records or a :class:`Skipped` with the reason; one
item's failure never stops the batch. ``published`` is always timezone-aware: a feed,
JSON record or front matter giving a naive time is taken as **UTC**.
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import httpx

from ..config import Settings
from ..errors import InputError
from ..records import Article, Skipped
from .feeds import FEED_SUFFIXES, parse_feed, read_feed_file
from .files import TEXT_SUFFIXES, file_kind, open_regular, read_text_file
from .html import HTML_SUFFIXES, article_from_html, extract_html, read_html_file
from .jsonl import JSON_SUFFIXES, JSONL_SUFFIXES, read_json_file, read_jsonl_file
from .meta import parse_date, safe_text
from .web import Fetched, check_public_url, fetch, is_url, make_client

__all__ = [
    "Fetched",
    "article_from_html",
    "check_public_url",
    "expand_inputs",
    "extract_html",
    "fetch",
    "parse_date",
    "read_inputs",
    "read_item",
    "read_url",
]

URL_LIST_SUFFIXES = frozenset({".urls"})
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES | URL_LIST_SUFFIXES
)
_URL_LIST_MAX_BYTES = 1_000_000
_GLOB_CHARS = frozenset("*?[")

ProgressCallback = Callable[[int, int | None], None]


# ------------------------------------------------------------------ expansion


def expand_inputs(inputs: Sequence[str], *, follow_links: bool = False) -> list[str]:
    """The files and URLs that ``inputs`` stand for, in order, without duplicates.

    Inputs that name nothing (a missing path, a glob without matches, a bad line in
    a ``.urls`` file, a link out of a walked folder) are left out here; :func:`read_inputs`
    reports them as skipped.
    """
    return [item for item in _plan(inputs, follow_links) if isinstance(item, str)]


def _plan(inputs: Sequence[str], follow_links: bool = False) -> list[str | Skipped]:
    plan: list[str | Skipped] = []
    seen: set[str] = set()

    def add(item: str | Skipped) -> None:
        key = item if isinstance(item, str) else f"{item.source}\x00{item.reason}"
        if key not in seen:
            seen.add(key)
            plan.append(item)

    for raw in inputs:
        try:
            _plan_one(raw, add, follow_links)
        except (OSError, ValueError) as exc:  # e.g. a NUL or an over-long name: this input only
            add(Skipped(raw, f"cannot use this input: {exc}"))
    return plan


def _plan_one(raw: str, add: Callable[[str | Skipped], None], follow_links: bool) -> None:
    """Add what one input stands for (see :func:`_plan`)."""
    item = raw.strip()
    if is_url(item):
        add(item)
    elif "://" in item:
        scheme = item.split("://", 1)[0].lower()
        reason = "malformed URL" if scheme in {"http", "https"} else f"unsupported URL scheme {scheme!r}"
        add(Skipped(item, f"{reason} (only http and https URLs with a host are fetched)"))
    elif not item:
        add(Skipped(raw, "empty input name"))
    else:
        path = Path(item).expanduser()
        if path.is_dir():
            files = _walk(path, follow_links)
            if not any(isinstance(found, Path) for found in files):
                add(Skipped(item, "directory has no readable files (" + " ".join(sorted(SUPPORTED_SUFFIXES)) + ")"))
            for found in files:
                _add_file(found, add)
        elif path.exists():
            _add_file(path, add)
        elif _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                add(Skipped(item, "no file matches this pattern"))
            for match in matches:
                found_path = Path(match)
                for found in _walk(found_path, follow_links) if found_path.is_dir() else [found_path]:
                    _add_file(found, add)
        else:
            add(Skipped(item, "no such file or directory"))


def _walk(folder: Path, follow_links: bool = False) -> list[Path | Skipped]:
    """Supported, non-hidden regular files under ``folder``, and skips for what must not be read, sorted.

    See the module docstring: links out of the folder, special files and unreadable
    folders become :class:`Skipped`; nothing here opens a file.
    """
    try:
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        return [Skipped(str(folder), f"cannot read folder: {exc}")]
    found: list[Path | Skipped] = []
    seen_dirs = {root}
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as exc:
            found.append(Skipped(str(current), f"cannot read folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            supported = path.suffix.lower() in SUPPORTED_SUFFIXES
            try:
                if entry.is_symlink():
                    try:
                        target = path.resolve(strict=True)
                    except (OSError, RuntimeError):
                        if supported:
                            found.append(Skipped(str(path), "broken symbolic link"))
                        continue
                    inside = target == root or target.is_relative_to(root)
                    if target.is_dir():
                        if follow_links and target not in seen_dirs:
                            seen_dirs.add(target)
                            stack.append(path)
                        elif not follow_links and not inside:
                            found.append(Skipped(str(path), f"symbolic link to the folder {target}, outside "
                                                 f"{folder}; not followed (set follow_links / --follow-links)"))
                        continue
                    if not inside and not follow_links:
                        if supported:
                            found.append(Skipped(str(path), f"symbolic link to {target}, outside {folder}; "
                                                 "not followed (set follow_links / --follow-links)"))
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                    continue
                kind = file_kind(entry.stat().st_mode)  # of the link's target, for a link
            except OSError as exc:
                found.append(Skipped(str(path), f"cannot read file: {exc.strerror or exc}"))
                continue
            if kind is not None:
                found.append(Skipped(str(path), f"not a regular file ({kind}); not opened"))
            elif supported:
                found.append(path)
    return sorted(found, key=lambda item: str(item) if isinstance(item, Path) else item.source)


def _add_file(path: Path | Skipped, add: Callable[[str | Skipped], None]) -> None:
    if isinstance(path, Skipped):
        add(path)
        return
    suffix = path.suffix.lower()
    if suffix in URL_LIST_SUFFIXES:
        for entry in _url_list(path, strict=True) or []:
            add(entry)
    elif suffix == ".txt" and (urls := _url_list(path, strict=False)) is not None:
        for entry in urls:
            add(entry)
    else:
        add(str(path))


def _url_list(path: Path, *, strict: bool) -> list[str | Skipped] | None:
    """The URLs of a URL-list file; ``None`` when a ``.txt`` (``strict=False``) is not one."""
    source = str(path)
    try:
        with open_regular(path, _URL_LIST_MAX_BYTES) as handle:
            text = handle.read(_URL_LIST_MAX_BYTES + 1).decode("utf-8-sig")
    except InputError as exc:  # not a regular file, too large, unreadable: the reader names it
        return [Skipped(source, exc.message)] if strict else None
    except OSError as exc:
        return [Skipped(source, f"cannot read file: {exc.strerror or exc}")] if strict else None
    except UnicodeDecodeError:
        return [Skipped(source, "URL list is not UTF-8 text")] if strict else None
    entries: list[str | Skipped] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if is_url(line):
            entries.append(line)
        elif strict:
            entries.append(Skipped(f"{source}#{number}", f"not an http(s) URL: {line[:80]!r}"))
        else:
            return None
    if not entries:
        return [Skipped(source, "URL list has no URLs")] if strict else None
    return entries


# ------------------------------------------------------------------ reading


def read_inputs(
    inputs: Sequence[str],
    settings: Settings,
    *,
    on_progress: ProgressCallback | None = None,
    allow_private: bool | None = None,
    follow_links: bool | None = None,
) -> Iterator[Article | Skipped]:
    """Articles (and skips) from files, directories, globs, URL lists and URLs; see the module docstring.

    ``follow_links`` lets a folder walk follow symbolic links out of the folder; it
    defaults to ``settings.follow_links`` (False).

    ``on_progress(done, total)`` is called after each expanded item (``total`` is the
    number of items after expansion). ``allow_private`` lets URLs reach private and
    loopback addresses; it defaults to ``settings.allow_private_urls`` (False). The
    CLI passes ``True`` (its operator may ingest an intranet page); the web API must
    not, and should call :func:`read_url` rather than this function, which also
    reads local paths.
    """
    allow = settings.allow_private_urls if allow_private is None else allow_private
    plan = _plan(inputs, settings.follow_links if follow_links is None else follow_links)
    total = len(plan)
    with make_client(settings) as client:
        for done, item in enumerate(plan, start=1):
            if isinstance(item, Skipped):
                yield _printable(item)
            else:
                for result in read_item(item, settings, allow_private=allow, client=client):
                    yield _printable(result) if isinstance(result, Skipped) else result
            if on_progress is not None:
                on_progress(done, total)


def read_item(
    item: str, settings: Settings, *, allow_private: bool, client: httpx.Client | None = None
) -> Iterator[Article | Skipped]:
    """Articles from one expanded item (a file path or URL); every failure becomes a :class:`Skipped`."""
    try:
        if is_url(item):
            yield from read_url(item, settings, allow_private=allow_private, client=client)
        else:
            yield from _read_path(Path(item), settings, allow_private=allow_private)
    except InputError as exc:
        yield Skipped(exc.item or item, _reason(exc))
    except Exception as exc:  # a bug in a parser must not end the batch; log it so it gets fixed
        logging.getLogger(__name__).exception("unexpected error while reading %s", item)
        yield Skipped(item, f"internal error while reading ({type(exc).__name__}: {exc}); please report it")


def _printable(item: Skipped) -> Skipped:
    """A skip whose source and reason can be printed and stored (a file name may hold undecodable bytes)."""
    source, reason = safe_text(item.source), safe_text(item.reason)
    return item if (source, reason) == (item.source, item.reason) else Skipped(source, reason)


def _reason(exc: InputError) -> str:
    return f"{exc.message} (hint: {exc.hint})" if exc.hint else exc.message


def _read_path(path: Path, settings: Settings, *, allow_private: bool) -> Iterator[Article | Skipped]:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        yield read_text_file(path, settings)
    elif suffix in HTML_SUFFIXES:
        yield read_html_file(path, settings)
    elif suffix in JSON_SUFFIXES:
        yield from read_json_file(path, settings)
    elif suffix in JSONL_SUFFIXES:
        yield from read_jsonl_file(path, settings)
    elif suffix in FEED_SUFFIXES:
        yield from read_feed_file(path, settings, allow_private=allow_private)
    else:
        known = " ".join(sorted(SUPPORTED_SUFFIXES))
        yield Skipped(str(path), f"unsupported file type {suffix or '(no extension)'!r}; known: {known}")


def read_url(
    url: str, settings: Settings, *, allow_private: bool, client: httpx.Client | None = None
) -> Iterator[Article | Skipped]:
    """Articles from one URL: a page gives one article, a feed one per entry.

    Raises :class:`~storyline.errors.FetchError` when the URL cannot be fetched (the
    caller decides: :func:`read_item` turns it into a :class:`Skipped`). The article's
    ``url`` is the final URL after redirects; its ``source`` is the URL as given.
    """
    page = fetch(url, settings, allow_private=allow_private, client=client)
    if page.kind == "feed":
        yield from parse_feed(page.body, url, settings, allow_private=allow_private, client=client)
    else:
        yield article_from_html(page.body, source=url, url=page.final_url, charset=page.charset)
