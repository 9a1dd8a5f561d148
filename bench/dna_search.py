"""DNA database search through the Django path: bulk import of 100,000 reference profiles, the worker's index
build, the background search task for planted children, candidates stored — and the ranking of the planted true
families.

Baseline (same run): the bare engine `ReferenceIndex.search_child` on the worker's own index; the ratio says what
the Django path (loading the query, the task, storing candidates and audit rows) adds per search.

Runs on a throw-away SQLite database under var/ (or DATABASE_URL if set):
`.venv/bin/python bench/dna_search.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from _django import setup_django


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    wall0 = time.perf_counter()
    tmp = setup_django("dna_bench_")

    from django.core.management import call_command

    from homeward.accounts.roles import AgencyType, Role
    from homeward.accounts.services import agency_create, user_create
    from homeward.dna import index as worker_index
    from homeward.dna import services
    from homeward.dna.models import Candidate, Search, SearchKind, SearchStatus
    from homeward.engines.kinship import FrequencyTable
    from homeward.engines.kinship.simulate import Simulator
    from homeward.regions.models import Division

    n_refs = 20_000 if args.quick else 100_000
    n_rel = 200 if args.quick else 1000
    n_couples = (n_refs - 3 * n_rel) // 2
    Division.objects.get_or_create(code="000000", defaults={"name": "中国", "level": "country"})
    Division.objects.get_or_create(
        code="510000", defaults={"name": "四川省", "level": "province", "parent_id": "000000"}
    )
    Division.objects.get_or_create(
        code="510100", defaults={"name": "成都市", "level": "prefecture", "parent_id": "510000"}
    )
    Division.objects.get_or_create(
        code="510107", defaults={"name": "武侯区", "level": "county", "parent_id": "510100"}
    )
    police = agency_create(
        actor=None, name="武侯公安分局", type=AgencyType.PUBLIC_SECURITY, division_code="510107"
    )
    examiner = user_create(
        actor=None,
        username="bench_dna",
        password=None,
        agency=police,
        roles=[Role.DNA_EXAMINER],
    ).user
    services.bundled_tables_load()

    table = FrequencyTable.bundled("nist1036-asian")
    loci = sorted(table.loci)[:23]
    sim = Simulator(table, loci, seed=4242)
    alleles = {lc: list(table.loci[lc]) for lc in loci}

    def geno(arrays: dict, i: int) -> dict[str, str]:
        return {lc: f"{alleles[lc][arr[i, 0]]}/{alleles[lc][arr[i, 1]]}" for lc, arr in arrays.items()}

    fathers, mothers = sim.founders_array(n_couples), sim.founders_array(n_couples)
    rel_families = []
    for _k in range(n_rel):
        gf, gm, mom = sim.founder("male"), sim.founder("female"), sim.founder("female")
        rel_families.append((gf, gm, mom, sim.child(gf, gm)))

    def reference_rows():
        for i in range(n_couples):
            fam = f"B-F{i:06d}"
            yield {
                "accession": f"{fam}-F",
                "category": "father",
                "family": fam,
                "genotypes": geno(fathers, i),
            }
            yield {
                "accession": f"{fam}-M",
                "category": "mother",
                "family": fam,
                "genotypes": geno(mothers, i),
            }
        for k, (gf, gm, mom, _dad) in enumerate(rel_families):
            fam = f"B-R{k:05d}"
            for suffix, category, prof in (
                ("GF", "paternal_grandfather", gf),
                ("GM", "paternal_grandmother", gm),
                ("M", "mother", mom),
            ):
                genotypes = {lc: f"{a}/{b}" for lc, (a, b) in prof.genotypes.items()}
                yield {
                    "accession": f"{fam}-{suffix}",
                    "category": category,
                    "family": fam,
                    "genotypes": genotypes,
                }

    # 1. Bulk import through the import service (validation per row, bulk inserts, one family search per file).
    chunk, batch, imported, t0 = 10_000, [], 0, time.perf_counter()
    for row in reference_rows():
        batch.append(row)
        if len(batch) == chunk:
            imported += services.profiles_import(
                actor=examiner,
                content=json.dumps({"samples": batch}),
                options=services.ImportOptions(fmt="json", file_name="bench.json"),
            ).n_imported
            batch = []
            print(f"  imported {imported} in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    if batch:
        imported += services.profiles_import(
            actor=examiner, content=json.dumps({"samples": batch}), options=services.ImportOptions(fmt="json")
        ).n_imported
    import_s = time.perf_counter() - t0
    print(
        f"BENCH dna_import references={imported} seconds={import_s:.1f} profiles_per_s={imported / import_s:.0f} "
        f"(JSON import service: per-row validation, bulk insert, duplicate fingerprints)"
    )

    # The family searches each import queued: run by the worker as they would be (no children stored yet).
    t0 = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, queue_name="*", reload=False, verbosity=0)
    print(
        f"BENCH dna_family_searches searches={Search.objects.filter(kind=SearchKind.FAMILIES).count()} "
        f"seconds={time.perf_counter() - t0:.1f} (new families against every stored child; none yet)"
    )

    # 2. The worker index build from the database (what a fresh worker process does before its first search).
    worker_index.forget()
    t0 = time.perf_counter()
    w = worker_index.get()
    build_s = time.perf_counter() - t0
    print(
        f"BENCH dna_index_build profiles={len(w.index)} seconds={build_s:.1f} array_bytes={w.index.memory_bytes()}"
    )

    # 3. Planted children, imported like a laboratory's typing run; their searches run in the database worker.
    planted = list(range(0, n_couples, max(1, n_couples // 10)))[:10]
    rel_planted = list(range(0, n_rel, max(1, n_rel // 5)))[:5]
    kids = []
    for i in planted:
        f = sim.profiles_from_arrays(fathers, i, "male")
        m = sim.profiles_from_arrays(mothers, i, "female")
        kids.append((f"B-Q{i:06d}", sim.child(f, m), f"B-F{i:06d}"))
    for k in rel_planted:
        _gf, _gm, mom, dad = rel_families[k]
        kids.append((f"B-QR{k:05d}", sim.child(dad, mom), f"B-R{k:05d}"))
    rows = [
        {
            "accession": acc,
            "category": "child_unknown_origin",
            "genotypes": {lc: f"{a}/{b}" for lc, (a, b) in p.genotypes.items()},
        }
        for acc, p, _fam in kids
    ]
    services.profiles_import(
        actor=examiner, content=json.dumps({"samples": rows}), options=services.ImportOptions(fmt="json")
    )
    t0 = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, queue_name="*", reload=False, verbosity=0)
    worker_s = time.perf_counter() - t0
    searches = list(Search.objects.filter(kind=SearchKind.CHILD).select_related("sample"))
    assert all(s.status == SearchStatus.DONE for s in searches), [s.error for s in searches]
    per_search = [
        (s.finished_at - s.started_at).total_seconds() for s in searches if s.finished_at and s.started_at
    ]
    ok_trio = ok_fam = 0
    for acc, _p, fam in kids:
        cands = list(
            Candidate.objects.filter(query__accession=acc).select_related("family").order_by("-log10_lr")
        )
        if fam.startswith("B-F"):
            duos = [c for c in cands if c.kind == "duo"][:2]
            duo_fams = {c.family.reference for c in duos if c.family}
            top = cands[0].family.reference if cands[0].family else None
            ok_trio += cands[0].kind == "trio" and top == fam and duo_fams == {fam}
        else:
            top = cands[0].family.reference if cands[0].family else None
            ok_fam += cands[0].kind == "family" and top == fam
    # Baseline: the bare engine on the same in-memory index.
    w = worker_index.get()
    t0 = time.perf_counter()
    for _acc, p, _fam in kids:
        w.index.search_child(p)
    engine_s = (time.perf_counter() - t0) / len(kids)
    django_s = sum(per_search) / len(per_search)
    print(
        f"BENCH dna_planted references={len(w.index) - len(kids)} children={len(kids)} "
        f"true_couple_rank1_and_parents_top2={ok_trio}/{len(planted)} true_family_rank1={ok_fam}/{len(rel_planted)} "
        f"candidates_stored={Candidate.objects.count()}"
    )
    print(
        f"BENCH dna_search_task seconds_per_search={django_s:.3f} engine_seconds_per_search={engine_s:.3f} "
        f"django_path_ratio={django_s / engine_s:.2f} worker_batch_seconds={worker_s:.1f} "
        f"(the first task includes building the worker's index)"
    )
    print(f"BENCH dna_run wall_seconds={time.perf_counter() - wall0:.1f} database={tmp}")


if __name__ == "__main__":
    main()
