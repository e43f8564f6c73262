from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..records import Article, Citation, Conflict, Fact, Story, content_id
from .align import facts_contradict
from .conflicts import sentence_conflicts
from .context import StoryContext
from .entities import EntityIndex
from .sentences import _Sentence, _action


def event_fact(
    ctx: StoryContext,
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
        conflicts += sentence_conflicts(ctx, story, fact_id, members, arts, rep)
    # a close paraphrase vouches only when it states the same facts: wording alone (the fake embedder's
    # bag of words, or MiniLM on a sentence with one figure changed) is not agreement
    ctx.close[fact_id] = tuple(
        ctx.cite(m.article_id, m.start, m.end)
        for m in members
        if m is rep or (ctx.cos[rep.order, m.order] >= ctx.settings.agree_cosine and not facts_contradict(rep, m))
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
        citations=tuple(ctx.cite(m.article_id, m.start, m.end) for m in members),
        conflict_ids=tuple(c.id for c in conflicts),
    )
    return fact, conflicts


def _has_slots(fact: Fact) -> bool:
    return bool(fact.who or fact.what or fact.where or fact.when or fact.how_many or fact.roles)



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
