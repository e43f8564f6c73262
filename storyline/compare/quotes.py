from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..lang.words import CONDITIONS, CONTRASTS, EMBEDDERS, NEGATIONS
from ..records import Article, Conflict, Fact, QuoteGroup, QuoteVersion, Reading, Story, WordChange, content_id
from .conflicts import make_conflict
from .context import StoryContext
from .entities import EntityIndex
from .sentences import _Sentence
from .text import _clip, _norm_name, _words


def quote_groups(
    ctx: StoryContext,
    story: Story,
    ids: list[str],
    arts: Mapping[str, Article],
    reads: Mapping[str, Reading],
    ents: EntityIndex,
) -> list[QuoteGroup]:
    quotes = _statements([(aid, q) for aid in ids for q in reads[aid].quotes if q.text.strip()], arts)
    ctx.speaker_spans.update({
        (aid, q.start): (min(q.start, q.speaker_start), max(q.end, q.speaker_end))
        for aid, q in quotes
        if q.speaker_start is not None and q.speaker_end is not None
    })
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
            if same and min(la, lb) >= 4 and shared >= ctx.settings.quote_paraphrase * (la + lb) / 2:
                paraphrase.append((i, j))
            elif shared >= 0.8 * min(la, lb) or shared >= 0.3 * (la + lb) or (min(la, lb) < 4 and same):
                decided.append((i, j))
    need = sorted({n for pair in paraphrase for n in pair})
    vectors = np.zeros((len(quotes), 1), dtype=np.float32)
    if need:
        found = ctx.vectors.encode_texts("quotes", [quotes[n][1].text for n in need])
        vectors = np.zeros((len(quotes), found.shape[1]), dtype=np.float32)
        vectors[need] = found
    parent = list(range(len(quotes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in sorted(decided + paraphrase):
        if same_statement(ctx, toks[i], toks[j], speakers[i], speakers[j], float(vectors[i] @ vectors[j])):
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    # a word or two quoted alone ("textbook") joins the one statement of the same speaker holding it, once the
    # statements are formed (so it never chains two of them)
    alone = Counter(find(n) for n in range(len(quotes)))
    for n in range(len(quotes)):
        if len(toks[n]) >= SHORT_RUN or alone[find(n)] > 1 or not speakers[n]:
            continue
        holders = {
            find(m) for m in range(len(quotes))
            if quotes[m][0] != quotes[n][0] and _same_speaker(ents, speakers[m], speakers[n]) and _holds(toks[m], toks[n])
        }  # fmt: skip
        if len(holders) == 1:
            parent[find(n)] = holders.pop()
    members: dict[int, list[int]] = defaultdict(list)
    for n in range(len(quotes)):
        members[find(n)].append(n)
    groups = []
    for idx in members.values():
        if len({quotes[n][0] for n in idx}) < 2:
            continue
        groups.append(_group(ctx, story, [quotes[n] for n in idx], [toks[n] for n in idx], [speakers[n] for n in idx], ents, arts))
    return groups


def same_statement(ctx: StoryContext, a: list[str], b: list[str], sa: str | None, sb: str | None, cosine: float) -> bool:
    matched = _matched(a, b)
    short = min(len(a), len(b))
    containment = matched / short
    ratio = 2 * matched / (len(a) + len(b))
    same_speaker = bool(sa) and sa == sb
    if short < 4:
        # one-word quotes ("maybe") only join the same speaker's quote they start or end or equal; a run of a few
        # words ("the bridge collapsed") the same speaker's quote that holds it word for word
        longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
        edge = longer[: len(shorter)] == shorter or longer[-len(shorter) :] == shorter
        held = len(shorter) >= SHORT_RUN and any(
            longer[i : i + len(shorter)] == shorter for i in range(len(longer) - len(shorter) + 1)
        )
        return same_speaker and (edge or held)
    if containment >= 0.8 or ratio >= 0.6:
        return True
    alike = short >= PARAPHRASE_LENGTH * max(len(a), len(b))  # a rewording says it in about as many words
    return same_speaker and alike and ratio >= ctx.settings.quote_paraphrase and cosine >= ctx.settings.quote_cosine


def _same_speaker(ents: EntityIndex, a: str | None, b: str | None) -> bool:
    """One speaker key, or two keys written with the same name (one person the model typed two ways)."""
    return bool(a) and bool(b) and (a == b or _name_tokens(ents, a) == _name_tokens(ents, b))  # type: ignore[arg-type]


def _holds(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return 0 < n < len(longer) and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _statements(quotes: list[tuple[str, Any]], arts: Mapping[str, Article]) -> list[tuple[str, Any]]:
    """Each quote, or the statements it strings together: a quote of several sentences that no other article
    prints whole, two parts of which other articles quote apart (one outlet prints a statement's two sentences
    as one quote, another as two quotes with words between them), is cut into those parts. A single part quoted
    alone is only a cut of the quote."""
    toks = [[w.lower() for w in _words(q.text)] for _, q in quotes]
    words_of = [frozenset(t) for t in toks]
    out = []
    for n, (aid, q) in enumerate(quotes):
        pieces = [(m.start(), m.end()) for m in re.finditer(r"\S.*?(?:[.!?](?=\s+[^a-z\s])|$)", q.text, re.DOTALL)]
        words = [[w.lower() for w in _words(q.text[s:e])] for s, e in pieces]
        others = [(bid, toks[m], words_of[m]) for m, (bid, _q) in enumerate(quotes) if bid != aid and toks[m]]
        if len(pieces) < 2 or any(all(_holds_share(w, o, ob) for w in words) for _b, o, ob in others):
            out.append((aid, q))  # a single sentence, or another article prints it whole
            continue
        quoted_alone: dict[tuple[int, int], set[str]] = defaultdict(set)  # run of sentences -> articles
        for bid, o, ob in others:
            # per sentence, how many of its words the other quote has: a run's sum bounds what difflib matches
            hits = [0, *itertools.accumulate(sum(w in ob for w in piece) for piece in words)]
            sizes = [0, *itertools.accumulate(len(piece) for piece in words)]
            for i in range(len(pieces)):
                for j in range(i + 1, len(pieces) + 1):
                    bar = WHOLE * max(sizes[j] - sizes[i], len(o))
                    if (i, j) == (0, len(pieces)) or hits[j] - hits[i] < bar:
                        continue
                    if _matched([w for piece in words[i:j] for w in piece], o) >= bar:
                        quoted_alone[(i, j)].add(bid)
        # one part quoted alone is a cut of this quote, and so are two parts one outlet prints around "he said";
        # two parts that outlets quote without each other are two statements
        if not any(a[1] <= b[0] and quoted_alone[a] ^ quoted_alone[b] for a in quoted_alone for b in list(quoted_alone)):
            out.append((aid, q))
            continue
        bounds = sorted({k for span in quoted_alone for k in span} | {0, len(pieces)})
        text = arts[aid].text
        split = []
        for i, j in itertools.pairwise(bounds):
            piece = q.text[pieces[i][0] : pieces[j - 1][1]]
            at = text.find(piece, q.start, q.end)
            if at < 0:
                split = []
                break
            split.append((aid, dataclasses.replace(q, text=piece, start=at, end=at + len(piece))))
        out.extend(split if len(split) > 1 else [(aid, q)])
    return out


def _group(
    ctx: StoryContext,
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
    speakers = _same_people(ents, speakers)
    named = Counter(s for s in speakers if s)
    majority = named.most_common(1)[0][0] if named else None
    ref_words = _words(quotes[ref][1].text)
    versions = []
    wording = False
    for n, (aid, q) in enumerate(quotes):
        words = _words(q.text)
        changes = _changes(ref_words, words)
        flags = []
        fuller = [other for other in toks if len(other) > len(toks[n]) and _matched(toks[n], other) >= 0.9 * len(toks[n])]
        if len(toks[n]) <= 0.8 * longest and fuller and not _lead_restores(arts[aid].text, q.start, toks[n], fuller):
            flags.append("truncated")
        if (
            majority and speakers[n] and speakers[n] != majority
            and _is_person(ents, speakers[n]) and _is_person(ents, majority)
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
    people = {k for k in named if _is_person(ents, k)}
    # a company "saying" its chief's words is not another speaker; and one outlet's speaker against another's is
    # as likely a misread attribution as a dispute: the usual speaker must come from two independent origins
    backing = {ctx.origins.get(aid, aid) for (aid, _q), sp in zip(quotes, speakers, strict=True) if sp == majority}
    speaker_differs = len(people) > 1 and len(backing) >= SPEAKER_ORIGINS
    gid = content_id(story.id, "quote", *sorted(f"{aid}:{q.start}" for aid, q in quotes), prefix="q")
    return QuoteGroup(
        gid, story.id, ents.name(majority), quotes[ref][1].text, tuple(versions), wording, speaker_differs
    )


def quote_facts(
    ctx: StoryContext, story: Story, groups: list[QuoteGroup], origins: Mapping[str, str]
) -> tuple[list[Fact], list[Conflict]]:
    facts, conflicts = [], []
    speaker_spans = ctx.speaker_spans
    for g in groups:
        found = []
        cites = tuple(ctx.cite(v.article_id, v.start, v.end) for v in g.versions)
        if g.wording_differs:
            rows = [
                (_Sentence(v.article_id, v.start, v.end, v.text, [], set(), [], [], [], []),
                 " ".join(w.lower() for w in _words(v.text)), v.text, v.start, v.end)
                for v in g.versions
            ]  # fmt: skip
            found.append(make_conflict(ctx, story, g.id, "quote_wording", f"wording of {g.speaker or 'a quote'}: {_clip(g.text)}", rows))
        if g.speaker_differs:
            rows = [
                (_Sentence(v.article_id, *speaker_spans.get((v.article_id, v.start), (v.start, v.end)), v.text,
                           [], set(), [], [], [], []),
                 (v.speaker or "").lower(), v.speaker or "", v.start, v.end)
                for v in g.versions if v.speaker and (v.flags and "speaker_differs" in v.flags or
                                                      v.speaker == g.speaker)
            ]  # fmt: skip
            found.append(make_conflict(ctx, story, g.id, "quote_speaker", f"who said \u201c{_clip(g.text)}\u201d", rows))
        cut = _meaning_cuts(g, [v for v in g.versions if "truncated" in v.flags])
        if cut:
            # one value for the full wording, one for each cut that changes the meaning (harmless trims left out)
            rows = [
                (_Sentence(v.article_id, v.start, v.end, v.text, [], set(), [], [], [], []),
                 "cut: " + " ".join(w.lower() for w in _words(v.text)) if v in cut else "full", v.text, v.start, v.end)
                for v in g.versions if v in cut or "truncated" not in v.flags
            ]  # fmt: skip
            found.append(make_conflict(ctx, story, g.id, "quote_truncation", f"quote cut short: {_clip(g.text)}", rows))
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



def _matched(a: list[str], b: list[str]) -> int:
    return sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def _holds_share(a: list[str], b: list[str], b_words: frozenset[str]) -> bool:
    """Whether ``b`` repeats ``WHOLE`` of ``a``'s words in order (``_matched``), tested first on how many of
    ``a``'s words ``b`` has at all, a bound on it that costs no alignment: most pairs of quotes share few words."""
    bar = WHOLE * len(a)
    if sum(w in b_words for w in a) < bar:
        return False
    return _matched(a, b) >= bar


def _changes(ref: list[str], words: list[str]) -> tuple[WordChange, ...]:
    """Word-level differences of a version against the reference (case-insensitive)."""
    sm = difflib.SequenceMatcher(None, [w.lower() for w in ref], [w.lower() for w in words], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        out.append(WordChange(op, " ".join(ref[i1:i2]), " ".join(words[j1:j2])))  # type: ignore[arg-type]
    return tuple(out)


def _name_tokens(ents: EntityIndex, key: str) -> tuple[str, ...]:
    return _norm_name(ents.name(key) or key)


def _same_people(ents: EntityIndex, speakers: list[str | None]) -> list[str | None]:
    """Speakers written two ways ("Cllr Jane Doe" / "Jane Doe", "Jane Doe KC") mapped onto one key.

    One name's tokens inside the other's (two tokens at least, or the same surname with a title before it) is
    the same person; the key named most fully is kept.
    """
    keys = [k for k in dict.fromkeys(s for s in speakers if s)]
    toks = {k: set(_name_tokens(ents, k)) for k in keys}
    target = {k: k for k in keys}
    for a in keys:
        for b in keys:
            if a == b or not toks[a] or not toks[b]:
                continue
            if toks[a] < toks[b] and (len(toks[a]) >= 2 or _name_tokens(ents, a)[-1:] == _name_tokens(ents, b)[-1:]):
                target[a] = b
    out = []
    for s in speakers:
        while s and target.get(s, s) != s:
            s = target[s]
        out.append(s)
    return out


def _is_person(ents: EntityIndex, key: str) -> bool:
    """A speaker another outlet could be contradicted on: a person the reader resolved, or a full name as written
    (two name tokens), not an organisation or an office alone ("the ministry", "the premier")."""
    if key in ents.label_of:
        return _speaker_label(ents, key) == "PERSON"
    words = (ents.name(key) or key).split()
    return len(_name_tokens(ents, key)) >= 2 and all(w[:1].isupper() for w in words)


# independent origins that must name the usual speaker before another outlet's speaker is a dispute: one, now that
# speakers come from the parse (newsdesk: one-against-one attributions were reader slips in 7 of 7 cases with the
# pattern-only reader; with the parse they add no false one and the 5 true ones stay)
SPEAKER_ORIGINS = 1

# a quote of fewer than four words joins the same speaker's longer quote holding it word for word from this length
SHORT_RUN = 3  # shorter runs ("maybe", "textbook") only join at an edge, or the one statement holding them; newsdesk
# a reworded quote has at least this share of the words of the other version (newsdesk: the one paraphrase join
# below it was a different statement of the same speaker, 15 words against 34)
PARAPHRASE_LENGTH = 0.6
# a quote counts as printed whole, or a run of its sentences as quoted alone, when this share of the words match
WHOLE = 0.8  # the scorer's and the grouping's containment bar
# words of a partial quote's lead-in compared with the words its cut dropped ("should not have to | ...")
LEAD_WORDS = 3  # = NEGATION_REACH: the reach of a negation over the kept words

# a negation this many words before the kept ones scopes over them ("should not have to | cross ..."); fitted on
# the newsdesk quote truths
NEGATION_REACH = 3


def _lead_restores(text: str, start: int, kept: list[str], fuller: list[list[str]]) -> bool:
    """A partial quote whose own lead-in carries the words the cut dropped right before it ("nurses who should
    not have to 'board a night coach ...'"): the outlet kept the meaning outside the marks, so it is no truncation."""
    lead = [w.lower() for w in _words(text[max(0, start - 120) : start])][-LEAD_WORDS:]
    for full in fuller:
        block = difflib.SequenceMatcher(None, full, kept, autojunk=False).find_longest_match(0, len(full), 0, len(kept))
        dropped = full[max(0, block.a - LEAD_WORDS) : block.a]
        if dropped and lead[-len(dropped) :] == dropped:
            return True
    return False


def _meaning_cuts(group: QuoteGroup, cut: list[QuoteVersion]) -> list[QuoteVersion]:
    """The cut versions whose cut changes what the speaker said (:func:`_cut_changes_meaning`)."""
    return [v for v in cut if _cut_changes_meaning(group, [v])]


def _cut_changes_meaning(group: QuoteGroup, cut: list[QuoteVersion]) -> bool:
    """A cut that changes what the speaker said: the kept words are a clause the dropped words governed.

    Read on the full version: the words dropped before the kept ones (in the same sentence) negate or embed
    them ("We have no evidence that | the water is involved", "It is wrong to claim | the bridge collapsed"),
    or the kept words open the quote and the dropped rest turns against them ("We respect the result | , but
    we will demand a second count") or makes them conditional ("We will not sign | unless the terms change").
    An ordinary trim (a trailing sentence, a lead-in) is no conflict.
    """
    full = max(group.versions, key=lambda v: len(_words(v.text)))
    words = [w.lower() for w in _words(full.text)]
    for v in cut:
        kept = [w.lower() for w in _words(v.text)]
        if not kept or len(kept) >= len(words):
            continue
        block = difflib.SequenceMatcher(None, words, kept, autojunk=False).find_longest_match(
            0, len(words), 0, len(kept)
        )
        if block.size < 0.8 * len(kept):
            continue
        start, end = block.a, block.a + block.size
        sentence_start = _sentence_start(full.text, start)
        before = words[sentence_start:start]
        denied = any(w in NEGATIONS or w.endswith("n't") for w in before)
        if denied and (before[-1] in EMBEDDERS or any(w in NEGATIONS for w in before[-NEGATION_REACH:])):
            return True
        ends_sentence = _sentence_start(full.text, end) == end if end < len(words) else True
        if start == sentence_start and not ends_sentence and words[end] in CONTRASTS | CONDITIONS:
            return True
    return False


def _sentence_start(text: str, word_index: int) -> int:
    """Index of the first word of the sentence holding word ``word_index`` of ``text``."""
    first = 0
    count = 0
    for piece in re.split(r"(?<=[.!?])\s+", text):
        n = len(_words(piece))
        if count + n > word_index:
            return first
        count += n
        first = count
    return first
