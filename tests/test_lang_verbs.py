"""The verbs naming one action: general English, kept apart from the verbs the claim reader treats on their own."""

from storyline.lang.claims import EVENT_VERBS, LEVEL_VERBS, LIGHT_VERBS
from storyline.lang.verbs import PHRASAL, SAME_ACTION, same_action
from storyline.lang.words import REPORTING_LEMMAS


def test_synonyms_map_to_one_action_and_other_verbs_stay():
    assert same_action("nab") == same_action("detain") == "arrest"
    assert same_action("quit") == same_action("step down") == "resign"
    assert same_action("sail") == "sail" and same_action(None) is None
    assert ("step", "down") in PHRASAL


def test_no_group_holds_a_verb_of_level_speech_or_no_event():
    assert not set(SAME_ACTION) & (LEVEL_VERBS | LIGHT_VERBS | REPORTING_LEMMAS | EVENT_VERBS)
