"""Shared fixtures: a synthetic lattice of 'counties' with centroids and populations."""

from __future__ import annotations

import numpy as np
import pytest


def lattice(side: int = 15, seed: int = 1) -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
    rng = np.random.default_rng(seed)
    cents: dict[str, tuple[float, float]] = {}
    pops: dict[str, int] = {}
    for i in range(side):
        for j in range(side):
            code = f"{i:02d}{j:02d}00"
            cents[code] = (30.0 + 0.3 * i, 110.0 + 0.3 * j)
            pops[code] = int(rng.integers(100_000, 600_000))
    return cents, pops


@pytest.fixture
def grid() -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
    return lattice()
