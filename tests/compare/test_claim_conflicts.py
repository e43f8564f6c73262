"""Conflicts between hand-built claims: same counted thing, same place anchor, same day anchor."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from storyline.compare.claim_conflicts import claim_conflicts
from storyline.compare.context import CompareSettings, StoryContext
from storyline.compare.sentences import _Sentence
from storyline.compare.syntax import Claim
from storyline.read.gazetteer import Gazetteer
from storyline.records import Article, DateRef, Place, Story

UTC = timezone.utc


def _ctx(days: dict[str, int]) -> tuple[StoryContext, Story]:
    arts = {a: Article(id=a, text="", outlet=a.upper(), published=datetime(2026, 3, d, 9, tzinfo=UTC)) for a, d in days.items()}
    story = Story("s", "story", tuple(arts))
    ctx = StoryContext(story, arts, {}, {a: a for a in arts}, None, CompareSettings(), None)  # type: ignore[arg-type]
    return ctx, story


def _sent(aid: str, order: int, text: str, **records) -> _Sentence:
    return _Sentence(aid, 0, len(text), text, [], set(), records.get("places", []), records.get("dates", []), [], [], order)


def _figure(text: str, value: float, counted: str | None, verb: str, subject: str | None = None, **kw) -> Claim:
    return Claim("number", text, 0, len(text), head=counted, counted=counted, number=value, verb=verb,
                 subject=subject, **kw)


def test_the_same_count_differing_is_a_conflict_naming_what_is_counted():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa, sb = _sent("a", 0, "38 people were rescued"), _sent("b", 1, "53 people were rescued")
    claims = {0: (_figure("38 people", 38, "people", "rescue"),), 1: (_figure("53 people", 53, "people", "rescue"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert c.kind == "number" and not c.update and "rescue people" in c.subject
    assert {v.value for v in c.values} == {"38", "53"}


def test_rounding_formats_and_different_things_counted_are_no_conflict():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa, sb = _sent("a", 0, "x"), _sent("b", 1, "y")
    claims = {
        0: (_figure("about 340,000 homes", 340_000, "home", "lose"), _figure("12 people", 12, "people", "injure")),
        1: (_figure("338,512 homes", 338_512, "home", "lose"), _figure("15 people", 15, "people", "rescue")),
    }
    assert claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles) == []


def test_a_rising_figure_on_a_later_day_with_an_update_cue_is_an_update():
    ctx, story = _ctx({"a": 5, "b": 6})
    sa, sb = _sent("a", 0, "Four people died"), _sent("b", 1, "The death toll rose to seven")
    claims = {0: (_figure("four", 4, None, "rise", "death toll"),), 1: (_figure("seven", 7, None, "rise", "death toll"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert c.update


def test_a_negated_figure_states_nothing():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa, sb = _sent("a", 0, "x"), _sent("b", 1, "y")
    claims = {0: (_figure("38 boats", 38, "boat", "send"),), 1: (_figure("53 boats", 53, "boat", "send", negated=True),)}
    assert claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles) == []


def _place(text: str, head: str) -> Claim:
    return Claim("place", text, 4, 4 + len(text), head=head, verb="stand")


def test_places_on_the_same_noun_conflict_unless_one_contains_the_other():
    ctx, story = _ctx({"a": 5, "b": 5, "c": 5})
    def s(aid, order, name):
        text = "The bridge in " + name
        return _sent(aid, order, text, places=[Place(name, 14, 14 + len(name), name, True, "in-phrase")])
    sa, sb, sc = s("a", 0, "Oslo"), s("b", 1, "Norway"), s("c", 2, "Stockholm")
    mk = lambda n: (Claim("place", n, 14, 14 + len(n), head="bridge", verb="stand"),)
    gaz = Gazetteer()
    assert claim_conflicts(ctx, story, [sa, sb], {0: mk("Oslo"), 1: mk("Norway")}, ctx.articles, gaz) == []
    (c,) = claim_conflicts(ctx, story, [sa, sc], {0: mk("Oslo"), 2: mk("Stockholm")}, ctx.articles, gaz)
    assert c.kind == "location" and {v.value for v in c.values} == {"oslo", "stockholm"}


def test_a_rewrite_that_changed_its_sources_place_is_set_against_the_others():
    from dataclasses import replace

    ctx, story = _ctx({"a": 5, "b": 5, "c": 6})
    ctx = replace(ctx, origins={"a": "a", "b": "b", "c": "b"})  # c rewrites b
    def s(aid, order, name):
        text = "The Tolby mine lies in the " + name
        return _sent(aid, order, text)
    mk = lambda n: (Claim("place", n, 27, 27 + len(n), head="lie", verb="lie", named="tolby", prep="in"),)
    sents = [s("a", 0, "Marlby region"), s("b", 1, "Marlby region"), s("c", 2, "Kelby region")]
    claims = {0: mk("Marlby region"), 1: mk("Marlby region"), 2: mk("Kelby region")}
    (c,) = claim_conflicts(ctx, story, sents, claims, ctx.articles, Gazetteer(), frozenset({"place"}), named_only=True)
    assert {v.value: v.article_ids for v in c.values} == {"marlby region": ("a", "b"), "kelby region": ("c",)}
    # a verbatim copy never disagrees with its own source alone; a rewrite that changed it does
    claims = {1: mk("Marlby region"), 2: mk("Kelby region")}
    assert claim_conflicts(ctx, story, sents[1:], claims, ctx.articles, Gazetteer(), frozenset({"place"}),
                           named_only=True) == []
    ctx = replace(ctx, rewritten=frozenset({"c"}))
    (c,) = claim_conflicts(ctx, story, sents[1:], claims, ctx.articles, Gazetteer(), frozenset({"place"}),
                           named_only=True)
    assert {v.value: v.article_ids for v in c.values} == {"marlby region": ("b",), "kelby region": ("c",)}


def test_a_name_before_a_noun_is_a_place_only_when_the_gazetteer_knows_it():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa, sb = _sent("a", 0, "A Milan court sentenced him"), _sent("b", 1, "The court in Turin sentenced him")
    named = lambda n: (Claim("place", n, 2, 2 + len(n), head="court", verb="sentence", prep="compound"),)
    inside = (Claim("place", "Turin", 13, 18, head="court", verb="sentence", prep="in"),)
    gaz = Gazetteer()
    (c,) = claim_conflicts(ctx, story, [sa, sb], {0: named("Milan"), 1: inside}, ctx.articles, gaz)
    assert {v.value for v in c.values} == {"milan", "turin"}
    sa = _sent("a", 0, "A Tolbyshire court sentenced him")  # a name no gazetteer knows: maybe the firm's, not a town
    assert claim_conflicts(ctx, story, [sa, sb], {0: named("Tolbyshire"), 1: inside}, ctx.articles, gaz) == []


def test_the_same_day_written_two_ways_is_no_conflict_but_another_day_is():
    ctx, story = _ctx({"a": 5, "b": 5, "c": 5})
    def s(aid, order, text, day, rel):
        return _sent(aid, order, text, dates=[DateRef(text[8:], 8, len(text), day, "day", rel)])
    sa = s("a", 0, "talks on Tuesday", date(2026, 3, 3), True)
    sb = s("b", 1, "talks on 3 March", date(2026, 3, 3), False)
    sc = s("c", 2, "talks on Thursday", date(2026, 3, 5), True)
    mk = lambda t: (Claim("time", t, 9, len(t) + 9, head="talk", verb="hold"),)
    assert claim_conflicts(ctx, story, [sa, sb], {0: mk("Tuesday"), 1: mk("3 March")}, ctx.articles) == []
    (c,) = claim_conflicts(ctx, story, [sa, sc], {0: mk("Tuesday"), 2: mk("Thursday")}, ctx.articles)
    assert c.kind == "date"


def test_across_a_story_figures_are_compared_on_an_action_key_only():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa, sb = _sent("a", 0, "Lifeboat crews rescued 38 people"), _sent("b", 1, "53 people were rescued at sea")
    claims = {0: (_figure("38 people", 38, "people", "rescue", "lifeboat crew"),),
              1: (_figure("53 people", 53, "people", "rescue"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles, story_wide=True)
    assert {v.value for v in c.values} == {"38", "53"}
    # a counted noun alone ("37 trawlers" / "42 trawlers" in unrelated sentences) is compared only when aligned
    claims = {0: (_figure("37 trawlers", 37, "trawler", "list"),), 1: (_figure("42 trawlers", 42, "trawler", "sanction"),)}
    assert claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles, story_wide=True) == []
    assert len(claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)) == 1


def test_across_a_story_a_key_one_report_gives_two_figures_for_counts_several_things():
    ctx, story = _ctx({"a": 5, "b": 5, "c": 5})
    sa = _sent("a", 0, "The court jailed Ola Berg for four years and Mira Holst for three years")
    sb, sc = _sent("b", 1, "Ola Berg was jailed for four years"), _sent("c", 2, "Mira Holst was jailed for three years")
    four, three = _figure("four years", 4, "year", "jail", "court"), _figure("three years", 3, "year", "jail", "court")
    claims = {0: (four, three), 1: (four,), 2: (three,)}
    assert claim_conflicts(ctx, story, [sa, sb, sc], claims, ctx.articles, story_wide=True) == []
    # without the report giving both, the two figures are one count told two ways
    (c,) = claim_conflicts(ctx, story, [sb, sc], {1: (four,), 2: (three,)}, ctx.articles, story_wide=True)
    assert {v.value for v in c.values} == {"4", "3"}


def test_a_share_is_compared_on_its_owner_whatever_the_whole_is_called():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa, sb = _sent("a", 0, "x"), _sent("b", 1, "y")
    claims = {0: (_figure("7.3 per cent of the group", 7.3, "of:group", "own", "corvane", unit="%"),),
              1: (_figure("3.7%", 3.7, None, "own", "corvane", unit="%"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert {v.value for v in c.values} == {"7.3", "3.7"}


def test_a_different_figure_a_day_later_needs_an_update_cue_to_be_an_update():
    ctx, story = _ctx({"a": 5, "b": 6})
    sa, sb = _sent("a", 0, "Turnout was 61.2 percent"), _sent("b", 1, "Turnout was 61.6 percent")
    claims = {0: (_figure("61.2 percent", 61.2, None, "be", "turnout", unit="%"),),
              1: (_figure("61.6 percent", 61.6, None, "be", "turnout", unit="%"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert not c.update  # 61.2 and 61.6 differ (no relative slack), and nothing says the figure changed
    sb = _sent("b", 1, "Turnout rose to 61.6 percent")
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert c.update


def test_two_figures_published_at_the_same_time_are_a_conflict_even_with_a_cue():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa, sb = _sent("a", 0, "Four people died"), _sent("b", 1, "The death toll rose to seven")
    claims = {0: (_figure("four", 4, None, "rise", "death toll"),), 1: (_figure("seven", 7, None, "rise", "death toll"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert not c.update  # published the same day at the same time: nothing orders them


def test_a_conflict_inside_an_update_is_that_update():
    from storyline.compare.conflicts import _dedupe
    from storyline.records import Conflict, FactValue

    def conflict(cid: str, update: bool, *values: tuple[str, tuple[str, ...]]) -> Conflict:
        return Conflict(cid, "s", "number", "number: toll", tuple(FactValue(v, v, a, ()) for v, a in values), None, update)

    toll = conflict("u", True, ("4", ("a",)), ("7", ("b",)), ("11", ("c",)))
    pair = conflict("p", False, ("4", ("a",)), ("7", ("d",)))
    other = conflict("o", False, ("5", ("e",)), ("9", ("f",)))
    kept, alias = _dedupe([toll, pair, other])
    assert [c.id for c in kept] == ["u", "o"] and alias["p"] == "u"


def test_two_peoples_title_conflicts_between_the_same_reports_stay_two():
    from storyline.compare.conflicts import _dedupe
    from storyline.records import Conflict, FactValue

    def title(cid: str, person: str, a: str, b: str) -> Conflict:
        return Conflict(cid, "s", "title", f"title of {person}", (FactValue(a, a, ("x",), ()), FactValue(b, b, ("y",), ())))

    kept, _ = _dedupe([title("1", "Ana Lind", "harbour master", "pilot"),
                       title("2", "Ola Berg", "head of fleet", "former head of fleet")])
    assert [c.id for c in kept] == ["1", "2"]
    # one disagreement found twice (the same kind between the same reports) is still kept once
    day = lambda cid: Conflict(cid, "s", "date", f"date: {cid}", (FactValue("mon", "Monday", ("x",), ()),  # noqa: E731
                                                                   FactValue("tue", "Tuesday", ("y",), ())))
    assert len(_dedupe([day("a"), day("b")])[0]) == 1


def _at(aid: str, order: int, verb_text: str, name: str, verb: str, subject: str | None) -> tuple[_Sentence, Claim]:
    text = f"Jo Marrable was {verb_text} at {name} in 2030"
    at = text.index(name)
    place = Place(name, at, at + len(name), name, True, "in-phrase")
    claim = Claim("place", name, at, at + len(name), head=verb, verb=verb, subject=subject, prep="at",
                  said_from=text.index(verb_text.split()[-1]))
    return _sent(aid, order, text, places=[place]), claim


def test_verbs_naming_one_action_meet_and_show_the_outlets_words():
    ctx, story = _ctx({"a": 5, "b": 5, "c": 5})
    sa, ca = _at("a", 0, "arrested", "Orlen Airport", "arrest", "jo marrable")
    sb, cb = _at("b", 1, "swiftly nabbed", "Brisa Airport", "nab", "jo marrable")
    (c,) = claim_conflicts(ctx, story, [sa, sb], {0: (ca,), 1: (cb,)}, ctx.articles, Gazetteer(), frozenset({"place"}))
    assert {v.text for v in c.values} == {"arrested at Orlen Airport", "nabbed at Brisa Airport"}
    # aligned sentences: "he was arrested at X" has the subject the other outlet names with that verb
    sc, cc = _at("c", 2, "arrested", "Orlen Airport", "arrest", "he")
    claims = {0: (ca,), 1: (cb,), 2: (cc,)}
    (c,) = claim_conflicts(ctx, story, [sa, sb, sc], claims, ctx.articles, Gazetteer(), frozenset({"place"}))
    assert {a for v in c.values for a in v.article_ids} == {"a", "b", "c"}
    # a different action at another place is no disagreement
    sd, cd = _at("b", 1, "born", "Brisa Airport", "bear", "jo marrable")
    found = claim_conflicts(ctx, story, [sa, sd], {0: (ca,), 1: (cd,)}, ctx.articles, Gazetteer(), frozenset({"place"}))
    assert found == []


def test_sentences_agreeing_on_one_count_are_compared_on_another():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa = _sent("a", 0, "The ferry was carrying 812 passengers and 41 crew.")
    sb = _sent("b", 1, "The ferry sank last week with 821 passengers and 41 crew on board.")
    claims = {0: (_figure("812 passengers", 812, "passenger", "carry", "ferry"),
                  _figure("41 crew", 41, "crew", "carry", "ferry")),
              1: (_figure("821 passengers", 821, "passenger", "sink", "ferry"),
                  _figure("41 crew", 41, "crew", "sink", "ferry"))}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles, story_wide=True)
    assert {v.value for v in c.values} == {"812", "821"}
    # without a figure they agree on, a noun alone across a story compares nothing
    claims[1] = (_figure("821 passengers", 821, "passenger", "sink", "ferry"),
                 _figure("44 crew", 44, "crew", "sink", "ferry"))
    assert claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles, story_wide=True) == []


def test_a_count_of_people_in_one_state_is_compared_across_a_story():
    ctx, story = _ctx({"a": 5, "b": 6})
    sa = _sent("a", 0, "Nine are in a critical condition.")
    sb = _sent("b", 1, "Thirty remained in hospital, four of them in a critical condition.")
    claims = {0: (_figure("Nine", 9, None, "be", state="in critical condition"),),
              1: (Claim("number", "four", 29, 33, number=4, verb="remain", state="in critical condition"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles, story_wide=True)
    assert {v.value for v in c.values} == {"9", "4"} and c.update  # a day later, and "remained" tells the state now


def test_a_floor_raised_a_day_later_is_an_update():
    ctx, story = _ctx({"a": 5, "b": 6})
    sa, sb = _sent("a", 0, "At least three people were killed"), _sent("b", 1, "Nine people were killed")
    claims = {0: (Claim("number", "three people", 9, 21, counted="people", number=3, verb="kill"),),
              1: (_figure("Nine people", 9, "people", "kill"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert c.update
    sa = _sent("a", 0, "Just three people were killed")
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert not c.update  # no floor, no cue: two accounts of one toll


def test_the_size_of_a_thing_is_compared_across_a_story_and_is_no_update():
    ctx, story = _ctx({"a": 5, "b": 6})
    sa = _sent("a", 0, "The drone strayed at an altitude of about 3 kilometres")
    sb = _sent("b", 1, "The drone had climbed to roughly 5 kilometres altitude")
    claims = {0: (Claim("number", "3 kilometres", 42, 54, counted="altitude", number=3000, unit="m", verb="stray",
                        subject="drone"),),
              1: (Claim("number", "5 kilometres altitude", 33, 54, counted="altitude", number=5000, unit="m",
                        verb="climb", subject="drone"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles, story_wide=True)
    assert {v.value for v in c.values} == {"3,000", "5,000"} and not c.update


def test_one_actor_putting_one_figure_on_two_days_is_a_date_conflict_even_undated():
    ctx, story = _ctx({"a": 5, "b": 5})
    from dataclasses import replace as _replace
    arts = {**ctx.articles, "b": _replace(ctx.articles["b"], published=None)}
    ctx = _replace(ctx, articles=arts)
    ta, tb = "On Thursday, Ruskin raised its offer to 512p.", "On Wednesday, Ruskin returned with 512p."
    day = DateRef("On Thursday", 0, 11, date(2026, 3, 5), "day", relative=True)
    sa, sb = _sent("a", 0, ta, dates=[day]), _sent("b", 1, tb)
    claims = {
        0: (Claim("time", "Thursday", 3, 11, head="raise", verb="raise", subject="ruskin", prep="on"),
            Claim("number", "512p", 40, 44, number=512, verb="raise", subject="ruskin")),
        1: (Claim("time", "Wednesday", 3, 12, head="return", verb="return", subject="ruskin", prep="on"),
            Claim("number", "512p", 35, 39, number=512, verb="return", subject="ruskin")),
    }
    (c,) = [c for c in claim_conflicts(ctx, story, [sa, sb], claims, arts, kinds=frozenset({"number", "time"}),
                                       story_wide=True)
            if c.kind == "date"]
    assert {v.text for v in c.values} == {"Thursday, Ruskin raised its offer to 512p",
                                          "Wednesday, Ruskin returned with 512p"}
    # a small figure ("two") is said of many acts: no date is compared on it
    claims[1] = (claims[1][0], Claim("number", "two", 35, 38, number=2, verb="return", subject="ruskin"))
    claims[0] = (claims[0][0], Claim("number", "two", 40, 43, number=2, verb="raise", subject="ruskin"))
    assert [c for c in claim_conflicts(ctx, story, [sa, sb], claims, arts, kinds=frozenset({"number", "time"}),
                                       story_wide=True)
            if c.kind == "date"] == []


def test_across_a_story_a_day_meets_its_event_as_object_and_as_the_subject_of_happening():
    ctx, story = _ctx({"a": 5, "b": 5, "c": 5})

    def said(aid: str, order: int, text: str, day: date, **claim) -> tuple[_Sentence, Claim]:
        word = text.split(" on ")[1].rstrip(".")
        at = text.index(word)
        sent = _sent(aid, order, text, dates=[DateRef(word, at, at + len(word), day, "day", relative=True)])
        return sent, Claim("time", word, at, at + len(word), prep="on", **claim)

    def days(*pairs: tuple[_Sentence, Claim]) -> list[set[str]]:
        found = claim_conflicts(ctx, story, [s for s, _ in pairs], {s.order: (c,) for s, c in pairs}, ctx.articles,
                                kinds=frozenset({"time"}), story_wide=True)
        return [{v.text for v in c.values} for c in found if c.kind == "date"]

    opened = said("a", 0, "The minister opened the summit on Tuesday.", date(2026, 3, 3), head="open", verb="open",
                  subject="minister", object="summit")
    began = said("b", 1, "The summit opened on Wednesday.", date(2026, 3, 4), head="open", verb="open", subject="summit")
    assert days(opened, began) == [{"Tuesday", "Wednesday"}]
    # another thing opened on another day is another event
    other = said("c", 2, "Police opened an inquiry on Wednesday.", date(2026, 3, 4), head="open", verb="open",
                 subject="police", object="inquiry")
    assert days(opened, other) == []
    # "the landslide happened on Monday" is the day of the landslide another outlet dates with the noun
    happened = said("a", 0, "The landslide happened on Monday.", date(2026, 3, 2), head="happen", verb="happen",
                    subject="landslide")
    since = said("b", 1, "Crews have dug since the landslide on Sunday.", date(2026, 3, 1), head="landslide",
                 verb="dig", subject="crew")
    assert days(happened, since) == [{"Monday", "Sunday"}]


def test_a_clock_time_is_no_anchor_of_its_own():
    ctx, story = _ctx({"a": 5, "b": 5})

    def said(aid: str, order: int, text: str, day: date, verb: str) -> tuple[_Sentence, tuple[Claim, ...]]:
        on, word = text.index("on "), text.split("on ")[1].rstrip(".")
        at = text.index(word)
        sent = _sent(aid, order, text, dates=[DateRef(f"on {word}", on, at + len(word), day, "day", relative=True)])
        return sent, (Claim("time", word, at, at + len(word), head="a.m.", verb=verb, subject="bridge", prep="on"),)

    (sa, ca), (sb, cb) = (said("a", 0, "The bridge closed at 5 a.m. on Monday.", date(2026, 3, 2), "close"),
                          said("b", 1, "The bridge reopens at 5 a.m. on Wednesday.", date(2026, 3, 4), "reopen"))
    assert claim_conflicts(ctx, story, [sa, sb], {0: ca, 1: cb}, ctx.articles) == []
    # the same verb on two days still differs
    sb, cb = said("b", 1, "The bridge closed at 5 a.m. on Wednesday.", date(2026, 3, 4), "close")
    (c,) = claim_conflicts(ctx, story, [sa, sb], {0: ca, 1: cb}, ctx.articles)
    assert c.kind == "date"