"""Paraphrased rewrites without a credit line, found model-free in the copy stage (hand-written fictional reports)."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.copies import CopyIndex
from storyline.paraphrase import paraphrased_share, rewrite_shares, sentences
from storyline.records import Article

ORIGIN = (
    "A landslide buried the main road into Velmora on Thursday night, cutting off about 4,300 residents, regional "
    "officials said.\n\n"
    "Heavy rain loosened a slope above the Draven Pass and sent mud and rocks across a 200-metre stretch of the "
    "road shortly before midnight.\n\n"
    "No injuries were reported, but two lorries were trapped and their drivers were rescued by firefighters.\n\n"
    "Regional governor Anke Solberg said engineers would need at least five days to clear the debris.\n\n"
    "\"We are bringing in food and medicine by helicopter until the road reopens,\" Solberg told reporters.\n\n"
    "The Draven Pass was last closed by a landslide in 2029, when it stayed shut for three weeks."
)
REWRITE = (
    "Around 4,300 people in Velmora have been cut off after a landslide covered the main road into the town late "
    "on Thursday, according to regional officials.\n\n"
    "Mud and rocks spread over a 200-metre section of the road near midnight after heavy rain weakened the slope "
    "above the Draven Pass.\n\n"
    "Firefighters rescued the drivers of two lorries that were trapped, and no injuries were reported.\n\n"
    "According to regional governor Anke Solberg, engineers will need five days at least to clear the debris.\n\n"
    "\"We are bringing in food and medicine by helicopter until the road reopens,\" Solberg said.\n\n"
    "Here is what you need to know if you are planning to travel in the region this weekend.\n\n"
    "A landslide last closed the Draven Pass in 2029, and it stayed shut for three weeks then."
)
INDEPENDENT = (
    "Residents of Velmora queued at the town hall on Friday for bottled water and bread after Thursday's landslide "
    "left the town without a road link.\n\n"
    "\"We are bringing in food and medicine by helicopter until the road reopens,\" governor Anke Solberg said at "
    "a briefing in the regional capital.\n\n"
    "Shopkeeper Mirela Dobrin said her shelves would be empty by Sunday unless supplies arrived.\n\n"
    "The school has closed, and a clinic in the town hall is treating patients who cannot reach the hospital.\n\n"
    "Geologists from the national survey flew over the slope and warned that more of it could give way.\n\n"
    "About 4,300 people live in Velmora and the surrounding villages."
)


def art(aid: str, text: str, day: int | None) -> Article:
    return Article(aid, text, published=datetime(2031, 9, day, 8, tzinfo=UTC) if day else None)


def test_most_sentences_of_a_rewrite_have_a_close_paraphrase_and_an_independent_report_does_not() -> None:
    origin, rewrite, other = sentences(ORIGIN), sentences(REWRITE), sentences(INDEPENDENT)
    assert len(origin) == 6 and all(s.anchors or s.content for s in origin)
    assert paraphrased_share(origin, rewrite) == 1.0 and paraphrased_share(rewrite, origin) >= 6 / 7
    shares = rewrite_shares(rewrite, origin)
    assert shares is not None and min(shares) >= 6 / 7
    # same event, same quote, same figure: facts shared, not sentence after sentence
    assert paraphrased_share(other, origin) < 0.5 and rewrite_shares(other, origin) is None
    # a sentence needs its names and figures in its paraphrase: change the figure and it has none
    changed = sentences(REWRITE.replace("4,300", "5,100").replace("200-metre", "350-metre"))
    assert paraphrased_share(changed, origin) < paraphrased_share(rewrite, origin)


def test_an_uncredited_rewrite_points_at_the_earlier_published_report() -> None:
    index = CopyIndex()
    assert index.add(art("o", ORIGIN, 4)) == []
    assert index.add(art("i", INDEPENDENT, 5)) == []
    (link,) = index.add(art("r", REWRITE, None))  # the rewrite has no date: the dated report is the earlier
    assert (link.article_id, link.copy_of, link.kind) == ("r", "o", "rewrite") and "paraphrase without credit" in link.reason


def test_the_origin_arriving_after_its_rewrite_takes_the_link() -> None:
    index = CopyIndex()
    assert index.add(art("r", REWRITE, 6)) == []
    (link,) = index.add(art("o", ORIGIN, 5))
    assert (link.article_id, link.copy_of, link.kind) == ("r", "o", "rewrite") and "arrived later" in link.reason


def test_undated_rewrites_take_the_contained_one_as_origin_or_make_no_guess() -> None:
    # the rewrite adds sentences of its own: the origin is the one the other contains
    padded = REWRITE + "\n\n" + "\n\n".join(
        f"Travellers heading to the coast on day {n} should check the regional transport website before leaving home."
        for n in range(1, 4)
    )
    index = CopyIndex()
    index.add(art("r", padded, None))
    (link,) = index.add(art("o", ORIGIN, None))
    assert (link.article_id, link.copy_of) == ("r", "o") and "contained in the other" in link.reason
    # nothing tells the direction: no link rather than a guess
    index = CopyIndex()
    index.add(art("o", ORIGIN, None))
    assert index.add(art("r", REWRITE, None)) == [] and not index.links
