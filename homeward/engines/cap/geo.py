"""Does an alert circle meet a partner's service region? (spherical geometry, pure numpy)

Partners may register the region they serve, either as a set of administrative divisions, each a
centroid with a radius that covers it, or as latitude/longitude bounding boxes. An alert is sent to
a partner only when its circle (last-seen point, current radius) meets that region.

Distances are great-circle distances on a sphere of radius :data:`EARTH_RADIUS_KM` (haversine).
Two spherical caps meet exactly when the distance between their centres is at most the sum of
their radii. For a box the distance from the circle's centre to the nearest point of the box is
computed exactly: the nearest point lies at the box longitude closest to the centre, at the
latitude on that meridian closest to the centre (clamped to the box).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees (broadcasts like numpy)."""
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    a = np.clip(a, 0.0, 1.0)  # rounding can push a just outside [0, 1]
    # atan2 keeps full precision near antipodes, where arcsin(sqrt(a)) loses half the digits
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arctan2(np.sqrt(a), np.sqrt(1.0 - a)), dtype=np.float64)


def _check_point(lat: float, lon: float, radius_km: float) -> None:
    if not (np.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ValueError(f"lat {lat!r} is outside [-90, 90]")
    if not (np.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise ValueError(f"lon {lon!r} is outside [-180, 180]")
    if not (np.isfinite(radius_km) and radius_km >= 0.0):
        raise ValueError(f"radius_km {radius_km!r} must be a non-negative number")


def _wrap180(degrees: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray((degrees + 180.0) % 360.0 - 180.0, dtype=np.float64)


def distance_to_boxes_km(lat: float, lon: float, boxes: ArrayLike) -> NDArray[np.float64]:
    """Distance in km from a point to each box ``(min_lat, min_lon, max_lat, max_lon)`` (0 inside).

    A box whose ``min_lon`` exceeds its ``max_lon`` crosses the antimeridian.
    """
    b = np.atleast_2d(np.asarray(boxes, dtype=np.float64))
    if b.size == 0:
        return np.zeros(0, dtype=np.float64)
    if b.ndim != 2 or b.shape[1] != 4:
        raise ValueError("boxes must have shape (n, 4): min_lat, min_lon, max_lat, max_lon")
    if not np.all(np.isfinite(b)):
        raise ValueError("boxes must be finite")
    min_lat, min_lon, max_lat, max_lon = b.T
    if np.any(min_lat > max_lat) or np.any(np.abs(b[:, [0, 2]]) > 90) or np.any(np.abs(b[:, [1, 3]]) > 180):
        raise ValueError("boxes must satisfy -90 <= min_lat <= max_lat <= 90 and longitudes in [-180, 180]")
    # Longitudinal offset of the point east of each box's western edge, and the box's own width.
    width = np.where(max_lon >= min_lon, max_lon - min_lon, max_lon - min_lon + 360.0)
    east_of_west = (lon - min_lon) % 360.0
    inside_lon = east_of_west <= width
    # Outside the longitude span the nearest meridian edge is the one fewer degrees away.
    to_west = 360.0 - east_of_west  # degrees from the point eastward to the western edge
    to_east = east_of_west - width  # degrees from the eastern edge eastward to the point
    edge_lon = np.where(to_west <= to_east, min_lon, max_lon)
    nearest_lon = np.where(inside_lon, lon, edge_lon)
    dlmb = np.radians(_wrap180(lon - nearest_lon))
    phi = np.radians(lat)
    # On the meridian at nearest_lon the closest latitude maximises sin(phi)sin(x)+cos(phi)cos(x)cos(dlmb).
    best = np.degrees(np.arctan2(np.sin(phi), np.cos(phi) * np.cos(dlmb)))
    candidates = np.stack([np.clip(best, min_lat, max_lat), min_lat, max_lat])
    distances = haversine_km(lat, lon, candidates, nearest_lon[None, :])
    return np.asarray(distances.min(axis=0), dtype=np.float64)


@dataclass(frozen=True)
class ServiceRegion:
    """A partner's service region: division centroids with covering radii, and/or boxes.

    ``centroids`` has shape (n, 2) as (lat, lon) with ``radii_km`` of shape (n,); ``boxes`` has shape
    (m, 4) as (min_lat, min_lon, max_lat, max_lon). A region with neither means "everywhere".
    """

    centroids: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 2)))
    radii_km: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    boxes: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 4)))

    def __post_init__(self) -> None:
        centroids = np.asarray(self.centroids, dtype=np.float64).reshape(-1, 2)
        radii = np.asarray(self.radii_km, dtype=np.float64).reshape(-1)
        boxes = np.asarray(self.boxes, dtype=np.float64).reshape(-1, 4)
        if len(centroids) != len(radii):
            raise ValueError("centroids and radii_km must have the same length")
        if not (np.all(np.isfinite(centroids)) and np.all(np.isfinite(radii)) and np.all(radii >= 0)):
            raise ValueError("centroids and radii_km must be finite, radii non-negative")
        if np.any(np.abs(centroids[:, 0]) > 90) or np.any(np.abs(centroids[:, 1]) > 180):
            raise ValueError("centroid coordinates out of range")
        distance_to_boxes_km(0.0, 0.0, boxes)  # validates the boxes
        object.__setattr__(self, "centroids", centroids)
        object.__setattr__(self, "radii_km", radii)
        object.__setattr__(self, "boxes", boxes)

    @property
    def is_everywhere(self) -> bool:
        return len(self.radii_km) == 0 and len(self.boxes) == 0


def circle_meets_centroids(
    lat: float, lon: float, radius_km: float, centroids: ArrayLike, radii_km: ArrayLike
) -> bool:
    """True if the circle meets any division disc (centre distance <= sum of radii)."""
    _check_point(lat, lon, radius_km)
    c = np.asarray(centroids, dtype=np.float64).reshape(-1, 2)
    r = np.asarray(radii_km, dtype=np.float64).reshape(-1)
    if len(c) == 0:
        return False
    distances = haversine_km(lat, lon, c[:, 0], c[:, 1])
    return bool(np.any(distances <= radius_km + r))


def circle_meets_boxes(lat: float, lon: float, radius_km: float, boxes: ArrayLike) -> bool:
    """True if the circle meets any bounding box."""
    _check_point(lat, lon, radius_km)
    distances = distance_to_boxes_km(lat, lon, boxes)
    return bool(np.any(distances <= radius_km))


def circle_meets_region(lat: float, lon: float, radius_km: float, region: ServiceRegion | None) -> bool:
    """True if an alert circle meets ``region``; ``None`` or an empty region means everywhere."""
    _check_point(lat, lon, radius_km)
    if region is None or region.is_everywhere:
        return True
    return circle_meets_centroids(
        lat, lon, radius_km, region.centroids, region.radii_km
    ) or circle_meets_boxes(lat, lon, radius_km, region.boxes)


class RegionIndex:
    """All partners' service regions stacked once, to answer "who does this alert reach?" in one go.

    ``regions[i]`` is partner ``i``'s region (``None`` or empty = everywhere). :meth:`reached`
    evaluates every division disc and box of every partner with a handful of vectorised numpy
    calls instead of one small computation per partner.
    """

    def __init__(self, regions: Sequence[ServiceRegion | None]) -> None:
        self.size = len(regions)
        self.everywhere = np.array([r is None or r.is_everywhere for r in regions], dtype=bool)
        disc_owner: list[NDArray[np.int64]] = []
        box_owner: list[NDArray[np.int64]] = []
        for index, region in enumerate(regions):
            if region is None:
                continue
            disc_owner.append(np.full(len(region.radii_km), index, dtype=np.int64))
            box_owner.append(np.full(len(region.boxes), index, dtype=np.int64))
        present = [r for r in regions if r is not None]
        self.centroids = np.concatenate([r.centroids for r in present]) if present else np.zeros((0, 2))
        self.radii_km = np.concatenate([r.radii_km for r in present]) if present else np.zeros(0)
        self.boxes = np.concatenate([r.boxes for r in present]) if present else np.zeros((0, 4))
        self.disc_owner = np.concatenate(disc_owner) if disc_owner else np.zeros(0, dtype=np.int64)
        self.box_owner = np.concatenate(box_owner) if box_owner else np.zeros(0, dtype=np.int64)

    def reached(self, lat: float, lon: float, radius_km: float) -> NDArray[np.bool_]:
        """Boolean mask over partners: does the alert circle meet partner ``i``'s region?"""
        _check_point(lat, lon, radius_km)
        hit = self.everywhere.copy()
        if len(self.radii_km):
            d = haversine_km(lat, lon, self.centroids[:, 0], self.centroids[:, 1])
            hit[self.disc_owner[d <= radius_km + self.radii_km]] = True
        if len(self.boxes):
            d = distance_to_boxes_km(lat, lon, self.boxes)
            hit[self.box_owner[d <= radius_km]] = True
        return hit
