"""Kinship database-search benchmark: one child vs 1,000,000 parents (duo) and 500,000 couples (trio).

Also: a 10,000-children batch against 1,000,000 parents (measured on a subset of children and
extrapolated, said so in the output), memory per stored profile, a 100,000-reference planted-family
ranking check, and the exact single-pair ``compute_lr`` as the baseline the vectorised pass is
compared with. Run from the repo root: ``.venv/bin/python bench/kinship_search.py [--quick]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.engines.kinship import (
    FrequencyTable,
    MinFrequencyRule,
    MutationSpec,
    Options,
    ReferenceIndex,
    compute_lr,
)
from homeward.engines.kinship.simulate import Simulator


def rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def build(table, loci, mutation, n_parents, n_couples, seed=7):
    sim = Simulator(table, loci, seed=seed)
    alleles = {lc: list(table.loci[lc]) for lc in loci}
    idx = ReferenceIndex(table, loci, mutation=mutation, min_freq=MinFrequencyRule(sample_size=97))
    t0 = time.perf_counter()
    fathers = sim.founders_array(n_couples)
    mothers = sim.founders_array(n_couples)
    fam = [f"fam{i}" for i in range(n_couples)]
    idx.add_arrays([f"F{i}" for i in range(n_couples)], fathers, alleles, "father", fam)
    idx.add_arrays([f"M{i}" for i in range(n_couples)], mothers, alleles, "mother", fam)
    single = n_parents - 2 * n_couples
    if single > 0:
        extra = sim.founders_array(single)
        idx.add_arrays([f"S{i}" for i in range(single)], extra, alleles, "father")
    load = time.perf_counter() - t0
    return idx, sim, fathers, mothers, load


def main() -> None:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n_parents = 100_000 if args.quick else 1_000_000
    n_couples = n_parents // 2
    table = FrequencyTable.bundled("nist1036-asian")
    loci = list(table.loci)[:24]
    mutation = MutationSpec(model="stepwise", rate_male=0.0035, rate_female=0.0012, rate2=1e-5, range=0.5)
    rss0 = rss_bytes()
    idx, sim, fathers, mothers, load = build(table, loci, mutation, n_parents, n_couples)
    rss1 = rss_bytes()
    print(
        f"BENCH kinship_load n_profiles={len(idx)} n_couples={n_couples} loci={len(loci)} seconds={load:.2f}"
    )
    arrays_bytes = idx.memory_bytes()
    print(
        f"BENCH kinship_memory n_profiles={len(idx)} array_bytes_per_profile={arrays_bytes / len(idx):.1f} "
        f"process_rss_bytes_per_profile={(rss1 - rss0) / len(idx):.1f} "
        f"(codes {2 * len(loci)} B/profile + couple codes + flags; RSS adds id strings/dicts and the simulator)"
    )

    # Planted true child of couple 123.
    f = sim.profiles_from_arrays(fathers, 123, "male")
    m = sim.profiles_from_arrays(mothers, 123, "female")
    child = sim.child(f, m)
    idx.search_child(child, kinds=("duo",))  # warm caches
    reps = 3
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(reps):
        res = idx.search_child(child, kinds=("duo",))
    duo_t = (time.perf_counter() - t0) / reps
    duo_cpu = (time.process_time() - c0) / reps
    n_duo = res.n_compared["duo"]
    top = res.candidates[0]
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(reps):
        res_t = idx.search_child(child, kinds=("trio",))
    trio_t = (time.perf_counter() - t0) / reps
    trio_cpu = (time.process_time() - c0) / reps
    n_trio = res_t.n_compared["trio"]
    # Baseline: exact per-pair compute_lr (same numbers, no vectorisation).
    t0 = time.perf_counter()
    k = 20
    for i in range(k):
        compute_lr(
            "duo",
            {"parent": sim.profiles_from_arrays(fathers, i), "child": child},
            table,
            mutation,
            min_freq=MinFrequencyRule(sample_size=97),
            options=Options(parent_sex="male"),
        )
    pair_t = (time.perf_counter() - t0) / k
    print(
        f"BENCH kinship_duo_query references={n_duo} loci={len(loci)} mutation=stepwise "
        f"seconds={duo_t:.3f} cpu_seconds={duo_cpu:.3f} "
        f"comparisons_per_s={n_duo / duo_t:.3e} speedup_vs_pairwise_compute_lr={pair_t * n_duo / duo_t:.0f}x "
        f"top={top.reference_ids[0]} top_log10_lr={top.log10_lr:.2f}"
    )
    print(
        f"BENCH kinship_trio_query couples={n_trio} loci={len(loci)} mutation=stepwise "
        f"seconds={trio_t:.3f} cpu_seconds={trio_cpu:.3f} "
        f"comparisons_per_s={n_trio / trio_t:.3e} top={'+'.join(res_t.candidates[0].reference_ids)} "
        f"top_log10_lr={res_t.candidates[0].log10_lr:.2f}"
    )
    print(f"BENCH kinship_pairwise_baseline seconds_per_pair={pair_t:.4f}")

    # Batch: children vs all parents via sparse one-hot @ tables.
    n_batch = 64 if args.quick else 256
    kids = [
        sim.child(sim.profiles_from_arrays(fathers, i, "male"), sim.profiles_from_arrays(mothers, i))
        for i in range(n_batch)
    ]
    t0, c0 = time.perf_counter(), time.process_time()
    out = idx.search_children_duo_batch(kids, top=5)
    bt = time.perf_counter() - t0
    bt_cpu = time.process_time() - c0
    hit = sum(1 for i, row in enumerate(out) if {f"F{i}", f"M{i}"} & {pid for pid, _ in row[:2]})
    per_child = bt / n_batch
    print(
        f"BENCH kinship_batch measured_children={n_batch} references={n_duo} seconds={bt:.2f} "
        f"seconds_per_child={per_child:.4f} cpu_seconds_per_child={bt_cpu / n_batch:.4f} "
        f"extrapolated_10000_children_seconds={per_child * 10000:.0f} "
        f"(extrapolated from the measured subset) true_parent_in_top2={hit}/{n_batch}"
    )
    del idx
    planted_100k(table, loci, mutation, args.quick)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    # On a shared machine wall time includes waiting for a core; cpu/wall shows how much.
    print(f"BENCH kinship_run wall_seconds={wall:.1f} cpu_seconds={cpu:.1f} cpu_share={cpu / wall:.2f}")


def planted_100k(table, loci, mutation, quick: bool) -> None:
    """100,000 references (couples + families with relatives); planted children must rank first."""
    n_refs = 20_000 if quick else 100_000
    n_rel_fams = 200 if quick else 1000
    sim = Simulator(table, loci, seed=99)
    alleles = {lc: list(table.loci[lc]) for lc in loci}
    idx = ReferenceIndex(table, loci, mutation=mutation, min_freq=MinFrequencyRule(sample_size=97))
    n_couples = (n_refs - 3 * n_rel_fams) // 2
    fa, mo = sim.founders_array(n_couples), sim.founders_array(n_couples)
    fam = [f"fam{i}" for i in range(n_couples)]
    idx.add_arrays([f"F{i}" for i in range(n_couples)], fa, alleles, "father", fam)
    idx.add_arrays([f"M{i}" for i in range(n_couples)], mo, alleles, "mother", fam)
    # Families where one parent is missing but relatives gave samples.
    lost = {}
    for k in range(n_rel_fams):
        gf, gm, mom = sim.founder("male"), sim.founder("female"), sim.founder("female")
        dad = sim.child(gf, gm)
        idx.add(f"RGF{k}", gf, "paternal_grandfather", f"rel{k}")
        idx.add(f"RGM{k}", gm, "paternal_grandmother", f"rel{k}")
        idx.add(f"RM{k}", mom, "mother", f"rel{k}")
        lost[k] = sim.child(dad, mom)
    n_ok = 0
    trials = 10
    times: list[float] = []
    cpu: list[float] = []
    for j in range(trials):
        i = (j * 7919) % n_couples
        child = sim.child(sim.profiles_from_arrays(fa, i, "male"), sim.profiles_from_arrays(mo, i, "female"))
        t0, c0 = time.perf_counter(), time.process_time()
        res = idx.search_child(child)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        duos = [c.reference_ids[0] for c in res.candidates if c.kind == "duo"][:2]
        n_ok += res.candidates[0].reference_ids == (f"F{i}", f"M{i}") and set(duos) == {f"F{i}", f"M{i}"}
    fam_ok = 0
    for k in range(0, n_rel_fams, max(1, n_rel_fams // trials)):
        res = idx.search_child(lost[k], kinds=("family", "duo"))
        fam_ok += res.candidates[0].family_id == f"rel{k}"
    n_fam_trials = len(range(0, n_rel_fams, max(1, n_rel_fams // trials)))
    print(
        f"BENCH kinship_planted references={len(idx)} couples={n_couples} relative_families={n_rel_fams} "
        f"true_trio_rank1_and_parents_top2={n_ok}/{trials} true_family_rank1={fam_ok}/{n_fam_trials} "
        f"seconds_per_full_search={sum(times) / len(times):.3f} cpu_seconds={sum(cpu) / len(cpu):.3f}"
    )


if __name__ == "__main__":
    main()
