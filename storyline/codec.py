"""Records to plain JSON values and back, driven by the dataclasses' type hints.

Used by the store (JSON columns), the export and the REST API so that every
adapter shows a record the same way.

Both directions are *compiled*: the first time a type is seen, its type hint (for decoding) or its
class (for encoding) is turned into one small function, cached, and every later value of that type
is a direct call chain of those functions. Inspecting the hints for every value (``typing.get_origin``,
``dataclasses.fields``) cost ~4.7 ms per stored Reading, ~1.2 ms compiled (docs/benchmarks.md, "Codec").
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]

# ---------------------------------------------------------------- encoding


def to_json(value: Any) -> Any:
    """A JSON-ready value: dataclasses become dicts, tuples lists, datetimes ISO strings."""
    return _encoder(type(value))(value)


@cache
def _encoder(cls: type) -> Encoder:
    """The encoder of every value whose exact type is ``cls`` (the branch of :func:`_encode_any` it takes)."""
    if cls in (str, int, float, bool, type(None)):
        return _same
    if cls is tuple or cls is list:
        return _encode_sequence
    if cls is dict:
        return _encode_dict
    if cls is datetime or cls is date:
        return _isoformat
    if dataclasses.is_dataclass(cls) and not issubclass(cls, type):
        return _dataclass_encoder(cls)
    return _encode_any  # subclasses and anything unusual: decide per value, as before compiling


def _same(value: Any) -> Any:
    return value


def _isoformat(value: date) -> str:
    return value.isoformat()


def _encode_sequence(value: Any) -> list[Any]:
    return [_encoder(type(v))(v) for v in value]


def _encode_dict(value: Any) -> dict[str, Any]:
    return {str(k): _encoder(type(v))(v) for k, v in value.items()}


def _dataclass_encoder(cls: type) -> Encoder:
    names = tuple(f.name for f in dataclasses.fields(cls))

    def encode(value: Any) -> dict[str, Any]:
        out = {}
        for name in names:
            v = getattr(value, name)
            out[name] = _encoder(type(v))(v)
        return out

    return encode


def _encode_any(value: Any) -> Any:
    """The uncompiled rules, for types :func:`_encoder` has no exact branch for."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- decoding


def from_json(cls: type[T], data: Any) -> T:
    """Rebuild ``cls`` (a dataclass or a typing form) from :func:`to_json` output.

    ``None`` decodes to ``None`` at any level. Dataclass fields missing from ``data`` take their defaults, keys
    that are not fields are ignored. ``str``/``int``/``float``/``bool`` values of another type raise
    ``TypeError`` (``float`` accepts an int). A union takes the first member that decodes without
    ``TypeError``/``ValueError`` (the raw value when none does); a ``Literal`` is passed through unchecked.
    """
    return _decoder(cls)(data)  # type: ignore[no-any-return]


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decoder(tp: Any) -> Decoder:
    """The decoder of type hint ``tp``, compiled once per hint."""
    key = _cache_key(tp)
    try:
        hash(key)
    except TypeError:  # e.g. Literal[[1]]: cannot be cached, compile every time
        return _compile(tp)
    return _cached_decoder(key, tp)


def _cache_key(tp: Any) -> Any:
    """``tp`` with its arguments spelled out in order.

    Hints compare equal regardless of union order (``int | float == float | int``), but "first that fits"
    depends on that order, so the hint alone must not be the cache key.
    """
    args = typing.get_args(tp)
    return (typing.get_origin(tp), tuple(_cache_key(a) for a in args)) if args else tp


@cache
def _cached_decoder(key: Any, tp: Any) -> Decoder:
    return _compile(tp)


def _compile(tp: Any) -> Decoder:
    try:
        return _compile_now(tp)
    except (TypeError, ValueError):  # e.g. a bare typing.List: fail only when a value is decoded, as before compiling
        return _deferred(tp)


def _deferred(tp: Any) -> Decoder:
    def decode(data: Any) -> Any:
        return None if data is None else _compile_now(tp)(data)

    return decode


def _compile_now(tp: Any) -> Decoder:
    """One decoder for ``tp``; the branches and their order are the decoding rules of :func:`from_json`."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _union_decoder([a for a in typing.get_args(tp) if a is not type(None)])
    if origin is typing.Literal:
        return _same
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return _tuple_of_decoder(args[0])
        return _fixed_tuple_decoder(args)
    if origin is list:
        (arg,) = typing.get_args(tp)
        return _list_decoder(arg)
    if origin is dict:
        _, val = typing.get_args(tp)
        return _dict_decoder(val)
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if tp is datetime:
        return _optional(datetime.fromisoformat)
    if tp is date:
        return _optional(date.fromisoformat)
    if tp is float:
        return _decode_float
    if tp in (str, int, bool):
        return _primitive_decoder(tp)
    return _same


def _optional(decode: Decoder) -> Decoder:
    def decode_or_none(data: Any) -> Any:
        return None if data is None else decode(data)

    return decode_or_none


def _union_decoder(args: list[Any]) -> Decoder:
    if len(args) == 1:
        return _decoder(args[0])
    decoders = [_decoder(a) for a in args]

    def decode(data: Any) -> Any:
        if data is None:
            return None
        for member in decoders:  # first that fits
            try:
                return member(data)
            except (TypeError, ValueError):
                continue
        return data

    return decode


def _tuple_of_decoder(arg: Any) -> Decoder:
    item = _decoder(arg)

    def decode(data: Any) -> Any:
        return None if data is None else tuple(map(item, data))

    return decode


def _fixed_tuple_decoder(args: tuple[Any, ...]) -> Decoder:
    items = [_decoder(a) for a in args]

    def decode(data: Any) -> Any:
        if data is None:
            return None
        return tuple([item(v) for item, v in zip(items, data, strict=True)])

    return decode


def _list_decoder(arg: Any) -> Decoder:
    item = _decoder(arg)

    def decode(data: Any) -> Any:
        return None if data is None else [item(v) for v in data]

    return decode


def _dict_decoder(val: Any) -> Decoder:
    item = _decoder(val)

    def decode(data: Any) -> Any:
        return None if data is None else {k: item(v) for k, v in data.items()}

    return decode


def _dataclass_decoder(cls: type) -> Decoder:
    """Field decoders are looked up on the first call, not here: a dataclass may refer to itself, and
    unresolvable hints should fail only when such a value is decoded (as they did before compiling)."""
    fields: list[tuple[str, Decoder]] | None = None

    def decode(data: Any) -> Any:
        nonlocal fields
        if data is None:
            return None
        if fields is None:
            hints = _hints(cls)
            fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls)]
        return cls(**{name: field(data[name]) for name, field in fields if name in data})

    return decode


def _decode_float(data: Any) -> Any:
    if data is None or isinstance(data, float):
        return data
    if isinstance(data, int):
        return float(data)
    raise TypeError(f"expected float, got {data!r}")


def _primitive_decoder(tp: type) -> Decoder:
    def decode(data: Any) -> Any:
        if data is None or isinstance(data, tp):
            return data
        raise TypeError(f"expected {tp.__name__}, got {data!r}")

    return decode
