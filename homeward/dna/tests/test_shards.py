"""Sharded DNA searches: each shard (a hash of the family, so a family stays together) is searched by its own task
on its own index, and the merge gives exactly what one process searching everything gives — the same candidates,
the same likelihood ratios, in the same order, the same counts, duplicates and Y-STR leads."""

from __future__ import annotations

import pytest
from django.test import override_settings

from homeward.dna import index as worker_index
from homeward.dna import services
from homeward.dna.models import Candidate, Search, SearchStatus

from .conftest import Y_HAPLOTYPE
from .test_search import make_family, register

pytestmark = pytest.mark.django_db

Y = Y_HAPLOTYPE


@pytest.fixture
def reference_set(lab, sim, committed, run_searches):
    """Twelve couples, four families with relatives, a paternal uncle's Y-STR haplotype, a duplicate child on file,
    and a child to search."""
    families = [make_family(lab, sim, f"SP-{i}", committed, relatives=i % 4 == 0) for i in range(16)]
    uncle_family = services.family_create(actor=lab.examiner, reference="SP-Y")
    with committed():
        register(lab.examiner, "SP-Y-U", "paternal_uncle", sim.founder("male"), uncle_family, "XY", y=Y)
    _fam, dad, mom = families[5]
    child = sim.child(dad, mom)
    with committed():
        register(
            lab.examiner, "Q-SP-EARLIER", "child_unknown_origin", child, amel="XY", y={**Y, "DYS458": "18"}
        )
    run_searches()
    with committed():
        sample = register(
            lab.examiner, "Q-SP", "child_unknown_origin", child, amel="XY", y={**Y, "DYS458": "18"}
        )
    return Search.objects.get(sample=sample)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_sharded_search_equals_the_single_process_search(reference_set, k):
    single = services.child_search_payload(search=reference_set)
    assert single["candidates"] and single["duplicates"] and single["leads"]  # something to compare
    parts = {
        str(s): services.child_search_payload(search=reference_set, shard=s, n_shards=k) for s in range(k)
    }
    assert sum(1 for p in parts.values() if p["candidates"]) >= 2  # the work really is split

    merged = services.merge_shard_payloads(parts, k)

    assert [(c["kind"], c["ids"], c["log10"], c["conclusion"]) for c in merged["candidates"]] == [
        (c["kind"], c["ids"], c["log10"], c["conclusion"]) for c in single["candidates"]
    ]
    assert merged == single


def test_merge_is_idempotent_and_order_free(reference_set):
    parts = {
        str(s): services.child_search_payload(search=reference_set, shard=s, n_shards=3) for s in range(3)
    }
    merged = services.merge_shard_payloads(parts, 3)
    assert services.merge_shard_payloads(dict(reversed(list(parts.items()))), 3) == merged
    retried = {**parts, "1": services.child_search_payload(search=reference_set, shard=1, n_shards=3)}
    assert services.merge_shard_payloads(retried, 3) == merged
    with pytest.raises(ValueError, match="not reported"):
        services.merge_shard_payloads({"0": parts["0"], "2": parts["2"]}, 3)


@override_settings(DNA_SEARCH_SHARDS=3)
def test_shard_tasks_store_the_single_process_candidates_once(lab, sim, committed, run_searches):
    families = [make_family(lab, sim, f"ST-{i}", committed) for i in range(9)]
    run_searches()
    _fam, dad, mom = families[2]
    with committed():
        sample = register(lab.examiner, "Q-ST", "child_unknown_origin", sim.child(dad, mom), amel="XY")
    search = Search.objects.get(sample=sample)
    with override_settings(DNA_SEARCH_SHARDS=1):
        single = services.child_search_payload(search=search)
    for shard in (2, 0, 1):  # any finishing order
        services.search_execute(search_id=search.pk, shard=shard)
    services.search_execute(
        search_id=search.pk, shard=1
    )  # a retried shard task after the merge: nothing more
    search.refresh_from_db()
    assert search.status == SearchStatus.DONE and search.shard_results == {}
    stored = sorted((c.kind, c.reference_key, c.log10_lr) for c in Candidate.objects.filter(query=sample))
    expected = sorted(
        (c["kind"], ",".join(sorted(c["ids"], key=int)), c["log10"]) for c in single["candidates"]
    )
    assert stored == expected
    assert search.n_candidates == len(single["candidates"]) and search.n_references == single["references"]
    worker_index.forget()
