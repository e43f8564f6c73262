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
# ("Corvel boss", "health chief", "the gaffer") that is compatible with any precise title.
INFORMAL_HEADS = frozenset("boss chief gaffer supremo honcho czar tsar figure".split())

# A modifier that marks a paraphrase rather than a post ("top diplomat", "top doctor", "top cop").
PARAPHRASE_MODIFIERS = frozenset("top senior-most leading".split())

# Adverbs an apposition may open with before the title itself ("Aoife Garrahy, currently Minister of ...").
TITLE_ADVERBS = frozenset("currently now also still presently previously formerly once later then".split())

# Of those, the ones that put the title in the past ("formerly the chief executive").
PAST_ADVERBS = frozenset("previously formerly once".split())

# Irregular past-tense verbs that can stand right before a title and name ("found fintech founder X guilty"),
# which a reader without a tagger would otherwise take for a noun compounded onto the title.
IRREGULAR_PAST_VERBS = frozenset(
    """found made met saw told took gave chose beat hit left led sent put set let became won lost paid kept held
    brought thought sought fought bought caught taught heard felt read ran spoke wrote went came began stood sat rang
    drove flew grew knew threw""".split()
)

# Nouns for an organisation: a name in apposition to one ("Tarrowby Homes, a timber-frame manufacturer") or
# right after one ("Marlby firm Corvel Space", "engineering group Falcaro Systèmes") names an organisation.
ORGANISATION_NOUNS = frozenset(
    """company firm group subsidiary manufacturer maker retailer stockist chain bank insurer lender carrier
    operator airline developer consultancy agency union club side team campaign party charity service brand
    start-up startup broker stockbroker publisher newspaper broadcaster network producer supplier distributor
    conglomerate corporation business outfit association federation council authority ministry department
    regulator watchdog institute university school hospital museum gallery venue pub restaurant hotel""".split()
)

# Letters after a name that make it a company's ("Varden Chemicals NV", "Oxholme Freight plc").
CORPORATE_SUFFIXES = frozenset("plc ltd limited inc llc llp nv bv ag sa gmbh corp co oy ab asa spa srl pty".split())

# Nationality adjectives whose country name does not share its first five letters ("French" / "France"):
# a title's employer may be written either way ("French Culture Minister" / "France's culture minister").
IRREGULAR_DEMONYMS = {
    "french": "france", "dutch": "netherlands", "irish": "ireland", "spanish": "spain", "welsh": "wales",
    "scottish": "scotland", "scots": "scotland", "danish": "denmark", "swiss": "switzerland", "greek": "greece",
    "british": "britain", "uk": "britain", "turkish": "turkey", "polish": "poland", "swedish": "sweden",
    "finnish": "finland", "norwegian": "norway", "chinese": "china", "japanese": "japan", "thai": "thailand",
    "filipino": "philippines", "czech": "czechia", "peruvian": "peru", "cypriot": "cyprus", "maltese": "malta",
    "lebanese": "lebanon", "vietnamese": "vietnam", "portuguese": "portugal", "flemish": "flanders",
}  # fmt: skip

# Words written before a name as a form of address rather than as the post ("Cllr Hilda Brannock", "Professor
# Ana Lind", "Deputy Cathal Morrane" of an Irish TD): alone, they say nothing about the job.
FORMS_OF_ADDRESS = frozenset("cllr councillor professor prof rev reverend deputy".split())

# Rank words that make a different, lower post of the same title ("associate medical officer", "deputy chief").
EXTRA_RANKS = frozenset({"associate"})
