"""Places as the matcher sees them: today's division, its province and prefecture, a centroid.

The engine talks to the division reference data through the small ``Gazetteer`` protocol, so
tests can pass a hand-made gazetteer and the Django app can pass one backed by its ``regions``
tables. ``RefdataGazetteer`` is the default: it uses ``homeward.refdata`` (GB/T 2260 code
history and centroids), mapping retired codes such as 500228 梁平县 to today's 500155 梁平区
with the record's year. ``CodeOnlyGazetteer`` reads province and prefecture from the code digits
alone and knows no coordinates; it is the fallback when the reference data are unavailable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

LEVEL_NONE, LEVEL_PROVINCE, LEVEL_PREFECTURE, LEVEL_COUNTY = 0, 1, 2, 3
_LEVELS = {"province": LEVEL_PROVINCE, "prefecture": LEVEL_PREFECTURE, "county": LEVEL_COUNTY}


@dataclass(frozen=True)
class Located:
    """A place resolved to today's divisions; ``code`` is None for bare coordinates."""

    code: str | None
    level: int
    lat: float = math.nan
    lon: float = math.nan

    @property
    def province(self) -> int:
        return int(self.code[:2]) if self.code else -1

    @property
    def prefecture(self) -> int:
        return int(self.code[:4]) if self.code and self.level >= LEVEL_PREFECTURE else -1

    @property
    def county(self) -> int:
        return int(self.code) if self.code and self.level == LEVEL_COUNTY else -1

    def with_point(self, lat: float | None, lon: float | None) -> Located:
        if lat is None or lon is None:
            return self
        return Located(self.code, self.level, lat, lon)


class Gazetteer(Protocol):
    def locate(self, code: str, year: int | None = None) -> Located | None:
        """Today's division for a possibly retired code used in ``year``; None if unknown."""
        ...

    def locate_name(self, name: str) -> list[Located]:
        """Divisions whose name matches (several when the name is ambiguous)."""
        ...


def _level_of_code(code: str) -> int:
    if code.endswith("0000"):
        return LEVEL_PROVINCE
    if code.endswith("00"):
        return LEVEL_PREFECTURE
    return LEVEL_COUNTY


class CodeOnlyGazetteer:
    """No history, no coordinates, no names: the code's digits only."""

    def locate(self, code: str, year: int | None = None) -> Located | None:
        if len(code) != 6 or not code.isdigit() or code == "000000":
            return None
        return Located(code, _level_of_code(code))

    def locate_name(self, name: str) -> list[Located]:
        return []


class RefdataGazetteer:
    """Backed by ``homeward.refdata.divisions.load_divisions()``."""

    def __init__(self, index: Any | None = None) -> None:
        if index is None:
            from homeward.refdata.divisions import load_divisions

            index = load_divisions()
        self._idx = index
        self._locate = lru_cache(maxsize=65536)(self._locate_uncached)
        self._by_name = lru_cache(maxsize=65536)(self._by_name_uncached)

    def _to_located(self, div: Any, year: int | None = None) -> Located:
        lat, lon = div.lat, div.lon
        if lat is None or lon is None:
            c = self._idx.centroid(div.code, year)
            lat, lon = c if c else (math.nan, math.nan)
        return Located(div.code, _LEVELS.get(div.level, _level_of_code(div.code)), float(lat), float(lon))

    def _locate_uncached(self, code: str, year: int | None) -> Located | None:
        div = self._idx.resolve(code, year)
        if div is None:
            return None
        return self._to_located(div)

    def locate(self, code: str, year: int | None = None) -> Located | None:
        return self._locate(code, year)  # type: ignore[no-any-return]

    def _by_name_uncached(self, name: str) -> tuple[Located, ...]:
        return tuple(self._to_located(d) for d in self._idx.find_by_name(name))

    def locate_name(self, name: str) -> list[Located]:
        return list(self._by_name(name))


_default: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    """The refdata gazetteer, or the code-only fallback when ``homeward.refdata`` is absent."""
    global _default
    if _default is None:
        try:
            _default = RefdataGazetteer()
        except ImportError:
            _default = CodeOnlyGazetteer()
    return _default
