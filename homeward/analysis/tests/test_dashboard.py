"""Dashboard figures equal the hand-counted seed, per jurisdiction, with last year's figures and a readable chart."""

from __future__ import annotations

import json
import re
import sys
import types
from datetime import date
from typing import Any

import pytest
from django.http import Http404
from django.utils.translation import gettext as _

from conftest import COUNTY_A, COUNTY_B, PROVINCE
from homeward.analysis import selectors

pytestmark = pytest.mark.django_db
MARCH: dict[str, Any] = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}


def rows_of(board):
    return {row.spec.key: (row.total, row.last_year) for fig in board.sections for row in fig.rows}


def test_province_sees_its_counties_hand_counted(seeded, personas):
    board = selectors.dashboard_get(
        actor=personas.provincial, area_code=PROVINCE, indicator="tips.received", **MARCH
    )
    assert rows_of(board) == {
        "tips.received": (6, 1),
        "tips.mandatory_reports": (1, 1),
        "alerts.released": (3, 0),
    }
    detail = board.detail
    assert detail is not None
    assert detail.total == 6 and detail.last_year == 1
    regions = {r.label: (r.count, r.last_year) for r in detail.regions}
    assert regions["成都市"] == (5, 1)
    assert regions[_("recorded at %(name)s level") % {"name": "四川省"}] == (1, 0)
    assert sum(r.count for r in detail.regions) == 6
    counties = {c.area.code: c.count for c in detail.counties if c.count}
    assert counties == {COUNTY_A: 3, COUNTY_B: 2}
    assert detail.unplaced == 1
    # March 2026 in weeks (Mondays from 23 Feb): 2 Mar has 2 (2nd, 3rd), 9 Mar 1, 16 Mar 1, 30 Mar 1; 20 Mar 1.
    assert sum(detail.series) == 6
    assert dict(zip(detail.bucket_labels, detail.series, strict=True))["2026-03-02"] == 2


def test_county_sees_only_itself(seeded, personas):
    board = selectors.dashboard_get(actor=personas.investigator_a, area_code=None, **MARCH)
    assert board.area.code == COUNTY_A
    assert rows_of(board) == {
        "tips.received": (3, 1),
        "tips.mandatory_reports": (1, 0),
        "alerts.released": (1, 0),
    }
    with pytest.raises(Http404):
        selectors.dashboard_get(actor=personas.investigator_a, area_code=COUNTY_B, **MARCH)
    with pytest.raises(Http404):
        selectors.dashboard_get(actor=personas.investigator_a, area_code=PROVINCE, **MARCH)


def test_apps_without_indicators_show_no_source(fake_sources, personas):
    fake_sources.add("tips", {"received": []})
    board = selectors.dashboard_get(actor=personas.investigator_a, area_code=None, **MARCH)
    by_app = {f.section.app: f.section.has_source for f in board.sections}
    assert by_app["tips"] is True
    assert by_app["cases"] is False and by_app["dna"] is False and by_app["screening"] is False


def test_dashboard_read_is_audited_once(seeded, personas, audit_rows):
    with audit_rows() as rows:
        selectors.dashboard_get(actor=personas.provincial, area_code=PROVINCE, **MARCH)
    assert [(r.action, r.object_type, r.object_id) for r in rows.new] == [
        ("read", "analysis.dashboard", PROVINCE)
    ]


def test_refused_area_is_audited_as_denied(seeded, personas, audit_rows):
    with audit_rows() as rows, pytest.raises(Http404):
        selectors.dashboard_get(actor=personas.investigator_b, area_code=COUNTY_A, **MARCH)
    assert [(r.action, r.outcome) for r in rows.new] == [("read", "denied")]


def test_roles_without_analysis_get_403(client, login, personas):
    login(personas.reporter_a)
    assert client.get("/staff/analysis/").status_code == 403
    login(personas.caseworker_a)
    assert client.get("/staff/analysis/").status_code == 403


def test_page_renders_charts_with_their_data(seeded, client, login, personas):
    login(personas.provincial)
    response = client.get(
        "/staff/analysis/",
        {"area": PROVINCE, "start": "2026-03-01", "end": "2026-03-31", "indicator": "tips.received"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    line = re.search(r'<svg class="chart chart-line" data-chart="line" data-values="([^"]*)"', html)
    assert line is not None
    values = json.loads(line.group(1).replace("&quot;", '"'))
    assert sum(values["series"]["2026-03-01 – 2026-03-31"]) == 6
    bar = re.search(r'<svg class="chart chart-bar" data-chart="bar" data-values="([^"]*)"', html)
    assert bar is not None
    bars = {b["label"]: b["value"] for b in json.loads(bar.group(1).replace("&quot;", '"'))}
    assert bars["成都市"] == 5
    assert 'data-chart="map"' in html and 'data-code="510107"' in html
    assert "<table" in html and "成都市" in html
    # The no-source sections say so.
    assert 'data-app="dna"' in html and _("No data source yet.") in html


def test_county_b_gets_404_page(seeded, client, login, personas):
    login(personas.investigator_b)
    assert client.get("/staff/analysis/", {"area": COUNTY_A}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"area": "51A107"},
        {"area": "519999"},
        {"start": "2026-04-01", "end": "2026-03-01"},
        {"start": "yesterday"},
        {"start": "1990-01-01", "end": "2026-01-01"},
    ],
)
def test_bad_dashboard_input_is_a_form_error(seeded, client, login, personas, params):
    login(personas.provincial)
    response = client.get("/staff/analysis/", params)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()


def test_a_broken_source_module_is_no_source_not_an_error(seeded, personas):
    # find_spec says the module exists, but importing it fails.
    seeded.modules["homeward.dna.indicators"] = types.ModuleType("broken")
    seeded.monkeypatch.setitem(sys.modules, "homeward.dna.indicators", None)
    board = selectors.dashboard_get(actor=personas.provincial, area_code=PROVINCE, **MARCH)
    by_app = {f.section.app: f.section.has_source for f in board.sections}
    assert by_app["dna"] is False and by_app["tips"] is True
