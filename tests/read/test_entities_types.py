"""A corpus of mistyped and junk mentions, modelled on what the small NER model gets wrong, with expected outcomes.

Each case is a hand-written sentence, the spans and labels the model would give, and what must come out:
the label kept, changed, or the mention dropped (``None``). Negative cases show the rules leave real names alone.
"""

from __future__ import annotations

import pytest

from storyline.read.entities import RawEnt, clean_mentions
from storyline.read.place_names import Gazetteer
from storyline.read.layout import lines
from storyline.read.mention_types import balance_brackets, check_types

from .helpers import ents

# (text, {surface: model label}, {surface: expected label or None})
CASES = [
    # platforms and products typed as people
    ("Officials said on Twitter that the talks would go on.", {"Twitter": "PERSON"}, {"Twitter": "PRODUCT"}),
    ("He wrote via Telegram that he had met the envoy.", {"Telegram": "PERSON"}, {"Telegram": "PRODUCT"}),
    ("He posted the statement in the Telegram messaging app on Thursday.", {"Telegram": "PERSON"},
     {"Telegram": "PRODUCT"}),
    # places typed as people or organisations
    ("Shelling continued in Kiev overnight, officials said.", {"Kiev": "PERSON"}, {"Kiev": "GPE"}),
    ("Velmora said the port would reopen. Ships waited off Velmora and in Velmora harbour.",
     {"Velmora": "PERSON"}, {"Velmora": "GPE"}),
    # a product typed as a place
    ("Kestrel is recalling 218,000 Brewline electric kettles. Owners of Brewline kettles get a refund.",
     {"Brewline": "GPE", "Kestrel": "ORG"}, {"Brewline": "PRODUCT", "Kestrel": "ORG"}),
    ("Refunds are due. The fee was a fair price for the inspections Albrenia insists on.", {"Albrenia": "GPE"},
     {"Albrenia": "GPE"}),
    # a company's short name and a capitalised common noun typed as people
    ("Kestrel Home Appliances is recalling kettles. Kestrel will send a label.",
     {"Kestrel Home Appliances": "ORG", "Kestrel": "PERSON"}, {"Kestrel": "ORG"}),
    ("The court ruled for the households. Households are due refunds.", {"Households": "PERSON"},
     {"Households": None}),
    # credit lines and tickers typed as people
    ("The envoy spoke to reporters. REL said the fund grew.", {"REL": "PERSON"}, {"REL": None}),
    # a person typed as a facility
    ("Barack Obama said the plan would not survive the winter.", {"Barack Obama": "FAC"},
     {"Barack Obama": "PERSON"}),
    ("Ana Lind met the board. Later Ana Lind Hall hosted it, and Ana Lind spoke.", {"Ana Lind": "FAC"},
     {"Ana Lind": "FAC"}),
    # a platform's other name in brackets before a noun
    ("Dmitriev replied on his X (formerly Twitter) account that he might come.", {"Twitter": "PERSON"},
     {"Twitter": "PRODUCT"}),
    ("In a post on X (formerly Twitter), responding to a report, he wrote maybe.", {"Twitter": "PERSON"},
     {"Twitter": "PRODUCT"}),
    # headline and caption fragments: a label before a colon at a line's start
    ("Related: rockets fly | Explainer: why first flights fail\nThe launch went well.", {"Explainer": "PERSON"},
     {"Explainer": None}),
    # organisations and things typed as people
    ("The loan went to Brackwell Homes, a timber-frame manufacturer based in Tolby, in May.",
     {"Brackwell Homes": "PERSON"}, {"Brackwell Homes": "ORG"}),
    ("Talks are set at the conciliation service Orrin on Wednesday.", {"Orrin": "PERSON"}, {"Orrin": "ORG"}),
    ("The rocket, made by Marlby firm Corvel Space, broke up.", {"Corvel Space": "PERSON"}, {"Corvel Space": "ORG"}),
    ("A blast hit a unit run by Varden Chemicals NV near the port.", {"Varden Chemicals NV": "PERSON"},
     {"Varden Chemicals NV": "ORG"}),
    ("The 132-metre Kestrel Star hit rocks off the island at noon.", {"Kestrel Star": "PERSON"},
     {"Kestrel Star": "ORG"}),
    ("The premier will ask the Storting to approve the plan.", {"Storting": "PERSON"}, {"Storting": "ORG"}),
    ("Halver Pay, which marketed itself to students, collapsed.", {"Halver Pay": "PERSON"}, {"Halver Pay": "ORG"}),
    ("The ex-chief of garden tools company Brellow was jailed. Brellow has appealed; shares in Brellow fell.",
     {"Brellow": "GPE"},
     {"Brellow": "ORG"}),
    # negative cases: people named next to organisation words stay people
    ("Ana Lind, a spokeswoman for the company, said the unit was safe.", {"Ana Lind": "PERSON"},
     {"Ana Lind": "PERSON"}),
    ("Ana Lind, the company's chief executive, said the unit was safe.", {"Ana Lind": "PERSON"},
     {"Ana Lind": "PERSON"}),
    ("The head of Portmere's ferry company Ana Lind spoke to reporters.", {"Ana Lind": "PERSON"},
     {"Ana Lind": "PERSON"}),
    # negative cases: real names stay as they are
    ("Ana Lind met the mayor in Portmere on Monday.", {"Ana Lind": "PERSON", "Portmere": "GPE"},
     {"Ana Lind": "PERSON", "Portmere": "GPE"}),
    ("There was anger in Putin's government over the delay.", {"Putin": "PERSON"}, {"Putin": "PERSON"}),
    ("The envoy spoke to Trump on Monday.", {"Trump": "PERSON"}, {"Trump": "PERSON"}),
    ("The bill stalled in Congress again.", {"Congress": "ORG"}, {"Congress": "ORG"}),
    ("The Caldwick council met in Caldwick on Monday.", {"Caldwick": "GPE"}, {"Caldwick": "GPE"}),
    ("Lind said the talks would resume.", {"Lind": "PERSON"}, {"Lind": "PERSON"}),
]


@pytest.mark.parametrize(("text", "model", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_mistyped_mentions_are_retyped_or_dropped(text: str, model: dict[str, str], expected: dict[str, str | None]):
    raw = ents(text, **{k.replace(" ", "_"): v for k, v in model.items()})
    kept, changes = check_types(text, raw)
    got: dict[str, set[str | None]] = {}
    for surface in expected:
        spans = [e for e in raw if text[e.start : e.end] == surface]
        labels = {next((k.label for k in kept if k.start == e.start and k.end == e.end), None) for e in spans}
        got[surface] = labels
    assert got == {s: {label} for s, label in expected.items()}, changes
    for c in changes:  # every change says why
        assert c.reason


def test_an_unclosed_bracket_is_cut_and_a_stray_closer_trimmed():
    text = "The Industrial Safety Inspectorate (ISI) opened an inquiry."
    cut, why = balance_brackets(text, RawEnt(4, text.index("ISI") + 3, "ORG"))
    assert cut is not None and text[cut.start : cut.end] == "Industrial Safety Inspectorate" and "unclosed" in (why or "")
    stray, why = balance_brackets(text, RawEnt(text.index("ISI"), text.index(")") + 1, "ORG"))
    assert stray is not None and text[stray.start : stray.end] == "ISI" and "stray" in (why or "")
    closer = "figures (ISI) Halden Falls show"
    trimmed, why = balance_brackets(closer, RawEnt(closer.index("ISI"), closer.index(" show"), "GPE"))
    assert trimmed is not None and closer[trimmed.start : trimmed.end] == "Halden Falls"
    balanced, why = balance_brackets(text, RawEnt(4, text.index(")") + 1, "ORG"))
    assert balanced is not None and text[balanced.start : balanced.end].endswith("(ISI)") and why is None


def test_clean_mentions_applies_the_checks():
    text = "Shelling continued in Kiev, REL reported. The Industrial Safety Inspectorate (ISI) said so.\n"
    org = text.index("Industrial")
    raw = [RawEnt(22, 26, "PERSON"), RawEnt(28, 31, "PERSON"), RawEnt(org, text.index("ISI") + 3, "ORG")]
    kept = clean_mentions(text, raw, lines(text))
    assert [(text[e.start : e.end], e.label) for e in kept] == [("Kiev", "GPE"), ("Industrial Safety Inspectorate", "ORG")]


def test_a_place_typed_as_an_organisation_once_is_a_place_when_the_article_types_it_as_one_elsewhere():
    text = "Russia annexed Crimea in 2014. Troops remain in Crimea."
    first, second = (i for i in range(len(text)) if text.startswith("Crimea", i))
    raw = [RawEnt(0, 6, "GPE"), RawEnt(first, first + 6, "ORG"), RawEnt(second, second + 6, "GPE")]
    kept, changes = check_types(text, raw)
    assert [(text[e.start : e.end], e.label) for e in kept] == [("Russia", "GPE"), ("Crimea", "GPE"), ("Crimea", "GPE")]
    assert [c.reason for c in changes] == ["typed as a place elsewhere in the article"]
    text = "Crews in Portmere unloaded ships. Port operators in Portmere say the deal helps."
    first, second = (i for i in range(len(text)) if text.startswith("Portmere", i))
    kept, _ = check_types(text, [RawEnt(first, first + 8, "GPE"), RawEnt(second, second + 8, "PRODUCT")])
    assert [e.label for e in kept] == ["GPE", "GPE"]


def test_a_gazetteer_confirms_a_known_place_the_model_typed_as_an_organisation():
    gazetteer = Gazetteer()
    assert "Odesa" in gazetteer and "Brewline" not in gazetteer and "Twitter" not in gazetteer
    text = "Ships left Odesa at dawn. The cargo arrived in Odesa by noon."
    raw = ents(text, Odesa="ORG")
    kept, _ = check_types(text, raw)
    assert {e.label for e in kept} == {"ORG"}  # the article alone does not say it is a place
    kept, changes = check_types(text, raw, is_place=gazetteer.is_place)
    assert {e.label for e in kept} == {"GPE"} and all("known place" in c.reason for c in changes)


def test_a_known_place_typed_as_a_person_is_a_place_unless_the_article_uses_it_for_a_person():
    known = {"bolton", "wigan", "darlington", "sue"}.__contains__
    text = "The injured were taken to clinics in Wigan, Bolton and Darlington. The road is shut."
    kept, changes = check_types(text, ents(text, Bolton="PERSON"), is_place=known)
    assert [e.label for e in kept] == ["GPE"] and "known place" in changes[0].reason
    text = "The bars of Darlington were still packed at midnight."
    kept, _ = check_types(text, ents(text, Darlington="PERSON"), is_place=known)
    assert [e.label for e in kept] == ["GPE"]
    # a speech verb or an honorific makes it a person's name; a lone first name needs a place preposition
    for text, name in (("Bolton said the road would reopen.", "Bolton"),
                       ("Mr Bolton left early. The road is shut.", "Bolton"),
                       ("We only want our homes back, Sue.", "Sue")):
        kept, _ = check_types(text, ents(text, **{name: "PERSON"}), is_place=known)
        assert [e.label for e in kept] == ["PERSON"], text


@pytest.mark.parametrize(
    ("text", "span", "name"),
    [
        ("ROOKIE Cal Dane scored twice.", "ROOKIE Cal Dane", "Cal Dane"),
        ("Neighbour Paula Crabb saw it. Every neighbour came out.", "Neighbour Paula Crabb", "Paula Crabb"),
        ("Skipper Dan Okel lifted the cup.", "Skipper Dan Okel", "Dan Okel"),
        ("Rose Mary Tull said prices rose.", "Rose Mary Tull", "Rose Mary Tull"),  # a name, capitalised by itself
        ("Mark Ellis spoke.", "Mark Ellis", "Mark Ellis"),
    ],
)
def test_a_title_or_headline_tag_is_cut_from_the_front_of_a_name(text: str, span: str, name: str):
    raw = ents(text, **{span.replace(" ", "_"): "PERSON"})
    kept = clean_mentions(text, raw, lines(text))
    assert [text[e.start : e.end] for e in kept if e.label == "PERSON"] == [name]


def test_a_persons_name_swallowed_into_a_longer_name_is_cut_out():
    text = "Minister of Harbour Affairs Ana Lind opened the talks. \u201cWe are ready,\u201d Lind said. Lind left at noon."
    raw = ents(text, Minister_of_Harbour_Affairs_Ana_Lind="ORG", Lind="PERSON")
    last = text.rindex("Lind")  # the model types the surname a person's once and a place's once
    raw = [e if e.start != last else type(e)(e.start, e.end, "GPE") for e in raw]
    kept, changes = check_types(text, raw)
    assert {(text[e.start : e.end], e.label) for e in kept} == {("Ana Lind", "PERSON"), ("Lind", "PERSON")}
    assert all(c.reason for c in changes)
    # without the model ever typing the last word as a person, a long name stays what it was
    raw = ents(text, Minister_of_Harbour_Affairs_Ana_Lind="ORG")
    assert {(text[e.start : e.end], e.label) for e in check_types(text, raw)[0]} == {
        ("Minister of Harbour Affairs Ana Lind", "ORG")}
