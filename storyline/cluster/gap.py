"""When a long gap between two reports' days is evidence that they report different events.

Clustering penalises event days far apart (the gradual penalty from ``ClusterSettings.day_window`` days on, and
average link's ``PairModel.never_join_days``). How much such a gap says depends on where the days come from:

* a publication day is a fact about the report; two reports published months apart are mostly about different
  events, unless the later one is a follow-up (:mod:`.followup`);
* a day read from the text (the first full date of the lead) is a guess at the event's day. It may be the date of
  a photo caption, a page header, the background ("since June 24, 2005"), or one stage of a long event: an outage
  and its repair, a crime and its trial. A gap between two such days separates the reports only when something
  else says they differ too:

  - either lead marks a repeat of its kind of event ("a second round of talks", "for the third time");
  - the event place of one (its dateline, the reading's event location) is named nowhere in the other: an envoy's
    visit datelined in one city and a year-earlier visit whose report never names that city.

A place the other report names among its entities counts as the same place: a later report on the trial names
the town of the crime.

On ECB+ (no publication dates; days read from leads) the gap alone split reports of one event weeks apart (an
outage in August and its repair in October, a hiring and a contract two months later): train 0.952 -> 0.958,
dev 0.995 -> 1.000 with this rule; the seeds' two envoy visits, a year apart in two cities, stay apart.
Chosen on train/dev only.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Sequence

import numpy as np

from .features import ArticleFeatures


def place_unnamed(places: Collection[str], *names: Container[str]) -> bool:
    """Whether a report has event ``places`` and the other report names none of them (``names``: its places and
    its entities, lower case)."""
    return bool(places) and not any(p in group for p in places for group in names)


def gap_counts(a: ArticleFeatures, b: ArticleFeatures) -> bool:
    """Whether a long gap between ``a``'s and ``b``'s days separates them (see the module docstring)."""
    if a.day_source == "published" and b.day_source == "published":
        return True
    if a.event.repeat or b.event.repeat:
        return True
    return place_unnamed(a.places, b.places, b.entities) or place_unnamed(b.places, a.places, a.entities)


def gap_count_links(feats: Sequence[ArticleFeatures]) -> np.ndarray:
    """n x n booleans: :func:`gap_counts` for every pair (symmetric; the diagonal is True)."""
    from scipy import sparse

    n = len(feats)
    published = np.array([f.day_source == "published" for f in feats])
    repeat = np.array([f.event.repeat for f in feats])
    out = (published[:, None] & published[None, :]) | repeat[:, None] | repeat[None, :]
    has_place = np.array([bool(f.places) for f in feats])
    if has_place.any():
        col: dict[str, int] = {}
        rows_p: list[int] = []
        cols_p: list[int] = []
        rows_n: list[int] = []
        cols_n: list[int] = []
        for i, f in enumerate(feats):
            for p in f.places:
                rows_p.append(i)
                cols_p.append(col.setdefault(p, len(col)))
        for i, f in enumerate(feats):
            for name in f.places | f.entities:
                c = col.get(name)
                if c is not None:
                    rows_n.append(i)
                    cols_n.append(c)
        width = max(1, len(col))
        places = sparse.csr_matrix((np.ones(len(rows_p)), (rows_p, cols_p)), shape=(n, width))
        names = sparse.csr_matrix((np.ones(len(rows_n)), (rows_n, cols_n)), shape=(n, width))
        named = np.asarray((places @ names.T).todense()) > 0  # [i, j]: j names a place of i
        unnamed = has_place[:, None] & ~named
        out |= unnamed | unnamed.T
    np.fill_diagonal(out, True)
    return out
