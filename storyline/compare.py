"""Outlets side by side: facts aligned across a story's articles, their status, conflicts, quote versions, timeline.

Everything here is built on the reading stage's records (:class:`~storyline.records.Reading`): entities,
mentions, roles, quotes, dates, amounts and places, all with character offsets. Nothing is re-parsed, so each
fact, value and quote version can cite the span it came from.

How it works, per story:

1. **Origins.** Each article is followed along its :class:`~storyline.records.CopyLink` (copy of an article
   id, or of a credited URL) to the article it ultimately copies. Copies and rewrites share their origin's
   key, so "agreed" means two or more *independent* origins, never one wire story in two feeds.
2. **Entities across articles.** Readings carry article-local entity keys; :func:`resolve_entities` joins
   them across the story by normalized full name, aliases (acronyms, surnames) and "first + last" names.
3. **Sentence facts** hold the slots of one sentence (who, action, whom/what, where, when, how many,
   title/role). They are aligned across articles greedily by embedding similarity (numbers masked, so a
   changed figure still aligns) plus shared entities; each aligned fact holds at most one sentence per article.
   A fact is **agreed** when the sentences of two or more independent origins closely paraphrase it
   (``agree_cosine``) *and* state no different number or place (:func:`facts_contradict`); it then cites one
   vouching sentence per origin, and those spans are recorded (``EntityIndex.paraphrases``) so the brief's
   citation checker can accept a paraphrase ("$18.6m" for "$18.6 million") as support for the fact as written.
4. **Conflicts** are found inside an aligned fact (date, location, number) and across the story (a person's
   title, role or employer; event location; quote wording and speaker). Values are grouped with the article
   ids that give them; we report the disagreement, never which outlet is right. A number that only rises with
   publication time (a death toll) is marked as an ``update``.
5. **Quote versions** group one statement quoted in different words (difflib over words; truncation and a
   different speaker are flagged). **Timeline** events come from every resolved date, with their sources.
6. **Agreed slot facts** (``kind == "slot"``) feed the brief's short account: outlets paraphrase, so agreement
   is judged per slot. :func:`sentence_clauses` reads "<who> <did what> <object>" from each sentence (a named
   subject, not after a preposition or inside a reported "that" clause), with the sentence's places and
   resolved days; two or more independent origins with the same subject entity and verb stem, and the same
   place / day / object words, make one short sentence. Values any conflict lists are never stated.

Cost: sentence and quote embeddings are the bulk of the work, so only sentences that can align are embedded
(a named entity another article also names, or many shared words: :func:`_candidates`), only quote pairs a
paraphrase test needs are embedded, and vectors are kept per article span in the store when one is given
(:class:`SentenceVectors`).
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from .codec import to_json
from .read.amounts import find_amounts
from .read.layout import lines, zone_at
from .records import (
    Amount,
    Article,
    Citation,
    Conflict,
    CopyLink,
    DateRef,
    Fact,
    FactValue,
    LocalEntity,
    Mention,
    Place,
    QuoteGroup,
    QuoteVersion,
    Reading,
    Role,
    Story,
    TimelineEvent,
    WordChange,
    content_id,
)

__all__ = [
    "CachingEmbedder",
    "SentenceVectors",
    "Comparer",
    "EntityIndex",
    "StoryAnalysis",
    "analyse_story",
    "facts_contradict",
    "independent_origins",
    "numbers_agree",
    "join_entities",
    "resolve_entities",
    "sentence_bounds",
    "squash",
]

# ---------------------------------------------------------------- small text helpers

_TOKEN = re.compile(r"[A-Za-z0-9][\w'.\-]*")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENT = re.compile(r"[^\n.!?]+(?:[.!?]+[\"'”’)]*|$)")
_HONORIFICS = frozenset(
    "mr mrs ms miss dr prof sir dame gen lt col sgt capt rep sen gov president prime minister mayor judge "
    "chief secretary the".split()
)
_US = {"u.s.": "us", "u.s": "us", "us": "us", "usa": "us", "america": "us", "american": "us", "united": "us"}
_ARTICLES = frozenset({"the", "a", "an"})
_RANKS = frozenset({"deputy", "vice", "acting", "former", "interim", "assistant", "ex", "co", "outgoing", "incoming"})
_TITLE_SPLIT = re.compile(r"\s+(?:of|for|to|at|with|in|on)\s+", re.I)
_CHANGING = frozenset(
    "dead death deaths toll killed injured wounded missing evacuated cases casualties victims displaced "
    "hospitalized hospitalised arrested infected fatalities rescued".split()
)
_UPDATE_CUES = re.compile(r"\b(rose|risen|rising|climbed|increased|grew|grown|jumped|now|updated|reached|mounted)\b", re.I)
_CHANGE_VERBS = re.compile(r"\b(rose|risen|climbed|increased|grew|grown|jumped|mounted)\b", re.I)
_VERB_STOP = frozenset("the a an of and or to in on at for by with who which that this is was were be".split())


def _norm_name(text: str) -> tuple[str, ...]:
    """Lower-case name tokens without honorifics, possessives and single-letter initials."""
    tokens = []
    for tok in _TOKEN.findall(text.replace("’", "'")):
        tok = tok.lower().rstrip(".")
        if tok.endswith("'s"):
            tok = tok[:-2]
        if not tok or (len(tok) == 1 and tok.isalpha()):
            continue
        tokens.append(tok)
    while tokens and tokens[0] in _HONORIFICS and len(tokens) > 1:
        tokens.pop(0)
    return tuple(tokens)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.replace("’", "'"))


def _place_key(name: str) -> str:
    toks = [t for t in _norm_name(name) if t not in _ARTICLES]
    return " ".join(toks)


def _places_agree(a: str, b: str) -> bool:
    """Same place, allowing one name to contain the other ("Washington" / "Washington D.C.")."""
    ta, tb = set(a.split()), set(b.split())
    return a == b or (bool(ta) and bool(tb) and (ta <= tb or tb <= ta))


def _sig_digits(x: float) -> int:
    text = f"{abs(x):.6g}".replace(".", "").lstrip("0").split("e")[0]
    return max(1, len(text.rstrip("0")))


def numbers_agree(a: float, b: float, *, tolerance: float = 0.01) -> bool:
    """Equal up to rounding: within ``tolerance`` relative, or one is the other rounded to its precision.

    "about 340,000" and "338,512" agree (338,512 rounded to two significant digits is 340,000);
    340,000 and 430,000 do not.
    """
    if a == b:
        return True
    if max(abs(a), abs(b)) == 0:
        return True
    if abs(a - b) <= tolerance * max(abs(a), abs(b)):
        return True
    for x, y in ((a, b), (b, a)):
        digits = _sig_digits(y)
        if digits < _sig_digits(x) and y != 0:
            rounded = round(x, -int(math.floor(math.log10(abs(x)))) + digits - 1) if x else 0.0
            if math.isclose(rounded, y, rel_tol=1e-9):
                return True
    return False


def _fmt_number(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _counts_key(amount: Amount) -> str | None:
    """What an amount counts, reduced to a comparable key ("air fryers" -> "fryer")."""
    raw = amount.counts or ""
    toks = [t.lower() for t in _WORD.findall(raw) if t.lower() not in _ARTICLES | {"of", "in", "people's"}]
    if toks:
        last = toks[-1]
        if last.endswith("ies") and len(last) > 4:
            last = last[:-3] + "y"
        elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
            last = last[:-1]
        return last
    return f"unit:{amount.unit}" if amount.unit else None


# ---------------------------------------------------------------- origins


def independent_origins(
    article_ids: Iterable[str], articles: Mapping[str, Article], copies: Mapping[str, CopyLink]
) -> dict[str, str]:
    """Each article's origin key: the article (or credited URL) it ultimately copies, else itself.

    A credited URL that belongs to an article of the story resolves to that article, so a rewrite and
    its credited original share one origin.
    """
    by_url = {_url_key(a.url): a.id for a in articles.values() if a.url}
    out: dict[str, str] = {}
    for aid in article_ids:
        seen: set[str] = set()
        current = aid
        while current not in seen:
            seen.add(current)
            link = copies.get(current)
            if link is None:
                break
            if link.copy_of and link.copy_of != current:
                current = link.copy_of
                continue
            if link.credited_url:
                target = by_url.get(_url_key(link.credited_url))
                if target is None:
                    current = "url:" + _url_key(link.credited_url)
                    break
                current = target
                continue
            break
        out[aid] = current
    return out


def _url_key(url: str) -> str:
    url = url.strip().lower().split("#")[0].rstrip("/")
    return re.sub(r"^https?://(www\.)?", "", url)


# ---------------------------------------------------------------- entities across articles


@dataclass
class EntityIndex:
    """Article-local entity keys resolved to story-wide keys, with canonical names and surface forms."""

    key_of: dict[tuple[str, str], str] = field(default_factory=dict)  # (article id, local key) -> global key
    name_of: dict[str, str] = field(default_factory=dict)  # global key -> canonical name
    label_of: dict[str, str] = field(default_factory=dict)
    forms_of: dict[str, set[str]] = field(default_factory=dict)  # global key -> lower-case surface forms
    # (article id, start, end) of a sentence -> the fact texts (whitespace squashed) it was aligned to as an
    # agreeing paraphrase. Filled by :meth:`Comparer.analyse`; the citation checker reads it from here because
    # it is the story-wide index every checker is built with (see :class:`storyline.brief.CitationChecker`).
    paraphrases: dict[tuple[str, int, int], set[str]] = field(default_factory=dict)

    def resolve(self, article_id: str, local: str | None) -> str | None:
        """The global key of a local key (or of a name as written, when the reader left it unresolved)."""
        if not local:
            return None
        hit = self.key_of.get((article_id, local))
        if hit:
            return hit
        norm = " ".join(_norm_name(local))
        for key, forms in self.forms_of.items():
            if norm and norm in forms:
                return key
        return None

    def name(self, key: str | None) -> str | None:
        return self.name_of.get(key, key) if key else None

    def forms(self, name: str) -> set[str]:
        """Every lower-case surface form of the entity called ``name`` (canonical name or alias)."""
        norm = " ".join(_norm_name(name))
        for key, forms in self.forms_of.items():
            if norm in forms or name.lower() == self.name_of.get(key, "").lower():
                return forms
        return set()


_COARSE = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "NORP": "NORP"}


def resolve_entities(readings: Mapping[str, Reading]) -> EntityIndex:
    """Story-wide entity keys: the reading stage's cross-article resolver when present, else our own.

    :func:`storyline.read.entities.resolve_entities` returns store-wide :class:`Entity` records (name,
    aliases, article ids); a local entity belongs to the one whose article ids hold its article and whose
    name or aliases hold its name. Local entities it does not place fall back to :func:`join_entities`.
    """
    own = join_entities(readings)
    try:
        from .read.entities import resolve_entities as resolve_store_wide
    except ImportError:  # the reading package is optional for this module
        return own
    entities = resolve_store_wide(list(readings.values()))
    by_name: dict[tuple[str, str], str] = {}
    out = EntityIndex()
    for e in entities:
        key = "E:" + e.id
        out.name_of[key] = e.name
        out.label_of[key] = e.label
        forms = out.forms_of.setdefault(key, set())
        for text in (e.name, *e.aliases):
            forms.add(text.lower())
            norm = " ".join(_norm_name(text))
            if norm:
                forms.add(norm)
            for aid in e.article_ids:
                by_name[(aid, text)] = key
        if e.label == "PERSON" and _norm_name(e.name):
            forms.add(_norm_name(e.name)[-1])
    for aid, reading in readings.items():
        for ent in reading.entities:
            key = by_name.get((aid, ent.name))
            if key is None:
                fallback = own.key_of.get((aid, ent.key))
                if fallback is None:
                    continue
                key = fallback
                out.name_of.setdefault(key, own.name_of[key])
                out.label_of.setdefault(key, own.label_of[key])
                out.forms_of.setdefault(key, set()).update(own.forms_of[key])
            out.key_of[(aid, ent.key)] = key
        for mention in reading.mentions:
            key = out.key_of.get((aid, mention.entity))
            if key:
                out.forms_of[key].add(mention.text.lower())
    return out


def join_entities(readings: Mapping[str, Reading]) -> EntityIndex:
    """Join the readings' article-local entities across a story (our own resolver).

    Two local entities are one when (same coarse type) their normalized names match, an alias of one is a
    name or alias of the other (acronyms, "Mr. Surname"), their first and last names match ("Sergey V.
    Lavrov" / "Sergey Lavrov"), or one is a bare surname that only one full name in the story ends with.
    """
    nodes: list[tuple[str, LocalEntity]] = [(aid, e) for aid, r in readings.items() for e in r.entities]
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    full_by_last: dict[tuple[str, str], set[tuple[str, ...]]] = defaultdict(set)
    for n, (_aid, ent) in enumerate(nodes):
        coarse = _COARSE.get(ent.label, ent.label)
        names = {_norm_name(ent.name), *(_norm_name(a) for a in ent.aliases)}
        for toks in names:
            if not toks:
                continue
            index[(coarse, " ".join(toks))].append(n)
            if coarse == "PERSON" and len(toks) >= 2:
                index[(coarse, "first-last:" + toks[0] + " " + toks[-1])].append(n)
        main = _norm_name(ent.name)
        if coarse == "PERSON" and len(main) >= 2:
            full_by_last[(coarse, main[-1])].add(main)
    for members in index.values():
        for other in members[1:]:
            union(members[0], other)
    # a bare surname joins the one full name in the story that ends with it
    for n, (_aid, ent) in enumerate(nodes):
        coarse = _COARSE.get(ent.label, ent.label)
        main = _norm_name(ent.name)
        if coarse == "PERSON" and len(main) == 1:
            fulls = full_by_last.get((coarse, main[0]), set())
            if len(fulls) == 1:
                target = index.get((coarse, " ".join(next(iter(fulls)))))
                if target:
                    union(n, target[0])

    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(nodes)):
        groups[find(n)].append(n)
    out = EntityIndex()
    for members in groups.values():
        names = Counter(nodes[m][1].name for m in members)
        canonical = max(names, key=lambda nm: (len(_norm_name(nm)), names[nm], nm))
        label = Counter(nodes[m][1].label for m in members).most_common(1)[0][0]
        key = "E:" + (" ".join(_norm_name(canonical)) or canonical.lower())
        if key in out.name_of and out.label_of.get(key) != label:
            key = f"{key}/{label}"
        forms = out.forms_of.setdefault(key, set())
        out.name_of.setdefault(key, canonical)
        out.label_of.setdefault(key, label)
        for m in members:
            aid, ent = nodes[m]
            out.key_of[(aid, ent.key)] = key
            for text in (ent.name, *ent.aliases):
                forms.add(text.lower())
                norm = " ".join(_norm_name(text))
                if norm:
                    forms.add(norm)
            if label == "PERSON" and _norm_name(ent.name):
                forms.add(_norm_name(ent.name)[-1])
    for aid, reading in readings.items():
        for mention in reading.mentions:
            key = out.key_of.get((aid, mention.entity))
            if key:
                out.forms_of[key].add(mention.text.lower())
    return out


# ---------------------------------------------------------------- sentence facts


@dataclass(eq=False)
class _Sentence:
    """One sentence of one article with the reading's records that fall inside it."""

    article_id: str
    start: int
    end: int
    text: str
    mentions: list[Mention]
    entities: set[str]
    places: list[Place]
    dates: list[DateRef]
    amounts: list[Amount]
    roles: list[Role]
    order: int = 0


def sentence_spans(article: Article, reading: Reading | None) -> list[tuple[int, int]]:
    """The reading's sentences, or a regex split when the reader gave none."""
    if reading is not None and reading.sentences:
        spans = []
        for s, e in reading.sentences:
            # a paragraph break always ends a sentence (some sources join paragraphs into one reader sentence)
            for m in re.finditer(r"[^\n]+", article.text[s:e]):
                a, b = s + m.start(), s + m.end()
                while a < b and article.text[a].isspace():
                    a += 1
                while b > a and article.text[b - 1].isspace():
                    b -= 1
                if b > a:
                    spans.append((a, b))
        return _join_open_quotes(article.text, spans)
    spans = []
    for m in _SENT.finditer(article.text):
        s, e = m.start(), m.end()
        while s < e and article.text[s].isspace():
            s += 1
        while e > s and article.text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return _join_open_quotes(article.text, spans)


def _join_open_quotes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences inside one multi-sentence quotation joined into one span, so that no fact starts mid-quote
    ("The refund will come off their bills automatically,” Mr. Oyelaran said." without its opening
    “Nobody needs to apply.). A quotation left open at a paragraph's end stops there (news opens the next
    paragraph's quote again)."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and _quote_open(text[out[-1][0] : out[-1][1]]) and "\n" not in text[out[-1][1] : s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _quote_open(sentence: str) -> bool:
    return sentence.count("\u201c") > sentence.count("\u201d") or sentence.count('"') % 2 == 1


def sentence_bounds(article: Article, reading: Reading | None) -> list[tuple[int, int]]:
    """The spans sentence facts are made of (and cite): :func:`sentence_spans`, a leading dateline cut off.

    The dateline says where and when the report was filed, not what happened. The citation checker uses this
    to confirm that a paraphrase citation points at one whole sentence of the article.
    """
    dateline = _dateline_end(article.text)
    return [(dateline if s < dateline < e else s, e) for s, e in sentence_spans(article, reading)]


def _within(items: Sequence[Any], starts: list[int], s: int, e: int) -> list[Any]:
    lo = bisect.bisect_left(starts, s)
    hi = bisect.bisect_left(starts, e)
    return [x for x in items[lo:hi] if x.end <= e]


def _sentences_of(article: Article, reading: Reading, ents: EntityIndex) -> list[_Sentence]:
    def sort(items: Iterable[Any]) -> tuple[list[Any], list[int]]:
        out = sorted(items, key=lambda x: (x.start, x.end))
        return out, [x.start for x in out]

    mentions, m_starts = sort(reading.mentions)
    places, p_starts = sort(reading.places)
    dates, d_starts = sort(reading.dates)
    amounts, a_starts = sort(reading.amounts)
    roles, r_starts = sort(reading.roles)
    dateline = _dateline_end(article.text)
    dates = [d for d in dates if d.start >= dateline]
    d_starts = [d.start for d in dates]
    layout = lines(article.text)
    out = []
    for n, (s, e) in enumerate(sentence_bounds(article, reading)):
        text = article.text[s:e]
        if len(text) < 20 or zone_at(layout, s) in ("credit", "caption"):
            continue  # a credit line ("(Reporting by ...)") or photo caption states no story fact
        ms = _within(mentions, m_starts, s, e)
        sent = _Sentence(
            article.id, s, e, text, ms,
            {k for m in ms if (k := ents.resolve(article.id, m.entity))},
            _within(places, p_starts, s, e), _within(dates, d_starts, s, e),
            _within(amounts, a_starts, s, e), _within(roles, r_starts, s, e), n,
        )  # fmt: skip
        out.append(sent)  # slot-less sentences still align (and a swapped, unknown place name leaves none)
    return out


_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'\-]+,[^\n]{0,60}?(?:\s[\u2014\u2013-]{1,2}\s)")


def _dateline_end(text: str) -> int:
    """Where a dateline ("HALDEN FALLS, March 11 (Meridian Press) — ") ends, else 0."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


def _action(sent: _Sentence) -> str | None:
    """A cheap guess at the main verb: the first verb-looking word after the first named subject."""
    after = sent.mentions[0].end - sent.start if sent.mentions else 0
    for word in _words(sent.text[after:])[:8]:
        low = word.lower()
        if low in _VERB_STOP or not word.islower():
            continue
        if low.endswith(("ed", "es", "ts", "ys", "ds", "ns")) or low in {"said", "met", "told", "took", "made", "held",
                                                                           "will", "would", "could", "may", "has", "had"}:
            return low
    return None


# ---------------------------------------------------------------- slot clauses (the account's agreed facts)
#
# Outlets paraphrase, so whole sentences rarely agree; what they share are slots: the same actor doing the same
# thing, in the same place, on the same day. A clause is read from one sentence with patterns (no parser): a
# named person or organisation that is the grammatical subject (not after a preposition), an optional
# apposition or "(ACRONYM)", an auxiliary chain and a main verb, then the words up to the next preposition or
# punctuation (the object). "kettles recalled by Kestrel" gives a passive clause: it can vouch for "Kestrel
# recalled ..." but is never written out. Places and resolved days of the sentence fill where and when.

_CLAUSE_TOKEN = re.compile(r"[A-Za-z0-9$][\w'’\-]*(?:[.,]\d+)*%?|[^\w\s]")
_AUX = frozenset("is are was were be been being has have had will would could can may might shall should do does did".split())
_MODAL = frozenset("will would could can may might shall should".split())
_BE = frozenset("is are was were be been being".split())
_SUBJECT_BLOCK = frozenset(
    "of at in on by for from with to into against about over than between among near after before during "
    "under through across via per along around toward towards inside outside behind beyond upon within without".split()
)
_OBJ_STOP = _SUBJECT_BLOCK | frozenset(
    "and or but that which who whom whose while as because when where since until unless though although if "
    "so then amid despite".split()
)
# verbs that report speech or plans: what was said differs between outlets even when "said" agrees
_NO_ACTION = frozenset(
    "say said says saying tell told tells add added adds note noted state stated expect expected due declin "
    "declined continue continued ask asked aim aims plan planned want wanted hope hoped try tried seem seemed "
    "appear appeared refus refused speak spoke spoken claim claims claimed announce announced announces report "
    "reported reports".split()
)
_IRREGULAR = {
    "left": "leave", "leaves": "leave", "leaving": "leave", "met": "meet", "meets": "meet", "meeting": "meet",
    "took": "take", "taken": "take", "made": "make", "makes": "make", "held": "hold", "began": "begin",
    "begun": "begin", "won": "win", "lost": "lose", "fell": "fall", "fallen": "fall", "rose": "rise",
    "risen": "rise", "gave": "give", "given": "give", "sent": "send", "came": "come", "went": "go", "gone": "go",
    "found": "find", "built": "build", "sold": "sell", "paid": "pay", "cut": "cut", "led": "lead",
    "broke": "break", "broken": "break", "spent": "spend", "bought": "buy", "brought": "bring", "fought": "fight",
    "drew": "draw", "drawn": "draw", "flew": "fly", "ran": "run", "shot": "shoot", "stood": "stand",
    "swept": "sweep", "tore": "tear", "torn": "tear", "wrote": "write", "written": "write", "kept": "keep",
    "put": "put", "quit": "quit", "became": "become", "struck": "strike", "hit": "hit", "set": "set",
    "chose": "choose", "chosen": "choose", "froze": "freeze", "frozen": "freeze", "sank": "sink", "sunk": "sink",
    "killed": "kill", "sought": "seek", "told": "tell", "said": "say", "heard": "hear", "wore": "wear",
}  # fmt: skip
_NOT_VERBS = frozenset(
    "based red need speed hundred united bed seed feed shed indeed limited related detailed naked wicked "
    "news its this his has was is as us plus thus bus gas yes series species status means".split()
)
_DAY_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight morning evening "
    "afternoon night last next week month year earlier later".split()
)


def _verb_stem(word: str) -> str:
    """A crude lemma shared by a verb's forms ("arrived"/"arrives"/"arriving" -> "arriv")."""
    low = word.lower().replace("’", "'")
    if low in _IRREGULAR:
        return _IRREGULAR[low][:5]
    for suffix in ("ing", "ied", "ies", "ed", "es", "s", "e"):
        if low.endswith(suffix) and len(low) - len(suffix) >= 3:
            low = low[: -len(suffix)] + ("y" if suffix in ("ied", "ies") else "")
            break
    if len(low) >= 4 and low[-1] == low[-2] and low[-1] not in "ls":  # "stopped" -> "stop"
        low = low[:-1]
    return low[:5]


def _content_stems(text: str) -> set[str]:
    """Five-letter stems of a text's content words (what a paraphrase must still carry)."""
    out = set()
    for w in _WORD.findall(text.replace("’", "'").lower()):
        w = w[:-2] if w.endswith("'s") else w
        if len(w) <= 2 or w in _VERB_STOP or w in _OBJ_STOP or w in _AUX or w in _ARTICLES or w.isdigit():
            continue
        out.add(_verb_stem(w) if w not in _IRREGULAR else _IRREGULAR[w][:5])
        out.add(w[:5])
    return out


def _stems_of(text: str) -> set[str]:
    """Every word's stems, for looking up a clause's words in another outlet's sentence."""
    out = set()
    for w in _WORD.findall(text.replace("’", "'").lower()):
        w = w[:-2] if w.endswith("'s") else w
        out.add(w[:5])
        out.add(_verb_stem(w))
    return out


def _word_stem_needed(word: str) -> str:
    low = word.lower().replace("’", "'")
    return _IRREGULAR[low][:5] if low in _IRREGULAR else _verb_stem(low)


@dataclass(frozen=True)
class _Clause:
    """Who did what in one sentence: a subject entity, a verb phrase, its object, the sentence's places and days."""

    sentence: _Sentence
    subject: str  # global entity key
    article: bool  # the sentence writes "the" before the subject
    verb: str  # the verb phrase as written ("is recalling", "arrived")
    stem: str
    passive: bool  # also set when the object runs past six words: such a clause vouches but is never written
    obj: tuple[str, ...]  # object words as written
    places: tuple[tuple[str, str], ...]  # (place key, name)
    days: tuple[date, ...]
    subject_text: str | None = None  # a common-noun subject as written ("A fire")


_NOT_NOUN_SUBJECTS = frozenset(
    "it he she they we i you this that these those there here which who what some many most all both each "
    "officials sources reports police authorities analysts experts critics residents people".split()
)


def _looks_like_verb(word: str, *, after_aux: bool, after_modal: bool) -> bool:
    low = word.lower()
    if not word.isalpha() or not word.islower() or low in _NOT_VERBS or low in _AUX or low in _OBJ_STOP:
        return False
    if low in _IRREGULAR or low.endswith("ed"):
        return True
    if after_modal:
        return True
    if after_aux:
        return low.endswith("ing")
    return low.endswith("s") and len(low) > 3 and not low.endswith(("ss", "us", "is", "ous"))


def sentence_clauses(sent: _Sentence, ents: EntityIndex) -> list[_Clause]:
    """The subject-verb clauses of one sentence whose subject is a named person or organisation."""
    toks = [(m.group(), m.start(), m.end()) for m in _CLAUSE_TOKEN.finditer(sent.text)]
    if not toks:
        return []
    starts = [t[1] for t in toks]
    date_spans = [(d.start - sent.start, d.end - sent.start) for d in sent.dates]
    places = tuple(
        dict.fromkeys(
            (_place_key(p.name), p.name) for p in sent.places if p.event_location or p.evidence in ("in-phrase", "dateline")
        )
    )
    days = () if _CHANGE_VERBS.search(sent.text) else tuple(
        dict.fromkeys(d.value for d in sent.dates if d.granularity == "day")
    )  # fmt: skip
    out: list[_Clause] = []

    def verb_at(j: int) -> tuple[int, int, bool] | None:
        """(first token, last token, passive) of a verb phrase starting at token j, else None."""
        k, aux, modal, adverbs = j, [], False, 0
        while k < len(toks):
            w = toks[k][0].lower()
            if w in _AUX:
                aux.append(w)
                modal = modal or w in _MODAL
                k += 1
            elif w.endswith("ly") and toks[k][0].islower() and adverbs < 2 and w not in _NOT_VERBS:
                adverbs += 1
                k += 1
            else:
                break
        if k >= len(toks) or not _looks_like_verb(toks[k][0], after_aux=bool(aux), after_modal=modal):
            return None
        main = toks[k][0].lower()
        if not aux and k + 1 < len(toks) and toks[k + 1][0].lower() in _AUX:
            return None  # "Kestrel shares were ...": a noun, not a verb
        passive = any(a in _BE for a in aux) and not main.endswith("ing")
        return j, k, passive

    cut = [False]

    def object_after(k: int) -> tuple[str, ...]:
        words = []
        cut[0] = False
        for n, (w, s, _e) in enumerate(toks[k + 1 : k + 8], start=k + 1):
            quantity = w.lower() in _QUANTITY and n + 1 < len(toks) and bool(_numbers_in([toks[n + 1][0]]))
            if not (w[0].isalnum() or w[0] == "$") or any(a <= s < b for a, b in date_spans):
                break
            if w.lower() in _OBJ_STOP and not quantity:  # "about 400 people" is an object, "about the fees" not
                break
            if w.lower() in _DAY_WORDS:
                break
            words.append(w)
            if len(words) >= 6:
                nxt = toks[n + 1][0] if n + 1 < len(toks) else "."
                cut[0] = nxt[0].isalnum() and nxt.lower() not in _OBJ_STOP  # the phrase goes on: never written
                break
        return tuple(words)

    def add(key: str, article: bool, j: int, subject_text: str | None = None) -> int | None:
        found = verb_at(j)
        if found is None:
            return None
        first, last, passive = found
        main = toks[last][0]
        stem = _word_stem_needed(main)
        if main.lower() in _NO_ACTION or stem in {_verb_stem(w) for w in ("say", "tell", "add", "expect")}:
            return None
        verb = sent.text[toks[first][1] : toks[last][2]]
        obj = () if passive else object_after(last)
        out.append(_Clause(sent, key, article, verb, stem, passive or cut[0], obj, places, days, subject_text))
        return last

    # a common-noun subject opening the sentence ("A fire tore through ...", "Dockworkers walked off ..."):
    # keyed by its head noun; it only vouches together with a shared named entity (see _slot_facts)
    first_mention = min((m.start - sent.start for m in sent.mentions), default=len(sent.text))
    n = 1 if toks[0][0] in ("A", "An", "The") else 0
    head = None
    while n < min(4, len(toks)) and toks[n][2] <= first_mention and toks[n][0].isalpha():
        word = toks[n][0]
        if (n > 0 and not word.islower()) or word.lower() in _OBJ_STOP or word.lower() in _VERB_STOP or word.lower() in _AUX:
            break
        if head is not None and verb_at(n) is not None and (toks[n][0].lower() in _AUX or not toks[n][0].endswith("s")):
            break  # "Shipping lines said": a plural noun, not a verb, continues the subject
        head = n
        n += 1
    if (
        head is not None and n < len(toks) and toks[head][0].lower() not in _NOT_NOUN_SUBJECTS
        and (toks[n][0].lower() in _AUX or not toks[n][0].endswith("s"))
    ):  # fmt: skip
        add("noun:" + _verb_stem(toks[head][0]), False, n, subject_text=sent.text[: toks[head][2]])

    for m in sent.mentions:
        key = ents.resolve(sent.article_id, m.entity)
        if not key or ents.label_of.get(key) not in ("PERSON", "ORG"):
            continue
        ms, me = m.start - sent.start, m.end - sent.start
        i = bisect.bisect_left(starts, ms)
        if i >= len(toks) or toks[i][1] != ms or bisect.bisect_left(starts, me) < len(toks) and any(
            t[1] < me < t[2] for t in toks[i : i + 4]
        ):
            continue  # the mention is part of a longer word ("Brennard's")
        before = toks[i - 1][0].lower() if i > 0 else ""
        j = bisect.bisect_left(starts, me)
        article = before == "the"
        if article:  # "dockworkers at the Port of Saltmarsh": look past the article
            i -= 1
            before = toks[i - 1][0].lower() if i > 0 else ""
        # passive agent: "kettles recalled by Kestrel" (vouches only; the object is not known)
        if before == "by" and i >= 2 and _looks_like_verb(toks[i - 2][0], after_aux=False, after_modal=False):
            main = toks[i - 2][0]
            if main.lower() not in _NO_ACTION:
                out.append(_Clause(sent, key, False, main, _word_stem_needed(main), True, (), places, days))
            continue
        # not after a preposition, and not the subject of a reported clause ("ruled that Norvale overcharged")
        if before in _SUBJECT_BLOCK or before in ("'s", "’s", "that", "whether", "if"):
            continue
        if j < len(toks) and toks[j][0] == "(":  # "Caldwick Ratepayers Alliance (CRA)"
            close = next((n for n in range(j, min(j + 6, len(toks))) if toks[n][0] == ")"), None)
            if close is None:
                continue
            j = close + 1
        if j < len(toks) and toks[j][0] == ",":  # an apposition, maybe with a relative clause
            close = next((n for n in range(j + 1, min(j + 16, len(toks))) if toks[n][0] == ","), None)
            rel = next((n for n in range(j + 1, close or min(j + 16, len(toks))) if toks[n][0].lower() in ("who", "which")), None)
            if rel is not None:
                add(key, article, rel + 1)
            if close is None:
                continue
            j = close + 1
        last = add(key, article, j)
        # coordinated verbs: "makes solvents and employs about 400 people"
        while last is not None:
            k = last + 1
            # only across the object's own words: "makes solvents and cleaning products and employs 400"
            # (not "overcharged households for connections and ordered": the subject there is ambiguous)
            while k < min(last + 9, len(toks) - 1) and (toks[k][0][0].isalnum() and toks[k][0].lower() not in _OBJ_STOP
                                                        or toks[k][0].lower() == "and"):
                if toks[k][0].lower() == "and" and _looks_like_verb(toks[k + 1][0], after_aux=False, after_modal=False):
                    break
                k += 1
            if k < len(toks) - 1 and toks[k][0].lower() == "and":
                last = add(key, article, k + 1)
            else:
                break
    return out


_QUANTITY = frozenset("about some nearly almost around roughly over more than fewer less least at a an the".split())


def _numbers_in(words: Sequence[str]) -> list[float]:
    out = []
    for w in words:
        raw = w.lstrip("$").rstrip("%").replace(",", "")
        try:
            out.append(float(raw))
        except ValueError:
            if w.lower() in _NUM_WORDS:
                out.append(float(_NUM_WORDS[w.lower()]))
    return out


def _object_variants(obj: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The object as written, then without its leading quantity, then its head noun alone (plural nouns)."""
    out = [obj]
    n = 0
    while n < len(obj) and (obj[n].lower() in _QUANTITY or _numbers_in([obj[n]]) or obj[n].lower() in ("million", "billion")):
        n += 1
    if 0 < n < len(obj) - 1:  # "spent 2 seasons" -> "spent seasons" says too little to be worth it
        out.append(obj[n:])
    rest = obj[n:]
    if len(rest) > 1 and rest[-1].islower() and rest[-1].endswith("s"):
        out.append(rest[-1:])
    out.append(())
    return list(dict.fromkeys(out))


def _date_text(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# ---------------------------------------------------------------- titles

_HEAD_SYNONYMS = {
    "chairman": "chair", "chairwoman": "chair", "chairperson": "chair", "ceo": "executive",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson",
}  # fmt: skip


@dataclass(frozen=True)
class _Title:
    """A title read as: rank words, the head noun, generic modifiers, and the employer's proper names."""

    head: str
    modifiers: frozenset[str]  # lower-case words before the head ("fire" in "fire chief")
    employer: frozenset[str]  # runs of capitalized words ("white house", "kestovian export council")
    ranks: frozenset[str]
    former: bool


def _runs(words: Sequence[str]) -> list[str]:
    """Consecutive capitalized words, lower-cased and joined ("White House", "Middle East")."""
    out, run = [], []
    for w in words:
        if w[:1].isupper() and w.lower() not in _ARTICLES | {"former"}:
            low = w.lower()
            run.append(_US.get(low, low[:-2] if low.endswith("'s") else low))
        elif w.lower() in {"of", "for", "and"} and run:
            continue
        else:
            if run:
                out.append(" ".join(run))
            run = []
    if run:
        out.append(" ".join(run))
    return out


def _parse_title(role: Role) -> _Title | None:
    text = role.title.replace("’", "'").strip()
    parts = _TITLE_SPLIT.split(text, maxsplit=1)
    pre = _words(parts[0])
    if not pre:
        return None
    head = pre[-1].lower()
    head = head[:-2] if head.endswith("'s") else head
    head = _HEAD_SYNONYMS.get(head, head)
    mods = [w for w in pre[:-1] if w.lower() not in _ARTICLES]
    ranks = frozenset(w.lower() for w in mods if w.lower() in _RANKS)
    lower = frozenset(w.lower() for w in mods if not w[:1].isupper() and w.lower() not in _RANKS)
    employer = set(_runs([w for w in mods if w.lower() not in _RANKS]))
    if len(parts) > 1:
        employer.update(_runs(_words(parts[1])))
    former = role.former or "former" in ranks or text.lower().startswith("ex-")
    return _Title(head, lower, frozenset(employer), ranks - {"former"}, former)


def _same_employer(a: str, b: str) -> bool:
    """"kestovia" / "kestovian", "spa" / "saltmarsh port authority", "white house" / "house" agree."""
    ta, tb = a.split(), b.split()
    if set(ta) & set(tb):
        return True
    for x, y in ((ta, tb), (tb, ta)):
        if len(x) == 1 and len(y) > 1 and x[0] == "".join(w[0] for w in y):
            return True
    return any(len(p) >= 5 and len(q) >= 5 and p[:5] == q[:5] for p in ta for q in tb)


def _titles_agree(a: _Title, b: _Title) -> bool:
    if a.former != b.former or a.ranks != b.ranks:
        return False
    if a.employer and b.employer and not any(_same_employer(x, y) for x in a.employer for y in b.employer):
        return False
    if a.modifiers and b.modifiers and not (a.modifiers <= b.modifiers or b.modifiers <= a.modifiers):
        return False
    return True


def _merge_titles(titles: Sequence[_Title]) -> _Title:
    """One article's titles for a person under one head word, read together."""
    return _Title(
        titles[0].head,
        frozenset().union(*(t.modifiers for t in titles)),
        frozenset().union(*(t.employer for t in titles)),
        frozenset().union(*(t.ranks for t in titles)),
        any(t.former for t in titles),
    )


# ---------------------------------------------------------------- the analysis


@dataclass(frozen=True)
class StoryAnalysis:
    """Everything compared for one story, plus the inputs the brief needs to cite and check."""

    story: Story
    articles: Mapping[str, Article]
    readings: Mapping[str, Reading]
    copies: Mapping[str, CopyLink]
    origins: Mapping[str, str]  # article id -> origin key
    entities: EntityIndex
    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    quote_groups: tuple[QuoteGroup, ...]
    timeline: tuple[TimelineEvent, ...]
    # fact id -> citations of the aligned sentences that closely paraphrase the representative one
    close: Mapping[str, tuple[Citation, ...]] = field(default_factory=dict)

    @property
    def independent_origins(self) -> int:
        return len(set(self.origins.values()))

    def documents(self) -> dict[str, Any]:
        """The JSON payloads the runner stores with ``store.put_story_doc(story_id, kind, payload)``."""
        return {
            "facts": to_json(list(self.facts)),
            "conflicts": to_json(list(self.conflicts)),
            "quote_groups": to_json(list(self.quote_groups)),
            "timeline": to_json(list(self.timeline)),
        }


class Comparer:
    """Builds a :class:`StoryAnalysis`. Thresholds live here; defaults set on the demo corpus (MiniLM).

    - ``align_threshold``: combined similarity (0.75 x sentence cosine + 0.25 x entity Jaccard) above which two
      sentences of different articles are aligned as one fact (they must also share an entity, or reach
      ``strong_cosine``).
    - ``conflict_cosine``: a date or place is compared only between aligned sentences this close (same-topic
      sentences about *different* moments, "walked off on Monday" / "returned to work yesterday", score ~0.7).
    - ``figure_cosine``: figures are compared between looser pairs, since the word-level diff that pairs them
      ("injuring 12 others" / "injured 15") is itself the evidence.
    - ``agree_cosine``: only aligned sentences this close to a fact's sentence vouch for it ("agreed", and the
      brief's account, which also needs each cited span to carry every name, number, place and date).
    - ``quote_cosine`` / ``quote_paraphrase``: a reworded quote of the same speaker joins a group when the
      embeddings are this close and this share of words still matches.
    - ``lexical_block``: a sentence sharing no entity with another article's sentences is embedded only when
      this share of its words (Jaccard, hashed) recurs in one of them; otherwise it cannot reach
      ``strong_cosine`` in practice and stays alone without costing a model call.
    - ``vector_store``: anything with the Store's ``get_embeddings`` / ``put_embeddings`` (the store itself):
      sentence and quote vectors are kept there under ``sentences:<embedder name>`` and ``quotes:<embedder
      name>``, keyed ``<article id>#<start>-<end>:<crc of the text>``, so re-analysing a story after an article
      joins it only embeds the new article's sentences (no schema change: the embeddings table's id column
      simply holds sentence keys).
    """

    def __init__(
        self,
        embedder: Any,
        *,
        align_threshold: float = 0.55,
        conflict_cosine: float = 0.75,
        figure_cosine: float = 0.6,
        agree_cosine: float = 0.6,
        strong_cosine: float = 0.75,
        quote_cosine: float = 0.7,
        quote_paraphrase: float = 0.3,
        lexical_block: float = 0.15,
        vector_store: Any = None,
    ) -> None:
        self.embedder = embedder
        self.lexical_block = lexical_block
        self._vectors = SentenceVectors(embedder, vector_store)
        self.align_threshold = align_threshold
        self.conflict_cosine = conflict_cosine
        self.figure_cosine = figure_cosine
        self.agree_cosine = agree_cosine
        self._score = np.zeros((0, 0), dtype=np.float32)
        self.strong_cosine = strong_cosine
        self.quote_cosine = quote_cosine
        self.quote_paraphrase = quote_paraphrase

    # ------------------------------------------------------------ entry point

    def analyse(
        self,
        story: Story,
        articles: Mapping[str, Article] | Sequence[Article],
        readings: Mapping[str, Reading],
        copies: Mapping[str, CopyLink] | Sequence[CopyLink] = (),
    ) -> StoryAnalysis:
        arts = articles if isinstance(articles, Mapping) else {a.id: a for a in articles}
        links = copies if isinstance(copies, Mapping) else {c.article_id: c for c in copies}
        ids = [i for i in story.article_ids if i in arts]
        ids.sort(key=lambda i: (_published_key(arts[i]), story.article_ids.index(i)))
        reads = {i: readings.get(i) or Reading(article_id=i) for i in ids}
        origins = independent_origins(ids, arts, links)
        ents = resolve_entities(reads)
        self._citation_outlets = {i: arts[i].outlet for i in ids}
        self._speaker_spans: dict[tuple[str, int], tuple[int, int]] = {}
        self._close: dict[str, tuple[Citation, ...]] = {}

        sentences = [s for i in ids for s in _sentences_of(arts[i], reads[i], ents)]
        clusters = self._align(sentences)
        conflicts: list[Conflict] = []
        facts: list[Fact] = []
        for members in clusters:
            fact, found = self._event_fact(story, members, origins, ents, arts)
            conflicts.extend(found)
            # a lone sentence naming nothing ("Which kettles are affected?") helped alignment but is no fact
            if found or len(fact.article_ids) > 1 or _has_slots(fact):
                facts.append(fact)
        conflicts.extend(self._story_locations(story, ids, reads, arts, sentences))
        conflicts.extend(self._story_numbers(story, sentences, arts))
        role_facts, role_conflicts = self._titles(story, ids, reads, ents, origins, arts)
        facts.extend(role_facts)
        conflicts.extend(role_conflicts)
        groups = self._quote_groups(story, ids, arts, reads, ents)
        quote_facts, quote_conflicts = self._quote_facts(story, groups, origins)
        facts.extend(quote_facts)
        conflicts.extend(quote_conflicts)
        # a "disagreement" with one value (a speaker named alike in every version) is none at all
        conflicts, alias = _dedupe([c for c in conflicts if len(c.values) >= 2])
        _attach_story_conflicts(facts, conflicts)
        # a fact is contested when one of its conflicts (not a mere update) is listed
        disputed = {c.id for c in conflicts if not c.update}
        facts = [_with_status(f, alias, disputed, self._close, origins) for f in facts]
        for fact in facts:  # what the citation checker accepts as a paraphrase of an agreed sentence fact
            if fact.kind == "event" and fact.status == "agreed":
                for c in fact.citations:
                    ents.paraphrases.setdefault((c.article_id, c.start, c.end), set()).add(squash(fact.text))
        facts.extend(self._slot_facts(story, sentences, origins, ents, conflicts))
        timeline = self._timeline(ids, arts, reads)
        return StoryAnalysis(
            story, arts, reads, links, origins, ents, tuple(facts), tuple(conflicts), tuple(groups), tuple(timeline),
            self._close,
        )

    # ------------------------------------------------------------ alignment

    def _align(self, sentences: list[_Sentence]) -> list[list[_Sentence]]:
        """Align sentences across articles: merge the most similar cross-article pairs first.

        Two groups merge when their best pair scores above ``align_threshold`` (and shares an entity, or is
        nearly identical) and the merged group would still hold at most one sentence per article. Unlike a
        single pass in arrival order, the result does not depend on which article came first.
        """
        self._score = self._cos = np.zeros((0, 0), dtype=np.float32)
        if not sentences:
            return []
        for n, sent in enumerate(sentences):
            sent.order = n
        masked = [re.sub(r"\d", "0", s.text) for s in sentences]
        keys = sorted({k for s in sentences for k in s.entities})
        col = {k: n for n, k in enumerate(keys)}
        inc = np.zeros((len(sentences), max(1, len(keys))), dtype=np.float32)
        for n, s in enumerate(sentences):
            for k in s.entities:
                inc[n, col[k]] = 1.0
        article = np.array([s.article_id for s in sentences])
        # blocking: only a sentence that could align with another article's is embedded (see _candidates)
        wanted = _candidates(sentences, masked, inc, article, self.lexical_block)
        vectors = np.zeros((len(sentences), 1), dtype=np.float32)
        if wanted.any():
            rows = np.flatnonzero(wanted)
            found = self._vectors.encode(
                "sentences", [_span_key(sentences[n], masked[n]) for n in rows], [masked[n] for n in rows]
            )
            vectors = np.zeros((len(sentences), found.shape[1]), dtype=np.float32)
            vectors[rows] = found
        cos = vectors @ vectors.T
        np.fill_diagonal(cos, 1.0)
        inter = inc @ inc.T
        size = inc.sum(axis=1)
        union = size[:, None] + size[None, :] - inter
        jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        score = 0.75 * cos + 0.25 * jac
        self._score = score
        self._cos = cos
        ok = (score >= self.align_threshold) & ((inter >= 1) | (cos >= self.strong_cosine))
        ok &= article[:, None] != article[None, :]
        rows, cols = np.nonzero(np.triu(ok, 1))
        order = np.argsort(-score[rows, cols], kind="stable")
        group = list(range(len(sentences)))
        members: dict[int, set[int]] = {n: {n} for n in range(len(sentences))}
        arts: dict[int, set[str]] = {n: {sentences[n].article_id} for n in range(len(sentences))}

        def find(i: int) -> int:
            while group[i] != i:
                group[i] = group[group[i]]
                i = group[i]
            return i

        for k in order:
            a, b = find(int(rows[k])), find(int(cols[k]))
            if a == b or arts[a] & arts[b]:
                continue
            keep, gone = min(a, b), max(a, b)
            group[gone] = keep
            members[keep] |= members.pop(gone)
            arts[keep] |= arts.pop(gone)
        clusters = [sorted((sentences[n] for n in idx), key=lambda x: x.order) for idx in members.values()]
        clusters.sort(key=lambda c: c[0].order)
        return clusters

    # ------------------------------------------------------------ agreed slot facts (the account)

    def _slot_facts(
        self,
        story: Story,
        sentences: list[_Sentence],
        origins: Mapping[str, str],
        ents: EntityIndex,
        conflicts: Sequence[Conflict],
    ) -> list[Fact]:
        """Facts two or more independent origins state slot by slot, each written as one short sentence.

        Clauses (:func:`sentence_clauses`) with the same subject entity and verb stem are one candidate; the
        sentence is built from the richest active clause ("<who> <verb> <object> in <where> on <date>") and
        keeps the place, the day and the object words only when the sentences of two or more independent
        origins carry them too (as values: resolved day, place key, figure; as word stems: verb and object).
        A value any conflict or update lists is never stated. Sorted by the number of origins vouching.
        """
        disputed_days = {v.value for c in conflicts if c.kind == "date" for v in c.values}
        disputed_places = [v.value for c in conflicts if c.kind == "location" for v in c.values]
        disputed_numbers = [_num(v.value) for c in conflicts if c.kind == "number" for v in c.values]
        groups: dict[tuple[str, str], list[_Clause]] = defaultdict(list)
        for sent in sentences:
            for clause in sentence_clauses(sent, ents):
                groups[(clause.subject, clause.stem)].append(clause)
        out: list[Fact] = []
        for (subject, stem), members in groups.items():
            if len({origins[c.sentence.article_id] for c in members}) < 2:
                continue
            reps = sorted(
                (c for c in members if not c.passive),
                key=lambda c: (-(bool(c.places) + bool(c.days)), -len(c.obj), c.sentence.order),
            )
            for rep in reps:
                fact = self._clause_fact(
                    story, rep, members, origins, ents, disputed_days, disputed_places, disputed_numbers
                )
                if fact is not None:
                    out.append(fact)
                    break
        order = {s.article_id: n for n, s in enumerate(sentences)}
        out.sort(key=lambda f: (-len(f.origins), order.get(f.citations[0].article_id, 0), f.citations[0].start))
        return out

    def _clause_fact(
        self,
        story: Story,
        rep: _Clause,
        members: list[_Clause],
        origins: Mapping[str, str],
        ents: EntityIndex,
        disputed_days: set[str],
        disputed_places: list[str],
        disputed_numbers: list[float],
    ) -> Fact | None:
        noun = rep.subject.startswith("noun:")
        name = rep.subject_text if noun and rep.subject_text else ents.name(rep.subject) or rep.subject
        if rep.article and ents.label_of.get(rep.subject) == "ORG" and not name.lower().startswith("the "):
            name = "The " + name
        objects = _object_variants(rep.obj)
        if rep.obj:
            objects = [o for o in objects if o]
        objects = [o for o in objects if not any(numbers_agree(v, x) for v in _numbers_in(o) for x in disputed_numbers)]
        places = [(k, n) for k, n in rep.places if not any(_places_agree(k, d) for d in disputed_places)][:1]
        days = [d for d in rep.days if d.isoformat() not in disputed_days][:1]
        combos = [(o, p, d) for o in objects for p in (places, []) for d in (days, [])]
        combos.sort(key=lambda t: -(2 * bool(t[1]) + 2 * bool(t[2]) + len(t[0])))
        for obj, place, day in combos:
            need = {rep.stem} | _content_stems(" ".join(obj))
            numbers = _numbers_in(obj)
            backing = []
            for c in members:
                stems = _stems_of(c.sentence.text)
                if not need <= stems:
                    continue
                if noun and not (c.sentence.entities & rep.sentence.entities):
                    continue  # "a fire" is the same fire only where the same named plant or people are in it
                if place and not any(_places_agree(place[0][0], k) for k, _ in c.places):
                    continue
                if day and day[0] not in c.days:
                    continue
                have = [v for _, v, _, _ in _tokens_with_numbers(c.sentence) if v is not None]
                have += [a.value for a in c.sentence.amounts]
                if not all(any(numbers_agree(v, h) for h in have) for v in numbers):
                    continue
                backing.append(c)
            if rep not in backing or len({origins[c.sentence.article_id] for c in backing}) < 2:
                continue
            if not (obj or place or day):
                continue  # "X announced." states nothing a reader can use
            text = " ".join([name, rep.verb, *obj])
            text += f" in {place[0][1]}" if place else ""
            text += f" on {_date_text(day[0])}" if day else ""
            text = text[0].upper() + text[1:] + "."
            backing.sort(key=lambda c: (c is not rep, c.sentence.order))
            cites = tuple(dict.fromkeys(self._cite(c.sentence.article_id, c.sentence.start, c.sentence.end) for c in backing))
            aids = tuple(dict.fromkeys(c.sentence.article_id for c in backing))
            return Fact(
                id=content_id(story.id, "slot", rep.subject, rep.stem, prefix="f"), story_id=story.id, kind="slot",
                text=text, status="agreed", who=(name,), action=rep.verb,
                what=(" ".join(obj),) if obj else (), where=tuple(n for _, n in place), when=tuple(day),
                how_many=tuple(_fmt_number(v) for v in numbers), article_ids=aids,
                origins=tuple(dict.fromkeys(origins[a] for a in aids)), citations=cites,
            )  # fmt: skip
        return None

    # ------------------------------------------------------------ event facts

    def _cite(self, article_id: str, start: int, end: int) -> Citation:
        return Citation(article_id, start, end, self._citation_outlets.get(article_id))

    def _event_fact(
        self,
        story: Story,
        members: list[_Sentence],
        origins: Mapping[str, str],
        ents: EntityIndex,
        arts: Mapping[str, Article],
    ) -> tuple[Fact, list[Conflict]]:
        rep = members[0]
        fact_id = content_id(story.id, "event", rep.article_id, str(rep.start), prefix="f")
        keys = list(dict.fromkeys(k for m in rep.mentions if (k := ents.resolve(rep.article_id, m.entity))))
        actors = [ents.name(k) or k for k in keys if ents.label_of.get(k) in ("PERSON", "ORG", "NORP")]
        others = [ents.name(k) or k for k in keys if ents.label_of.get(k) not in ("PERSON", "ORG", "NORP")]
        conflicts: list[Conflict] = []
        if len({m.article_id for m in members}) >= 2:
            conflicts += self._slot_conflicts(story, fact_id, members, arts, rep)
        # a close paraphrase vouches only when it states the same facts: wording alone (the fake embedder's
        # bag of words, or MiniLM on a sentence with one figure changed) is not agreement
        self._close[fact_id] = tuple(
            self._cite(m.article_id, m.start, m.end)
            for m in members
            if m is rep or (self._cos[rep.order, m.order] >= self.agree_cosine and not facts_contradict(rep, m))
        )
        fact = Fact(
            id=fact_id,
            story_id=story.id,
            kind="event",
            text=rep.text,
            status="single-source",
            who=tuple(actors[:2]),
            action=_action(rep),
            what=tuple(actors[2:] + others),
            where=tuple(dict.fromkeys(p.name for p in rep.places)),
            when=tuple(dict.fromkeys(d.value for d in rep.dates)),
            how_many=tuple(a.text for a in rep.amounts),
            roles=tuple(r.title for r in rep.roles),
            article_ids=tuple(m.article_id for m in members),
            origins=tuple(dict.fromkeys(origins[m.article_id] for m in members)),
            citations=tuple(self._cite(m.article_id, m.start, m.end) for m in members),
            conflict_ids=tuple(c.id for c in conflicts),
        )
        return fact, conflicts

    def _slot_conflicts(
        self, story: Story, fact_id: str, members: list[_Sentence], arts: Mapping[str, Article], rep: _Sentence
    ) -> list[Conflict]:
        """Dates, places and figures that aligned sentences of different articles give differently.

        Pairs are compared directly (a group can chain looser pairs): dates and places above
        ``conflict_cosine``, figures above ``figure_cosine``; a sentence that reports a change ("the toll rose to
        six on Wednesday") is not compared on its date.
        """
        out: list[Conflict] = []
        subject = _clip(rep.text)
        pairs = [
            (a, b) for i, a in enumerate(members) for b in members[i + 1 :]
            if a.article_id != b.article_id and self._cos[a.order, b.order] >= self.figure_cosine
        ]  # fmt: skip
        if not pairs:
            return out
        # a date or a place is compared only between sentences that say nearly the same thing
        close = [(a, b) for a, b in pairs if self._cos[a.order, b.order] >= self.conflict_cosine]

        def days(s: _Sentence) -> dict[str, tuple[str, int, int]]:
            if _CHANGE_VERBS.search(s.text):
                return {}
            return {d.value.isoformat(): (d.text, d.start, d.end) for d in s.dates if d.granularity == "day"}

        def where(s: _Sentence) -> dict[str, tuple[str, int, int]]:
            return {
                _place_key(p.name): (p.name, p.start, p.end)
                for p in s.places
                if p.event_location or p.evidence in ("dateline", "in-phrase")
            }

        out += self._pairwise(story, fact_id, "date", f"date: {subject}", close, days, lambda a, b: a == b)
        out += self._pairwise(story, fact_id, "location", f"location: {subject}", close, where, _places_agree)
        if not any(c.kind == "location" for c in out):
            rows = [row for a, b in close for row in _place_swaps(a, b)]
            if rows:
                out.append(self._conflict(story, fact_id, "location", f"location: {subject}", rows, _places_agree))

        # how many: amounts counting the same thing, and figures a word-level diff lines up
        found: dict[str, list[tuple[_Sentence, float, str, int, int]]] = defaultdict(list)
        for a, b in pairs:
            for key, rows in _number_pairs(a, b, keyed=self._cos[a.order, b.order] >= self.conflict_cosine):
                found[key].extend(rows)
        for key, rows in found.items():
            per_article: dict[str, list[tuple[_Sentence, float, str, int, int]]] = defaultdict(list)
            for row in dict.fromkeys(rows):
                per_article[row[0].article_id].append(row)
            conflict = self._figures(story, fact_id, key, per_article, arts)
            if conflict:
                out.append(conflict)
        return out

    def _pairwise(
        self,
        story: Story,
        fact_id: str,
        kind: str,
        subject: str,
        pairs: list[tuple[_Sentence, _Sentence]],
        values_of: Any,
        agree: Any,
    ) -> list[Conflict]:
        """A conflict when a compared pair gives value sets with no value in common."""
        involved: dict[int, _Sentence] = {}
        for a, b in pairs:
            va, vb = values_of(a), values_of(b)
            if va and vb and not any(agree(x, y) for x in va for y in vb):
                involved[a.order] = a
                involved[b.order] = b
        if not involved:
            return []
        rows = [(s, k, *t) for s in involved.values() for k, t in values_of(s).items()]
        return [self._conflict(story, fact_id, kind, subject, rows, agree)]

    def _figures(
        self,
        story: Story,
        fact_id: str | None,
        key: str,
        per_article: Mapping[str, list[tuple[_Sentence, float, str, int, int]]],
        arts: Mapping[str, Article],
    ) -> Conflict | None:
        """A number conflict (or update) from (sentence, value, text, start, end) rows grouped by article."""
        if len(per_article) < 2:
            return None
        sets = {aid: [r[1] for r in rows] for aid, rows in per_article.items()}
        aids = list(sets)
        clash = any(
            not any(numbers_agree(x, y) for x in sets[a] for y in sets[b])
            for i, a in enumerate(aids)
            for b in aids[i + 1 :]
        )
        if not clash:
            return None
        rows = [(r[0], _fmt_number(r[1]), r[2], r[3], r[4]) for items in per_article.values() for r in items]
        label = key.removeprefix("unit:").removeprefix("word:")
        conflict = self._conflict(
            story, fact_id, "number", f"number: {label}", rows, lambda x, y: numbers_agree(_num(x), _num(y))
        )
        if _is_update(per_article, arts):
            conflict = replace(conflict, update=True)
        return conflict

    def _conflict(
        self,
        story: Story,
        fact_id: str | None,
        kind: str,
        subject: str,
        rows: list[tuple[_Sentence, str, str, int, int]],
        agree: Any = None,
        *,
        update: bool = False,
    ) -> Conflict:
        """Group (sentence, value key, text, start, end) rows into values with their articles and spans."""
        groups: dict[str, list[tuple[_Sentence, str, int, int]]] = {}
        for s, key, text, _start, _end in rows:
            target = next((g for g in groups if agree and agree(g, key)), key) if agree else key
            groups.setdefault(target, []).append((s, text, _start, _end))
        values = []
        for key, items in groups.items():
            aids = tuple(dict.fromkeys(s.article_id for s, *_ in items))
            cites = tuple(dict.fromkeys(self._cite(s.article_id, s.start, s.end) for s, *_ in items))
            values.append(FactValue(key, items[0][1], aids, cites))
        cid = content_id(story.id, kind, subject, *sorted(v.value for v in values), prefix="c")
        return Conflict(cid, story.id, kind, subject, tuple(values), fact_id, update)  # type: ignore[arg-type]

    def _story_numbers(self, story: Story, sentences: list[_Sentence], arts: Mapping[str, Article]) -> list[Conflict]:
        """Amounts counting the same specific thing anywhere in the story ("air fryers", "deaths")."""
        by_key: dict[str, list[tuple[_Sentence, Amount]]] = defaultdict(list)
        for s in sentences:
            for a in s.amounts:
                key = _counts_key(a)
                if key and not key.startswith("unit:") and key not in _GENERIC_COUNTS:
                    by_key[key].append((s, a))
        out = []
        for key, pairs in by_key.items():
            per_article: dict[str, list[tuple[_Sentence, float, str, int, int]]] = defaultdict(list)
            for s, a in pairs:
                per_article[s.article_id].append((s, a.value, a.text, a.start, a.end))
            found = self._figures(story, None, key, per_article, arts)
            if found:
                out.append(found)
        return out

    def _story_locations(
        self,
        story: Story,
        ids: list[str],
        reads: Mapping[str, Reading],
        arts: Mapping[str, Article],
        sentences: list[_Sentence],
    ) -> list[Conflict]:
        """The event location each article gives (its dateline, else its first "in <place>" event location).

        Two articles disagree only when neither names the other's location anywhere: an article that says
        "the talks in Caldwick ... tougher than those in Portmere" knows both places, and a reader that
        picked the wrong one as the event location should not produce a conflict.
        """
        named: dict[str, set[str]] = {
            aid: {_place_key(p.name) for p in reads[aid].places}
            | {" ".join(_norm_name(m.text)) for m in reads[aid].mentions if m.label in ("GPE", "LOC", "FAC")}
            for aid in ids
        }
        rows = []
        for aid in ids:
            # only strong evidence: a dateline, or "in <place>"; a place the lead merely names is not enough
            rank = {"dateline": 0, "in-phrase": 1}
            places = sorted(
                (p for p in reads[aid].places if p.event_location and p.evidence in rank),
                key=lambda p: (rank[p.evidence], p.start),
            )
            if not places:
                continue
            p = places[0]
            sent = _sentence_at(sentences, aid, p.start) or _Sentence(aid, p.start, p.end, p.text, [], set(), [], [], [], [])
            rows.append((sent, _place_key(p.name), p.name, p.start, p.end))
        keys = [(r[0].article_id, r[1]) for r in rows]
        involved = set()
        for i, (aa, ka) in enumerate(keys):
            for ab, kb in keys[i + 1 :]:
                if aa == ab or _places_agree(ka, kb):
                    continue
                if any(_places_agree(ka, x) for x in named[ab]) or any(_places_agree(kb, x) for x in named[aa]):
                    continue
                involved |= {aa, ab}
        if not involved:
            return []
        rows = [r for r in rows if r[0].article_id in involved]
        return [self._conflict(story, None, "location", "where it happened", rows, _places_agree)]

    # ------------------------------------------------------------ titles and roles

    def _titles(
        self,
        story: Story,
        ids: list[str],
        reads: Mapping[str, Reading],
        ents: EntityIndex,
        origins: Mapping[str, str],
        arts: Mapping[str, Article],
    ) -> tuple[list[Fact], list[Conflict]]:
        """Per person, compare the titles each article gives (one conflict per person at most).

        Two articles disagree when, under the same head word ("envoy"), their titles read together differ in
        "former", rank ("deputy"), employer, or modifiers neither contains; or when each gives the person
        exactly one job and the jobs differ ("plant manager" / "safety director").
        """
        people: dict[str, dict[str, list[tuple[Role, _Title]]]] = defaultdict(lambda: defaultdict(list))
        names: dict[str, str | None] = {}
        for aid in ids:
            for role in reads[aid].roles:
                parsed = _parse_title(role)
                if parsed:
                    # by the resolved entity's full name: a resolver that splits one name because the titles
                    # differ ("Queen Elizabeth" / "former Queen Elizabeth") must not hide that very difference
                    key = ents.resolve(aid, role.entity)
                    person = ("N:" + " ".join(_norm_name(ents.name(key) or key))) if key else role.entity
                    names.setdefault(person, ents.name(key) if key else role.entity)
                    people[person][aid].append((role, parsed))
        facts: list[Fact] = []
        conflicts: list[Conflict] = []
        for person, per_article in people.items():
            name = names.get(person) or person
            involved: set[str] = set()
            heads = {aid: {t.head for _, t in items} for aid, items in per_article.items()}
            aids = list(per_article)
            for i, a in enumerate(aids):
                for b in aids[i + 1 :]:
                    shared = heads[a] & heads[b]
                    for head in shared:
                        ta = _merge_titles([t for _, t in per_article[a] if t.head == head])
                        tb = _merge_titles([t for _, t in per_article[b] if t.head == head])
                        if not _titles_agree(ta, tb):
                            involved |= {a, b}
                    if not shared and len(heads[a]) == 1 and len(heads[b]) == 1:
                        involved |= {a, b}
            fact_id = content_id(story.id, "role", person, prefix="f")
            cites, rows = [], []
            for aid, items in per_article.items():
                for role, _t in items:
                    s, e = _sentence_around(arts[aid], reads[aid], role.start, role.end)
                    cites.append(self._cite(aid, s, e))
                    if aid in involved:
                        sent = _Sentence(aid, s, e, arts[aid].text[s:e], [], set(), [], [], [], [])
                        label = ("former " if role.former and "former" not in role.title.lower() else "") + role.title
                        rows.append((sent, " ".join(label.lower().split()), label, role.start, role.end))
            found = [self._conflict(story, fact_id, "title", f"title of {name}", rows)] if involved else []
            conflicts.extend(found)
            titles = tuple(dict.fromkeys(r.title for items in per_article.values() for r, _ in items))
            facts.append(
                Fact(
                    id=fact_id, story_id=story.id, kind="role", text=f"{name}: {'; '.join(titles)}",
                    status="single-source", who=(name,), roles=titles,
                    article_ids=tuple(per_article), origins=tuple(dict.fromkeys(origins[a] for a in per_article)),
                    citations=tuple(dict.fromkeys(cites)), conflict_ids=tuple(c.id for c in found),
                )
            )  # fmt: skip
        return facts, conflicts

    # ------------------------------------------------------------ quotes

    def _quote_groups(
        self,
        story: Story,
        ids: list[str],
        arts: Mapping[str, Article],
        reads: Mapping[str, Reading],
        ents: EntityIndex,
    ) -> list[QuoteGroup]:
        quotes = [(aid, q) for aid in ids for q in reads[aid].quotes if q.text.strip()]
        self._speaker_spans = {
            (aid, q.start): (min(q.start, q.speaker_start), max(q.end, q.speaker_end))
            for aid, q in quotes
            if q.speaker_start is not None and q.speaker_end is not None
        }
        if not quotes:
            return []
        toks = [[w.lower() for w in _words(q.text)] for _, q in quotes]
        speakers = [ents.resolve(aid, q.speaker) or (q.speaker or None) for aid, q in quotes]
        bags = [Counter(t) for t in toks]
        # pairs that only a paraphrase test can join (same speaker, some words shared): the only ones that
        # need embeddings, so only their quotes are encoded
        paraphrase: list[tuple[int, int]] = []
        decided: list[tuple[int, int]] = []
        for i in range(len(quotes)):
            for j in range(i + 1, len(quotes)):
                if quotes[i][0] == quotes[j][0] or not toks[i] or not toks[j]:
                    continue
                shared = sum((bags[i] & bags[j]).values())  # an upper bound of the words difflib matches
                la, lb = len(toks[i]), len(toks[j])
                same = bool(speakers[i]) and speakers[i] == speakers[j]
                if same and min(la, lb) >= 4 and shared >= self.quote_paraphrase * (la + lb) / 2:
                    paraphrase.append((i, j))
                elif shared >= 0.8 * min(la, lb) or shared >= 0.3 * (la + lb) or (min(la, lb) < 4 and same):
                    decided.append((i, j))
        need = sorted({n for pair in paraphrase for n in pair})
        vectors = np.zeros((len(quotes), 1), dtype=np.float32)
        if need:
            found = self._vectors.encode(
                "quotes", [f"{quotes[n][0]}#{quotes[n][1].start}-{quotes[n][1].end}:{_crc(quotes[n][1].text)}" for n in need],
                [quotes[n][1].text for n in need],
            )
            vectors = np.zeros((len(quotes), found.shape[1]), dtype=np.float32)
            vectors[need] = found
        parent = list(range(len(quotes)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, j in sorted(decided + paraphrase):
            if self._same_statement(toks[i], toks[j], speakers[i], speakers[j], float(vectors[i] @ vectors[j])):
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
        members: dict[int, list[int]] = defaultdict(list)
        for n in range(len(quotes)):
            members[find(n)].append(n)
        groups = []
        for idx in members.values():
            if len({quotes[n][0] for n in idx}) < 2:
                continue
            groups.append(self._group(story, [quotes[n] for n in idx], [toks[n] for n in idx], [speakers[n] for n in idx], ents, arts))
        return groups

    def _same_statement(self, a: list[str], b: list[str], sa: str | None, sb: str | None, cosine: float) -> bool:
        matched = _matched(a, b)
        short = min(len(a), len(b))
        containment = matched / short
        ratio = 2 * matched / (len(a) + len(b))
        same_speaker = bool(sa) and sa == sb
        if short < 4:
            # one-word quotes ("maybe") only join the same speaker's quote they start or end or equal
            longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
            edge = longer[: len(shorter)] == shorter or longer[-len(shorter) :] == shorter
            return same_speaker and edge
        if containment >= 0.8 or ratio >= 0.6:
            return True
        return same_speaker and ratio >= self.quote_paraphrase and cosine >= self.quote_cosine

    def _group(
        self,
        story: Story,
        quotes: list[tuple[str, Any]],
        toks: list[list[str]],
        speakers: list[str | None],
        ents: EntityIndex,
        arts: Mapping[str, Article],
    ) -> QuoteGroup:
        texts = Counter(" ".join(t) for t in toks)
        ref = max(range(len(quotes)), key=lambda n: (texts[" ".join(toks[n])], len(toks[n])))
        longest = max(len(t) for t in toks)
        named = Counter(s for s in speakers if s)
        majority = named.most_common(1)[0][0] if named else None
        ref_words = _words(quotes[ref][1].text)
        versions = []
        wording = False
        for n, (aid, q) in enumerate(quotes):
            words = _words(q.text)
            changes = _changes(ref_words, words)
            flags = []
            if len(toks[n]) <= 0.8 * longest and any(
                len(other) > len(toks[n]) and _matched(toks[n], other) >= 0.9 * len(toks[n]) for other in toks
            ):
                flags.append("truncated")
            if (
                majority and speakers[n] and speakers[n] != majority
                and _speaker_label(ents, speakers[n]) == _speaker_label(ents, majority) == "PERSON"
            ):  # fmt: skip
                flags.append("speaker_differs")
            versions.append(
                QuoteVersion(aid, q.text, q.start, q.end, ents.name(speakers[n]), arts[aid].outlet, changes, tuple(flags))
            )
        for i in range(len(toks)):
            for j in range(i + 1, len(toks)):
                if quotes[i][0] == quotes[j][0]:
                    continue
                short = min(len(toks[i]), len(toks[j]))
                if short and _matched(toks[i], toks[j]) < short:  # a word differs, beyond a cut
                    wording = True
        people = {k for k in named if _speaker_label(ents, k) == "PERSON"}
        speaker_differs = len(people) > 1  # a company "saying" its chief's words is not another speaker
        gid = content_id(story.id, "quote", *sorted(f"{aid}:{q.start}" for aid, q in quotes), prefix="q")
        return QuoteGroup(
            gid, story.id, ents.name(majority), quotes[ref][1].text, tuple(versions), wording, speaker_differs
        )

    def _quote_facts(
        self, story: Story, groups: list[QuoteGroup], origins: Mapping[str, str]
    ) -> tuple[list[Fact], list[Conflict]]:
        facts, conflicts = [], []
        speaker_spans = self._speaker_spans
        for g in groups:
            found = []
            cites = tuple(self._cite(v.article_id, v.start, v.end) for v in g.versions)
            if g.wording_differs:
                rows = [
                    (_Sentence(v.article_id, v.start, v.end, v.text, [], set(), [], [], [], []),
                     " ".join(w.lower() for w in _words(v.text)), v.text, v.start, v.end)
                    for v in g.versions
                ]  # fmt: skip
                found.append(self._conflict(story, g.id, "quote_wording", f"wording of {g.speaker or 'a quote'}: {_clip(g.text)}", rows))
            if g.speaker_differs:
                rows = [
                    (_Sentence(v.article_id, *speaker_spans.get((v.article_id, v.start), (v.start, v.end)), v.text,
                               [], set(), [], [], [], []),
                     (v.speaker or "").lower(), v.speaker or "", v.start, v.end)
                    for v in g.versions if v.speaker and (v.flags and "speaker_differs" in v.flags or
                                                          v.speaker == g.speaker)
                ]  # fmt: skip
                found.append(self._conflict(story, g.id, "quote_speaker", f"speaker of: {_clip(g.text)}", rows))
            conflicts.extend(found)
            facts.append(
                Fact(
                    id=g.id, story_id=story.id, kind="quote", text=g.text, status="single-source",
                    who=(g.speaker,) if g.speaker else (), action="said",
                    article_ids=tuple(dict.fromkeys(v.article_id for v in g.versions)),
                    origins=tuple(dict.fromkeys(origins[v.article_id] for v in g.versions)),
                    citations=cites, conflict_ids=tuple(c.id for c in found),
                )
            )  # fmt: skip
        return facts, conflicts

    # ------------------------------------------------------------ timeline

    def _timeline(self, ids: list[str], arts: Mapping[str, Article], reads: Mapping[str, Reading]) -> list[TimelineEvent]:
        """One event per resolved date (day or month), with every article and sentence that dates it."""
        first = min((arts[i].published.date() for i in ids if arts[i].published), default=None)
        by_day: dict[tuple[date, str], list[tuple[str, DateRef, tuple[int, int]]]] = defaultdict(list)
        for aid in ids:
            for d in reads[aid].dates:
                if d.granularity not in ("day", "month"):
                    continue
                by_day[(d.value, d.granularity)].append((aid, d, _sentence_around(arts[aid], reads[aid], d.start, d.end)))
        events = []
        for (day, gran), items in sorted(by_day.items(), key=lambda kv: (kv[0][0], kv[0][1] != "day")):
            aid, _d, (s, e) = items[0]
            cites = tuple(dict.fromkeys(self._cite(a, st, en) for a, _, (st, en) in items))
            events.append(
                TimelineEvent(
                    day, gran, arts[aid].text[s:e], tuple(dict.fromkeys(a for a, _, _ in items)), cites,
                    earlier=bool(first and (day < first if gran == "day" else _month_end(day) < first)),
                )
            )
        return events


# ---------------------------------------------------------------- helpers used above

_GENERIC_COUNTS = frozenset({"people", "person", "percent", "time", "year", "day", "month", "week", "hour", "minute"})


def _num(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return float("nan")


def _is_update(per_article: Mapping[str, list[tuple[Any, ...]]], arts: Mapping[str, Article]) -> bool:
    """Whether differing figures read as a figure changing over time rather than a disagreement.

    The publication dates must show it: every two articles that disagree were published on different days,
    or the figure only grows with publication time and a later sentence says so ("rose to", "now").
    """
    timed = []
    for aid, rows in per_article.items():
        published = arts[aid].published
        if published is None:
            return False
        timed.append((published, [r[1] for r in rows], [r[0] for r in rows]))
    timed.sort(key=lambda t: t[0])
    different_days = all(
        t1.date() != t2.date()
        for i, (t1, v1, _) in enumerate(timed)
        for t2, v2, _ in timed[i + 1 :]
        if not any(numbers_agree(x, y) for x in v1 for y in v2)
    )
    if different_days:
        return True
    for (t1, v1, _), (t2, v2, _) in zip(timed, timed[1:], strict=False):
        if any(numbers_agree(x, y) for x in v1 for y in v2):
            continue
        if not (t2 > t1 and max(v2) > max(v1)):
            return False
    return any(_UPDATE_CUES.search(s.text) for _, _, sents in timed[1:] for s in sents)


_NUM_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_NUM_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[A-Za-z]+(?:['’-][A-Za-z]+)*")


def _tokens_with_numbers(s: _Sentence) -> list[tuple[str, float | None, int, int]]:
    """(stem, number value or None, start, end) per word; numbers stem to '#' so they line up in a diff."""
    out = []
    for m in _NUM_TOKEN.finditer(s.text):
        tok = m.group()
        value: float | None = None
        if tok[0].isdigit():
            try:
                value = float(tok.replace(",", "").rstrip("."))
            except ValueError:
                value = None
        elif tok.lower() in _NUM_WORDS:
            value = float(_NUM_WORDS[tok.lower()])
        stem = "#" if value is not None else tok.lower()[:5]
        out.append((stem, value, s.start + m.start(), s.start + m.end()))
    return out


def _number_pairs(
    a: _Sentence, b: _Sentence, *, keyed: bool = True, min_block: int = 3
) -> list[tuple[str, list[tuple[_Sentence, float, str, int, int]]]]:
    """Figures two aligned sentences give in the same place: by the amount's counted thing, or by word diff.

    The diff lines the words up with every number stemmed to '#', so "injuring 12 others" and "injured 15"
    pair 12 with 15 under the context word "injur"; the matched run around the figures must be at least
    ``min_block`` words long. ``keyed``: also pair amounts by what they count. Years are left to the dates.
    """
    out: list[tuple[str, list[tuple[_Sentence, float, str, int, int]]]] = []
    keyed_a = defaultdict(list)
    keyed_b = defaultdict(list)
    for s, keyed in ((a, keyed_a), (b, keyed_b)):
        for amount in s.amounts:
            key = _counts_key(amount)
            if key:
                keyed[key].append((s, amount.value, amount.text, amount.start, amount.end))
    for key in keyed_a.keys() & keyed_b.keys() if keyed else ():
        out.append((key, keyed_a[key] + keyed_b[key]))
    ta, tb = _tokens_with_numbers(a), _tokens_with_numbers(b)
    sm = difflib.SequenceMatcher(None, [t[0] for t in ta], [t[0] for t in tb], autojunk=False)
    for block in sm.get_matching_blocks():
        if block.size < min_block:
            continue
        for k in range(block.size):
            x, y = ta[block.a + k], tb[block.b + k]
            if x[1] is None or y[1] is None or (1900 <= x[1] <= 2100 and 1900 <= y[1] <= 2100):
                continue
            ctx = _context(ta, block.a + k) or _context(tb, block.b + k)
            if not ctx or _inside_date(a, x[2]) or _inside_date(b, y[2]):
                continue
            out.append((
                "word:" + ctx,
                [(a, x[1], _window(a, x[2], x[3]), x[2], x[3]), (b, y[1], _window(b, y[2], y[3]), y[2], y[3])],
            ))  # fmt: skip
    return out


def _stated_numbers(s: _Sentence) -> list[float]:
    """Every figure a sentence states, as written and scaled ("$18.6m" gives 18.6 and 18,600,000).

    Years and numbers inside a resolved date are left out (dates are compared on their own).
    """
    out = [
        v for _stem, v, start, _end in _tokens_with_numbers(s)
        if v is not None and not (v.is_integer() and 1900 <= v <= 2100) and not _inside_date(s, start)
    ]  # fmt: skip
    skip = [(d.start - s.start, d.end - s.start) for d in s.dates]
    out += [a.value for a in find_amounts(s.text, skip=skip)]
    out += [a.value for a in s.amounts]
    return out


def _event_places(s: _Sentence) -> set[str]:
    return {_place_key(p.name) for p in s.places if p.event_location or p.evidence in ("dateline", "in-phrase")}


def _days(s: _Sentence) -> set[date]:
    """The days a sentence dates its event to (none when it reports a change: "rose to six on Wednesday")."""
    return set() if _CHANGE_VERBS.search(s.text) else {d.value for d in s.dates if d.granularity == "day"}


_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]")


def _quoted(s: _Sentence) -> list[list[str]]:
    return [w for m in _QUOTED.finditer(s.text) if (w := [t.lower() for t in _words(m.group(1))])]


def facts_contradict(a: _Sentence, b: _Sentence) -> bool:
    """Whether two aligned sentences state a different number, place, day or quotation (then they do not agree).

    Numbers: figures the two sentences give for the same thing (an amount's counted thing, or the word-level
    diff that lines "injuring 12" up with "injuring 15") that do not agree up to rounding, or, more bluntly,
    both sentences state figures and none is shared. Places: both give an event location ("in Portmere") and
    none agrees, or a word-level diff swaps a place name for another ("Kestovian" / "Kestovia's" is one place).
    Days: both date the event and share no day. Quotations: both quote and no quote is (most of) the other.
    A detail only one of them states is no contradiction: paraphrases leave details out.
    """
    for _key, rows in _number_pairs(a, b):
        va = [r[1] for r in rows if r[0] is a]
        vb = [r[1] for r in rows if r[0] is b]
        if va and vb and not any(numbers_agree(x, y) for x in va for y in vb):
            return True
    na, nb = _stated_numbers(a), _stated_numbers(b)
    if na and nb and not any(numbers_agree(x, y) for x in na for y in nb):
        return True
    pa, pb = _event_places(a), _event_places(b)
    if pa and pb and not any(_places_agree(x, y) for x in pa for y in pb):
        return True
    swaps = _place_swaps(a, b)
    for (_sa, ka, *_ra), (_sb, kb, *_rb) in zip(swaps[::2], swaps[1::2], strict=True):
        if not (_places_agree(ka, kb) or ka.startswith(kb) or kb.startswith(ka)):  # "kestovian" / "kestovia"
            return True
    da, db = _days(a), _days(b)
    if da and db and not da & db:
        return True
    qa, qb = _quoted(a), _quoted(b)
    return bool(qa and qb) and not any(_matched(x, y) >= 0.8 * min(len(x), len(y)) for x in qa for y in qb)


def squash(text: str) -> str:
    """Whitespace collapsed: how a fact's text is written in a brief, and how paraphrases are keyed."""
    return " ".join(text.split())


_CAP_RUN = re.compile(r"^(?:[A-Z][\w'.\-]*)(?:\s+(?:of\s+|the\s+)?[A-Z][\w'.\-]*)*$")


def _place_swaps(a: _Sentence, b: _Sentence) -> list[tuple[_Sentence, str, str, int, int]]:
    """Places two near-identical sentences swap: a word-level diff replaces a place in one by a proper name.

    The reader may not know a place name at all ("in Brightwater"), so only one side needs to be a known
    place (a Place, or a GPE/LOC/FAC mention); the other side must be a capitalized name.
    """
    def spans(s: _Sentence) -> list[tuple[int, int]]:
        return [(p.start, p.end) for p in s.places] + [
            (m.start, m.end) for m in s.mentions if m.label in ("GPE", "LOC", "FAC")
        ]

    wa = [(m.group(), a.start + m.start(), a.start + m.end()) for m in re.finditer(r"[\w'.\-]+", a.text)]
    wb = [(m.group(), b.start + m.start(), b.start + m.end()) for m in re.finditer(r"[\w'.\-]+", b.text)]
    sm = difflib.SequenceMatcher(None, [w[0] for w in wa], [w[0] for w in wb], autojunk=False)
    known_a, known_b = spans(a), spans(b)
    rows = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace" or i2 - i1 > 4 or j2 - j1 > 4:
            continue
        sa, ea, sb, eb = wa[i1][1], wa[i2 - 1][2], wb[j1][1], wb[j2 - 1][2]
        ta, tb = a.text[sa - a.start : ea - a.start], b.text[sb - b.start : eb - b.start]
        if not (_CAP_RUN.match(ta) and _CAP_RUN.match(tb)):
            continue
        hit_a = any(s < ea and sa < e for s, e in known_a)
        hit_b = any(s < eb and sb < e for s, e in known_b)
        if hit_a or hit_b:
            rows += [(a, _place_key(ta), ta, sa, ea), (b, _place_key(tb), tb, sb, eb)]
    return rows


def _context(tokens: list[tuple[str, float | None, int, int]], i: int) -> str | None:
    """The word after a number (what it counts), else the word before (the verb)."""
    for j in (i + 1, i - 1):
        if 0 <= j < len(tokens) and tokens[j][1] is None and tokens[j][0] not in _ARTICLES | {"and", "of", "to"}:
            return tokens[j][0]
    return None


def _inside_date(s: _Sentence, offset: int) -> bool:
    return any(d.start <= offset < d.end for d in s.dates)


def _window(s: _Sentence, start: int, end: int) -> str:
    """The figure with a word either side, as the article writes it."""
    left = s.text[: start - s.start].split()[-1:]
    right = s.text[end - s.start :].split()[:1]
    return " ".join([*left, s.text[start - s.start : end - s.start], *right]).strip(" ,.;:")


class CachingEmbedder:
    """Wraps an :class:`~storyline.embed.Embedder` and remembers sentence vectors (up to ``max_items``).

    A story is re-analysed each time an article joins it; without a cache every earlier article's sentences
    would be encoded again. Keyed by the text itself, so a changed sentence is always encoded afresh.
    """

    def __init__(self, embedder: Any, *, max_items: int = 200_000) -> None:
        self.embedder = embedder
        self.name = getattr(embedder, "name", "embedder")
        self.dim = getattr(embedder, "dim", 0)
        self.max_items = max_items
        self._cache: dict[str, np.ndarray] = {}

    def warm_up(self) -> None:
        self.embedder.warm_up()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            vectors = np.asarray(self.embedder.encode(todo), dtype=np.float32)
            if len(self._cache) + len(todo) > self.max_items:
                self._cache.clear()  # simple and bounded; a story's own texts are re-encoded at most once more
            self._cache.update(zip(todo, vectors, strict=True))
            if any(t not in self._cache for t in texts):  # cleared above and texts exceed the bound
                return np.asarray(self.embedder.encode(list(texts)), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)


class SentenceVectors:
    """Vectors of sentences and quotes, keyed by article span, from memory, then the store, then the model.

    Keys are ``<article id>#<start>-<end>:<crc32 of the text embedded>`` under the model name
    ``<kind>:<embedder name>`` (``sentences`` are embedded with digits masked, ``quotes`` as written), so
    one store table holds them beside article vectors without a schema change, and a different text or
    model never reuses a vector. ``store`` may be None (memory only, for one analysis).
    """

    def __init__(self, embedder: Any, store: Any = None) -> None:
        self.embedder = embedder
        self.store = store
        self.name = getattr(embedder, "name", "embedder")
        self._memory: dict[tuple[str, str], np.ndarray] = {}
        self.encoded = 0  # texts sent to the model (for benchmarks)
        self.loaded = 0  # vectors read from the store

    def encode(self, kind: str, keys: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        model = f"{kind}:{self.name}"
        missing = [k for k in dict.fromkeys(keys) if (model, k) not in self._memory]
        if missing and self.store is not None:
            stored = self.store.get_embeddings(model, missing)
            self.loaded += len(stored)
            self._memory.update(((model, k), v) for k, v in stored.items())
        todo = {k: t for k, t in zip(keys, texts, strict=True) if (model, k) not in self._memory}
        if todo:
            vectors = _encode_unique(self.embedder, list(todo.values()))
            self.encoded += len(set(todo.values()))
            fresh = dict(zip(todo, vectors, strict=True))
            self._memory.update(((model, k), v) for k, v in fresh.items())
            if self.store is not None:
                self.store.put_embeddings(model, fresh)
        return np.stack([self._memory[(model, k)] for k in keys]).astype(np.float32, copy=False)


def _crc(text: str) -> str:
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def _span_key(sent: _Sentence, text: str) -> str:
    return f"{sent.article_id}#{sent.start}-{sent.end}:{_crc(text)}"


_BUCKETS = 2048


def _candidates(
    sentences: Sequence[_Sentence], masked: Sequence[str], inc: np.ndarray, article: np.ndarray, share: float
) -> np.ndarray:
    """Which sentences can align with another article's sentence, and so need an embedding.

    Alignment needs a shared entity or a near-identical sentence (``strong_cosine``). A sentence with an
    entity that another article also names is a candidate; the others are candidates only when a hashed
    bag of their words overlaps another article's sentence by ``share`` (Jaccard), a cheap stand-in for
    "nearly the same words". Matrix products, no Python loop over pairs.
    """
    n = len(sentences)
    if n == 0:
        return np.zeros(0, dtype=bool)
    codes, inverse = np.unique(article, return_inverse=True)
    per_article = np.zeros((len(codes), inc.shape[1]), dtype=np.float32)
    np.add.at(per_article, inverse, inc)
    spread = (per_article > 0).sum(axis=0)  # articles naming each entity
    wanted = (inc * (spread >= 2)).sum(axis=1) > 0
    rest = np.flatnonzero(~wanted)
    if len(rest) == 0 or share <= 0:
        return wanted | (share <= 0)
    bags = np.zeros((n, _BUCKETS), dtype=np.float32)
    for row, text in enumerate(masked):
        for w in set(_WORD.findall(text.lower())):
            if len(w) > 2 and w not in _VERB_STOP:
                bags[row, zlib.crc32(w.encode("utf-8")) % _BUCKETS] = 1.0
    inter = bags[rest] @ bags.T
    size = bags.sum(axis=1)
    union = size[rest][:, None] + size[None, :] - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    jac[article[rest][:, None] == article[None, :]] = 0.0
    wanted[rest] = (jac >= share).any(axis=1)
    return wanted


def _has_slots(fact: Fact) -> bool:
    return bool(fact.who or fact.what or fact.where or fact.when or fact.how_many or fact.roles)


def _encode_unique(embedder: Any, texts: Sequence[str]) -> np.ndarray:
    """Encode each distinct text once (syndicated copies repeat whole articles)."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(embedder.encode(unique), dtype=np.float32)
    row = {t: n for n, t in enumerate(unique)}
    return vectors[[row[t] for t in texts]]


def _speaker_label(ents: EntityIndex, key: str) -> str:
    """A speaker's type; a one-word "person" that starts an organisation's name ("Brennard" of "Brennard
    Chemicals") is read as that organisation, a common NER slip when a company "says" something."""
    label = ents.label_of.get(key, "PERSON")
    name = (ents.name(key) or key).lower()
    if label == "PERSON" and " " not in name:
        for other, other_label in ents.label_of.items():
            if other_label == "ORG" and (ents.name(other) or "").lower().startswith(name + " "):
                return "ORG"
    return label


def _month_end(day: date) -> date:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _matched(a: list[str], b: list[str]) -> int:
    return sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def _changes(ref: list[str], words: list[str]) -> tuple[WordChange, ...]:
    """Word-level differences of a version against the reference (case-insensitive)."""
    sm = difflib.SequenceMatcher(None, [w.lower() for w in ref], [w.lower() for w in words], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        out.append(WordChange(op, " ".join(ref[i1:i2]), " ".join(words[j1:j2])))  # type: ignore[arg-type]
    return tuple(out)


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def _published_key(article: Article) -> str:
    return article.published.isoformat() if article.published else "9999"


def _sentence_at(sentences: list[_Sentence], aid: str, offset: int) -> _Sentence | None:
    for s in sentences:
        if s.article_id == aid and s.start <= offset < s.end:
            return s
    return None


def _sentence_around(article: Article, reading: Reading, start: int, end: int) -> tuple[int, int]:
    """The sentence span containing [start, end), else the span itself."""
    for s, e in sentence_spans(article, reading):
        if s <= start and end <= e:
            return s, e
    return start, end


def _dedupe(conflicts: list[Conflict]) -> tuple[list[Conflict], dict[str, str]]:
    """One conflict per disagreement: sentence- and story-level checks, and different context words for the
    same figures, often find the same one. Same kind and same articles, or a number conflict with the same
    values, merge (articles and spans united). Returns the kept conflicts and a map old id -> kept id.
    """
    kept: list[Conflict] = []
    alias: dict[str, str] = {}
    for c in conflicts:
        parts = frozenset(frozenset(v.article_ids) for v in c.values)
        values = frozenset(v.value for v in c.values)
        match = next(
            (
                n for n, k in enumerate(kept)
                if k.kind == c.kind and k.update == c.update
                and (parts == frozenset(frozenset(v.article_ids) for v in k.values)
                     or (c.kind == "number" and values == frozenset(v.value for v in k.values)))
            ),
            None,
        )  # fmt: skip
        if match is None:
            alias[c.id] = c.id
            kept.append(c)
            continue
        k = kept[match]
        alias[c.id] = k.id
        merged = []
        for v in k.values:
            other = next((o for o in c.values if o.value == v.value), None)
            if other is not None:
                v = replace(
                    v,
                    article_ids=tuple(dict.fromkeys((*v.article_ids, *other.article_ids))),
                    citations=tuple(dict.fromkeys((*v.citations, *other.citations))),
                )
            merged.append(v)
        kept[match] = replace(k, values=tuple(merged))
    return kept, alias


def _attach_story_conflicts(facts: list[Fact], conflicts: list[Conflict]) -> None:
    """Conflicts also mark the event facts whose sentences give one of their values.

    A story-level location or number, or a person's title, is stated inside some sentence; the aligned fact
    holding that sentence is then contested too, so the account never repeats a disputed detail as agreed.
    """
    for n, fact in enumerate(facts):
        if fact.kind != "event":
            continue
        cited = {(c.article_id, c.start) for c in fact.citations}
        spans = [(c.article_id, c.start, c.end) for c in fact.citations]
        extra = [
            c.id for c in conflicts
            if (c.kind in ("location", "date", "number", "title")
                and any((ci.article_id, ci.start) in cited for v in c.values for ci in v.citations))
            or (c.kind.startswith("quote")
                and any(a == ci.article_id and s <= ci.start < e for v in c.values for ci in v.citations
                        for a, s, e in spans))
        ]  # fmt: skip
        if extra:
            facts[n] = replace(fact, conflict_ids=tuple(dict.fromkeys((*fact.conflict_ids, *extra))))


def _with_status(
    fact: Fact, alias: Mapping[str, str], disputed: set[str], close: Mapping[str, tuple[Citation, ...]],
    origins: Mapping[str, str],
) -> Fact:
    """Contested when a disagreement is listed for it; agreed when two independent origins say it.

    For a sentence fact only the outlets whose sentence closely paraphrases it, stating no other number or
    place, count towards "agreed" (alignment is looser: it also groups sentences on one topic that say
    different things). An agreed sentence fact cites the vouching sentence of each origin that agrees.
    """
    conflict_ids = tuple(dict.fromkeys(alias[c] for c in fact.conflict_ids if c in alias))
    vouching = {origins[c.article_id] for c in close[fact.id]} if fact.id in close else set(fact.origins)
    if any(c in disputed for c in conflict_ids):
        status = "contested"
    elif len(vouching) >= 2:
        status = "agreed"
    else:
        status = "single-source"
    citations = fact.citations
    if status == "single-source" and fact.id in close:
        # a sentence on the same topic from another outlet is no witness for this one: cite only what vouches
        citations = tuple(c for c in fact.citations if origins.get(c.article_id) in vouching) or fact.citations
    elif status == "agreed" and fact.id in close:
        citations = _one_per_origin(close[fact.id], origins)
    return replace(fact, status=status, conflict_ids=conflict_ids, citations=citations)  # type: ignore[arg-type]


def _one_per_origin(cites: Sequence[Citation], origins: Mapping[str, str]) -> tuple[Citation, ...]:
    """The vouching passage of each origin, the fact's own sentence first (copies count once).

    An agreed sentence fact is shown with one passage per independent outlet, so the reader sees every outlet
    that says it; of an origin's copies the original article's sentence is preferred.
    """
    chosen: dict[str, Citation] = {}
    for c in cites:
        origin = origins.get(c.article_id, c.article_id)
        held = chosen.get(origin)
        if held is None or (held != cites[0] and c.article_id == origin != held.article_id):
            chosen[origin] = c
    return tuple(chosen.values())


def analyse_story(
    story: Story,
    articles: Mapping[str, Article] | Sequence[Article],
    readings: Mapping[str, Reading],
    copies: Mapping[str, CopyLink] | Sequence[CopyLink],
    embedder: Any,
    **options: Any,
) -> StoryAnalysis:
    """Compare one story's articles: facts with statuses, conflicts, quote groups and timeline.

    ``embedder`` follows :class:`storyline.embed.Embedder` (``encode(texts) -> unit rows``); tests pass
    :class:`storyline.embed.FakeEmbedder`. ``options`` go to :class:`Comparer`.
    """
    return Comparer(embedder, **options).analyse(story, articles, readings, copies)
