"""Plain records the engine matches, and their parsing from JSON objects.

``MissingRecord`` is a missing-person report filed for a family; ``FoundRecord`` is a found,
rescued or unidentified person. Every field except ``id`` may be empty. Parsing raises
``RecordError`` naming the offending field, so a caller can report "line 12: field
missing_date: ..." without a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class RecordError(ValueError):
    """A record field that cannot be read."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"field {field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class Place:
    """A remembered place: a division code, a name, coordinates, or any of them."""

    division: str | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    year: int | None = None  # year the code was used, for retired or reused codes


@dataclass(frozen=True)
class MissingRecord:
    id: str
    sex: str | None = None  # "M" / "F"
    birth_date: date | None = None
    birth_year: int | None = None
    missing_date: date | None = None
    missing_division: str | None = None  # GB/T 2260 code in force when the report was filed
    missing_lat: float | None = None
    missing_lon: float | None = None
    name: str | None = None
    nicknames: tuple[str, ...] = ()
    father_name: str | None = None
    mother_name: str | None = None
    height_cm: float | None = None  # at the time of going missing
    marks: tuple[str, ...] = ()
    dialect: str | None = None
    circumstances: str | None = None

    @property
    def year_of_birth(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


@dataclass(frozen=True)
class FoundRecord:
    id: str
    sex: str | None = None
    age_min: float | None = None  # estimated age range at found_date
    age_max: float | None = None
    birth_date: date | None = None  # when documented; overrides the age estimate
    found_date: date | None = None
    found_division: str | None = None
    found_lat: float | None = None
    found_lon: float | None = None
    name: str | None = None
    remembered_names: tuple[str, ...] = ()
    remembered_parents: tuple[str, ...] = ()
    remembered_places: tuple[Place, ...] = field(default=())
    height_cm: float | None = None  # now
    marks: tuple[str, ...] = ()
    dialect: str | None = None
    memories: str | None = None


# -- parsing -------------------------------------------------------------------------------


def _str(d: Mapping[str, Any], key: str) -> str | None:
    v = d.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    if not isinstance(v, str):
        raise RecordError(key, f"expected text, got {type(v).__name__}")
    return v.strip() or None


def _strs(d: Mapping[str, Any], key: str) -> tuple[str, ...]:
    v = d.get(key)
    if v is None or v == "":
        return ()
    if isinstance(v, str):
        return (v,)
    if not isinstance(v, Sequence) or not all(isinstance(x, str) for x in v):
        raise RecordError(key, "expected text or a list of texts")
    return tuple(x for x in v if x.strip())


def _num(d: Mapping[str, Any], key: str, lo: float, hi: float) -> float | None:
    v = d.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise RecordError(key, "expected a number")
    try:
        x = float(v)
    except ValueError:
        raise RecordError(key, f"not a number: {v!r}") from None
    if not math.isfinite(x) or not lo <= x <= hi:
        raise RecordError(key, f"{v!r} outside {lo:g}..{hi:g}")
    return x


def _int(d: Mapping[str, Any], key: str, lo: int, hi: int) -> int | None:
    x = _num(d, key, lo, hi)
    if x is None:
        return None
    if x != int(x):
        raise RecordError(key, f"expected a whole number, got {d[key]!r}")
    return int(x)


def _date(d: Mapping[str, Any], key: str) -> date | None:
    v = _str(d, key)
    if v is None:
        return None
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        raise RecordError(key, f"not an ISO date (YYYY-MM-DD): {v!r}") from None


def _sex(d: Mapping[str, Any]) -> str | None:
    v = _str(d, "sex")
    if v is None:
        return None
    s = v.upper()
    table = {"M": "M", "MALE": "M", "男": "M", "1": "M", "F": "F", "FEMALE": "F", "女": "F", "2": "F"}
    if s in ("U", "UNKNOWN", "不详", "0", "9"):
        return None
    if s not in table:
        raise RecordError("sex", f"expected M or F, got {v!r}")
    return table[s]


def _division(d: Mapping[str, Any], key: str) -> str | None:
    v = _str(d, key)
    if v is None:
        return None
    if not (len(v) == 6 and v.isdigit()):
        raise RecordError(key, f"expected a 6-digit division code, got {v!r}")
    return v


def _id(d: Mapping[str, Any]) -> str:
    v = _str(d, "id")
    if v is None:
        raise RecordError("id", "required")
    return v


def _latlon(d: Mapping[str, Any], lat_key: str, lon_key: str) -> tuple[float | None, float | None]:
    lat = _num(d, lat_key, -90, 90)
    lon = _num(d, lon_key, -180, 180)
    if (lat is None) != (lon is None):
        raise RecordError(lat_key if lat is None else lon_key, "latitude and longitude go together")
    return lat, lon


def missing_from_dict(d: Mapping[str, Any]) -> MissingRecord:
    """Build a report from a JSON object (see the README for the fields)."""
    if not isinstance(d, Mapping):
        raise RecordError("(line)", "expected a JSON object")
    lat, lon = _latlon(d, "missing_lat", "missing_lon")
    return MissingRecord(
        id=_id(d),
        sex=_sex(d),
        birth_date=_date(d, "birth_date"),
        birth_year=_int(d, "birth_year", 1900, 2100),
        missing_date=_date(d, "missing_date"),
        missing_division=_division(d, "missing_division"),
        missing_lat=lat,
        missing_lon=lon,
        name=_str(d, "name"),
        nicknames=_strs(d, "nicknames"),
        father_name=_str(d, "father_name"),
        mother_name=_str(d, "mother_name"),
        height_cm=_num(d, "height_cm", 30, 250),
        marks=_strs(d, "marks"),
        dialect=_str(d, "dialect"),
        circumstances=_str(d, "circumstances"),
    )


def _places(d: Mapping[str, Any]) -> tuple[Place, ...]:
    v = d.get("remembered_places")
    if v is None or v == "":
        return ()
    items = [v] if isinstance(v, (str, Mapping)) else v
    if not isinstance(items, Sequence):
        raise RecordError("remembered_places", "expected a list")
    out: list[Place] = []
    for item in items:
        if isinstance(item, str):
            s = item.strip()
            if not s:
                continue
            out.append(Place(division=s) if len(s) == 6 and s.isdigit() else Place(name=s))
        elif isinstance(item, Mapping):
            lat, lon = _latlon(item, "lat", "lon")
            out.append(
                Place(
                    division=_division(item, "division"),
                    name=_str(item, "name"),
                    lat=lat,
                    lon=lon,
                    year=_int(item, "year", 1900, 2100),
                )
            )
        else:
            raise RecordError("remembered_places", "each place is a code, a name or an object")
    return tuple(out)


def found_from_dict(d: Mapping[str, Any]) -> FoundRecord:
    if not isinstance(d, Mapping):
        raise RecordError("(line)", "expected a JSON object")
    lat, lon = _latlon(d, "found_lat", "found_lon")
    age_min = _num(d, "age_min", 0, 120)
    age_max = _num(d, "age_max", 0, 120)
    if age_min is not None and age_max is not None and age_min > age_max:
        raise RecordError("age_max", f"age_max {age_max:g} is below age_min {age_min:g}")
    return FoundRecord(
        id=_id(d),
        sex=_sex(d),
        age_min=age_min,
        age_max=age_max,
        birth_date=_date(d, "birth_date"),
        found_date=_date(d, "found_date"),
        found_division=_division(d, "found_division"),
        found_lat=lat,
        found_lon=lon,
        name=_str(d, "name"),
        remembered_names=_strs(d, "remembered_names"),
        remembered_parents=_strs(d, "remembered_parents"),
        remembered_places=_places(d),
        height_cm=_num(d, "height_cm", 30, 250),
        marks=_strs(d, "marks"),
        dialect=_str(d, "dialect"),
        memories=_str(d, "memories"),
    )
