"""JSON and JSON Lines: fields, per-record skips, and whole-file failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storyline.config import Settings
from storyline.errors import Skip
from storyline.ingest.jsonl import parse_json, parse_record, read_json_file, read_jsonl_file
from storyline.records import Article, Skipped

RECORD = {
    "id": "wire-2025-0731-44",
    "outlet": "Morrow Valley Wire",
    "url": "https://wire.example/2025/07/31/bridge",
    "published": "2025-07-31T14:02:00+02:00",
    "title": "Rail bridge inspection finds corroded bolts",
    "author": "Ines Farrowby",
    "text": "Inspectors found corroded bolts on the Morrow rail bridge during a routine check on Wednesday.",
}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_fields_and_sources(tmp_path: Path, settings: Settings) -> None:
    second = {"id": 881, "text": "A second record, with a numeric id.", "published": "2025-08-01 06:00"}
    path = write_lines(tmp_path / "wire.jsonl", [json.dumps(RECORD), "", json.dumps(second)])
    first, other = list(read_jsonl_file(path, settings))
    assert isinstance(first, Article) and isinstance(other, Article)
    assert first.source == f"{path}#1"
    assert other.source == f"{path}#3"  # blank line 2 still counts
    assert first.external_id == "wire-2025-0731-44"
    assert other.external_id == "881"  # verbatim, as a string
    assert first.outlet == "Morrow Valley Wire"
    assert first.author == "Ines Farrowby"
    assert first.title == RECORD["title"]
    assert first.published == datetime(2025, 7, 31, 12, 2, tzinfo=UTC)
    assert other.published == datetime(2025, 8, 1, 6, 0, tzinfo=UTC)  # naive: UTC
    assert first.id == Article.make_id(RECORD["text"], RECORD["url"])


def test_malformed_lines_are_skipped_and_the_rest_goes_on(tmp_path: Path, settings: Settings) -> None:
    lines = [
        json.dumps(RECORD),
        '{"id": 2, "text": "unterminated',
        "[1, 2, 3]",
        json.dumps({"id": 4, "title": "no body"}),
        json.dumps({"id": 5, "text": 12}),
        json.dumps({"id": 6, "text": "bad date", "published": "when the bells rang"}),
        json.dumps({"id": {"nested": True}, "text": "odd id"}),
        json.dumps({"id": 8, "text": "The last good record."}),
    ]
    path = write_lines(tmp_path / "mixed.jsonl", lines)
    results = list(read_jsonl_file(path, settings))
    assert [type(r).__name__ for r in results] == ["Article"] + ["Skipped"] * 6 + ["Article"]
    skipped = {r.source: r.reason for r in results if isinstance(r, Skipped)}
    assert "not valid JSON" in skipped[f"{path}#2"]
    assert "array" in skipped[f"{path}#3"]
    assert "no 'text' or 'html'" in skipped[f"{path}#4"]
    assert "'text' must be a string" in skipped[f"{path}#5"]
    assert "not a date" in skipped[f"{path}#6"]
    assert "'id'" in skipped[f"{path}#7"]


def test_non_utf8_line_is_skipped(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(json.dumps(RECORD).encode() + b'\n{"text": "caf\xe9"}\n')
    results = list(read_jsonl_file(path, settings))
    assert isinstance(results[0], Article)
    assert isinstance(results[1], Skipped) and "UTF-8" in results[1].reason


def test_overlong_line_is_skipped(tmp_path: Path) -> None:
    long = dict(RECORD, text="word " * 500)
    path = write_lines(tmp_path / "x.jsonl", [json.dumps(long), json.dumps(RECORD)])
    results = list(read_jsonl_file(path, Settings(max_file_bytes=1000)))
    assert isinstance(results[0], Skipped) and "too long" in results[0].reason
    assert isinstance(results[1], Article) and results[1].source == f"{path}#2"


def test_html_record_goes_through_extraction() -> None:
    html = (
        "<html><body><nav><a href='/'>NAVLINK home</a></nav><article>"
        "<p>The Pellworth museum will open its new wing to visitors in March, the director said.</p>"
        "<p>The wing houses the collection of ship models donated by the Arnstedt family last year.</p>"
        "</article></body></html>"
    )
    article = parse_record({"id": "m1", "title": "Museum wing", "html": html, "outlet": "Pellworth Gazette"}, "r")
    assert "ship models" in article.text
    assert "NAVLINK" not in article.text
    assert article.title == "Museum wing"
    assert article.outlet == "Pellworth Gazette"


def test_json_object_and_list(tmp_path: Path, settings: Settings) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps(RECORD), encoding="utf-8")
    (article,) = read_json_file(one, settings)
    assert isinstance(article, Article) and article.source == str(one)
    many = tmp_path / "many.json"
    many.write_text(json.dumps([RECORD, "not an object", dict(RECORD, text="Another body.")]), encoding="utf-8")
    results = list(read_json_file(many, settings))
    assert [r.source for r in results] == [f"{many}#1", f"{many}#2", f"{many}#3"]
    assert isinstance(results[1], Skipped) and "string" in results[1].reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"id": 1, "text": "cut off', "not valid JSON"),
        (b"[]", "empty"),
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
    ],
)
def test_unusable_json_file_is_skipped(data: bytes, reason: str) -> None:
    with pytest.raises(Skip, match=reason):
        list(parse_json(data, "bad.json"))


def test_binary_and_empty_jsonl(tmp_path: Path, settings: Settings) -> None:
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\x00\x9f\x92\x96" * 100)
    with pytest.raises(Skip, match="binary"):
        list(read_jsonl_file(binary, settings))
    empty = tmp_path / "e.jsonl"
    empty.write_bytes(b"\n\n")
    with pytest.raises(Skip, match="empty"):
        list(read_jsonl_file(empty, settings))


def test_oversize_json_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps([RECORD] * 50), encoding="utf-8")
    with pytest.raises(Skip, match="too large"):
        list(read_json_file(path, Settings(max_file_bytes=1000)))
