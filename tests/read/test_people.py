"""Which names are people's, from evidence in the text (no model)."""

from storyline.read.people import relabel_people
from storyline.records import Mention


def _mention(text: str, name: str, label: str) -> Mention:
    start = text.index(name)
    return Mention(name, start, start + len(name), label, name)


def test_an_age_before_a_name_makes_it_a_person() -> None:
    text = "The 19-year-old substitute Tomas Berg scored late in Portmere."
    got = relabel_people(text, [_mention(text, "Tomas Berg", "GPE"), _mention(text, "Portmere", "GPE")])
    assert [(m.text, m.label) for m in got] == [("Tomas Berg", "PERSON"), ("Portmere", "GPE")]


def test_a_title_before_a_name_typed_as_an_organisation_makes_it_a_person() -> None:
    text = "Chief executive Ana Lind did not respond to a request for comment."
    got = relabel_people(text, [_mention(text, "Ana Lind", "ORG")])
    assert got[0].label == "PERSON"


def test_a_place_without_person_evidence_stays_a_place() -> None:
    text = "Rescuers reached Kelby Bridge on Tuesday."
    got = relabel_people(text, [_mention(text, "Kelby Bridge", "GPE")])
    assert got[0].label == "GPE"
