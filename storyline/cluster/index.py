"""The story index: stories, members, centroids, entity profiles and the ANN index of articles; online assignment
and analyst overrides. Consolidation (regroup) lives in :mod:`storyline.cluster.regroup`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import hnswlib
import numpy as np

from ..errors import Conflict, NotFound, StageError
from ..records import Assignment, Story, content_id
from .events import EventKey, event_conflict, merge_keys
from .features import ArticleFeatures
from .followup import refers_back
from .gap import place_unnamed
from .regroup import RegroupMixin, _top
from .settings import ClusterSettings

@dataclass(slots=True)
class _Story:
    id: str
    founder: str
    members: list[str] = field(default_factory=list)
    centroid: np.ndarray | None = None  # sum of member vectors
    cnorm: float = 1.0  # its length, kept up to date
    entities: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    days: list[date] = field(default_factory=list)
    lex: dict[str, float] = field(default_factory=dict)  # sum of member TF-IDF vectors (pruned)
    lex_norm2: float = 0.0
    event: EventKey = EventKey()  # the members' event days, the founder's dateline country, sequence cues, figures
    redirect_to: str | None = None
    reason: str = ""


def story_id_for(founder: str, salt: str = "") -> str:
    """Stable story id: the content hash of the founding article id."""
    return content_id(founder, salt or None, prefix="s")


@dataclass(frozen=True, slots=True)
class Candidate:
    story_id: str
    score: float
    text: float  # cosine to the centroid
    nearest: float  # cosine to the closest member
    lexical: float
    entities: float  # coverage 0..1
    time_gap: float  # 0 (agree or unknown) .. 1 (``day_far`` apart or more)
    same_days: float  # 1 when the event days are within ``same_days`` of the story's, else 0
    place: float  # -1 different, 0 unknown, 0.5 same
    closest: tuple[tuple[str, float], ...]
    shared: tuple[str, ...]
    evidence: tuple[str, ...]


class StoryIndex(RegroupMixin):
    """All clustering state: stories, members, centroids, entity profiles and the ANN index of articles.

    Rebuild it from the store with :meth:`rebuild` (assignments + embeddings + readings + overrides).
    """

    def __init__(self, dim: int, settings: ClusterSettings | None = None, *, capacity: int = 1024) -> None:
        self.dim = dim
        self.settings = settings or ClusterSettings()
        self._ann = hnswlib.Index(space="ip", dim=dim)
        self._ann.init_index(max_elements=max(capacity, 16), ef_construction=64, M=self.settings.m)
        self._ann.set_ef(self.settings.ef)
        self._ann.set_num_threads(1)  # one article at a time: spawning threads per call costs more than it saves
        self._labels: list[str] = []  # ANN label -> article id
        self._label_of: dict[str, int] = {}
        self.stories: dict[str, _Story] = {}
        self.story_of: dict[str, str] = {}
        self.features: dict[str, ArticleFeatures] = {}
        self.assignments: dict[str, Assignment] = {}
        self._df: Counter[str] = Counter()  # entity document frequency (for rarity weights)
        self._tdf: Counter[str] = Counter()  # content-word document frequency (for TF-IDF)
        self._ndf: Counter[str] = Counter()  # number document frequency
        self._analyst: set[str] = set()  # stories an analyst merged into: consolidation leaves them alone
        self._vocab: dict[str, int] = {}  # "t:word" / "e:name" / "n:number" / "y:year" -> column (pair evidence)
        self._vocab_list: list[str] = []
        self._row_cache: dict[str, tuple[tuple[np.ndarray, np.ndarray], ...]] = {}
        self._apart: set[frozenset[str]] = set()  # story pairs an analyst split: never merged again
        self.touched: set[str] = set()  # stories changed since the caller last saved them
        self._changed: set[str] = set()  # article ids whose assignment changed since the last take_changed()

    # ------------------------------------------------------------ helpers

    def __len__(self) -> int:
        return len(self.story_of)

    def take_changed(self) -> set[str]:
        """Article ids whose assignment was made or changed since the last call (what to save)."""
        changed, self._changed = self._changed, set()
        return changed

    def resolve(self, story_id: str) -> str:
        """Follow merge redirects to the live story."""
        seen = set()
        while story_id in self.stories and self.stories[story_id].redirect_to and story_id not in seen:
            seen.add(story_id)
            story_id = self.stories[story_id].redirect_to  # type: ignore[assignment]
        return story_id

    def vector(self, article_id: str) -> np.ndarray:
        return np.asarray(self._ann.get_items([self._label_of[article_id]])[0], dtype=np.float32)

    def _idf(self, entity: str) -> float:
        return math.log((len(self.story_of) + 1) / (self._df[entity] + 1)) + 1.0

    def _lexical(self, feats: ArticleFeatures) -> dict[str, float]:
        """The article's unit-length TF-IDF vector over its content words (idf as of now)."""
        n = len(self.story_of) + 1
        vec = {t: (1.0 + math.log(c)) * (math.log((n + 1) / (self._tdf[t] + 1)) + 1.0) for t, c in feats.terms}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def _count(self, feats: ArticleFeatures) -> None:
        for ent in feats.entities:
            self._df[ent] += 1
        for term, _ in feats.terms:
            self._tdf[term] += 1
        for number in feats.numbers:
            self._ndf[number] += 1

    def _add_to_ann(self, article_id: str, vector: np.ndarray) -> None:
        label = len(self._labels)
        if label >= self._ann.get_max_elements():
            self._ann.resize_index(self._ann.get_max_elements() * 2)
        self._ann.add_items(vector[None, :], [label])
        self._labels.append(article_id)
        self._label_of[article_id] = label

    def _join(self, story: _Story, article_id: str, vector: np.ndarray, feats: ArticleFeatures) -> None:
        story.members.append(article_id)
        self._add_lex(story, self._lexical(feats))
        story.centroid = vector.copy() if story.centroid is None else story.centroid + vector
        story.cnorm = float(np.linalg.norm(story.centroid)) or 1.0
        story.entities.update(feats.entities)
        story.places.update(feats.places)
        if feats.day is not None:
            story.days.append(feats.day)
        story.event = merge_keys(story.event, feats.event)
        self.story_of[article_id] = story.id
        self.touched.add(story.id)

    @staticmethod
    def _add_lex(story: _Story, vec: Mapping[str, float], keep: int = 300) -> None:
        lex = story.lex
        for term, w in vec.items():
            lex[term] = lex.get(term, 0.0) + w
        if len(lex) > keep * 2:  # prune to the heaviest terms so big stories stay small
            story.lex = lex = dict(sorted(lex.items(), key=lambda kv: -kv[1])[:keep])
        story.lex_norm2 = sum(w * w for w in lex.values())

    def _new_story(self, founder: str) -> _Story:
        sid = story_id_for(founder)
        n = 0
        while sid in self.stories:  # a split may have used the founder's id already
            n += 1
            sid = story_id_for(founder, f"#{n}")
        story = _Story(sid, founder)
        self.stories[sid] = story
        return story

    # ------------------------------------------------------------ scoring

    def _score(
        self,
        vector: np.ndarray,
        feats: ArticleFeatures,
        story: _Story,
        closest: list[tuple[str, float]],
        avec: Mapping[str, float],
        idf: Mapping[str, float],
    ) -> Candidate:
        s = self.settings
        assert story.centroid is not None
        cos_centroid = float(np.dot(vector, story.centroid)) / story.cnorm
        nearest = max((sim for _, sim in closest), default=cos_centroid)
        lexical = 0.0
        if story.lex_norm2 > 0 and avec:
            lexical = sum(w * story.lex.get(t, 0.0) for t, w in avec.items()) / math.sqrt(story.lex_norm2)

        # entities: rarity-weighted share of the article's entities that the story's members also name
        n = len(story.members)
        total = shared_mass = 0.0
        shared: list[tuple[float, str]] = []
        for ent, weight in idf.items():
            total += weight
            freq = story.entities.get(ent, 0)
            if freq:
                part = weight * min(1.0, 2.0 * freq / n)
                shared_mass += part
                shared.append((part, ent))
        coverage = shared_mass / total if total else 0.0

        evidence: list[str] = []
        time_gap = same_days = 0.0
        earlier = None  # the story's day this report names as a follow-up (:mod:`.followup`)
        if feats.day is not None and story.days:
            lo, hi = min(story.days), max(story.days)
            gap = max((lo - feats.day).days, (feats.day - hi).days, 0)
            if gap > s.day_window and feats.day > hi and (feats.named_days or feats.named_months):
                earlier = next((d for d in sorted(set(story.days)) if refers_back(feats, d)), None)
            if earlier is not None:
                evidence.append(f"a follow-up: {gap} days after the story's dates ({lo}..{hi}), names {earlier}")
            elif gap > s.day_window and not self._gap_counts(feats, story):
                evidence.append(f"{gap} days from the story's dates ({lo}..{hi}); days from the text, nothing else differs")
            elif gap > s.day_window:
                time_gap = min(1.0, (gap - s.day_window) / max(1, s.day_far - s.day_window))
                evidence.append(f"{gap} days from the story's dates ({lo}..{hi})")
            else:
                same_days = 1.0 if gap <= s.same_days else 0.0
                evidence.append(f"dates agree ({feats.day} vs {lo}..{hi})")
        other_event = 0.0
        conflict = event_conflict(feats.event, story.event)
        if conflict:
            other_event = 1.0
            evidence.append(conflict)
        place_term = 0.0
        if feats.places and story.places:
            common = feats.places & set(story.places)
            if common:
                place_term = 0.5
                evidence.append("same place: " + ", ".join(sorted(common)))
            else:
                place_term = -1.0
                evidence.append(f"different place: {', '.join(sorted(feats.places))} vs {', '.join(_top(story.places, 2))}")
        score = (
            s.w_centroid * cos_centroid + s.w_closest * nearest + s.w_lexical * lexical + s.w_entities * coverage
            - s.w_time * time_gap + s.w_same_days * same_days + s.w_place * place_term - s.w_other_event * other_event
        )  # fmt: skip
        names = tuple(e for _, e in sorted(shared, reverse=True)[:5])
        return Candidate(
            story.id, score, cos_centroid, nearest, lexical, coverage, time_gap, same_days, place_term, tuple(closest[:3]), names, tuple(evidence)
        )

    @staticmethod
    def _gap_counts(feats: ArticleFeatures, story: _Story) -> bool:
        """Whether a long gap between the article's day and the story's separates them (:mod:`.gap`)."""
        if feats.day_source == "published" and story.event.published is not None:
            return True
        if feats.event.repeat or story.event.repeat:
            return True
        here, there = feats.places, story.places
        return place_unnamed(here, there, story.entities) or place_unnamed(there, here, feats.entities)

    def candidates(self, vector: np.ndarray, feats: ArticleFeatures, *, exclude: str | None = None) -> list[Candidate]:
        """Scored candidate stories for an article vector, best first."""
        if not self._labels:
            return []
        k = min(self.settings.neighbours, len(self._labels))
        labels, distances = self._ann.knn_query(vector[None, :], k=k)
        by_story: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for label, dist in zip(labels[0], distances[0], strict=True):
            aid = self._labels[int(label)]
            if aid == exclude or aid not in self.story_of:
                continue
            sid = self.resolve(self.story_of[aid])
            by_story[sid].append((aid, round(1.0 - float(dist), 3)))
        avec = self._lexical(feats)
        idf = {ent: self._idf(ent) for ent in feats.entities}
        scored = [self._score(vector, feats, self.stories[sid], close, avec, idf) for sid, close in by_story.items()]
        return sorted(scored, key=lambda c: -c.score)

    # ------------------------------------------------------------ assignment

    def assign(self, article_id: str, vector: np.ndarray, feats: ArticleFeatures) -> Assignment:
        """Put one article into its story (or a new one) and index it. Idempotent per article id."""
        if article_id in self.assignments:
            return self.assignments[article_id]
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dim:
            raise StageError("cluster", f"vector has {vector.shape[0]} dimensions, the index {self.dim}", item=article_id,
                             hint="all vectors must come from one embedder; rebuild the index after changing it")  # fmt: skip
        ranked = self.candidates(vector, feats)
        best = ranked[0] if ranked else None
        self._count(feats)
        self.features[article_id] = feats
        if best is not None and best.score >= self.settings.threshold:
            story = self.stories[best.story_id]
            reason = "joined: " + _describe(best)
            assignment = Assignment(article_id, story.id, round(best.score, 3), False, reason)
        else:
            story = self._new_story(article_id)
            reason = "new story: " + (f"best candidate {best.story_id} scored {best.score:.2f} < {self.settings.threshold:.2f} ({_describe(best)})"
                                      if best else "first article")  # fmt: skip
            story.reason = reason
            assignment = Assignment(article_id, story.id, round(best.score, 3) if best else 0.0, True, reason)
        self._join(story, article_id, vector, feats)
        self._add_to_ann(article_id, vector)
        self.assignments[article_id] = assignment
        self._changed.add(article_id)
        return assignment

    def restore(self, assignment: Assignment, vector: np.ndarray, feats: ArticleFeatures) -> None:
        """Re-add a stored assignment without re-deciding it (used by :meth:`rebuild`)."""
        sid = assignment.story_id
        story = self.stories.get(sid)
        if story is None:
            story = _Story(sid, assignment.article_id, reason=assignment.reason if assignment.new_story else "")
            self.stories[sid] = story
        self._count(feats)
        self.features[assignment.article_id] = feats
        self._join(story, assignment.article_id, np.asarray(vector, dtype=np.float32), feats)
        self._add_to_ann(assignment.article_id, np.asarray(vector, dtype=np.float32))
        self.assignments[assignment.article_id] = assignment

    def bulk_restore(self, assignments: Sequence[Assignment], matrix: np.ndarray, features: Sequence[ArticleFeatures]) -> None:
        """Like :meth:`restore` for many articles at once (one multi-threaded ANN insert): rebuilding at scale."""
        matrix = np.asarray(matrix, dtype=np.float32)
        first = len(self._labels)
        need = first + len(assignments)
        if need > self._ann.get_max_elements():
            self._ann.resize_index(max(need, self._ann.get_max_elements() * 2))
        for n, (assignment, feats) in enumerate(zip(assignments, features, strict=True)):
            story = self.stories.get(assignment.story_id)
            if story is None:
                story = self.stories[assignment.story_id] = _Story(assignment.story_id, assignment.article_id)
            self._count(feats)
            self.features[assignment.article_id] = feats
            self._join(story, assignment.article_id, matrix[n], feats)
            self._labels.append(assignment.article_id)
            self._label_of[assignment.article_id] = first + n
            self.assignments[assignment.article_id] = assignment
        self._ann.add_items(matrix, np.arange(first, need), num_threads=-1)

    @classmethod
    def rebuild(
        cls,
        assignments: Mapping[str, Assignment],
        vectors: Mapping[str, np.ndarray],
        features: Mapping[str, ArticleFeatures],
        *,
        stories: Iterable[Story] = (),
        overrides: Iterable[tuple[str, Sequence[str]]] = (),
        dim: int | None = None,
        settings: ClusterSettings | None = None,
    ) -> StoryIndex:
        """The index as stored: assignments in order, merge redirects from saved stories, split pairs from overrides."""
        if dim is None:
            dim = next(iter(vectors.values())).shape[-1] if vectors else 384
        index = cls(dim, settings, capacity=max(1024, len(assignments) + 1))
        for aid, assignment in assignments.items():
            if aid in vectors:
                index.restore(assignment, vectors[aid], features.get(aid, ArticleFeatures()))
        for story in stories:
            live = index.stories.get(story.id)
            if live is None:
                live = _Story(story.id, story.article_ids[0] if story.article_ids else story.id)
                index.stories[story.id] = live
            live.redirect_to = story.redirect_to
            live.reason = story.reason
        index.touched.clear()
        for kind, args in overrides:  # idempotent: already-applied overrides change nothing
            try:
                index.apply_override(kind, args)
            except (NotFound, Conflict):
                continue  # the stories it named are gone; nothing to keep apart or together
            if kind == "split" and len(args) >= 2 and args[1] in index.story_of:
                index._apart.add(frozenset({index.resolve(args[0]), index.resolve(index.story_of[args[1]])}))
        return index


    def tidy(self, story_ids: Iterable[str] | None = None) -> set[str]:
        """The periodic consolidation: :meth:`regroup` the neighbourhood of ``story_ids`` (all stories by default).

        Returns the ids of the stories whose membership changed. Run during arrival (every few articles),
        a split lets the next reports of the split-off event find their own story instead of following the first.
        """
        return self.regroup(set(story_ids) if story_ids is not None else set(self.live_stories()))

    def _merge(self, keep: _Story, gone: _Story, reason: str) -> None:
        for aid in gone.members:
            keep.members.append(aid)
            self.story_of[aid] = keep.id
            old = self.assignments.get(aid)
            if old is not None:
                self.assignments[aid] = Assignment(aid, keep.id, old.score, False, f"{reason} (was: {old.reason})")
                self._changed.add(aid)
        if gone.centroid is not None:
            keep.centroid = gone.centroid.copy() if keep.centroid is None else keep.centroid + gone.centroid
        keep.entities.update(gone.entities)
        self._add_lex(keep, gone.lex)
        keep.places.update(gone.places)
        keep.days.extend(gone.days)
        keep.event = merge_keys(keep.event, gone.event)
        if keep.centroid is not None:
            keep.cnorm = float(np.linalg.norm(keep.centroid)) or 1.0
        gone.members, gone.centroid = [], None
        gone.entities, gone.places, gone.days, gone.event = Counter(), Counter(), [], EventKey()
        gone.lex, gone.lex_norm2 = {}, 0.0
        gone.redirect_to = keep.id
        gone.reason = reason
        self._apart = {pair if gone.id not in pair else frozenset(keep.id if x == gone.id else x for x in pair) for pair in self._apart}
        self.touched.update({keep.id, gone.id})

    def merge(self, keep_id: str, gone_id: str, *, reason: str = "analyst merge") -> str:
        """Merge story ``gone_id`` into ``keep_id`` (an analyst override). Returns the kept id."""
        keep_id, gone_id = self.resolve(keep_id), self.resolve(gone_id)
        for sid in (keep_id, gone_id):
            if sid not in self.stories:
                raise NotFound("no such story", item=sid, hint="`storyline stories` lists ids")
        if keep_id == gone_id:
            raise Conflict("cannot merge a story into itself", item=keep_id)
        self._merge(self.stories[keep_id], self.stories[gone_id], f"{reason}: {gone_id} into {keep_id}")
        self._analyst.add(keep_id)
        return keep_id

    def split(self, story_id: str, article_ids: Sequence[str], *, reason: str = "analyst split") -> str:
        """Move ``article_ids`` out of ``story_id`` into a new story (an analyst override). Returns its id."""
        story_id = self.resolve(story_id)
        story = self.stories.get(story_id)
        if story is None:
            raise NotFound("no such story", item=story_id, hint="`storyline stories` lists ids")
        moving = [a for a in dict.fromkeys(article_ids)]
        strangers = [a for a in moving if self.story_of.get(a) != story_id]
        if strangers:
            raise Conflict(f"not members of {story_id}: {', '.join(strangers)}", item=story_id, hint="`storyline story ID` lists members")
        if len(moving) == len(story.members):
            raise Conflict("a split must leave at least one article behind", item=story_id)
        new = self._new_story(moving[0])
        new.reason = f"{reason} from {story_id}"
        stay = [a for a in story.members if a not in set(moving)]
        self._reset(story, stay)
        self._reset(new, moving)
        for aid in moving:
            old = self.assignments.get(aid)
            self.assignments[aid] = Assignment(aid, new.id, old.score if old else 1.0, aid == moving[0], f"{reason} from {story_id}")
            self._changed.add(aid)
        self._apart.add(frozenset({story_id, new.id}))
        return new.id

    def _reset(self, story: _Story, members: Sequence[str]) -> None:
        story.members, story.centroid = [], None
        story.entities, story.places, story.days, story.event = Counter(), Counter(), [], EventKey()
        story.lex, story.lex_norm2 = {}, 0.0
        for aid in members:
            self._join(story, aid, self.vector(aid), self.features.get(aid, ArticleFeatures()))

    def apply_override(self, kind: str, args: Sequence[str]) -> None:
        """Apply a stored analyst override: ``merge (A, B)`` or ``split (STORY, ARTICLE...)``. Idempotent."""
        if kind == "merge" and len(args) == 2:
            if self.resolve(args[0]) != self.resolve(args[1]):
                self.merge(args[0], args[1])
        elif kind == "split" and len(args) >= 2:
            sid = self.resolve(args[0])
            if sid not in self.stories:
                return
            members = [a for a in args[1:] if self.story_of.get(a) == sid]
            if members and len(members) < len(self.stories[sid].members):
                self.split(sid, members)

    # ------------------------------------------------------------ records

    def members(self, story_id: str) -> list[str]:
        return list(self.stories[self.resolve(story_id)].members)

    def live_stories(self) -> list[str]:
        return [sid for sid, s in self.stories.items() if not s.redirect_to and s.members]


def _describe(c: Candidate) -> str:
    bits = [f"score {c.score:.2f} (text {c.text:.2f}, words {c.lexical:.2f}, entities {c.entities:.2f}"]
    if c.closest:
        bits[0] += "; closest " + ", ".join(f"{aid} {sim:.2f}" for aid, sim in c.closest)
    bits[0] += ")"
    if c.shared:
        bits.append("shared entities: " + ", ".join(c.shared))
    bits.extend(c.evidence)
    return "; ".join(bits)

