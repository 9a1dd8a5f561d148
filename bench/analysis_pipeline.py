"""Analysis app benchmark: what a dashboard or a scan costs on top of the engine, without a database.

* map: rendering the county choropleth (SVG) for the nation (2,847 units, coarse outlines) and for 四川省 (fine
  outlines); baseline = loading the projected outlines from the disk cache. Reports SVG size.
* scan: an early-warning scan of 四川省 (province, prefectures, 183 counties) over 3 years of synthetic weekly
  events with a planted rise in 5 counties: events -> weekly series per region -> improved Farrington; baseline =
  the engine alone on the same series (assess_week per region). Reports detection of the planted rises and false
  alarms among the other regions.
* suppress: small-count suppression of the national county column (2,847 cells) for a CSV export.

    .venv/bin/python bench/analysis_pipeline.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.dev")

import django

django.setup()

from homeward.analysis import charts, exports, geo  # noqa: E402
from homeward.analysis.areas import Area  # noqa: E402
from homeward.analysis.services import weekly_series  # noqa: E402
from homeward.engines.hotspots import assess_week  # noqa: E402
from homeward.refdata.divisions import load_divisions  # noqa: E402


def units(prefix: str) -> list[Area]:
    idx = load_divisions()
    out = []
    for d in idx:
        if not d.code.startswith(prefix):
            continue
        if d.level == "county" or (d.level == "prefecture" and not idx.children(d.code)):
            out.append(Area(d.code, d.name, d.level, d.population))
    return out


def bench_map(quick: bool) -> None:
    t0 = time.perf_counter()
    geo.outlines.cache_clear()
    outlines = geo.outlines()
    load = time.perf_counter() - t0
    assert outlines is not None
    idx = load_divisions()
    rng = np.random.default_rng(1)
    for name, prefix, detail in (("national", "", False), ("sichuan", "51", True)):
        us = units(prefix)
        mus = []
        for u in us:
            division = idx.get(u.code)
            lat, lon = (division.lat, division.lon) if division is not None else (None, None)
            mus.append(charts.MapUnit(u.code, u.name, float(rng.gamma(2.0, 1.5)), u.name, "", lat, lon))
        provinces = [p.code for p in idx.provinces() if p.code.startswith(prefix[:2])]
        reps = 1 if quick else 3
        t0 = time.perf_counter()
        for _ in range(reps):
            svg = charts.choropleth("bench", mus, provinces=provinces, detail=detail)
        per = (time.perf_counter() - t0) / reps
        print(
            f"BENCH analysis_map area={name} units={len(us)} render_ms={per * 1000:.0f} "
            f"svg_kb={len(svg) / 1024:.0f} baseline_outline_load_ms={load * 1000:.0f} "
            f"ratio={per / load:.2f}"
        )


def bench_scan(quick: bool) -> None:
    rng = np.random.default_rng(7)
    counties = units("51")
    if quick:
        counties = counties[:60]
    weeks = 3 * 52 + 1
    first = date(2023, 3, 6)
    planted = {c.code for c in counties[:: max(1, len(counties) // 5)][:5]}
    rows: list[tuple[str, datetime]] = []
    for c in counties:
        mean = max(0.3, (c.population or 100_000) / 1e6 * 2.0)
        counts = rng.negative_binomial(5, 5 / (5 + mean), weeks)
        if c.code in planted:
            counts[-1] += int(max(8, 4 * np.sqrt(mean + mean**2 / 5)))
        for w, n in enumerate(counts):
            day = first + timedelta(weeks=w)
            rows += [(c.code, datetime(day.year, day.month, day.day, 3, tzinfo=UTC))] * int(n)
    province = Area("510000", "四川省", "province", None)
    regions = [province, *counties]
    t0 = time.perf_counter()
    series = weekly_series(rows, regions, first, weeks)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    alarms = {s.code for s in series if int(s.series[-4:].sum()) >= 5 and assess_week(s.series).alarm}
    app_total = build + (time.perf_counter() - t0)
    # Baseline: the engine alone, every region, on ready-made arrays.
    arrays = [s.series for s in series]
    t0 = time.perf_counter()
    for a in arrays:
        assess_week(a)
    engine_only = time.perf_counter() - t0
    found = len(alarms & planted)
    false = len(alarms - planted - {"510000"})
    print(
        f"BENCH analysis_scan regions={len(regions)} events={len(rows)} weeks={weeks} series_build_s={build:.2f} "
        f"app_scan_s={app_total:.2f} baseline_engine_all_regions_s={engine_only:.2f} "
        f"ratio={app_total / engine_only:.2f} planted={len(planted)} detected={found} "
        f"false_alarms={false}/{len(counties) - len(planted)}"
    )


def bench_suppress() -> None:
    rng = np.random.default_rng(3)
    us = units("")
    values = [int(v) for v in rng.poisson(6.0, len(us))]
    t0 = time.perf_counter()
    col = exports.suppress_column(values)
    took = time.perf_counter() - t0
    small = sum(1 for v in values if 1 <= v <= 4)
    hidden = sum(1 for c in col.cells if c is None)
    t0 = time.perf_counter()
    _ = [v if not 1 <= v <= 4 else None for v in values]
    base = max(time.perf_counter() - t0, 1e-6)
    print(
        f"BENCH analysis_suppress cells={len(values)} primary={small} suppressed={hidden} "
        f"seconds={took:.2f} baseline_primary_only_ms={base * 1000:.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    bench_map(args.quick)
    bench_scan(args.quick)
    bench_suppress()


if __name__ == "__main__":
    main()
