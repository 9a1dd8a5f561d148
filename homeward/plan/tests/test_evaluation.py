"""Evaluation rounds: assembly per measure, agency and region; scoring; the Word and Excel reports."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from docx import Document
from openpyxl import load_workbook

from homeward.plan import exports, selectors, services
from homeward.plan.models import Dimension, EvaluationKind
from homeward.plan.services import ActivityData
from homeward.plan.tests.helpers import measure_led_by, open_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembled(pp, time_machine):
    time_machine.move_to("2025-11-20 10:00 +08:00")
    measure = measure_led_by("公安部", "全国妇联")
    report = open_report(pp.police_a, measure, "2025H1")
    services.report_submit(actor=pp.police_a, report_id=report.pk)
    open_report(pp.police_b, measure, "2025H1")
    services.activity_create(
        actor=pp.women_officer_a,
        data=ActivityData(
            kind="training", title="反拐培训", held_on=date(2025, 5, 1), count=80, measure_id=measure.pk
        ),
    )
    round_ = services.evaluation_open(actor=pp.coord_province, kind=EvaluationKind.MID_TERM)
    services.evaluation_assemble(actor=pp.coord_province, round_id=round_.pk)
    return round_, measure


def test_assembly_per_measure_agency_region(pp, assembled):
    round_, measure = assembled
    assert (round_.period_start, round_.period_end) == (date(2021, 1, 1), date(2026, 1, 1))
    items = {(i.dimension, i.key): i for i in round_.items.all()}
    m = items[(Dimension.MEASURE, measure.code)]
    assert m.data["reports"] == 2 and m.data["reports_submitted"] == 1 and m.data["activities"] == 1
    assert "公安部" in m.data["lead_agencies"]
    assert len([k for k in items if k[0] == Dimension.MEASURE]) == 92
    agencies = {i.label for i in round_.items.all() if i.dimension == Dimension.AGENCY}
    assert agencies == {pp.police_a.agency.name, pp.police_b.agency.name, pp.women_a.name}
    regions = {i.key: i for i in round_.items.all() if i.dimension == Dimension.REGION}
    assert set(regions) == {"510107", "510106"}
    assert regions["510107"].data["reports_submitted"] == 1
    assert regions["510107"].data["indicators"]["plan.activity_participants"] == 80


def test_scoring_keeps_scores_across_reassembly_and_checks_input(pp, assembled, audit_rows):
    round_, measure = assembled
    item = round_.items.get(dimension=Dimension.MEASURE, key=measure.code)
    with audit_rows() as rows:
        services.evaluation_score(
            actor=pp.coord_province, round_id=round_.pk, item_id=item.pk, score="85", comment="好"
        )
    assert len(rows.new) == 1
    for bad in ("101", "-1", "abc", ""):
        with pytest.raises(ValidationError):
            services.evaluation_score(actor=pp.coord_province, round_id=round_.pk, item_id=item.pk, score=bad)
    services.evaluation_assemble(actor=pp.coord_province, round_id=round_.pk)
    item.refresh_from_db()
    assert item.score == 85
    with pytest.raises(Http404):
        services.evaluation_score(actor=pp.coord_b, round_id=round_.pk, item_id=item.pk, score="50")
    with pytest.raises(PermissionDenied):
        services.evaluation_open(actor=pp.police_a, kind=EvaluationKind.MID_TERM)
    services.evaluation_close(actor=pp.coord_province, round_id=round_.pk)
    with pytest.raises(ValidationError):
        services.evaluation_score(actor=pp.coord_province, round_id=round_.pk, item_id=item.pk, score="50")


def test_word_report_opens_and_holds_the_tables(pp, assembled, audit_rows):
    round_, measure = assembled
    item = round_.items.get(dimension=Dimension.REGION, key="510107")
    services.evaluation_score(actor=pp.coord_province, round_id=round_.pk, item_id=item.pk, score="72.5")
    with audit_rows() as rows:
        round_ = selectors.round_export(actor=pp.coord_province, round_id=round_.pk)
    assert [r.action for r in rows.new] == ["export"]
    doc = Document(io.BytesIO(exports.round_docx(round_)))
    assert len(doc.tables) == 4
    measures, agencies, regions, indicators = doc.tables
    assert len(measures.rows) == 1 + 92
    codes = [row.cells[0].text for row in measures.rows[1:]]
    assert measure.code in codes
    row = measures.rows[1 + codes.index(measure.code)]
    assert row.cells[3].text == "2" and row.cells[4].text == "1"
    assert {r.cells[0].text for r in agencies.rows[1:]} == {
        pp.police_a.agency.name,
        pp.police_b.agency.name,
        pp.women_a.name,
    }
    region_rows = {r.cells[1].text: r for r in regions.rows[1:]}
    assert region_rows["510107"].cells[-2].text == "72.5"
    assert any(r.cells[1].text == "plan.activity_participants" for r in indicators.rows[1:])
    assert len(doc.inline_shapes) == 1  # the chart


def test_spreadsheet_holds_the_same_tables(pp, assembled):
    round_, measure = assembled
    book = load_workbook(io.BytesIO(exports.round_xlsx(round_)))
    assert book.sheetnames == ["summary", "measures", "agencies", "regions", "indicators"]
    rows = list(book["measures"].iter_rows(values_only=True))
    assert len(rows) == 93
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[measure.code][3] == 2
    regions = {r[1]: r for r in list(book["regions"].iter_rows(values_only=True))[1:]}
    assert set(regions) == {"510107", "510106"}


def test_round_visible_to_its_level_and_above_only(pp, assembled):
    round_, _measure = assembled
    assert selectors.round_get(actor=pp.coord_national, round_id=round_.pk)
    for user in (pp.coord_a, pp.coord_other):
        with pytest.raises(Http404):
            selectors.round_get(actor=user, round_id=round_.pk)
    with pytest.raises(PermissionDenied):
        selectors.round_get(actor=pp.police_province, round_id=round_.pk)


def test_chart_png_is_an_image():
    png = exports.bar_chart_png("t", [("S1", 3.0), ("S2", 0.0)])
    assert png.startswith(b"\x89PNG")
