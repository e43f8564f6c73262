"""Checks the demo corpus against its spec and its ground truth.

The corpus is parsed here with the standard library only (not with storyline's
ingest), so a broken ingest cannot hide a broken corpus and vice versa.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from storyline.demo import corpus_dir, load_ground_truth

CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Doc:
    """One article as read straight from a corpus file."""

    url: str
    outlet: str
    published: str | None
    title: str
    text: str
    file: str
    fmt: str


class _PageParser(HTMLParser):
    """Collects canonical URL, og/article metadata and the text inside <article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title = ""
        self._in_title = False
        self._article_depth = 0
        self._chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        elif tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta[key] = a.get("content", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "article":
            self._article_depth += 1
        if self._article_depth and tag in ("p", "figcaption"):
            self._chunks.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "article":
            self._article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._article_depth:
            self._chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self._chunks)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self.chunks.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def _read_jsonl(path: Path) -> list[Doc]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            docs.append(Doc(r["url"], r["outlet"], r.get("published"), r["title"], r["text"], path.name, "jsonl"))
    return docs


def _read_md(path: Path) -> list[Doc]:
    raw = path.read_text(encoding="utf-8")
    m = re.match(r"---\n(.*?)\n---\n(.*)", raw, re.S)
    assert m, f"{path.name}: no front matter block"
    fields = {}
    for line in m.group(1).splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        fields[key.strip()] = json.loads(value) if value.startswith('"') else value
    for key in ("title", "outlet", "url", "published", "author", "id"):
        assert key in fields, f"{path.name}: front matter lacks {key}"
    return [Doc(fields["url"], fields["outlet"], fields["published"], fields["title"], m.group(2), path.name, "md")]


def _read_html(path: Path) -> list[Doc]:
    p = _PageParser()
    p.feed(path.read_text(encoding="utf-8"))
    assert p.canonical, f"{path.name}: no <link rel=canonical>"
    assert p.meta.get("og:url") == p.canonical, f"{path.name}: og:url differs from canonical"
    return [Doc(p.canonical, p.meta["og:site_name"], p.meta["article:published_time"], p.meta["og:title"],
                p.text, path.name, "html")]


def _read_rss(path: Path) -> list[Doc]:
    channel = ET.parse(path).getroot().find("channel")
    assert channel is not None
    outlet = channel.findtext("title", "").split(" - ")[0]
    docs = []
    for item in channel.findall("item"):
        body = _TextOnly()
        body.feed(item.findtext(CONTENT_NS, ""))
        published = datetime.datetime.strptime(item.findtext("pubDate", ""), "%a, %d %b %Y %H:%M:%S %z").isoformat()
        docs.append(Doc(item.findtext("link", ""), outlet, published, item.findtext("title", ""),
                        "".join(body.chunks), path.name, "rss"))
    return docs


READERS = {".jsonl": _read_jsonl, ".md": _read_md, ".html": _read_html, ".rss": _read_rss, ".xml": _read_rss}


@pytest.fixture(scope="module")
def docs() -> dict[str, Doc]:
    out: dict[str, Doc] = {}
    for path in sorted(corpus_dir().iterdir()):
        reader = READERS.get(path.suffix)
        assert reader, f"unexpected file in the demo corpus: {path.name}"
        for d in reader(path):
            assert d.url not in out, f"duplicate url {d.url}"
            out[d.url] = d
    return out


@pytest.fixture(scope="module")
def gt() -> dict:
    return load_ground_truth()


def test_corpus_size_and_formats(docs: dict[str, Doc], gt: dict) -> None:
    assert len(docs) >= 18
    assert len({d.outlet for d in docs.values()}) >= 8
    assert {d.fmt for d in docs.values()} == {"jsonl", "html", "md", "rss"}
    assert 2 <= sum(d.fmt == "rss" for d in docs.values()) <= 3
    assert len(gt["stories"]) >= 5
    assert len({a["story"] for a in gt["articles"].values()}) == len(gt["stories"])


def test_articles_are_news_length_with_fictional_domains(docs: dict[str, Doc]) -> None:
    for d in docs.values():
        assert 150 <= len(d.text.split()) <= 500, (d.url, len(d.text.split()))
        assert re.match(r"https://[a-z0-9.-]+\.example/", d.url), d.url


def test_ground_truth_urls_are_the_corpus_urls(docs: dict[str, Doc], gt: dict) -> None:
    assert set(gt["articles"]) == set(docs)
    sections = ("copies", "quotes", "dates", "amounts", "places", "roles")
    for section in sections:
        for row in gt[section]:
            assert row["url"] in docs, (section, row)
    for row in gt["conflicts"]:
        for urls in row["values"].values():
            assert set(urls) <= set(docs)
    for row in gt["timeline"]:
        assert set(row["urls"]) <= set(docs)
    assert {p["url"] for p in gt["places"]} == set(docs)


def test_article_metadata_matches(docs: dict[str, Doc], gt: dict) -> None:
    for url, meta in gt["articles"].items():
        d = docs[url]
        assert meta["outlet"] == d.outlet, url
        assert meta["story"] in gt["stories"], url
        if meta["published"] is None:
            assert d.published is None
        else:
            assert datetime.datetime.fromisoformat(meta["published"]) == datetime.datetime.fromisoformat(d.published)
    undated = [u for u, m in gt["articles"].items() if m["published"] is None]
    assert undated and all(docs[u].fmt == "jsonl" for u in undated)


def test_quotes_are_verbatim_and_complete(docs: dict[str, Doc], gt: dict) -> None:
    names = {e["name"] for e in gt["entities"] if e["label"] == "PERSON"}
    listed: dict[str, list[str]] = {}
    for q in gt["quotes"]:
        assert q["text"] in docs[q["url"]].text, q
        assert q["speaker"] in names, q
        listed.setdefault(q["url"], []).append(q["text"].rstrip(",."))
    for url, d in docs.items():
        spans = [a or b for a, b in re.findall(r'"([^"]+)"|\u201c([^\u201d]+)\u201d', d.text)]
        assert sorted(s.rstrip(",.") for s in spans) == sorted(listed.get(url, [])), url


def test_dates_occur_and_resolve(docs: dict[str, Doc], gt: dict) -> None:
    for row in gt["dates"]:
        d = docs[row["url"]]
        assert row["text"] in d.text, row
        day = datetime.date.fromisoformat(row["value"])
        for name in WEEKDAYS:
            if name in row["text"]:
                assert day.strftime("%A") == name, row
        if row["text"] in ("today", "yesterday") and d.published:
            pub = datetime.datetime.fromisoformat(d.published).date()
            assert (pub - day).days == (1 if row["text"] == "yesterday" else 0), row
        if d.published:
            pub = datetime.datetime.fromisoformat(d.published).date()
            assert abs((pub - day).days) <= 70, row


def test_amounts_occur(docs: dict[str, Doc], gt: dict) -> None:
    for row in gt["amounts"]:
        assert row["text"] in docs[row["url"]].text, row
        assert isinstance(row["value"], (int, float)) and row["counts"], row


def test_entities_and_roles_occur(docs: dict[str, Doc], gt: dict) -> None:
    everything = "\n".join(p.read_text(encoding="utf-8") for p in corpus_dir().iterdir())
    by_name = {e["name"]: e for e in gt["entities"]}
    for e in gt["entities"]:
        assert e["label"] in ("PERSON", "ORG", "GPE")
        for form in [e["name"], *e["aliases"]]:
            assert form in everything, form
    assert any(re.fullmatch(r"[A-Z]{2,5}", a) for e in gt["entities"] for a in e["aliases"])
    assert any(a.startswith(("Mr. ", "Ms. ")) for e in gt["entities"] for a in e["aliases"])
    for r in gt["roles"]:
        text = docs[r["url"]].text
        assert r["title"] in text, r
        assert any(form in text for form in [r["person"], *by_name[r["person"]]["aliases"]]), r
    assert any(r["former"] for r in gt["roles"])


def test_copies_point_at_existing_origins(docs: dict[str, Doc], gt: dict) -> None:
    kinds = {c["kind"] for c in gt["copies"]}
    assert kinds == {"syndicated", "rewrite"}
    for c in gt["copies"]:
        copy, origin = docs[c["url"]], docs[c["origin_url"]]
        assert copy.url != origin.url and copy.outlet != origin.outlet
        assert gt["articles"][copy.url]["story"] == gt["articles"][origin.url]["story"]
        ratio = difflib.SequenceMatcher(None, copy.text.split(), origin.text.split()).ratio()
        if c["kind"] == "syndicated":
            assert ratio > 0.9, (c, ratio)
        else:
            assert ratio < 0.6, (c, ratio)
            assert copy.text.strip().endswith(f"Read the full article at {origin.url}"), c
    assert sum(c["kind"] == "syndicated" for c in gt["copies"]) >= 2
    assert sum(c["kind"] == "rewrite" for c in gt["copies"]) >= 2


def test_same_kind_events_are_distinct_stories(gt: dict) -> None:
    """The envoy's two visits share a protagonist and vocabulary but must stay two stories."""
    roles = [r for r in gt["roles"] if "envoy" in r["title"]]
    people = {r["person"] for r in roles}
    assert len(people) == 1
    stories = {gt["articles"][r["url"]]["story"] for r in roles}
    assert len(stories) == 2
    places = {s: {p["event_location"] for p in gt["places"] if gt["articles"][p["url"]]["story"] == s} for s in stories}
    months = {s: {t["date"][:7] for t in gt["timeline"] if t["story"] == s} for s in stories}
    a, b = sorted(stories)
    assert places[a].isdisjoint(places[b])
    assert months[a].isdisjoint(months[b])


def test_conflicts_quote_groups_and_timeline(docs: dict[str, Doc], gt: dict) -> None:
    kinds = {c["kind"] for c in gt["conflicts"]}
    assert kinds == {"location", "date", "number", "title", "quote_wording", "quote_speaker"}
    for c in gt["conflicts"]:
        assert len(c["values"]) >= 2, c
        for urls in c["values"].values():
            assert all(gt["articles"][u]["story"] == c["story"] for u in urls), c
    quotes = {(q["url"], q["text"]) for q in gt["quotes"]}
    for g in gt["quote_groups"]:
        assert len(g["versions"]) >= 2
        for v in g["versions"]:
            assert (v["url"], v["text"]) in quotes, v
            assert gt["articles"][v["url"]]["story"] == g["story"]
    assert any(len({v["text"] for v in g["versions"]}) >= 3 for g in gt["quote_groups"])
    for t in gt["timeline"]:
        datetime.date.fromisoformat(t["date"])
        assert t["story"] in gt["stories"] and t["urls"]
        assert all(gt["articles"][u]["story"] == t["story"] for u in t["urls"])
