"""The account's opening: one article lead, the latest development in a story reported over days, and no event
told twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from storyline.brief import CitationChecker, build_brief
from storyline.brief.account import salience
from storyline.brief.builder import _subject
from storyline.brief.lead import prospective, tells_development
from storyline.brief.repeats import content, retells
from storyline.compare import analyse_story
from storyline.embed import FakeEmbedder
from storyline.records import Citation, Story

from ..side_by_side import ReadingBuilder, article


FIRST = (
    "A landslide in Varrow killed four people on Monday, police said. "
    "Rescuers searched the slope above the village through the night with dogs and thermal cameras."
)
LATER = (
    "The number of people killed by the landslide in Varrow rose to nine on Tuesday, police said. "
    "Police said 14 people had been treated in hospital, up from six on Monday. "
    "The regional governor visited the slope."
)


def _landslide(*, later_hours: float = 25.0):
    first = article("l-1", "Valley Wire", FIRST, datetime(2027, 9, 6, 9, 0, tzinfo=UTC))
    later = article("l-2", "Mountain Post", LATER, datetime.fromtimestamp(first.published.timestamp() + later_hours * 3600, UTC))
    r1 = (
        ReadingBuilder(first).entity("Varrow", "GPE").place("Varrow")
        .date("on Monday", date(2027, 9, 6)).amount("four people", 4, "people").build()
    )  # fmt: skip
    r2 = (
        ReadingBuilder(later).entity("Varrow", "GPE").place("Varrow")
        .date("on Tuesday", date(2027, 9, 7)).date("on Monday", date(2027, 9, 6))
        .amount("nine", 9, "people").amount("14 people", 14, "people").amount("six", 6, "people").build()
    )  # fmt: skip
    story = Story("s-slide", "Landslide", ("l-1", "l-2"))
    return analyse_story(story, {"l-1": first, "l-2": later}, {"l-1": r1, "l-2": r2}, {}, FakeEmbedder())


def test_a_story_reported_over_days_opens_with_the_latest_development_and_its_figures():
    analysis = _landslide()
    brief = build_brief(analysis)
    texts = [s.text for s in brief.account]
    assert texts[0].startswith("The number of people killed by the landslide in Varrow rose to nine on Tuesday")
    assert texts[1].startswith("Police said 14 people had been treated in hospital, up from six")
    assert not any("killed four people" in t for t in texts)  # the first report's count is superseded
    checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
    assert all(checker.problems(s) == [] for s in brief.account)


def test_a_same_day_rewrite_is_no_development_and_the_event_is_told_once():
    analysis = _landslide(later_hours=2.0)
    texts = [s.text for s in build_brief(analysis).account]
    leads = [t for t in texts if t.startswith(("A landslide in Varrow killed", "The number of people killed"))]
    assert len(leads) == 1, texts  # two reports' leads tell one event: the account tells it once
    assert leads[0].startswith("A landslide in Varrow killed four people on Monday")  # the first report's lead


def test_development_cues_are_read_outside_quotations():
    assert tells_development("The toll rose to nine on Tuesday, police said.")
    assert tells_development("Castor raised its offer to 410 pence.")
    assert not tells_development('The mayor said "the river rose fast" on Monday.')
    assert not tells_development("A crack that grew beyond repair closed the bridge.")


def test_a_sentence_with_a_told_figure_and_name_retells_the_event():
    told = "Mina Roe has resigned as housing minister after a review of a 2.6 million euro loan, officials said."
    again = "Ms Roe resigned on Tuesday, hours after a review of the 2.6 million euro loan was published."
    new = "The Senate will vote on her successor, Ava Lind, on 12 June."
    def args(t: str) -> tuple[str, set[str]]:
        return t, content(t)

    assert retells(*args(again), *args(told))
    assert not retells(*args(new), *args(told))
    # a time of day is no figure of the event
    assert not retells(*args("Police named Mina Roe at 02:52 on the day."), *args("Mina Roe said 52 people came."))


def test_a_conflict_is_named_by_a_short_line_that_ends_on_a_word():
    assert _subject("wording of Eli Varn: Every guest is safe and well and they have been") == "wording of Eli Varn"
    assert _subject("title of Ada Quell") == "title of Ada Quell"
    assert _subject("number: injured") == "number: injured"
    long = _subject("location: The Sable Star, operated by Fen Ferries, struck rocks near Marrow Bay in the early hours")
    assert long == "location: “The Sable Star struck rocks near Marrow Bay…”"
    # cut after nine words, then back to a content word ("kitchens", not "from the")
    said = _subject("who said “Families had hardly mopped out their kitchens from the last storm when")
    assert said == "who said “Families had hardly mopped out their kitchens…”"


def test_a_story_titled_by_an_article_id_gets_a_title_from_its_account():
    analysis = _landslide(later_hours=2.0)
    untitled = {aid: replace(a, title=None) for aid, a in analysis.articles.items()}
    story = replace(analysis.story, title="l-1")
    brief = build_brief(replace(analysis, story=story, articles=untitled))
    assert brief.title not in ("l-1", "s-slide")
    assert brief.account[0].text.startswith(brief.title.rstrip("…"))


# One report of a visit that happened, one of it still to come; both undated. Then context and a linking sentence.
DONE = (
    "Envoy Ansel Brack met trade minister Ida Lurra in Corran on Wednesday, the ministry said. "
    "The visit comes as both governments try to mend ties strained by the port levy. "
    "However, tensions remain over the levy, which doubled last year."
)
PLANNED = "Envoy Ansel Brack is expected to meet trade minister Ida Lurra in Corran on Wednesday, officials said."


def _visit():
    done = article("v-1", "Tarn Courier", DONE, None)
    planned = article("v-2", "Corran Post", PLANNED, None)
    r1 = (
        ReadingBuilder(done).entity("Ansel Brack", "PERSON").entity("Ida Lurra", "PERSON").place("Corran")
        .date("on Wednesday", date(2031, 5, 7)).build()
    )  # fmt: skip
    r2 = (
        ReadingBuilder(planned).entity("Ansel Brack", "PERSON").entity("Ida Lurra", "PERSON").place("Corran")
        .date("on Wednesday", date(2031, 5, 7)).build()
    )  # fmt: skip
    story = Story("s-visit", "Visit", ("v-2", "v-1"))
    return analyse_story(story, {"v-1": done, "v-2": planned}, {"v-1": r1, "v-2": r2}, {}, FakeEmbedder())


def test_a_report_that_the_event_happened_opens_before_one_that_it_is_to_come():
    assert prospective(PLANNED) and not prospective(DONE.split(". ")[0])
    assert not prospective('She said "we will win" on Monday.')  # a quotation's future is not the report's
    texts = [s.text for s in build_brief(_visit()).account]
    assert texts[0].startswith("Envoy Ansel Brack met trade minister Ida Lurra in Corran on Wednesday")
    assert not any(t.startswith("Envoy Ansel Brack is expected") for t in texts)  # the same event, one lead


def test_context_and_a_sentence_opening_on_a_linking_word_are_background():
    analysis = _visit()
    text = analysis.articles["v-1"].text
    for opening in ("The visit comes as", "However, tensions remain"):
        start = text.index(opening)
        cite = Citation("v-1", start, text.index(".", start) + 1)
        sal = salience(analysis, cite, text[cite.start : cite.end])
        assert sal.background and not sal.event, opening


def test_a_subheading_is_not_a_sentence_of_the_account():
    text = "Talks on Trade and Ports Resume in Corran\nEnvoy Ansel Brack met Ida Lurra in Corran on Wednesday.\n"
    a = article("h-1", "Tarn Courier", text, datetime(2031, 5, 8, tzinfo=UTC))
    reading = ReadingBuilder(a).entity("Ansel Brack", "PERSON").entity("Ida Lurra", "PERSON").place("Corran").build()
    analysis = analyse_story(Story("s-h", "Talks", ("h-1",)), {"h-1": a}, {"h-1": reading}, {}, FakeEmbedder())
    heading = Citation("h-1", 0, text.index("\n"))
    assert not salience(analysis, heading, text[: heading.end]).substantive


def test_a_story_titled_by_an_outlet_gets_a_title_from_its_account():
    analysis = _landslide(later_hours=2.0)
    untitled = {aid: replace(a, title=None) for aid, a in analysis.articles.items()}
    brief = build_brief(replace(analysis, story=replace(analysis.story, title="Valley Wire"), articles=untitled))
    assert brief.title != "Valley Wire" and brief.account[0].text.startswith(brief.title.rstrip("…"))


def test_an_opening_is_found_when_no_first_report_has_a_lead_candidate():
    caption = article("c-1", "Photo Desk", "Photo: the slope above Varrow.", datetime(2027, 9, 6, 9, 0, tzinfo=UTC))
    report = article("c-2", "Valley Wire", FIRST, datetime(2027, 9, 6, 22, 0, tzinfo=UTC))  # 13 hours later
    r1 = ReadingBuilder(caption).entity("Varrow", "GPE").build()
    r2 = (
        ReadingBuilder(report).entity("Varrow", "GPE").place("Varrow")
        .date("on Monday", date(2027, 9, 6)).amount("four people", 4, "people").build()
    )  # fmt: skip
    story = Story("s-c", "Landslide", ("c-1", "c-2"))
    analysis = analyse_story(story, {"c-1": caption, "c-2": report}, {"c-1": r1, "c-2": r2}, {}, FakeEmbedder())
    brief = build_brief(analysis)  # the first report has no lead: the later one's opens, past the first window
    assert brief.account[0].text.startswith("A landslide in Varrow killed four people on Monday")


def test_outlets_backing_one_event_let_its_fullest_wording_open_the_account():
    from storyline.brief.lead import Candidate, choose_opening
    from storyline.records import Article, Fact

    fact = Fact("f-1", "s-1", "event", "x", "agreed")
    t0 = datetime(2030, 5, 2, 21, tzinfo=UTC)
    arts = {a: Article(id=a, text="x", published=t0) for a in ("w", "t1", "t2")}

    def cand(aid: str, text: str, importance: int, supported: int) -> Candidate:
        own = Citation(aid, 0, len(text))
        return Candidate((0, aid), text, (own,), fact, own, 0, importance, supported, supported, 0)

    wire = cand("w", "Ida Brenn scored twice on Friday in Corvale to win the final 2-1.", 4, 1)
    tabloid = cand("t1", "Ida Brenn wrote her name into history.", 1, 3)
    opening, _ = choose_opening([tabloid, wire], arts, {("w", 0), ("t1", 0)}, can_open=lambda c: True)
    assert opening is wire  # the outlets behind the tabloid's wording back the same event; the wire tells it
    other = replace(wire, fact=replace(fact, id="f-2"))  # a different event: the wording three outlets back leads
    opening, _ = choose_opening([tabloid, other], arts, {("w", 0), ("t1", 0)}, can_open=lambda c: True)
    assert opening is tabloid
