"""The index: same answers as scoring every pair, incremental add/remove, re-matching on change."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from homeward.engines.linkage import FoundRecord, MatchIndex, MissingRecord, Place
from homeward.engines.linkage.simulate import Simulator


@pytest.fixture(scope="module")
def world() -> tuple[list[MissingRecord], list[tuple[MissingRecord, FoundRecord]]]:
    sim = Simulator(21)
    missing = [sim.missing() for _ in range(500)]
    rng = random.Random(3)
    found = [(m, sim.found_for(m, "f" + m.id)) for m in rng.sample(missing, 6)]
    return missing, found


def _brute_force(idx: MatchIndex, found: FoundRecord, top: int) -> list[tuple[str, float]]:
    w = idx.weights
    scored = [(i, idx.score(i, found).log_odds) for i in idx.consistent_ids(found)]
    # rank by the summed weight (log-odds without the calibration), rounded as the index does
    scored.sort(key=lambda t: (-round((t[1] - w.intercept) / w.scale, 9), t[0]))
    return scored[:top]


def test_match_equals_scoring_every_consistent_pair(world) -> None:  # type: ignore[no-untyped-def]
    missing, found = world
    idx = MatchIndex()
    idx.add_many(missing)
    for _, f in found:
        got = [(c.missing_id, c.score.log_odds) for c in idx.match(f, top=10)]
        want = _brute_force(idx, f, 10)
        assert [g[0] for g in got] == [w[0] for w in want]
        assert all(abs(a[1] - b[1]) < 1e-9 for a, b in zip(got, want, strict=True))


def test_layout_does_not_change_results(world) -> None:  # type: ignore[no-untyped-def]
    missing, found = world
    sorted_idx = MatchIndex()
    sorted_idx.compact_threshold = 0  # everything compacted into sorted blocks
    sorted_idx.add_many(missing)
    tail_idx = MatchIndex()
    tail_idx.compact_threshold = 10**9  # everything left in the unsorted tail
    for m in missing:
        tail_idx.add(m)
    assert len(sorted_idx) == len(tail_idx) == len(missing)
    for _, f in found:
        a = [(c.missing_id, round(c.score.probability, 12)) for c in sorted_idx.match(f)]
        b = [(c.missing_id, round(c.score.probability, 12)) for c in tail_idx.match(f)]
        assert a == b


def test_true_match_is_found_among_noise(world) -> None:  # type: ignore[no-untyped-def]
    missing, found = world
    idx = MatchIndex()
    idx.add_many(missing)
    m, f = found[0]
    year = m.missing_date.year if m.missing_date else None
    rich = dataclasses.replace(
        f,
        remembered_parents=(m.father_name or m.mother_name or "",),
        remembered_places=(Place(division=m.missing_division, year=year),),
    )
    assert idx.match(rich, top=1)[0].missing_id == m.id


def test_incremental_add_remove_and_rematch_on_change(report: MissingRecord, bare_found: FoundRecord) -> None:
    idx = MatchIndex()
    assert idx.match(bare_found) == []
    idx.add(report)
    assert "m1" in idx and len(idx) == 1
    f = dataclasses.replace(bare_found, remembered_parents=("陈建国",))
    first = idx.match(f)[0].score
    assert first.reasons["parents"].level == "one_parent"
    # The family corrects the father's name: the re-added report is matched with the new data.
    idx.add(dataclasses.replace(report, father_name="陈大勇"))
    assert len(idx) == 1
    second = idx.match(f)[0].score
    assert second.reasons["parents"].level == "disagree" and second.probability < first.probability
    # A new found record is matched against everything indexed so far, in the other direction too.
    other = dataclasses.replace(report, id="m2", father_name="陈建国")
    idx.add(other)
    assert idx.match(f)[0].missing_id == "m2"
    assert idx.remove("m2") and not idx.remove("m2")
    assert [c.missing_id for c in idx.match(f)] == ["m1"]


def test_found_person_without_age_reads_every_block_once(world) -> None:  # type: ignore[no-untyped-def]
    missing, _ = world
    idx = MatchIndex()
    idx.compact_threshold = 0  # sorted part, including a report of unknown birth year
    idx.add_many([*missing, dataclasses.replace(missing[1], id="sorted", birth_date=None, birth_year=None)])
    idx.compact_threshold = 10**9
    idx.add(dataclasses.replace(missing[0], id="tail", birth_date=None, birth_year=None))  # unsorted tail
    f = FoundRecord(id="f", sex="F")
    ids = idx.consistent_ids(f)
    females = sum(1 for m in missing if m.sex == "F") + (missing[0].sex == "F") + (missing[1].sex == "F")
    assert len(ids) == len(set(ids)) == females
    assert len(idx.match(f, top=len(missing))) == len(ids)


def test_kth_largest_through_a_sample_equals_sorting() -> None:
    from homeward.engines.linkage.engine import _kth_largest

    rng = np.random.default_rng(4)
    for n, k in ((5, 5), (2_000, 1), (50_000, 10), (50_000, 300)):
        # few distinct values (sums of level weights tie a lot) and rows ruled out as -inf
        values = np.round(rng.normal(0, 3, n), 1)
        values[rng.random(n) < 0.3] = -np.inf
        assert _kth_largest(values, k) == np.sort(values)[-k]


@pytest.mark.parametrize("top", [1, 3])
def test_small_top_equals_scoring_every_consistent_pair(world, top: int) -> None:  # type: ignore[no-untyped-def]
    missing, found = world
    idx = MatchIndex()
    idx.add_many(missing)
    for _, f in found:
        assert [c.missing_id for c in idx.match(f, top=top)] == [w[0] for w in _brute_force(idx, f, top)]


def test_match_many_in_worker_processes_equals_match(world) -> None:  # type: ignore[no-untyped-def]
    missing, found = world
    idx = MatchIndex()
    idx.add_many(missing)
    founds = [f for _, f in found] * 4  # enough for two workers
    one = idx.match_many(founds, top=5)
    two = idx.match_many(founds, top=5, workers=2)
    assert two == one == [idx.match(f, top=5) for f in founds]


def test_rare_given_name_weighs_more_than_a_common_one(
    report: MissingRecord, bare_found: FoundRecord
) -> None:
    from homeward.engines.linkage.model import DEFAULT_WEIGHTS

    idx = MatchIndex()
    given = ["伟"] * 150 + ["芳"] * 100 + [f"{a}{b}" for a in "明红华" for b in "山川林"]
    idx.add_many(dataclasses.replace(report, id=f"m{i}", name="王" + g) for i, g in enumerate(given))
    idx.add(dataclasses.replace(report, id="rare", name="李枫峰"))
    idx.add(dataclasses.replace(report, id="common", name="李伟"))
    base = DEFAULT_WEIGHTS.levels["given_name"]
    rare = idx.score("rare", dataclasses.replace(bare_found, name="张枫峰")).reasons["given_name"]
    common = idx.score("common", dataclasses.replace(bare_found, name="张伟")).reasons["given_name"]
    assert rare.level == common.level == "exact"
    assert rare.weight > base[4] > common.weight >= base[3]  # never below the "pinyin" level
    assert rare.detail == "rare name" and common.detail == "common name"
    # a homophone of the rare name: "pinyin" level, also raised, but not above the exact match
    homophone = idx.score("rare", dataclasses.replace(bare_found, name="张峰枫")).reasons["given_name"]
    assert homophone.level in ("pinyin", "one_syllable")
    # the ranking follows: the rare-name report comes first for a found person called 枫峰
    assert idx.match(dataclasses.replace(bare_found, name="张枫峰"), top=1)[0].missing_id == "rare"
    # removing reports updates the frequencies: with fewer 伟, agreeing on 伟 says more
    for i in range(60):
        idx.remove(f"m{i}")
    after = idx.score("common", dataclasses.replace(bare_found, name="张伟")).reasons["given_name"]
    assert len(idx) >= 200 and common.weight < after.weight
