"""Speakers from post credit lines, appositive titles, press-release prose and the article's full names (no model)."""

from storyline.read.entities import clean_mentions, gender_hints, resolve_local
from storyline.read.layout import lines
from storyline.read.quotes import find_quotes
from storyline.read.roles import find_roles
from storyline.read.speaker_names import credit_after, full_name, unmarked_posts
from storyline.records import Mention

from .helpers import ents, sentences


def read(text: str, **labels: str):
    raw = clean_mentions(text, ents(text, **labels), lines(text))
    _, mentions = resolve_local(text, raw)
    sents = sentences(text)
    roles = find_roles(text, mentions, sents)
    return find_quotes(text, sents, mentions, roles, gender_hints(mentions))


def test_post_credited_on_the_line_under_it() -> None:
    text = (
        "The mayor wrote on X after the vote:\n"
        "\u201cThe harbour stays open. Thank you, Portmere.\u201d \u2014 Ana Lind (@analind), 3 May 2031\n"
        "Tomas Berg said the vote was close."
    )
    quotes = read(text, Ana_Lind="PERSON", Tomas_Berg="PERSON")
    assert [(q.speaker, q.kind) for q in quotes] == [("Ana Lind", "post")]


def test_unmarked_post_text_is_a_quote() -> None:
    text = "Tomas Berg conceded late on Sunday.\nWe lost, and we accept the result with respect for every voter.\n\u2014 Tomas Berg (@tberg) May 3, 2031\n"
    assert unmarked_posts(text) == [(36, 36 + len("We lost, and we accept the result with respect for every voter."))]
    assert credit_after(text, 35) is None  # the paragraph before it is no post
    quotes = read(text, Tomas_Berg="PERSON")
    assert [(q.text, q.speaker, q.kind) for q in quotes] == [
        ("We lost, and we accept the result with respect for every voter.", "Tomas Berg", "post")
    ]


def test_title_in_apposition_is_not_the_name() -> None:
    text = "Ana Lind, Dockers Union General Secretary, said:\n\u201cThe owners can afford to keep the cranes running.\u201d"
    quotes = read(text, Ana_Lind="PERSON")
    assert quotes[0].speaker == "Ana Lind"


def test_quote_after_said_prose_in_its_paragraph() -> None:
    text = (
        "The balloon rose at dawn.\n"
        "Tomas Berg said the climb had been smooth. \u201cEvery reading we took was normal.\u201d\n"
        "Ana Lind was not at the field."
    )
    quotes = read(text, Tomas_Berg="PERSON", Ana_Lind="PERSON")
    assert [q.speaker for q in quotes] == ["Tomas Berg"]


def test_short_name_widened_to_the_article_full_name() -> None:
    def m(text: str, entity: str, label: str = "PERSON") -> Mention:
        return Mention(text, 0, len(text), label, entity)

    mentions = [m("Cllr Ana", "Cllr Ana"), m("Ana Lind", "Ana Lind"), m("Berg", "Berg"), m("Portmere", "Portmere", "ORG")]
    assert full_name("Cllr Ana", mentions) == "Ana Lind"
    assert full_name("Berg", mentions) == "Berg"  # no longer name of him
    assert full_name("Portmere", mentions) == "Portmere"  # not a person
    two = [*mentions, m("Ana Berg", "Ana Berg")]
    assert full_name("Cllr Ana", two) == "Cllr Ana"  # two people named Ana: left alone
    text = "Cllr Ana Lind, the chair, said so."
    cut = [Mention("Cllr Ana", 0, 8, "PERSON", "Cllr Ana")]
    assert full_name("Cllr Ana", cut, text=text) == "Ana Lind"
    couple = "Retired couple Alwyn and Megan Trevithick were on board."
    at = couple.index("Alwyn")
    assert full_name("Alwyn", [Mention("Alwyn", at, at + 5, "PERSON", "Alwyn")], text=couple) == "Alwyn Trevithick"
    # a surname the model took for a place: the one person so named ("Paris" after "Ana Paris Soto")
    place = [m("Ana Paris Soto", "Ana Paris Soto"), m("Paris", "Paris", "GPE")]
    assert full_name("Paris", place) == "Ana Paris Soto"
    assert full_name("Paris", [m("Paris", "Paris", "GPE")], text="Paris said so.") == "Paris"
