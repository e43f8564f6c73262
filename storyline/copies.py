"""Copies and rewrites: which reports repeat another one, and which article is the origin.

Two kinds of copy (see :class:`storyline.records.CopyLink`):

* ``syndicated``: near-verbatim text (the same wire story under another headline or boilerplate). Found
  model-free with MinHash LSH over word shingles (datasketch), then an exact check of each candidate:
  Jaccard of the shingle sets, or containment (the copy holds the original plus boilerplate).
* ``partial``: a block of paragraphs of one report pasted into another that has its own reporting. Candidates
  come from an inverted index over a sample of the word shingles (LSH on Jaccard cannot see a block that is a
  third of each text); a pair is a partial copy when they share ``partial_shingles`` shingles and that block
  is at least ``partial_containment`` of the shorter text. The origin is the earlier published one; when
  neither is dated nothing tells the direction and no link is made.
* ``rewrite``: a paraphrase that credits its source, e.g. "Read the full article at <url>", "originally
  published by <outlet>", "This article first appeared on <outlet>", or a wire credit "WASHINGTON (Reuters) -".
  The credit names the origin; similarity (embedding cosine when the batch has vectors, else content-word
  overlap) confirms an outlet-only credit and scores the link. A paraphrase without a credit is a rewrite when
  most sentences of each report have a close paraphrase in the other, with the same names and figures
  (:mod:`storyline.paraphrase`; same-event reports by different outlets share facts, not sentence after
  sentence), or above a high embedding similarity (``rewrite_uncredited``). Its origin is the earlier published
  one, else the one the other contains; when nothing tells the direction no link is made.

The origin is the credited article (a credited URL resolves to the stored article with that URL), else the
earliest published one of a near-verbatim group. Everything except the optional uncredited-paraphrase check
runs before any model, so later stages can skip copies.

:class:`CopyIndex` holds the state across batches (rebuild it from stored articles and links);
:class:`CopyStage` is the pipeline stage. :func:`copy_tree` and :func:`independent_origins` answer, for the
members of a story, how the copies hang together and how many independent origins there are.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .credits import Credit, find_credit, normalize_url, strip_credits
from .paraphrase import DIRECTION_MARGIN, STOP, RecentSentences, rewrite_shares
from .pipeline import Batch
from .records import Article, CopyLink, normalize_text

# ---------------------------------------------------------------- shingles and similarity

_WORDS = re.compile(r"\w+", re.UNICODE)
_STOP = STOP


def words_of(text: str) -> list[str]:
    return _WORDS.findall(normalize_text(text).lower())


def shingle_hashes(text: str, size: int = 5, limit: int = 2000) -> np.ndarray:
    """Sorted unique crc32 hashes of the word ``size``-grams of ``text`` (at most ``limit``, from the start)."""
    words = words_of(strip_credits(text))
    if len(words) < size:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    hashes = np.fromiter((zlib.crc32(g.encode()) for g in grams[:limit]), dtype=np.uint32, count=min(len(grams), limit))
    return np.unique(hashes)


def content_hashes(text: str) -> np.ndarray:
    """Sorted unique hashes of the content words (no stop words, 4+ letters): a model-free topic fingerprint."""
    words = {w for w in words_of(strip_credits(text)) if len(w) > 3 and w not in _STOP and not w.isdigit()}
    return np.unique(np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint32, count=len(words)))


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set) of two sorted hash arrays."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def _identity(value: int) -> int:
    return int(value)


# ---------------------------------------------------------------- the index


@dataclass(slots=True)
class _Entry:
    id: str
    url: str | None
    outlet: str | None
    published: datetime | None
    arrival: int
    shingles: np.ndarray
    content: np.ndarray
    vector: np.ndarray | None


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)
# Partial copies, fitted on newsdesk: its partial copies share 92 to 126 word 5-grams with their origin (25-36% of
# the shorter text); reports of one event that copy nothing share at most 63 (a quote or two, 15%).
PARTIAL_SHINGLES = 80
PARTIAL_CONTAINMENT = 0.2
SAMPLE_EVERY = 8  # 1 in this many shingles (by hash) is posted in the inverted index: ~50 postings per article


class CopyIndex:
    """Everything needed to recognise copies of articles already seen (all batches so far).

    Memory is about 10 KB per article (shingle and content-word hashes, the MinHash in the LSH tables,
    the vector when one is given); rebuild with :meth:`build` from the stored articles and links.
    """

    def __init__(
        self,
        *,
        num_perm: int = 128,
        shingle: int = 5,
        lsh_threshold: float = 0.3,
        syndicated_jaccard: float = 0.6,
        syndicated_containment: float = 0.8,
        min_shingles: int = 8,
        rewrite_similarity: float = 0.6,
        rewrite_overlap: float = 0.3,
        rewrite_uncredited: float | None = 0.95,
        partial_shingles: int = PARTIAL_SHINGLES,
        partial_containment: float = PARTIAL_CONTAINMENT,
    ) -> None:
        self.partial_shingles = partial_shingles
        self.partial_containment = partial_containment
        self._postings: dict[int, list[str]] = defaultdict(list)  # sampled shingle -> articles holding it
        self.num_perm = num_perm
        self.shingle = shingle
        self.syndicated_jaccard = syndicated_jaccard
        self.syndicated_containment = syndicated_containment
        self.min_shingles = min_shingles
        self.rewrite_similarity = rewrite_similarity
        self.rewrite_overlap = rewrite_overlap
        self.rewrite_uncredited = rewrite_uncredited
        self._lsh = MinHashLSH(threshold=lsh_threshold, num_perm=num_perm)
        self._entries: dict[str, _Entry] = {}
        self._by_url: dict[str, str] = {}
        self._by_outlet: dict[str, list[str]] = defaultdict(list)
        self._pending: dict[str, list[str]] = defaultdict(list)  # credited URL not stored yet -> crediting ids
        self._pending_outlets: dict[str, list[str]] = defaultdict(list)  # credited outlet, no match stored yet
        self._credits: dict[str, Credit] = {}  # the credit of each pending article
        self._vectors_ids: list[str] = []
        self._vectors: list[np.ndarray] = []
        self.links: dict[str, CopyLink] = {}
        self._recent = RecentSentences()  # sentences of recent reports, for paraphrased rewrites

    # ------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        articles: Iterable[Article],
        links: Iterable[CopyLink] = (),
        vectors: Mapping[str, np.ndarray] | None = None,
        **options: float | int | None,
    ) -> CopyIndex:
        """An index over stored ``articles`` with their stored ``links`` (no detection is re-run)."""
        index = cls(**options)  # type: ignore[arg-type]
        for article in articles:
            index._remember(article, (vectors or {}).get(article.id))
        for link in links:
            index.links[link.article_id] = link
            if link.copy_of is None and link.credited_url:
                index._pending[normalize_url(link.credited_url)].append(link.article_id)
                index._credits[link.article_id] = Credit(link.reason, url=link.credited_url)
        return index

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def _minhash(self, shingles: np.ndarray) -> LeanMinHash:
        mh = MinHash(num_perm=self.num_perm, hashfunc=_identity)
        if len(shingles):
            mh.update_batch(shingles.tolist())
        return LeanMinHash(mh)

    def _remember(self, article: Article, vector: np.ndarray | None) -> _Entry:
        shingles = shingle_hashes(article.text, self.shingle)
        entry = _Entry(
            article.id,
            normalize_url(article.url) if article.url else None,
            article.outlet,
            article.published,
            len(self._entries),
            shingles,
            content_hashes(article.text),
            None if vector is None else np.asarray(vector, dtype=np.float32),
        )
        self._entries[article.id] = entry
        self._recent.add(article.id, article.text)
        if len(shingles) >= self.min_shingles:
            self._lsh.insert(article.id, self._minhash(shingles), check_duplication=False)
        for h in entry.shingles[entry.shingles % SAMPLE_EVERY == 0].tolist():
            self._postings[h].append(article.id)
        if entry.url:
            self._by_url.setdefault(entry.url, article.id)
        if article.outlet:
            self._by_outlet[_outlet_key(article.outlet)].append(article.id)
        return entry

    # ------------------------------------------------------------ detection

    def _similarity(self, a: _Entry, b: _Entry) -> tuple[float, str]:
        """Cosine of the vectors when both exist, else content-word overlap."""
        if a.vector is not None and b.vector is not None:
            return float(np.dot(a.vector, b.vector)), "embedding cosine"
        _, contained = overlap(a.content, b.content)
        return contained, "content-word overlap"

    def _similar_enough(self, score: float, how: str) -> bool:
        return score >= (self.rewrite_similarity if how == "embedding cosine" else self.rewrite_overlap)

    def _near_verbatim(self, entry: _Entry, exclude: set[str] = frozenset()) -> tuple[str, float, float] | None:  # type: ignore[assignment]
        """The best near-verbatim match already indexed: (id, jaccard, containment)."""
        if len(entry.shingles) < self.min_shingles:
            return None
        best: tuple[str, float, float] | None = None
        for other_id in self._lsh.query(self._minhash(entry.shingles)):
            if other_id == entry.id or other_id in exclude or self._syndication_root(other_id) in exclude:
                continue
            jac, con = overlap(entry.shingles, self._entries[other_id].shingles)
            if jac >= self.syndicated_jaccard or con >= self.syndicated_containment:
                key = (max(jac, con), -self._entries[other_id].arrival)
                if best is None or key > (max(best[1], best[2]), -self._entries[best[0]].arrival):
                    best = (other_id, jac, con)
        return best

    def _syndication_root(self, article_id: str) -> str:
        """Follow syndicated links up to the article the near-verbatim group copies."""
        seen = {article_id}
        while True:
            link = self.links.get(article_id)
            if link is None or link.kind != "syndicated" or link.copy_of is None or link.copy_of in seen:
                return article_id
            article_id = link.copy_of
            seen.add(article_id)

    def _earlier(self, a: _Entry, b: _Entry) -> bool:
        """Is ``a`` published before ``b``? Undated articles count as later; ties go to arrival order.

        A time of exactly midnight usually means "date only", so then only the days are compared.
        """
        pa, pb = a.published or _FAR_FUTURE, b.published or _FAR_FUTURE
        if pa.tzinfo is None:
            pa = pa.replace(tzinfo=UTC)
        if pb.tzinfo is None:
            pb = pb.replace(tzinfo=UTC)
        if (pa.time() == time(0) or pb.time() == time(0)) and pa is not _FAR_FUTURE and pb is not _FAR_FUTURE:
            return (pa.date(), a.arrival) < (pb.date(), b.arrival)
        return (pa, a.arrival) < (pb, b.arrival)

    def add(self, article: Article, vector: np.ndarray | None = None) -> list[CopyLink]:
        """Index ``article`` and return the links it creates or changes (its own and any re-pointed ones)."""
        if article.id in self._entries:
            return []
        entry = self._remember(article, vector)
        # Articles that credited this one (its URL, or its outlet) before it arrived now point at it.
        changed = self._claim_pending(entry)
        claimed = {link.article_id for link in changed}
        credit = find_credit(article.text)
        if credit and credit.outlet and entry.outlet and _outlet_key(credit.outlet) == _outlet_key(entry.outlet):
            credit = None  # an outlet naming itself ("PORTMERE (Merriton Press) -" on its own wire) is no credit
        near = self._near_verbatim(entry, exclude=claimed)

        link = self._credited_link(entry, credit, near) if credit else None
        if link is None and near is not None:
            link, rerooted = self._syndicated_link(entry, near)
            changed += rerooted
        if link is None and not claimed and self.rewrite_uncredited is not None and entry.vector is not None:
            link = self._uncredited_rewrite(entry)
        if link is None and not claimed:
            link, turned = self._partial_link(entry)
            changed += turned
        if link is None and not claimed:
            link, turned = self._paraphrase_link(entry)
            changed += turned
        if link is not None:
            self.links[entry.id] = link
            changed.append(link)
        return changed

    def _claim_pending(self, entry: _Entry) -> list[CopyLink]:
        waiting: list[tuple[str, Credit]] = []
        if entry.url:
            waiting += [(aid, self._credits[aid]) for aid in self._pending.pop(entry.url, []) if aid in self._credits]
        if entry.outlet:
            key = _outlet_key(entry.outlet)
            for aid in list(self._pending_outlets.get(key, [])):
                score, how = self._similarity(self._entries[aid], entry)
                jac, con = overlap(self._entries[aid].shingles, entry.shingles)
                if self._similar_enough(score, how) or jac >= self.syndicated_jaccard or con >= self.syndicated_containment:
                    waiting.append((aid, self._credits[aid]))
                    self._pending_outlets[key].remove(aid)
        out = []
        for aid, credit in waiting:
            if aid == entry.id:
                continue
            link = self._link_to(self._entries[aid], entry.id, credit)
            link = replace(link, reason=link.reason + f"; {entry.id} arrived later")
            self.links[aid] = link
            out.append(link)
        return out

    def _credited_link(self, entry: _Entry, credit: Credit, near: tuple[str, float, float] | None) -> CopyLink | None:
        if credit.url:
            key = normalize_url(credit.url)
            target = self._by_url.get(key)
            if target == entry.id:  # an article crediting itself is not a copy
                return None
            if target is None:
                self._pending[key].append(entry.id)
                self._credits[entry.id] = credit
                if near is not None:  # a near-verbatim twin is stored: hang under it, keep the credit
                    root = self._syndication_root(near[0])
                    return CopyLink(
                        entry.id, "syndicated", round(max(near[1], near[2]), 3), root, credit.url,
                        f"near-verbatim with {near[0]} (Jaccard {near[1]:.2f}, containment {near[2]:.2f}); credits {credit.url}",
                    )  # fmt: skip
                return CopyLink(entry.id, "rewrite", 0.0, None, credit.url, f'credits {credit.url} ("{credit.text}"), not stored')
            return self._link_to(entry, target, credit)
        if credit.outlet:
            best: tuple[float, str, str] | None = None
            for other in self._by_outlet.get(_outlet_key(credit.outlet), []):
                if other == entry.id:
                    continue
                score, how = self._similarity(entry, self._entries[other])
                if self._similar_enough(score, how) and (best is None or score > best[0]):
                    best = (score, how, other)
            if best is not None:
                return self._link_to(entry, best[2], credit)
            self._pending_outlets[_outlet_key(credit.outlet)].append(entry.id)
            self._credits[entry.id] = credit
        return None  # an outlet credit we cannot tie to a stored article: near-verbatim check decides

    def _link_to(self, entry: _Entry, target: str, credit: Credit) -> CopyLink:
        other = self._entries[target]
        jac, con = overlap(entry.shingles, other.shingles)
        if jac >= self.syndicated_jaccard or con >= self.syndicated_containment:
            return CopyLink(
                entry.id, "syndicated", round(max(jac, con), 3), target, credit.url,
                f'near-verbatim (shingle Jaccard {jac:.2f}, containment {con:.2f}) and credits it ("{credit.text}")',
            )  # fmt: skip
        score, how = self._similarity(entry, other)
        return CopyLink(entry.id, "rewrite", round(score, 3), target, credit.url, f'credits it ("{credit.text}"); {how} {score:.2f}')

    def _syndicated_link(self, entry: _Entry, near: tuple[str, float, float]) -> tuple[CopyLink | None, list[CopyLink]]:
        other_id, jac, con = near
        root_id = self._syndication_root(other_id)
        root = self._entries[root_id]
        score = round(max(jac, con), 3)
        evidence = f"shingle Jaccard {jac:.2f}, containment {con:.2f} with {other_id}"
        root_link = self.links.get(root_id)
        if root_link is not None or not self._earlier(entry, root):
            return CopyLink(entry.id, "syndicated", score, root_id, None, f"near-verbatim ({evidence}); earliest is {root_id}"), []
        # The new article is older than the group's origin: it becomes the origin; re-point the group.
        rerooted = [CopyLink(root_id, "syndicated", score, entry.id, None, f"near-verbatim ({evidence}); {entry.id} was published earlier")]
        for aid, link in list(self.links.items()):
            if link.copy_of == root_id and link.kind == "syndicated":
                rerooted.append(replace(link, copy_of=entry.id, reason=link.reason + f"; origin is now the earlier {entry.id}"))
        for link in rerooted:
            self.links[link.article_id] = link
        return None, rerooted

    def _partial_link(self, entry: _Entry) -> tuple[CopyLink | None, list[CopyLink]]:
        """A block of this article's paragraphs inside an indexed one, or the other way round.

        Returns this article's link (it copies an earlier one), or the links of indexed articles that turn out to
        copy this earlier-published one; an indexed article that already copies something keeps its link.
        """
        hits: dict[str, int] = defaultdict(int)
        for h in entry.shingles[entry.shingles % SAMPLE_EVERY == 0].tolist():
            for other in self._postings.get(h, ()):
                if other != entry.id:
                    hits[other] += 1
        need = max(1, self.partial_shingles // SAMPLE_EVERY // 2)  # the sample sees about 1 in SAMPLE_EVERY
        best: tuple[int, float, str] | None = None
        for other_id, n in hits.items():
            if n < need:
                continue
            other = self._entries[other_id]
            shared = len(np.intersect1d(entry.shingles, other.shingles, assume_unique=True))
            contained = shared / max(1, min(len(entry.shingles), len(other.shingles)))
            if shared >= self.partial_shingles and contained >= self.partial_containment and (best is None or shared > best[0]):
                best = (shared, contained, other_id)
        if best is None:
            return None, []
        shared, contained, other_id = best
        other = self._entries[other_id]
        if entry.published is None and other.published is None:
            return None, []  # nothing tells which pasted from which: no guess
        why = f"a block of {shared} shared word 5-grams ({contained:.0%} of the shorter text)"
        if self._earlier(other, entry):
            origin = self._syndication_root(other_id)
            return CopyLink(entry.id, "partial", round(contained, 3), origin, None,
                            f"partial copy: {why} with {other_id}, published earlier"), []  # fmt: skip
        if other_id in self.links:
            return None, []
        link = CopyLink(other_id, "partial", round(contained, 3), entry.id, None,
                        f"partial copy: {why} with {entry.id}, published earlier (it arrived later)")  # fmt: skip
        self.links[other_id] = link
        return None, [link]

    def _paraphrase_link(self, entry: _Entry) -> tuple[CopyLink | None, list[CopyLink]]:
        """A paraphrased rewrite without a credit (:mod:`storyline.paraphrase`), among the recent reports that share
        the most names and figures with this one. The origin is the earlier published one; when neither is dated,
        the one the other contains (its sentences are paraphrased there, the copy adds its own); else no link.
        Returns this article's link, or the link of an indexed article that turns out to rewrite this one.
        """
        units = self._recent.get(entry.id)
        if not units:
            return None, []
        best: tuple[float, float, str] | None = None
        for other_id in self._recent.candidates(entry.id, units):
            other_units = self._recent.get(other_id)
            shares = rewrite_shares(units, other_units) if other_units else None
            if shares and (best is None or min(shares) > min(best[:2])):
                best = (*shares, other_id)
        if best is None:
            return None, []
        mine, theirs, other_id = best  # share of this report's sentences paraphrased there, and of that one's here
        other = self._entries[other_id]
        why = f"paraphrase without credit: {mine:.0%} of its sentences and {theirs:.0%} of {{}}'s have a close paraphrase in the other"
        if entry.published is not None or other.published is not None:
            entry_first = self._earlier(entry, other)
            how = "published earlier"
        elif abs(mine - theirs) >= DIRECTION_MARGIN:
            entry_first = mine > theirs  # this report's sentences are found there: that one contains it
            how = "contained in the other"
        else:
            return None, []  # nothing tells which rewrote which: no guess
        if not entry_first:
            origin = self._syndication_root(other_id)
            return CopyLink(entry.id, "rewrite", round(min(mine, theirs), 3), origin, None,
                            why.format(other_id) + f"; {other_id} {how}"), []  # fmt: skip
        if other_id in self.links:
            return None, []
        link = CopyLink(other_id, "rewrite", round(min(mine, theirs), 3), entry.id, None,
                        why.format(entry.id) + f"; {entry.id} {how} (it arrived later)")  # fmt: skip
        self.links[other_id] = link
        return None, [link]

    def _uncredited_rewrite(self, entry: _Entry) -> CopyLink | None:
        assert entry.vector is not None and self.rewrite_uncredited is not None
        best: tuple[float, str] | None = None
        for other in self._entries.values():
            if other.id == entry.id or other.vector is None:
                continue
            score = float(np.dot(entry.vector, other.vector))
            if score >= self.rewrite_uncredited and (best is None or score > best[0]):
                best = (score, other.id)
        if best is None:
            return None
        origin = self._syndication_root(best[1])
        return CopyLink(entry.id, "rewrite", round(best[0], 3), origin, None, f"paraphrase without credit: embedding cosine {best[0]:.2f} with {best[1]}")


def _outlet_key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()
    return {"associated press": "ap", "agence france presse": "afp"}.get(key, key.removeprefix("the "))


class CopyStage:
    """Provides ``copies``: one :class:`CopyLink` per batch article that copies another (plus re-rooted links).

    Runs before the models (it needs only the text); when an earlier stage provided ``embeddings`` they score
    rewrites. The runner saves ``batch.copies`` with ``store.put_copies(batch.copies.values())``.
    """

    name = "copies"
    requires = ("articles",)
    provides = ("copies",)

    def __init__(self, index: CopyIndex) -> None:
        self.index = index

    def warm_up(self) -> None:
        return None

    def run(self, batch: Batch) -> Batch:
        links: dict[str, CopyLink] = dict(batch.copies)
        for article in batch.articles:
            for link in self.index.add(article, batch.embeddings.get(article.id)):
                links[link.article_id] = link
        for article in batch.articles:  # report the current link even for articles seen in an earlier run
            if article.id not in links and article.id in self.index.links:
                links[article.id] = self.index.links[article.id]
        return batch.replace(copies=links)


# ---------------------------------------------------------------- trees and origins


@dataclass(frozen=True, slots=True)
class CopyNode:
    """One node of a story's copy tree: an article (or a credited URL not stored) and the copies under it."""

    article_id: str | None
    url: str | None = None
    link: CopyLink | None = None
    children: tuple[CopyNode, ...] = ()


def _parent_in(article_id: str, members: set[str], links: Mapping[str, CopyLink]) -> str | None:
    """The nearest ancestor of ``article_id`` inside ``members`` (following links through outsiders)."""
    seen = {article_id}
    link = links.get(article_id)
    while link is not None and link.copy_of is not None and link.copy_of not in seen:
        if link.copy_of in members:
            return link.copy_of
        seen.add(link.copy_of)
        link = links.get(link.copy_of)
    return None


def origin_key(article_id: str, links: Mapping[str, CopyLink], urls: Mapping[str, str] | None = None) -> str:
    """The ultimate origin of an article: the root article id, or ``url:<credited url>`` when that is not stored.

    ``urls`` (article URL -> article id, any spelling: :func:`normalize_url` is the one URL rule) resolves a
    credited URL to an article the caller holds, so a rewrite and its credited original share one origin even
    when the link was made before the original was stored.
    """
    return _origin(article_id, links, {normalize_url(u): aid for u, aid in (urls or {}).items()})


def _origin(article_id: str, links: Mapping[str, CopyLink], by_url: Mapping[str, str]) -> str:
    seen = {article_id}
    current = article_id
    while True:
        link = links.get(current)
        if link is None:
            return current
        target = link.copy_of
        if target is None and link.credited_url:
            target = by_url.get(normalize_url(link.credited_url))
            if target is None:
                return "url:" + normalize_url(link.credited_url)
        if target is None or target in seen:
            return current
        seen.add(target)
        current = target


def origin_keys(article_ids: Iterable[str], links: Mapping[str, CopyLink], urls: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each article's origin key (:func:`origin_key`): articles with one key repeat one independent origin."""
    by_url = {normalize_url(u): aid for u, aid in (urls or {}).items()}
    return {aid: _origin(aid, links, by_url) for aid in article_ids}


def copy_tree(article_ids: Sequence[str], links: Mapping[str, CopyLink]) -> list[CopyNode]:
    """The copy forest of a set of articles: roots are members that copy no other member.

    Copies whose origin is outside the set hang under a virtual root (``article_id=None``) naming the origin,
    so two copies of the same outside report still show as one origin.
    """
    members = set(article_ids)
    children: dict[str, list[str]] = defaultdict(list)
    roots: list[str] = []
    for aid in article_ids:
        parent = _parent_in(aid, members, links)
        (children[parent].append(aid) if parent else roots.append(aid))

    def node(aid: str) -> CopyNode:
        return CopyNode(aid, None, links.get(aid), tuple(node(c) for c in children.get(aid, [])))

    forest: list[CopyNode] = []
    outside: dict[str, list[str]] = defaultdict(list)
    for aid in roots:
        key = origin_key(aid, links)
        if key == aid:
            forest.append(node(aid))
        else:
            outside[key].append(aid)
    for key, aids in outside.items():
        url = key.removeprefix("url:") if key.startswith("url:") else None
        forest.append(CopyNode(None if url else key, url, None, tuple(node(a) for a in aids)) if len(aids) > 1 or url else node(aids[0]))
    return forest


def independent_origins(article_ids: Sequence[str], links: Mapping[str, CopyLink], urls: Mapping[str, str] | None = None) -> int:
    """How many independent origins the articles have: distinct origin keys (copies never count twice).

    The one count of independent origins: the story list, the brief and the analysis all call this.
    """
    return len(set(origin_keys(article_ids, links, urls).values()))
