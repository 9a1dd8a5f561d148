"""Centroids: coverage, plausibility, fallback, and reproducibility from the installed cpca."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from homeward.refdata.divisions import DivisionIndex
from homeward.refdata.geo import haversine_km

from .conftest import read_rows

# Mainland, Hainan, the South China Sea islands, Taiwan, Hong Kong, Macao
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 3.0, 54.0, 73.0, 136.0


def test_every_point_inside_china_bbox(idx: DivisionIndex) -> None:
    rows = read_rows("centroids.csv")
    assert len(rows) > 3000
    for r in rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        assert LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX, r
        assert idx.get(r["code"]) is not None, r  # only divisions in force today


def test_known_point_dongcheng(idx: DivisionIndex) -> None:
    point = idx.centroid("110101")
    assert point is not None
    lat, lon = point
    # 东城区 government seat is at about 39.93 N, 116.42 E
    assert haversine_km(lat, lon, 39.93, 116.42) < 2.0


def test_known_points_relative_positions(idx: DivisionIndex) -> None:
    harbin, haikou, urumqi, shanghai = (idx.centroid(c) for c in ("230100", "460100", "650100", "310000"))
    assert harbin and haikou and urumqi and shanghai
    assert harbin[0] > shanghai[0] > haikou[0]  # north to south
    assert urumqi[1] < harbin[1] < shanghai[1] + 10  # west to east
    beijing = idx.centroid("110000")
    assert beijing is not None
    # Beijing-Shanghai is about 1,070 km in a straight line
    assert 1000 < haversine_km(*beijing, *shanghai) < 1150


def test_every_current_division_gets_a_centroid(idx: DivisionIndex) -> None:
    without_own = [d for d in idx if d.lat is None]
    assert len(without_own) == 33  # documented in data/README.md
    for d in idx:
        assert idx.centroid(d.code) is not None, d


def test_fallback_is_the_nearest_ancestor_with_a_point(idx: DivisionIndex) -> None:
    d = idx.get("330114")  # 钱塘区, created 2021 by a split: no point of its own
    assert d is not None and d.lat is None
    parent = idx.get(d.parent_code)  # type: ignore[arg-type]
    assert parent is not None and parent.code == "330100"
    assert idx.centroid("330114") == (parent.lat, parent.lon)


def test_centroid_goes_through_resolve(idx: DivisionIndex) -> None:
    # a retired code takes the point of its successor; a split one of the common ancestor
    assert idx.centroid("500228", 2010) == idx.centroid("500155")
    assert idx.centroid("330104", 2015) == idx.centroid("330100")


def test_recoded_division_inherits_the_predecessor_point() -> None:
    cpca_csv = _cpca_csv()
    prcoords = pytest.importorskip("prcoords")
    with cpca_csv.open(encoding="utf-8", newline="") as fh:
        cp = {r["adcode"][:6]: r for r in csv.DictReader(fh)}
    ours = {r["code"]: (float(r["lat"]), float(r["lon"])) for r in read_rows("centroids.csv")}
    src = cp["500228"]  # 梁平县 in cpca's older list
    assert src["name"] == "梁平县"
    wgs = prcoords.gcj_wgs_bored((float(src["latitude"]), float(src["longitude"])))
    assert ours["500155"] == pytest.approx((wgs.lat, wgs.lon), abs=1e-6)
    # GCJ-02 -> WGS-84 moves points by well under a kilometre
    gcj = (float(src["latitude"]), float(src["longitude"]))
    assert 0.05 < haversine_km(*gcj, *ours["500155"]) < 1.0


def test_centroids_csv_is_reproducible(tmp_path: Path) -> None:
    _cpca_csv()
    pytest.importorskip("prcoords")
    from homeward.refdata import build_centroids

    out = tmp_path / "centroids.csv"
    assert build_centroids.main(["--out", str(out)]) == 0
    shipped = Path(build_centroids.DATA_DIR / "centroids.csv").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == shipped


def _cpca_csv() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("cpca not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def test_build_cli_reports_unwritable_output_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cpca_csv()
    pytest.importorskip("prcoords")
    from homeward.refdata import build_centroids

    target = tmp_path / "no-such-dir" / "centroids.csv"
    assert build_centroids.main(["--out", str(target)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert errors == [f"error: cannot write {target}: No such file or directory"]


def test_build_cli_check_detects_stale_file(tmp_path: Path) -> None:
    _cpca_csv()
    pytest.importorskip("prcoords")
    from homeward.refdata import build_centroids

    stale = tmp_path / "centroids.csv"
    stale.write_text("code,lat,lon\n", encoding="utf-8")
    assert build_centroids.main(["--check", "--out", str(stale)]) == 1
    assert build_centroids.main(["--check"]) == 0  # the shipped file is current
