"""Mention cleaning, within-article and store-wide entity resolution (no model)."""

from dataclasses import dataclass

from storyline.read.entities import (
    RawEnt,
    acronym_pairs,
    clean_mentions,
    find_entity,
    is_acronym_of,
    person_key,
    resolve_entities,
    resolve_local,
)
from storyline.read.layout import lines
from storyline.records import LocalEntity, Reading

from .helpers import ents


def local(text: str, **labels: str):
    raw = clean_mentions(text, ents(text, **labels), lines(text))
    return resolve_local(text, raw)


def test_acronyms() -> None:
    assert is_acronym_of("RDIF", "Russian Direct Investment Fund")
    assert is_acronym_of("PHA", "Portmere Harbour Authority")
    assert is_acronym_of("FAO", "Food and Agriculture Organization")
    assert not is_acronym_of("PHA", "Harbour Authority")
    text = "Funds from the Portmere Harbour Authority (PHA) paid for it. The PHA said so."
    assert acronym_pairs(text) == [("Portmere Harbour Authority", "PHA")]


def test_person_key_ignores_middle_initials_and_honorifics() -> None:
    assert person_key("Sergey V. Lavrov") == person_key("Sergey Lavrov") == "sergey lavrov"
    assert person_key("Mr. Dmitriev") is None


def test_within_article_full_name_surname_honorific_possessive_acronym() -> None:
    text = (
        "Ana Lind, head of the Portmere Harbour Authority (PHA), spoke. Ms. Lind's plan won. "
        "Lind said the PHA would pay. Tomas Berg agreed."
    )
    entities, mentions = local(
        text, Ana_Lind="PERSON", Lind="PERSON", Portmere_Harbour_Authority="ORG", PHA="ORG", Tomas_Berg="PERSON"
    )
    by_name = {e.name: e for e in entities}
    assert set(by_name) == {"Ana Lind", "Portmere Harbour Authority", "Tomas Berg"}
    assert {"Ms. Lind", "Lind"} <= set(by_name["Ana Lind"].aliases)
    assert "PHA" in by_name["Portmere Harbour Authority"].aliases
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert [m.entity for m in mentions if "Lind" in m.text] == ["Ana Lind"] * 3


def test_surname_with_wrong_label_joins_the_person() -> None:
    text = "Ana Lind arrived. Lind met the mayor."
    entities, mentions = local(text, Ana_Lind="PERSON", Lind="ORG")
    assert [e.name for e in entities] == ["Ana Lind"]
    assert {m.label for m in mentions} == {"PERSON"}


def test_headline_junk_is_dropped_but_known_names_kept() -> None:
    text = "Harbour Chief Visits Portmere For Talks\nAna Lind arrived in Portmere on Monday for talks.\n"
    raw = [RawEnt(14, 29, "PERSON"), RawEnt(40, 48, "PERSON"), RawEnt(60, 68, "GPE")]
    kept = clean_mentions(text, raw, lines(text))
    assert [text[e.start : e.end] for e in kept] == ["Ana Lind", "Portmere"]  # no "Visits Portmere"
    # the headline's "Portmere" survives because the body names it
    kept = clean_mentions(text, [RawEnt(21, 29, "GPE"), *raw[1:]], lines(text))
    assert [text[e.start : e.end] for e in kept] == ["Portmere", "Ana Lind", "Portmere"]


def test_caption_credit_is_not_an_entity() -> None:
    text = "Ana Lind speaks at the quay, March 2, 2026. HARBOR/Jon Smith/File photo\nAna Lind spoke.\n"
    raw = [RawEnt(0, 8, "PERSON"), RawEnt(44, 50, "ORG"), RawEnt(51, 60, "PERSON"), RawEnt(72, 80, "PERSON")]
    kept = clean_mentions(text, raw, lines(text))
    assert [text[e.start : e.end] for e in kept] == ["Ana Lind", "Ana Lind"]


def reading(aid: str, *entities: LocalEntity) -> Reading:
    return Reading(article_id=aid, entities=entities)


@dataclass
class Ov:
    kind: str
    args: tuple[str, ...]


def test_store_wide_resolution_and_overrides() -> None:
    readings = [
        reading("a1", LocalEntity("Ana Lind", "Ana Lind", "PERSON", ("Ms. Lind",)),
                LocalEntity("Portmere Harbour Authority", "Portmere Harbour Authority", "ORG", ("PHA",))),
        reading("a2", LocalEntity("Ana M. Lind", "Ana M. Lind", "PERSON"), LocalEntity("PHA", "PHA", "ORG")),
        reading("a3", LocalEntity("Lind", "Lind", "PERSON"), LocalEntity("Tomas Berg", "Tomas Berg", "PERSON")),
        reading("a4", LocalEntity("Tom Berg", "Tom Berg", "PERSON")),
    ]
    entities = resolve_entities(readings)
    lind = find_entity(entities, "Ms. Lind")
    assert lind is not None and lind.article_ids == ("a1", "a2", "a3")
    pha = find_entity(entities, "PHA")
    assert pha is not None and pha.name == "Portmere Harbour Authority" and pha.article_ids == ("a1", "a2")
    assert find_entity(entities, "Tom Berg") is not find_entity(entities, "Tomas Berg")
    # analysts merge the two Bergs and rename; ids stay stable across the rename
    berg_id = find_entity(entities, "Tomas Berg").id  # type: ignore[union-attr]
    merged = resolve_entities(readings, [Ov("entity-merge", ("Tomas Berg", "Tom Berg")), Ov("entity-rename", (berg_id, "Tomas A. Berg"))])
    berg = find_entity(merged, "Tomas A. Berg")
    assert berg is not None and berg.id == berg_id and berg.article_ids == ("a3", "a4")
    assert {"Tom Berg", "Tomas Berg"} <= set(berg.aliases)
    assert len(merged) == len(entities) - 1
    # an override naming an entity that no longer exists is ignored
    assert len(resolve_entities(readings, [Ov("entity-merge", ("Nobody", "Tom Berg"))])) == len(entities)


def test_ambiguous_surname_stays_apart() -> None:
    readings = [
        reading("a1", LocalEntity("Ana Lind", "Ana Lind", "PERSON")),
        reading("a2", LocalEntity("Per Lind", "Per Lind", "PERSON")),
        reading("a3", LocalEntity("Lind", "Lind", "PERSON")),
    ]
    assert len(resolve_entities(readings)) == 3


def test_lone_word_mislabelled_as_person_joins_its_other_reading() -> None:
    readings = [
        reading("a1", LocalEntity("Velmora", "Velmora", "GPE")),
        reading("a2", LocalEntity("Velmora", "Velmora", "GPE")),
        reading("a3", LocalEntity("Velmora", "Velmora", "PERSON")),
    ]
    (only,) = resolve_entities(readings)
    assert only.label == "GPE" and only.article_ids == ("a1", "a2", "a3")


def test_short_forms_of_organisations_and_places() -> None:
    text = "Velmora Ferry Lines and the town of Halden Falls agreed. Velmora said Halden would pay."
    entities, _ = local(text, Velmora_Ferry_Lines="ORG", Halden_Falls="GPE", Velmora="PERSON", Halden="GPE")
    assert sorted(e.name for e in entities) == ["Halden Falls", "Velmora Ferry Lines"]
