"""Store-wide use of the coreference pair model: which of several people sharing a surname a lone "Mr. Dmitriev" of
another article is (:class:`NamesakeLinker`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .coref import MentionInfo, TreePairModel
from .coref_encoder import MiniLMSpanEncoder, _unit


@dataclass(frozen=True, slots=True)
class NameContext:
    """One mention of a name in an article: its sentence and where the name sits in it."""

    article_id: str
    sentence: str
    start: int  # of the name inside ``sentence``
    end: int
    sentence_index: int = 0


def _entity_key(member: tuple[str, Any]) -> tuple[str, Any]:
    """(article id, local entity key): what a namesake question is about, hashable."""
    article_id, entity = member
    return article_id, getattr(entity, "key", entity)


class NamesakeLinker:
    """Decides which of several people sharing a surname a lone "Mr. Dmitriev" of another article is.

    The store-wide resolver (:func:`storyline.read.entities.resolve_entities`) joins a lone surname
    to the only full-name person with that surname; with two or more ("Kirill Dmitriev" the fund
    chief, "Ivan Dmitriev" the goalkeeper) it asks this linker, in two steps:

    1. *can it be them?* Each side's mentions become :class:`MentionInfo` records (MiniLM vectors
       of the mention in its sentence and of its own words) and the tree pair model scores every
       lone-candidate pair; a candidate whose mean probability (average link, as in
       :func:`resolve_mentions`) is under ``threshold`` is out.
    2. *which one?* The name's vector in its sentence is mostly the name itself, so it cannot
       tell two Dmitrievs apart; what was said around the name can. The mean of the sentence's
       other word pieces (same forward pass) stands for that, and the remaining candidate whose sentences are closest to the
       lone surname's wins if it beats the runner-up by ``margin`` in cosine; otherwise the
       surname stays on its own (a wrong merge is worse than a missed one).

    ``contexts(article_id, entity)`` gives the mentions of a local entity (at most ``per_entity``
    of each side's are read). The model is loaded on the first ambiguous surname only, so a store
    without namesakes pays nothing.

    The store-wide refresh runs after every batch and asks the same questions again, so one linker
    is meant to live as long as its runner (:meth:`rebind` points it at the current store's
    contexts): decisions are remembered per (lone surname, candidates) and every MiniLM vector per
    text, so a question already answered costs a dictionary lookup and a new one only encodes the
    sentences it has not seen. Article ids are content hashes, so a remembered answer cannot go stale.
    """

    def __init__(self, contexts: Any, *, threshold: float = 0.4, margin: float = 0.03, per_entity: int = 6,
                 model: TreePairModel | None = None, encoder: MiniLMSpanEncoder | None = None) -> None:
        self.contexts = contexts
        self.threshold = threshold
        self.margin = margin
        self.per_entity = per_entity
        self._model = model
        self._encoder = encoder
        self.calls = 0  # questions asked
        self.decided = 0  # questions that needed the models (the rest were remembered)
        self._decisions: dict[tuple[Any, ...], int | None] = {}
        self._span_vectors: dict[tuple[str, int, int], tuple[np.ndarray, np.ndarray]] = {}  # (mention, rest)
        self._whole_vectors: dict[str, np.ndarray] = {}

    def rebind(self, contexts: Any) -> NamesakeLinker:
        """Point the linker at a new ``contexts`` (the next refresh) keeping what it remembers."""
        self.contexts = contexts
        return self

    def _span(self, contexts: Sequence[NameContext]) -> tuple[np.ndarray, np.ndarray]:
        """The mentions' vectors in their sentences and their sentences' other words, one pass each."""
        todo = list(dict.fromkeys((c.sentence, c.start, c.end) for c in contexts
                                  if (c.sentence, c.start, c.end) not in self._span_vectors))
        todo.sort(key=lambda t: len(t[0]))  # batches of like lengths: less padding to encode
        if todo:
            mention, rest = self._encoder.encode_span_and_rest([t[0] for t in todo], [(t[1], t[2]) for t in todo])
            self._span_vectors.update(zip(todo, zip(mention, rest, strict=True), strict=True))
        pairs = [self._span_vectors[(c.sentence, c.start, c.end)] for c in contexts]
        return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])

    def _whole(self, texts: Sequence[str]) -> np.ndarray:
        todo = sorted((t for t in dict.fromkeys(texts) if t not in self._whole_vectors), key=len)
        if todo:
            self._whole_vectors.update(zip(todo, self._encoder.encode_whole(todo), strict=True))
        return np.stack([self._whole_vectors[t] for t in texts])

    def _infos(self, group: Hashable, items: Sequence[NameContext], head: str) -> list[MentionInfo]:
        return [MentionInfo(doc=c.article_id, sentence=c.sentence_index, kind="name", label="PERSON", head=head,
                            surface=c.sentence[c.start : c.end].lower(), rule_cluster=group, start=c.start)
                for c in items]

    def __call__(self, lone: tuple[str, Any], candidates: Sequence[Sequence[tuple[str, Any]]]) -> int | None:
        self.calls += 1
        key = self._key(lone, candidates)
        if key not in self._decisions:
            self._decisions[key] = self._decide(lone, candidates)
        return self._decisions[key]

    @staticmethod
    def _key(lone: tuple[str, Any], candidates: Sequence[Sequence[tuple[str, Any]]]) -> tuple[Any, ...]:
        """The question: the lone surname and each candidate by its first member (article ids are
        content hashes), so a candidate that gained articles since is still the same question."""
        return _entity_key(lone), tuple(min(_entity_key(m) for m in members) for members in candidates)

    def _sample(self, members: Sequence[tuple[str, Any]]) -> list[NameContext]:
        """Up to ``per_entity`` mentions of a candidate, from its members in the order given (the
        resolver puts those in the lone surname's story first); only as many articles are read as
        that takes."""
        out: list[NameContext] = []
        for aid, ent in members:
            out.extend(self.contexts(aid, ent))
            if len(out) >= self.per_entity:
                break
        return out[: self.per_entity]

    def _question(self, lone: tuple[str, Any], candidates: Sequence[Sequence[tuple[str, Any]]]
                  ) -> tuple[list[NameContext], list[list[NameContext]]]:
        return list(self.contexts(*lone))[: self.per_entity], [self._sample(members) for members in candidates]

    def prefetch(self, questions: Sequence[tuple[tuple[str, Any], Sequence[Sequence[tuple[str, Any]]]]]) -> None:
        """Encode, in large batches, every text the new ones among ``questions`` will need.

        :func:`storyline.read.entities.resolve_local_entities` hands over all its questions first;
        encoding them together instead of one small batch per question is what keeps a store-wide
        refresh of thousands of articles in seconds rather than minutes.
        """
        new = [q for q in questions if self._key(*q) not in self._decisions]
        if not new:
            return
        load = getattr(self.contexts, "load", None)
        if load is not None:  # read every article involved in one go
            needed = set()
            for (aid, _), candidates in new:
                needed.add(aid)
                for members in candidates:
                    needed.update(a for a, _ in members[: self.per_entity])
            load(sorted(needed))
        contexts: list[NameContext] = []
        for lone, candidates in new:
            mine, theirs = self._question(lone, candidates)
            contexts += mine + [c for items in theirs for c in items]
        if not contexts:
            return
        self._encoder = self._encoder or MiniLMSpanEncoder()
        self._span(contexts)
        self._whole([c.sentence[c.start : c.end].lower() for c in contexts])

    def _decide(self, lone: tuple[str, Any], candidates: Sequence[Sequence[tuple[str, Any]]]) -> int | None:
        self.decided += 1
        mine, theirs = self._question(lone, candidates)
        if not mine or not all(theirs):
            return None
        head = mine[0].sentence[mine[0].start : mine[0].end].split()[-1].lower().strip(".,'’s")
        infos = self._infos("lone", mine, head)
        owner = [-1] * len(mine)
        for k, items in enumerate(theirs):
            infos += self._infos(("candidate", k), items, head)
            owner += [k] * len(items)
        contexts = [c for items in (mine, *theirs) for c in items]
        self._encoder = self._encoder or MiniLMSpanEncoder()
        self._model = self._model or TreePairModel.load()
        vectors, said = self._span(contexts)
        surfaces = self._whole([m.surface for m in infos])
        prob = self._model.probabilities(infos, vectors, surfaces)
        own = np.array(owner)
        lone_said = _unit(said[own == -1].mean(axis=0, keepdims=True))[0]
        able = [k for k in range(len(theirs)) if prob[np.ix_(own == -1, own == k)].mean() >= self.threshold]
        closeness = {k: float(_unit(said[own == k].mean(axis=0, keepdims=True))[0] @ lone_said) for k in able}
        ranked = sorted(able, key=lambda k: -closeness[k])
        if not ranked:
            return None
        if len(ranked) > 1 and closeness[ranked[0]] - closeness[ranked[1]] < self.margin:
            return None
        return ranked[0]
