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
