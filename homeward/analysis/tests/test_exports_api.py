"""Everything that leaves the platform (CSV, API) suppresses small counts; bad API input is a 4xx with detail."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils.translation import gettext as _

from conftest import COUNTY_A, COUNTY_B, PROVINCE
from homeward.analysis import exports
from homeward.analysis.models import HotspotRun

pytestmark = pytest.mark.django_db
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def read_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_suppress_column_complements_a_lone_small_count():
    col = exports.suppress_column([5, 0, 1])
    assert col.cells == (None, 0, None) and col.total == 6
    assert exports.suppress_column([7, 9]).cells == (7, 9)
    assert (
        exports.suppress_value(4) is None
        and exports.suppress_value(0) == 0
        and exports.suppress_value(5) == 5
    )


def test_region_export_is_suppressed(seeded, client, login, personas, audit_rows):
    login(personas.provincial)
    with audit_rows() as rows:
        table = read_csv(
            client.get(
                "/staff/analysis/export.csv",
                {"area": PROVINCE, "indicator": "tips.received", "table": "regions", **MARCH},
            )
        )
    assert [(r.action, r.object_type) for r in rows.new] == [("export", "analysis.dashboard")]
    by_name = {r[1]: r for r in table if len(r) > 2}
    assert by_name["成都市"][2] == "*"  # 5 would reveal the 1 recorded at province level from the total 6
    assert by_name[_("recorded at %(name)s level") % {"name": "四川省"}][2] == "*"
    assert by_name[_("total")][2] == "6"
    assert by_name["成都市"][3] == "*"  # last year's 1
    assert by_name["成都市"][4] == "*"  # no rate from a suppressed count
    assert any(exports.suppression_note() in " ".join(r) for r in table)


def test_summary_and_county_exports(seeded, client, login, personas):
    login(personas.provincial)
    summary = read_csv(
        client.get("/staff/analysis/export.csv", {"area": PROVINCE, "table": "summary", **MARCH})
    )
    figures = {r[2]: r[3:] for r in summary if len(r) > 3}
    assert figures["tips.received"] == ["6", "*"]
    assert figures["tips.mandatory_reports"] == ["*", "*"]
    assert figures["alerts.released"] == ["*", "0"]
    counties = read_csv(
        client.get(
            "/staff/analysis/export.csv",
            {"area": PROVINCE, "indicator": "tips.received", "table": "counties", **MARCH},
        )
    )
    by_code = {r[0]: r for r in counties if r and r[0].isdigit()}
    assert by_code[COUNTY_A][3] == "*" and by_code[COUNTY_B][3] == "*"
    assert all(r[3] in ("0", "*") for r in by_code.values())


def test_export_bad_input_and_404(seeded, client, login, personas):
    login(personas.investigator_b)
    assert client.get("/staff/analysis/export.csv", {"area": COUNTY_A, "table": "summary"}).status_code == 404
    assert client.get("/staff/analysis/export.csv", {"table": "everything"}).status_code == 400
    assert (
        client.get("/staff/analysis/export.csv", {"table": "regions", "indicator": "x.y"}).status_code == 400
    )
    assert client.get("/staff/analysis/export.csv", {"table": "series", "start": "soon"}).status_code == 400


def test_api_dashboard_and_figures_are_suppressed(seeded, client, login, personas):
    login(personas.provincial)
    body = client.get("/api/v1/analysis/dashboard", {"area": PROVINCE, **MARCH}).json()
    counts = {r["key"]: (r["count"], r["count_last_year"]) for r in body["indicators"]}
    assert counts == {
        "tips.received": (6, None),
        "tips.mandatory_reports": (None, None),
        "alerts.released": (None, 0),
    }
    assert "cases" in body["sections_without_source"]
    figures = client.get(
        "/api/v1/analysis/figures", {"area": PROVINCE, "indicator": "tips.received", **MARCH}
    ).json()
    regions = {r["name"]: r["count"] for r in figures["regions"]}
    assert regions["成都市"] is None and figures["total"] == 6
    indicators = client.get("/api/v1/analysis/indicators").json()
    assert {i["key"] for i in indicators} == {"tips.received", "tips.mandatory_reports", "alerts.released"}


@pytest.mark.parametrize(
    "path,params,status",
    [
        ("/api/v1/analysis/dashboard", {"area": "51A107"}, 422),
        ("/api/v1/analysis/dashboard", {"area": "519999"}, 400),
        ("/api/v1/analysis/dashboard", {"area": COUNTY_A}, 404),
        ("/api/v1/analysis/dashboard", {"start": "2026-04-01", "end": "2026-03-01"}, 400),
        ("/api/v1/analysis/figures", {"indicator": "nope.none"}, 400),
        ("/api/v1/analysis/figures", {}, 422),
        ("/api/v1/analysis/flows", {"first_year": 1990, "last_year": 2026}, 422),
    ],
)
def test_api_bad_get_input(seeded, client, login, personas, path, params, status):
    login(personas.investigator_b)
    response = client.get(path, params)
    assert response.status_code == status, response.content
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "body,status",
    [
        ("{not json", 400),
        (
            {
                "area": PROVINCE,
                "indicator": "tips.received",
                "start": "2026-01-01",
                "end": "2026-03-31",
                "x": 1,
            },
            422,
        ),
        ({"area": PROVINCE, "indicator": "tips.received", "start": "someday", "end": "2026-03-31"}, 422),
        ({"area": PROVINCE, "indicator": "nope", "start": "2026-01-01", "end": "2026-03-31"}, 400),
        ({"area": COUNTY_A, "indicator": "tips.received", "start": "2026-01-01", "end": "2026-03-31"}, 400),
        ({"area": "530000", "indicator": "tips.received", "start": "2026-01-01", "end": "2026-03-31"}, 404),
        (
            {
                "area": PROVINCE,
                "indicator": "tips.received",
                "start": "2026-01-01",
                "end": "2026-03-31",
                "permutations": 5,
            },
            422,
        ),
    ],
)
def test_api_hotspot_request_bad_input(seeded, client, login, analysts, body, status):
    login(analysts.command_province)
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/api/v1/analysis/hotspots", data, content_type="application/json")
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not HotspotRun.objects.exists()


def test_api_hotspot_request_and_read(seeded, client, login, analysts):
    login(analysts.command_province)
    body = {"area": PROVINCE, "indicator": "tips.received", "start": "2026-01-01", "end": "2026-03-31"}
    response = client.post("/api/v1/analysis/hotspots", json.dumps(body), content_type="application/json")
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert client.get(f"/api/v1/analysis/hotspots/{run_id}").json()["status"] == "queued"
    assert [r["id"] for r in client.get("/api/v1/analysis/hotspots").json()] == [run_id]
    login(analysts.command_a)
    assert client.get("/api/v1/analysis/hotspots").json() == []


def test_api_unauthenticated_is_401(client, db):
    assert client.get("/api/v1/analysis/dashboard").status_code == 401


def test_api_acknowledge_bad_input(seeded, client, login, analysts):
    login(analysts.command_a)
    response = client.post(
        "/api/v1/analysis/warnings/999999/acknowledge",
        json.dumps({"note": ""}),
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        "/api/v1/analysis/warnings/999999/acknowledge",
        json.dumps({"note": "ok"}),
        content_type="application/json",
    )
    assert response.status_code == 404


def flow_rows(prefix, start, end):
    rows = []
    for year in (2022, 2023, 2024):
        rows += [("530102", "510107", str(year))] * 4 + [("510107", "530102", str(year))]
        rows += [("450100", "510106", str(year))] * 2
    return [r for r in rows if r[1].startswith(prefix) or r[0].startswith(prefix)]


def test_flows_view_and_buyer_market(fake_sources, client, login, analysts):
    fake_sources.add(
        "cases", {"registered": []}, victim_flows=lambda *, prefix, start, end: flow_rows(prefix, start, end)
    )
    login(analysts.command_province)
    page = client.get("/staff/analysis/flows/", {"area": PROVINCE, "first_year": 2022, "last_year": 2024})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="provinces"' in html and "四川省" in html
    api = client.get(
        "/api/v1/analysis/flows", {"area": PROVINCE, "first_year": 2022, "last_year": 2024}
    ).json()
    assert api["available"] is True
    assert {p["code"]: p["buyer_market"] for p in api["provinces"]}["510000"] is True
    edges = {(e["origin"], e["destination"]): e["count"] for e in api["edges"]}
    assert edges[("530000", "510000")] == 12  # 12 >= 5 is published
    assert edges[("510000", "530000")] is None  # 3 is suppressed
    export = read_csv(
        client.get(
            "/staff/analysis/flows/export.csv", {"area": PROVINCE, "first_year": 2022, "last_year": 2024}
        )
    )
    assert any("*" in row for row in export)


def test_flows_without_cases_source(fake_sources, client, login, analysts):
    login(analysts.command_a)
    page = client.get("/staff/analysis/flows/")
    assert page.status_code == 200 and "victim_flows" in page.content.decode()
    assert client.get("/staff/analysis/flows/", {"area": PROVINCE}).status_code == 404
    assert client.get("/staff/analysis/flows/", {"first_year": "x"}).status_code == 400


def test_nav_entries(seeded, client, login, personas):
    login(personas.provincial)
    html = client.get("/staff/").content.decode()
    assert "/staff/analysis/" in html


@pytest.mark.parametrize("seed", range(12))
def test_column_fast_path_agrees_with_the_engine(seed):
    import numpy as np

    from homeward.engines import hotspots as engine
    from homeward.engines.hotspots.suppression import feasible_ranges

    rng = np.random.default_rng(seed)
    values = [int(v) for v in rng.choice([0, 0, 1, 2, 3, 5, 8, 13], size=int(rng.integers(1, 9)))]
    fast = exports.suppress_column(values)
    slow = engine.suppress([[v] for v in values])
    # The same cells are published where the engine publishes them, with the same number hidden.
    assert sum(c is None for c in fast.cells) == sum(r[0] is None for r in slow.cells)
    assert (fast.total is None) == (slow.grand_total is None)
    # And nothing hidden can be worked out from what is published.
    ext = np.array([[v, v] for v in values] + [[sum(values), sum(values)]])
    hidden = {(i, j) for i, c in enumerate(fast.cells) if c is None for j in (0, 1)}
    if fast.total is None:
        hidden |= {(len(values), 0), (len(values), 1)}
    if hidden:
        ranges = feasible_ranges(ext, hidden)
        assert all(hi - lo >= 0.5 for lo, hi in ranges.values())
