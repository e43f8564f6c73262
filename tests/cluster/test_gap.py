"""A long gap between days read from the text separates two reports only when something else differs too."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np

from storyline.cluster import StoryIndex, features_for
from storyline.cluster.gap import gap_count_links, gap_counts, place_unnamed
from storyline.records import Article, Reading

BODY = "Customers of the Ostvik undersea cable lost their internet service while engineers worked on the line."


def _feats(aid: str, text: str, **kw: object):
    return features_for(Article(aid, text, title="Undersea cable outage", **kw), Reading(aid))  # type: ignore[arg-type]


def test_what_corroborates_a_long_gap() -> None:
    outage = _feats("a", f"August 16, 2031 {BODY}")
    repair = _feats("b", f"October 11, 2031 {BODY} Service was restored on alternate routes.")
    assert outage.day_source == repair.day_source == "lead" and not outage.places
    assert not gap_counts(outage, repair)  # two days read from the text, nothing else differs
    repeat = _feats("c", f"October 11, 2031 A second outage hit the line. {BODY}")
    assert repeat.event.repeat and gap_counts(outage, repeat)
    datelined = _feats("d", f"Bravelle, Nordland - October 11, 2031 - {BODY}")
    assert datelined.places == frozenset({"bravelle"})
    assert gap_counts(outage, datelined) and gap_counts(datelined, outage)  # the outage's report never names Bravelle
    named = replace(outage, entities=outage.entities | {"bravelle"})
    assert not gap_counts(named, datelined)  # the other report names the place: the same place
    assert place_unnamed({"bravelle"}, {"ostvik"}, {"kessing"}) and not place_unnamed({"bravelle"}, set(), {"bravelle"})
    assert not place_unnamed(set(), {"ostvik"})
    published = [_feats(x, BODY, published=datetime(2031, m, 16)) for x, m in (("p", 8), ("q", 10))]
    assert published[0].day_source == "published" and gap_counts(*published)  # publication days: a fact
    feats = [outage, repair, repeat, datelined, named, *published]
    links = gap_count_links(feats)
    expect = [[i == j or gap_counts(a, b) for j, b in enumerate(feats)] for i, a in enumerate(feats)]
    assert links.tolist() == expect


def test_an_outage_and_its_repair_weeks_later_stay_one_story_a_datelined_one_elsewhere_does_not() -> None:
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    reports = [
        ("a1", f"August 16, 2031 {BODY}"),
        ("a2", f"August 17, 2031 {BODY}"),
        ("b1", f"October 11, 2031 {BODY} Service was restored on alternate routes."),
        ("b2", f"October 12, 2031 {BODY} Service was restored on alternate routes."),
    ]
    for aid, text in reports:
        index.assign(aid, v, _feats(aid, text))
    index.tidy()
    assert len({index.story_of[a] for a, _ in reports}) == 1
    assert "nothing else differs" in index.assignments["b1"].reason

    index = StoryIndex(4)
    reports = [("a1", f"Bravelle, Nordland - August 16, 2031 - {BODY}"), ("a2", f"Bravelle, Nordland - August 17, 2031 - {BODY}"),
               ("c1", f"October 11, 2031 {BODY} Kessing was cut off."), ("c2", f"October 12, 2031 {BODY} Kessing was cut off.")]  # fmt: skip
    for aid, text in reports:
        index.assign(aid, v, _feats(aid, text))
    index.tidy()
    assert index.story_of["a1"] == index.story_of["a2"] != index.story_of["c1"] == index.story_of["c2"]
