"""Mapping old codes to today's: current_codes, resolve, reused codes, splits, boundary years."""

from __future__ import annotations

from collections import defaultdict

from homeward.refdata.divisions import DivisionIndex

Row = dict[str, str]


def sketch_current_codes(rows: list[Row], code: str, year: int) -> list[str]:
    """The lookup sketch from shared/data/divisions/README.md, verbatim in spirit."""
    hits = [
        r for r in rows if r["code"] == code and int(r["valid_from"]) <= year <= int(r["valid_to"] or 9999)
    ]
    return sorted({c for r in hits for c in r["current_codes"].split(";")})


# -- the README's worked examples ---------------------------------------------------------


def test_liangping_county_2010_maps_to_liangping_district(idx: DivisionIndex) -> None:
    assert idx.current_codes("500228", 2010) == ["500155"]
    d = idx.resolve("500228", 2010)
    assert d is not None and (d.code, d.name) == ("500155", "梁平区")


def test_xuchang_county_2000_maps_to_jian_an(idx: DivisionIndex) -> None:
    assert idx.current_codes("411023", 2000) == ["411003"]


def test_chain_through_two_recodings(idx: DivisionIndex) -> None:
    # 511223 梁平县 (Sichuan, until 1997) -> 500228 -> 500155 梁平区
    assert idx.current_codes("511223", 1995) == ["500155"]


def test_examples_agree_with_readme_sketch(idx: DivisionIndex, code_rows: list[Row]) -> None:
    for code, year in [("500228", 2010), ("411023", 2000), ("110103", 2005), ("330104", 2015)]:
        assert idx.current_codes(code, year) == sketch_current_codes(code_rows, code, year)


# -- reused codes and boundary years ------------------------------------------------------


def test_reused_code_resolves_by_year(idx: DivisionIndex, code_rows: list[Row]) -> None:
    periods = sorted((r for r in code_rows if r["code"] == "430204"), key=lambda r: int(r["valid_from"]))
    names = [r["name"] for r in periods]
    assert names == ["南区", "石峰区"]  # the README's example of a reused code
    old, new = periods
    assert idx.current_codes("430204", 1990) == old["current_codes"].split(";") == ["430203"]
    assert idx.current_codes("430204", 2010) == new["current_codes"].split(";") == ["430204"]
    resolved = idx.resolve("430204", 1990)
    assert resolved is not None and resolved.code == "430203"


def test_boundary_year_prefers_later_row_unless_named(idx: DivisionIndex, code_rows: list[Row]) -> None:
    boundary = 1997
    both = sketch_current_codes(code_rows, "430204", boundary)
    assert both == ["430203", "430204"]  # two rows match in the year of the change
    assert idx.current_codes("430204", boundary) == ["430204"]
    assert idx.current_codes("430204", boundary, name="南区") == ["430203"]
    assert idx.current_codes("430204", boundary, name="石峰区") == ["430204"]


def test_name_without_year_picks_the_named_unit(idx: DivisionIndex) -> None:
    assert idx.current_codes("430204") == ["430204"]
    assert idx.current_codes("430204", name="南区") == ["430203"]
    # a name that matches no period is ignored rather than making the lookup fail
    assert idx.current_codes("430204", 2010, name="不存在区") == ["430204"]


def test_every_row_resolves_like_the_readme_sketch(idx: DivisionIndex, code_rows: list[Row]) -> None:
    """For every period and a year only that period covers, the result is its current_codes."""
    by_code: dict[str, list[Row]] = defaultdict(list)
    for r in code_rows:
        by_code[r["code"]].append(r)
    checked = 0
    for code, rows in by_code.items():
        for r in rows:
            start, end = int(r["valid_from"]), int(r["valid_to"] or 2025)
            for year in range(start, end):
                covering = [o for o in rows if int(o["valid_from"]) <= year <= int(o["valid_to"] or 9999)]
                if len(covering) == 1:
                    expected = sorted(r["current_codes"].split(";"))
                    assert idx.current_codes(code, year) == expected, (code, year)
                    assert idx.current_codes(code, year) == sketch_current_codes(rows, code, year)
                    checked += 1
                    break
    assert checked >= len(code_rows) - 50  # all but rows living a single boundary year


def test_current_code_maps_to_itself(idx: DivisionIndex, current_rows: dict[str, Row]) -> None:
    for code in current_rows:
        assert idx.current_codes(code) == [code]
        assert idx.current_codes(code, 2024) == [code]
        assert idx.resolve(code).code == code  # type: ignore[union-attr]


def test_renamed_code_keeps_its_code(idx: DivisionIndex) -> None:
    # 130503 桥西区 (1983-2020) then 信都区: same code
    assert idx.current_codes("130503", 2010) == ["130503"]
    assert idx.get("130503").name == "信都区"  # type: ignore[union-attr]


def test_unknown_codes(idx: DivisionIndex) -> None:
    for code in ["999999", "000000", "12345", "", "abcdef", "130171"]:
        assert idx.current_codes(code) == []
        assert idx.current_codes(code, 2010) == []
        assert idx.resolve(code, 2010) is None
        assert idx.centroid(code) is None
        assert idx.get(code) is None


def test_year_outside_every_period_takes_nearest(idx: DivisionIndex, code_rows: list[Row]) -> None:
    # 500228 梁平县 ended 2016; a record from 2020 still carrying it (a stale code) maps forward
    assert idx.current_codes("500228", 2020) == ["500155"]
    # before the data begin (1981) the first period is used
    first = min((r for r in code_rows if r["code"] == "430204"), key=lambda r: int(r["valid_from"]))
    assert idx.current_codes("430204", 1975) == first["current_codes"].split(";")


# -- splits and the common ancestor -------------------------------------------------------


def test_split_resolves_to_common_ancestor(idx: DivisionIndex, current_rows: dict[str, Row]) -> None:
    # 330104 江干区 split in 2021 into 330102 上城区 and 330114 钱塘区, both in 杭州市
    targets = idx.current_codes("330104", 2015)
    assert targets == ["330102", "330114"]
    parents = {current_rows[t]["parent_code"] for t in targets}
    assert parents == {"330100"}
    d = idx.resolve("330104", 2015)
    assert d is not None and d.code == "330100" and d.level == "prefecture"


def test_every_multi_target_row_resolves_to_deepest_common_ancestor(
    idx: DivisionIndex, code_rows: list[Row], current_rows: dict[str, Row]
) -> None:
    def chain(code: str) -> list[str]:
        out = []
        while code:
            out.append(code)
            code = current_rows[code]["parent_code"]
        return out

    multi = [r for r in code_rows if ";" in r["current_codes"]]
    assert len(multi) == 363  # per the divisions README
    for r in multi:
        targets = r["current_codes"].split(";")
        chains = [chain(t) for t in targets]
        common = [c for c in chains[0] if all(c in ch for ch in chains[1:])]
        d = idx.resolve(r["code"], int(r["valid_from"]), name=r["name"])
        assert d is not None and d.code == common[0], r


def test_beijing_districts_roll_up(idx: DivisionIndex, current_rows: dict[str, Row]) -> None:
    # 110103 崇文区 merged into 110101 东城区 in 2010
    d = idx.resolve("110103", 2005)
    assert d is not None and d.code == "110101"
    assert idx.is_within("110101", "110000")
    beijing = {c for c, r in current_rows.items() if c.startswith("11") and r["level"] == "county"}
    assert len(beijing) == 16
    assert set(idx.descendants_or_self("110000")) == beijing | {"110000"}
    assert all(idx.is_within(c, "110000") for c in beijing)
    assert not idx.is_within("110101", "120000")
    assert not idx.is_within("110103", "110000")  # retired codes are not current divisions
