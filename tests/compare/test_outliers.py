"""A figure most origins agree on for a counted noun, and one origin gives otherwise (hand-built claims)."""

from __future__ import annotations

from datetime import datetime, timezone

from storyline.compare.context import CompareSettings, StoryContext
from storyline.compare.outliers import outlier_figures
from storyline.compare.sentences import _Sentence
from storyline.compare.syntax import Claim
from storyline.records import Article, Story

UTC = timezone.utc


def _story(texts: dict[str, tuple[int, str]], origins: dict[str, str] | None = None):
    """Articles published on the given March days, one sentence each, and their origins (default: their own)."""
    arts = {a: Article(id=a, text=t, outlet=a.upper(), published=datetime(2026, 3, d, 9, tzinfo=UTC))
            for a, (d, t) in texts.items()}
    story = Story("s", "story", tuple(arts))
    ctx = StoryContext(story, arts, {}, origins or {a: a for a in arts}, None, CompareSettings(), None)  # type: ignore[arg-type]
    sentences = [_Sentence(a, 0, len(t), t, [], set(), [], [], [], [], n) for n, (a, (_d, t)) in enumerate(texts.items())]
    return ctx, story, sentences


def _jobs(text: str, noun: str = "job", at: str | None = None, **kw) -> tuple[Claim, ...]:
    """The figure "N <noun>" written at ``at`` in ``text`` (default: its start)."""
    words = (at or text).split()[:2]
    start = text.index(at) if at else 0
    shown = " ".join(words)
    return (Claim("number", shown, start, start + len(shown), head=noun, counted=noun,
                  number=float(words[0].replace(",", "")), verb="cut", **kw),)


def test_one_origin_against_a_figure_two_others_agree_on_is_a_conflict() -> None:
    texts = {"a": (5, "140 jobs will go."), "b": (5, "140 jobs are at risk, the union said."),
             "c": (5, "104 jobs would be lost under the plan.")}
    ctx, story, sentences = _story(texts)
    claims = {n: _jobs(t) for n, (_d, t) in enumerate(texts.values())}
    (c,) = outlier_figures(ctx, story, sentences, claims, ctx.articles)
    assert c.kind == "number" and not c.update
    assert {v.value: v.article_ids for v in c.values} == {"140": ("a", "b"), "104": ("c",)}


def _found(texts: dict[str, str], origins: dict[str, str] | None = None, noun: str = "job", **kw):
    """Outliers among one sentence per article (all published the same day), each counting ``noun`` where its
    text writes "N <word>" (every such pair in the sentence)."""
    ctx, story, sentences = _story({a: (5, t) for a, t in texts.items()}, origins)
    claims = {}
    for n, t in enumerate(texts.values()):
        found = [w for w in t.split() if w.replace(",", "").isdigit()]
        claims[n] = tuple(c for w in found for c in _jobs(t, noun, at=t[t.index(w):], **kw))
    return outlier_figures(ctx, story, sentences, claims, ctx.articles)


def test_no_agreed_figure_a_noun_counted_twice_or_far_apart_is_no_conflict() -> None:
    base = {"a": "140 jobs will go.", "b": "140 jobs are at risk.", "c": "104 jobs would be lost."}
    assert len(_found(base)) == 1
    # two sentences of one origin (a copy and its source) are one voice: nothing is agreed by two origins
    assert _found(base, {"a": "a", "b": "a", "c": "c"}) == []
    # a rewrite departing from its source's figure is set against the figure two origins agree on
    (rewrite,) = _found({**base, "c": "140 jobs would go.", "d": "104 jobs would be lost."},
                        {"a": "a", "b": "b", "c": "c", "d": "a"})
    assert {v.value: v.article_ids for v in rewrite.values} == {"140": ("a", "b", "c"), "104": ("d",)}
    # an outlet counting the noun twice ("12 bidders in the first round, 19 by the close") counts several things
    assert _found({**base, "b": "140 jobs are at risk and 19 jobs went."}) == []
    # an order of magnitude away counts another group of the same thing, and is left out; rounding agrees
    assert _found({**base, "c": "14 jobs would be lost."}) == []
    (near,) = _found({**base, "d": "14 jobs would be lost."})
    assert {v.value for v in near.values} == {"140", "104"}
    assert _found({**base, "c": "141 jobs would be lost."}) == []
    # a generic noun and a negated figure say nothing
    assert _found(base, noun="people") == []
    assert _found(base, negated=True) == []
