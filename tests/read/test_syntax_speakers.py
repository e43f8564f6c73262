"""Speakers read from the dependency parse (the real spaCy parser; hand-written fictional text and mentions)."""

from __future__ import annotations

import pytest

from storyline.config import Settings
from storyline.read.entities import clean_mentions, gender_hints, resolve_local
from storyline.read.layout import lines
from storyline.read.quotes import find_quotes
from storyline.read.roles import find_roles
from storyline.read.syntax import LOOKBACK_SENTENCES, load_parser, parse_windows, windows

from .helpers import ents, sentences


@pytest.fixture(scope="module")
def parser():  # type: ignore[no-untyped-def]
    return load_parser(Settings().spacy_model)


def speakers(parser, text: str, **labels: str) -> list[str | None]:  # type: ignore[no-untyped-def]
    raw = clean_mentions(text, ents(text, **labels), lines(text))
    _, mentions = resolve_local(text, raw)
    sents = sentences(text)
    roles = find_roles(text, mentions, sents)

    def parse(quotes):  # type: ignore[no-untyped-def]
        return parse_windows(parser, text, windows(sents, quotes))

    return [q.speaker for q in find_quotes(text, sents, mentions, roles, gender_hints(mentions), parse=parse)]


def test_windows_cover_the_quote_sentences_and_merge() -> None:
    sents = [(n * 10 + 1, n * 10 + 10) for n in range(10)]
    back = LOOKBACK_SENTENCES
    # a quote in sentence 6 takes the sentences back to 6 - back and the one after it
    assert windows(sents, [(62, 68)]) == [(sents[6 - back][0], sents[7][1])]
    # two quotes whose ranges touch are parsed as one range; a distant one on its own
    assert windows(sents, [(2, 5), (12, 15), (92, 95)]) == [(1, 30), (sents[9 - back][0], 100)]
    assert windows([], [(1, 5)]) == []


@pytest.mark.models
def test_subject_head_not_the_name_nearest_the_verb(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Rolf Ansgar, a former minister who leads the campaign group, Free Harbour, told supporters that the "
        "early count meant little.\n\n"
        "\u201cThe city always reports first. The villages come later,\u201d he said."
    )
    assert speakers(parser, text, Rolf_Ansgar="PERSON", Free_Harbour="ORG") == ["Rolf Ansgar"]


@pytest.mark.models
def test_pronoun_is_a_person_never_an_organisation(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Kestrel Rescue Service said its teams had made 27 rescues overnight.\n\n"
        "A driver was pulled out by Jon Marsh, a firefighter with Kestrel Rescue Service.\n\n"
        "\u201cWhen we reached her car the flood was up to the windows,\u201d he told reporters."
    )
    assert speakers(parser, text, Kestrel_Rescue_Service="ORG", Jon_Marsh="PERSON") == ["Jon Marsh"]


@pytest.mark.models
def test_quote_inside_a_reported_clause(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Mara Quint, who runs the bidder's European business, said on Monday that the firm wanted the port "
        "operator to become \u201cthe spine of a countrywide freight system\u201d."
    )
    assert speakers(parser, text, Mara_Quint="PERSON") == ["Mara Quint"]


@pytest.mark.models
def test_colon_after_any_verb_introduces_its_subject(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The ferry reached the harbour at dawn.\n\n"
        "Skipper Dara Quill grinned: \u201cNo one rated us in spring. See where we are now.\u201d"
    )
    assert speakers(parser, text, Dara_Quill="PERSON") == ["Dara Quill"]


@pytest.mark.models
def test_spokesperson_speaks_for_the_organisation(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Debris fell inside the exclusion zone.\n\n"
        "\u201cOur tower and ground gear were far from the crash and are intact,\u201d a Corvel Launch "
        "spokesperson said."
    )
    assert speakers(parser, text, Corvel_Launch="ORG") == ["Corvel Launch"]


@pytest.mark.models
def test_person_in_apposition_to_a_role_whatever_the_model_typed(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Halvard Tile's human resources director, Alis Prenn, said the kiln was losing money.\n\n"
        "\u201cWe know how painful this is for our staff and their families,\u201d she said."
    )
    assert speakers(parser, text, Halvard_Tile="ORG", Alis_Prenn="ORG") == ["Alis Prenn"]


@pytest.mark.models
def test_he_after_a_sentence_about_her_is_the_other_person_in_it(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Tom Rusk, 57, died when his van was swept away.\n\n"
        "A woman in her seventies was stranded in her car. She was pulled out by Jon Marsh, a firefighter.\n\n"
        "\u201cWhen we reached her car the flood was up to the windows,\u201d he told reporters."
    )
    assert speakers(parser, text, Tom_Rusk="PERSON", Jon_Marsh="PERSON") == ["Jon Marsh"]


@pytest.mark.models
def test_the_owner_of_words_said_is_their_speaker(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Talks ended late on Friday.\n\n"
        "Brenna Toll's line that the port was \u201cnot for sale at any price\u201d drew applause.\n\n"
        "Sentencing is set for May before Magistrate Ilse Varn, who remanded Dorran in custody.\n\n"
        "The magistrate's observation that Dorran was \u201cthe one person able to prevent it\u201d will be read "
        "closely."
    )
    found = speakers(parser, text, Brenna_Toll="PERSON", Ilse_Varn="PERSON", Dorran="PERSON")
    assert found == ["Brenna Toll", "Ilse Varn"]


@pytest.mark.models
def test_as_one_put_it_and_a_spokesperson_for_an_organisation(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The Harbour Safety Board said on Sunday that the wall had held.\n\n"
        "Our warden in Kelso, Anwen Prys, summed it up when I phoned her at 4am: \u201cWe stopped being wardens hours ago. "
        "Now we are just neighbours.\u201d\n\n"
        "A spokesperson for the Coastal Standards Office said: \u201cWe are working with the board to make sure the "
        "repairs are done quickly.\u201d"
    )
    found = speakers(parser, text, Harbour_Safety_Board="ORG", Anwen_Prys="PERSON", Coastal_Standards_Office="ORG")
    assert found == ["Anwen Prys", "Coastal Standards Office"]


@pytest.mark.models
def test_lead_in_paragraph_ending_with_said(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Oren Vale, Managing Partner at Quarry Hill, said:\n\n"
        "\u201cThis is our last offer. It is fair to everyone.\u201d\n\n"
        "Ada Lorne, Chair of Fenwick, said:\n\n"
        "\u201cThe directors think the offer reflects what the company is worth.\u201d"
    )
    found = speakers(parser, text, Oren_Vale="PERSON", Quarry_Hill="ORG", Fenwick="ORG")
    assert found == ["Oren Vale", "Ada Lorne"]


@pytest.mark.models
def test_a_relative_clause_that_reports_speaking_names_the_pronoun(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The Yes campaign, Open Harbour, is led by the transport minister, Kjell Orvik, who said on Monday that "
        "his side would accept the count.\n\n"
        "\u201cIf the second count agrees, we will respect it,\u201d he told local radio."
    )
    assert speakers(parser, text, Open_Harbour="ORG", Kjell_Orvik="PERSON") == ["Kjell Orvik"]


@pytest.mark.models
def test_a_surname_the_model_missed_is_the_full_name_written_before(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "\u201cWe are one vote away,\u201d EU envoy Liesel Vandam told a news conference.\n\n"
        "Ministers met again on Tuesday.\n\n"
        "\u201cEvery week we wait costs us,\u201d Vandam said."
    )
    assert speakers(parser, text) == ["Liesel Vandam", "Liesel Vandam"]


@pytest.mark.models
def test_a_nationality_rules_out_a_minister_of_another_nation(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Tomas Reyna met Finnish Foreign Minister Aino Kallas in Helsinki on Tuesday.\n\n"
        "\u201cWe are partners, not neighbours,\u201d the Chilean minister said."
    )
    found = speakers(parser, text, Tomas_Reyna="PERSON", Aino_Kallas="PERSON", Finnish="NORP", Chilean="NORP")
    assert found == ["Tomas Reyna"]


@pytest.mark.models
def test_kin_is_never_the_person_they_are_kin_to(parser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Pavel Dorn, 19, scored the winner in extra time.\n\n"
        "\u201cHe has not slept since the final whistle and neither have we,\u201d his brother said."
    )
    assert speakers(parser, text, Pavel_Dorn="PERSON") == [None]
