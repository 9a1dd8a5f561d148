"""Small builders shared by the plan tests."""

from __future__ import annotations

from typing import Any

from homeward.plan.models import Measure, MeasureAgency, Responsibility


def measure_led_by(lead: str, cooperating: str | None = None) -> Measure:
    """The first measure (plan order) that `lead` leads and, if given, `cooperating` cooperates on."""
    qs = Measure.objects.filter(responsibilities__name=lead, responsibilities__role=Responsibility.LEAD)
    if cooperating:
        ids = MeasureAgency.objects.filter(name=cooperating, role=Responsibility.COOPERATING).values(
            "measure_id"
        )
        qs = qs.filter(pk__in=ids)
    measure = qs.order_by("position").first()
    assert measure is not None
    return measure


def open_report(
    actor: Any, measure: Measure, period: str = "2025H1", work_done: str = "开展了专项行动"
) -> Any:
    from homeward.plan.services import ReportData, report_create

    return report_create(
        actor=actor, measure_id=measure.pk, period=period, data=ReportData(work_done=work_done)
    )
