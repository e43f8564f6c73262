"""Titles and roles an article gives a person, as written.

Four constructions cover most news copy, and all are found from the text around PERSON
mentions, without a parser:

* pre-modifiers: "Russian Foreign Minister Sergey V. Lavrov", "White House envoy Steve Witkoff",
  "former President Donald Trump", and the head-of form "the head of Russia's sovereign wealth
  fund Kirill Dmitriev";
* appositions after the name: "Steve Witkoff, the White House envoy for the Middle East and
  Russia," (coordinated roles "X and Y" are split when each side names a role);
* appositions before the name: "The envoy, Kirill Dmitriev, ...";
* copular relative clauses: "..., who serves as the White House envoy ...", and predicates
  "X, 44, worked as an economist at ..." (a past job: the role is marked former).

Lower-case nouns compounded onto a role noun belong to the title ("former forestry minister",
"chief operating officer"); an employer after the name joins a title written before it
("Heritage crime expert X, of Europol's cultural goods unit"); a predicate after "Name," ("spoke to",
"heads the fund") and a list of further people ("the mate and the engineer on duty
were released") are not appositions.

A phrase counts as a role when its head is in :data:`ROLE_NOUNS` (a closed class in news
writing: offices, jobs and relations such as "ally"), or -- for appositions after a name --
when it opens with an article. Measured against the full parser this keeps the reader at
NER+senter speed; the role lexicon is the price (see docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lang.titles import CORPORATE_SUFFIXES, IRREGULAR_PAST_VERBS, ORGANISATION_NOUNS, PAST_ADVERBS, TITLE_ADVERBS
from ..records import Mention, Role

ROLE_NOUNS = frozenset(
    """president vice-president minister secretary envoy emissary spokesperson spokesman spokeswoman ambassador
    chief head ceo cfo coo cto director chairman chairwoman chair chairperson leader advisor adviser aide official
    officials negotiator representative governor mayor senator congressman congresswoman lawmaker legislator
    chancellor king queen prince princess general commander founder co-founder executive analyst economist professor
    lawyer attorney judge banker associate ally deputy manager officer member premier diplomat correspondent reporter
    editor journalist actress actor singer star coach player owner partner investor strategist researcher scientist
    teacher doctor nurse pilot captain colonel admiral sergeant lieutenant commissioner inspector prosecutor
    counsel consultant candidate nominee rival predecessor successor confidant figure intermediary mediator
    campaigner activist spokesperson-in-chief czar tsar boss heir monarch emir sheikh pope bishop cardinal rabbi imam
    cleric dictator mogul billionaire entrepreneur tycoon president-elect governor-general ombudsman auditor
    treasurer clerk registrar speaker whip marshal chief-of-staff staffer worker employee engineer architect author
    writer novelist poet director-general secretary-general undersecretary envoy-designate administrator
    superintendent sheriff warden fund-manager master justice magistrate harbourmaster harbormaster firefighter
    inspector-general surgeon-general attorney-general solicitor-general volunteer organiser organizer
    investigator expert specialist barrister solicitor mp mep constable councillor cllr skipper goalkeeper keeper
    hairdresser taoiseach striker midfielder defender winger forward substitute referee umpire athlete sprinter
    cyclist swimmer jockey batsman bowler quarterback pitcher""".split()
)
MODIFIERS = frozenset(
    """former then acting deputy special senior chief top foreign prime vice interim current outgoing incoming
    newly appointed key close longtime long-time veteran assistant associate executive general managing principal
    lead leading personal presidential national international economic regional state federal local junior
    high-ranking high-level sitting retired fellow trusted""".split()
)
_CAP_STOP = frozenset(
    """the a an in on at as by for from with and but or of to if when while after before during since until
    yesterday today tomorrow monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december last this next meanwhile however also
    unlike like according his her their its our my your said says""".split()
)
_VERBISH = frozenset(
    """is was are were be been has have had will would said says told met meet meets with that who which whose
    and or but not also did does do can could should may might must""".split()
)
_TOKEN = re.compile(r"\S+")
# Lower-case nouns a role noun may take in front of it ("forestry minister", "chief operating officer",
# "district water quality manager"): at most this many.
MAX_COMPOUND_WORDS = 3  # newsdesk's longest compound title ("area flood risk manager") has three
_COMPOUND = re.compile(r"[a-z][a-z-]*(?:['\u2019]s)?")
_AGE = re.compile(r"^\d+-year-old\s+")


def _clean_word(word: str) -> str:
    return word.strip(",;:.!?()\"'\u201c\u201d\u2018\u2019").lower()


def _is_role_word(word: str) -> bool:
    w = _clean_word(word)
    w = re.sub(r"['\u2019]s$", "", w)
    return w in ROLE_NOUNS or (w.endswith("s") and w[:-1] in ROLE_NOUNS)


def _has_role(phrase: str) -> bool:
    return any(_is_role_word(w) for w in phrase.split())


def _former(title: str) -> tuple[str, bool]:
    m = re.match(r"(?:the\s+|a\s+|an\s+)?(?:\d+-year-old\s+)?(former|ex-|onetime|one-time)\s*", title, re.I)
    if m:
        return title[m.end() :].strip(), True
    return title, False


def _tokens_before(text: str, start: int, floor: int) -> list[tuple[int, int, str]]:
    """Words before ``start`` back to ``floor``, nearest first, stopping at clause punctuation."""
    out = []
    for m in reversed(list(_TOKEN.finditer(text, floor, start))):
        word = m.group()
        if m.end() > start:
            continue
        if word[-1] in ",;:!?\u201c\u201d\"()" or (word.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.", word)):
            break
        out.append((m.start(), m.end(), word))
        if len(out) >= 12:
            break
    return out


def _is_verb(word: str) -> bool:
    """A word that reads as a finite verb opening a predicate ("spoke", "said", "warned")."""
    w = _clean_word(word)
    return w in _VERBISH or w in IRREGULAR_PAST_VERBS or (w.endswith("ed") and w not in MODIFIERS and word.islower())


def _opens_predicate(phrase: str) -> bool:
    """Whether a phrase after "Name," is the sentence's predicate: a verb first ("spoke to", "heads Russia's
    fund", "serves as"): a present-tense verb in -s is told from a plural noun by the object right after it."""
    words = phrase.split()
    if _is_verb(words[0]):
        return True
    nxt = words[1] if len(words) > 1 else ""
    return bool(
        re.fullmatch(r"[a-z]+[^s]s", words[0])
        and re.fullmatch(r"(?:the|a|an|as|his|her|its|their|[A-Z][\w-]*['\u2019]s)", nxt)
    )


def _compound_noun(word: str) -> bool:
    """A lower-case word that can be a noun compounded onto a title (no function words, verbs or adverbs)."""
    w = _clean_word(word)
    if not _COMPOUND.fullmatch(word) or w in _CAP_STOP | _VERBISH | TITLE_ADVERBS | IRREGULAR_PAST_VERBS:
        return False
    return not w.endswith(("ly", "ed")) or w in MODIFIERS


def premodifier(text: str, mention: Mention, floor: int) -> tuple[int, int] | None:
    """Span of a title right before a person's name ("Russian Foreign Minister" / "the head of X")."""
    toks = _tokens_before(text, mention.start, floor)
    if not toks:
        return None
    # (a) a run of title words ending at the name: role nouns, capitalised words, modifiers, "of"
    run: list[tuple[int, int, str]] = []
    compounds = 0
    for s, e, w in toks:
        cw = _clean_word(w)
        if run and run[-1][2] in {"and", "&"} and not (w[0].isupper() and cw not in _CAP_STOP):
            break  # "and" joins two capitalised parts of one title ("Infrastructure and Water Management Minister")
        if cw in {"and", "&"} and run and run[-1][2][:1].isupper():
            run.append((s, e, w))
        elif _is_role_word(w) or cw in MODIFIERS or cw in {"of", "for"} and run:
            run.append((s, e, w))
        elif _compound_noun(w) and compounds < MAX_COMPOUND_WORDS and run and run[-1][2][:1].islower() and any(
            _is_role_word(x) for _, _, x in run
        ):
            # a noun compounded onto a lower-case role noun: "forestry minister", "chief operating officer"
            compounds += 1
            run.append((s, e, w))
            if re.search(r"['\u2019]s$", w):
                break  # "the ferry's first officer": a possessive opens the phrase
        elif w[0].isupper() and cw not in _CAP_STOP:
            run.append((s, e, w))
        elif re.search(r"['\u2019]s$", w) and w[0].isupper():
            run.append((s, e, w))
        else:
            break
    while run and _clean_word(run[-1][2]) in {"of", "for", "and", "&"}:
        run.pop()
    # "envoy for former President Donald Trump": when the words nearest the name already hold a
    # role, an "of"/"for" further left starts someone else's title; in "Secretary of State X" the
    # nearest part ("State") holds none, so the "of" belongs to the title
    for k, (_, _, w) in enumerate(run):
        if _clean_word(w) in {"of", "for"}:
            if any(_is_role_word(x) for _, _, x in run[:k]):
                run = run[:k]
            break
    if run and any(_is_role_word(w) for _, _, w in run):
        # the role noun must be in the run's last (nearest) three words, or the run is a plain name list
        nearest = [w for _, _, w in run[:3]]
        if any(_is_role_word(w) for w in nearest):
            return run[-1][0], run[0][1]
    # (b) "the head of Russia's sovereign wealth fund Kirill Dmitriev": role + of/for/to + complement
    for k, (_, _, w) in enumerate(toks[:8]):
        cw = _clean_word(w)
        if cw in _VERBISH:
            return None
        if k >= 1 and cw in {"of", "for", "to", "at"} and k + 1 < len(toks) and _is_role_word(toks[k + 1][2]):
            j = k + 1
            while j + 1 < len(toks) and (_clean_word(toks[j + 1][2]) in MODIFIERS or _is_role_word(toks[j + 1][2])):
                j += 1
            prev = _clean_word(toks[j + 1][2]) if j + 1 < len(toks) else ""
            if prev in {"the", "a", "an", ""} or j + 1 >= len(toks):
                return toks[j][0], toks[0][1]
            return None
    return None


_APPOS_AFTER = re.compile(
    r",\s+(?P<title>(?:the|a|an|The|A|An|[Ff]ormer|[A-Za-z][\w.&'\u2019-]*)(?:\s[^,;\u201c\u201d\"]{1,160}?)?)"
    r"(?=,|;|(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bJr)(?<!\b[A-Z])\.\s|\.$|\s+who\b|\s+whose\b|\s+which\b|\s+said\b|\s+told\b|\s*\n|$|\s+(?:is|was|has|had|will)\b)"
)
_WHO_IS = re.compile(
    r"\s*,?\s*who\s+(?:serves|served|is|was|works|worked)\s+(?:as\s+)?(?P<title>(?:the|a|an)\s[^,;\u201c\u201d\"]{1,120}?)(?=,|;|\.\s|\.$|\s*\n|$)"
)
# A title set before the name as an apposition: "The envoy, Kirill Dmitriev", "Kestrin's chief engineer,
# Dr Alun Tregarth", "is led by the forestry minister, Einar Brynjarsson", "...,” the firm's chief, Jo Bloggs,
# told"; the determiner opens a clause
# or follows a function word (a possessive name stays in the title, an article does not).
_APPOS_BEFORE = re.compile(
    r"(?:^|[.;:,][\"\u201d\u2019]?\s+|\n|\b(?:and|or|by|with|said|says|told|from|between|as|that|to|for|of)\s+)"
    r"(?:(?:The|the|A|a|An|an|His|Her|Their|Its|his|her|their|its)\s+|(?=(?:[Ff]ormer\s+)?[A-Z][\w-]*['\u2019]s\s))"
    r"(?P<title>[^,;.\u201c\u201d\"]{2,60}?),\s*$"
)
# "Aoife Garrahy, 51, a TD for Kerry, worked as a lawyer at ...": a title given by the predicate
# "X, who heads flood defences for the river authority,": a post told by a verb of leading (the title kept as written;
# comparison reads it as the head of what follows, whatever that post is called)
_WHO_HEADS = re.compile(
    r"\s*,?\s*who\s+(?:now\s+|currently\s+)?(?P<verb>heads|leads|chairs|directs)\s+"
    r"(?P<what>(?:the\s+|a\s+|an\s+|[A-Z][\w'\u2019&-]*\s+)?[^,;\u201c\u201d\"]{1,100}?)(?=,|;|\.\s|\.$|\s*\n|$)"
)
_WORKED_AS = re.compile(
    r"(?:\s*,\s*[^,;.\u201c\u201d\"]{1,60}){0,2}\s*,?\s+(?:has\s+|had\s+|previously\s+|once\s+)?"
    r"(?P<verb>worked|served|works|serves)\s+as\s+(?P<title>(?:the|a|an)\s[^,;\u201c\u201d\"]{1,120}?)"
    r"(?=,|;|\.\s|\.$|\s*\n|$)"
)
# the employer given after a name that a title went before: ", of Europol's cultural goods unit,"
_EMPLOYER_AFTER = re.compile(
    r",?\s+(?P<emp>(?:of|from|with)\s+(?:the\s+)?[A-Z][^,;.\u201c\u201d\"]{1,80}?)"
    r"(?=,|;|\.\s|\.$|\s*\n|\s+(?:who|which|said|says|told|warned|added|has|had|is|was)\b)"
)
_SUBJECT_LIST_VERB = re.compile(r"\s+(?:were|are|have|had)\s.*$", re.S)
_VERB_CUT = re.compile(r"\s+(?:is|was|were|are|has|have|had|will|would|said|says)\s.*$", re.S)
_CUT = re.compile(r"\s+(?:with(?!\s+(?:the\s+)?[A-Z])|before|until|whose|that|after|since|when|where|but|because|although|while)\s.*$", re.S)


def _appos_before(clause: str) -> re.Match[str] | None:
    """The nearest title apposed before a name whose words hold no verb ("said the minister, X")."""
    found = _APPOS_BEFORE.search(clause)
    while found and any(_clean_word(w) in _VERBISH for w in found.group("title").split()):
        found = _APPOS_BEFORE.search(clause, found.start() + 1)
    return found


def _split_coordinated(title: str) -> list[tuple[str, int]]:
    """Split "chief of X and special envoy for Y" into its roles: (text, offset within title)."""
    for m in re.finditer(r"\s+and\s+(?:(?:the|a|an)\s+)?", title):
        left, right = title[: m.start()], title[m.end() :]
        if _has_role(left) and _has_role(right) and not re.fullmatch(r"[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*)*", right):
            return [(left, 0)] + [(t, m.end() + off) for t, off in _split_coordinated(right)]
    return [(title, 0)]


def _add(
    out: list[Role], text: str, entity: str, start: int, end: int, past: bool = False,
    employer: str = "", employer_end: int = 0,
) -> None:
    """One role from ``text[start:end]``; ``employer`` ("of X", ending at ``employer_end``) is joined to it."""
    raw = text[start:end]
    lead = re.match(r"(?:the|a|an|The|A|An)\s+", raw)
    if lead:
        start += lead.end()
    age = _AGE.match(text[start:end])
    if age:
        start += age.end()
    adverb = re.match(r"([A-Za-z]+)\s+(?:(?:the|a|an)\s+)?", text[start:end])
    if adverb and adverb.group(1).lower() in TITLE_ADVERBS:  # "currently Minister of State", "formerly the ..."
        past = past or adverb.group(1).lower() in PAST_ADVERBS
        start += adverb.end()
    title = text[start:end].rstrip(" ,.;")
    end = start + len(title)
    title, former = _former(title)
    if former:
        start = end - len(title)
    former = former or past
    if not title or len(title.split()) > 14 or not re.search(r"[A-Za-z]", title):
        return
    if employer:
        title, end = f"{title} {employer}", max(end, employer_end)
    out.append(Role(entity=entity, title=title, start=start, end=end, former=former))


def _affiliation(phrase: str) -> bool:
    """"of the University of Tolby", "at Tolby Foods plc": an organisation named after "of"/"at", told by a noun
    for one or a company's suffix (not a home town: "Ana Lind, of Tolby,")."""
    if not re.match(r"(?:of|at)\s+(?:the\s+)?[A-Z]", phrase):
        return False
    words = {w.strip(".").lower() for w in phrase.split()}
    return bool(words & (ORGANISATION_NOUNS | CORPORATE_SUFFIXES))


def find_roles(text: str, mentions: Sequence[Mention], sentences: Sequence[tuple[int, int]]) -> list[Role]:
    """Roles of every PERSON mention, de-duplicated by (person, title)."""
    out: list[Role] = []
    starts = [s for s, _ in sentences] or [0]
    for m in mentions:
        if m.label != "PERSON":
            continue
        floor = max([s for s in starts if s <= m.start] or [0])
        floor = max(floor, text.rfind("\n", 0, m.start) + 1)
        pre = premodifier(text, m, floor)
        if pre:
            emp = _EMPLOYER_AFTER.match(text, m.end)
            if emp:  # "Heritage crime expert Joost van Melle, of Europol's cultural goods unit, warned"
                _add(out, text, m.entity, *pre, employer=emp.group("emp"), employer_end=emp.end("emp"))
            else:
                _add(out, text, m.entity, *pre)
        after = _APPOS_AFTER.match(text, m.end)
        if after and re.match(r"(?:and|or|nor|but)\s", after.group("title")):
            after = None  # "X, and Norway's deputy foreign minister, Y": the title is the next person's
        if after and _opens_predicate(after.group("title")):
            after = None  # "Cllr X, spoke to reporters at ...": a predicate, not an apposition
        if after:
            title = _CUT.sub("", after.group("title"))
            if " and " in title and _SUBJECT_LIST_VERB.search(title):
                title = ""  # "X, the mate and the engineer on duty were freed": a list of people
            title = _VERB_CUT.sub("", title)
            # "then a forensic auditor at X": the adverb is read past (``_add`` keeps its tense)
            words = title.split()
            core = " ".join(words[1:]) if words and words[0].lower() in TITLE_ADVERBS else title
            starts_det = re.match(r"(?:the|a|an|The|A|An|[Ff]ormer)\s", core) is not None
            # "the ...", or a role among the first words: "president of X", "Brennard's safety
            # director", "purchasing manager at Y" (not "Dmitriev, Putin and Trump")
            if (starts_det or any(_is_role_word(w) for w in core.split()[:3])) and _has_role(title):
                base = after.start("title")
                for part, off in _split_coordinated(title):
                    if _has_role(part):
                        _add(out, text, m.entity, base + off, base + off + len(part))
            elif not pre and _affiliation(title):
                # "Dr Ana Lind, of the University of Tolby, said": where she works, though no post is named
                _add(out, text, m.entity, after.start("title"), after.start("title") + len(title))
            tail = after.end()
        else:
            tail = m.end
        who = _WHO_IS.match(text, tail)
        # "X, a close associate of Mr. Trump who serves as ..." describes X, not Mr. Trump
        governed = re.search(r"\b(?:of|to|for|with|by)\s+$", text[max(0, m.start - 6) : m.start])
        if who and not governed and _has_role(who.group("title")):
            title = _CUT.sub("", who.group("title"))
            past = re.match(r"\s*,?\s*who\s+(?:worked|served)\b", who.group()) is not None
            _add(out, text, m.entity, who.start("title"), who.start("title") + len(title), past=past)
        heads = None if who or governed else _WHO_HEADS.match(text, tail)
        what = _CUT.sub("", heads.group("what")) if heads else ""
        # what is led must be an organisation: a name, or a noun for one ("who leads the council"; not "the way")
        if heads and what and not _VERB_CUT.search(what) and (
            re.search(r"\b[A-Z]", what) or set(re.findall(r"[a-z]+", what.lower())) & ORGANISATION_NOUNS
        ):
            start = text.rfind("who", 0, heads.start("verb"))
            end = heads.start("what") + len(what)
            out.append(Role(entity=m.entity, title=text[start:end], start=start, end=end))
        worked = None if who else _WORKED_AS.match(text, tail)
        if worked and not governed and _has_role(worked.group("title")):
            title = _CUT.sub("", worked.group("title"))
            start = worked.start("title")
            _add(out, text, m.entity, start, start + len(title), past=worked.group("verb") in {"worked", "served"})
        # "The council's leader, Cllr Hilda Brannock": the apposition ends where a title before the name begins
        name_start = pre[0] if pre else m.start
        before = _appos_before(text[max(floor - 2, 0) : name_start])
        if before and _has_role(before.group("title")) and len(before.group("title").split()) <= 8:
            base = max(floor - 2, 0) + before.start("title")
            _add(out, text, m.entity, base, base + len(before.group("title")))
    seen: set[tuple[str, str]] = set()
    unique = []
    for r in out:
        key = (r.entity, r.title.casefold())
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique
