"""Closed word lists the claim reader uses: what a figure counts, and which prepositions place or date a claim."""

from __future__ import annotations

# nouns that count anything: a figure of "people" or a "percent" is known only with its verb or subject
GENERIC_COUNTS = frozenset(
    "people person percent per cent % time times year day month week hour minute one other others thing number "
    "total figure amount share".split()
)
# count words that refer back to a noun the sentence named ("killing four workers and injuring 12 others")
ANAPHORIC_COUNTS = frozenset("other others".split())
# a proper noun after these is where something happened or stands ("in Wendham", "at Schiphol")
PLACE_PREPOSITIONS = frozenset("in at near outside inside from of".split())
# a day after these dates a claim ("on Friday")
TIME_PREPOSITIONS = frozenset("on".split())
# verbs that carry no event of their own: "the ferry had 640 passengers" counts what "carried 640" does
LIGHT_VERBS = frozenset("be have include involve".split())
# words that make a place a rough region ("northern England", "the south of the country")
VAGUE_PLACE_WORDS = frozenset(
    "north south east west northern southern eastern western central northeast northwest southeast southwest "
    "north-east north-west south-east south-west area coast".split()
)
# words a span of time measures a distance to ("two years after the scandal", "three days ago", "a week
# later"): how long before or after something else, not a figure of the event
TIME_DISTANCE_WORDS = frozenset("after before ago later earlier since".split())
# verbs that say where a thing stands ("the mine lies in", "which is located in"): the place is the thing's
SITE_VERBS = frozenset("lie locate situate sit stand base".split())
# nouns of a bounded region a proper noun names ("the Antofagasta region", "Kelby district"): a place, not a rough one
REGION_NOUNS = frozenset("region province district county state prefecture municipality governorate".split())
# words that give a figure's unit, not what it counts ("a 9.8% stake" counts a stake, "81% of members" members)
UNIT_NOUNS = frozenset("% percent cent per percentage point points".split())
# pronouns that stand for a noun named elsewhere: a subject that says nothing by itself
PRONOUN_SUBJECTS = frozenset("i you he she it we they this that these those who which what there".split())
# nouns of a time of day that a named day qualifies ("the early hours of Monday", "on the evening of Friday")
TIME_OF_DAY_NOUNS = frozenset("hour hours morning afternoon evening night day".split())
# nouns naming a settlement or site whose name follows "of" ("the port of Brisa", "the town of Kelby Bridge")
PLACE_NOUNS = frozenset("port town city village island county district province region state harbour capital "
                        "suburb borough municipality".split())
# words after a figure that make it a time of day ("ten o'clock", "9:40 p.m. ACDT", "1110 GMT")
CLOCK_WORDS = frozenset("o'clock o’clock am pm a.m. p.m. gmt utc bst cet cest est edt pst pdt acdt aest aedt local".split())
# verbs that state the level of their subject ("turnout was / stood at / rose to 74.3 percent"): one figure of one
# thing whichever of them an outlet uses
LEVEL_VERBS = frozenset("be stand rise fall reach climb increase grow drop hit total remain jump edge top exceed "
                        "decline slip dip soar surge".split())
# copulas whose adjective says what their subject is ("nine people are / remain unaccounted for")
STATE_VERBS = frozenset("be remain stay".split())
# verbs whose object is the event a day dates ("hold a parade on Friday", "there is a vote on Sunday")
EVENT_VERBS = frozenset("be have hold stage host".split())
# verbs whose object is the sum their subject is of ("the appeal seeks $4.5bn", "the bridge will cost $40m"): the
# sum counts the subject as "an appeal for $4.5bn" and "a $4.5bn appeal" do
SUM_VERBS = frozenset("seek cost need require total".split())
# verbs whose subject is the event itself ("the landslide happened on Tuesday", "the vote took place on Friday")
OCCURRENCE_VERBS = frozenset("happen occur take begin start end unfold".split())
