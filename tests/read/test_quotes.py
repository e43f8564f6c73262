"""Quote scanning and speaker attribution on hand-written fictional text (no model)."""

from storyline.read.entities import gender_hints, resolve_local
from storyline.read.layout import lines
from storyline.read.entities import clean_mentions
from storyline.read.quotes import find_quotes, scan_quotes
from storyline.read.roles import find_roles

from .helpers import ents, sentences


def read(text: str, **labels: str):
    raw = clean_mentions(text, ents(text, **labels), lines(text))
    _, mentions = resolve_local(text, raw)
    sents = sentences(text)
    roles = find_roles(text, mentions, sents)
    return find_quotes(text, sents, mentions, roles, gender_hints(mentions))


def test_scan_curly_straight_and_offsets() -> None:
    text = 'She said \u201cthe tide is high.\u201d He said "the pier is closed."'
    spans = scan_quotes(text)
    assert [text[s.start : s.end] for s in spans] == ["the tide is high.", "the pier is closed."]


def test_scan_paragraph_spanning_quote() -> None:
    text = "\u201cThe first paragraph ends open.\n\u201cThe second one closes,\u201d Ana Lind said."
    spans = scan_quotes(text)
    assert len(spans) == 1
    assert text[spans[0].start : spans[0].end].startswith("The first") and text[spans[0].end] == "\u201d"


def test_said_x_and_x_said() -> None:
    text = (
        "Portmere's harbour reopened. \u201cWe expect full traffic by noon,\u201d said Ana Lind, the port director.\n"
        "\u201cThe cranes are safe,\u201d Tomas Berg said."
    )
    quotes = read(text, Ana_Lind="PERSON", Tomas_Berg="PERSON", Portmere="GPE")
    assert [(q.speaker, q.cue) for q in quotes] == [("Ana Lind", "said"), ("Tomas Berg", "said")]
    q = quotes[0]
    assert text[q.start : q.end] == q.text == "We expect full traffic by noon,"


def test_according_to_and_lead_in_verb() -> None:
    text = (
        "Mayor Ana Lind told reporters: \u201cNobody was hurt in the blaze at the depot.\u201d "
        "The fire was contained, according to Tomas Berg, who added \u201cthe depot will reopen next week after repairs.\u201d"
    )
    quotes = read(text, Ana_Lind="PERSON", Tomas_Berg="PERSON")
    assert [q.speaker for q in quotes] == ["Ana Lind", "Tomas Berg"]


def test_pronoun_resolves_to_nearest_compatible_person() -> None:
    text = (
        "Ms. Ana Lind met Mr. Tomas Berg at the dock. Mr. Berg left early.\n"
        "She said the meeting was \u201ca useful first step toward a deal.\u201d"
    )
    quotes = read(text, Ana_Lind="PERSON", Tomas_Berg="PERSON", Berg="PERSON")
    assert quotes[0].speaker == "Ana Lind"
    assert quotes[0].kind == "partial"


def test_partial_quote_inside_sentence() -> None:
    text = "Tomas Berg said he was \u201cdeeply worried\u201d about the levee."
    quotes = read(text, Tomas_Berg="PERSON")
    assert len(quotes) == 1 and quotes[0].kind == "partial" and quotes[0].speaker == "Tomas Berg"


def test_social_post_attributed_to_its_author() -> None:
    text = (
        "Ana Lind answered the rumours in a post on her social media account, stating:\n"
        "\u201cMaybe. The harbour deal is not dead yet.\u201d"
    )
    quotes = read(text, Ana_Lind="PERSON")
    assert quotes[0].speaker == "Ana Lind" and quotes[0].kind == "post"


def test_unattributed_scare_quotes_are_dropped() -> None:
    text = 'The so-called "river tax" was debated at length by the council of Portmere.'
    assert read(text, Portmere="GPE") == []


def test_continuation_paragraph_keeps_speaker() -> None:
    text = (
        "\u201cThe levee held through the night,\u201d said Tomas Berg.\n"
        "\u201cWe will inspect every metre of it again tomorrow morning.\u201d"
    )
    quotes = read(text, Tomas_Berg="PERSON")
    assert [q.speaker for q in quotes] == ["Tomas Berg", "Tomas Berg"]


def test_nominal_speaker_via_role() -> None:
    text = (
        "The port director, Ana Lind, inspected the quay.\n"
        "\u201cThe quay can take the new ferries,\u201d the director said."
    )
    quotes = read(text, Ana_Lind="PERSON")
    assert quotes[0].speaker == "Ana Lind"


def test_name_mislabelled_as_org_with_apposition_before_cue() -> None:
    # the small model often tags unfamiliar names as ORG; the apposition names a role, so it is a person
    text = (
        "The plant shut on Monday.\n\n"
        "\u201cThis is the bleakest week we have known,\u201d Marta Vell, Corvane Works' chief executive, said."
    )
    quotes = read(text, Marta_Vell="ORG", Corvane_Works="ORG")
    assert [q.speaker for q in quotes] == ["Marta Vell"]


def test_place_mislabelled_as_person_is_not_the_speaker() -> None:
    text = (
        "At the harbour in Brisk, trawler skipper Odd Rannes said he voted No.\n\n"
        "\u201cThe fish are all the pension we get,\u201d he said."
    )
    quotes = read(text, Brisk="PERSON", Odd_Rannes="PERSON")
    assert [q.speaker for q in quotes] == ["Odd Rannes"]


def test_definite_nouns_stand_for_the_nearest_person_or_organisation() -> None:
    text = (
        "Lena Sorvik met officials of Halvard Shipping in Lagos on Monday.\n\n"
        "\u201cWe are allies, not rivals across the strait,\u201d the Danish minister said.\n\n"
        "\u201cOur first concern is everyone on board,\u201d the company said in a statement."
    )
    quotes = read(text, Lena_Sorvik="PERSON", Halvard_Shipping="ORG", Lagos="GPE", Danish="NORP")
    assert [q.speaker for q in quotes] == ["Lena Sorvik", "Halvard Shipping"]


def test_pronoun_goes_to_the_subject_of_the_last_speech_verb() -> None:
    text = (
        "Tarnby fisherman Dell Harker said he did not object to the delay, as did Mara Quint.\n\n"
        "\u201cBetter they clear the wreck now than we drag it up in our nets,\u201d he said."
    )
    quotes = read(text, Dell_Harker="PERSON", Mara_Quint="PERSON", Tarnby="GPE")
    assert [q.speaker for q in quotes] == ["Dell Harker"]


def test_role_noun_stands_for_the_person_titled_with_it() -> None:
    text = (
        "Judge Alma Roste remanded Piet Varrick in custody. Tova Lund was granted bail.\n\n"
        "\u201cNobody else could have halted it but you,\u201d the judge told Varrick."
    )
    quotes = read(text, Alma_Roste="PERSON", Piet_Varrick="PERSON", Tova_Lund="PERSON", Varrick="PERSON")
    assert [q.speaker for q in quotes] == ["Alma Roste"]
