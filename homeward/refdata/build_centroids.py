"""Regenerate ``data/centroids.csv`` from the installed ``cpca`` package.

``cpca`` (PyPI, MIT) ships ``cpca/resources/adcodes.csv`` with one row per
12-digit adcode, ``adcode,name,longitude,latitude`` (longitude first). Its code
list is older than our end-2024 division list, so this script:

1. keeps the rows whose adcode ends in ``000000`` and takes the 6-digit prefix;
2. swaps the columns into ``lat,lon`` and checks that every point lies in
   China's bounding box (this is how the coordinate order was verified);
   cpca took the points from Vonng/adcode, whose README says they are AMap
   (高德) points in GCJ-02, so they are converted to WGS-84 with ``prcoords``
   (CC0; iterative inverse, sub-millimetre against its own forward transform);
   the shift is a few hundred metres;
3. for every division in force at the end of 2024 (``data/codes.csv``):

   * uses the cpca point of the same code when cpca's name for it is one of the
     names the code has carried (so a reused code never borrows the point of a
     different unit);
   * otherwise walks ``data/changes.csv`` backwards through ``renamed`` and
     ``recoded`` links (the whole territory carried over unchanged) to a
     predecessor that cpca has, e.g. 500155 梁平区 <- 500228 梁平县; a ``merged``
     link is also followed when the absorbing unit keeps the old unit's name
     (320602 崇川区 + 320611 港闸区 -> 320613 崇川区): the seat of the named core
     unit is then an approximation of the new unit's point;
   * the two Sansha districts take the point of the census island group they
     administer (``SANSHA_ALIASES``; cpca has those NBS codes, not the districts);
   * otherwise leaves the division out (merged or split products, new units):
     the loader then falls back to the parent's point.

Run from the repository root::

    .venv/bin/python -m homeward.refdata.build_centroids          # rewrite the file
    .venv/bin/python -m homeward.refdata.build_centroids --check  # exit 1 if it would change
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import sys
from collections import defaultdict
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# Generous box around the PRC incl. the South China Sea islands; any point outside
# means a swapped or broken coordinate.
LAT_RANGE = (3.0, 54.0)
LON_RANGE = (73.0, 136.0)

# Links that carry a unit's whole territory to its successor unchanged.
SAME_TERRITORY_KINDS = frozenset({"renamed", "recoded"})

# 西沙区 and 南沙区 (created 2020) have no cpca point, but cpca carries the NBS
# statistical codes of the island groups they administer.
SANSHA_ALIASES = {"460302": ("460321", "西沙群岛"), "460303": ("460322", "南沙群岛")}


def cpca_adcodes_path() -> Path:
    """Locate ``cpca/resources/adcodes.csv`` without importing cpca (its import builds a matcher)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("error: the cpca package is not installed in this environment")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    if not path.is_file():
        raise SystemExit(f"error: {path} not found in the installed cpca package")
    return path


def cpca_version() -> str:
    from importlib.metadata import version

    return version("cpca")


def read_cpca_points(path: Path) -> dict[str, tuple[str, float, float]]:
    """6-digit code -> (name, lat, lon) in WGS-84 for the cpca rows that carry coordinates."""
    try:
        import prcoords  # build-time only: the loader reads the converted CSV
    except ImportError:
        raise SystemExit(
            "error: the prcoords package is not installed (see requirements/refdata.in)"
        ) from None

    points: dict[str, tuple[str, float, float]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            adcode = row["adcode"]
            if len(adcode) != 12 or not adcode.endswith("000000"):
                continue
            if not row["longitude"] or not row["latitude"]:
                continue  # cpca's 市辖区 placeholder rows have no point
            lon, lat = float(row["longitude"]), float(row["latitude"])
            if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
                raise SystemExit(f"error: {path}:{lineno}: ({lat}, {lon}) outside China, columns swapped?")
            wgs = prcoords.gcj_wgs_bored((lat, lon))
            points[adcode[:6]] = (row["name"], float(wgs.lat), float(wgs.lon))
    return points


def build_rows(
    points: dict[str, tuple[str, float, float]], data_dir: Path = DATA_DIR
) -> tuple[list[tuple[str, float, float]], dict[str, str], list[str]]:
    """Return (rows, derived, missing): the centroid rows, code -> predecessor used, and codes left out."""
    names_by_code: dict[str, set[str]] = defaultdict(set)
    current: list[str] = []
    with (data_dir / "codes.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names_by_code[row["code"]].add(row["name"])
            if not row["valid_to"]:
                current.append(row["code"])
    # (new_code, new_name) -> [(old_code, old_name)] for whole-territory links
    back: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (data_dir / "changes.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            same_name_merge = row["kind"] == "merged" and row["old_name"] == row["new_name"]
            if row["kind"] in SAME_TERRITORY_KINDS or same_name_merge:
                back[row["new_code"]].append((row["old_code"], row["old_name"]))

    def own_point(code: str, names: set[str]) -> tuple[float, float] | None:
        hit = points.get(code)
        if hit is not None and hit[0] in names:
            return hit[1], hit[2]
        return None

    rows: list[tuple[str, float, float]] = []
    derived: dict[str, str] = {}
    missing: list[str] = []
    for code in sorted(current):
        point = own_point(code, names_by_code[code])
        source = code
        if point is None:
            # Breadth-first over predecessors; a recoded unit's earlier codes may
            # themselves have been recoded (511223 -> 500228 -> 500155).
            seen = {code}
            frontier = [code]
            while frontier and point is None:
                nxt: list[str] = []
                for c in frontier:
                    for old_code, old_name in back.get(c, []):
                        if point is None:
                            point = own_point(old_code, {old_name})
                            source = old_code
                        if old_code not in seen:
                            seen.add(old_code)
                            nxt.append(old_code)
                frontier = nxt
        if point is None and code in SANSHA_ALIASES:
            source, alias_name = SANSHA_ALIASES[code]
            point = own_point(source, {alias_name})
        if point is None:
            missing.append(code)
            continue
        if source != code:
            derived[code] = source
        rows.append((code, round(point[0], 6), round(point[1], 6)))
    return rows, derived, missing


def render(rows: list[tuple[str, float, float]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "lat", "lon"])
    for code, lat, lon in rows:
        writer.writerow([code, f"{lat:.6f}", f"{lon:.6f}"])
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file would change")
    parser.add_argument("--out", type=Path, default=DATA_DIR / "centroids.csv")
    args = parser.parse_args(argv)

    points = read_cpca_points(cpca_adcodes_path())
    rows, derived, missing = build_rows(points)
    text = render(rows)
    print(
        f"cpca {cpca_version()}: {len(points)} points; built {len(rows)} centroids "
        f"({len(rows) - len(derived)} same code, {len(derived)} via predecessors or aliases); "
        f"{len(missing)} current divisions without a point",
        file=sys.stderr,
    )
    if args.check:
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if old != text:
            print(f"error: {args.out} is out of date; rerun without --check", file=sys.stderr)
            return 1
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
