"""Places for alerts: is a point in China, which county is it in, and the service region of a partner.

Built on the framework-free division register (`homeward.refdata`): county points, and for a province or
prefecture a disc around its point that covers every county point beneath it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from homeward.engines.cap import ServiceRegion, haversine_km
from homeward.refdata.divisions import load_divisions

# Mainland China with Hainan and the South China Sea islands' bounding box, a quick first filter.
CHINA_BOX = (3.5, 73.4, 53.6, 135.1)
# A point farther than this from every county point is not on Chinese soil (sea, a neighbouring country).
MAX_COUNTY_DISTANCE_KM = 120.0
COUNTY_RADIUS_KM = 40.0


@lru_cache(maxsize=1)
def _county_points() -> tuple[list[str], np.ndarray]:
    index = load_divisions()
    codes, points = [], []
    for division in index.counties():
        if division.lat is not None and division.lon is not None:
            codes.append(division.code)
            points.append((division.lat, division.lon))
    return codes, np.asarray(points, dtype=np.float64)


def in_china_box(lat: float, lon: float) -> bool:
    return CHINA_BOX[0] <= lat <= CHINA_BOX[2] and CHINA_BOX[1] <= lon <= CHINA_BOX[3]


def nearest_county(lat: float, lon: float) -> tuple[str, float] | None:
    """(code, distance km) of the county whose point is nearest, or None outside China."""
    if not in_china_box(lat, lon):
        return None
    codes, points = _county_points()
    distances = haversine_km(lat, lon, points[:, 0], points[:, 1])
    best = int(np.argmin(distances))
    distance = float(distances[best])
    if distance > MAX_COUNTY_DISTANCE_KM:
        return None
    return codes[best], distance


def division_point(code: str) -> tuple[float, float] | None:
    return load_divisions().centroid(code)


@lru_cache(maxsize=4096)
def division_disc(code: str) -> tuple[float, float, float] | None:
    """(lat, lon, radius km) of a disc covering the division (its point and every county point under it)."""
    index = load_divisions()
    point = index.centroid(code)
    if point is None:
        return None
    lat, lon = point
    if index.get(code) is not None and index.get(code).level == "county":  # type: ignore[union-attr]
        return lat, lon, COUNTY_RADIUS_KM
    inner = [
        (d.lat, d.lon)
        for c in index.descendants_or_self(code)
        if (d := index.get(c)) is not None and d.lat is not None and d.lon is not None
    ]
    if not inner:
        return lat, lon, COUNTY_RADIUS_KM
    pts = np.asarray(inner, dtype=np.float64)
    reach = float(np.max(haversine_km(lat, lon, pts[:, 0], pts[:, 1])))
    return lat, lon, reach + COUNTY_RADIUS_KM


def service_region(codes: list[str], boxes: list[tuple[float, float, float, float]]) -> ServiceRegion | None:
    """A partner's region; None (everywhere) when it names neither divisions nor boxes."""
    if not codes and not boxes:
        return None
    discs = [d for d in (division_disc(c) for c in codes) if d is not None]
    return ServiceRegion(
        centroids=np.asarray([(d[0], d[1]) for d in discs], dtype=np.float64).reshape(-1, 2),
        radii_km=np.asarray([d[2] for d in discs], dtype=np.float64),
        boxes=np.asarray(boxes, dtype=np.float64).reshape(-1, 4),
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(haversine_km(lat1, lon1, lat2, lon2))
