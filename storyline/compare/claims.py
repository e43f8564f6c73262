from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ..records import Conflict, Fact, Story, content_id
from .context import StoryContext
from .entities import EntityIndex
from .numbers import _NUM_WORDS, _fmt_number, _num, _tokens_with_numbers, numbers_agree
from .places import _place_key, _places_agree
from .sentences import _Sentence
from .text import _ARTICLES, _CHANGE_VERBS, _VERB_STOP, _WORD


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


@functools.lru_cache(maxsize=1 << 16)
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


@functools.lru_cache(maxsize=1 << 12)
def _content_stems(text: str) -> frozenset[str]:
    """Five-letter stems of a text's content words (what a paraphrase must still carry); cached per text."""
    out = set()
    for w in _WORD.findall(text.replace("’", "'").lower()):
        w = w[:-2] if w.endswith("'s") else w
        if len(w) <= 2 or w in _VERB_STOP or w in _OBJ_STOP or w in _AUX or w in _ARTICLES or w.isdigit():
            continue
        out.add(_verb_stem(w) if w not in _IRREGULAR else _IRREGULAR[w][:5])
        out.add(w[:5])
    return frozenset(out)


@functools.lru_cache(maxsize=1 << 14)
def _stems_of(text: str) -> frozenset[str]:
    """Every word's stems, for looking up a clause's words in another outlet's sentence. Cached per text: a
    story's slot facts look each sentence up once per candidate clause and wording."""
    out = set()
    for w in _WORD.findall(text.replace("’", "'").lower()):
        w = w[:-2] if w.endswith("'s") else w
        out.add(w[:5])
        out.add(_verb_stem(w))
    return frozenset(out)


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


# A second verb phrase joined to a clause: a conjunction, then an auxiliary or modal ("and will visit", "but has not
# said"); a day after it is that verb's day.
_SECOND_VERB = re.compile(r"\b(?:and|but|then)\s+(?:will|would|is|are|was|were|has|have|had|could|can|may|might|shall|should|plans|plan)\b", re.I)

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
    dated = [] if _CHANGE_VERBS.search(sent.text) else [d for d in sent.dates if d.granularity == "day"]
    out: list[_Clause] = []

    def days_of(verb_end: int) -> tuple[date, ...]:
        """The days of the clause whose verb ends at ``verb_end``: not those after a second verb phrase joined to
        it ("has ordered an inquiry and will visit the island tomorrow": tomorrow is the visit's day)."""
        keep = [d.value for d in dated if not _SECOND_VERB.search(sent.text[verb_end : max(verb_end, d.start - sent.start)])]
        return tuple(dict.fromkeys(keep))

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
        out.append(_Clause(sent, key, article, verb, stem, passive or cut[0], obj, places, days_of(toks[last][2]), subject_text))
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
                out.append(_Clause(sent, key, False, main, _word_stem_needed(main), True, (), places, days_of(toks[i - 2][2])))
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



def slot_facts(
    ctx: StoryContext,
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
            fact = _clause_fact(ctx, 
                story, rep, members, origins, ents, disputed_days, disputed_places, disputed_numbers
            )
            if fact is not None:
                out.append(fact)
                break
    order = {s.article_id: n for n, s in enumerate(sentences)}
    out.sort(key=lambda f: (-len(f.origins), order.get(f.citations[0].article_id, 0), f.citations[0].start))
    return out


def _clause_fact(
    ctx: StoryContext,
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
        cites = tuple(dict.fromkeys(ctx.cite(c.sentence.article_id, c.sentence.start, c.sentence.end) for c in backing))
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
