"""Hotspot runs: requested by a command centre, computed by the task, found where planted and not in a uniform field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import COUNTY_A, PROVINCE
from homeward.analysis import selectors, services
from homeward.analysis.models import HotspotRun, RunStatus
from homeward.engines.hotspots.synthetic import planted_field
from homeward.refdata.geo import haversine_km
from homeward.regions.models import Division

pytestmark = pytest.mark.django_db
START, END = date(2026, 1, 1), date(2026, 3, 31)


def sichuan_field(relative_risk: float, seed: int = 3):
    units = Division.objects.filter(code__startswith="51", level="county", population__gt=0)
    population = {d.code: int(d.population or 0) for d in units}
    centroids = {d.code: (float(d.lat or 0), float(d.lon or 0)) for d in units if d.lat is not None}
    field = planted_field(
        population,
        centroids,
        np.random.default_rng(seed),
        rate_per_100k=6.0,
        relative_risk=relative_risk,
        cluster_size=12,
        centre=COUNTY_A,
    )
    base = datetime(2026, 2, 1, tzinfo=UTC)
    rows = [(code, base + timedelta(hours=i % 500)) for code, n in field.counts.items() for i in range(n)]
    return field, rows


def execute(*, run_id: int) -> HotspotRun:
    run = services.hotspot_run_execute(run_id=run_id)
    assert run is not None
    return run


def run_for(actor, key="tips.received", **kw):
    return services.hotspot_run_request(
        actor=actor, area_code=PROVINCE, indicator=key, start=START, end=END, permutations=999, **kw
    )


def test_planted_cluster_is_found(fake_sources, analysts, django_capture_on_commit_callbacks):
    field, rows = sichuan_field(relative_risk=4.0)
    fake_sources.add("tips", {"received": rows})
    with django_capture_on_commit_callbacks() as callbacks:
        run = run_for(analysts.command_province)
    assert len(callbacks) == 1  # the task is enqueued after commit
    assert run.status == RunStatus.QUEUED
    run = execute(run_id=run.pk)
    assert run.status == RunStatus.DONE, run.error
    hot = {r["code"] for r in run.results if r["kind"] == "hot"}
    assert run.n_hot == len(hot) >= 4
    assert len(hot & field.cluster) >= 10
    # Gi* looks at neighbourhoods, so counties next to the cluster may be flagged too; nothing far away is.
    centre = Division.objects.get(code=COUNTY_A)
    for d in Division.objects.filter(code__in=hot):
        assert (
            haversine_km(float(centre.lat or 0), float(centre.lon or 0), float(d.lat or 0), float(d.lon or 0))
            < 120
        )
    assert "prompt for human judgement" in run.basis
    assert run.total_count == len(rows) and run.n_units > 150


def test_uniform_field_has_no_hotspot(fake_sources, analysts):
    _field, rows = sichuan_field(relative_risk=1.0, seed=5)
    fake_sources.add("tips", {"received": rows})
    run = execute(run_id=run_for(analysts.command_province).pk)
    assert run.status == RunStatus.DONE
    assert run.n_hot == 0


def test_task_is_idempotent_and_audited_once(fake_sources, analysts, audit_rows):
    _field, rows = sichuan_field(relative_risk=1.0, seed=5)
    fake_sources.add("tips", {"received": rows})
    with audit_rows() as created:
        run = run_for(analysts.command_province)
    assert [(r.action, r.object_type) for r in created.new] == [("create", "analysis.hotspotrun")]
    with audit_rows() as executed:
        execute(run_id=run.pk)
        execute(run_id=run.pk)  # a retried task does nothing
    assert [(r.action, r.actor_label) for r in executed.new] == [("update", "analysis task")]


def test_request_validation(seeded, analysts, personas):
    with pytest.raises(ValidationError):  # a county is one unit, nothing to compare
        services.hotspot_run_request(
            actor=analysts.command_a, area_code=COUNTY_A, indicator="tips.received", start=START, end=END
        )
    with pytest.raises(ValidationError):
        run_for(analysts.command_province, key="cases.none")
    with pytest.raises(ValidationError):
        services.hotspot_run_request(
            actor=analysts.command_province,
            area_code=PROVINCE,
            indicator="tips.received",
            start=END,
            end=START,
        )
    with pytest.raises(Http404):  # the county officer cannot analyse the province
        services.hotspot_run_request(
            actor=analysts.command_a, area_code=PROVINCE, indicator="tips.received", start=START, end=END
        )
    with pytest.raises(PermissionDenied):  # investigators read, command centres and coordinators run
        run_for(personas.provincial)
    assert not HotspotRun.objects.exists()


def test_county_b_gets_404_for_province_run(seeded, analysts, client, login):
    run = run_for(analysts.command_province)
    login(analysts.command_b)
    assert client.get(f"/staff/analysis/hotspots/{run.pk}/").status_code == 404
    assert client.get(f"/staff/analysis/hotspots/{run.pk}/export.csv").status_code == 404
    assert client.get(f"/api/v1/analysis/hotspots/{run.pk}").status_code == 404
    with pytest.raises(Http404):
        selectors.hotspot_run_get(actor=analysts.command_b, run_id=run.pk)


def test_result_page_map_and_export(fake_sources, analysts, client, login):
    _field, rows = sichuan_field(relative_risk=4.0)
    rows.append(("510107", datetime(2026, 2, 2, tzinfo=UTC)))
    fake_sources.add("tips", {"received": rows})
    run = execute(run_id=run_for(analysts.command_province).pk)
    login(analysts.command_province)
    page = client.get(f"/staff/analysis/hotspots/{run.pk}/").content.decode()
    assert 'data-chart="map"' in page and 'id="flagged"' in page
    assert "不构成结论" in page  # the human-judgement wording
    export = client.get(f"/staff/analysis/hotspots/{run.pk}/export.csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    small = [r for r in run.results if 1 <= r["count"] <= 4]
    assert small, "the seed should contain small counts"
    for r in small:
        line = next(x for x in lines if x.startswith(r["code"] + ","))
        assert line.split(",")[3] == "*"


def test_page_form_starts_a_run(seeded, analysts, client, login):
    login(analysts.command_province)
    response = client.post(
        "/staff/analysis/hotspots/",
        {"area": PROVINCE, "indicator": "tips.received", "start": "2026-01-01", "end": "2026-03-31"},
    )
    run = HotspotRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/hotspots/{run.pk}/")
    bad = client.post(
        "/staff/analysis/hotspots/",
        {"area": COUNTY_A, "indicator": "tips.received", "start": "2026-01-01", "end": "2026-03-31"},
    )
    assert bad.status_code == 400 and HotspotRun.objects.count() == 1
    bad = client.post("/staff/analysis/hotspots/", {"area": PROVINCE, "indicator": "x", "start": "no"})
    assert bad.status_code == 400 and HotspotRun.objects.count() == 1
