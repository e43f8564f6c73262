from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal, NamedTuple, Optional, Union

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.codec import from_json, to_json
from storyline.records import (
    Amount,
    Article,
    CopyLink,
    DateRef,
    LocalEntity,
    Mention,
    Place,
    Quote,
    Reading,
    Role,
    Story,
)


def test_reading_round_trips_through_json():
    reading = Reading(
        article_id="a1",
        sentences=((0, 10), (11, 40)),
        quotes=(Quote(text="We will rebuild", start=5, end=20, speaker="Ana Ruiz", cue="said"),),
        dates=(DateRef(text="on Monday", start=30, end=39, value=date(2026, 3, 16), relative=True),),
        places=(Place(text="Portmere", start=0, end=8, name="Portmere", event_location=True, evidence="dateline"),),
        published_window=(date(2026, 3, 1), date(2026, 3, 31)),
    )
    data = to_json(reading)
    assert data["dates"][0]["value"] == "2026-03-16"
    assert from_json(Reading, data) == reading


def test_article_and_story_round_trip_keep_timezones():
    when = datetime(2026, 3, 18, 9, 30, tzinfo=UTC)
    article = Article(id="a1", text="t", published=when, ingested_at=when)
    story = Story(id="s1", title="x", article_ids=("a1", "a2"), first_published=when, last_published=None)
    assert from_json(Article, to_json(article)) == article
    assert from_json(Story, to_json(story)) == story
    assert from_json(Article, to_json(article)).published.tzinfo is not None


def test_optional_and_literal_fields():
    link = CopyLink(article_id="a2", kind="rewrite", score=1, copy_of=None, credited_url="https://x.example/1")
    back = from_json(CopyLink, to_json(link))
    assert back == link and isinstance(back.score, float)


# ---------------------------------------------------------------- each type form the decoder compiles
# The decoder is compiled once per type hint (storyline/codec.py); these pin the rules it must keep.


@dataclasses.dataclass(frozen=True, slots=True)
class Leaf:
    name: str
    weight: float = 0.5
    tags: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Branch:
    leaves: tuple[Leaf, ...]
    groups: tuple[tuple[Leaf, ...], ...] = ()
    pair: tuple[int, str] | None = None
    by_name: dict[str, Leaf] = dataclasses.field(default_factory=dict)
    when: list[date] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Tree:
    """Refers to itself: the decoder must not recurse forever while compiling it."""

    label: str
    children: tuple[Tree, ...] = ()


def test_optional_passes_none_through_at_every_level():
    assert from_json(Optional[int], None) is None
    assert from_json(int | None, 4) == 4
    assert from_json(Leaf, None) is None
    assert from_json(tuple[int, ...], [1, None, 3]) == (1, None, 3)
    assert from_json(Optional[Leaf], {"name": "x"}) == Leaf("x")


def test_union_takes_the_first_member_that_fits():
    assert from_json(int | str, "seven") == "seven"
    assert from_json(Union[int, str], 7) == 7
    assert from_json(Leaf | int, 3) == 3  # Leaf(**3) fails with TypeError, int fits
    assert from_json(bool | int, "neither") == "neither"  # nothing fits: the raw value


def test_union_order_is_not_lost_to_the_cache():
    # int | float == float | int, yet first-fit gives different answers: one must not reuse the other's decoder.
    as_float = from_json(float | int, 3)
    as_int = from_json(int | float, 3)
    assert type(as_float) is float and type(as_int) is int
    assert type(from_json(tuple[float | int, ...], [3])[0]) is float
    assert type(from_json(tuple[int | float, ...], [3])[0]) is int


def test_literal_is_passed_through_unchecked():
    assert from_json(Literal["direct", "post"], "post") == "post"
    assert from_json(Literal["direct", "post"], "anything") == "anything"
    assert from_json(Quote, to_json(Quote("t", 0, 1, None, kind="partial"))).kind == "partial"


def test_nested_tuples_of_dataclasses():
    branch = Branch(
        leaves=(Leaf("a", 1.5, ("x", "y")), Leaf("b")),
        groups=((Leaf("c"),), (), (Leaf("d"), Leaf("e", 2.0))),
        pair=(3, "three"),
    )
    back = from_json(Branch, json.loads(json.dumps(to_json(branch))))
    assert back == branch
    assert isinstance(back.groups[2], tuple) and isinstance(back.groups[2][1], Leaf)
    assert isinstance(back.leaves[0].tags, tuple)


def test_self_referential_dataclass():
    tree = Tree("root", (Tree("a"), Tree("b", (Tree("c"),))))
    assert from_json(Tree, to_json(tree)) == tree


def test_dict_and_list_values_are_decoded():
    branch = Branch(leaves=(), by_name={"k": Leaf("k", 3.0)}, when=[date(2026, 1, 2), date(2025, 12, 31)])
    back = from_json(Branch, to_json(branch))
    assert back == branch and isinstance(back.by_name["k"], Leaf) and isinstance(back.when, list)
    assert from_json(dict[str, date], {"a": "2026-03-16"}) == {"a": date(2026, 3, 16)}
    assert from_json(list[int | None], [1, None]) == [1, None]


def test_fixed_tuple_checks_its_length():
    assert from_json(tuple[int, str], [1, "a"]) == (1, "a")
    with pytest.raises(ValueError):
        from_json(tuple[int, str], [1, "a", "b"])


def test_date_and_datetime_from_iso_strings():
    when = datetime(2026, 3, 18, 9, 30, 5, 123, tzinfo=timezone(timedelta(hours=-5)))
    assert from_json(datetime, to_json(when)) == when
    assert from_json(datetime, to_json(when)).utcoffset() == timedelta(hours=-5)
    assert from_json(datetime, "2026-03-18T09:30:00").tzinfo is None
    assert from_json(date, "2026-03-18") == date(2026, 3, 18)
    with pytest.raises(ValueError):
        from_json(date, "18 March 2026")


def test_float_accepts_an_int():
    back = from_json(Amount, {"text": "3", "start": 0, "end": 1, "value": 3})
    assert back.value == 3.0 and type(back.value) is float
    assert type(from_json(float, 2)) is float
    with pytest.raises(TypeError, match="expected float"):
        from_json(float, "2.0")


def test_missing_fields_take_their_defaults_and_extra_keys_are_ignored():
    back = from_json(Quote, {"text": "t", "start": 1, "end": 2, "speaker": None, "unknown": 1})
    assert back == Quote(text="t", start=1, end=2, speaker=None)
    assert back.kind == "direct" and back.cue is None
    assert from_json(Reading, {"article_id": "a9"}) == Reading(article_id="a9")
    with pytest.raises(TypeError):  # a field without a default is still required
        from_json(Quote, {"text": "t"})


@pytest.mark.parametrize(
    ("hint", "data"),
    [(int, "3"), (str, 3), (bool, "yes"), (Mention, {"text": 1, "start": 0, "end": 1, "label": "P", "entity": "e"})],
)
def test_wrong_primitive_raises_type_error(hint, data):
    with pytest.raises(TypeError, match="expected"):
        from_json(hint, data)


def test_to_json_shapes():
    class Point(NamedTuple):
        x: int
        y: int

    value = {1: (date(2026, 1, 2), [Leaf("a")]), "p": Point(1, 2), "n": None}
    assert to_json(value) == {"1": ["2026-01-02", [{"name": "a", "weight": 0.5, "tags": []}]], "p": [1, 2], "n": None}
    assert list(to_json(Leaf("a", 1.0, ("t",)))) == ["name", "weight", "tags"]  # field order kept


# ---------------------------------------------------------------- same answers as the uncompiled decoder


def _reference_build(tp: Any, data: Any) -> Any:
    """The decoder as it was before it was compiled (kept here as the oracle for the compiled one)."""
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _reference_build(args[0], data)
        for arg in args:
            try:
                return _reference_build(arg, data)
            except (TypeError, ValueError):
                continue
        return data
    if origin is typing.Literal:
        return data
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_reference_build(args[0], v) for v in data)
        return tuple(_reference_build(a, v) for a, v in zip(args, data, strict=True))
    if origin is list:
        (arg,) = typing.get_args(tp)
        return [_reference_build(arg, v) for v in data]
    if origin is dict:
        _, val = typing.get_args(tp)
        return {k: _reference_build(val, v) for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {
            f.name: _reference_build(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data
        }
        return tp(**kwargs)
    if tp is datetime:
        return datetime.fromisoformat(data)
    if tp is date:
        return date.fromisoformat(data)
    if tp is float and isinstance(data, int):
        return float(data)
    if tp in (str, int, float, bool) and not isinstance(data, tp):
        raise TypeError(f"expected {tp.__name__}, got {data!r}")
    return data


def _outcome(decode: Any, hint: Any, data: Any) -> tuple[str, Any]:
    try:
        value = decode(hint, data)
    except Exception as exc:  # noqa: BLE001 - the kind and text of the error are part of the behaviour
        return "error", (type(exc), str(exc))
    return "value", (value, repr(value))  # repr tells 3 from 3.0 and a tuple from a list


_HINTS = [
    int, str, float, bool, date, datetime, Any, Literal["a", "b"], int | str, str | int, float | int, int | float,
    bool | float | None, tuple[int, ...], tuple[int, int], tuple[()], list[float], dict[str, int | None],
    tuple[tuple[int, ...], ...], Leaf, Leaf | None, Leaf | int, Branch, Tree, Mention, Quote, Reading, list[Leaf],
    dict[str, Leaf], typing.List, typing.Dict,
]  # fmt: skip

_JSON_WORDS = ["", "a", "name", "2026-03-16", "2026-03-16T09:30:00+01:00", "tags", "leaves", "x"]
_JSON_KEYS = ["name", "weight", "tags", "leaves", "label", "children", "x"]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.sampled_from(_JSON_WORDS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_JSON_KEYS), inner, max_size=4),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(hint=st.sampled_from(_HINTS), data=_JSON)
def test_compiled_decoder_matches_the_uncompiled_one(hint, data):
    assert _outcome(from_json, hint, data) == _outcome(_reference_build, hint, data)


@pytest.mark.parametrize("hint", _HINTS, ids=str)
def test_compiled_decoder_matches_on_valid_records(hint):
    samples = {
        Leaf: to_json(Leaf("a", 2, ("t",))), Branch: to_json(Branch((Leaf("a"),), ((Leaf("b"),),), (1, "x"))),
        Tree: to_json(Tree("r", (Tree("c"),))), Reading: to_json(Reading("a1", sentences=((0, 4),))),
    }  # fmt: skip
    for data in [samples.get(hint), *samples.values(), [1, "a"], {"a": 1}, "2026-03-16", 3, 3.5, True]:
        assert _outcome(from_json, hint, data) == _outcome(_reference_build, hint, data)


# ---------------------------------------------------------------- round trip of real records


_text = st.text(max_size=12)
_int = st.integers(0, 10_000)
_opt_text = st.none() | _text
_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


def _reading_strategy() -> st.SearchStrategy[Reading]:
    mention = st.builds(Mention, _text, _int, _int, st.sampled_from(["PERSON", "ORG", "GPE"]), _text)
    role = st.builds(Role, _text, _text, _int, _int, st.booleans())
    quote = st.builds(
        Quote, _text, _int, _int, _opt_text, st.none() | _int, st.none() | _int, _opt_text,
        st.sampled_from(["direct", "partial", "post"]),
    )  # fmt: skip
    date_ref = st.builds(
        DateRef, _text, _int, _int, _dates, st.sampled_from(["day", "week", "month", "year"]), st.booleans(),
        st.booleans(),
    )  # fmt: skip
    amount = st.builds(Amount, _text, _int, _int, st.floats(allow_nan=False) | _int, _opt_text, _opt_text)
    place = st.builds(Place, _text, _int, _int, _text, st.booleans(), st.sampled_from(["dateline", "mention"]))
    entity = st.builds(LocalEntity, _text, _text, _text, st.lists(_text, max_size=3).map(tuple))

    def many(s: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
        return st.lists(s, max_size=4).map(tuple)

    return st.builds(
        Reading,
        article_id=_text,
        sentences=many(st.tuples(_int, _int)),
        entities=many(entity),
        mentions=many(mention),
        roles=many(role),
        quotes=many(quote),
        dates=many(date_ref),
        amounts=many(amount),
        places=many(place),
        published_window=st.none() | st.tuples(_dates, _dates),
    )


@settings(max_examples=150, deadline=None)
@given(reading=_reading_strategy())
def test_readings_round_trip_through_stored_json(reading):
    # Amount.value may be built from an int; decoding gives the float it stands for, which compares equal.
    payload = json.loads(json.dumps(to_json(reading), ensure_ascii=False))
    back = from_json(Reading, payload)
    assert back == reading
    assert to_json(back) == payload
    assert all(type(a.value) is float for a in back.amounts)


_tz = st.integers(-23 * 60, 23 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@settings(max_examples=100, deadline=None)
@given(
    published=st.none() | st.datetimes(timezones=_tz),
    ingested=st.none() | st.datetimes(timezones=_tz),
    ids=st.lists(_text, max_size=4).map(tuple),
    title=_opt_text,
)
def test_articles_and_stories_round_trip(published, ingested, ids, title):
    article = Article(id="a1", text="body", title=title, published=published, ingested_at=ingested)
    story = Story(id="s1", title=title or "", article_ids=ids, first_published=published, last_published=ingested)
    for record in (article, story):
        back = from_json(type(record), json.loads(json.dumps(to_json(record))))
        assert back == record
        assert [getattr(back, f.name) for f in dataclasses.fields(back)] == [
            getattr(record, f.name) for f in dataclasses.fields(record)
        ]
    assert from_json(Article, to_json(article)).published == published
    if published is not None:  # the offset itself survives, not only the instant
        assert from_json(Article, to_json(article)).published.utcoffset() == published.utcoffset()
