"""Textscreen clustering at scale: posts/s for normalise + MinHash LSH + union-find, extrapolated to 1M.

Run: .venv/bin/python bench/textscreen_cluster.py [--quick | --full] [--n N]
Default clusters 200,000 posts (a few minutes here); --full runs 1,000,000.
Wall and CPU seconds are both printed, with the load average at start and end: the machine is shared
(2 cores, often a load of 10+), so wall time includes waiting for a core while CPU seconds are what the
run itself costs.  The 1M target is judged on wall time when the machine is quiet; on a loaded machine
``cpu_minutes`` is the honest figure (single process: wall >= cpu, equal when a core is free).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from datasketch import MinHash

from homeward.engines.textscreen.cluster import (
    Clusterer,
    _permutations,
    mask_for_shingles,
    shingle_hash,
    signatures,
)
from homeward.engines.textscreen.evalset import generate_bulk
from homeward.engines.textscreen.normalise import normalise


def purity(pred: list[object], truth: list[str]) -> tuple[float, float]:
    def _p(a: list[object], b: list[object]) -> float:
        groups: dict[object, Counter[object]] = defaultdict(Counter)
        for x, y in zip(a, b, strict=True):
            groups[x][y] += 1
        return sum(c.most_common(1)[0][1] for c in groups.values()) / len(a)

    return _p(pred, list(truth)), _p(list(truth), pred)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--n", type=int, default=None)
    args = ap.parse_args()
    n = args.n or (20_000 if args.quick else 1_000_000 if args.full else 200_000)
    load_start = os.getloadavg()

    t0 = time.perf_counter()
    rows = list(generate_bulk(n, seed=1))
    gen_s = time.perf_counter() - t0
    ids = [r[0] for r in rows]
    truth = [r[2] for r in rows]
    texts = [r[1] for r in rows]
    del rows
    print(f"BENCH textscreen_bulk posts={n} campaigns={len(set(truth))} gen_s={gen_s:.1f}")

    gc.disable()  # millions of small objects: collection cycles would dominate and measure nothing useful
    t0, c0 = time.perf_counter(), time.process_time()
    norm = [normalise(t).text for t in texts]
    norm_s, norm_cpu = time.perf_counter() - t0, time.process_time() - c0

    # Baseline: datasketch's own MinHash, one post at a time, on a sample.
    sample = [mask_for_shingles(t) for t in norm[:3000]]
    t0 = time.perf_counter()
    for t in sample:
        m = MinHash(num_perm=64, seed=1, scheme="affine32", hashfunc=shingle_hash)
        m.update_batch([t[i : i + 3].encode() for i in range(max(1, len(t) - 2))])
    ds_s = (time.perf_counter() - t0) / len(sample)
    perm = _permutations(64, 1)
    t0 = time.perf_counter()
    signatures(sample, 3, perm)
    vec_s = (time.perf_counter() - t0) / len(sample)
    print(
        f"BENCH textscreen_minhash per_post_datasketch_us={ds_s * 1e6:.0f} per_post_vectorised_us={vec_s * 1e6:.1f} "
        f"speedup={ds_s / vec_s:.1f}x"
    )

    # Baseline index: datasketch.MinHashLSH on a subset, against the bands index on the same subset.
    sub = min(n, 20_000)
    times = {}
    for index in ("datasketch", "bands"):
        c2 = Clusterer(keep_text=False, index=index)
        t0 = time.perf_counter()
        c2.add_many(ids[:sub], norm[:sub], None, normalised=True)
        times[index] = time.perf_counter() - t0
    print(
        f"BENCH textscreen_lsh_index posts={sub} datasketch_lsh_posts_per_s={sub / times['datasketch']:.0f} "
        f"bands_posts_per_s={sub / times['bands']:.0f} speedup={times['datasketch'] / times['bands']:.1f}x"
    )

    cl = Clusterer(keep_text=False)
    t0, c0 = time.perf_counter(), time.process_time()
    cl.add_many(ids, norm, None, normalised=True)
    cluster_s, cluster_cpu = time.perf_counter() - t0, time.process_time() - c0
    pred = [cl.group_of(i) for i in ids]
    pur, inv = purity(pred, truth)
    gc.enable()
    total_s = norm_s + cluster_s
    per_m = 1_000_000 / n
    print(
        f"BENCH textscreen_cluster_scale posts={n} normalise_s={norm_s:.1f} cluster_s={cluster_s:.1f} "
        f"posts_per_s={n / total_s:.0f} cluster_only_posts_per_s={n / cluster_s:.0f} "
        f"purity={pur:.3f} inverse_purity={inv:.3f} groups={len(set(pred))} "
        f"lsh_indexed={cl.indexed} normalise_cpu_s={norm_cpu:.1f} cluster_cpu_s={cluster_cpu:.1f}"
    )
    est = total_s * per_m
    cpu = norm_cpu + cluster_cpu
    load_end = os.getloadavg()
    kind = "measured" if n >= 1_000_000 else f"extrapolated_linear_from_{n}"
    print(
        f"BENCH textscreen_cluster_1m minutes={est / 60:.1f} cpu_minutes={cpu * per_m / 60:.2f} "
        f"target_minutes=10 basis={kind} "
        f"normalise_minutes={norm_s * per_m / 60:.1f} cluster_minutes={cluster_s * per_m / 60:.1f} "
        f"cpu_us_per_post={cpu / n * 1e6:.0f} cpu_share={cpu / total_s:.2f} cores={os.cpu_count()} "
        f"load_start={load_start[0]:.1f} load_end={load_end[0]:.1f}"
    )
    _ = np


if __name__ == "__main__":
    main()
