from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..lang.titles import (
    EXTRA_RANKS,
    FORMS_OF_ADDRESS,
    INFORMAL_HEADS,
    IRREGULAR_DEMONYMS,
    ORGANISATION_NOUNS,
    PARAPHRASE_MODIFIERS,
    TITLE_ABBREVIATIONS,
    TITLE_ADVERBS,
)
from ..read.roles import MODIFIERS, ROLE_NOUNS
from ..records import Article, Conflict, Fact, Mention, Reading, Role, Story, content_id
from .conflicts import make_conflict
from .context import StoryContext
from .entities import EntityIndex
from .sentences import _Sentence, _sentence_around
from .text import _ARTICLES, _RANKS, _US, _norm_name, _words


# ---------------------------------------------------------------- titles

_HEAD_SYNONYMS = {
    "chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "organizer": "organiser", "skipper": "captain",
}  # fmt: skip
_TITLE_WORDS = ROLE_NOUNS | MODIFIERS
# a title's head noun is split from its complement at these prepositions ("nurse from Kelby")
_SPLIT = re.compile(r"\s+(?:of|for|to|at|with|in|on|from)\s+", re.I)
_ABBREVIATION = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, TITLE_ABBREVIATIONS), key=len, reverse=True)) + r")\b", re.I
)


@dataclass(frozen=True)
class _Title:
    """A title read as: rank words, the head noun, generic modifiers, and the employer's proper names."""

    head: str
    modifiers: frozenset[str]  # stems of lower-case words before the head ("fire" in "fire chief")
    employer: frozenset[str]  # runs of capitalized words ("white house", "kestovian export council")
    ranks: frozenset[str]
    former: bool
    informal: bool = False  # "boss", "health chief", "top diplomat": a standing, not a post
    words: frozenset[str] = frozenset()  # stems of every word but the head, whatever its case


def _stem(word: str) -> str:
    """"floods" / "flooding" / "flood" alike: plural and -ing endings off, then five letters at most."""
    w = re.sub(r"(?:ing|s)$", "", word) if len(word) > 4 else word
    return w[:5]


def _is_name_word(word: str) -> bool:
    """A capitalized word that names the employer, not a title word written in Title Case."""
    low = word.lower()
    base = low[:-2] if low.endswith("'s") else low
    return word[:1].isupper() and base not in _TITLE_WORDS and base not in _ARTICLES | {"former"}


def _runs(words: Sequence[str]) -> list[str]:
    """Consecutive capitalized name words, lower-cased and joined ("White House", "Middle East")."""
    out, run = [], []
    for w in words:
        if _is_name_word(w):
            low = w.lower()
            low = low[:-2] if low.endswith("'s") else low
            run.append(_US.get(low, IRREGULAR_DEMONYMS.get(low, low)))
        elif w.lower() in {"of", "for", "and"} and run:
            continue
        else:
            if run:
                out.append(" ".join(run))
            run = []
    if run:
        out.append(" ".join(run))
    return out


# "who heads/leads X" (:mod:`storyline.read.roles`): whoever leads X, whatever the post is called
_LEADS = re.compile(r"^who\s+(?:now\s+|currently\s+)?(?:heads|leads|chairs|directs)\s+", re.I)


def _loose_title(head: str, what: str, former: bool) -> _Title:
    """A place at an organisation that names no precise post ("who leads X", "of X"): its names are the employer."""
    words = _words(what)
    return _Title(head, frozenset(), frozenset(_runs(words)), frozenset(), former, True,
                  frozenset(_stem(w.lower()) for w in words))


def _parse_title(role: Role) -> _Title | None:
    if re.match(r"(?:of|at)\s", role.title):  # "of the University of Tolby": an employer without a post
        return _loose_title("", role.title.split(None, 1)[1], role.former)
    leads = _LEADS.match(role.title)
    if leads:
        return _loose_title("head", role.title[leads.end() :], role.former)
    text = _ABBREVIATION.sub(lambda m: TITLE_ABBREVIATIONS[m.group(1).lower()], role.title.replace("’", "'"))
    text = re.sub(r"\([^)]*\)", " ", text).strip()  # "(North West)": a gloss, not the title
    parts = _SPLIT.split(text, maxsplit=1)
    pre = [w for w in _words(parts[0]) if w.lower() not in TITLE_ADVERBS]
    if not pre:
        return None
    head = pre[-1].lower()
    head = head[:-2] if head.endswith("'s") else head
    head = _HEAD_SYNONYMS.get(head, head)
    if len(pre) == 1 and len(parts) == 1 and (head in _RANKS or head in FORMS_OF_ADDRESS):
        return None  # "Deputy" or "Cllr" alone before a name is a form of address, not a post
    mods = [w for w in pre[:-1] if w.lower() not in _ARTICLES]
    ranks = frozenset(w.lower() for w in mods if w.lower() in _RANKS | EXTRA_RANKS)
    lower = [w.lower() for w in mods if not _is_name_word(w) and w.lower() not in _RANKS | EXTRA_RANKS]
    informal = head in INFORMAL_HEADS or bool(set(lower) & PARAPHRASE_MODIFIERS) or (head == "head" and len(parts) == 1)
    # a lower-case possessive ("the company's", "the region's") points back to an employer named elsewhere
    modifiers = frozenset(_stem(w) for w in lower if not w.endswith("'s") and w not in PARAPHRASE_MODIFIERS)
    employer = set(_runs([w for w in mods if w.lower() not in _RANKS]))
    if len(parts) > 1:
        employer.update(_runs(_words(parts[1])))
    # "Union leader" at the start of a sentence: a capitalised noun for an organisation, not the organisation's name
    kinds = {e for e in employer if e in ORGANISATION_NOUNS}
    employer -= kinds
    modifiers |= {_stem(k) for k in kinds}
    former = role.former or "former" in ranks or text.lower().startswith("ex-")
    rest = [w.lower() for w in pre[:-1]] + ([w.lower() for w in _words(parts[1])] if len(parts) > 1 else [])
    words = frozenset(_stem(IRREGULAR_DEMONYMS.get(w, w)) for w in (x[:-2] if x.endswith("'s") else x for x in rest))
    # "co-founder" / "founder": a founder either way
    return _Title(head, modifiers, frozenset(employer), ranks - {"former", "co"}, former, informal, words)


_POSSESSOR = re.compile(r"^(?P<who>[A-Z][\w-]*)['\u2019]s\s+")
_SENTENCE_OPENS = re.compile(r"(?:^|[.!?]['\"\u2019\u201d]?\s+|\n\s*|[\"\u201c]\s*)$")


def _as_read(role: Role, text: str, mentions: Sequence[Mention], people: frozenset[str]) -> Role:
    """The title with what is not the employer's name set aside: a person's possessive ("Holst's lawyer": whose
    lawyer, not whose employee) and a word capitalised only because it opens the sentence ("Defence lawyer X
    said"), when the reader found no name there and it is no title word ("Chief executive X" keeps "chief").
    ``people``: the words of the names of people in the article."""
    title = role.title
    possessor = _POSSESSOR.match(title)
    if possessor and possessor.group("who") in people:
        title = title[possessor.end() :]
    else:
        first, _, rest = title.partition(" ")
        opens = _SENTENCE_OPENS.search(text[max(0, role.start - 3) : role.start]) is not None
        alone = rest[:1].islower()  # one capitalised word, not the first of a name ("Serious Fraud Office director")
        if alone and opens and first.istitle() and _is_name_word(first) and not any(m.start == role.start for m in mentions):
            title = rest  # a capitalised common word, not a name the reader found: neither employer nor post
    return role if title == role.title else replace(role, title=title)


def _explained(employer: frozenset[str], other: _Title) -> bool:
    """Every word of these employer names appears somewhere in the other title ("Energy Transition Minister" /
    "Chile's energy transition minister"): Title Case made title words look like names."""
    return all(_stem(w) in other.words for name in employer for w in name.split())


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
    if a.former != b.former:
        return False
    if a.ranks != b.ranks:
        return False
    if a.employer and b.employer and not any(_same_employer(x, y) for x in a.employer for y in b.employer):
        if not (_explained(a.employer, b) or _explained(b.employer, a)):
            return False
    if a.modifiers and b.modifiers and not (a.modifiers <= b.words or b.modifiers <= a.words):
        return False
    return True


def _different_jobs(a: Sequence[_Title], b: Sequence[_Title]) -> bool:
    """Each article gives one job under different heads ("captain" / "first officer"), both precise,
    both current or both past (a past job does not contradict a present one). Shorthand ("boss", "health
    chief", "top diplomat") fits any post; under one head it is compared like any title ("fire chief" /
    "police chief")."""
    if len({t.head for t in a}) != 1 or len({t.head for t in b}) != 1:
        return False
    if any(t.informal for t in (*a, *b)):
        return False
    return {t.former for t in a} == {t.former for t in b}


def _other_employer(a: Sequence[tuple[Role, _Title]], b: Sequence[tuple[Role, _Title]]) -> bool:
    """Where one article places a person only by an organisation ("Dr X, of the University of Y") and the other
    names employers none of which is that one (nor explains it)."""
    emp_a = frozenset().union(*(t.employer for _, t in a))
    emp_b = frozenset().union(*(t.employer for _, t in b))
    if not emp_a or not emp_b:
        return False
    return not any(_same_employer(x, y) for x in emp_a for y in emp_b)


def _merge_titles(titles: Sequence[_Title]) -> _Title:
    """One article's titles for a person under one head word, read together."""
    return _Title(
        titles[0].head,
        frozenset().union(*(t.modifiers for t in titles)),
        frozenset().union(*(t.employer for t in titles)),
        frozenset().union(*(t.ranks for t in titles)),
        any(t.former for t in titles),
        all(t.informal for t in titles),
        frozenset().union(*(t.words for t in titles)),
    )



def title_conflicts(
    ctx: StoryContext,
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
        mentions = reads[aid].mentions
        named = frozenset(w for m in mentions if m.label == "PERSON" for w in m.text.split())  # words of people's names
        for role in reads[aid].roles:
            parsed = _parse_title(_as_read(role, arts[aid].text, mentions, named))
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
        involved: dict[str, set[str]] = defaultdict(set)  # article -> heads of its disputed titles
        heads = {aid: {t.head for _, t in items} for aid, items in per_article.items()}
        aids = list(per_article)
        for i, a in enumerate(aids):
            for b in aids[i + 1 :]:
                shared = heads[a] & heads[b]
                for head in shared:
                    ta = _merge_titles([t for _, t in per_article[a] if t.head == head])
                    tb = _merge_titles([t for _, t in per_article[b] if t.head == head])
                    if not _titles_agree(ta, tb):
                        involved[a].add(head)
                        involved[b].add(head)
                if not shared and _different_jobs([t for _, t in per_article[a]], [t for _, t in per_article[b]]):
                    involved[a] |= heads[a]
                    involved[b] |= heads[b]
                if "" in heads[a] ^ heads[b] and _other_employer(per_article[a], per_article[b]):
                    involved[a] |= {t.head for _, t in per_article[a] if t.employer}
                    involved[b] |= {t.head for _, t in per_article[b] if t.employer}
        fact_id = content_id(story.id, "role", person, prefix="f")
        cites, rows = [], []
        parsed_of: dict[str, _Title] = {}
        for aid, items in per_article.items():
            for role, parsed in items:
                s, e = _sentence_around(arts[aid], reads[aid], role.start, role.end)
                cites.append(ctx.cite(aid, s, e))
                if parsed.head in involved.get(aid, ()):
                    sent = _Sentence(aid, s, e, arts[aid].text[s:e], [], set(), [], [], [], [])
                    # "the ship's captain": the possessive points back to the employer; the post is the value
                    shown = re.sub(r"^[a-z][\w-]*['’]s\s+", "", role.title)
                    label = ("former " if role.former and "former" not in role.title.lower() else "") + shown
                    key = " ".join(label.lower().split())
                    parsed_of.setdefault(key, parsed)
                    rows.append((sent, key, label, role.start, role.end))
        # titles that agree ("head coach" / "coach") are one value of the conflict, not two
        same_post = lambda x, y: parsed_of[x].head == parsed_of[y].head and _titles_agree(parsed_of[x], parsed_of[y])  # noqa: E731
        found = [make_conflict(ctx, story, fact_id, "title", f"title of {name}", rows, same_post)] if involved else []
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
