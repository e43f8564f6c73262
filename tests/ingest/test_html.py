"""HTML pages: main text without boilerplate, metadata, encodings and bad pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storyline.config import Settings
from storyline.errors import Skip
from storyline.ingest.html import article_from_html, extract_html, html_to_text, read_html_file
from storyline.ingest.meta import Meta
from storyline.records import Article

# Marker words planted in each kind of boilerplate in fixtures/article.html
ROADS = (
    "<p>The Ostvik ring road will close for resurfacing from Monday, the roads office said.</p>"
    "<p>Traffic will be diverted through the harbour tunnel, which adds about six minutes at peak times.</p>"
    "<p>The works are expected to last three weeks if the weather holds, a spokesperson added.</p>"
)
BOILERPLATE = {
    "navigation": "NAVLINK",
    "cookie banner": "COOKIEBANNER",
    "related stories": "RELATEDSTORY",
    "reader comments": "READERCOMMENT",
    "photo caption": "PHOTOCAPTION",
    "footer": "FOOTERTEXT",
}


def test_fixture_really_contains_the_boilerplate(article_html: bytes) -> None:
    for marker in BOILERPLATE.values():
        assert marker.encode() in article_html


@pytest.mark.parametrize("kind", sorted(BOILERPLATE))
def test_boilerplate_does_not_reach_the_text(article_html: bytes, kind: str) -> None:
    content = extract_html(article_html, source="article.html")
    assert BOILERPLATE[kind] not in content.text, kind


def test_article_body_and_metadata(article_html: bytes, tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "ferry.html"
    path.write_bytes(article_html)
    article = read_html_file(path, settings)
    paragraphs = article.text.split("\n")
    assert paragraphs[0].startswith("The Carrow harbor council voted seven to two")
    assert paragraphs[-1].startswith("Ferry operator Northsound Lines")
    assert len(paragraphs) == 6
    assert '"Tonight we stop patching."' in article.text
    assert article.title == "Harbor council approves ferry terminal rebuild"
    assert not article.text.startswith(article.title)  # the headline is not repeated in the body
    assert article.outlet == "The Carrow Ledger"
    assert article.author == "Mirela Ostrander"
    assert article.published == datetime(2025, 4, 17, 6, 45, tzinfo=UTC)
    assert article.published.utcoffset() == timedelta(hours=2)
    assert article.url == "https://ledger.example/news/ferry-terminal-rebuild"  # canonical link
    assert article.language == "en"
    assert article.source == str(path)
    assert article.id == Article.make_id(article.text, article.url)


def test_given_fields_win_and_host_is_the_fallback_outlet() -> None:
    page = (
        "<html><head><title>Page title</title></head><body><article>"
        + ROADS
        + "</article></body></html>"
    )
    article = article_from_html(
        page, source="rec#1", url="https://www.ostvik-news.example/roads", given=Meta(title="Given title")
    )
    assert article.title == "Given title"
    assert article.outlet == "ostvik-news.example"
    assert article.url == "https://www.ostvik-news.example/roads"


def test_meta_charset_is_respected() -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Kr\xf8nike</title></head><body><article>'
        + "<p>Bürgermeisterin Jördis Weßler eröffnete am Montag die neue Brücke über die Aller.</p>"
        + "<p>Die Brücke ersetzt einen hölzernen Steg, der im Frühjahr gesperrt worden war.</p>"
        + "</article></body></html>"
    ).encode("latin-1")
    content = extract_html(page, source="x.html")
    assert "Jördis Weßler" in content.text


def test_page_without_article_text_is_skipped() -> None:
    with pytest.raises(Skip, match="no article text"):
        extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>", source="nav.html")


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_empty_page_is_skipped(tmp_path: Path, settings: Settings, data: bytes) -> None:
    path = tmp_path / "e.html"
    path.write_bytes(data)
    with pytest.raises(Skip, match="empty"):
        read_html_file(path, settings)


def test_binary_html_file_is_skipped(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "x.html"
    path.write_bytes(b"GIF89a\x01\x00\x01\x00\x00\xff\x00" * 20)
    with pytest.raises(Skip, match="binary"):
        read_html_file(path, settings)


def test_oversize_html_file_is_skipped(tmp_path: Path, article_html: bytes) -> None:
    path = tmp_path / "x.html"
    path.write_bytes(article_html)
    with pytest.raises(Skip, match="too large"):
        read_html_file(path, Settings(max_file_bytes=len(article_html) - 1))


def test_fallback_date_from_url_and_no_padded_year() -> None:
    body = ROADS
    page = f"<html><body><article>{body}</article></body></html>"
    dated = extract_html(page, url="https://news.example/2024/03/18/ring-road", source="u")
    assert dated.meta.published is not None and dated.meta.published.date().isoformat() == "2024-03-18"
    # "since 2019" in the body must not become 2019-01-01
    undated = extract_html(page.replace("from Monday", "for the first time since 2019"), source="u")
    assert undated.meta.published is None


def test_html_to_text_keeps_blocks_and_drops_scripts() -> None:
    text = html_to_text(
        "<p>One <b>two</b>.</p><script>evil()</script><p>Three</p><figure><figcaption>cap</figcaption></figure>"
    )
    assert text == "One two.\nThree"


def test_source_credit_stays_but_photo_credit_goes() -> None:
    """A line crediting the source is provenance (copy detection reads it); a photo credit is not text."""
    body = " ".join(f"The council approved the harbour plan after a long debate, sentence {i}." for i in range(12))
    page = f"""<html><head><title>Harbour plan approved</title></head><body><article>
      <h1>Harbour plan approved</h1>
      <figure><img src="x.jpg"><figcaption>The harbour at dusk.</figcaption></figure>
      <p class="photo-credit">Photo: Ilse Marten / Gull Press</p>
      <p>{body}</p>
      <p class="source-credit">Read the full article at <a href="https://origin.example/a">https://origin.example/a</a></p>
    </article></body></html>"""
    text = extract_html(page, url="https://copy.example/a").text
    assert "Read the full article at https://origin.example/a" in text
    assert "Ilse Marten" not in text and "harbour at dusk" not in text
