from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..copies import origin_keys  # the one rule, shared with the story list
from ..records import Article, CopyLink


# ---------------------------------------------------------------- origins


def independent_origins(
    article_ids: Iterable[str], articles: Mapping[str, Article], copies: Mapping[str, CopyLink]
) -> dict[str, str]:
    """Each article's origin key: the article (or credited URL) it ultimately copies, else itself.

    A credited URL that belongs to an article of the story resolves to that article, so a rewrite and
    its credited original share one origin.
    """
    return origin_keys(article_ids, copies, {a.url: a.id for a in articles.values() if a.url})

