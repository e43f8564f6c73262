"""Closed word lists the claim reader uses: what a figure counts, and which prepositions place or date a claim."""

from __future__ import annotations

# nouns that count anything: a figure of "people" or a "percent" is known only with its verb or subject
GENERIC_COUNTS = frozenset(
    "people person percent per cent % time times year day month week hour minute one other others thing number "
    "total figure amount share".split()
)
# count words that refer back to a noun the sentence named ("killing four workers and injuring 12 others")
ANAPHORIC_COUNTS = frozenset("other others".split())
# a proper noun after these is where something happened or stands ("in Mytholmroyd", "at Heathrow")
PLACE_PREPOSITIONS = frozenset("in at near outside inside from of".split())
# a day after these dates a claim ("on Friday")
TIME_PREPOSITIONS = frozenset("on".split())
# verbs that carry no event of their own: "the ship had 1,047 passengers" counts what "carried 1,047" does
LIGHT_VERBS = frozenset("be have include involve".split())
# words that make a place a rough region ("northern England", "the south of the country")
VAGUE_PLACE_WORDS = frozenset(
    "north south east west northern southern eastern western central northeast northwest southeast southwest "
    "north-east north-west south-east south-west region area coast".split()
)
