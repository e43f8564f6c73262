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
    (c,) = _numbers(reader, "Firefighters rescued 46 people by boat.")
    assert (c.number, c.counted, c.verb, c.subject) == (46.0, "people", "rescue", "firefighter")
    assert c.text == "46 people"
    assert c.about == "firefighter"  # "people" says little: the subject names what is counted


def test_a_part_of_a_whole_is_told_from_the_whole(reader):
    found = {c.counted: c.number for c in _numbers(reader, "Six of its 12 carriages derailed.")}
    assert found == {"of:carriage": 6.0, "whole:carriage": 12.0}


def test_a_figure_without_a_noun_is_about_its_subject(reader):
    (c,) = _numbers(reader, "The death toll rose to seven.")
    assert (c.number, c.subject, c.verb, c.counted) == (7.0, "death toll", "rise", None)


def test_scale_and_unit_are_read(reader):
    values = {(c.number, c.unit) for c in _numbers(reader, "The 1,200-megawatt cable will carry 1.2 gigawatts.")}
    assert values == {(1.2e9, "W")}


def test_places_hang_on_their_noun_or_verb(reader):
    claims = reader.claims(["The footbridge in Hebden Bridge was swept away."])[0]
    (place,) = [c for c in claims if c.kind == "place"]
    assert (place.text, place.head) == ("Hebden Bridge", "footbridge")


def test_parses_are_cached_by_text(reader):
    before = reader.parsed
    reader.claims(["Police arrested 12 people.", "Police arrested 12 people."])
    reader.claims(["Police arrested 12 people."])
    assert reader.parsed == before + 1
