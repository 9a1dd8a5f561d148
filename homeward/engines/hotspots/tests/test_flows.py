"""Province flows: hand-counted aggregation and the buyer-market rule."""

from __future__ import annotations

from homeward.engines.hotspots import FlowRecord, flows, prefix_province


def test_hand_counted_aggregation() -> None:
    pairs: list[FlowRecord | tuple[str, str]] = [
        ("510121", "350102"),  # Sichuan -> Fujian
        ("510122", "350203"),  # Sichuan -> Fujian
        ("530102", "350102"),  # Yunnan -> Fujian
        ("350102", "510121"),  # Fujian -> Sichuan
        ("350102", "350203"),  # within Fujian
        FlowRecord("450102", "370102", via_codes=("430102",)),  # Guangxi -> Shandong via Hunan
    ]
    s = flows(pairs, province_of=lambda c, y: prefix_province(c))
    assert s.edges[("510000", "350000")] == 2
    assert s.table()[0] == ("510000", "350000", 2)
    by = {p.province_code: p for p in s.provinces}
    fj = by["350000"]
    assert (fj.inbound, fj.outbound, fj.internal) == (3, 1, 1)
    assert fj.role == "destination"  # 3 of 4 cross-province victims inbound: share 0.75 >= 2/3
    assert by["510000"].role == "source"  # 1 of 3 inbound: share 1/3
    assert by["530000"].role == "source"
    assert by["430000"].role == "transit" and by["430000"].transit == 1
    assert not s.buyer_markets()  # one unlabelled period: persistence cannot be judged
    assert s.basis.total_count == 6


def _periods(in_by_year: dict[str, int], out_by_year: dict[str, int]) -> list[tuple[str, str, str]]:
    rows = []
    for year, n in in_by_year.items():
        rows += [("520102", "350102", year)] * n  # Guizhou -> Fujian
    for year, n in out_by_year.items():
        rows += [("350102", "520102", year)] * n
    return rows


def test_persistent_destination_is_a_buyer_market() -> None:
    s = flows(
        _periods({"2021": 4, "2022": 3, "2023": 5}, {"2021": 1, "2023": 1}),
        province_of=lambda c, y: prefix_province(c),
    )
    fj = {p.province_code: p for p in s.provinces}["350000"]
    assert (fj.destination_periods, fj.active_periods) == (3, 3)
    # 12 of 14 cross-province victims inbound: binomial P(X >= 12 | n=14, 1/2) = 106/16384.
    assert abs(fj.inbound_share_p_value - 106 / 16384) < 1e-12
    assert fj.buyer_market and [p.province_code for p in s.buyer_markets()] == ["350000"]


def test_destination_in_one_period_only_is_not_flagged() -> None:
    s = flows(
        _periods({"2021": 12, "2022": 1, "2023": 1}, {"2022": 2, "2023": 2}),
        province_of=lambda c, y: prefix_province(c),
    )
    fj = {p.province_code: p for p in s.provinces}["350000"]
    assert (fj.destination_periods, fj.active_periods) == (1, 3)
    assert not fj.buyer_market


def test_retired_codes_resolve_through_refdata() -> None:
    # 510221 was a Sichuan county code before Chongqing became a municipality in 1997.
    s = flows([("510221", "350102", "1990")])
    assert ("500000", "350000") in s.edges
    s2 = flows([("xx", "350102")])
    assert s2.unresolved == ("xx",) and not s2.edges
