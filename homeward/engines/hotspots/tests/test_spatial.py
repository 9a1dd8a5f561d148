"""Gi* hotspots: closed-form statistic, planted cluster found, uniform field left alone."""

from __future__ import annotations

import math

import numpy as np
import pytest

from homeward.engines.hotspots import auto_permutations, county_weights, hotspots, min_detectable_cluster
from homeward.engines.hotspots.spatial import poisson_rate_ci

from .conftest import lattice


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def planted(cents: dict, pops: dict, seed: int, rr: float, block: range) -> tuple[dict[str, int], set[str]]:
    rng = np.random.default_rng(seed)
    cluster = {f"{i:02d}{j:02d}00" for i in block for j in block}
    counts = {c: int(rng.poisson(pops[c] * 2e-5 * (rr if c in cluster else 1.0))) for c in sorted(pops)}
    return counts, cluster


def test_knn_matches_brute_force_great_circle() -> None:
    rng = np.random.default_rng(5)
    cents = {f"c{i:03d}": (float(rng.uniform(20, 45)), float(rng.uniform(80, 125))) for i in range(60)}
    w = county_weights(cents, k=5)
    for code, nb in w.neighbours.items():
        dist = sorted((haversine(cents[code], cents[o]), o) for o in cents if o != code)
        assert set(nb) == {o for _, o in dist[:5]}


def test_distance_band_uses_great_circle_km() -> None:
    cents = {"a": (30.0, 110.0), "b": (30.0, 110.5), "c": (30.0, 112.0)}
    d_ab = haversine(cents["a"], cents["b"])
    w = county_weights(cents, method="band", threshold_km=d_ab + 1)
    assert w.neighbours["a"] == ("b",)
    assert w.islands == ("c",)
    assert county_weights(cents, method="band", threshold_km=d_ab - 1).neighbours["a"] == ()


def test_gi_star_z_equals_getis_ord_closed_form() -> None:
    cents, pops = lattice(side=6, seed=2)
    rng = np.random.default_rng(7)
    counts = {c: int(rng.poisson(8)) for c in pops}
    rep = hotspots(counts, pops, cents, permutations=99, smoothing="none")
    w = county_weights(cents, k=8)
    codes = list(w.codes)
    x = np.array([counts[c] / pops[c] * 1e5 for c in codes])
    n = len(x)
    xbar, s = x.mean(), math.sqrt((x**2).mean() - x.mean() ** 2)
    by = rep.by_code()
    for i, c in enumerate(codes):
        members = [i] + [codes.index(o) for o in w.neighbours[c]]
        wi = len(members)  # binary weights including self: W_i = S1_i = k + 1
        z = (x[members].sum() - xbar * wi) / (s * math.sqrt((n * wi - wi**2) / (n - 1)))
        assert by[c].gi_star_z == pytest.approx(z, rel=1e-9)


@pytest.mark.parametrize("heterogeneous", [True, False])
def test_empirical_bayes_matches_marshall_formula(heterogeneous: bool) -> None:
    cents, pops = lattice(side=5, seed=3)
    rng = np.random.default_rng(1)
    risk = {c: float(rng.gamma(1.0, 1.0)) if heterogeneous else 1.0 for c in sorted(pops)}
    counts = {c: int(rng.poisson(pops[c] * 3e-5 * risk[c])) for c in sorted(pops)}
    rep = hotspots(counts, pops, cents, permutations=99)
    codes = [r.code for r in rep]
    e = np.array([counts[c] for c in codes], float)
    b = np.array([pops[c] for c in codes], float)
    r = e / b
    m = e.sum() / b.sum()
    var = (b * (r - m) ** 2).sum() / b.sum() - m / b.mean()
    assert (var > 0) == heterogeneous
    shrink = var / (var + m / b) if var > 0 else np.zeros_like(b)
    expected = (m + shrink * (r - m)) * 1e5
    assert [x.smoothed_rate for x in rep] == pytest.approx(list(expected), rel=1e-9)


def test_finds_a_planted_cluster() -> None:
    cents, pops = lattice()
    counts, cluster = planted(cents, pops, seed=11, rr=4.0, block=range(5, 9))
    rep = hotspots(counts, pops, cents, seed=3)
    hot = {r.code for r in rep.hot()}
    # A 4x4 block of 16 cells with four times the rate: most of it must be flagged ...
    assert len(hot & cluster) >= 10
    # ... and nothing further than one ring of cells from the block (Gi* sees a cell's neighbours).
    ring = {f"{i:02d}{j:02d}00" for i in range(4, 10) for j in range(4, 10)}
    assert hot <= ring
    assert all(r.q_value <= 0.05 and r.rate_ci95[0] <= r.rate <= r.rate_ci95[1] for r in rep.hot())
    assert not rep.cold()


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_uniform_field_has_no_hotspot(seed: int) -> None:
    cents, pops = lattice()
    counts, _ = planted(cents, pops, seed=seed, rr=1.0, block=range(0))
    rep = hotspots(counts, pops, cents, seed=seed)
    assert rep.hot() == [] and rep.cold() == []


def test_without_fdr_uniform_field_flags_about_alpha() -> None:
    # Unadjusted 5% tests over 225 cells must flag some cells by chance, which FDR control removes:
    # this guards against a p-value that is stuck at 1.
    cents, pops = lattice()
    counts, _ = planted(cents, pops, seed=31, rr=1.0, block=range(0))
    raw = hotspots(counts, pops, cents, fdr=False, permutations=999, seed=1)
    flagged = len(raw.hot()) + len(raw.cold())
    assert 1 <= flagged <= 40


def test_resolution_of_permutations_and_fdr() -> None:
    p = auto_permutations(2850, 0.05)
    assert 2 / (p + 1) <= 0.05 * 5 / 2850 < 2 / (p + 1 - 1000)
    assert auto_permutations(100, 0.05) == 999
    # 999 permutations over 2,850 counties: BH needs 2/1000 <= 0.05*m/2850, i.e. m >= 114.
    assert min_detectable_cluster(2850, 999, 0.05, True) == 114


def test_garwood_interval_reference_values() -> None:
    # Published exact Poisson limits: 0 events -> [0, 3.689]; 5 events -> [1.6235, 11.668].
    assert poisson_rate_ci(0, 100_000) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert poisson_rate_ci(5, 100_000) == pytest.approx((1.6235, 11.6683), abs=1e-3)


def test_units_without_population_or_centroid_are_excluded_and_said() -> None:
    cents, pops = lattice(side=4)
    pops2: dict[str, int | None] = dict(pops)
    pops2["990000"] = None
    counts = dict.fromkeys(pops, 2) | {"999999": 3}
    rep = hotspots(counts, pops2, cents, permutations=99)
    assert "999999" in rep.basis.excluded and "990000" in rep.basis.excluded
    assert len(rep) == 16
    assert "human judgement" in rep.basis.statement()


def test_no_events_means_no_hotspot() -> None:
    cents, pops = lattice(side=4)
    rep = hotspots({}, pops, cents)
    assert rep.hot() == [] and all(r.p_value == 1.0 for r in rep)


def test_negative_count_rejected() -> None:
    cents, pops = lattice(side=4)
    with pytest.raises(ValueError, match="000000"):
        hotspots({"000000": -1}, pops, cents)
