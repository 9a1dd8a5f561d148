"""Benchmark homeward.refdata: load time and memory, history lookups, vectorised haversine.

Run from the repository root: ``.venv/bin/python bench/refdata_load.py [--quick]``.
Prints ``BENCH refdata_<name> key=value ...`` lines.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from homeward.refdata.divisions import DATA_DIR, _build
from homeward.refdata.geo import haversine_km


def best_of(n: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    reps = 3 if args.quick else 7
    n_lookups = 20_000 if args.quick else 200_000
    n_points = 100_000 if args.quick else 1_000_000

    # Load: fresh build (the cache is bypassed) and its peak traced allocation.
    load_s = best_of(reps, lambda: _build(DATA_DIR))
    tracemalloc.start()
    idx = _build(DATA_DIR)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"BENCH refdata_load seconds_best_of_{reps}={load_s:.3f} target_seconds=0.5 "
        f"peak_traced_mib={peak / 2**20:.1f} divisions={len(idx)}"
    )

    # History lookups: random (code, year) records drawn from codes.csv periods.
    rng = random.Random(1)
    with (DATA_DIR / "codes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    records = []
    for _ in range(n_lookups):
        r = rng.choice(rows)
        lo, hi = int(r["valid_from"]), int(r["valid_to"] or 2024)
        records.append((r["code"], rng.randint(lo, hi)))
    t0 = time.perf_counter()
    for code, year in records:
        idx.resolve(code, year)
    resolve_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for code, year in records:
        idx.centroid(code, year)
    centroid_s = time.perf_counter() - t0
    print(
        f"BENCH refdata_resolve lookups={n_lookups} resolve_per_s={n_lookups / resolve_s:,.0f} "
        f"centroid_per_s={n_lookups / centroid_s:,.0f}".replace(",", "")
    )

    # Haversine: numpy-vectorised vs a pure-Python math loop (baseline) on the same pairs.
    g = np.random.default_rng(2)
    lat1, lat2 = g.uniform(18, 53, n_points), g.uniform(18, 53, n_points)
    lon1, lon2 = g.uniform(74, 134, n_points), g.uniform(74, 134, n_points)
    vec_s = best_of(reps, lambda: haversine_km(lat1, lon1, lat2, lon2))
    n_loop = n_points // 10
    l1, o1, l2, o2 = (a[:n_loop].tolist() for a in (lat1, lon1, lat2, lon2))

    def loop() -> None:
        r = 6371.0088
        for a, b, c, d in zip(l1, o1, l2, o2, strict=True):
            p1, p2 = math.radians(a), math.radians(c)
            h = (
                math.sin((p2 - p1) / 2) ** 2
                + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
            )
            2 * r * math.asin(math.sqrt(h))

    loop_s = best_of(max(1, reps // 2), loop) * (n_points / n_loop)
    print(
        f"BENCH refdata_haversine pairs={n_points} numpy_seconds={vec_s:.4f} "
        f"python_loop_seconds_extrapolated={loop_s:.3f} speedup_vs_loop={loop_s / vec_s:.1f}"
    )


if __name__ == "__main__":
    main()
