"""Kinship case-LR benchmark: ``compute_lr`` time per case for every hypothesis type.

24 loci of the bundled NIST table, stepwise mutation with sex-specific rates, with and without
θ = 0.01. Run from the repo root: ``.venv/bin/python bench/kinship_lr.py [--quick]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.engines.kinship import HYPOTHESES, FrequencyTable, MinFrequencyRule, MutationSpec, compute_lr
from homeward.engines.kinship.simulate import Simulator


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    table = FrequencyTable.bundled("nist1036-asian")
    loci = list(table.loci)[:24]
    sim = Simulator(table, loci, seed=1)
    mut = MutationSpec(model="stepwise", rate_male=0.0035, rate_female=0.0012, rate2=1e-5, range=0.5)
    rule = MinFrequencyRule(sample_size=97)
    reps = 1 if args.quick else 3
    baseline = None
    for kind, hdef in HYPOTHESES.items():
        for theta in (0.0, 0.01):
            geno = {role: sim.founder() for role in hdef.roles}
            t0 = time.perf_counter()
            for _ in range(reps):
                res = compute_lr(kind, geno, table, mut, theta, rule)
            dt = (time.perf_counter() - t0) / reps
            if baseline is None:
                baseline = dt
            print(
                f"BENCH kinship_lr type={kind} theta={theta} loci={res.n_loci} seconds_per_case={dt:.4f} "
                f"relative_to_duo={dt / baseline:.1f}"
            )


if __name__ == "__main__":
    main()
