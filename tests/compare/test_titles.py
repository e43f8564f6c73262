"""Titles two outlets give one person: compatible forms agree, different posts, employers or tenses conflict."""

from __future__ import annotations

import pytest

from .test_analysis import _analyse, _two_outlets


def _contested(title_a: str, title_b: str, *, former_a: bool = False, former_b: bool = False):
    text_a = f"Mira Holst, {title_a}, visited the docks on Monday."
    text_b = f"Mira Holst, {title_b}, visited the docks on Monday."
    story, arts, reads, copies = _two_outlets(
        text_a, text_b,
        lambda r: r.entity("Mira Holst", "PERSON").role("Mira Holst", title_a, former=former_a),
        lambda r: r.entity("Mira Holst", "PERSON").role("Mira Holst", title_b, former=former_b),
    )  # fmt: skip
    return [c for c in _analyse(story, arts, reads, copies).conflicts if c.kind == "title"]


@pytest.mark.parametrize(
    ("title_a", "title_b"),
    [
        ("chief executive", "CEO"),  # an abbreviation
        ("Harbor Board chief executive", "chief executive officer"),
        ("deputy interior minister", "Kestovia's deputy interior minister"),  # a longer form
        ("floods minister", "government's Minister for Flooding and Coasts"),  # short and formal forms
        ("Energy Transition Minister", "Kestovia's energy transition minister"),  # Title Case is not an employer
        ("French Culture Minister", "France's culture minister"),  # a nationality and its country
        ("council leader", "council's leader"),
        ("harbour manager", "boss"),  # shorthand fits any post
        ("Kestovian Foreign Minister", "Kestovia's top diplomat"),
        ("medical officer of health", "health chief"),
        ("co-founder", "founder"),
        ("nurse from Tolby", "Tolby nurse"),
        ("currently Minister of State for Transport", "junior minister"),
        ("Skipper", "captain"),
        ("Cllr", "council leader"),  # a form of address says nothing about the post
        ("Union leader", "Dockhand leader"),  # a capitalised kind of organisation is no employer's name
        ("Tolby head coach", "Tolby coach"),  # a more precise form of the same post
        ("who leads the Tolby Council", "council leader"),  # leading a body fits whatever its post is called
        ("who heads the Tolby Rescue Unit", "president of the Tolby Rescue Unit"),
    ],
)
def test_compatible_titles_agree(title_a: str, title_b: str):
    assert _contested(title_a, title_b) == []


def test_a_past_job_does_not_contradict_a_present_post():
    assert _contested("economist", "Minister of State for Transport", former_a=True) == []


@pytest.mark.parametrize(
    ("title_a", "title_b", "former_a", "former_b"),
    [
        ("captain", "first officer", False, False),  # one post each, and they differ
        ("finance director", "chief operating officer", True, True),  # both past, different posts
        ("chief executive", "chief executive", False, True),  # serving against former
        ("volunteer with Carrow Rescue Team", "firefighter with Tolby Fire Service", False, False),
        ("economist at the Harbor Bank", "economist with the Finance Department", True, True),  # employers
        ("Tolby foreign minister", "Tolby deputy foreign minister", False, False),  # rank
        ("fire chief", "police chief", False, False),  # one shorthand head, different fields
        ("associate director of public health", "region's director of public health", False, False),  # a lower post
        ("union leader", "party leader", False, False),  # kinds of organisation still differ
        ("who heads the Tolby Rescue Unit", "head of Marlby Fire Service", False, False),  # another body
    ],
)
def test_different_posts_employers_ranks_and_tenses_conflict(title_a, title_b, former_a, former_b):
    found = _contested(title_a, title_b, former_a=former_a, former_b=former_b)
    assert len(found) == 1
    assert {v.article_ids for v in found[0].values} == {("a1",), ("b1",)}


def test_a_conflict_shows_the_post_without_a_pronoun_like_possessive():
    found = _contested("ship's captain", "ferry's first officer")
    assert {v.value for v in found[0].values} == {"captain", "first officer"}


def _title_conflicts(text_a: str, text_b: str, build_a, build_b):
    """Title conflicts between two outlets' reports built by hand."""
    story, arts, reads, copies = _two_outlets(text_a, text_b, build_a, build_b)
    return [c for c in _analyse(story, arts, reads, copies).conflicts if c.kind == "title"]


def test_titles_that_agree_are_one_value_of_a_conflict():
    (found,) = _title_conflicts(
        "Tolby head coach Mira Holst, who is also Tolby coach Mira Holst to some, spoke on Monday.",
        "Mira Holst, the club's sporting director, spoke on Monday.",
        lambda r: r.entity("Mira Holst", "PERSON").role("Mira Holst", "Tolby head coach").role("Mira Holst", "Tolby coach"),
        lambda r: r.entity("Mira Holst", "PERSON").role("Mira Holst", "sporting director"),
    )  # fmt: skip
    assert len(found.values) == 2
    assert {v.article_ids for v in found.values} == {("a1",), ("b1",)}


def test_a_clients_possessive_and_a_sentences_capital_name_no_employer():
    assert _title_conflicts(
        "The verdict was read. Mira Holst's lawyer, Ola Berg, said they would appeal.",
        "The verdict was read. Defence lawyer Ola Berg said they would appeal.",
        lambda r: r.entity("Mira Holst", "PERSON").entity("Ola Berg", "PERSON").role("Ola Berg", "Mira Holst's lawyer"),
        lambda r: r.entity("Ola Berg", "PERSON").role("Ola Berg", "Defence lawyer"),
    ) == []  # fmt: skip


def test_an_organisation_a_person_is_of_meets_the_employer_of_a_post():
    build = lambda title: lambda r: r.entity("Mira Holst", "PERSON").role("Mira Holst", title)  # noqa: E731
    text = "Mira Holst, {}, said the trial worked."
    (found,) = _title_conflicts(text.format("of the University of Tolby"), text.format("director of the Marlby Research Unit"),
                                build("of the University of Tolby"), build("director of the Marlby Research Unit"))
    assert {v.article_ids for v in found.values} == {("a1",), ("b1",)}
    assert _title_conflicts(text.format("of the Marlby Research Unit"), text.format("director of the Marlby Research Unit"),
                            build("of the Marlby Research Unit"), build("director of the Marlby Research Unit")) == []
