"""Where a tip happened, as a division code, and which police agency handles it.

A map point goes to the county whose centroid is nearest (the reference data has no boundaries); an address is
searched for division names (province, prefecture, county), most specific consistent match first; a code from
outside is validated and a retired one resolved to today's. The handling agency is the active public-security
agency of that county, or, where none is registered, of the nearest level above.

Every tip asks which agency handles its place, and the police directory changes a few times a year, so each process
remembers an answer for `TIPS_ROUTING_CACHE_SECONDS` (0: ask the database every time). An agency registered or
deactivated is routed to within that time; a tip routed meanwhile goes to the level above or to the old bureau, which
can transfer it, and its SLA escalation runs as for any tip.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from homeward.accounts.models import Agency
from homeward.accounts.roles import AgencyType
from homeward.refdata.divisions import Division, DivisionIndex, load_divisions, name_stem
from homeward.refdata.geo import haversine_km
from homeward.regions.selectors import ancestor_codes

# A point farther than this from every county centroid is not in China (or the map was misread).
MAX_POINT_DISTANCE_KM = 250.0
CHINA_LAT = (3.0, 54.0)
CHINA_LON = (73.0, 136.0)


@dataclass(frozen=True)
class Place:
    division_code: str
    source: str  # point, address, code, reporter


@functools.cache
def _index() -> DivisionIndex:
    return load_divisions()


@functools.cache
def _county_points() -> tuple[list[str], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    counties = [d for d in _index().counties() if d.lat is not None and d.lon is not None]
    lats = np.array([d.lat for d in counties], dtype=np.float64)
    lons = np.array([d.lon for d in counties], dtype=np.float64)
    return [d.code for d in counties], lats, lons


def county_for_point(lat: float, lon: float) -> str:
    if not (CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]):
        raise ValidationError({"lat": _("The map point is outside China.")})
    codes, lats, lons = _county_points()
    distances = np.asarray(haversine_km(lat, lon, lats, lons))
    best = int(np.argmin(distances))
    if float(distances[best]) > MAX_POINT_DISTANCE_KM:
        raise ValidationError({"lat": _("The map point is outside China.")})
    return codes[best]


@functools.cache
def _names_by_first_character() -> dict[str, list[tuple[str, Division]]]:
    """The (name, division) pairs to look for in addresses, grouped by their first character so that an address is
    read once instead of once per name: full names, plus the stems of provinces and prefectures (四川, 成都), which
    people write without the suffix. County stems are too ambiguous."""
    groups: dict[str, list[tuple[str, Division]]] = {}
    for division in _index():
        names = [division.name]
        if division.level != "county":
            stem = name_stem(division.name)
            if stem != division.name and len(stem) >= 2:
                names.append(stem)
        for name in names:
            groups.setdefault(name[0], []).append((name, division))
    return groups


def division_for_address(address: str) -> str | None:
    """The most specific division the address names consistently, or None when it names none."""
    text = address.strip()
    if not text:
        return None
    found: dict[str, Division] = {}
    groups = _names_by_first_character()
    # Every name the address contains starts at some position of it: the names that start with that position's
    # character are the only ones to try there (about 3,600 names, a few per character).
    for start, character in enumerate(text):
        for name, division in groups.get(character, ()):
            if text.startswith(name, start):
                found[division.code] = division
    if not found:
        return None
    index = _index()

    def support(code: str) -> int:
        # How many of the named divisions lie on this division's chain (itself and its ancestors).
        chain = set(index.ancestors_or_self(code))
        return sum(1 for c in found if c in chain)

    levels = {"county": 3, "prefecture": 2, "province": 1}
    ranked = sorted(found.values(), key=lambda d: (support(d.code), levels[d.level]), reverse=True)
    best = ranked[0]
    ties = [d for d in ranked if support(d.code) == support(best.code) and d.level == best.level]
    if len(ties) > 1:
        # 鼓楼区 without a city: route to what the candidates share, or give up.
        common = set(index.ancestors_or_self(ties[0].code))
        for other in ties[1:]:
            common &= set(index.ancestors_or_self(other.code))
        if not common:
            return None
        return max(common, key=lambda c: levels[index.get(c).level])  # type: ignore[union-attr]
    return best.code


def division_for_code(code: str) -> str:
    """A current code for a code from outside (a retired one resolves to today's); ValidationError otherwise."""
    if len(code) != 6 or not code.isdigit():
        raise ValidationError({"division_code": _("A division code is six digits.")})
    index = _index()
    if code in index:
        return code
    resolved = index.resolve(code)
    if resolved is None:
        raise ValidationError({"division_code": _("Unknown division code %(code)s.") % {"code": code}})
    return resolved.code


def locate(
    *, lat: float | None, lon: float | None, address: str, division_code: str, fallback: str = ""
) -> Place:
    """The place of a tip from what the informant gave, most precise first: point, code, address."""
    if (lat is None) != (lon is None):
        raise ValidationError({"lat": _("A map point needs both latitude and longitude.")})
    if lat is not None and lon is not None:
        return Place(county_for_point(lat, lon), "point")
    if division_code:
        return Place(division_for_code(division_code), "code")
    from_address = division_for_address(address)
    if from_address:
        return Place(from_address, "address")
    if fallback:
        return Place(fallback, "reporter")
    raise ValidationError(
        {
            "address": _(
                "We could not tell where this happened. Name the city and district or county "
                "(e.g. 成都市武侯区), or mark the place on the map."
            )
        }
    )


# division code -> (when it was read, the handling agency); the agencies are shared read-only between requests.
_police_cache: dict[str, tuple[float, Agency | None]] = {}
_clock = time.monotonic


def police_agency_for(division_code: str) -> Agency | None:
    """The active police agency of the county, else of the prefecture, province, or the ministry."""
    ttl = getattr(settings, "TIPS_ROUTING_CACHE_SECONDS", 0)
    if ttl <= 0:
        return _police_agency_from_database(division_code)
    now = _clock()
    known = _police_cache.get(division_code)
    if known is not None and now - known[0] < ttl:
        return known[1]
    agency = _police_agency_from_database(division_code)
    _police_cache[division_code] = (now, agency)
    return agency


def _police_agency_from_database(division_code: str) -> Agency | None:
    chain = ancestor_codes(division_code)
    agencies = Agency.objects.filter(
        type=AgencyType.PUBLIC_SECURITY, is_active=True, division_id__in=chain
    ).order_by("id")
    by_division: dict[str, Agency] = {}
    for agency in agencies:
        by_division.setdefault(agency.division_id, agency)
    for code in reversed(chain):
        if code in by_division:
            return by_division[code]
    return None


def next_level_police(agency: Agency) -> Agency | None:
    """The police agency one level above `agency` (for escalation), or None at the top."""
    chain = ancestor_codes(agency.division_id)
    above = chain[: chain.index(agency.division_id)] if agency.division_id in chain else []
    if not above:
        return None
    candidates = Agency.objects.filter(
        type=AgencyType.PUBLIC_SECURITY, is_active=True, division_id__in=above
    ).order_by("id")
    by_division: dict[str, Agency] = {}
    for candidate in candidates:
        by_division.setdefault(candidate.division_id, candidate)
    for code in reversed(above):
        if code in by_division:
            return by_division[code]
    return None
