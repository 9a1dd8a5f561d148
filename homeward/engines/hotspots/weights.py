"""County spatial weights built from centroids (no polygons are shipped with Homeward).

Default: k nearest neighbours (k = 8) by great-circle distance. Chinese counties differ in size by
two orders of magnitude (a few km across in the eastern cities, hundreds of km in Xizang and
Xinjiang), so any fixed distance band gives eastern counties dozens of neighbours and western ones
none (islands, for which Gi* is undefined). kNN gives every county the same number of neighbours,
keeps the Gi* variance comparable across counties and never leaves islands; k = 8 is a little above
the mean number of polygon neighbours of an irregular tessellation (about 6), to keep some power for
clusters that straddle prefecture borders. A distance band is available for regional analyses in
areas of similar county size.

Neighbour search runs on 3-D unit-sphere coordinates: the chord length is a monotone function of
the great-circle distance, so Euclidean kNN there is exact great-circle kNN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from libpysal.weights import W
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088

Method = Literal["knn", "band"]


@dataclass(frozen=True)
class CountyWeights:
    """Binary spatial weights over ``codes`` (in that order) plus how they were built."""

    codes: tuple[str, ...]
    neighbours: Mapping[str, tuple[str, ...]]
    centroids: Mapping[str, tuple[float, float]]
    method: Method
    k: int | None
    threshold_km: float | None

    @property
    def islands(self) -> tuple[str, ...]:
        return tuple(c for c in self.codes if not self.neighbours[c])

    def describe(self) -> str:
        if self.method == "knn":
            return f"binary k-nearest-neighbour weights on county centroids (k={self.k}, great-circle)"
        return (
            f"binary distance-band weights on county centroids (band {self.threshold_km:g} km, great-circle)"
        )

    def to_libpysal(self) -> W:
        """A libpysal ``W`` whose id order is ``codes``."""
        return W(
            {c: list(self.neighbours[c]) for c in self.codes},
            id_order=list(self.codes),
            silence_warnings=True,
        )

    def subset(self, codes: Iterable[str]) -> CountyWeights:
        """Weights rebuilt with the same rule over a subset of the units (not a cut of these)."""
        keep = list(codes)
        return county_weights(
            {c: self.centroids[c] for c in keep}, method=self.method, k=self.k, threshold_km=self.threshold_km
        )


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(n, 3) Cartesian unit vectors for latitudes/longitudes in degrees."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def county_weights(
    centroids: Mapping[str, tuple[float, float]],
    *,
    method: Method = "knn",
    k: int | None = 8,
    threshold_km: float | None = None,
) -> CountyWeights:
    """Build binary weights from ``{code: (lat, lon)}``.

    ``method="knn"`` needs ``k`` (fewer than the number of units); ``method="band"`` needs
    ``threshold_km`` and may leave islands (listed in ``CountyWeights.islands``). Ties at equal
    distance (e.g. counties that share a fallback centroid) are broken by code order.
    """
    codes = tuple(sorted(centroids))
    n = len(codes)
    if n < 2:
        raise ValueError("spatial weights need at least 2 units")
    coords = np.array([centroids[c] for c in codes], dtype=float)
    if not np.all(np.isfinite(coords)):
        bad = [c for c, row in zip(codes, coords, strict=True) if not np.all(np.isfinite(row))]
        raise ValueError(f"non-finite centroid for {', '.join(bad[:5])}")
    xyz = unit_vectors(coords[:, 0], coords[:, 1])
    tree = cKDTree(xyz)
    neighbours: dict[str, tuple[str, ...]] = {}
    if method == "knn":
        if k is None or not 1 <= k < n:
            raise ValueError(f"k must be between 1 and {n - 1} for {n} units, got {k}")
        # Ask for extra candidates so that duplicates of the focal point cannot crowd out a neighbour.
        _, idx = tree.query(xyz, k=min(n, k + 1))
        for i, row in enumerate(np.atleast_2d(idx)):
            others = [int(j) for j in row if int(j) != i][:k]
            neighbours[codes[i]] = tuple(codes[j] for j in others)
        return CountyWeights(
            codes, neighbours, dict(zip(codes, map(tuple, coords.tolist()), strict=True)), "knn", k, None
        )
    if method == "band":
        if threshold_km is None or threshold_km <= 0:
            raise ValueError("threshold_km must be positive for a distance band")
        chord = 2.0 * np.sin(min(threshold_km / EARTH_RADIUS_KM, np.pi) / 2.0)
        for i, found in enumerate(tree.query_ball_point(xyz, r=chord)):
            neighbours[codes[i]] = tuple(codes[j] for j in sorted(found) if j != i)
        return CountyWeights(
            codes,
            neighbours,
            dict(zip(codes, map(tuple, coords.tolist()), strict=True)),
            "band",
            None,
            float(threshold_km),
        )
    raise ValueError(f"unknown weights method {method!r} (use 'knn' or 'band')")


def refdata_centroids(codes: Iterable[str]) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """Centroids of ``codes`` from ``homeward.refdata``; also the codes that have none."""
    from homeward.refdata.divisions import load_divisions

    idx = load_divisions()
    found: dict[str, tuple[float, float]] = {}
    missing: list[str] = []
    for code in codes:
        c = idx.centroid(code)
        if c is None or c[0] is None or c[1] is None:
            missing.append(code)
        else:
            found[code] = (float(c[0]), float(c[1]))
    return found, missing
