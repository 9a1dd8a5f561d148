"""Automatic background searches: a child against parents, couples and families; a new family against children;
Y-STR leads; duplicates; idempotent tasks; sharding; the worker index kept up to date."""

from __future__ import annotations

import pytest
from django.test import override_settings

from homeward.audit.models import AuditAction
from homeward.dna import index as worker_index
from homeward.dna import services
from homeward.dna.models import (
    Candidate,
    CandidateKind,
    DuplicateFlag,
    LineageLead,
    Search,
    SearchKind,
    SearchStatus,
)
from homeward.dna.services import SampleData

from .conftest import Y_HAPLOTYPE, genotypes

pytestmark = pytest.mark.django_db


def register(actor, accession, category, profile=None, family=None, amel="", y=None):
    return services.sample_register(
        actor=actor,
        data=SampleData(
            accession=accession,
            category=category,
            family_id=family.pk if family else None,
            genotypes=genotypes(profile) if profile else {},
            amelogenin=amel,
            y_haplotype=y or {},
        ),
    )


def make_family(lab, sim, name, committed, relatives=False):
    fam = services.family_create(actor=lab.examiner, reference=name)
    if relatives:
        gf, gm, mom = sim.founder("male"), sim.founder("female"), sim.founder("female")
        dad = sim.child(gf, gm)
        with committed():
            register(lab.examiner, f"{name}-GF", "paternal_grandfather", gf, fam, "XY")
            register(lab.examiner, f"{name}-GM", "paternal_grandmother", gm, fam, "XX")
            register(lab.examiner, f"{name}-M", "mother", mom, fam, "XX")
    else:
        dad, mom = sim.founder("male"), sim.founder("female")
        with committed():
            register(lab.examiner, f"{name}-F", "father", dad, fam, "XY")
            register(lab.examiner, f"{name}-M", "mother", mom, fam, "XX")
    return fam, dad, mom


def test_child_search_ranks_true_couple_first_and_parents_top(lab, sim, committed, run_searches, audit_rows):
    families = [make_family(lab, sim, f"FAM-{k}", committed) for k in range(8)]
    run_searches()
    fam, dad, mom = families[3]
    child = sim.child(dad, mom)
    with audit_rows() as rows, committed():
        sample = register(lab.examiner, "Q-0001", "child_unknown_origin", child, amel="XY")
    assert [r.action for r in rows.new] == [AuditAction.CREATE, AuditAction.SEARCH]
    search = Search.objects.get(sample=sample)
    assert search.status == SearchStatus.QUEUED and search.kind == SearchKind.CHILD
    with audit_rows() as rows:
        run_searches()
    search.refresh_from_db()
    assert search.status == SearchStatus.DONE
    assert search.n_compared == {"duo": 16, "trio": 8, "family": 0}
    assert [r.action for r in rows.new if r.object_type == "dna.search"] == [AuditAction.SEARCH]
    cands = list(Candidate.objects.filter(query=sample).order_by("-log10_lr"))
    top = cands[0]
    assert top.kind == CandidateKind.TRIO and top.family == fam and top.reportable
    assert top.conclusion == "support" and top.n_inconsistent == 0 and top.n_loci == len(child.genotypes)
    duos = [c for c in cands if c.kind == CandidateKind.DUO][:2]
    assert {s.accession for c in duos for s in c.references.all()} == {"FAM-3-F", "FAM-3-M"}
    assert set(top.per_locus) == set(child.genotypes)


def test_retried_task_creates_no_second_candidate(lab, sim, committed, run_searches):
    _fam, dad, mom = make_family(lab, sim, "FAM-R", committed)
    run_searches()
    with committed():
        sample = register(lab.examiner, "Q-R", "rescued_child", sim.child(dad, mom))
    run_searches()
    search = Search.objects.get(sample=sample)
    n = Candidate.objects.count()
    Search.objects.filter(pk=search.pk).update(status=SearchStatus.RUNNING)  # as if the worker died mid-way
    services.search_execute(search_id=search.pk)
    services.search_execute(search_id=search.pk)
    assert Candidate.objects.count() == n


def test_new_family_is_searched_against_every_child(lab, sim, committed, run_searches):
    dad, mom = sim.founder("male"), sim.founder("female")
    with committed():
        child = register(lab.examiner, "Q-EARLY", "child_unknown_origin", sim.child(dad, mom), amel="XY")
        register(lab.examiner, "Q-OTHER", "child_unknown_origin", sim.founder("male"), amel="XY")
    run_searches()
    assert not Candidate.objects.filter(query=child).exists()
    fam = services.family_create(actor=lab.examiner, reference="FAM-LATE")
    with committed():
        register(lab.examiner, "FAM-LATE-F", "father", dad, fam, "XY")
    with committed():
        register(lab.examiner, "FAM-LATE-M", "mother", mom, fam, "XX")
    run_searches()
    searches = Search.objects.filter(kind=SearchKind.FAMILIES)
    assert searches.count() == 2 and all(s.status == SearchStatus.DONE for s in searches)
    best = Candidate.objects.filter(query=child).order_by("-log10_lr").first()
    assert best is not None and best.kind == CandidateKind.TRIO and best.family == fam and best.reportable


def test_family_with_grandparents_finds_the_grandchild(lab, sim, committed, run_searches):
    fams = [make_family(lab, sim, f"REL-{k}", committed, relatives=True) for k in range(3)]
    make_family(lab, sim, "FAM-X", committed)
    run_searches()
    fam, dad, mom = fams[1]
    with committed():
        sample = register(lab.examiner, "Q-G", "child_unknown_origin", sim.child(dad, mom))
    run_searches()
    best = Candidate.objects.filter(query=sample, kind=CandidateKind.FAMILY).order_by("-log10_lr").first()
    assert best is not None and best.log10_lr is not None
    assert best.family == fam and best.log10_lr > 4
    assert {s.accession for s in best.references.all()} == {"REL-1-GF", "REL-1-GM", "REL-1-M"}


def test_index_is_updated_incrementally_and_rebuilt_after_withdrawal(lab, sim, committed, run_searches):
    fam, _dad, _mom = make_family(lab, sim, "FAM-I", committed)
    run_searches()
    w = worker_index.get()
    builds = w.builds
    n = len(w.index)
    with committed():
        register(lab.examiner, "Q-I", "child_unknown_origin", sim.founder("male"))
    w = worker_index.get()
    assert w.builds == builds and len(w.index) == n + 1  # added, not rebuilt
    father = fam.samples.get(category="father")
    services.sample_withdraw(actor=lab.manager, sample_id=father.pk, reason="consent withdrawn by the father")
    w = worker_index.get()
    assert w.builds == builds + 1 and len(w.index) == n  # withdrawn: rebuilt without it


@override_settings(DNA_SEARCH_SHARDS=3)
def test_sharded_search_merges_to_the_same_candidates(lab, sim, committed, run_searches):
    families = [make_family(lab, sim, f"SH-{k}", committed) for k in range(9)]
    run_searches()
    _fam, dad, mom = families[5]
    child = sim.child(dad, mom)
    with committed():
        sample = register(lab.examiner, "Q-SH", "child_unknown_origin", child)
    search = Search.objects.get(sample=sample)
    assert search.n_shards == 3
    run_searches()
    search.refresh_from_db()
    assert (
        search.status == SearchStatus.DONE
        and search.n_compared["duo"] == 18
        and search.n_compared["trio"] == 9
    )
    sharded = {
        (c.kind, c.reference_key): round(c.log10_lr or 0.0, 9) for c in Candidate.objects.filter(query=sample)
    }
    with override_settings(DNA_SEARCH_SHARDS=1):
        w = worker_index.get()
        whole = w.index.search_child(worker_index.to_profile(genotypes(child)), query_id=str(sample.pk))
    expected = {
        (c.kind, ",".join(sorted(c.reference_ids, key=int))): round(c.log10_lr, 9) for c in whole.candidates
    }
    assert sharded == expected


def test_duplicate_profile_is_flagged(lab, sim, committed, run_searches):
    prof = sim.founder("male")
    with committed():
        a = register(lab.examiner, "Q-D1", "child_unknown_origin", prof)
    run_searches()
    with committed():
        b = register(lab.examiner, "Q-D2", "rescued_child", prof)
    run_searches()
    flag = DuplicateFlag.objects.get(sample=b)
    assert flag.duplicate_of == a


def test_y_str_lineage_leads_are_a_separate_list(lab, sim, committed, run_searches):
    y = dict(Y_HAPLOTYPE)
    fam = services.family_create(actor=lab.examiner, reference="FAM-Y")
    with committed():
        uncle = register(lab.examiner, "FAM-Y-U", "paternal_uncle", sim.founder("male"), fam, "XY", y=y)
    run_searches()
    y_child = {**y, "DYS458": "18"}  # one step away
    with committed():
        sample = register(
            lab.examiner, "Q-Y", "child_unknown_origin", sim.founder("male"), amel="XY", y=y_child
        )
    run_searches()
    lead = LineageLead.objects.get(query=sample)
    assert lead.reference == uncle and lead.mismatches == 1 and lead.steps == 1.0
    assert lead.mismatching_loci == {"DYS458": 1.0}
