"""Import of GeneMapper CSV and JSON files, validated row by row."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from homeward.audit.models import AuditAction
from homeward.dna import services
from homeward.dna.models import Sample, Search, SearchKind, StrProfile
from homeward.dna.services import ImportOptions

from .conftest import LOCI, genotypes

pytestmark = pytest.mark.django_db


def csv_for(name, profile, extra_rows=()):
    lines = ["Sample Name,Panel,Marker,Dye,Allele 1,Allele 2,Allele 3"]
    for locus, (a, b) in profile.genotypes.items():
        lines.append(f"{name},Panel1,{locus},B,{a},{b if b != a else ''},")
    lines.append(f"{name},Panel1,AMEL,B,X,Y,")
    lines.extend(extra_rows)
    return "\n".join(lines) + "\n"


def test_csv_with_bad_rows(lab, sim, committed, audit_rows):
    good = sim.founder("male")
    mixed = sim.founder("female")
    text = csv_for("Q-CSV-1", good, ["Q-CSV-1,Panel1,D99S999,B,11,12,", "Q-CSV-1,Panel1,TH01,B,9.3,OL,"])
    text += csv_for("Q-CSV-2", mixed, [f"Q-CSV-2,Panel1,{LOCI[0]},B,11,12,13"]).split("\n", 1)[1]
    with audit_rows() as rows, committed():
        batch = services.profiles_import(
            actor=lab.examiner,
            content=text.encode(),
            options=ImportOptions(fmt="csv", file_name="run1.csv", register_category="child_unknown_origin"),
        )
    reasons = {(r["sample"], r["marker"]): r["reason"] for r in batch.refused}
    assert "unknown locus" in reasons[("Q-CSV-1", "D99S999")]
    assert "OL" in reasons[("Q-CSV-1", "TH01")]
    assert "mixture" in reasons[("Q-CSV-2", LOCI[0])]
    assert batch.imported == ["Q-CSV-1"] and batch.n_imported == 1
    assert not Sample.objects.filter(accession="Q-CSV-2").exists()  # a mixed stain is refused whole
    profile = StrProfile.objects.get(sample__accession="Q-CSV-1")
    assert profile.amelogenin == "XY" and "TH01" not in profile.genotypes
    assert profile.n_loci == len(good.genotypes)  # TH01 was an extra, refused row
    actions = [(r.action, r.object_type) for r in rows.new]
    assert actions == [(AuditAction.CREATE, "dna.importbatch"), (AuditAction.SEARCH, "dna.search")]


def test_csv_rows_for_unregistered_samples_are_refused_without_a_category(lab, sim):
    batch = services.profiles_import(
        actor=lab.examiner, content=csv_for("Q-NEW", sim.founder()), options=ImportOptions(fmt="csv")
    )
    assert batch.n_imported == 0 and "no registered sample" in batch.refused[-1]["reason"]


def test_tab_separated_export_attaches_profile_to_registered_sample(lab, sim):
    sample = services.sample_register(
        actor=lab.examiner, data=services.SampleData(accession="Q-TAB", category="rescued_child")
    )
    text = csv_for("Q-TAB", sim.founder()).replace(",", "\t")
    batch = services.profiles_import(actor=lab.examiner, content=text, options=ImportOptions(fmt="csv"))
    assert batch.imported == ["Q-TAB"]
    assert StrProfile.objects.get(sample=sample).n_loci == len(LOCI)
    again = services.profiles_import(actor=lab.examiner, content=text, options=ImportOptions(fmt="csv"))
    assert again.n_imported == 0 and "already has a profile" in again.refused[-1]["reason"]


def test_json_import_creates_families_and_one_family_search(lab, sim, committed):
    dad, mom = sim.founder("male"), sim.founder("female")
    payload = {
        "samples": [
            {"accession": "J-F", "category": "father", "family": "FAM-J", "genotypes": genotypes(dad)},
            {"accession": "J-M", "category": "mother", "family": "FAM-J", "genotypes": genotypes(mom)},
            {"accession": "J-M2", "category": "mother", "family": "FAM-J", "genotypes": genotypes(mom)},
            {"accession": "J-X", "category": "father", "genotypes": genotypes(dad)},
            {"accession": "J-S", "category": "sibling", "family": "FAM-J", "genotypes": {"TH01": "6/7/9"}},
            {"accession": "J-BAD", "category": "alien", "genotypes": genotypes(dad)},
            {"accession": "J-FEW", "category": "rescued_child", "genotypes": {"TH01": "6/7"}},
            "not an object",
        ]
    }
    with committed():
        batch = services.profiles_import(
            actor=lab.examiner, content=json.dumps(payload), options=ImportOptions(fmt="json")
        )
    assert sorted(batch.imported) == ["J-F", "J-M"]
    reasons = " | ".join(r["reason"] for r in batch.refused)
    for fragment in (
        "already has a mother of a missing child",
        "needs a family number",
        "mixture",
        "unknown category",
        "At least",
    ):
        assert fragment in reasons
    assert Search.objects.filter(kind=SearchKind.FAMILIES).count() == 1


def test_bad_files_are_refused_whole(lab):
    for content, fmt in ((b"\xff\xfe", "csv"), ("{not json", "json"), ("Name,Locus\nx,y", "csv")):
        try:
            batch = services.profiles_import(
                actor=lab.examiner, content=content, options=ImportOptions(fmt=fmt)
            )
        except ValidationError:
            continue
        assert batch.n_imported == 0 and batch.refused
    with pytest.raises(ValidationError):
        services.profiles_import(actor=lab.examiner, content="", options=ImportOptions(fmt="xml"))
    with pytest.raises(ValidationError):
        services.profiles_import(
            actor=lab.examiner, content="", options=ImportOptions(fmt="csv", register_category="father")
        )


def test_exact_duplicate_flagged_at_import(lab, sim):
    prof = sim.founder()
    services.profiles_import(
        actor=lab.examiner,
        content=csv_for("Q-A", prof),
        options=ImportOptions(fmt="csv", register_category="rescued_child"),
    )
    batch = services.profiles_import(
        actor=lab.examiner,
        content=csv_for("Q-B", prof),
        options=ImportOptions(fmt="csv", register_category="rescued_child"),
    )
    assert batch.duplicates == [{"sample": "Q-B", "duplicate_of": "Q-A"}]
