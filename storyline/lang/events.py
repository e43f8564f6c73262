"""Verbs of English news that tie two parties in one event: who met, called, sued, hired or defeated whom.

A sentence where such a verb stands between two named people or organisations tells the news ("X met Y in Z");
the brief's account ranks it above a sentence that only gives someone's title. Regular verbs by lemma (their
forms are made here), irregular ones with every form. Words that are as often nouns or adverbs in news ("back",
"fire", "charge") are left out.
"""

from __future__ import annotations

from .words import UPDATE_CUES

_REGULAR = (
    "talk visit call phone host receive welcome greet sign negotiate discuss agree sue attack accuse arrest detain "
    "indict dismiss sack hire appoint nominate elect defeat endorse join invite summon confront criticize criticise "
    "condemn thank urge warn threaten release acquire merge fine replace succeed pardon interview question "
    "kill wound capture raid bomb oppose reject approve block veto"
).split()
_IRREGULAR = tuple(group.split() for group in (
    "meet meets met meeting", "buy buys bought buying", "sell sells sold selling", "hold holds held holding",
    "speak speaks spoke spoken speaking", "strike strikes struck striking", "win wins won winning",
    "fight fights fought fighting", "beat beats beaten beating", "shoot shoots shot shooting",
    "ban bans banned banning",
))  # fmt: skip


def _forms(lemma: str) -> set[str]:
    """The regular forms of a verb: lemma, third person, past and present participle."""
    if lemma.endswith("o"):  # veto
        return {lemma, lemma + "es", lemma + "ed", lemma + "ing"}
    third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    if lemma.endswith("ee"):  # agree
        return {lemma, third, lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):  # approve
        return {lemma, third, lemma + "d", lemma[:-1] + "ing"}
    return {lemma, third, lemma + "ed", lemma + "ing"}


#: Every form of the verbs that tie two parties in one event (lower case).
INTERACTION_VERBS = frozenset(f for lemma in _REGULAR for f in _forms(lemma)) | frozenset(f for g in _IRREGULAR for f in g)

#: The lemma of each form ("met" -> "meet"): one event told twice in two tenses is still one event.
LEMMA_OF = {f: lemma for lemma in _REGULAR for f in _forms(lemma)} | {f: group[0] for group in _IRREGULAR for f in group}

#: Words a later report's lead uses to tell how the news moved on ("the toll rose to 11", "raised its offer",
#: "widened the lead", "trimmed the margin"): the update cues of :mod:`.words` and the verbs of a gap or an
#: offer changing; what makes a later lead the account's opening in a story reported over days. Left out: words as
#: often figurative in a lead ("spun beyond control", "reached a deal", "a rising star", "updated its app").
DEVELOPMENT_CUES = (UPDATE_CUES - {"grew", "grown", "rising", "reached", "updated"}) | frozenset(
    "widened widening narrowed narrowing trimmed extended doubled tripled halved surged soared slipped lifted "
    "sweetened".split()
)

#: How English news frames an event still to come ("is scheduled to visit", "is expected to meet", "will sign"):
#: once a report tells that the event happened, that report leads.
PROSPECTIVE = r"\b(?:(?:is|are|was|were)\s+(?:scheduled|expected|set|due|slated|poised|likely)\s+to|will|plans?\s+to|intends?\s+to)\b"

#: How English news opens a context paragraph ("The visit comes as both sides try to mend ties", "came amid"):
#: background to the event, not the event.
CONTEXT = r"\b(?:comes?|came|coming)\s+(?:as|amid|amidst|at\s+a\s+time)\b"

#: Words that open a sentence by pointing back at the one before ("However, tensions remain", "Meanwhile, ..."):
#: out of their paragraph such sentences answer something the reader has not seen.
LINKING_OPENERS = frozenset("however but yet still nonetheless nevertheless meanwhile moreover furthermore besides instead "
                            "also and so thus hence".split())
