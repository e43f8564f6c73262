"""expand_inputs and read_inputs: dispatch, URL lists, directories, globs, progress, isolation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.config import Settings
from storyline.ingest import expand_inputs, read_inputs
from storyline.records import Article, Skipped

from .conftest import FIXTURES, LocalServer, html_reply

NOTE = "Headline about the weir\n\nThe Lintbrook weir gates were opened for the first time in six years.\n"


@pytest.fixture
def corpus(tmp_path: Path, article_html: bytes) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text(NOTE, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Second\n\nA second note about the weir.\n", encoding="utf-8")
    (tmp_path / "sub" / "page.HTML").write_bytes(article_html)
    (tmp_path / "sub" / "wire.jsonl").write_text(
        json.dumps({"id": 1, "text": "The weir opened at dawn."}) + "\n" + json.dumps({"id": 2, "text": "The weir closed at dusk."}) + "\n", encoding="utf-8"
    )
    (tmp_path / "sub" / "feed.rss").write_bytes((FIXTURES / "rss_full.xml").read_bytes())
    (tmp_path / "sub" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / ".hidden" / "secret.txt").write_text(NOTE, encoding="utf-8")
    return tmp_path


def test_directory_is_walked_recursively_and_sorted(corpus: Path) -> None:
    assert expand_inputs([str(corpus)]) == [
        str(corpus / "a.txt"),
        str(corpus / "b.md"),
        str(corpus / "sub" / "feed.rss"),
        str(corpus / "sub" / "page.HTML"),
        str(corpus / "sub" / "wire.jsonl"),
    ]


def test_globs_and_duplicates(corpus: Path) -> None:
    found = expand_inputs([str(corpus / "*.txt"), str(corpus / "**" / "*.jsonl"), str(corpus / "a.txt")])
    assert found == [str(corpus / "a.txt"), str(corpus / "sub" / "wire.jsonl")]


def test_url_lists(tmp_path: Path) -> None:
    (tmp_path / "feeds.urls").write_text(
        "# morning sources\nhttps://one.example/a\n\nnot a url\nhttp://two.example/b\n", encoding="utf-8"
    )
    (tmp_path / "list.txt").write_text("https://three.example/c\n# done\n", encoding="utf-8")
    (tmp_path / "prose.txt").write_text("See https://four.example/d\nfor more.\n", encoding="utf-8")
    found = expand_inputs([str(tmp_path / "feeds.urls"), str(tmp_path / "list.txt"), str(tmp_path / "prose.txt")])
    assert found == [
        "https://one.example/a",
        "http://two.example/b",
        "https://three.example/c",
        str(tmp_path / "prose.txt"),  # a line that is not a URL: an article, not a list
    ]


def test_bad_url_list_line_and_missing_inputs_are_skipped(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "feeds.urls").write_text("not a url\n", encoding="utf-8")
    results = list(
        read_inputs(
            [
                str(tmp_path / "feeds.urls"),
                str(tmp_path / "nope.txt"),
                str(tmp_path / "*.none"),
                "ftp://x.example/f",
                "http://[::1",
            ],
            settings,
        )
    )
    assert all(isinstance(r, Skipped) for r in results)
    reasons = {r.source: r.reason for r in results}
    assert "not an http(s) URL" in reasons[f"{tmp_path / 'feeds.urls'}#1"]
    assert "no such file" in reasons[str(tmp_path / "nope.txt")]
    assert "no file matches" in reasons[str(tmp_path / "*.none")]
    assert "scheme" in reasons["ftp://x.example/f"]
    assert "malformed URL" in reasons["http://[::1"]


def test_empty_directory_says_so(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert expand_inputs([str(tmp_path)]) == []
    (skipped,) = read_inputs([str(tmp_path)], settings)
    assert isinstance(skipped, Skipped) and "no readable files" in skipped.reason


def test_read_inputs_mixed_corpus_with_progress(corpus: Path, settings: Settings) -> None:
    progress: list[tuple[int, int | None]] = []
    results = list(read_inputs([str(corpus)], settings, on_progress=lambda d, t: progress.append((d, t))))
    articles = [r for r in results if isinstance(r, Article)]
    assert [a.source for a in articles] == [
        str(corpus / "a.txt"),
        str(corpus / "b.md"),
        f"{corpus / 'sub' / 'feed.rss'}#1",
        f"{corpus / 'sub' / 'feed.rss'}#2",
        str(corpus / "sub" / "page.HTML"),
        f"{corpus / 'sub' / 'wire.jsonl'}#1",
        f"{corpus / 'sub' / 'wire.jsonl'}#2",
    ]
    assert progress == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert all(a.published is None or a.published.tzinfo is not None for a in articles)
    assert len({a.id for a in articles}) == len(articles)


def test_one_bad_item_never_stops_the_batch(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "1.txt").write_text(NOTE, encoding="utf-8")
    (tmp_path / "2.txt").write_bytes(b"\x00\x01binary\x00")
    (tmp_path / "3.json").write_text("{broken", encoding="utf-8")
    (tmp_path / "4.html").write_bytes(b"")
    (tmp_path / "5.unknown").write_text("?", encoding="utf-8")
    (tmp_path / "6.md").write_text(NOTE, encoding="utf-8")
    names = [str(tmp_path / n) for n in ("1.txt", "2.txt", "3.json", "4.html", "5.unknown", "6.md")]
    results = list(read_inputs(names, settings))
    assert [type(r).__name__ for r in results] == ["Article", "Skipped", "Skipped", "Skipped", "Skipped", "Article"]
    assert [r.source for r in results] == names
    assert "binary" in results[1].reason
    assert "not valid JSON" in results[2].reason
    assert "empty" in results[3].reason
    assert "unsupported file type" in results[4].reason


def test_urls_through_read_inputs(server: LocalServer, settings: Settings, article_html: bytes, tmp_path: Path) -> None:
    server.routes["/news/ferry"] = html_reply(article_html)
    listing = tmp_path / "today.urls"
    listing.write_text(f"{server.url('/news/ferry')}\n{server.url('/missing')}\n", encoding="utf-8")
    results = list(read_inputs([str(listing)], settings, allow_private=True))
    assert isinstance(results[0], Article) and results[0].source == server.url("/news/ferry")
    assert isinstance(results[1], Skipped) and "HTTP 404" in results[1].reason
    # the default (settings.allow_private_urls is False) refuses the loopback server
    (refused, _) = read_inputs([str(listing)], settings)
    assert isinstance(refused, Skipped) and "non-public" in refused.reason


def test_unexpected_parser_error_becomes_a_skip(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.ingest as ingest

    def broken(path: Path, settings: Settings) -> Article:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(ingest, "read_text_file", broken)
    (tmp_path / "a.txt").write_text(NOTE, encoding="utf-8")
    (tmp_path / "b.md").write_text(NOTE, encoding="utf-8")
    results = list(read_inputs([str(tmp_path / "a.txt"), str(tmp_path / "b.md")], settings))
    assert [type(r).__name__ for r in results] == ["Skipped", "Skipped"]
    assert "internal error" in results[0].reason and "parser bug" in results[0].reason
