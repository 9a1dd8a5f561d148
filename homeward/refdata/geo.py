"""Great-circle distances between (lat, lon) points, scalar or numpy-vectorised."""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

# IUGG mean Earth radius (R1 = (2a + b) / 3 of WGS 84), the usual choice for haversine.
EARTH_RADIUS_KM = 6371.0088

ArrayLike = npt.ArrayLike


@overload
def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float: ...
@overload
def haversine_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> float | npt.NDArray[np.float64]: ...


def haversine_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> float | npt.NDArray[np.float64]:
    """Great-circle distance in km on a sphere of radius ``EARTH_RADIUS_KM``.

    Arguments are degrees. Scalars give a ``float``; arrays broadcast with the numpy
    rules and give an array (so one point against many, or pairwise with
    ``lat1[:, None]`` against ``lat2[None, :]``). The haversine form stays accurate
    for short distances; taking the angle with ``arctan2`` rather than ``arcsin``
    keeps it accurate near antipodal points too, where ``arcsin``'s slope blows up.
    """
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64)) - np.radians(np.asarray(lon1, dtype=np.float64))
    h = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    h = np.clip(h, 0.0, 1.0)
    d = 2.0 * EARTH_RADIUS_KM * np.arctan2(np.sqrt(h), np.sqrt(1.0 - h))
    if d.ndim == 0:
        return float(d)
    return d
