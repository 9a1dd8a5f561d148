"""haversine_km against closed forms and an independent spherical-law-of-cosines computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from homeward.refdata.geo import EARTH_RADIUS_KM, haversine_km

R = EARTH_RADIUS_KM


def cosine_law_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return R * math.acos(max(-1.0, min(1.0, c)))


def test_closed_forms() -> None:
    assert haversine_km(0, 0, 0, 0) == 0.0
    assert haversine_km(0, 0, 1, 0) == pytest.approx(R * math.pi / 180, rel=1e-12)  # 1 deg of meridian
    assert haversine_km(0, 0, 0, 90) == pytest.approx(R * math.pi / 2, rel=1e-12)  # quarter equator
    assert haversine_km(90, 0, -90, 0) == pytest.approx(R * math.pi, rel=1e-12)  # pole to pole
    # antipodes: 1 - h cancels to ~1e-16, so float64 leaves about a decimetre of error
    assert haversine_km(10, 20, -10, -160) == pytest.approx(R * math.pi, abs=1e-3)
    # along the 60th parallel the great circle is shorter than the parallel arc, R*cos60*dlon
    assert haversine_km(60, 0, 60, 10) < R * 0.5 * math.radians(10)


def test_hand_computed_beijing_shanghai() -> None:
    # 天安门 (39.9087 N, 116.3975 E) to 人民广场 (31.2304 N, 121.4737 E).
    # By hand: dphi = -8.6783 deg, dlmb = 5.0762 deg;
    # a = sin^2(dphi/2) + cos(39.9087) cos(31.2304) sin^2(dlmb/2)
    #   = 0.0057236 + 0.767316 * 0.854995 * 0.0019607 = 0.0070099
    # d = 2 R asin(sqrt(a)) = 2 * 6371.0088 * 0.083821 = 1068.1 km
    assert haversine_km(39.9087, 116.3975, 31.2304, 121.4737) == pytest.approx(1068.1, abs=0.5)


def test_matches_cosine_law() -> None:
    rng = np.random.default_rng(7)
    pts = np.column_stack([rng.uniform(-80, 80, 200), rng.uniform(-180, 180, 200)])
    for (a, b), (c, d) in zip(pts[:100], pts[100:], strict=True):
        assert haversine_km(a, b, c, d) == pytest.approx(cosine_law_km(a, b, c, d), rel=1e-9, abs=1e-6)


def test_vectorised_equals_scalar_and_broadcasts() -> None:
    lat = np.array([39.9, 31.2, 22.5, 43.8])
    lon = np.array([116.4, 121.5, 114.1, 87.6])
    one_to_many = haversine_km(39.9, 116.4, lat, lon)
    assert isinstance(one_to_many, np.ndarray) and one_to_many.shape == (4,)
    assert one_to_many[0] == 0.0
    for i in range(4):
        assert one_to_many[i] == pytest.approx(haversine_km(39.9, 116.4, float(lat[i]), float(lon[i])))
    matrix = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert isinstance(matrix, np.ndarray) and matrix.shape == (4, 4)
    np.testing.assert_allclose(matrix, matrix.T)
    np.testing.assert_allclose(np.diag(matrix), 0.0, atol=1e-9)


def test_scalar_returns_float() -> None:
    assert type(haversine_km(1.0, 2.0, 3.0, 4.0)) is float
