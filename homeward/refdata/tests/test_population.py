"""2020 census population on counties, prefectures and provinces, checked against the raw CSVs."""

from __future__ import annotations

from collections import defaultdict

from homeward.refdata.divisions import DivisionIndex

from .conftest import read_rows

MAINLAND_TOTAL_2020 = 1_409_778_724  # population README: counties sum to the census mainland total
NON_GBT_UNITS, NON_GBT_PEOPLE = 142, 22_615_110  # population README


def county_rows() -> list[dict[str, str]]:
    return read_rows("county-2020.csv")


def test_census_rows_sum_to_published_total() -> None:
    assert sum(int(r["population"]) for r in county_rows()) == MAINLAND_TOTAL_2020


def test_provinces_match_province_file_and_total(idx: DivisionIndex) -> None:
    expected = {r["division_code"]: int(r["population"]) for r in read_rows("province-2020.csv")}
    got = {d.code: d.population for d in idx.provinces() if d.population is not None}
    assert got == expected
    assert sum(got.values()) == MAINLAND_TOTAL_2020
    for code in ("710000", "810000", "820000"):  # not enumerated by the mainland census
        assert idx.get(code).population is None  # type: ignore[union-attr]


def test_prefectures_equal_four_digit_aggregation(idx: DivisionIndex) -> None:
    # The population README: aggregating county-2020.csv by the first four digits gives prefecture totals.
    by_prefix: dict[str, int] = defaultdict(int)
    for r in county_rows():
        by_prefix[r["division_code"][:4]] += int(r["population"])
    prefectures = idx.prefectures()
    assert len(prefectures) == 333
    for d in prefectures:
        assert d.population == by_prefix[d.code[:4]], d


def test_children_sum_to_each_province(idx: DivisionIndex) -> None:
    for p in idx.provinces():
        if p.population is None:
            continue
        kids = idx.children(p.code)
        assert kids, p.code
        assert sum(k.population or 0 for k in kids) == p.population, p.code
        unknown = {k.code for k in kids if k.population is None}
        # only 659011 新星市 and 659012 白杨市 (created after the census) lack a count
        assert unknown <= {"659011", "659012"}, p.code


def test_county_population_examples(idx: DivisionIndex) -> None:
    census = {r["division_code"]: int(r["population"]) for r in county_rows()}
    assert idx.get("110101").population == census["110101"]  # type: ignore[union-attr]
    # recoded after the census: 450127 横县 -> 450181 横州市, same territory
    assert idx.get("450181").population == census["450127"]  # type: ignore[union-attr]
    # 320611 港闸区 merged into 320613 崇川区 in 2020; the census still tabulated both
    assert idx.get("320613").population == census["320613"] + census["320611"]  # type: ignore[union-attr]
    # formed by the 2021 split of Hangzhou's districts: no published share, so unknown
    for code in ("330102", "330113", "330114"):
        assert idx.get(code).population is None  # type: ignore[union-attr]
    assert idx.get("350527").population is None  # type: ignore[union-attr]  # 金门县, not enumerated


def test_census_units_are_the_non_gbt_rows(idx: DivisionIndex) -> None:
    non_gbt = {r["division_code"]: r for r in read_rows("county-2020-non-gbt2260.csv")}
    census = {r["division_code"]: int(r["population"]) for r in county_rows()}
    units = idx.census_units()
    assert set(units) == set(non_gbt)
    assert len(units) == NON_GBT_UNITS
    assert sum(u.population for u in units.values()) == NON_GBT_PEOPLE
    for code, u in units.items():
        assert u.population == census[code]
        assert u.prefecture_code == non_gbt[code]["prefecture_code"]
        assert idx.get(u.prefecture_code) is not None
        assert idx.get(code) is None  # not GB/T: never a Division


def test_county_populations_never_double_count(idx: DivisionIndex) -> None:
    counted = sum(d.population or 0 for d in idx.counties())
    prefecture_level_cities = sum(
        d.population or 0 for d in idx.prefectures() if not idx.children(d.code)
    )  # 东莞, 中山, 儋州, 嘉峪关: tabulated as a whole
    missing = sum(u.population for u in idx.census_units().values())
    assert counted + prefecture_level_cities <= MAINLAND_TOTAL_2020 - missing
