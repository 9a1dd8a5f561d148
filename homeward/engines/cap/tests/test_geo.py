"""Geometry: haversine against closed forms, circle/region intersection, exact box distance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from homeward.engines.cap.geo import (
    EARTH_RADIUS_KM,
    RegionIndex,
    ServiceRegion,
    circle_meets_boxes,
    circle_meets_centroids,
    circle_meets_region,
    distance_to_boxes_km,
    haversine_km,
)

KM_PER_DEG = EARTH_RADIUS_KM * math.pi / 180.0  # arc length of one degree of a great circle


def test_haversine_closed_forms() -> None:
    # along a meridian and along the equator a degree is R * pi / 180
    assert haversine_km(30.0, 110.0, 31.0, 110.0) == pytest.approx(KM_PER_DEG, rel=1e-12)
    assert haversine_km(0.0, 100.0, 0.0, 103.0) == pytest.approx(3 * KM_PER_DEG, rel=1e-12)
    # pole to equator is a quarter circumference; antipodes are half
    assert haversine_km(90.0, 0.0, 0.0, 57.0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM, rel=1e-12)
    # exactly antipodal inputs are ill-conditioned for any haversine form: metre-level agreement
    assert haversine_km(10.0, 20.0, -10.0, -160.0) == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-7)
    # spherical law of cosines, computed independently, for Beijing -> Shanghai
    p1, l1, p2, l2 = map(math.radians, (39.9042, 116.4074, 31.2304, 121.4737))
    central = math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l2 - l1))
    assert haversine_km(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(
        central * EARTH_RADIUS_KM, rel=1e-9
    )
    # broadcasting
    d = haversine_km(0.0, 0.0, np.array([0.0, 1.0, 2.0]), 0.0)
    assert d == pytest.approx([0.0, KM_PER_DEG, 2 * KM_PER_DEG])


def test_circle_meets_division_discs() -> None:
    # division centroid 3 degrees of latitude (333.6 km) north of the alert centre, covering 50 km
    centroid = [[33.0, 116.0]]
    gap = 3 * KM_PER_DEG
    assert circle_meets_centroids(30.0, 116.0, gap - 50 + 0.01, centroid, [50.0])
    assert not circle_meets_centroids(30.0, 116.0, gap - 50 - 0.01, centroid, [50.0])
    assert not circle_meets_centroids(30.0, 116.0, 100.0, np.zeros((0, 2)), [])


def test_box_distances_closed_forms() -> None:
    box = [30.0, 110.0, 32.0, 112.0]
    # inside, due north/south (meridian distance), due east on the equator-parallel box edge
    assert distance_to_boxes_km(31.0, 111.0, [box])[0] == 0.0
    assert distance_to_boxes_km(33.5, 111.0, [box])[0] == pytest.approx(1.5 * KM_PER_DEG)
    assert distance_to_boxes_km(28.0, 111.3, [box])[0] == pytest.approx(2 * KM_PER_DEG)
    equator_box = [-1.0, 10.0, 1.0, 12.0]
    assert distance_to_boxes_km(0.0, 15.0, [equator_box])[0] == pytest.approx(3 * KM_PER_DEG)
    assert distance_to_boxes_km(0.0, 5.0, [equator_box])[0] == pytest.approx(5 * KM_PER_DEG)


def _sampled_distance(lat: float, lon: float, box: list[float], n: int = 801) -> float:
    min_lat, min_lon, max_lat, max_lon = box
    lats = np.linspace(min_lat, max_lat, n)
    lons = np.linspace(min_lon, max_lon, n)
    edge_lat = np.concatenate([lats, lats, np.full(n, min_lat), np.full(n, max_lat)])
    edge_lon = np.concatenate([np.full(n, min_lon), np.full(n, max_lon), lons, lons])
    return float(haversine_km(lat, lon, edge_lat, edge_lon).min())


def test_box_distance_matches_dense_sampling_of_the_boundary() -> None:
    # For points outside, the nearest point of the box lies on its boundary; a dense sample of the
    # boundary bounds the exact distance from above and converges to it.
    rng = np.random.default_rng(20260601)
    for _ in range(40):
        min_lat, max_lat = np.sort(rng.uniform(-60, 70, 2))
        min_lon = rng.uniform(-170, 150)
        max_lon = min_lon + rng.uniform(0.5, 25)
        box = [float(min_lat), float(min_lon), float(max_lat), float(max_lon)]
        lat = float(rng.uniform(-80, 80))
        lon = float(rng.uniform(-179, 179))
        exact = distance_to_boxes_km(lat, lon, [box])[0]
        inside = min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
        if inside:
            assert exact == 0.0
            continue
        sampled = _sampled_distance(lat, lon, box)
        assert exact <= sampled + 1e-6
        assert sampled - exact < 2.0  # km; the sample spacing is at most ~3.5 km


def test_box_across_antimeridian() -> None:
    box = [-20.0, 170.0, -10.0, -170.0]  # 20 degrees wide, crossing 180
    assert distance_to_boxes_km(-15.0, 179.9, [box])[0] == 0.0
    assert distance_to_boxes_km(-15.0, -175.0, [box])[0] == 0.0
    assert distance_to_boxes_km(0.0, 180.0, [box])[0] == pytest.approx(10 * KM_PER_DEG)


def test_circle_meets_boxes_threshold() -> None:
    box = [[30.0, 110.0, 32.0, 112.0]]
    gap = 1.5 * KM_PER_DEG
    assert circle_meets_boxes(33.5, 111.0, gap + 0.01, box)
    assert not circle_meets_boxes(33.5, 111.0, gap - 0.01, box)


def test_region_combines_centroids_and_boxes() -> None:
    region = ServiceRegion(
        centroids=np.array([[23.13, 113.26]]),  # Guangzhou
        radii_km=np.array([60.0]),
        boxes=np.array([[39.4, 115.4, 41.1, 117.5]]),  # Beijing municipality, roughly
    )
    beijing_alert = (39.90, 116.40)
    shanghai_alert = (31.23, 121.47)
    assert circle_meets_region(*beijing_alert, 100.0, region)
    # Shanghai-Beijing is about 1070 km; Shanghai-Guangzhou about 1200 km
    assert not circle_meets_region(*shanghai_alert, 500.0, region)
    assert circle_meets_region(*shanghai_alert, 1300.0, region)
    assert circle_meets_region(*shanghai_alert, 1.0, None)
    assert circle_meets_region(*shanghai_alert, 1.0, ServiceRegion())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"centroids": [[30.0, 110.0]], "radii_km": [1.0, 2.0]}, "same length"),
        ({"centroids": [[95.0, 110.0]], "radii_km": [1.0]}, "out of range"),
        ({"centroids": [[30.0, 110.0]], "radii_km": [-1.0]}, "non-negative"),
        ({"boxes": [[32.0, 110.0, 30.0, 112.0]]}, "min_lat <= max_lat"),
        ({"boxes": [[np.nan, 110.0, 30.0, 112.0]]}, "finite"),
    ],
)
def test_bad_regions_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServiceRegion(**kwargs)


def test_bad_circle_rejected() -> None:
    with pytest.raises(ValueError, match="lat"):
        circle_meets_region(91.0, 0.0, 1.0, None)
    with pytest.raises(ValueError, match="radius"):
        circle_meets_region(0.0, 0.0, float("nan"), None)


def test_region_index_agrees_with_per_partner_checks() -> None:
    rng = np.random.default_rng(4)
    regions: list[ServiceRegion | None] = [None, ServiceRegion()]
    for _ in range(30):
        k = int(rng.integers(0, 4))
        m = int(rng.integers(0, 2))
        lat0 = rng.uniform(20, 45, m)
        lon0 = rng.uniform(100, 125, m)
        regions.append(
            ServiceRegion(
                centroids=np.column_stack([rng.uniform(20, 45, k), rng.uniform(100, 125, k)]),
                radii_km=rng.uniform(10, 80, k),
                boxes=np.column_stack(
                    [lat0, lon0, lat0 + rng.uniform(0.5, 3, m), lon0 + rng.uniform(0.5, 3, m)]
                ),
            )
        )
    index = RegionIndex(regions)
    for _ in range(50):
        lat, lon, r = float(rng.uniform(18, 47)), float(rng.uniform(98, 127)), float(rng.uniform(50, 500))
        expected = [circle_meets_region(lat, lon, r, region) for region in regions]
        assert index.reached(lat, lon, r).tolist() == expected
    assert RegionIndex([]).reached(30.0, 110.0, 100.0).tolist() == []
