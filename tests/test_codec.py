from datetime import UTC, date, datetime

from storyline.codec import from_json, to_json
from storyline.records import Article, CopyLink, DateRef, Place, Quote, Reading, Story


def test_reading_round_trips_through_json():
    reading = Reading(
        article_id="a1",
        sentences=((0, 10), (11, 40)),
        quotes=(Quote(text="We will rebuild", start=5, end=20, speaker="Ana Ruiz", cue="said"),),
        dates=(DateRef(text="on Monday", start=30, end=39, value=date(2026, 3, 16), relative=True),),
        places=(Place(text="Portmere", start=0, end=8, name="Portmere", event_location=True, evidence="dateline"),),
        published_window=(date(2026, 3, 1), date(2026, 3, 31)),
    )
    data = to_json(reading)
    assert data["dates"][0]["value"] == "2026-03-16"
    assert from_json(Reading, data) == reading


def test_article_and_story_round_trip_keep_timezones():
    when = datetime(2026, 3, 18, 9, 30, tzinfo=UTC)
    article = Article(id="a1", text="t", published=when, ingested_at=when)
    story = Story(id="s1", title="x", article_ids=("a1", "a2"), first_published=when, last_published=None)
    assert from_json(Article, to_json(article)) == article
    assert from_json(Story, to_json(story)) == story
    assert from_json(Article, to_json(article)).published.tzinfo is not None


def test_optional_and_literal_fields():
    link = CopyLink(article_id="a2", kind="rewrite", score=1, copy_of=None, credited_url="https://x.example/1")
    back = from_json(CopyLink, to_json(link))
    assert back == link and isinstance(back.score, float)
