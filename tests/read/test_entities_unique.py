"""Store-wide entity ids are unique even when two unjoined clusters share a canonical name."""

from storyline.read.entities import resolve_entities
from storyline.records import LocalEntity, Reading


def test_two_clusters_with_one_name_get_distinct_stable_ids():
    # Two different lone "Harlow" mentions: a person in one article, a person in another, with two
    # different full-name Harlows elsewhere, so the lone surname cannot be attached to either.
    readings = [
        Reading(article_id="a1", entities=(LocalEntity(key="p", name="Ada Harlow", label="PERSON"),)),
        Reading(article_id="a2", entities=(LocalEntity(key="p", name="Ben Harlow", label="PERSON"),)),
        Reading(article_id="a3", entities=(LocalEntity(key="p", name="Harlow", label="PERSON"),)),
        Reading(article_id="a4", entities=(LocalEntity(key="p", name="Harlow", label="PERSON"),)),
    ]
    first = resolve_entities(readings)
    ids = [e.id for e in first]
    assert len(ids) == len(set(ids))
    assert sorted(e.id for e in resolve_entities(readings)) == sorted(ids)  # stable across runs
