"""Planted-hotspot benchmark of the Gi* engine over the real county list (2020 census populations).

Each replicate draws Poisson counts at 1 event per 100,000 residents everywhere, times a relative
risk RR in a compact cluster (a random county and its nearest neighbours), runs ``hotspots`` with
its defaults (EB smoothing, kNN k=8, automatic permutation count, BH FDR at 0.05) and scores the
hot flags: detection rate = planted counties flagged / planted counties; FDR = flagged counties
outside the cluster / flagged counties; FDR_beyond_ring also forgives the cluster's direct kNN
neighbours, whose Gi* neighbourhood contains cluster counties by construction. RR = 1 is the
uniform field: any flag is false.

    .venv/bin/python bench/hotspots_gistar.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.engines.hotspots import county_weights, hotspots
from homeward.engines.hotspots.synthetic import planted_field
from homeward.refdata.divisions import load_divisions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    reps = 1 if args.quick else 5
    idx = load_divisions()
    pops: dict[str, int] = {}
    cents: dict[str, tuple[float, float]] = {}
    for d in idx.counties():
        c = idx.centroid(d.code)
        if d.population and c is not None:
            pops[d.code] = int(d.population)
            cents[d.code] = (float(c[0]), float(c[1]))
    w = county_weights(cents)
    n = len(pops)
    print(f"BENCH hotspots_data counties={n} population={sum(pops.values())} weights=knn8")

    rng = np.random.default_rng(2026)
    # Speed: default (auto) permutations against esda's customary 999, same field.
    field = planted_field(pops, cents, rng, relative_risk=3.0, cluster_size=15)
    t0 = time.perf_counter()
    r999 = hotspots(field.counts, pops, w, permutations=999)
    t999 = time.perf_counter() - t0
    t0 = time.perf_counter()
    rauto = hotspots(field.counts, pops, w)
    tauto = time.perf_counter() - t0
    print(
        f"BENCH hotspots_speed counties={n} perms_auto={rauto.permutations} seconds_auto={tauto:.2f} "
        f"seconds_999={t999:.2f} ratio_auto_vs_999={tauto / t999:.1f} "
        f"min_cluster_auto={rauto.min_detectable_cluster} min_cluster_999={r999.min_detectable_cluster} "
        f"hot_auto={len(rauto.hot())} hot_999={len(r999.hot())}"
    )

    for rr, size in ((1.0, 0), (2.0, 15), (3.0, 15), (3.0, 30)):
        det, fdr, fdr_ring, any_flag, flagged = [], [], [], 0, []
        for _ in range(reps):
            f = planted_field(pops, cents, rng, relative_risk=rr, cluster_size=size)
            rep = hotspots(f.counts, pops, w, seed=int(rng.integers(1 << 30)))
            hot = {r.code for r in rep.hot()}
            flagged.append(len(hot))
            any_flag += bool(hot)
            ring = set(f.cluster) | {nb for c in f.cluster for nb in w.neighbours[c]}
            if size:
                det.append(len(hot & f.cluster) / len(f.cluster))
            if hot:
                fdr.append(len(hot - f.cluster) / len(hot))
                fdr_ring.append(len(hot - ring) / len(hot))
        mean = lambda xs: float(np.mean(xs)) if xs else float("nan")  # noqa: E731 -- local one-liner
        print(
            f"BENCH hotspots_planted rr={rr:g} cluster={size} reps={reps} detection_rate={mean(det):.3f} "
            f"fdr={mean(fdr):.3f} fdr_beyond_ring={mean(fdr_ring):.3f} runs_with_any_flag={any_flag}/{reps} "
            f"mean_flagged={mean(flagged):.1f}"
        )


if __name__ == "__main__":
    main()
