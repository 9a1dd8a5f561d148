"""Hard consistency rules: sex, found after missing, age with tolerance, reviewer exclusions."""

from __future__ import annotations

import dataclasses
from datetime import date

from homeward.engines.linkage import FoundRecord, MatchIndex, MissingRecord, score_pair


def _index(*reports: MissingRecord) -> MatchIndex:
    idx = MatchIndex()
    idx.add_many(reports)
    return idx


def test_consistent_pair_has_no_conflict(report: MissingRecord, bare_found: FoundRecord) -> None:
    s = score_pair(report, bare_found)
    assert s.conflicts == () and s.probability > 0
    assert [c.missing_id for c in _index(report).match(bare_found)] == ["m1"]


def test_sex_must_agree(report: MissingRecord, bare_found: FoundRecord) -> None:
    f = dataclasses.replace(bare_found, sex="F")
    s = score_pair(report, f)
    assert s.conflicts == ("sex",) and s.probability == 0.0
    assert _index(report).match(f) == []
    # an unknown sex on either side is no conflict
    assert score_pair(report, dataclasses.replace(bare_found, sex=None)).conflicts == ()
    assert score_pair(dataclasses.replace(report, sex=None), f).conflicts == ()


def test_found_before_missing_is_impossible(report: MissingRecord, bare_found: FoundRecord) -> None:
    f = dataclasses.replace(bare_found, found_date=date(1995, 4, 30), age_min=4, age_max=6)
    assert score_pair(report, f).conflicts == ("found_before_missing",)
    assert _index(report).match(f) == []


def test_age_window_with_tolerance(report: MissingRecord) -> None:
    # Found 2020 aged 20-26: born 1993 (26, birthday to come) .. 2000. Tolerance 2 + 0.1 * 26 = 4.6
    # years widens it to 1988.4 .. 2004.6.
    f = FoundRecord(id="f", sex="M", age_min=20, age_max=26, found_date=date(2020, 1, 1))

    def born(year: int) -> MissingRecord:
        return dataclasses.replace(report, birth_date=date(year, 3, 1), missing_date=date(year + 3, 1, 1))

    assert score_pair(born(1995), f).reasons["age"].level == "in_range"
    assert score_pair(born(1997), f).reasons["age"].level == "near_estimate_centre"  # centre 1996.5
    assert score_pair(born(1989), f).reasons["age"].level == "edge_of_tolerance"
    assert score_pair(born(1988), f).conflicts == ("age",)
    assert score_pair(born(2004), f).conflicts == ()
    assert score_pair(born(2005), f).conflicts == ("age",)
    idx = _index(*(dataclasses.replace(born(y), id=str(y)) for y in range(1980, 2015)))
    assert sorted(int(c.missing_id) for c in idx.match(f, top=100)) == list(range(1989, 2005))


def test_unknown_birth_year_is_never_excluded_by_age(report: MissingRecord, bare_found: FoundRecord) -> None:
    r = dataclasses.replace(report, birth_date=None, birth_year=None)
    s = score_pair(r, bare_found)
    assert s.conflicts == () and "age" not in s.reasons


def test_documented_birth_date(report: MissingRecord) -> None:
    f = FoundRecord(id="f", sex="M", birth_date=date(1990, 3, 1), found_date=date(2021, 1, 1))
    assert score_pair(report, f).reasons["age"].level == "same_birth_date"
    later = dataclasses.replace(f, birth_date=date(1993, 3, 1))
    assert score_pair(report, later).conflicts == ("age",)


def test_excluded_pairs_never_come_back(report: MissingRecord, bare_found: FoundRecord) -> None:
    other = dataclasses.replace(report, id="m2", name="王强")
    idx = _index(report, other)
    assert {c.missing_id for c in idx.match(bare_found)} == {"m1", "m2"}
    assert [c.missing_id for c in idx.match(bare_found, excluded={("m1", "f1")})] == ["m2"]
    # an exclusion for another found person does not apply
    assert len(idx.match(bare_found, excluded={("m1", "f9")})) == 2
    idx.exclude("m2", "f1")
    assert [c.missing_id for c in idx.match(bare_found)] == ["m1"]
    # remembered across a change of the report (re-added under the same id)
    idx.add(dataclasses.replace(other, father_name="王建军"))
    assert [c.missing_id for c in idx.match(bare_found)] == ["m1"]
    assert idx.score("m2", bare_found).conflicts == ("excluded_by_reviewer",)
    assert idx.consistent_ids(bare_found) == ["m1"]
