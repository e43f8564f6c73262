"""Titles and roles from text around PERSON mentions (no model)."""

from storyline.read.entities import clean_mentions, resolve_local
from storyline.read.layout import lines
from storyline.read.roles import find_roles

from .helpers import ents, sentences


def roles(text: str, *names: str):
    raw = clean_mentions(text, ents(text, **{n.replace(" ", "_"): "PERSON" for n in names}), lines(text))
    _, mentions = resolve_local(text, raw)
    return [(r.entity, r.title, r.former) for r in find_roles(text, mentions, sentences(text))]


def test_premodifier_titles() -> None:
    assert roles("Portmere Harbour Minister Ana Lind spoke.", "Ana Lind") == [("Ana Lind", "Portmere Harbour Minister", False)]
    assert roles("He met former Mayor Tomas Berg there.", "Tomas Berg") == [("Tomas Berg", "Mayor", True)]
    assert roles("They called Secretary of Ports Ana Lind.", "Ana Lind") == [("Ana Lind", "Secretary of Ports", False)]
    # "and" between two capitalised parts of one title keeps both; before a lower-case word it ends the title
    assert roles("Fisheries and Coastal Affairs Minister Ana Lind spoke.", "Ana Lind") == [
        ("Ana Lind", "Fisheries and Coastal Affairs Minister", False)]
    assert roles("He praised the crews and Harbour Minister Ana Lind.", "Ana Lind") == [
        ("Ana Lind", "Harbour Minister", False)]


def test_head_of_construction() -> None:
    text = "The head of Portmere's ferry company Ana Lind spoke to reporters."
    assert roles(text, "Ana Lind") == [("Ana Lind", "head of Portmere's ferry company", False)]


def test_apposition_after_with_coordination_and_relative_clause() -> None:
    text = (
        "Tomas Berg, the chief of the river board and special envoy for dredging, arrived. "
        "Ana Lind, a close associate of Mr. Tomas Berg who serves as the harbour envoy for the north coast, left."
    )
    got = roles(text, "Tomas Berg", "Ana Lind")
    assert ("Tomas Berg", "chief of the river board", False) in got
    assert ("Tomas Berg", "special envoy for dredging", False) in got
    assert ("Ana Lind", "close associate of Mr. Tomas Berg", False) in got
    assert ("Ana Lind", "harbour envoy for the north coast", False) in got
    assert not any(e == "Tomas Berg" and "north coast" in t for e, t, _ in got)


def test_apposition_before_and_former() -> None:
    got = roles("The envoy, Ana Lind, arrived. Tomas Berg, a former banker, left.", "Ana Lind", "Tomas Berg")
    assert ("Ana Lind", "envoy", False) in got
    assert ("Tomas Berg", "banker", True) in got


def test_no_role_from_plain_relative_clause() -> None:
    assert roles("Ana Lind, who arrived late, left.", "Ana Lind") == []


def test_role_offsets_point_at_the_title() -> None:
    text = "Portmere Harbour Minister Ana Lind spoke."
    raw = clean_mentions(text, ents(text, Ana_Lind="PERSON"), lines(text))
    _, mentions = resolve_local(text, raw)
    (role,) = find_roles(text, mentions, sentences(text))
    assert text[role.start : role.end] == role.title


def test_lowercase_and_possessive_appositions() -> None:
    got = roles(
        "Ana Lind, president of the Portmere Rowing Club, spoke. Tomas Berg, Velmora's safety director, left. "
        "Per Holm, purchasing manager at Holm Tools, agreed.",
        "Ana Lind", "Tomas Berg", "Per Holm",
    )
    assert ("Ana Lind", "president of the Portmere Rowing Club", False) in got
    assert ("Tomas Berg", "Velmora's safety director", False) in got
    assert ("Per Holm", "purchasing manager at Holm Tools", False) in got
    assert roles("Ana Lind, Tomas Berg and Per Holm met.", "Ana Lind", "Tomas Berg", "Per Holm") == []


def test_nouns_compounded_onto_a_role_noun_belong_to_the_title() -> None:
    text = "The party's leader, former forestry minister Tomas Berg, has backing in the south."
    assert ("Tomas Berg", "forestry minister", True) in roles(text, "Tomas Berg")
    text = "Her former chief operating officer Ana Lind was sentenced."
    assert roles(text, "Ana Lind") == [("Ana Lind", "chief operating officer", True)]
    # a verb before the title is not part of it
    text = "A court has cleared biotech founder Ana Lind."
    assert roles(text, "Ana Lind") == [("Ana Lind", "biotech founder", False)]


def test_apposition_before_a_name_after_a_function_word_or_with_a_possessive() -> None:
    text = "The Leave camp is headed by the forestry minister, Tomas Berg, who spoke on Monday."
    assert roles(text, "Tomas Berg") == [("Tomas Berg", "forestry minister", False)]
    text = "It was signed by Kestovia's foreign minister, Tomas Berg, and Tolby's deputy foreign minister, Ana Lind."
    got = roles(text, "Tomas Berg", "Ana Lind")
    assert ("Tomas Berg", "Kestovia's foreign minister", False) in got
    assert ("Ana Lind", "Tolby's deputy foreign minister", False) in got
    assert not any(e == "Tomas Berg" and "deputy" in t for e, t, _ in got)
    text = "It was signed by former Kestovia's foreign minister, Tomas Berg, on Monday."
    assert roles(text, "Tomas Berg") == [("Tomas Berg", "Kestovia's foreign minister", True)]
    text = "The board's chair, Cllr Ana Lind, said the depot would reopen."
    assert ("Ana Lind", "board's chair", False) in roles(text, "Cllr Ana Lind")


def test_worked_as_gives_a_past_title_and_adverbs_are_not_the_title() -> None:
    text = "Ana Lind, 51, a deputy for Tolby, worked as a lawyer at the Harbor Bank before her election."
    assert ("Ana Lind", "lawyer at the Harbor Bank", True) in roles(text, "Ana Lind")
    text = "The premier will appoint Ana Lind, currently Minister of State for Ports, in his place."
    assert roles(text, "Ana Lind") == [("Ana Lind", "Minister of State for Ports", False)]


def test_a_list_of_people_after_a_name_is_not_its_title() -> None:
    text = "The trawler's skipper, Tomas Berg, the mate and the engineer on duty were freed on Monday."
    got = roles(text, "Tomas Berg")
    assert ("Tomas Berg", "trawler's skipper", False) in got
    assert not any("mate" in t or "engineer" in t for _, t, _ in got)


def test_an_employer_after_the_name_joins_the_title_before_it() -> None:
    text = "Heritage crime expert Ana Lind, of the Tolby Recovery Unit, warned the silver could be sold abroad."
    assert roles(text, "Ana Lind") == [("Ana Lind", "Heritage crime expert of the Tolby Recovery Unit", False)]
    text = "Volunteer with Tolby Rescue Team Ana Lind, a firefighter with the Harbor Fire Service, waded in."
    assert ("Ana Lind", "firefighter with the Harbor Fire Service", False) in roles(text, "Ana Lind")


def test_a_predicate_after_a_name_is_not_an_apposition() -> None:
    text = "The board's chair, Cllr Ana Lind, spoke to reporters at the depot this morning."
    assert not any(t.startswith("spoke") for _, t, _ in roles(text, "Cllr Ana Lind"))
    text = "The envoy, Tomas Berg, heads Kestovia's wealth fund and serves as the premier's special envoy."
    assert not any(t.startswith(("heads", "serves")) for _, t, _ in roles(text, "Tomas Berg"))
    text = "Tomas Berg, chief of the river board, arrived."  # a noun first is an apposition
    assert roles(text, "Tomas Berg") == [("Tomas Berg", "chief of the river board", False)]


def test_apposition_before_a_name_right_after_a_closing_quotation_mark() -> None:
    text = "\u201cThe line will reopen by June,\u201d Kestovia\u2019s rail chief, Ana Lind, told reporters."
    assert ("Ana Lind", "Kestovia\u2019s rail chief", False) in roles(text, "Ana Lind")


def test_positions_in_a_team_are_titles() -> None:
    assert roles("The visitors' striker Ola Berg scored twice.", "Ola Berg") == [("Ola Berg", "striker", False)]
    assert roles("Ola Berg, the visiting goalkeeper, was booked.", "Ola Berg") == [("Ola Berg", "visiting goalkeeper", False)]


def test_a_relative_clause_of_leading_an_organisation_gives_a_post() -> None:
    assert roles("Ana Lind, who heads flood defences for the Harbour Safety Board, said crews were digging.",
                 "Ana Lind") == [("Ana Lind", "who heads flood defences for the Harbour Safety Board", False)]
    assert roles("Ana Lind, who leads the council, said it would vote.", "Ana Lind") == [
        ("Ana Lind", "who leads the council", False)]
    assert roles("Ana Lind, who leads the way on reform, said it would vote.", "Ana Lind") == []
    # an adverb before an apposition does not hide its role noun
    assert roles("It began when Ana Lind, then a forensic auditor at Tolby Foods, wrote to the board.", "Ana Lind") == [
        ("Ana Lind", "forensic auditor at Tolby Foods", False)]


def test_an_organisation_after_of_is_where_a_person_works() -> None:
    text = "\u201cIt works,\u201d said Dr Ana Lind, of the University of Tolby, who led the study."
    assert roles(text, "Ana Lind") == [("Ana Lind", "of the University of Tolby", False)]
    assert roles("Ana Lind, of Tolby, said the pier was safe.", "Ana Lind") == []  # a home town
