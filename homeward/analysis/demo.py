"""Demo data of the analysis app: a synthetic data set, one hotspot run and one early warning (idempotent).

Until the domain apps publish indicators, the demo uses its own synthetic series (`homeward.analysis.indicators`):
`demo_sightings` has a planted cluster around 成都市武侯区 over the last twelve weeks in 四川 and 云南, and
`demo_reports` is three years of weekly counts in the demo counties with a rise in 武侯区 in the last complete week.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from homeward.analysis import services
from homeward.analysis.models import EarlyWarning, HotspotRun, SyntheticCount
from homeward.engines.hotspots.synthetic import planted_field
from homeward.regions.models import Division

DEMO_COUNTIES = ("510107", "510106", "530102")
SPIKE_COUNTY = "510107"


def _at(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def synthetic_load() -> int:
    if SyntheticCount.objects.exists():
        return 0
    rng = np.random.default_rng(2021)
    last_week = services.last_complete_week()
    rows: list[SyntheticCount] = []
    # Three years of weekly reports per demo county; the last complete week in 武侯区 is unusually high.
    weeks = 3 * 52 + 1
    for code in DEMO_COUNTIES:
        counts = rng.poisson(3.0, weeks)
        if code == SPIKE_COUNTY:
            counts[-1] += 14
        for i, n in enumerate(counts):
            if n:
                day = last_week - timedelta(weeks=weeks - 1 - i) + timedelta(days=int(rng.integers(0, 7)))
                rows.append(SyntheticCount(indicator="demo_reports", code=code, at=_at(day, 10), n=int(n)))
    # Twelve weeks of sightings over every county of the two demo provinces, three times as frequent near 武侯区.
    units = Division.objects.filter(level="county", population__gt=0, lat__isnull=False).filter(
        code__regex=r"^(51|53)"
    )
    population = {d.code: int(d.population or 0) for d in units}
    centroids = {d.code: (float(d.lat or 0), float(d.lon or 0)) for d in units}
    field = planted_field(
        population, centroids, rng, rate_per_100k=8.0, relative_risk=3.0, cluster_size=12, centre=SPIKE_COUNTY
    )
    start = last_week - timedelta(weeks=11)
    for code, n in field.counts.items():
        for week, k in enumerate(rng.multinomial(n, [1 / 12] * 12)):
            if k:
                day = start + timedelta(weeks=week, days=int(rng.integers(0, 7)))
                rows.append(SyntheticCount(indicator="demo_sightings", code=code, at=_at(day, 15), n=int(k)))
    SyntheticCount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def load(report: Any) -> None:
    created = synthetic_load()
    users = get_user_model().objects
    province_cc = users.filter(username="command_centre_sichuan").first()
    county_cc = users.filter(username="command_centre_wuhou").first()
    notes = [f"{created} synthetic count rows" if created else "synthetic data already present"]
    if (
        province_cc is not None
        and not HotspotRun.objects.filter(indicator="analysis.demo_sightings").exists()
    ):
        last_week = services.last_complete_week()
        run = services.hotspot_run_request(
            actor=province_cc,
            area_code="510000",
            indicator="analysis.demo_sightings",
            start=last_week - timedelta(weeks=11),
            end=last_week + timedelta(days=6),
            permutations=1999,
        )
        run = services.hotspot_run_execute(run_id=run.pk) or run
        notes.append(f"hotspot run {run.pk}: {run.n_hot} hotspot counties")
    if county_cc is not None and not EarlyWarning.objects.filter(indicator="analysis.demo_reports").exists():
        scan = services.warning_scan_request(
            actor=county_cc, area_code="510107", indicators=["analysis.demo_reports"]
        )
        scan = services.warning_scan_execute(scan_id=scan.pk) or scan
        notes.append(f"warning scan {scan.pk}: {scan.raised} warning(s) for command_centre_wuhou")
    report.notes["analysis"] = (
        "; ".join(notes) + " (synthetic indicators until the domain apps publish theirs)"
    )
