"""Demo data of the DNA database: the bundled frequency tables, families and children in the demo counties, and a
true parent–child match waiting for review in 武侯区 (simulated profiles — never casework)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model

from homeward.dna import services
from homeward.dna.models import Candidate, Sample, Search, SearchStatus
from homeward.engines.kinship import FrequencyTable
from homeward.engines.kinship.simulate import Simulator

COUNTIES = (("wuhou", "WH"), ("jinniu", "JN"), ("wuhua", "WHY"))


def _genotypes(profile: Any) -> dict[str, str]:
    return {locus: f"{a}/{b}" for locus, (a, b) in profile.genotypes.items()}


def load(report: Any) -> None:
    services.bundled_tables_load()
    users = get_user_model().objects
    sim = Simulator(
        FrequencyTable.bundled("nist1036-asian"),
        sorted(FrequencyTable.bundled("nist1036-asian").loci)[:23],
        seed=2026,
    )
    created = 0
    for slug, tag in COUNTIES:
        examiner = users.filter(username=f"dna_examiner_{slug}").first()
        if examiner is None or Sample.objects.filter(accession=f"DEMO-{tag}-Q001").exists():
            continue
        parents = []
        samples = []
        for k in range(1, 7):
            family = services.family_create(actor=examiner, reference=f"DEMO-{tag}-F{k:03d}", note="演示数据")
            dad, mom = sim.founder("male"), sim.founder("female")
            parents.append((dad, mom))
            for suffix, category, profile, amel in (("F", "father", dad, "XY"), ("M", "mother", mom, "XX")):
                samples.append(
                    {
                        "accession": f"DEMO-{tag}-F{k:03d}-{suffix}",
                        "category": category,
                        "family": family.reference,
                        "kit": "Goldeneye DNA ID 25A",
                        "amelogenin": amel,
                        "genotypes": _genotypes(profile),
                    }
                )
        # Family 7: the father is gone; his parents and the mother gave samples.
        family = services.family_create(actor=examiner, reference=f"DEMO-{tag}-F007", note="演示数据")
        gf, gm, mom7 = sim.founder("male"), sim.founder("female"), sim.founder("female")
        dad7 = sim.child(gf, gm)
        for suffix, category, profile in (
            ("GF", "paternal_grandfather", gf),
            ("GM", "paternal_grandmother", gm),
            ("M", "mother", mom7),
        ):
            samples.append(
                {
                    "accession": f"DEMO-{tag}-F007-{suffix}",
                    "category": category,
                    "family": family.reference,
                    "kit": "Goldeneye DNA ID 25A",
                    "genotypes": _genotypes(profile),
                }
            )
        services.profiles_import(
            actor=examiner,
            content=json.dumps({"samples": samples}),
            options=services.ImportOptions(fmt="json", file_name="demo-references.json"),
        )
        # Children: the true child of family 2 (wuhou: waiting for review), one of family 7, one unrelated.
        queries = [
            ("Q001", "child_unknown_origin", sim.child(*parents[1], sex="male"), "XY"),
            ("Q002", "rescued_child", sim.child(dad7, mom7, sex="female"), "XX"),
            ("Q003", "child_unknown_origin", sim.founder("male"), "XY"),
        ]
        for suffix, category, profile, amel in queries:
            services.sample_register(
                actor=examiner,
                data=services.SampleData(
                    accession=f"DEMO-{tag}-{suffix}",
                    category=category,
                    kit="Goldeneye DNA ID 25A",
                    amelogenin=amel,
                    genotypes=_genotypes(profile),
                ),
            )
        created += len(samples) + len(queries)
    # Run the queued searches now, so that the match is waiting when the demo starts (the worker would too).
    for search_id in Search.objects.filter(status=SearchStatus.QUEUED).values_list("pk", flat=True):
        services.search_execute(search_id=search_id)
    waiting = Candidate.objects.filter(reportable=True, status="pending").count()
    report.notes["dna"] = (
        f"{created} samples; {waiting} DNA candidates waiting for review (dna_examiner_wuhou)"
    )
