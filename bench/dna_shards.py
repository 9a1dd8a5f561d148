"""Sharded DNA database search: one process searching every reference vs k shards (one task each) merged.

Generates a reference set (couples and families with relatives) imported through the import service, then for a
few planted children times
- single: `child_search_payload` on the whole index (the baseline, same run),
- k shards: each shard's `child_search_payload` on its own index, then `merge_shard_payloads`;
  "parallel" = the slowest shard + the merge (what k workers achieve), "serial" = all shards in one process,
and checks the merged result equals the single one exactly (candidates, LRs, order, counts, duplicates, leads).
Index builds (a worker's start-up) are timed separately.

`.venv/bin/python bench/dna_shards.py [--refs 20000] [--shards 4] [--quick]` (throw-away SQLite under var/, or
DATABASE_URL). Exits 1 if a merged result differs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from _django import setup_django


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--refs", type=int, default=20_000, help="reference profiles")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--children", type=int, default=6)
    ap.add_argument("--quick", action="store_true", help="4,000 references")
    args = ap.parse_args()
    n_refs = 4_000 if args.quick else args.refs
    k = args.shards
    if k < 2 or n_refs < 100:
        ap.error("--shards must be at least 2 and --refs at least 100")
    setup_django("dna_shards_")

    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create, user_create
    from homeward.dna import index as worker_index
    from homeward.dna import services
    from homeward.dna.models import Search
    from homeward.engines.kinship import FrequencyTable
    from homeward.engines.kinship.simulate import Simulator
    from homeward.regions.models import Division

    for code, name, level, parent in (
        ("000000", "中国", "country", None),
        ("510000", "四川省", "province", "000000"),
        ("510100", "成都市", "prefecture", "510000"),
        ("510107", "武侯区", "county", "510100"),
    ):
        Division.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )
    police = agency_create(
        actor=None, name="武侯公安分局", type=AgencyType.PUBLIC_SECURITY, division_code="510107"
    )
    examiner = user_create(
        actor=None, username="bench_shards", password=None, agency=police, roles=[Role.DNA_EXAMINER]
    ).user
    services.bundled_tables_load()
    table = FrequencyTable.bundled("nist1036-asian")
    loci = sorted(table.loci)[:23]
    sim = Simulator(table, loci, seed=2026)

    def geno(profile: object) -> dict[str, str]:
        return {lc: f"{a}/{b}" for lc, (a, b) in profile.genotypes.items()}  # type: ignore[attr-defined]

    n_rel = max(10, n_refs // 20)
    n_couples = (n_refs - 3 * n_rel) // 2
    rows, couples = [], []
    for i in range(n_couples):
        dad, mom = sim.founder("male"), sim.founder("female")
        couples.append((dad, mom))
        rows += [
            {
                "accession": f"S-F{i:06d}-F",
                "category": "father",
                "family": f"S-F{i:06d}",
                "genotypes": geno(dad),
            },
            {
                "accession": f"S-F{i:06d}-M",
                "category": "mother",
                "family": f"S-F{i:06d}",
                "genotypes": geno(mom),
            },
        ]
    for j in range(n_rel):
        gf, gm, mom = sim.founder("male"), sim.founder("female"), sim.founder("female")
        for suffix, category, prof in (
            ("GF", "paternal_grandfather", gf),
            ("GM", "paternal_grandmother", gm),
            ("M", "mother", mom),
        ):
            rows.append(
                {
                    "accession": f"S-R{j:05d}-{suffix}",
                    "category": category,
                    "family": f"S-R{j:05d}",
                    "genotypes": geno(prof),
                }
            )
    t0 = time.perf_counter()
    for start in range(0, len(rows), 10_000):
        services.profiles_import(
            actor=examiner,
            content=json.dumps({"samples": rows[start : start + 10_000]}),
            options=services.ImportOptions(fmt="json", file_name="bench.json"),
        )
    print(f"  imported {len(rows)} reference profiles in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    step = max(1, n_couples // args.children)
    kids = [sim.child(*couples[i]) for i in range(0, n_couples, step)][: args.children]
    services.profiles_import(
        actor=examiner,
        content=json.dumps(
            {
                "samples": [
                    {"accession": f"S-Q{n:03d}", "category": "child_unknown_origin", "genotypes": geno(kid)}
                    for n, kid in enumerate(kids)
                ]
            }
        ),
        options=services.ImportOptions(fmt="json"),
    )
    searches = list(Search.objects.filter(sample__accession__startswith="S-Q").select_related("sample"))

    worker_index.forget()
    t0 = time.perf_counter()
    whole = worker_index.get()
    build_single = time.perf_counter() - t0
    build_shards = []
    for s in range(k):
        t0 = time.perf_counter()
        worker_index.get(s, k)
        build_shards.append(time.perf_counter() - t0)

    single_s, serial_s, parallel_s, merge_s = [], [], [], []
    equal = 0
    for search in searches:
        t0 = time.perf_counter()
        single = services.child_search_payload(search=search)
        single_s.append(time.perf_counter() - t0)
        parts, shard_times = {}, []
        for s in range(k):
            t0 = time.perf_counter()
            parts[str(s)] = services.child_search_payload(search=search, shard=s, n_shards=k)
            shard_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        merged = services.merge_shard_payloads(parts, k)
        merge_s.append(time.perf_counter() - t0)
        serial_s.append(sum(shard_times) + merge_s[-1])
        parallel_s.append(max(shard_times) + merge_s[-1])
        equal += merged == single

    med = statistics.median
    print(
        f"BENCH dna_shards references={len(whole.index) - len(kids)} shards={k} children={len(searches)} "
        f"single_ms={med(single_s) * 1000:.1f} parallel_ms={med(parallel_s) * 1000:.1f} "
        f"serial_ms={med(serial_s) * 1000:.1f} merge_ms={med(merge_s) * 1000:.2f} "
        f"speedup_with_{k}_workers={med(single_s) / med(parallel_s):.2f}x identical={equal}/{len(searches)}"
    )
    print(
        f"BENCH dna_shards_index_build single_s={build_single:.2f} largest_shard_s={max(build_shards):.2f} "
        f"shard_sizes={[len(worker_index.get(s, k).index) for s in range(k)]}"
    )
    return 0 if equal == len(searches) else 1


if __name__ == "__main__":
    sys.exit(main())
