"""Evaluation reports as files: a Word document (tables and a chart) and a spreadsheet.

The chart is a PNG drawn with Pillow (already a dependency) so that no plotting library is needed; its axis labels
are ASCII (section numbers, division codes) because the bundled font has no CJK glyphs — the tables beside it carry
the Chinese names.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from homeward.plan import indicators as ind
from homeward.plan.models import Dimension, EvaluationItem, EvaluationRound
from homeward.regions.selectors import division_label, scope_prefix

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECTION_NUMBERS = {
    "二.(一)": "1",
    "二.(二)": "2",
    "二.(三)": "3",
    "二.(四)": "4",
    "二.(五)": "5",
    "二.(六)": "6",
}


def _items(round_: EvaluationRound, dimension: str) -> list[EvaluationItem]:
    return [i for i in round_.items.all() if i.dimension == dimension]


def _score(item: EvaluationItem) -> str:
    return "" if item.score is None else f"{item.score:.1f}"


def measure_rows(round_: EvaluationRound) -> list[list[Any]]:
    return [
        [
            i.key,
            i.label,
            "、".join(i.data.get("lead_agencies", [])),
            i.data.get("reports", 0),
            i.data.get("reports_submitted", 0),
            i.data.get("implementation_plans", 0),
            i.data.get("activities", 0),
            _score(i),
            i.comment,
        ]
        for i in _items(round_, Dimension.MEASURE)
    ]


MEASURE_HEADERS = [
    gettext_noop("Code"),
    gettext_noop("Measure"),
    gettext_noop("Lead agencies"),
    gettext_noop("Reports"),
    gettext_noop("Submitted"),
    gettext_noop("Implementation plans"),
    gettext_noop("Activities"),
    gettext_noop("Score"),
    gettext_noop("Comment"),
]
AGENCY_HEADERS = [
    gettext_noop("Agency"),
    gettext_noop("Division"),
    gettext_noop("Reports"),
    gettext_noop("Submitted"),
    gettext_noop("Implementation plans"),
    gettext_noop("Activities"),
    gettext_noop("Score"),
    gettext_noop("Comment"),
]
REGION_HEADERS = [
    gettext_noop("Region"),
    gettext_noop("Code"),
    gettext_noop("Reports"),
    gettext_noop("Submitted"),
    gettext_noop("Implementation plans"),
    gettext_noop("Activities"),
    gettext_noop("Supervision listings"),
    gettext_noop("Overdue"),
    gettext_noop("Score"),
    gettext_noop("Comment"),
]


INDICATOR_HEADERS = [
    gettext_noop("Indicator"),
    gettext_noop("Key"),
    gettext_noop("Where"),
    gettext_noop("Value"),
]


def agency_rows(round_: EvaluationRound) -> list[list[Any]]:
    return [
        [
            i.label,
            i.data.get("division", ""),
            i.data.get("reports", 0),
            i.data.get("reports_submitted", 0),
            i.data.get("implementation_plans", 0),
            i.data.get("activities", 0),
            _score(i),
            i.comment,
        ]
        for i in _items(round_, Dimension.AGENCY)
    ]


def region_rows(round_: EvaluationRound) -> list[list[Any]]:
    return [
        [
            i.label,
            i.key,
            i.data.get("reports", 0),
            i.data.get("reports_submitted", 0),
            i.data.get("implementation_plans", 0),
            i.data.get("activities", 0),
            i.data.get("supervision_listings", 0),
            i.data.get("supervision_overdue", 0),
            _score(i),
            i.comment,
        ]
        for i in _items(round_, Dimension.REGION)
    ]


def indicator_rows(round_: EvaluationRound) -> list[list[Any]]:
    """Every registered indicator for the round's whole jurisdiction, then per region where the item has it."""
    rows: list[list[Any]] = []
    overall = ind.compute(scope_prefix(round_.jurisdiction), round_.period_start, round_.period_end)
    for value in overall:
        rows.append(
            [
                str(value.spec.label),
                value.key,
                _("whole jurisdiction"),
                value.value if value.available else _("not available yet"),
            ]
        )
    for item in _items(round_, Dimension.REGION):
        for key, number in sorted(item.data.get("indicators", {}).items()):
            spec = ind.lookup(key)
            rows.append([str(spec.label) if spec else key, key, item.label, number])
    return rows


def section_chart_values(round_: EvaluationRound) -> tuple[str, list[tuple[str, float]]]:
    """Average score per section of measures if any are scored, else reports per section."""
    scores: dict[str, list[Decimal]] = defaultdict(list)
    reports: dict[str, int] = defaultdict(int)
    for item in _items(round_, Dimension.MEASURE):
        section = SECTION_NUMBERS.get(item.data.get("section", ""), "?")
        reports[section] += int(item.data.get("reports", 0))
        if item.score is not None:
            scores[section].append(item.score)
    labels = sorted(set(SECTION_NUMBERS.values()))
    if scores:
        return "Average score by section (0-100)", [
            (f"S{s}", float(sum(scores[s]) / len(scores[s])) if scores[s] else 0.0) for s in labels
        ]
    return "Progress reports by section", [(f"S{s}", float(reports[s])) for s in labels]


def bar_chart_png(title: str, values: list[tuple[str, float]], width: int = 900, height: int = 420) -> bytes:
    """A plain bar chart as PNG bytes."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    try:
        font: Any = ImageFont.load_default(size=16)
        small: Any = ImageFont.load_default(size=13)
    except TypeError:  # Pillow without FreeType: fixed bitmap font
        font = small = ImageFont.load_default()
    left, right, top, bottom = 70, 20, 50, 50
    draw.text((left, 12), title, fill="black", font=font)
    top_value = max([v for _l, v in values] + [1.0])
    plot_h = height - top - bottom
    draw.line((left, top, left, height - bottom), fill="black")
    draw.line((left, height - bottom, width - right, height - bottom), fill="black")
    for step in range(5):
        v = top_value * step / 4
        y = height - bottom - plot_h * step / 4
        draw.line((left - 4, y, width - right, y), fill="#dddddd")
        draw.text((8, y - 8), f"{v:.0f}" if top_value >= 10 else f"{v:.1f}", fill="black", font=small)
    n = max(len(values), 1)
    slot = (width - left - right) / n
    for i, (label, value) in enumerate(values):
        x0 = left + i * slot + slot * 0.2
        x1 = left + (i + 1) * slot - slot * 0.2
        y = height - bottom - plot_h * (value / top_value)
        draw.rectangle((x0, y, x1, height - bottom), fill="#2f6f9f")
        draw.text((x0, height - bottom + 8), label[:10], fill="black", font=small)
        draw.text((x0, y - 16), f"{value:.1f}" if value % 1 else f"{value:.0f}", fill="black", font=small)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _headers(names: list[str]) -> list[str]:
    return [_(n) for n in names]


def round_docx(round_: EvaluationRound) -> bytes:
    from docx import Document
    from docx.shared import Cm
    from docx.table import _Cell

    doc = Document()
    doc.add_heading(round_.title, level=0)
    doc.add_paragraph(
        f"{_('Jurisdiction')}: {division_label(round_.jurisdiction)} ({round_.jurisdiction}) · "
        f"{_('Period')}: {round_.period_start.isoformat()} – {round_.period_end.isoformat()} · "
        f"{_('Status')}: {round_.get_status_display()} · "
        f"{_('Generated')}: {timezone.localtime().strftime('%Y-%m-%d %H:%M')}"
    )

    def table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
        doc.add_heading(title, level=1)
        t = doc.add_table(rows=1 + len(rows), cols=len(headers))
        t.style = "Table Grid"
        # Cells are filled through the row elements: python-docx's `table.rows[i].cells` rebuilds the whole
        # grid on every call, which made a 100-row table take seconds.
        texts = [_headers(headers)] + [["" if v is None else str(v) for v in row] for row in rows]
        for tr, values in zip(t._tbl.tr_lst, texts, strict=True):
            for tc, value in zip(tr.tc_lst, values, strict=True):
                _Cell(tc, t).text = value

    chart_title, values = section_chart_values(round_)
    doc.add_heading(_("Overview"), level=1)
    doc.add_picture(io.BytesIO(bar_chart_png(chart_title, values)), width=Cm(16))
    doc.add_paragraph(
        _("S1–S6 are the six sections of the measures: ")
        + "; ".join(f"S{n} = {code}" for code, n in SECTION_NUMBERS.items())
    )
    table(_("By measure"), MEASURE_HEADERS, measure_rows(round_))
    table(_("By agency"), AGENCY_HEADERS, agency_rows(round_))
    table(_("By region"), REGION_HEADERS, region_rows(round_))
    table(
        _("Indicators computed from Homeward's data"),
        INDICATOR_HEADERS,
        indicator_rows(round_),
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def round_xlsx(round_: EvaluationRound) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "summary"
    summary.append([_("Title"), round_.title])
    summary.append([_("Jurisdiction"), round_.jurisdiction, division_label(round_.jurisdiction)])
    summary.append([_("Period"), round_.period_start.isoformat(), round_.period_end.isoformat()])
    summary.append([_("Status"), str(round_.get_status_display())])
    for name, headers, rows in (
        ("measures", MEASURE_HEADERS, measure_rows(round_)),
        ("agencies", AGENCY_HEADERS, agency_rows(round_)),
        ("regions", REGION_HEADERS, region_rows(round_)),
        ("indicators", INDICATOR_HEADERS, indicator_rows(round_)),
    ):
        sheet = wb.create_sheet(name)
        sheet.append(_headers(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        score_at = headers.index(gettext_noop("Score")) if gettext_noop("Score") in headers else -1
        for row in rows:
            sheet.append([float(v) if i == score_at and v else v for i, v in enumerate(row)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
