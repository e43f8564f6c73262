"""The word-diff figure path: a conflict only between close sentences on a word naming what is counted; the parsed
claims pair the rest by what they count. A named counted noun keys a claim whatever verb governs it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import numpy as np

from storyline.compare.claim_conflicts import claim_conflicts
from storyline.compare.conflicts import sentence_conflicts
from storyline.compare.context import CompareSettings, StoryContext
from storyline.compare.numbers import _number_pairs
from storyline.compare.sentences import _Sentence
from storyline.compare.syntax import Claim
from storyline.records import Article, Story

UTC = timezone.utc


def _ctx(cos: float, mode: str = "updates", days: tuple[int, int] = (5, 5)) -> tuple[StoryContext, Story]:
    arts = {
        a: Article(id=a, text="", outlet=a.upper(), published=datetime(2026, 3, d, 9, tzinfo=UTC))
        for a, d in zip("ab", days, strict=True)
    }
    story = Story("s", "story", tuple(arts))
    ctx = StoryContext(story, arts, {}, {a: a for a in arts}, None, CompareSettings(word_diff_figures=mode), None)  # type: ignore[arg-type]
    return replace(ctx, cos=np.array([[1.0, cos], [cos, 1.0]], dtype=np.float32)), story


def _sent(aid: str, order: int, text: str) -> _Sentence:
    return _Sentence(aid, 0, len(text), text, [], set(), [], [], [], [], order)


def _numbers(ctx: StoryContext, story: Story, a: str, b: str) -> list:
    sa, sb = _sent("a", 0, a), _sent("b", 1, b)
    found = sentence_conflicts(ctx, story, "f", [sa, sb], ctx.articles, sa)
    return [c for c in found if c.kind == "number"]


A = "The fire at the plant injured 12 workers late on the night shift."
B = "The fire at the plant injured 15 workers late on the night shift."


def test_close_sentences_differing_on_a_named_count_conflict():
    ctx, story = _ctx(0.8)
    (c,) = _numbers(ctx, story, A, B)
    assert not c.update and {v.value for v in c.values} == {"12", "15"}


def test_loosely_aligned_sentences_leave_the_figure_to_the_claims():
    ctx, story = _ctx(0.65)
    assert _numbers(ctx, story, A, B) == []
    ctx, story = _ctx(0.65, mode="all")
    assert len(_numbers(ctx, story, A, B)) == 1


def test_a_context_word_naming_nothing_counted_pairs_no_conflict():
    ctx, story = _ctx(0.8)
    a = "Officials at the plant said 12 people were hurt in the fire overnight."
    b = "Officials at the plant said 15 people were hurt in the fire overnight."
    assert _numbers(ctx, story, a, b) == []


def test_a_scale_word_is_no_counted_word():
    a = _sent("a", 0, "The firm was fined €4 million and must forfeit €9 million in all.")
    b = _sent("b", 1, "The firm was fined €4 million and ordered to forfeit €9 million in all.")
    keys = {key for key, _rows in _number_pairs(a, b, keyed=False)}
    assert keys == {"word:fined", "word:forfe"}  # each sum by its verb, not both as "million"


def test_off_compares_no_figures_by_word_diff():
    ctx, story = _ctx(0.9, mode="off")
    assert _numbers(ctx, story, A, B) == []


def test_a_named_counted_noun_keys_a_claim_whatever_its_verb():
    ctx, story = _ctx(0.7)
    sa, sb = _sent("a", 0, "would ban 37 trawlers"), _sent("b", 1, "would bar 39 trawlers")
    claims = {
        0: (Claim("number", "37 trawlers", 0, 11, head="trawler", counted="trawler", number=37, verb="ban"),),
        1: (Claim("number", "39 trawlers", 0, 11, head="trawler", counted="trawler", number=39, verb="bar"),),
    }
    (c,) = claim_conflicts(ctx, story, [sa, sb], claims, ctx.articles)
    assert c.kind == "number" and "trawler" in c.subject and {v.value for v in c.values} == {"37", "39"}


def test_a_figure_counting_others_is_named_by_what_was_done_to_them():
    from storyline.compare.conflicts import _figure_label

    text = "A fire killed four workers and injured 12 others, officials said."
    at = text.index("12")
    row = (_sent("a", 0, text), "12", "injured 12 others", at, at + 2)
    assert _figure_label("other", [row]) == "injured others"
    assert _figure_label("injur", [row]) == "injur"  # a word that names the count stays as it is


def test_a_day_of_saying_is_not_compared_with_the_day_of_what_was_said():
    import pytest

    from storyline.compare.syntax import SyntaxReader
    from storyline.records import DateRef

    reader = SyntaxReader()
    try:
        reader.warm_up()
    except Exception as exc:  # the model package is missing on this machine
        pytest.skip(str(exc))
    ctx, story = _ctx(0.9)
    ctx = replace(ctx, syntax=reader)

    def sent(aid: str, order: int, text: str, day: int) -> _Sentence:
        at = text.index(" on ") + 4
        ref = DateRef(text[at:-1], at, len(text) - 1, datetime(2026, 3, day).date(), "day")
        return _Sentence(aid, 0, len(text), text, [], set(), [], [ref], [], [], order)

    closed = sent("a", 0, "Members backed a strike in a ballot that closed on 19 March.", 19)
    announced = sent("b", 1, "Members backed a strike in a ballot whose result was announced on 20 March.", 20)
    assert [c for c in sentence_conflicts(ctx, story, "f", [closed, announced], ctx.articles, closed)
            if c.kind == "date"] == []
    other = sent("b", 1, "Members backed a strike in a ballot that closed on 18 March.", 18)
    (c,) = [c for c in sentence_conflicts(ctx, story, "f", [closed, other], ctx.articles, closed) if c.kind == "date"]
    assert {v.value for v in c.values} == {"2026-03-19", "2026-03-18"}
