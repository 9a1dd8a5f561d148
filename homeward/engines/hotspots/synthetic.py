"""Synthetic data with known truth, for benchmarks and tests: planted hotspots and outbreaks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .weights import unit_vectors


@dataclass(frozen=True)
class PlantedField:
    counts: dict[str, int]
    cluster: frozenset[str]
    centre: str


def nearest_codes(centroids: Mapping[str, tuple[float, float]], centre: str, size: int) -> list[str]:
    """``centre`` and its ``size - 1`` nearest units by great-circle distance (ties by code)."""
    codes = sorted(centroids)
    xyz = unit_vectors(np.array([centroids[c][0] for c in codes]), np.array([centroids[c][1] for c in codes]))
    i = codes.index(centre)
    d = np.linalg.norm(xyz - xyz[i], axis=1)
    order = sorted(range(len(codes)), key=lambda j: (j != i, d[j], codes[j]))
    return [codes[j] for j in order[:size]]


def planted_field(
    population: Mapping[str, int],
    centroids: Mapping[str, tuple[float, float]],
    rng: np.random.Generator,
    *,
    rate_per_100k: float = 1.0,
    relative_risk: float = 3.0,
    cluster_size: int = 10,
    centre: str | None = None,
) -> PlantedField:
    """Poisson counts at a uniform rate, times ``relative_risk`` in a compact cluster of counties.

    ``relative_risk == 1`` (or ``cluster_size == 0``) gives a uniform field with no true hotspot.
    """
    codes = sorted(c for c in population if c in centroids)
    if centre is None:
        centre = codes[int(rng.integers(len(codes)))]
    cluster = (
        set(nearest_codes({c: centroids[c] for c in codes}, centre, cluster_size)) if cluster_size else set()
    )
    pops = np.array([population[c] for c in codes], dtype=float)
    rr = np.array([relative_risk if c in cluster else 1.0 for c in codes])
    counts = rng.poisson(pops * rate_per_100k / 1e5 * rr)
    return PlantedField(dict(zip(codes, map(int, counts), strict=True)), frozenset(cluster), centre)


def seasonal_series(
    rng: np.random.Generator,
    weeks: int,
    *,
    mean: float = 2.0,
    amplitude: float = 0.4,
    size: float = 5.0,
) -> np.ndarray:
    """Weekly negative-binomial counts (dispersion ``size``) with a yearly sinusoidal season."""
    t = np.arange(weeks)
    mu = mean * np.exp(amplitude * np.sin(2 * np.pi * t / 52))
    return rng.negative_binomial(size, size / (size + mu))


def inject_outbreak(
    series: np.ndarray, rng: np.random.Generator, start: int, length: int, extra_mean: float
) -> np.ndarray:
    """Add Poisson(``extra_mean``) extra events per week for ``length`` weeks from ``start``."""
    out = series.copy()
    stop = min(len(out), start + length)
    out[start:stop] += rng.poisson(extra_mean, stop - start)
    return out
