"""The table-lookup attribute ruler and lemmatizer give every token what spaCy's own give it (the real model),
but for the verbs whose lemma spaCy's rules get wrong."""

from __future__ import annotations

import pytest

from storyline.config import Settings
from storyline.read.nlp import load_nlp
from storyline.read.ruler import TokenLemmatizer, TokenRuler

FULL = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")

# hand-written news sentences touching the ruler's exceptions: pronouns, contractions ("ain't", "gonna"), "'s",
# auxiliaries, particles, determiners, numbers, spaces, quotes and symbols
TEXTS = [
    "The mayor of Wendham said on Tuesday that 38 people had been taken to hospital.",
    "You ain't seen nothing yet, she told reporters, and we're gonna fix it.",
    "They'd rather wait: the council's vote, which was due at 9:30 a.m., was put off until next week.",
    "It is what it is,  said the minister's spokeswoman, who didn't give her name.",
    "Police arrested two men — aged 19 and 23 — after a chase through the town centre.",
    "\"We will rebuild,\" he said. \"Nobody here will be left behind.\"",
    "Shares fell 4.2% to $13.50 in early trading; the firm's chief executive, Ann Marr, stepped down.",
    "Is there anything more you'd like to say?  I'll wanna know by Friday, y'all.",
    "Each of them, himself included, thought these were theirs; those weren't ours.",
    "Up to 1,200 homes lost power overnight, the utility said in a statement posted online.\n\nMore soon.",
    "Whom did he call first?  Whose car was it?  Neither of us knows.",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def pipelines():  # type: ignore[no-untyped-def]
    model = Settings().spacy_model
    stock = load_nlp(model, FULL)
    fast = load_nlp(model, FULL)
    lemmatizer = TokenLemmatizer.of(fast)
    ruler = TokenRuler.of(fast)
    return stock, fast, ruler, lemmatizer


def _tokens(doc):  # type: ignore[no-untyped-def]
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_most_patterns_become_tables(pipelines) -> None:  # type: ignore[no-untyped-def]
    _, _, ruler, _ = pipelines
    in_tables = sum(len(t) for t in ruler.tables.values())
    assert in_tables > 100  # the model's tag map and its word-wise exceptions
    assert ruler.rest_count < 20  # only multi-token and regex patterns go through a Matcher


@pytest.mark.parametrize("text", TEXTS)
def test_every_token_matches_the_stock_ruler(pipelines, text: str) -> None:  # type: ignore[no-untyped-def]
    stock, fast, ruler, lemmatizer = pipelines
    expected = _tokens(stock(text))
    got = _tokens(lemmatizer(ruler(fast(text))))
    assert got == expected


def test_a_later_pattern_wins_on_a_token(pipelines) -> None:  # type: ignore[no-untyped-def]
    _, fast, ruler, _ = pipelines
    doc = fast("You said so.")
    matches = ruler._matches(doc)
    on_you = [rule for rule, i in matches if i == 0]
    assert len(on_you) >= 2 and on_you == sorted(on_you)  # the tag map first, then the word's own exception
    ruler(doc)
    assert doc[0].pos_ == "PRON" and "Person=2" in str(doc[0].morph)


def test_the_lemma_table_fills_once_per_word_and_form(pipelines) -> None:  # type: ignore[no-untyped-def]
    stock, fast, ruler, lemmatizer = pipelines
    text = "Officials said the officials had said nothing."
    first = _tokens(lemmatizer(ruler(fast(text))))
    size = len(lemmatizer._lemmas)
    again = _tokens(lemmatizer(ruler(fast(text))))
    assert again == first == _tokens(stock(text))
    assert len(lemmatizer._lemmas) == size  # the second pass only looked lemmas up
    assert [t[4] for t in first][:3] == ["official", "say", "the"]


def test_a_verb_keeps_its_e_where_the_rules_offer_a_shorter_word(pipelines) -> None:  # type: ignore[no-untyped-def]
    stock, fast, ruler, lemmatizer = pipelines
    text = "Dockers staged a strike, the court fined the union and talks stopped."
    assert [t.lemma_ for t in stock(text) if t.pos_ == "VERB"] == ["stag", "fin", "stop"]  # spaCy's rule lemmas
    got = lemmatizer(ruler(fast(text)))
    assert [t.lemma_ for t in got if t.pos_ == "VERB"] == ["stage", "fine", "stop"]
