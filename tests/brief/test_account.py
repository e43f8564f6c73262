"""The account says what happened: the event lead, cited to every origin that carries it, disagreement inline."""

from __future__ import annotations

from datetime import date, datetime, timezone

from storyline.brief import CitationChecker, build_brief
from storyline.brief.account import salience
from storyline.compare import analyse_story
from storyline.embed import FakeEmbedder
from storyline.records import Citation, Story

from ..side_by_side import ReadingBuilder, article, bridge_story, cannery_story

UTC = timezone.utc

# One outlet, one article: a title sentence first, then the news, an opinion, a quotation and a follow-up.
FLOOD = (
    "Kellan Dross is the mayor of the river town. "
    "A flood in Harrowby forced 300 families from their homes on Monday, the regional council said. "
    "We should have raised the levee years ago. "
    '"The water came up quicker than we had ever seen tonight," Dross said. '
    "Water levels began to fall on Tuesday as crews cleared the drains."
)


def _flood():
    a = article("f-1", "Harrowby Echo", FLOOD, datetime(2026, 2, 3, tzinfo=UTC))
    reading = (
        ReadingBuilder(a)
        .entity("Kellan Dross", "PERSON", "Kellan Dross", "Dross")
        .entity("Harrowby", "GPE")
        .role("Kellan Dross", "mayor of the river town")
        .place("Harrowby")
        .date("on Monday", date(2026, 2, 2))
        .date("on Tuesday", date(2026, 2, 3))
        .amount("300 families", 300, "families")
        .quote("The water came up quicker than we had ever seen tonight,", "Kellan Dross", "Dross")
        .build()
    )
    return analyse_story(Story("s-flood", "Flood", ("f-1",)), {"f-1": a}, {"f-1": reading}, {}, FakeEmbedder())


def test_a_single_source_story_gets_its_news_lead_not_a_title_sentence_or_an_opinion():
    analysis = _flood()
    brief = build_brief(analysis)
    assert brief.account, "a story told by one outlet still gets its lead"
    assert brief.account[0].text.startswith("A flood in Harrowby forced 300 families from their homes on Monday")
    texts = " ".join(s.text for s in brief.account)
    assert "is the mayor" not in texts and "should have" not in texts and "quicker than we had ever seen" not in texts
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    assert all(checker.problems(s) == [] for s in brief.account)
    # key facts: the event first; background, opinion and the quotation after it
    facts = [i.sentence.text for i in brief.key_facts]
    assert facts[0].startswith("A flood in Harrowby") and facts[1].startswith("Water levels began to fall")
    assert set(facts[2:]) == {"Kellan Dross is the mayor of the river town.",
                              '"The water came up quicker than we had ever seen tonight," Dross said.'}  # fmt: skip


def test_salience_tells_a_title_sentence_from_an_event_with_a_copula():
    analysis = _flood()
    text = analysis.articles["f-1"].text
    title = Citation("f-1", 0, text.index(".") + 1)
    sal = salience(analysis, title, text[title.start : title.end])
    assert sal.background and not sal.event
    lead_start = text.index("A flood")
    lead = Citation("f-1", lead_start, text.index(".", lead_start) + 1)
    sal = salience(analysis, lead, text[lead.start : lead.end])
    assert sal.event and not sal.background and sal.figures == 1 and sal.days == 1 and sal.places == 1
    assert sal.position == 1  # the title sentence before it counts as a sentence of the article
    opinion_start = text.index("We should")
    opinion = Citation("f-1", opinion_start, text.index(".", opinion_start) + 1)
    assert salience(analysis, opinion, text[opinion.start : opinion.end]).opinion


def test_the_account_states_the_event_and_tells_the_other_outlets_version_inline():
    analysis = analyse_story(*cannery_story(), FakeEmbedder())
    brief = build_brief(analysis)
    lead, other = brief.account[:2]
    assert "killed 12 people" in lead.text and "Portmere" in lead.text and "Tuesday" in lead.text
    # every article whose span carries the sentence is cited (the copy too), and only those
    assert {c.article_id for c in lead.citations} == {"a-ledger", "a-copy"}
    assert other.text == "One other outlet gives “on Wednesday” and “Eastvale”."
    assert {c.article_id for c in other.citations} == {"a-wire"}
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    assert all(checker.problems(s) == [] for s in brief.account)


def test_an_outlet_in_its_own_words_vouches_for_the_lead_when_the_comparison_aligned_it():
    analysis = analyse_story(*bridge_story(), FakeEmbedder())
    brief = build_brief(analysis)
    lead = brief.account[0]
    assert lead.text.startswith("Ilse Varga opened the Brannock footbridge in Tollford on Friday")
    cited = {c.article_id for c in lead.citations}
    assert {"b-times", "b-courier"} <= cited
    assert len({analysis.origins[a] for a in cited}) == 2  # the copy adds no origin


def test_a_copy_alone_gives_a_lead_cited_to_the_original_and_the_copy():
    analysis = analyse_story(*bridge_story(with_courier=False), FakeEmbedder())
    brief = build_brief(analysis)
    assert analysis.independent_origins == 1
    assert brief.account[0].text.startswith("Ilse Varga opened the Brannock footbridge")
    assert {c.article_id for c in brief.account[0].citations} == {"b-times", "b-copy"}


# A wire report as scraped: a photo caption with its credit and a headline above the text, a sentence that only
# gives the envoy's titles (no copula: "heads ... and serves as ..."), then who met whom, where and when.
ENVOY = (
    "Envoy Ansel Brack speaks to reporters ahead of his trip to Corran, May 4, 2031. REUTERS/Ola Fenn/File photo\n"
    "Kerrow Envoy to Visit Corran for Trade Talks\n"
    "Ansel Brack heads the Kerrow Fund and serves as the chancellor's special envoy for trade.\n"
    "Ansel Brack met foreign minister Ida Lurra in Corran on Wednesday to discuss the port levy, the ministry said.\n"
    "The levy doubled last year.\n"
)


def _envoy():
    a = article("e-1", "Tarn Courier", ENVOY, datetime(2031, 5, 8, tzinfo=UTC))
    reading = (
        ReadingBuilder(a)
        .entity("Ansel Brack", "PERSON", "Ansel Brack")
        .entity("Ida Lurra", "PERSON", "Ida Lurra")
        .entity("Kerrow Fund", "ORG", "Kerrow Fund")
        .role("Ansel Brack", "heads the Kerrow Fund")
        .role("Ansel Brack", "serves as the chancellor's special envoy for trade")
        .role("Ida Lurra", "foreign minister")
        .place("Corran on")
        .date("on Wednesday", date(2031, 5, 7))
        .build()
    )
    return analyse_story(Story("s-envoy", "Envoy", ("e-1",)), {"e-1": a}, {"e-1": reading}, {}, FakeEmbedder())


def _sentence(analysis, aid: str, opening: str) -> Citation:
    text = analysis.articles[aid].text
    start = text.index(opening)
    return Citation(aid, start, text.index("\n", start))


def test_a_sentence_its_titles_fill_is_background_and_who_met_whom_is_the_event():
    analysis = _envoy()
    titles = _sentence(analysis, "e-1", "Ansel Brack heads")
    sal = salience(analysis, titles, analysis.articles["e-1"].text[titles.start : titles.end])
    assert sal.background and not sal.event and not sal.interaction
    met = _sentence(analysis, "e-1", "Ansel Brack met")
    sal = salience(analysis, met, analysis.articles["e-1"].text[met.start : met.end])
    names = analysis.entities.name
    assert (sal.interaction[0], *map(names, sal.interaction[1:])) == ("meet", "Ansel Brack", "Ida Lurra")
    assert not sal.background and sal.days == 1 and sal.places == 1
    assert sal.position == 1  # the caption and the headline above the text are not sentences of the report


def test_a_verb_inside_a_title_is_no_event_between_parties():
    text = "Ansel Brack, the chancellor's appointed envoy for the Kerrow Fund, spoke on Wednesday.\n"
    a = article("e-2", "Tarn Courier", text, datetime(2031, 5, 8, tzinfo=UTC))
    reading = (
        ReadingBuilder(a).entity("Ansel Brack", "PERSON").entity("Kerrow Fund", "ORG")
        .role("Ansel Brack", "the chancellor's appointed envoy for the Kerrow Fund").build()
    )  # fmt: skip
    analysis = analyse_story(Story("s-e2", "Envoy", ("e-2",)), {"e-2": a}, {"e-2": reading}, {}, FakeEmbedder())
    cite = _sentence(analysis, "e-2", "Ansel Brack")
    assert salience(analysis, cite, text.strip()).interaction == ()


def test_the_account_of_a_report_leads_with_who_met_whom_not_with_titles():
    analysis = _envoy()
    brief = build_brief(analysis)
    assert brief.account[0].text.startswith("Ansel Brack met foreign minister Ida Lurra in Corran on Wednesday")
    assert all("serves as" not in s.text for s in brief.account)
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    assert all(checker.problems(s) == [] for s in brief.account)


def test_a_pronoun_for_a_person_the_sentence_does_not_name_keeps_it_out_beyond_the_lead():
    from storyline.brief.account import _unnamed_person

    text = "Ines Varo said her party had named her. The assembly will vote on her nomination on Friday."
    a = article("p-1", "Harrowby Echo", text, datetime(2026, 2, 3, tzinfo=UTC))
    reading = ReadingBuilder(a).entity("Ines Varo", "PERSON").entity("The assembly", "ORG").build()
    analysis = analyse_story(Story("s-p", "Vote", ("p-1",)), {"p-1": a}, {"p-1": reading}, {}, FakeEmbedder())
    second = text.index("The assembly")
    assert _unnamed_person(text[second:], Citation("p-1", second, len(text)), analysis)
    assert not _unnamed_person(text[:second].strip(), Citation("p-1", 0, second), analysis)  # she is named there
    quoted = 'The assembly said: "She will serve."'
    assert not _unnamed_person(quoted, Citation("p-1", second, len(text)), analysis)  # inside the quotation
