"""Conflicts between hand-built claims: same counted thing, same place anchor, same day anchor."""

from __future__ import annotations

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
    sa, sb = _sent("a", 0, "46 people were rescued"), _sent("b", 1, "64 people were rescued")
    claims = {0: (_figure("46 people", 46, "people", "rescue"),), 1: (_figure("64 people", 64, "people", "rescue"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert c.kind == "number" and not c.update and "rescue people" in c.subject
    assert {v.value for v in c.values} == {"46", "64"}


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
    claims = {0: (_figure("46 boats", 46, "boat", "send"),), 1: (_figure("64 boats", 64, "boat", "send", negated=True),)}
    assert claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles) == []


def _place(text: str, head: str) -> Claim:
    return Claim("place", text, 4, 4 + len(text), head=head, verb="stand")


def test_places_on_the_same_noun_conflict_unless_one_contains_the_other():
    ctx, story = _ctx({"a": 5, "b": 5, "c": 5})
    def s(aid, order, name):
        text = "The bridge in " + name
        return _sent(aid, order, text, places=[Place(name, 14, 14 + len(name), name, True, "in-phrase")])
    sa, sb, sc = s("a", 0, "Rabat"), s("b", 1, "Morocco"), s("c", 2, "Tunis")
    mk = lambda n: (Claim("place", n, 14, 14 + len(n), head="bridge", verb="stand"),)
    gaz = Gazetteer()
    assert claim_conflicts(ctx, story, [sa, sb], {0: mk("Rabat"), 1: mk("Morocco")}, ctx.articles, gaz) == []
    (c,) = claim_conflicts(ctx, story, [sa, sc], {0: mk("Rabat"), 2: mk("Tunis")}, ctx.articles, gaz)
    assert c.kind == "location" and {v.value for v in c.values} == {"rabat", "tunis"}


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
    sa, sb = _sent("a", 0, "Firefighters rescued 46 people"), _sent("b", 1, "64 people were rescued by boat")
    claims = {0: (_figure("46 people", 46, "people", "rescue", "firefighter"),),
              1: (_figure("64 people", 64, "people", "rescue"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles, story_wide=True)
    assert {v.value for v in c.values} == {"46", "64"}
    # a counted noun alone ("41 tankers" / "45 tankers" in unrelated sentences) is compared only when aligned
    claims = {0: (_figure("41 tankers", 41, "tanker", "list"),), 1: (_figure("45 tankers", 45, "tanker", "sanction"),)}
    assert claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles, story_wide=True) == []
    assert len(claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)) == 1


def test_a_share_is_compared_on_its_owner_whatever_the_whole_is_called():
    ctx, story = _ctx({"a": 5, "b": 5})
    sa, sb = _sent("a", 0, "x"), _sent("b", 1, "y")
    claims = {0: (_figure("9.8 per cent of the company", 9.8, "of:company", "own", "corvane", unit="%"),),
              1: (_figure("8.9%", 8.9, None, "own", "corvane", unit="%"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert {v.value for v in c.values} == {"9.8", "8.9"}


def test_a_different_figure_a_day_later_needs_an_update_cue_to_be_an_update():
    ctx, story = _ctx({"a": 5, "b": 6})
    sa, sb = _sent("a", 0, "Turnout was 73.9 percent"), _sent("b", 1, "Turnout was 74.3 percent")
    claims = {0: (_figure("73.9 percent", 73.9, None, "be", "turnout", unit="%"),),
              1: (_figure("74.3 percent", 74.3, None, "be", "turnout", unit="%"),)}
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert not c.update  # 73.9 and 74.3 differ (no relative slack), and nothing says the figure changed
    sb = _sent("b", 1, "Turnout rose to 74.3 percent")
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
