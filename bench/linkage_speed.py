"""Speed of the linkage engine: one found person and a batch against 1,000,000 missing reports.

The 1,000,000 reports are built from a pool of distinct simulated reports
(``homeward.engines.linkage.simulate``), each used several times under a new id with its birth
and missing dates moved by a whole number of years, so the index has the density of a real
1M-report index across birth years and sexes (blocks of about 12,000 reports) without spending
the benchmark's time in the simulator. Every report goes through the ordinary ``add_many``
encoding. Matching time excludes indexing (as the target says); the indexing time is printed too.

Targets: one found person < 0.5 s; 10,000 found people < 10 min. The batch is timed on a
measured subset of found people and extrapolated linearly to 10,000 (stated in the output);
a single-report index of the same records gives the baseline per-query overhead.

Wall-clock and CPU (``time.process_time``) seconds are both printed: the machine is shared, and
under contention CPU seconds say what the engine costs while wall seconds say what a user waited.

Run: ``.venv/bin/python bench/linkage_speed.py [--quick]`` (quick: 100,000 reports).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.engines.linkage import MatchIndex, MissingRecord
from homeward.engines.linkage.simulate import Simulator


def shifted(m: MissingRecord, new_id: str, years: int) -> MissingRecord:
    def move(d: date | None) -> date | None:
        if d is None:
            return None
        return d.replace(year=d.year + years, day=min(d.day, 28))

    return dataclasses.replace(
        m,
        id=new_id,
        birth_date=move(m.birth_date),
        birth_year=m.birth_year + years if m.birth_year else None,
        missing_date=move(m.missing_date),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    total = 100_000 if args.quick else 1_000_000
    distinct = 20_000 if args.quick else 100_000
    n_single, n_batch = (50, 200) if args.quick else (100, 500)
    rng = random.Random(args.seed)
    sim = Simulator(args.seed)

    t0 = time.perf_counter()
    pool = [sim.missing() for _ in range(distinct)]
    records: list[MissingRecord] = []
    for k in range(total):
        m = pool[k % distinct]
        years = 0 if k < distinct else rng.randint(-8, 6)
        if m.missing_date and m.missing_date.year + years > 2024:
            years = 2024 - m.missing_date.year
        records.append(shifted(m, f"m{k}", years) if years else dataclasses.replace(m, id=f"m{k}"))
    t_gen = time.perf_counter() - t0

    index = MatchIndex()
    t1, c1 = time.perf_counter(), time.process_time()
    index.add_many(records)
    t_index, c_index = time.perf_counter() - t1, time.process_time() - c1
    del records
    print(f"BENCH linkage_index reports={total} distinct_simulated={distinct} generate_s={t_gen:.1f} "
          f"index_s={t_index:.1f} index_cpu_s={c_index:.1f} "
          f"index_us_per_report={t_index / total * 1e6:.0f}")  # fmt: skip

    founds = [sim.found_for(m, f"f{i}") for i, m in enumerate(rng.sample(pool, n_single + n_batch))]

    # Baseline: the same query machinery against an index holding one report.
    tiny = MatchIndex()
    tiny.add(pool[0])
    tb = time.perf_counter()
    for f in founds[:n_single]:
        tiny.match(f, top=10)
    base = (time.perf_counter() - tb) / n_single

    singles = []
    cpu_singles = []
    for f in founds[:n_single]:
        ts, cs = time.perf_counter(), time.process_time()
        index.match(f, top=10)
        singles.append(time.perf_counter() - ts)
        cpu_singles.append(time.process_time() - cs)
    cpu_singles.sort()
    singles.sort()
    p50 = statistics.median(singles)
    p95 = singles[int(0.95 * (len(singles) - 1))]
    print(f"BENCH linkage_single reports={total} queries={n_single} p50_s={p50:.3f} p95_s={p95:.3f} "
          f"max_s={singles[-1]:.3f} cpu_p50_s={statistics.median(cpu_singles):.3f} "
          f"cpu_p95_s={cpu_singles[int(0.95 * (len(cpu_singles) - 1))]:.3f} target_s=0.5 baseline_1report_s={base:.4f} "
          f"ratio_p50_vs_baseline={p50 / base:.0f}")  # fmt: skip

    tb, cb = time.perf_counter(), time.process_time()
    for f in founds[n_single:]:
        index.match(f, top=10)
    batch, cpu_batch = time.perf_counter() - tb, time.process_time() - cb
    per = batch / n_batch
    cpu_per = cpu_batch / n_batch
    print(f"BENCH linkage_batch reports={total} measured_queries={n_batch} measured_s={batch:.1f} "
          f"per_query_s={per:.4f} extrapolated_10000_s={per * 10_000:.0f} "
          f"cpu_per_query_s={cpu_per:.4f} cpu_extrapolated_10000_s={cpu_per * 10_000:.0f} target_s=600 "
          f"note=extrapolated_linearly_from_measured_subset")  # fmt: skip


if __name__ == "__main__":
    main()
