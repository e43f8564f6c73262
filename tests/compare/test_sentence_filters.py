"""Sentences comparison leaves out, and place names that say whose rather than where."""

from __future__ import annotations

from storyline.compare.entities import EntityIndex
from storyline.compare.places import _modifier
from storyline.compare.sentences import _Sentence, _sentences_of, sentence_spans
from storyline.records import Article, Reading


def test_a_printed_correction_is_no_sentence_to_compare():
    text = ("Pellow was convicted on four counts of fraud.\n\n"
            "An earlier version of this article said Pellow had been convicted on five counts.")
    art = Article(id="a", text=text, outlet="A")
    sents = _sentences_of(art, Reading(article_id="a"), EntityIndex())
    assert [s.text for s in sents] == ["Pellow was convicted on four counts of fraud."]


def test_a_place_that_qualifies_a_noun_is_no_location():
    def sent(text: str) -> _Sentence:
        return _Sentence("a", 0, len(text), text, [], set(), [], [], [], [])

    s = sent("Jobs in Brazil's mining sector and in Brazilian shipbuilding, and a visit in Lagos.")
    assert _modifier(s, s.text.index("Brazil") + len("Brazil"))
    assert _modifier(s, s.text.index("Brazilian") + len("Brazilian"))
    assert not _modifier(s, s.text.index("Lagos") + len("Lagos"))


def test_a_sentence_cut_after_an_abbreviation_is_joined_again():
    text = "A van was found burning after 5 a.m. in Marlby, police said. It was empty.\n\nmore below."
    cut = ((0, 36), (37, 60), (61, 74), (76, 87))  # the reader's cut after "a.m."; a paragraph of its own after
    art = Article(id="a", text=text)
    reading = Reading(article_id="a", sentences=cut)
    assert sentence_spans(art, reading) == [(0, 60), (61, 74), (76, 87)]
