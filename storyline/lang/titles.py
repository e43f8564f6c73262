"""Words of English job titles as news copy writes them (general English, no names)."""

from __future__ import annotations

# Abbreviated titles and the long form they stand for ("CEO" = "chief executive").
TITLE_ABBREVIATIONS = {
    "ceo": "chief executive", "chief executive officer": "chief executive",
    "cfo": "chief financial officer", "coo": "chief operating officer", "cto": "chief technology officer",
    "cio": "chief information officer", "cmo": "chief marketing officer", "md": "managing director",
    "gm": "general manager",
}  # fmt: skip

# Heads that name someone's standing without naming the post: headline and tabloid shorthand
# ("Brolga boss", "health chief", "the gaffer") that is compatible with any precise title.
INFORMAL_HEADS = frozenset("boss chief gaffer supremo honcho czar tsar figure".split())

# A modifier that marks a paraphrase rather than a post ("top diplomat", "top doctor", "top cop").
PARAPHRASE_MODIFIERS = frozenset("top senior-most leading".split())

# Adverbs an apposition may open with before the title itself ("Niamh Dromey, currently Minister of ...").
TITLE_ADVERBS = frozenset("currently now also still presently previously formerly once later then".split())

# Of those, the ones that put the title in the past ("formerly the chief executive").
PAST_ADVERBS = frozenset("previously formerly once".split())

# Irregular past-tense verbs that can stand right before a title and name ("found fintech founder X guilty"),
# which a reader without a tagger would otherwise take for a noun compounded onto the title.
IRREGULAR_PAST_VERBS = frozenset(
    """found made met saw told took gave chose beat hit left led sent put set let became won lost paid kept held
    brought thought sought fought bought caught taught heard felt read ran""".split()
)
