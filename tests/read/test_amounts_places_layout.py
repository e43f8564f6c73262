"""Amounts, places and line zones (no model)."""

from storyline.read.amounts import find_amounts
from storyline.read.dates import date_spans
from storyline.read.layout import classify_line, find_dateline, lines
from storyline.read.places import find_places
from storyline.records import Mention


def amounts(text: str):
    return [(a.text, a.value, a.unit, a.counts) for a in find_amounts(text, skip=date_spans(text))]


def test_money_count_and_change() -> None:
    assert amounts("Shippers reported $324 billion in losses.") == [("$324 billion", 324e9, "USD", "losses")]
    assert amounts("The firm recalled 340,000 air fryers last month.") == [("340,000", 340000.0, None, "air fryers")]
    assert amounts("By evening the death toll rose to 15.") == [("15", 15.0, None, "death toll")]
    assert amounts("Fares rose 3.5% this year.") == [("3.5%", 3.5, "%", "Fares")]


def test_dates_ages_and_years_are_not_amounts() -> None:
    assert amounts("On March 18, 2026, a 49-year-old pilot flew a 30-day mission in 2025.") == []


def test_line_zones() -> None:
    assert classify_line("Harbour Chief Visits Portmere For Talks") == "headline"
    assert classify_line("Ana Lind speaks in Portmere. HARBOR/Jon Smith/File photo") == "caption"
    assert classify_line("(Reporting by Owen Strand; editing by Tomas Reyne)") == "credit"
    assert classify_line("Additional reporting by Ana Lind in Portmere") == "credit"
    assert classify_line("The report was written by Ana Lind.") == "body"
    assert classify_line("Read the Full harbour.example Article at:") == "credit"
    assert classify_line("The harbour reopened on Monday after the storm.") == "body"


def test_dateline() -> None:
    text = "PORTMERE, March 9 (HLN) \u2014 The harbour reopened on Monday.\n"
    d = find_dateline(text, lines(text))
    assert d is not None and d.place == "Portmere" and d.agency == "HLN"
    assert text[d.end :].startswith("The harbour")
    assert find_dateline("The harbour reopened - at last.\n", lines("The harbour reopened - at last.\n")) is None
    note = "Correction, March 9: An earlier version gave the wrong date.\n"
    assert find_dateline(note, lines(note)) is None  # an editor's note, not a place


def test_event_location_versus_mentioned_place() -> None:
    text = "Officials from Velmora held talks in Portmere on Monday about trade with Velmora."
    mentions = [
        Mention("Velmora", 15, 22, "GPE", "Velmora"),
        Mention("Portmere", 37, 45, "GPE", "Portmere"),
        Mention("Velmora", 73, 80, "GPE", "Velmora"),
    ]
    places = find_places(text, mentions, None)
    assert [p.name for p in places if p.event_location] == ["Portmere"]
    assert len(places) == 3


def test_number_words_units_and_outcomes() -> None:
    got = amounts("The blaze killed four workers and injured 15. Ten people were evacuated from a 1.7-litre tank area.")
    assert ("four", 4.0, None, "workers") in got
    assert ("15", 15.0, None, "injured") in got
    assert ("Ten", 10.0, None, "people") in got
    assert ("1.7-litre", 1.7, "litre", None) in got
    assert amounts("The two sides talked.") == [("two", 2.0, None, "sides")]
    assert amounts("One of them left.") == []


def test_where_a_statement_was_made_is_evidence_but_a_later_in_is_not() -> None:
    text = "The safety board said in Caldwick on Tuesday that kettles sold in Albrenia can overheat."
    mentions = [Mention("Caldwick", 25, 33, "GPE", "Caldwick"), Mention("Albrenia", 66, 74, "GPE", "Albrenia")]
    places = find_places(text, mentions, None)
    assert [p.name for p in places if p.event_location] == ["Caldwick"]
    assert next(p for p in places if p.name == "Caldwick").evidence == "in-phrase"
    other = "The minister said the fund would invest in Albrenia next year."
    places = find_places(other, [Mention("Albrenia", 43, 51, "GPE", "Albrenia")], None)
    assert places[0].evidence != "in-phrase"


def test_a_month_after_in_is_no_place() -> None:
    text = "The council held talks in March with residents and again in Portmere."
    places = find_places(text, [], None)
    assert [p.name for p in places] == ["Portmere"]


def test_a_person_the_model_typed_as_a_place_is_not_the_leads_place() -> None:
    text = "The 19-year-old Tomas Berg scored twice as Portmere won the final."
    mentions = [Mention("Tomas Berg", 16, 26, "GPE", "Tomas Berg"), Mention("Portmere", 43, 51, "GPE", "Portmere")]
    assert [p.name for p in find_places(text, mentions, None) if p.event_location] == ["Tomas Berg"]
    places = find_places(text, mentions, None, persons=frozenset({"Tomas Berg"}))
    assert [p.name for p in places if p.event_location] == ["Portmere"]
