from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..records import Article, Conflict, Fact, Reading, Role, Story, content_id
from .conflicts import make_conflict
from .context import StoryContext
from .entities import EntityIndex
from .sentences import _Sentence, _sentence_around
from .text import _ARTICLES, _RANKS, _TITLE_SPLIT, _US, _norm_name, _words


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
                cites.append(ctx.cite(aid, s, e))
                if aid in involved:
                    sent = _Sentence(aid, s, e, arts[aid].text[s:e], [], set(), [], [], [], [])
                    label = ("former " if role.former and "former" not in role.title.lower() else "") + role.title
                    rows.append((sent, " ".join(label.lower().split()), label, role.start, role.end))
        found = [make_conflict(ctx, story, fact_id, "title", f"title of {name}", rows)] if involved else []
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
