"""Claims read from the real spaCy parse (the model the reader uses, with its parser and lemmatizer)."""

from __future__ import annotations

import pytest

from storyline.compare.syntax import Claim, SyntaxReader

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def reader() -> SyntaxReader:
    r = SyntaxReader()
    try:
        r.warm_up()
    except Exception as exc:  # the model package is missing on this machine
        pytest.skip(str(exc))
    return r


def _numbers(reader: SyntaxReader, text: str) -> list[Claim]:
    return [c for c in reader.claims([text])[0] if c.kind == "number"]


def test_a_figure_carries_the_noun_it_counts_and_its_verb(reader):
    (c,) = _numbers(reader, "Lifeboat crews rescued 38 people at sea.")
    assert (c.number, c.counted, c.verb, c.subject) == (38.0, "people", "rescue", "lifeboat crew")
    assert c.text == "38 people"
    assert c.about == "lifeboat crew"  # "people" says little: the subject names what is counted


def test_a_part_of_a_whole_is_told_from_the_whole(reader):
    found = {c.counted: c.number for c in _numbers(reader, "Four of its 9 coaches overturned.")}
    assert found == {"of:coach": 4.0, "whole:coach": 9.0}


def test_a_figure_without_a_noun_is_about_its_subject(reader):
    (c,) = _numbers(reader, "The death toll rose to seven.")
    assert (c.number, c.subject, c.verb, c.counted) == (7.0, "death toll", "rise", None)


def test_scale_and_unit_are_read(reader):
    values = {(c.number, c.unit) for c in _numbers(reader, "The 2,400-megawatt link will carry 2.4 gigawatts.")}
    assert values == {(2.4e9, "W")}


def test_an_amount_with_a_scale_word_is_one_figure(reader):
    (c,) = _numbers(reader, "The relief fund seeks $4.5 billion this year.")
    assert (c.text, c.number, c.unit, c.verb) == ("$4.5 billion", 4.5e9, "USD", "seek")
    (c,) = _numbers(reader, "The region has 17 million people.")
    assert (c.text, c.number, c.counted) == ("17 million people", 17e6, "people")


def test_a_sum_without_a_noun_is_the_size_of_what_it_is_for(reader):
    (c,) = _numbers(reader, "The agency launched an appeal for $5.4 billion.")
    assert (c.number, c.unit, c.counted) == (5.4e9, "USD", "appeal")
    (c,) = _numbers(reader, "The Marlby relief appeal seeks $4.5 billion.")
    assert c.counted == "relief appeal"
    (c,) = _numbers(reader, "Donors pledged $1.9 billion on Wednesday.")
    assert c.counted is None  # a pledge's sum is the donors' act, known by its verb
    (c,) = _numbers(reader, "The court ordered the confiscation of €112 million.")
    assert c.counted == "confiscation"


def test_an_adjective_a_verb_makes_is_no_object(reader):
    (c,) = [c for c in reader.claims(["The outbreak was made public on Tuesday."])[0] if c.kind == "time"]
    assert (c.verb, c.subject, c.object) == ("make", "outbreak", None)


def test_a_distance_in_time_is_no_count(reader):
    found = [c.text for c in _numbers(reader, "He was jailed for four years, more than two years after the fraud.")]
    assert found == ["four years"]
    assert _numbers(reader, "The plant closed three years ago and reopened two weeks later.") == []


def test_a_bare_figure_counts_the_object_of_its_light_verb(reader):
    found = {c.text: c.counted for c in _numbers(reader, "It had 31 complaints, four of which involved fires.")}
    assert found["four"] == "fire"
    (c,) = _numbers(reader, "Of the dead, three were children.")
    assert c.counted == "child"
    (c,) = _numbers(reader, "The toll was 12.")
    assert c.counted is None and c.subject == "toll"  # the figure is what the subject is, not a count of it


def test_one_of_a_kind_is_no_count(reader):
    assert [c.text for c in _numbers(reader, "It was one of the largest donors, with 47 others.")] == ["47 others"]


def test_a_named_region_is_a_place_and_a_sited_thing_names_its_place(reader):
    claims = reader.claims(["The Tolby Hill mine, which is located in the Marlby region, lies 40 km from Kelby."])[0]
    places = {c.text: (c.named, c.prep) for c in claims if c.kind == "place"}
    assert places["the Marlby region"] == ("tolby hill", "in")


def test_a_town_name_before_a_common_noun_places_it(reader):
    claims = reader.claims(["A Milan court sentenced him to four years."])[0]
    (place,) = [c for c in claims if c.kind == "place"]
    assert (place.text, place.head, place.prep) == ("Milan", "court", "compound")


def test_places_hang_on_their_noun_or_verb(reader):
    claims = reader.claims(["The footbridge in Kelby Bridge was swept away."])[0]
    (place,) = [c for c in claims if c.kind == "place"]
    assert (place.text, place.head) == ("Kelby Bridge", "footbridge")


def test_parses_are_cached_by_text(reader):
    before = reader.parsed
    reader.claims(["Police arrested 12 people.", "Police arrested 12 people."])
    reader.claims(["Police arrested 12 people."])
    assert reader.parsed == before + 1


def test_a_share_counts_the_noun_after_its_percent_sign(reader):
    (stake,) = _numbers(reader, "Corvane, the biggest investor with a 7.3% stake, would not comment.")
    assert (stake.number, stake.unit, stake.counted) == (7.3, "%", "stake")
    (members,) = _numbers(reader, "At a meeting on Friday, 67% of union members backed a walkout.")
    assert members.counted == "of:member"


def test_a_relative_pronoun_stands_for_its_noun(reader):
    (c,) = _numbers(reader, "Corvane Capital Partners, which holds 7.3 per cent of the group, backed the board.")
    assert c.subject == "corvane capital partners"


def test_hyphenated_number_words_read_whole(reader):
    (c,) = _numbers(reader, "Thirty-one people were slightly hurt.")
    assert (c.number, c.text) == (31.0, "Thirty-one people")


def test_clock_times_ratios_names_and_differences_are_no_figures(reader):
    assert _numbers(reader, "The water rose fastest between nine and eleven o'clock.") == []
    assert _numbers(reader, "Fewer than one in three of the kettles have been returned.") == []
    assert _numbers(reader, "The company will close Kiln 3 at the works.") == []
    assert [c.text for c in _numbers(reader, "The river peaked at 3.8m, 40cm higher than in 2026.")] == ["3.8m"]


def test_a_length_of_time_carries_its_unit(reader):
    (c,) = _numbers(reader, "Dockers will stop work again for five days.")
    assert (c.number, c.unit, c.counted) == (5.0, "day", None)


def test_a_measure_is_about_the_noun_it_qualifies(reader):
    (c,) = _numbers(reader, "The drone veered off course at an altitude of about 3 kilometres.")
    assert (c.number, c.unit, c.counted) == (3000.0, "m", "altitude")


def test_a_named_day_is_a_time_even_after_of_or_as_a_possessive(reader):
    times = [c for c in reader.claims(["In the early hours of Monday, burglars came through a skylight."])[0]
             if c.kind == "time"]
    assert [(c.text, c.head) for c in times] == [("Monday", "come")]
    owned = [c for c in reader.claims(["After Thursday's talks in Lagos, the envoys signed a communique."])[0]
             if c.kind == "time"]
    assert [(c.text, c.head) for c in owned] == [("Thursday", "talk")]


def test_a_day_with_its_hour_keeps_the_hour(reader):
    (c,) = [c for c in reader.claims(["The lake crested at 10pm on Sunday."])[0] if c.kind == "time"]
    assert c.text == "10pm on Sunday"


def test_a_phrasal_verb_of_a_known_action_keeps_its_particle(reader):
    claims = reader.claims(["The mayor stepped down in Orlen on Friday."])[0]
    assert {c.verb for c in claims} == {"step down"}


def test_a_copula_adjective_or_state_says_what_a_figure_counts(reader):
    (c,) = _numbers(reader, "Seven passengers are still unaccounted for.")
    assert (c.verb, c.subject) == ("unaccounted", "passenger")
    text = "Seventeen remained in hospital, three of them in a critical condition."
    found = {c.number: c.state for c in _numbers(reader, text)}
    assert found == {17.0: "in hospital", 3.0: "in critical condition"}


def test_an_ordinal_numbers_a_position_and_lends_its_noun_to_a_bare_one(reader):
    text = "Ana Brisk scored in the 12th minute and again in the 58th."
    found = {c.number: (c.counted, c.unit) for c in _numbers(reader, text)}
    assert found == {12.0: ("ordinal minute", None), 58.0: ("ordinal minute", None)}


def test_a_counted_noun_keeps_its_kind_and_a_figure_is_no_subject(reader):
    found = {c.number: c.counted for c in _numbers(reader, "He was convicted of two counts of theft.")}
    assert found == {2.0: "count of theft"}
    (c,) = _numbers(reader, "Around 9,000 were sold in Orlen.")
    assert c.subject is None


def test_a_place_after_its_verb_records_where_the_verb_opens(reader):
    text = "Jo Marrable was swiftly nabbed at Orlen Airport."
    (place,) = [c for c in reader.claims([text])[0] if c.kind == "place"]
    assert text[place.said_from : place.end] == "nabbed at Orlen Airport"
