"""Property-based: whatever bytes arrive, every parser returns articles/skips or raises InputError.

Random bytes, truncated and mutated versions of the hand-written fixtures, and text in
odd encodings go to each parser. Anything other than ``Article``/``Skipped`` results or an
:class:`InputError` (a crash, another exception type) fails; the ``deadline`` catches hangs.
Link fetching is replaced by a stub so no example can reach the network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import timedelta
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.config import Settings
from storyline.errors import FetchError, InputError
from storyline.ingest import feeds, files, html, jsonl
from storyline.ingest.meta import parse_date
from storyline.records import Article, Skipped

from .conftest import FIXTURES

FUZZ = settings(
    max_examples=50,
    deadline=timedelta(seconds=3),  # generous for a slow CI core; a hang would take far longer
    suppress_health_check=[HealthCheck.too_slow],
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "shift_jis", "koi8-r",
             "gb18030", "utf-7", "cp037"]  # fmt: skip

ARTICLE = (FIXTURES / "article.html").read_bytes()
RSS = (FIXTURES / "rss_full.xml").read_bytes()
ATOM = (FIXTURES / "atom.xml").read_bytes()
JSONL = (
    json.dumps({"id": 1, "title": "Weir opened", "text": "The Lintbrook weir gates were opened on Monday."})
    + "\n"
    + json.dumps({"id": "b", "html": "<p>Council meets on Friday to vote on the weir budget.</p>"})
    + "\n"
).encode()
MD = "---\ntitle: Weir\npublished: 2025-02-03\n---\n# Weir opened\n\nThe gates opened at dawn.\n".encode()


def mangled(seed: bytes) -> st.SearchStrategy[bytes]:
    """The seed cut short, with bytes spliced in, or with a slice deleted."""
    cut = st.integers(0, len(seed)).map(lambda n: seed[:n])
    spliced = st.tuples(st.integers(0, len(seed)), st.binary(min_size=1, max_size=64)).map(
        lambda t: seed[: t[0]] + t[1] + seed[t[0] :]
    )
    holed = st.tuples(st.integers(0, len(seed)), st.integers(1, 400)).map(lambda t: seed[: t[0]] + seed[t[0] + t[1] :])
    return st.one_of(cut, spliced, holed)


odd_text = st.tuples(st.text(max_size=400), st.sampled_from(ENCODINGS)).map(
    lambda t: t[0].encode(t[1], errors="ignore")
)


def inputs(seed: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=3000), mangled(seed), odd_text, odd_text.map(lambda b: seed[:200] + b))


def outcome(call: Callable[[], object]) -> None:
    """Run ``call``; results must be Article/Skipped, failures must be InputError."""
    try:
        result = call()
        items = list(result) if isinstance(result, Iterable) and not isinstance(result, Article) else [result]
    except InputError:
        return
    for item in items:
        assert isinstance(item, (Article, Skipped)), type(item)
        if isinstance(item, Article):
            assert item.text.strip()
            assert item.published is None or item.published.tzinfo is not None


@pytest.fixture(scope="module", autouse=True)
def warm_up() -> None:
    """Load dateparser's languages and trafilatura once, so no example pays the one-off cost."""
    parse_date("Room 12 floor 3")
    html.extract_html(ARTICLE, source="warm-up")


def no_network(url: str, *args: object, **kwargs: object) -> object:
    raise FetchError("network disabled in fuzz tests", item=url)


@FUZZ
@given(inputs(MD))
def test_text_parser(data: bytes) -> None:
    outcome(lambda: files.parse_text(data, "fuzz.md"))


@FUZZ
@given(inputs(ARTICLE))
def test_html_parser(data: bytes) -> None:
    outcome(lambda: html.article_from_html(data, source="fuzz.html"))


@FUZZ
@given(st.one_of(inputs(ARTICLE), st.text(max_size=2000)))
def test_html_string_parser(data: bytes | str) -> None:
    outcome(lambda: html.article_from_html(data, source="fuzz.html", url="https://fuzz.example/a"))


@FUZZ
@given(inputs(JSONL))
def test_json_parser(data: bytes) -> None:
    outcome(lambda: jsonl.parse_json(data, "fuzz.json"))


@FUZZ
@given(inputs(JSONL))
def test_jsonl_parser(data: bytes) -> None:
    outcome(lambda: jsonl.parse_jsonl(data.splitlines(keepends=True), "fuzz.jsonl", max_line_bytes=10_000))


@FUZZ
@given(st.one_of(inputs(RSS), mangled(ATOM)))
def test_feed_parser(data: bytes) -> None:
    with mock.patch.object(feeds, "fetch", no_network):
        outcome(lambda: feeds.parse_feed(data, "fuzz.xml", Settings(), allow_private=False))


@FUZZ
@given(
    st.sampled_from(ENCODINGS[:10]),
    st.text(min_size=1, max_size=300),
)
def test_feed_with_declared_encodings(encoding: str, title: str) -> None:
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>T</title>'
        f"<item><title>{title}</title><description>{title}</description></item></channel></rss>"
    ).encode(encoding, errors="ignore")
    with mock.patch.object(feeds, "fetch", no_network):
        outcome(lambda: feeds.parse_feed(xml, "fuzz.xml", Settings(), allow_private=False))


@FUZZ
@given(st.one_of(st.text(max_size=120), st.binary(max_size=60).map(lambda b: b.decode("latin-1"))))
def test_parse_date_never_raises(value: str) -> None:
    parsed = parse_date(value)
    assert parsed is None or parsed.tzinfo is not None
