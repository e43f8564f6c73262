from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..codec import to_json
from ..records import Article, Citation, Conflict, CopyLink, Fact, QuoteGroup, Reading, Story, TimelineEvent
from ..read.gazetteer import Gazetteer
from .align import align_sentences
from .claim_conflicts import claim_conflicts
from .claims import slot_facts
from .conflicts import _dedupe
from .context import CompareSettings, StoryContext
from .entities import EntityIndex, resolve_entities
from .origins import independent_origins
from .lead_days import lead_day_conflicts
from .outliers import outlier_figures
from .sentences import _published_key, _Sentence, _sentences_of
from .syntax import SyntaxReader, texts_needing_parse
from .quotes import quote_facts, quote_groups
from .statuses import _attach_story_conflicts, _has_slots, _with_status, event_fact
from .text import squash
from .timeline import timeline
from .titles import title_conflicts
from .vectors import SentenceVectors


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
    """Builds a :class:`StoryAnalysis`. Thresholds (:class:`CompareSettings`) are set on the demo corpus (MiniLM).

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
      name>``, keyed by a digest of the embedded text (:func:`.vectors.text_key`), so re-analysing a story after
      an article joins it only embeds the new article's sentences, and a copy's sentence reuses its origin's
      vector (no schema change: the embeddings table's id column simply holds text keys).
    """

    def __init__(
        self, embedder: Any, *, vector_store: Any = None, syntax: SyntaxReader | None = None,
        gazetteer: Gazetteer | None = None, **thresholds: float,
    ) -> None:
        self.embedder = embedder
        self.settings = CompareSettings(**thresholds)
        self.vectors = SentenceVectors(embedder, vector_store)
        # the parser loads on the first story with two independent origins; pass one reader to keep its cache
        self.syntax = syntax if syntax is not None else SyntaxReader()
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer()

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
        ctx = StoryContext(
            story, {i: arts[i] for i in ids}, reads, origins, ents, self.settings, self.vectors, syntax=self.syntax,
            gazetteer=self.gazetteer,
            rewritten=frozenset(a for a, link in links.items() if a in arts and link.kind in ("rewrite", "partial")),
        )

        sentences = [s for i in ids for s in _sentences_of(arts[i], reads[i], ents)]
        clusters, cos = align_sentences(ctx, sentences)
        ctx = replace(ctx, cos=cos)
        conflicts: list[Conflict] = []
        facts: list[Fact] = []
        for members in clusters:
            fact, found = event_fact(ctx, story, members, origins, ents, arts)
            conflicts.extend(found)
            # a lone sentence naming nothing ("Which kettles are affected?") helped alignment but is no fact
            if found or len(fact.article_ids) > 1 or _has_slots(fact):
                facts.append(fact)
        conflicts.extend(self._claim_conflicts(ctx, story, clusters))
        role_facts, role_conflicts = title_conflicts(ctx, story, ids, reads, ents, origins, arts)
        facts.extend(role_facts)
        conflicts.extend(role_conflicts)
        groups = quote_groups(ctx, story, ids, arts, reads, ents)
        q_facts, q_conflicts = quote_facts(ctx, story, groups, origins)
        facts.extend(q_facts)
        conflicts.extend(q_conflicts)
        # a "disagreement" with one value (a speaker named alike in every version) is none at all
        conflicts, alias = _dedupe([c for c in conflicts if len(c.values) >= 2])
        conflicts = sorted(conflicts, key=lambda c: _reading_order(c, ids))
        _attach_story_conflicts(facts, conflicts)
        # a fact is contested when one of its conflicts (not a mere update) is listed
        disputed = {c.id for c in conflicts if not c.update}
        facts = [_with_status(f, alias, disputed, ctx.close, origins) for f in facts]
        listed = {c.id: n for n, c in enumerate(conflicts)}  # a fact's conflicts in the order the story lists them
        facts = [replace(f, conflict_ids=tuple(sorted(f.conflict_ids, key=lambda i: listed.get(i, len(listed)))))
                 for f in facts]  # fmt: skip
        for fact in facts:  # what the citation checker accepts as a paraphrase of an agreed sentence fact
            if fact.kind == "event" and fact.status == "agreed":
                for c in fact.citations:
                    ents.paraphrases.setdefault((c.article_id, c.start, c.end), set()).add(squash(fact.text))
        facts.extend(slot_facts(ctx, story, sentences, origins, ents, conflicts))
        events = timeline(ctx, ids, arts, reads)
        return StoryAnalysis(
            story, arts, reads, links, origins, ents, tuple(facts), tuple(conflicts), tuple(groups), tuple(events),
            ctx.close,
        )


    def _claim_conflicts(self, ctx: StoryContext, story: Story, clusters: list[list[_Sentence]]) -> list[Conflict]:
        """Conflicts read from the parse of the aligned sentences (only in a story of two or more origins)."""
        if len(set(ctx.origins.values())) < 2 or ctx.syntax is None:
            return []
        need = texts_needing_parse(clusters)
        parsed = dict(zip((s.order for s in need), ctx.syntax.claims([s.text for s in need]), strict=True))
        out: list[Conflict] = []
        # a figure or day given in sentences that did not align (one outlet's sentence says more, or says it
        # elsewhere): compared across the story on keys naming an action and what it is about
        out += claim_conflicts(ctx, story, need, parsed, ctx.articles, self.gazetteer,
                               frozenset({"number", "time"}), story_wide=True)
        # a figure most origins agree on for a counted noun, and one origin gives otherwise, in any sentence
        out += outlier_figures(ctx, story, need, parsed, ctx.articles)
        # the day the leads agree the event fell on, and a lead that puts it earlier
        out += lead_day_conflicts(ctx, story, need, parsed)
        # claims are compared between sentences aligned as saying one thing: across the whole story a noun alone
        # ("votes", "kilograms", "customers") counts too many different things (newsdesk: precision 0.40)
        # where a named site stands holds across the story ("the Brennard Chemicals plant in Halden Falls")
        out += claim_conflicts(ctx, story, need, parsed, ctx.articles, self.gazetteer, frozenset({"place"}),
                               named_only=True)
        for members in clusters:
            claims = {s.order: parsed[s.order] for s in members if s.order in parsed}
            if len({s.article_id for s in members if s.order in claims}) >= 2:
                out += claim_conflicts(ctx, story, members, claims, ctx.articles, self.gazetteer)
        return out


def _reading_order(conflict: Conflict, ids: Sequence[str]) -> tuple:  # type: ignore[type-arg]
    """Conflicts in the order a reader meets them (the story's articles in order, then the position in the text),
    then by kind and subject: the same story always lists its conflicts alike, whatever order the checks found them."""
    rank = {a: n for n, a in enumerate(ids)}
    spans = [(rank.get(c.article_id, len(rank)), c.start) for v in conflict.values for c in v.citations]
    return (min(spans, default=(len(rank), 0)), conflict.kind, conflict.subject, conflict.id)


def analysis_tools() -> dict[str, Any]:
    """The parser and gazetteer a run of analyses shares: pass them to every :class:`Comparer` (as keyword
    options) so each loads once, on first use, and the parse cache outlives one story."""
    return {"syntax": SyntaxReader(), "gazetteer": Gazetteer()}


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
