"""The HTML pages in-process, and the pure helpers that draw them."""

from __future__ import annotations

import html
import re
from datetime import date

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.records import TimelineEvent
from storyline.web.present import Span, agreement_matrix, highlight, safe_href, timeline_chart, word_diff

from .conftest import XSS_TEXT, XSS_TITLE, Corpus

HTML = {"accept": "text/html"}


def test_story_list_page(client: TestClient, corpus: Corpus) -> None:
    page = client.get("/", headers=HTML)
    assert page.status_code == 200
    assert "Ferry fire at Portmere" in page.text and "Lindmoor bridge budget" in page.text
    assert f'href="/stories/{corpus.story.id}"' in page.text
    assert '<time datetime="2026-03-19T08:00:00+00:00">2026-03-19</time>' in page.text  # latest activity, one unbreakable date
    assert "content-security-policy" in page.headers
    filtered = client.get("/", params={"outlet": "Riverside Daily"}, headers=HTML).text
    assert "Lindmoor bridge budget" in filtered and "Ferry fire at Portmere" not in filtered
    # the filter form sends empty fields: they mean "any", not an error
    empty = client.get("/", params={"q": "", "outlet": "", "entity": "", "since": "", "until": ""}, headers=HTML)
    assert empty.status_code == 200 and "Ferry fire at Portmere" in empty.text
    dated = client.get("/", params={"since": "2026-03-20", "until": ""}, headers=HTML).text
    assert "Lindmoor bridge budget" in dated and "Ferry fire at Portmere" not in dated
    unknown = client.get("/", params={"entity": "<b>Nobody</b>"}, headers=HTML)
    assert unknown.status_code == 200 and "no such entity: &lt;b&gt;Nobody&lt;/b&gt;" in unknown.text
    bad = client.get("/", params={"since": "soon"}, headers=HTML)
    assert bad.status_code == 400 and "not a date" in bad.text


def test_story_page_shows_matrix_conflicts_quotes_timeline_and_copies(client: TestClient, corpus: Corpus) -> None:
    page = client.get(f"/stories/{corpus.story.id}", headers=HTML).text
    matrix = page[page.index('data-testid="matrix"') : page.index("</table>", page.index('data-testid="matrix"'))]
    assert matrix.count('<tr class="conflict"') == 2  # the toll and the place
    assert 'data-outlet="Northgate Post">' in matrix and "Fifteen people" in matrix
    assert "c-conflict" in matrix and "c-agree" in matrix and "c-silent" in matrix
    assert "<del>every passenger</del>" in page and "<ins>all passengers</ins>" in page
    assert '<svg class="timeline"' in page and page.count("<circle") == 2
    tree = page[page.index('data-testid="copy-tree"') :]
    assert re.search(r"Harbor Ledger</a>.*?<ul>\s*<li>\s*<a href=\"/articles/[0-9a-z]+\">Coastline Wire", tree, re.S)
    assert "A fire on the ferry Alder Grace injured at least 12 people" in page
    ledger = corpus.articles["ledger"]
    start = ledger.text.index("injuring 12 people")
    assert f"/articles/{ledger.id}?cite={start}-{start + len('injuring 12 people')}#cited" in page


def test_story_page_without_documents(client: TestClient, corpus: Corpus) -> None:
    page = client.get(f"/stories/{corpus.other.id}", headers=HTML)
    assert page.status_code == 200
    for kind in ("brief", "facts", "conflicts", "quote_groups", "timeline"):
        assert f'data-testid="missing-{kind}"' in page.text
    assert "credited source, not stored" in page.text and 'href="https://wire.example/bridge-budget"' in page.text


def test_article_page_highlights_from_offsets(client: TestClient, corpus: Corpus) -> None:
    post = corpus.articles["post"]
    page = client.get(f"/articles/{post.id}", headers=HTML).text
    assert re.search(r'<mark class="hl hl-amount"[^>]*>Fifteen people</mark>', page)
    assert re.search(r'<mark class="hl hl-entity"[^>]*>Ines Calloway</mark>', page)
    assert re.search(r'<mark class="hl hl-date"[^>]*>March 18</mark>', page)
    assert re.search(r'<mark class="hl hl-role"[^>]*>Port director</mark>', page)
    cited = client.get(f"/articles/{post.id}", params={"cite": "0-8"}, headers=HTML).text
    assert '<span id="cited"></span><mark class="hl hl-cite hl-place"' in cited


def test_script_payloads_are_shown_as_text(client: TestClient, corpus: Corpus) -> None:
    page = client.get(f"/articles/{corpus.articles['xss'].id}", headers=HTML).text
    assert "<script>window" not in page and "<img src=x" not in page and 'href="javascript' not in page
    assert html.escape("<script>window.__pwned = 2;", quote=False) in page
    assert "onerror=&#34;alert(3)&#34;" in page or "onerror=&quot;alert(3)&quot;" in page
    assert html.escape(XSS_TITLE).replace("&quot;", "&#34;") in page or html.escape(XSS_TITLE) in page
    listing = client.get("/", headers=HTML).text
    assert "<img src=x" not in listing
    hits = client.get("/search", params={"q": "notice"}, headers=HTML).text
    assert "<script>" not in hits and "<img src=x" not in hits


def test_entity_and_search_pages(client: TestClient, corpus: Corpus) -> None:
    page = client.get("/entities/ent-calloway", headers=HTML).text
    assert "Port director" in page and "Northgate Post" in page and "Ferry fire at Portmere" in page
    assert "Ines Calloway" in client.get("/entities", headers=HTML).text
    hits = client.get("/search", params={"q": "hospital"}, headers=HTML).text
    assert 'data-testid="search-results"' in hits and "<mark>hospital</mark>" in hits
    assert 'data-testid="no-results"' in client.get("/search", params={"q": "zeppelin"}, headers=HTML).text


def test_page_errors_are_html(client: TestClient) -> None:
    page = client.get("/stories/does-not-exist", headers=HTML)
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no such story" in page.text
    assert client.get("/articles/x", params={"cite": "<script>"}, headers=HTML).status_code == 422


# ---------------------------------------------------------------- helpers


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab <>&\"'\n/=é")), max_size=60),
    raw=st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70), st.sampled_from(["entity", "quote", "date"])),
                 max_size=6),
)  # fmt: skip
def test_highlight_is_escaped_and_keeps_the_text(text: str, raw: list[tuple[int, int, str]]) -> None:
    spans = [Span(s, e, k, f"<{k}>") for s, e, k in raw if 0 <= s < e <= len(text)]
    out = str(highlight(text, spans))
    assert "<script" not in out
    stripped = re.sub(r"<br>\n", "\n", out)
    stripped = re.sub(r"</?(mark|span)[^>]*>", "", stripped)
    assert "<" not in stripped.replace("&lt;", "")
    assert html.unescape(stripped) == text
    assert out.count("<mark") == out.count("</mark>")


def test_matrix_rows_per_disputed_point() -> None:
    from datetime import date as day

    from storyline.records import Article, Conflict, Fact, FactValue

    arts = [Article(id=i, text="x", outlet=o) for i, o in (("a1", "One"), ("a2", "Two"), ("a3", "Three"))]
    toll = Conflict("c1", "s", "number", "number: injured", (FactValue("3", "three hurt", ("a1",)),
                                                            FactValue("4", "four hurt", ("a2",))), fact_id="f1")  # fmt: skip
    when = Conflict("c2", "s", "date", "date: the fire", (FactValue("2026-03-01", "on Sunday", ("a1",)),
                                                         FactValue("2026-03-02", "on Monday", ("a3",))))  # fmt: skip
    rise = Conflict("c3", "s", "number", "number: deaths", (FactValue("2", "two", ("a1",)),
                                                           FactValue("5", "five", ("a2",))), update=True)  # fmt: skip
    facts = [Fact("f1", "s", "event", "A fire hurt people.", "contested", when=(day(2026, 3, 1),),
                  article_ids=("a1", "a2", "a3"), conflict_ids=("c1", "c2")),
             Fact("f2", "s", "event", "Crews came.", "agreed", article_ids=("a1", "a3"))]  # fmt: skip
    m = agreement_matrix(facts, [toll, when, rise], arts)
    assert m.outlets == ("One", "Two", "Three")
    assert [(r.id, r.fact_id, r.first, r.span) for r in m.rows] == [
        ("c1", "f1", True, 2), ("c2", "f1", False, 2), ("f2", "f2", True, 1), ("c3", None, True, 1)]
    c1, c2, f2, c3 = m.rows
    assert [c.values for c in c1.cells] == [("three hurt",), ("four hurt",), ()]
    assert [c.state for c in c1.cells] == ["conflict", "conflict", "novalue"]  # Three carries the fact, no figure
    assert [c.state for c in f2.cells] == ["agree", "silent", "agree"]
    assert c3.conflict is False and {c.state for c in c3.cells} == {"update", "silent"}


def test_matrix_shows_each_disputed_quote_and_title_once() -> None:
    """The comparison links a quote's wording conflict to the quote, to the sentence quoting it and to a
    paraphrase; a title conflict to the role and to every sentence naming the person. Each point gets one
    row, under the quote or the role; a sentence that only carries the quote is folded into its row."""
    from storyline.records import Article, Conflict, Fact, FactValue

    arts = [Article(id=i, text="x", outlet=o) for i, o in (("a1", "One"), ("a2", "Two"), ("a3", "Three"))]
    wording = Conflict("cq", "s", "quote_wording", "wording of Ann Lee: we are sorry",
                       (FactValue("we are sorry", "we are sorry", ("a1",)),
                        FactValue("we are so sorry", "we are so sorry", ("a2",))), fact_id="f1")  # fmt: skip
    title = Conflict("ct", "s", "title", "title of Bo Kim", (FactValue("mayor", "mayor", ("a1",)),
                                                              FactValue("deputy mayor", "deputy mayor", ("a3",))))  # fmt: skip
    facts = [
        Fact("f1", "s", "event", 'Ann Lee said: "We are sorry."', "contested", who=("Ann Lee",),
             article_ids=("a1",), conflict_ids=("cq",)),
        Fact("f2", "s", "event", "Bo Kim, the mayor, opened the bridge.", "contested", who=("Bo Kim",),
             article_ids=("a1", "a3"), conflict_ids=("ct",)),
        Fact("f3", "s", "event", '"We are so sorry," said Ann Lee.', "contested", article_ids=("a2",), conflict_ids=("cq",)),
        Fact("fr", "s", "role", "Bo Kim: mayor; deputy mayor", "contested", article_ids=("a1", "a3"), conflict_ids=("ct",)),
        Fact("fq", "s", "quote", "We are sorry", "contested", article_ids=("a1", "a2"), conflict_ids=("cq",)),
    ]  # fmt: skip
    m = agreement_matrix(facts, [wording, title], arts)
    assert [r.id for r in m.rows] == ["f2", "ct", "cq"]  # the quote once, the title once, the bridge claim kept
    bridge, role, quote = m.rows
    assert bridge.conflict is False and [c.state for c in bridge.cells] == ["agree", "silent", "agree"]
    assert role.fact_id == "fr" and role.conflict and [c.values for c in role.cells] == [("mayor",), (), ("deputy mayor",)]
    assert quote.fact_id == "fq" and [c.state for c in quote.cells] == ["conflict", "conflict", "silent"]
    assert sum(r.label.count("sorry") for r in m.rows) == 1


def test_word_diff() -> None:
    pieces = word_diff("we evacuated every passenger quickly", "we evacuated all passengers quickly")
    assert [(p.op, p.text) for p in pieces] == [
        ("equal", "we evacuated"), ("delete", "every passenger"), ("insert", "all passengers"), ("equal", "quickly"),
    ]  # fmt: skip
    assert [p.op for p in word_diff("same words", "same words")] == ["equal"]


def test_timeline_chart_positions() -> None:
    events = [TimelineEvent(date(2026, 3, d), "day", f"event {d}", ("a",), ()) for d in (1, 11, 11, 21)]
    chart = timeline_chart(events)
    assert chart is not None
    xs = [p.x for p in chart.points]
    assert xs[0] == 40 and xs[-1] == chart.width - 40 and xs[1] == xs[2] == (40 + chart.width - 40) / 2
    assert chart.points[1].y != chart.points[2].y  # same day: stacked, not drawn on top of each other
    assert all(p.y < chart.axis_y for p in chart.points)
    assert timeline_chart([]) is None


def test_safe_href() -> None:
    assert safe_href("https://news.example/a?b=1") == "https://news.example/a?b=1"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", 'https://x" onmouseover="y', None):
        assert safe_href(bad) is None


def test_xss_fixture_really_carries_payloads() -> None:
    assert "<script>" in XSS_TEXT and "onerror=" in XSS_TEXT and "onerror=" in XSS_TITLE
