"""Quote groups as statements: a quote stringing two statements together, a word quoted alone, rewordings."""

from __future__ import annotations

from datetime import datetime, timezone

from storyline.compare import analyse_story
from storyline.compare.quotes import _statements, same_statement
from storyline.embed import FakeEmbedder
from storyline.records import Quote, Story

from ..side_by_side import ReadingBuilder, article

UTC = timezone.utc
FIRST = "Safety is our first priority."
SECOND = "We are asking owners of the Breeze 300 heater to stop using it and contact us for a refund."


def _story(texts: dict[str, str], quotes: dict[str, list[str]], speaker: str = "Ida Roe"):
    arts, reads = {}, {}
    for n, (aid, text) in enumerate(texts.items()):
        arts[aid] = article(aid, f"Outlet {n}", text, datetime(2026, 5, 4, 8 + n, tzinfo=UTC))
        builder = ReadingBuilder(arts[aid]).entity(speaker, "PERSON")
        for q in quotes[aid]:
            builder.quote(q, speaker, speaker)
        reads[aid] = builder.build()
    return Story("s1", "heater recall", tuple(texts)), arts, reads


def _groups(story, arts, reads):
    analysis = analyse_story(story, arts, reads, {}, FakeEmbedder())
    return sorted(sorted((v.article_id, v.text) for v in g.versions) for g in analysis.quote_groups)


def test_two_statements_quoted_apart_are_two_groups() -> None:
    whole = f"{FIRST} {SECOND}"
    texts = {
        "a": f'"{whole}" said Ida Roe, the firm\'s director.',
        "b": f'"{FIRST}" said Ida Roe.\n\nHeaters were sold for two years.\n\n"{SECOND}"',
        "c": f'Ida Roe said: "{FIRST}"',
    }
    groups = _groups(*_story(texts, {"a": [whole], "b": [FIRST, SECOND], "c": [FIRST]}))
    assert groups == [
        [("a", FIRST), ("b", FIRST), ("c", FIRST)],
        [("a", SECOND), ("b", SECOND)],
    ]


def test_one_outlet_printing_a_quote_around_said_is_one_statement() -> None:
    whole = f"{FIRST} {SECOND}"
    texts = {"a": f'"{whole}" said Ida Roe.', "b": f'"{FIRST}" Ida Roe said. "{SECOND}"'}
    groups = _groups(*_story(texts, {"a": [whole], "b": [FIRST, SECOND]}))
    assert len(groups) == 1 and ("a", whole) in groups[0]


def test_a_quote_another_outlet_prints_whole_is_not_cut() -> None:
    whole = f"{FIRST} {SECOND}"
    quotes = [("a", Quote(whole, 0, len(whole), "Ida Roe")), ("b", Quote(whole, 0, len(whole), "Ida Roe")),
              ("c", Quote(FIRST, 0, len(FIRST), "Ida Roe")), ("d", Quote(SECOND, 0, len(SECOND), "Ida Roe"))]  # fmt: skip
    arts = {k: type("A", (), {"text": t})() for k, t in {"a": whole, "b": whole, "c": FIRST, "d": SECOND}.items()}
    assert [q.text for _a, q in _statements(quotes, arts)] == [whole, whole, FIRST, SECOND]  # type: ignore[arg-type]


def test_a_word_quoted_alone_joins_the_one_statement_of_its_speaker() -> None:
    full = "The first seventy seconds were textbook. Then the roll grew quickly."
    other = "We will build another rocket and fly again this year."
    texts = {
        "a": f'"{full}" Ida Roe said. "{other}"',
        "b": f'The first minute was "textbook", according to Ida Roe.',
        "c": f'"{other}" said Ida Roe.',
    }
    groups = _groups(*_story(texts, {"a": [full, other], "b": ["textbook"], "c": [other]}))
    assert [("a", full), ("b", "textbook")] in groups


def test_a_rewording_has_about_as_many_words() -> None:
    said = "the offer seriously undervalues the company and its future and we turn it down".split()
    other = ("after long discussion over many weeks the directors now agree that the revised offer reflects the "
             "real worth of this company and would back it").split()  # fmt: skip
    reworded = "this offer badly undervalues our company and our future so the directors turn it down".split()
    assert not same_statement(_Ctx(), said, other, "Ida Roe", "Ida Roe", 0.9)  # type: ignore[arg-type]
    assert same_statement(_Ctx(), said, reworded, "Ida Roe", "Ida Roe", 0.9)  # type: ignore[arg-type]
    assert not same_statement(_Ctx(), said, reworded, "Ida Roe", "Bo Lind", 0.9)  # type: ignore[arg-type]


class _Ctx:
    class settings:  # stands for StoryContext.settings
        quote_paraphrase = 0.3
        quote_cosine = 0.7


def test_the_shared_word_bound_never_rejects_what_the_alignment_accepts() -> None:
    import random

    from storyline.compare.quotes import WHOLE, _holds_share, _matched

    rng = random.Random(3)
    vocab = ["we", "are", "asking", "owners", "of", "the", "heater", "to", "stop", "using", "it", "and", "contact", "us"]
    for _ in range(400):
        a = [rng.choice(vocab) for _ in range(rng.randint(0, 12))]
        b = [rng.choice(vocab) for _ in range(rng.randint(1, 12))]
        assert _holds_share(a, b, frozenset(b)) == (_matched(a, b) >= WHOLE * len(a))
    # no shared word: rejected without aligning; every word in order: accepted
    assert not _holds_share(["safety", "first"], ["refund", "now"], frozenset(["refund", "now"]))
    assert _holds_share(["stop", "using", "it"], ["please", "stop", "using", "it"], frozenset(["please", "stop", "using", "it"]))
