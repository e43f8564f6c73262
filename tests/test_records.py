import dataclasses

import pytest

from storyline.records import Article, normalize_text


def test_article_id_is_a_content_hash_of_normalized_text_and_url():
    a = Article.make_id("Talks \u201cbegan\u201d  today.\n", "https://x.example/1")
    b = Article.make_id('Talks "began" today.', "https://x.example/1")
    c = Article.make_id('Talks "began" today.', "https://x.example/2")
    assert a == b != c
    assert a.startswith("a") and len(a) == 17


def test_records_are_frozen():
    art = Article(id="a", text="t")
    with pytest.raises(dataclasses.FrozenInstanceError):
        art.text = "u"  # type: ignore[misc]


def test_normalize_text_unifies_quotes_dashes_and_space():
    assert normalize_text("It\u2019s \u2014  over") == "It's - over"
