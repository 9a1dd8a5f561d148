"""China's administrative divisions (GB/T 2260, 1981-2024) with history, centroids and 2020 population.

``load_divisions()`` reads the CSV files in ``homeward/refdata/data/`` once and returns a
``DivisionIndex``: the divisions in force at the end of 2024, a resolver that maps a
possibly retired code (plus the year of the record, and optionally the name it carried)
to today's codes, coordinates with a parent fallback, and census population. See
``data/README.md`` for the provenance of every file.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

__all__ = [
    "CensusUnit",
    "Division",
    "DivisionIndex",
    "Level",
    "UnknownDivisionError",
    "load_divisions",
    "name_stem",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
CENSUS_YEAR = 2020

Level = Literal["province", "prefecture", "county"]
_LEVELS: frozenset[str] = frozenset({"province", "prefecture", "county"})
_CODE_RE = re.compile(r"[0-9]{6}")


class UnknownDivisionError(ValueError):
    """A division code that is malformed or not in the GB/T 2260 lists (for the given year)."""


@dataclass(frozen=True, slots=True)
class Division:
    """A division in force at the end of 2024.

    ``lat``/``lon`` are the division's own point (None when the source has none; use
    ``DivisionIndex.centroid`` for the parent fallback). ``population`` is the 2020
    census resident count: for counties the census unit(s) whose whole territory went
    into this division (None when it was formed by a split or has no census row), for
    prefectures the sum of everything tabulated inside them, for provinces the
    provincial figure.
    """

    code: str
    name: str
    level: Level
    parent_code: str | None
    province_code: str
    lat: float | None
    lon: float | None
    population: int | None


@dataclass(frozen=True, slots=True)
class CensusUnit:
    """A 2020 census unit whose code is an NBS statistical code, not a GB/T 2260 code."""

    code: str
    name: str
    prefecture_code: str
    population: int


@dataclass(frozen=True, slots=True)
class _Period:
    """One row of codes.csv: a code with one name and parent over ``[valid_from, valid_to)``."""

    name: str
    valid_from: int
    valid_to: int | None  # exclusive end year as in codes.csv; None = in force
    current_codes: tuple[str, ...]

    def covers(self, year: int) -> bool:
        # Both ends inclusive: a record from the year of a change may carry either code.
        return self.valid_from <= year <= (self.valid_to if self.valid_to is not None else 10_000)

    def distance(self, year: int) -> int:
        if year < self.valid_from:
            return self.valid_from - year
        end = self.valid_to if self.valid_to is not None else 10_000
        return max(0, year - end)


# Administrative suffixes, longest first so 自治县 wins over 县.
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "行政委员会",
    "地区",
    "林区",
    "特区",
    "新区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
)
# The 55 minority nationalities (+ 各族) that appear in autonomous-area names, longest first.
_ETHNIC = tuple(
    sorted(
        [
            "蒙古",
            "回",
            "藏",
            "维吾尔",
            "苗",
            "彝",
            "壮",
            "布依",
            "朝鲜",
            "满",
            "侗",
            "瑶",
            "白",
            "土家",
            "哈尼",
            "哈萨克",
            "傣",
            "黎",
            "傈僳",
            "佤",
            "畲",
            "高山",
            "拉祜",
            "水",
            "东乡",
            "纳西",
            "景颇",
            "柯尔克孜",
            "土",
            "达斡尔",
            "仫佬",
            "羌",
            "布朗",
            "撒拉",
            "毛南",
            "仡佬",
            "锡伯",
            "阿昌",
            "普米",
            "塔吉克",
            "怒",
            "乌孜别克",
            "俄罗斯",
            "鄂温克",
            "德昂",
            "保安",
            "裕固",
            "京",
            "塔塔尔",
            "独龙",
            "鄂伦春",
            "赫哲",
            "门巴",
            "珞巴",
            "基诺",
            "各",
        ],
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 2  # 城区, 郊区, 沙县: stripping would leave one character, which is not a name


def name_stem(name: str) -> str:
    """The name without its administrative suffix, e.g. 梁平区 -> 梁平, 广西壮族自治区 -> 广西.

    Used for suffix-tolerant matching; a stem shorter than two characters is not
    stripped (城区 stays 城区).
    """
    name = name.strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= _MIN_STEM:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                # 长阳土家族自治县 -> 长阳; 延边朝鲜族自治州 -> 延边; 海西蒙古族藏族自治州 -> 海西
                changed = True
                while changed:
                    changed = False
                    for group in _ETHNIC:
                        tail = group + "族"
                        if stem.endswith(tail) and len(stem) - len(tail) >= _MIN_STEM:
                            stem = stem[: -len(tail)]
                            changed = True
                            break
            return stem
    return name


def _names_match(a: str, b: str) -> bool:
    return a == b or name_stem(a) == name_stem(b)


class DivisionIndex:
    """Lookup over the divisions in force today and the history of every code since 1981."""

    def __init__(
        self,
        periods: Mapping[str, list[_Period]],
        current: Mapping[str, Division],
        census_units: Mapping[str, CensusUnit],
    ) -> None:
        self._periods = periods
        self._current = current
        self._census_units: Mapping[str, CensusUnit] = MappingProxyType(dict(census_units))
        children: dict[str, list[str]] = defaultdict(list)
        for code in sorted(current):
            parent = current[code].parent_code
            if parent is not None:
                children[parent].append(code)
        self._children = dict(children)
        self._ordered = [current[c] for c in sorted(current)]

    @functools.cached_property
    def _name_index(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        # Built on first use: most callers never look up by name, and loading must stay fast.
        by_name: dict[str, list[str]] = defaultdict(list)
        by_stem: dict[str, list[str]] = defaultdict(list)
        for code in sorted(self._current):
            name = self._current[code].name
            by_name[name].append(code)
            by_stem[name_stem(name)].append(code)
        return dict(by_name), dict(by_stem)

    # -- today's divisions -------------------------------------------------------------

    def get(self, code: str) -> Division | None:
        """The division with this code in force at the end of 2024, else None."""
        return self._current.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._current

    def __len__(self) -> int:
        return len(self._current)

    def __iter__(self) -> Iterator[Division]:
        return iter(self._ordered)

    def _level(self, level: Level) -> list[Division]:
        return [d for d in self._ordered if d.level == level]

    def provinces(self) -> list[Division]:
        """The 34 province-level divisions, by code."""
        return self._level("province")

    def prefectures(self) -> list[Division]:
        """Every current prefecture-level division, by code."""
        return self._level("prefecture")

    def counties(self) -> list[Division]:
        """Every current county-level division, by code."""
        return self._level("county")

    def children(self, code: str) -> list[Division]:
        """Current divisions whose parent is ``code``, by code ([] for leaves and unknown codes)."""
        return [self._current[c] for c in self._children.get(code, [])]

    def descendants_or_self(self, code: str) -> list[str]:
        """``code`` and every current division below it, depth first by code; [] if not current."""
        if code not in self._current:
            return []
        out: list[str] = []
        stack = [code]
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(reversed(self._children.get(c, [])))
        return out

    def ancestors_or_self(self, code: str) -> list[str]:
        """``code`` and its parents up to the province; [] if not current."""
        chain: list[str] = []
        d = self._current.get(code)
        while d is not None:
            chain.append(d.code)
            d = self._current.get(d.parent_code) if d.parent_code else None
        return chain

    def is_within(self, code: str, ancestor_code: str) -> bool:
        """True if current division ``code`` is ``ancestor_code`` or lies below it."""
        return ancestor_code in self.ancestors_or_self(code)

    def find_by_name(self, text: str) -> list[Division]:
        """Current divisions named ``text``; if none, those whose name matches up to the suffix.

        ``"梁平"`` and ``"梁平县"`` both find 500155 梁平区. Names repeat across provinces
        (朝阳区, 鼓楼区), so the result is a list, by code.
        """
        text = text.strip()
        by_name, by_stem = self._name_index
        codes = by_name.get(text) or by_stem.get(name_stem(text), [])
        return [self._current[c] for c in codes]

    def census_units(self) -> Mapping[str, CensusUnit]:
        """The 2020 census units with non-GB/T (NBS statistical) codes, keyed by code (read-only)."""
        return self._census_units

    # -- history -------------------------------------------------------------------------

    def _period(self, code: str, year: int | None, name: str | None) -> _Period | None:
        periods = self._periods.get(code)
        if not periods:
            return None
        if year is None:
            # No date: the name, if any, tells which unit; otherwise the latest one.
            named = [p for p in periods if name and _names_match(p.name, name)]
            return (named or periods)[-1]
        hits = [p for p in periods if p.covers(year)]
        if hits:
            named = [p for p in hits if name and _names_match(p.name, name)]
            # In a boundary year two rows match; prefer the later unless the name says otherwise.
            return (named or hits)[-1]
        # The record's year is outside every period of the code (before 1981, or a stale
        # code used after it was retired): take the unit nearest in time, the named one
        # if the name matches any.
        pool = [p for p in periods if name and _names_match(p.name, name)] or periods
        return min(pool, key=lambda p: (p.distance(year), -p.valid_from))

    def current_codes(self, code: str, year: int | None = None, name: str | None = None) -> list[str]:
        """Today's code(s) for ``code`` as carried by a record from ``year`` (sorted).

        A code in force today maps to itself (unless ``year`` points at an earlier unit
        that carried a reused code). ``name`` — the name on the record — disambiguates
        reused codes and boundary years. ``[]`` when the code never existed.
        """
        period = self._period(code, year, name)
        return list(period.current_codes) if period is not None else []

    def resolve(self, code: str, year: int | None = None, name: str | None = None) -> Division | None:
        """The one current division for ``code``: itself, its successor, or, after a split,
        the nearest common ancestor of the successors (e.g. the prefecture). None if unknown."""
        return self._common_ancestor(self.current_codes(code, year, name))

    def _common_ancestor(self, codes: list[str]) -> Division | None:
        if not codes:
            return None
        common = self.ancestors_or_self(codes[0])
        for other in codes[1:]:
            chain = set(self.ancestors_or_self(other))
            common = [c for c in common if c in chain]
        return self._current[common[0]] if common else None

    def centroid(
        self, code: str, year: int | None = None, name: str | None = None
    ) -> tuple[float, float] | None:
        """(lat, lon) of the division ``resolve`` finds, or of its nearest ancestor with a point."""
        d = self.resolve(code, year, name)
        while d is not None:
            if d.lat is not None and d.lon is not None:
                return (d.lat, d.lon)
            d = self._current.get(d.parent_code) if d.parent_code else None
        return None

    def validate_code(self, code: str, year: int | None = None) -> None:
        """Raise ``UnknownDivisionError`` unless ``code`` is a GB/T 2260 code (in force in ``year``)."""
        if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
            raise UnknownDivisionError(f"malformed division code {code!r}: expected exactly 6 digits")
        periods = self._periods.get(code)
        if not periods:
            if code in self._census_units:
                unit = self._census_units[code]
                raise UnknownDivisionError(
                    f"division code {code} ({unit.name}) is an NBS statistical code of the 2020 census, "
                    f"not a GB/T 2260 code; its prefecture is {unit.prefecture_code}"
                )
            raise UnknownDivisionError(f"unknown division code {code}: not in the GB/T 2260 lists 1981-2024")
        if year is not None and not any(p.covers(year) for p in periods):
            spans = "; ".join(
                f"{p.name} {p.valid_from}-{p.valid_to if p.valid_to is not None else ''}" for p in periods
            )
            raise UnknownDivisionError(f"division code {code} was not in force in {year} (in force: {spans})")


# -- loading ------------------------------------------------------------------------------


def _read_csv(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _build(data_dir: Path) -> DivisionIndex:
    periods: dict[str, list[_Period]] = defaultdict(list)
    today: dict[str, tuple[str, str, str | None]] = {}  # code -> (name, level, parent)
    for row in _read_csv(data_dir / "codes.csv"):
        code = row["code"]
        valid_to = int(row["valid_to"]) if row["valid_to"] else None
        periods[code].append(
            _Period(
                name=row["name"],
                valid_from=int(row["valid_from"]),
                valid_to=valid_to,
                current_codes=tuple(sorted(row["current_codes"].split(";"))),
            )
        )
        if valid_to is None:
            if row["level"] not in _LEVELS:
                raise ValueError(f"codes.csv: code {code}: unknown level {row['level']!r}")
            today[code] = (row["name"], row["level"], row["parent_code"] or None)
    for plist in periods.values():
        plist.sort(key=lambda p: p.valid_from)

    points: dict[str, tuple[float, float]] = {}
    for row in _read_csv(data_dir / "centroids.csv"):
        points[row["code"]] = (float(row["lat"]), float(row["lon"]))

    # A provisional index (no population) resolves the census codes of 2020 to today's.
    skeleton = {
        code: Division(code, name, level, parent, code[:2] + "0000", None, None, None)  # type: ignore[arg-type]
        for code, (name, level, parent) in today.items()
    }
    resolver = DivisionIndex(periods, skeleton, {})

    non_gbt: dict[str, tuple[str, str]] = {
        row["division_code"]: (row["name"], row["prefecture_code"])
        for row in _read_csv(data_dir / "county-2020-non-gbt2260.csv")
    }
    census_units: dict[str, CensusUnit] = {}
    whole: dict[str, int] = defaultdict(int)  # current code -> census people wholly inside it
    split_into: set[str] = set()  # current codes that received part of a split census unit
    prefecture_total: dict[str, int] = defaultdict(int)

    def prefecture_of(code: str | None) -> str | None:
        for c in resolver.ancestors_or_self(code) if code else []:
            if skeleton[c].level == "prefecture":
                return c
        return None

    for row in _read_csv(data_dir / "county-2020.csv"):
        code, name, people = row["division_code"], row["name"], int(row["population"])
        if code in non_gbt:
            unit_name, unit_pref = non_gbt[code]
            census_units[code] = CensusUnit(code, unit_name, unit_pref, people)
            prefecture_total[unit_pref] += people
            continue
        targets = resolver.current_codes(code, CENSUS_YEAR, name)
        if not targets:
            raise ValueError(f"county-2020.csv: code {code} ({name}) is not a GB/T 2260 code")
        if len(targets) == 1:
            whole[targets[0]] += people
        else:
            split_into.update(targets)
        anchor = resolver._common_ancestor(targets)
        pref = prefecture_of(anchor.code if anchor else None)
        if pref is not None:
            prefecture_total[pref] += people

    province_pop = {
        row["division_code"]: int(row["population"]) for row in _read_csv(data_dir / "province-2020.csv")
    }

    current: dict[str, Division] = {}
    for code, (name, level, parent) in today.items():
        population: int | None
        if level == "province":
            population = province_pop.get(code)
        elif level == "prefecture":
            population = prefecture_total.get(code)
        else:
            population = None if code in split_into else whole.get(code)
        lat, lon = points.get(code, (None, None))
        current[code] = Division(
            code=code,
            name=name,
            level=level,  # type: ignore[arg-type]  # checked against _LEVELS above
            parent_code=parent,
            province_code=code[:2] + "0000",
            lat=lat,
            lon=lon,
            population=population,
        )
    return DivisionIndex(dict(periods), current, census_units)


@functools.cache
def _load_cached(data_dir: Path) -> DivisionIndex:
    return _build(data_dir)


def load_divisions(data_dir: Path | str | None = None) -> DivisionIndex:
    """The division index built from ``data_dir`` (default: the package's data), cached per directory."""
    return _load_cached(Path(data_dir).resolve() if data_dir is not None else DATA_DIR)
