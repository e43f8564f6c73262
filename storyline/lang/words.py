"""Closed word lists of English news: honorifics, speech verbs, update cues, stop words."""

from __future__ import annotations

# titles written before a name ("Mr. Lavrov", "Gen. Smith"); lower case, without the full stop
HONORIFICS = frozenset({"mr", "ms", "mrs", "miss", "dr", "sir", "dame", "prof", "rev", "gen", "sen", "rep", "gov"})
MALE_HONORIFICS = frozenset({"mr", "sir"})
FEMALE_HONORIFICS = frozenset({"ms", "mrs", "miss", "dame"})
# words that may open a name as written and are dropped when names are compared ("President X", "the X")
NAME_PREFIXES = HONORIFICS | frozenset(
    "lt col sgt capt president prime minister mayor judge chief secretary the".split()
)

# verbs that attribute speech; a regular-expression alternation (longer forms first where it matters)
SPEECH_VERBS = (
    "said|says|say|told|tells|tell|wrote|writes|stated|states|stating|added|adds|adding|remarked|noted|notes|"
    "explained|explains|insisted|insists|argued|argues|warned|warns|declared|declares|announced|announces|"
    "acknowledged|acknowledges|admitted|admits|asked|asks|replied|replies|recalled|recalls|continued|continues|"
    "conceded|concedes|confirmed|confirms|claimed|claims|predicted|predicts|quipped|quips|cautioned|cautions|"
    "stressed|stresses|emphasized|emphasised|emphasizes|emphasises|posted|posts|tweeted|tweets|wrote in"
)
# lemmas of verbs that report speech or plans: what was said differs between outlets even when "said" agrees
REPORTING_LEMMAS = frozenset(
    "say tell add note state expect decline continue ask aim plan want hope try seem appear refuse speak claim "
    "announce report".split()
)

# a later figure written as a change, or as the state now: what tells an update from a disagreement
UPDATE_CUES = frozenset(
    "rose risen rising climbed increased grew grown jumped now updated reached mounted revised raised "
    "fell fallen dropped currently latest still remained remains stands update".split()
)
# phrases that date a figure as the state at a later time ("as of this morning", "up from 37 on Tuesday")
UPDATE_PHRASES = ("as of", "so far", "to date", "up from", "down from", "by late", "by the end of", "has now",
                  "have now", "had now")
# words that make a figure a floor ("at least three people died"): a later, higher figure raises the floor
LOWER_BOUNDS = ("at least", "more than", "upwards of", "a minimum of", "no fewer than")
CHANGE_VERBS = frozenset("rose risen climbed increased grew grown jumped mounted fell fallen dropped raised revised lowered".split())
# the words that hedge a figure ("about 340,000"): a hedged figure agrees with any figure it rounds to
HEDGES = frozenset("about around roughly nearly almost approximately some over under more than fewer less".split())

# verbs a timetable governs ("the closure, due to end on Friday"): "due to" before them looks ahead, where
# "due to" before a noun gives a cause ("closed due to the storm")
SCHEDULE_VERBS = frozenset(
    "be begin start end finish run last close open resume reopen meet arrive leave depart land return sign vote "
    "hold take expire conclude continue go".split()
)

# labels an editor puts at the head of a paragraph ("Correction, 4 March: ..."): no dateline's place
EDITORIAL_LABELS = frozenset(
    "correction clarification update updated editor's note breaking exclusive analysis opinion comment "
    "explainer factbox live".split()
)

ARTICLES = frozenset({"the", "a", "an"})
STOP_WORDS = frozenset("the a an of and or to in on at for by with who which that this is was were be".split())

# a quotation cut to the words these governed says something else ("no evidence that | X", "wrong to say | X")
NEGATIONS = frozenset("no not never nobody nothing none neither nor cannot wrong false untrue deny denies denied too".split())
EMBEDDERS = frozenset("that say says said whether if claim claims believe think".split())
# the dropped rest of a quote that turns against its kept opening ("We respect the result | , but ...")
CONTRASTS = frozenset("but although though however yet while whereas".split())
# words that open a condition on the clause before them ("We will not intervene | unless both sides ask"): a quote
# cut just before one states flatly what the speaker made conditional
CONDITIONS = frozenset("unless if until except provided providing".split())

# word forms of verbs that report what someone said, as a quote's governing verb in the dependency parse; wider
# than SPEECH_VERBS (which is matched as text next to quotation marks): it adds verbs that frame a quote as their
# object ("called it", "described ... as", "found") and the colourful reporting verbs of popular papers
SPEECH_WORDS = frozenset(
    SPEECH_VERBS.replace("wrote in", "").replace("|", " ").split()
    + """say says said saying tell tells told telling write writes wrote writing add adds added adding state
    stated stating remark remarked note noted noting assert asserted declare declared declaring explain explained
    insist insisted argue argued warn warned warning claim claimed post posted tweet tweeted announce announced
    announcing confirm confirmed suggest suggested acknowledge acknowledged continue continued recall recalled
    comment commented respond responded reply replied replying ask asked admit admitted concede conceded urge urged
    stress stressed emphasise emphasised emphasize emphasized vow vowed promise promised promising predict
    predicted conclude concluded observe observed describe described describing call called calling quip quipped
    wonder wondered caution cautioned voice voiced reiterate reiterated affirm affirmed deny denied maintain
    maintained shout shouted exclaim exclaimed label labelled labeled brand branded dub dubbed joke joked complain
    complained boast boasted boasting pledge pledged message messaged find found finds fume fumed blast blasted
    slam slammed roar roared grin grinned smile smiled laugh laughed sigh sighed hail hailed plead pleaded beg
    begged tweet insist mutter muttered whisper whispered yell yelled scream screamed cry cried gush gushed
    rage raged storm stormed snap snapped accuse accused accusing insisting told reckon reckoned
    describe term termed""".split()
)

# short titles and job words written in front of a name in news copy ("Cllr Jo Bloggs", "skipper Jo Bloggs");
# lower case, without the full stop; with HONORIFICS and role nouns they are not part of the name
NAME_TITLES = frozenset(
    """cllr councillor alderman sgt sergeant cpl corporal pc dc ds di dci supt insp inspector det detective lt
    capt captain col colonel maj major brig adm admiral cmdr commander fr father sr sister br brother lord lady
    baroness baron mp mep msp td skipper keeper goalkeeper striker defender coach boss manager gaffer midfielder
    winger forward""".split()
)

# verbs that attribute a quote, matched as text next to quotation marks (a regular-expression alternation)
QUOTE_CUE_VERBS = (
    "said|says|say|told|tells|tell|wrote|writes|stated|states|stating|added|adds|adding|remarked|noted|notes|"
    "asserted|declared|explained|explains|argued|argues|insisted|insists|warned|warns|claimed|claims|posted|"
    "tweeted|announced|confirmed|suggested|acknowledged|continued|recalled|commented|responded|replied|replying|"
    "asked|asks|saying|writing|telling|admitted|conceded|urged|stressed|emphasized|emphasised|vowed|promised|"
    "predicted|concluded|observed|described|called|quipped|wondered|cautioned|announcing|noting|voiced|"
    "reiterated|affirmed|denied|maintained|pointed out|went on|shouted|exclaimed|communicated|labeled|labelled|"
    "branded|dubbed|joked|complained|boasted|pledged|messaged"
)

# a printed correction repeats the wrong value it corrects ("An earlier version of this article said five counts"):
# what it states is no claim of the outlet's
CORRECTION_CUES = (
    "earlier version of this", "previous version of this", "has been corrected", "have been corrected",
    "was corrected", "incorrectly stated", "incorrectly said", "incorrectly reported", "wrongly stated",
    "wrongly said", "wrongly reported", "correction:",
)
# words a phrase cut short must not end on ("struck rocks near Marrow Bay in…"): articles, prepositions,
# conjunctions, auxiliaries and pronoun determiners
FUNCTION_WORDS = STOP_WORDS | frozenset(
    "into onto from near off over under after before during since until about against between among through "
    "across as than but nor so yet if when while where whose whom are been being has have had do does did will "
    "would can could may might shall should must its his her their our your my".split()
)
# verbs that report speech only with "it" as their object ("as she put it", "he puts it bluntly")
SPEECH_WITH_IT = frozenset({"put", "puts", "putting"})
# nouns for something said: the possessor of one is the speaker of the words quoted in or after it
# ("the mayor's line about bridges that 'should never have closed'", "the judge's observation that ...")
SPEECH_NOUNS = frozenset(
    """line words remark remarks comment comments observation statement claim claims warning warnings message
    quip retort reply answer response verdict description assessment phrase promise pledge vow assurance
    admission insistence plea appeal complaint boast jibe catchphrase slogan mantra""".split()
)
# nouns for a person that are no title or job: the plain words news copy uses again for someone it has named
# ("the lad says ...", "the pensioner said")
PERSON_NOUNS = frozenset(
    """man woman boy girl lad lass teenager youngster pensioner resident witness victim survivor""".split()
)
# kin: a person named by who they are to someone else ("his brother", "the victim's mother", "mum Maura");
# never the person they are kin to
KIN_NOUNS = frozenset(
    """mum mom mother father dad son daughter brother sister wife husband widow widower fiance fiancee grandmother
    grandfather gran grandma grandad granddad grandson granddaughter uncle aunt nephew niece cousin stepfather
    stepmother stepson stepdaughter""".split()
)
