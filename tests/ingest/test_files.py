"""Plain-text and Markdown files: front matter, titles, encodings and the bad-input cases."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from storyline.config import Settings
from storyline.errors import InputError, Skip
from storyline.ingest.files import decode_bytes, parse_text, read_text_file
from storyline.records import Article

BODY = (
    "The Quillmouth water board will replace eleven kilometres of cast-iron mains this summer, "
    "its engineers told residents on Tuesday.\n\nWork starts on Brinegate Street in June."
)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_front_matter_fields(tmp_path: Path, settings: Settings) -> None:
    path = write(
        tmp_path,
        "mains.md",
        "---\n"
        'title: "Water board: mains to be replaced"\n'
        "outlet: Quillmouth Tribune\n"
        "url: https://tribune.example/mains\n"
        "published: 2025-05-06T09:15:00+01:00\n"
        "author: Rhea Castellane\n"
        "id: 00417\n"
        "tags: water, works\n"
        "---\n" + BODY + "\n",
    )
    article = read_text_file(path, settings)
    assert article.title == "Water board: mains to be replaced"  # colon in a title survives
    assert article.outlet == "Quillmouth Tribune"
    assert article.url == "https://tribune.example/mains"
    assert article.author == "Rhea Castellane"
    assert article.external_id == "00417"  # verbatim, leading zeros kept
    assert article.published == datetime(2025, 5, 6, 8, 15, tzinfo=UTC)
    assert article.published.utcoffset() == timedelta(hours=1)
    assert article.text == BODY
    assert article.source == str(path)
    assert article.id == Article.make_id(BODY, "https://tribune.example/mains")
    assert article.ingested_at is not None and article.ingested_at.tzinfo is not None


def test_naive_front_matter_date_is_utc(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "a.md", "---\npublished: 6 May 2025 09:15\n---\n" + BODY)
    article = read_text_file(path, settings)
    assert article.published == datetime(2025, 5, 6, 9, 15, tzinfo=UTC)
    assert article.published.tzinfo is not None


def test_first_line_is_title_without_front_matter(tmp_path: Path, settings: Settings) -> None:
    article = read_text_file(write(tmp_path, "a.md", "\n# Mains to be replaced\n\n" + BODY), settings)
    assert article.title == "Mains to be replaced"
    assert article.text == BODY


def test_single_paragraph_has_no_title(tmp_path: Path, settings: Settings) -> None:
    article = read_text_file(write(tmp_path, "a.txt", BODY.split("\n")[0]), settings)
    assert article.title is None
    assert article.text == BODY.split("\n")[0]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: x\n" + BODY, "never closed"),
        ("---\nthis is not a pair\n---\n" + BODY, "line 2"),
        ("---\npublished: the day after the storm\n---\n" + BODY, "not a date"),
        ("---\ntitle: Only metadata\n---\n\n", "no article text"),
    ],
)
def test_bad_front_matter_is_skipped(tmp_path: Path, settings: Settings, text: str, reason: str) -> None:
    with pytest.raises(Skip, match=reason):
        read_text_file(write(tmp_path, "a.md", text), settings)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "Café Ørsted\n\nNæstved harbour reopened on Sunday.".encode(), "utf-8-sig"),
        ("Café Ørsted\n\nNæstved harbour reopened on Sunday.".encode("utf-16"), "utf-16 with BOM"),
        ("Café Ørsted\n\nNæstved harbour reopened on Sunday.".encode("utf-32"), "utf-32 with BOM"),
        (
            (
                "Café Ørsted\n\nNæstved harbour reopened its café on Sunday. The owner, Søren Lykkegård, "
                "said the crème brûlée would stay on the menu, and that the façade was repainted in déjà-vu blue."
            ).encode("latin-1"),
            "latin-1",
        ),
    ],
)
def test_encodings(data: bytes, encoding: str) -> None:
    article = parse_text(data, "x.txt")
    assert article.title == "Café Ørsted", encoding
    assert "Næstved" in article.text


def test_binary_file_is_skipped(tmp_path: Path, settings: Settings) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    with pytest.raises(Skip, match="binary"):
        read_text_file(write(tmp_path, "photo.txt", png), settings)


@pytest.mark.parametrize("data", [b"", b"   \n\n\t ", codecs.BOM_UTF8, "  \n".encode("utf-16")])
def test_empty_file_is_skipped(tmp_path: Path, settings: Settings, data: bytes) -> None:
    with pytest.raises(Skip, match="empty"):
        read_text_file(write(tmp_path, "e.txt", data), settings)


def test_undecodable_file_is_skipped() -> None:
    # a UTF-16 BOM followed by a lone surrogate half cannot be text in any encoding
    with pytest.raises(Skip, match="undecodable"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8A\x00", "x.txt")
    # control characters everywhere: whatever charset_normalizer guesses, this is not prose
    with pytest.raises(Skip, match="binary|undecodable"):
        decode_bytes(bytes([0x01, 0x02, 0x9D, 0x81, 0x1B, 0x7F]) * 50, "x.txt")


def test_oversize_file_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "Headline\n\n" + "word " * 400)
    with pytest.raises(Skip, match="too large") as info:
        read_text_file(path, Settings(max_file_bytes=1000))
    assert info.value.hint and "max_file_bytes" in info.value.hint
    assert read_text_file(path, Settings(max_file_bytes=10_000)).title == "Headline"


def test_skip_is_an_input_error() -> None:
    assert issubclass(Skip, InputError)


def test_crlf_is_normalized() -> None:
    article = parse_text(b"Title line\r\n\r\nFirst para.\r\nSecond line.\r\n", "x.txt")
    assert article.text == "First para.\nSecond line."
    assert "\r" not in article.text


def test_fixed_offset_kept() -> None:
    article = parse_text(b"---\npublished: 2025-01-02T03:04:05-05:00\n---\nThe body of the report.", "x.md")
    assert article.published is not None
    assert article.published.utcoffset() == timezone(timedelta(hours=-5)).utcoffset(None)


def test_a_leading_photo_caption_is_not_the_title() -> None:
    data = (
        "\nThe harbour master speaks to reporters in Portmere, March 3, 2026. GULLPRESS/Ina Voorn/File photo\n"
        "Harbour Reopens After Storm Damage\n"
        "The harbour reopened on Monday after repairs to the breakwater, officials said.\n"
    ).encode()
    article = parse_text(data, "pasted.txt")
    assert article.title == "Harbour Reopens After Storm Damage"
    assert article.text.startswith("The harbour master speaks")  # the caption stays in the body
    assert "Harbour Reopens After Storm Damage" not in article.text
