"""Every output format escapes what comes from a source: outlet names, titles, URLs and quotations."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

import pytest

from storyline.brief import build_brief, render_brief
from storyline.brief.render import cite_href, cite_label, md_text
from storyline.compare import analyse_story
from storyline.embed import FakeEmbedder
from storyline.records import Citation, Story

from ..side_by_side import ReadingBuilder, article

UTC = timezone.utc

HOSTILE_OUTLETS = [
    '["><svg onload=alert(1)>',
    "Evil](javascript:alert(1)) [x",
    "`code` **bold** _it_ <b>tag</b> & co",
    "Pipe | Table ~~strike~~ \\ backslash",
]
HOSTILE_TITLE = 'Title <img src=x onerror=alert(1)> [link](http://evil.example) `tick`'
HOSTILE_URL = "https://ok.example/a_(b)]c*d"  # valid, but its brackets would close a Markdown link
SCRIPT_URL = 'https://ok.example/a?b=1"><script>alert(3)</script>'
TEXT = 'Ilse Varga said "<script>alert(2)</script> [click](javascript:x) `rm -rf`" in Tollford on Friday.'


def _analysis(outlet: str):
    a = article("x1", outlet, TEXT, datetime(2026, 5, 16, tzinfo=UTC), url=HOSTILE_URL)
    reading = (
        ReadingBuilder(a)
        .entity("Ilse Varga", "PERSON")
        .entity("Tollford", "GPE")
        .place("Tollford")
        .date("on Friday", date(2026, 5, 15))
        .quote("<script>alert(2)</script> [click](javascript:x) `rm -rf`", "Ilse Varga", "Ilse Varga")
        .build()
    )
    return analyse_story(Story("s-x", HOSTILE_TITLE, ("x1",)), {"x1": a}, {"x1": reading}, {}, FakeEmbedder())


def _article_with_title(outlet: str):
    from dataclasses import replace

    analysis = _analysis(outlet)
    a = replace(analysis.articles["x1"], title=HOSTILE_TITLE)
    return replace(analysis, articles={"x1": a})


def _unescaped_markdown(md: str) -> list[str]:
    """Markup a Markdown renderer would act on: raw HTML tags, links/images not made by the brief, code spans."""
    bad = []
    if re.search(r"<\s*(script|svg|img|b)\b", md, re.I):
        bad.append("raw html")
    for m in re.finditer(r"(?<!\\)\[([^\]]*)(?<!\\)\]\(([^)]*)\)", md):
        if not m.group(2).startswith(("/articles/", "https://ok.example/")):
            bad.append(f"link {m.group(0)!r}")
    if re.search(r"(?<!\\)\]\(javascript:", md):
        bad.append("javascript link")
    body = md.replace("`s-x`", "").replace("`x1`", "")
    if re.search(r"(?<!\\)`", body):
        bad.append("code span")
    return bad


@pytest.mark.parametrize("outlet", HOSTILE_OUTLETS)
def test_markdown_escapes_outlets_titles_urls_and_quotes(outlet):
    analysis = _article_with_title(outlet)
    md = render_brief(build_brief(analysis), "md")
    assert _unescaped_markdown(md) == [], md
    assert "onload=" not in md or "&lt;svg onload=" in md  # the outlet's markup is shown as text
    # every citation is a link to the highlighted passage, with the outlet as an escaped label
    assert f"[{md_text(outlet)}](/articles/x1?cite=" in md
    # the URL's brackets are percent-encoded in the Sources link
    assert "(https://ok.example/a_%28b%29%5Dc%2Ad)" in md


def test_a_url_with_markup_is_not_linked_in_any_format():
    from dataclasses import replace

    analysis = _analysis("Outlet")
    analysis = replace(analysis, articles={"x1": replace(analysis.articles["x1"], url=SCRIPT_URL)})
    brief = build_brief(analysis)
    assert "<script>" not in render_brief(brief, "md") and "<script>" not in render_brief(brief, "html")
    assert "](https://ok.example/a?b=1" not in render_brief(brief, "md")


@pytest.mark.parametrize("outlet", HOSTILE_OUTLETS)
def test_html_autoescapes_and_json_round_trips(outlet):
    analysis = _article_with_title(outlet)
    brief = build_brief(analysis)
    html = render_brief(brief, "html")
    assert "<script>" not in html and "<svg" not in html and "<img" not in html and "<b>tag" not in html
    assert 'href="/articles/x1?cite=' in html  # chips link to the passage
    assert not re.search(r'(href|src|action)\s*=\s*"\s*javascript:', html, re.I)  # shown as text, never a link
    doc = json.loads(render_brief(brief, "json"))
    assert doc["sources"][0]["outlet"] == outlet and doc["title"] == HOSTILE_TITLE


def test_a_citation_reads_as_its_outlet_and_prints_the_id_only_without_one():
    with_outlet = Citation("abcdef0123456789", 10, 20, "Harbor Ledger")
    assert cite_label(with_outlet) == "Harbor Ledger"
    without = Citation("abcdef0123456789", 10, 20, None)
    assert cite_label(without) == "article abcdef0123"
    assert cite_href(with_outlet) == "/articles/abcdef0123456789?cite=10-20#cited"
    assert cite_href(with_outlet, "https://news.example/") == "https://news.example/articles/abcdef0123456789?cite=10-20#cited"
    assert cite_href(with_outlet, "javascript:alert(1)//") == "/articles/abcdef0123456789?cite=10-20#cited"
    assert cite_href(Citation('a"><x', 1, 2)) == "/articles/a%22%3E%3Cx?cite=1-2#cited"
