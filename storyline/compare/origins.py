from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..records import Article, CopyLink


# ---------------------------------------------------------------- origins


def independent_origins(
    article_ids: Iterable[str], articles: Mapping[str, Article], copies: Mapping[str, CopyLink]
) -> dict[str, str]:
    """Each article's origin key: the article (or credited URL) it ultimately copies, else itself.

    A credited URL that belongs to an article of the story resolves to that article, so a rewrite and
    its credited original share one origin.
    """
    by_url = {_url_key(a.url): a.id for a in articles.values() if a.url}
    out: dict[str, str] = {}
    for aid in article_ids:
        seen: set[str] = set()
        current = aid
        while current not in seen:
            seen.add(current)
            link = copies.get(current)
            if link is None:
                break
            if link.copy_of and link.copy_of != current:
                current = link.copy_of
                continue
            if link.credited_url:
                target = by_url.get(_url_key(link.credited_url))
                if target is None:
                    current = "url:" + _url_key(link.credited_url)
                    break
                current = target
                continue
            break
        out[aid] = current
    return out


def _url_key(url: str) -> str:
    url = url.strip().lower().split("#")[0].rstrip("/")
    return re.sub(r"^https?://(www\.)?", "", url)
