"""Y-STR lineage search: exact and near matches with mismatch and step counts."""

from __future__ import annotations

import pytest

from homeward.engines.kinship import YHaplotypeIndex
from homeward.engines.kinship.ystr import HaplotypeError

LOCI = {"DYS19": 1, "DYS389I": 1, "DYS390": 1, "DYS391": 1, "DYS385": 2, "DYS458": 1}
BASE = {"DYS19": 15, "DYS389I": 13, "DYS390": 23, "DYS391": 10, "DYS385": "13-19", "DYS458": "17.2"}


def test_exact_one_and_two_mismatches() -> None:
    idx = YHaplotypeIndex(LOCI)
    idx.add("same", {**BASE, "DYS385": "19,13"})  # copy order does not matter
    idx.add("one", {**BASE, "DYS390": 24})
    idx.add("two", {**BASE, "DYS390": 25, "DYS19": 14})
    idx.add("three", {**BASE, "DYS390": 25, "DYS19": 14, "DYS391": 11})
    idx.add("partial", {"DYS19": 15, "DYS389I": 13})
    res = idx.search(BASE, max_mismatches=2, min_loci=4)
    assert [m.profile_id for m in res] == ["same", "one", "two"]
    assert [(m.mismatches, m.steps) for m in res] == [(0, 0.0), (1, 1.0), (2, 3.0)]
    assert res[2].mismatching_loci == {"DYS19": 1.0, "DYS390": 2.0}
    assert res[0].loci_compared == 7
    assert [m.profile_id for m in idx.search(BASE, max_mismatches=0, min_loci=2)] == ["same", "partial"]


def test_duplicates_and_remove() -> None:
    idx = YHaplotypeIndex(LOCI)
    assert idx.add("a", BASE) == []
    assert idx.add("b", BASE) == ["a"]
    idx.remove("a")
    assert [m.profile_id for m in idx.search(BASE, min_loci=1)] == ["b"]
    assert len(idx) == 1


def test_microvariant_steps_and_errors() -> None:
    idx = YHaplotypeIndex(LOCI)
    idx.add("x", {**BASE, "DYS458": "18.2"})
    assert idx.search(BASE, min_loci=1)[0].mismatching_loci == {"DYS458": 1.0}
    with pytest.raises(HaplotypeError, match="locus DYS385: expected 2"):
        idx.add("y", {**BASE, "DYS385": "13"})
    with pytest.raises(HaplotypeError, match="locus DYS19"):
        idx.add("z", {**BASE, "DYS19": "fifteen"})
