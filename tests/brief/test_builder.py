"""Briefs: every sentence cited and checked, an unsupported sentence fails, three formats, escaping."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone

import pytest

from storyline.brief import CitationChecker, build_brief, check_brief, render_brief, sentence_claims
from storyline.codec import from_json
from storyline.compare import analyse_story
from storyline.embed import FakeEmbedder
from storyline.errors import InputError, StageError
from storyline.records import Brief, BriefSentence, Citation

from ..side_by_side import ReadingBuilder, article, cannery_story


@pytest.fixture()
def analysis():
    return analyse_story(*cannery_story(), FakeEmbedder())


def _sentence_span(analysis, aid, needle):
    text = analysis.articles[aid].text
    start = text.index(needle)
    end = text.index(".", start) + 1
    return Citation(aid, start, end)


def test_claims_are_read_from_the_sentence_text():
    claims = sentence_claims("On 2026-03-17 Dana Morrow said 1,200 workers in Portmere left on Tuesday, March 17.")
    assert claims.names == ("Dana Morrow", "Portmere")
    assert [n for n, _ in claims.numbers] == [1200.0]
    assert claims.weekdays == (1,) and claims.month_days == ((3, 17),)
    assert [d.isoformat() for d in claims.dates] == ["2026-03-17"]


def test_checker_fails_an_unsupported_sentence(analysis):
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    cite = _sentence_span(analysis, "a-ledger", "A fire at")
    good = BriefSentence("A fire in Portmere killed 12 people on Tuesday.", (cite,))
    assert checker.problems(good) == []
    bad = BriefSentence("A fire in Eastvale killed 45 people on Wednesday.", (cite,))
    problems = " ".join(checker.problems(bad))
    assert "Eastvale" in problems and "45" in problems and "Wednesday" in problems
    with pytest.raises(StageError) as err:
        checker.check(bad, item="s-cannery")
    assert "A fire in Eastvale killed 45 people on Wednesday." in str(err.value)
    assert err.value.stage == "brief"


def test_each_cited_span_must_support_the_sentence(analysis):
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    ledger = _sentence_span(analysis, "a-ledger", "A fire at")
    wire = _sentence_span(analysis, "a-wire", "A fire at")
    sentence = BriefSentence("A fire in Portmere killed 12 people on Tuesday.", (ledger, wire))
    problems = checker.problems(sentence)
    assert problems and all(p.startswith("a-wire") for p in problems)
    assert checker.problems(BriefSentence("No citation here.", ())) == ["no citation"]


def test_aliases_and_resolved_dates_support_a_sentence(analysis):
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    quote_span = _sentence_span(analysis, "a-wire", '"We did')  # names only "Morrow"
    assert checker.problems(BriefSentence("Dana Morrow spoke.", (quote_span,))) == []
    wire = _sentence_span(analysis, "a-wire", "A fire at")  # "on Wednesday" resolved to 2026-03-18
    assert checker.problems(BriefSentence("It happened on 2026-03-18.", (wire,))) == []
    assert checker.problems(BriefSentence("It happened on 2026-03-17.", (wire,)))


def test_build_brief_every_sentence_cited_and_checked(analysis):
    brief = build_brief(analysis)
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    assert brief.sentences()
    for s in brief.sentences():
        assert s.citations and checker.problems(s) == []
        for c in s.citations:
            assert 0 <= c.start < c.end <= len(analysis.articles[c.article_id].text)
    # the account leads with the event (the fire, where, when, how many), cited to the outlets whose span carries
    # it; the outlet that gives another day and place follows inline, cited to itself
    lead = brief.account[0]
    assert lead.text.startswith("A fire at the Kessel cannery in Portmere killed 12 people on Tuesday")
    assert {c.article_id for c in lead.citations} == {"a-ledger", "a-copy"}
    other = brief.account[1]
    assert other.text == "One other outlet gives “on Wednesday” and “Eastvale”."
    assert [c.article_id for c in other.citations] == ["a-wire"]
    assert not any(s.text.startswith("Dana Morrow is") for s in brief.account)  # titles are background
    kinds = {i.status for i in brief.conflicts}
    assert {"date", "location", "number", "title"} <= kinds
    assert brief.independent_origins == 2
    copy = next(s for s in brief.sources if s.article_id == "a-copy")
    assert copy.copy_of == "a-ledger" and copy.origin == "a-ledger"


def test_a_tampered_brief_fails_the_check(analysis):
    brief = build_brief(analysis)
    cite = brief.account[0].citations[0] if brief.account else brief.key_facts[0].sentence.citations[0]
    bad = dataclasses.replace(brief, account=(BriefSentence("Ninety firefighters from Eastvale came.", (cite,)),))
    with pytest.raises(StageError, match="Ninety firefighters from Eastvale came"):
        check_brief(bad, CitationChecker(analysis.articles, analysis.readings, analysis.entities))


def test_render_markdown_json_and_html(analysis):
    md = render_brief(analysis, "md")
    assert md.startswith("# Cannery fire") and "## Conflicts" in md
    # a citation reads as its outlet, once, and links to the highlighted passage
    assert "[Harbor Ledger](/articles/a-ledger?cite=0-85#cited)" in md and "a-ledger:" not in md
    assert "**title of Dana Morrow**" in md and "**quote by Dana Morrow**" in md
    doc = json.loads(render_brief(analysis, "json"))
    assert doc["story_id"] == "s-cannery" and doc["independent_origins"] == 2
    rebuilt = from_json(Brief, doc)
    assert rebuilt == build_brief(analysis)
    html = render_brief(rebuilt, "html")
    assert html.startswith("<!doctype html>") and "Cannery fire" in html and "<link" not in html
    with pytest.raises(InputError):
        render_brief(analysis, "pdf")


def test_html_escapes_article_text():
    evil = 'The mayor said "<script>alert(1)</script> stays closed" on Friday in Lowmarsh.'
    a = article("x1", "Evil <b>Outlet</b>", evil, datetime(2026, 5, 4, tzinfo=timezone.utc), url="javascript:alert(2)")
    reading = ReadingBuilder(a).entity("Lowmarsh", "GPE").quote("<script>alert(1)</script> stays closed", None).build()
    from storyline.records import Story

    story = Story("s-x", "A <i>title</i>", ("x1",))
    html = render_brief(analyse_story(story, {"x1": a}, {"x1": reading}, {}, FakeEmbedder()), "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<i>title" not in html and "<b>Outlet" not in html
    assert "javascript:" not in html


def test_analyse_and_store_writes_the_story_documents_and_the_cli_reads_them(tmp_path):
    from typer.testing import CliRunner

    from storyline.brief import analyse_and_store, brief_for, write_brief_files
    from storyline.cli import app
    from storyline.records import Assignment
    from storyline.store import open_store

    story, articles, readings, copies = cannery_story()
    db = tmp_path / "t.db"
    with open_store(str(db)) as store:
        store.add_articles(articles.values())
        store.put_readings(readings.values())
        store.put_copies(copies.values())
        store.put_assignments(Assignment(a, story.id, 1.0, False, "test") for a in story.article_ids)
        store.save_stories([story])
        brief = analyse_and_store(store, story.id, FakeEmbedder())
        for kind in ("facts", "conflicts", "quote_groups", "timeline", "brief"):
            assert store.get_story_doc(story.id, kind), kind
        assert {c["kind"] for c in store.get_story_doc(story.id, "conflicts")} >= {"date", "location", "title"}
        assert brief_for(store, story.id[:6]) == brief  # the stored one, found by prefix
        paths = write_brief_files(store, tmp_path / "briefs", embedder=FakeEmbedder())
        assert sorted(p.name for p in paths) == [f"{story.id}.{f}" for f in ("html", "json", "md")]
    out = tmp_path / "b.json"
    result = CliRunner().invoke(app, ["brief", story.id, "--format", "json", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8"))["story_id"] == story.id
    missing = CliRunner().invoke(app, ["brief", "nope-nope", "--db", str(db)])
    assert missing.exit_code == 3


def test_markdown_escapes_markup_from_articles():
    evil = 'The mayor said "<img src=x onerror=alert(1)> stays closed" on Friday in Lowmarsh.'
    a = article("x1", "Outlet", evil, datetime(2026, 5, 4, tzinfo=timezone.utc))
    reading = ReadingBuilder(a).entity("Lowmarsh", "GPE").build()
    from storyline.records import Story

    md = render_brief(analyse_story(Story("s-x", "<b>t</b>", ("x1",)), {"x1": a}, {"x1": reading}, {}, FakeEmbedder()), "md")
    assert "<img" not in md and "<b>" not in md and "&lt;img" in md


# ---------------------------------------------------------------- an agreed key fact cites every agreeing outlet


def test_an_agreed_key_fact_cites_both_outlets_though_one_says_it_in_other_words():
    from ..compare.test_analysis import harbor_story

    analysis = analyse_story(*harbor_story(), FakeEmbedder())
    brief = build_brief(analysis)
    item = next(i for i in brief.key_facts if "budget" in i.sentence.text)
    assert item.status == "agreed"
    assert [c.article_id for c in item.sentence.citations] == ["h-post", "h-herald"]
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    assert checker.problems(item.sentence) == []
    herald = item.sentence.citations[1]
    alone = dataclasses.replace(item.sentence, citations=(herald,))
    assert checker.problems(alone) == []
    # word for word the Herald's sentence does not name the mayor: only the recorded alignment vouches for it,
    # for a key fact or an account sentence, never for a conflict value, quote or timeline entry
    assert checker.problems(dataclasses.replace(alone, section="account")) == []
    assert "'Mayor Odile Ferrant'" in " ".join(checker.problems(dataclasses.replace(alone, section="timeline")))
    unaligned = CitationChecker(analysis.articles, analysis.readings, analysis.entities, paraphrases={})
    assert unaligned.problems(alone)


def test_a_paraphrase_citation_is_accepted_only_for_its_own_aligned_sentence_and_figures():
    from storyline.compare import squash

    from ..compare.test_analysis import harbor_story

    analysis = analyse_story(*harbor_story(), FakeEmbedder())
    item = next(i for i in build_brief(analysis).key_facts if "budget" in i.sentence.text)
    text, herald = item.sentence.text, item.sentence.citations[1]
    key = (herald.article_id, herald.start, herald.end)

    def problems(sentence_text, cite, recorded):
        checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities, paraphrases=recorded)
        return checker.problems(BriefSentence(sentence_text, (cite,), "fact"))

    # an unrelated passage of the same article fails, even if it were recorded
    unrelated = _sentence_span(analysis, "h-herald", "Fishermen")
    assert problems(text, unrelated, {(unrelated.article_id, unrelated.start, unrelated.end): {squash(text)}})
    # part of the aligned sentence is not the aligned sentence
    part = Citation(herald.article_id, herald.start + 3, herald.end)
    assert problems(text, part, {(part.article_id, part.start, part.end): {squash(text)}})
    # the figures must agree after normalisation: "$14.3m" is 14.3 million, never 15.1 million or 14.3 thousand
    assert problems(text, herald, {key: {squash(text)}}) == []
    for wrong in (text.replace("$14.3 million", "$15.1 million"), text.replace("$14.3 million", "$14.3 thousand")):
        assert wrong != text
        found = " ".join(problems(wrong, herald, {key: {squash(wrong)}}))
        assert "does not state" in found and "Ferrant" not in found  # the figure, not the name, fails
